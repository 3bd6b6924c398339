// PlStaticInitCrash: a global object whose constructor raises SIGSEGV, so the
// library crashes while being dlopen'ed, before any factory/entry call.
// The build compiles one extra copy with PL_STATIC_INIT_SAFE defined, only to
// run DPF's lv2_ttl_generator on it; that copy is never shipped.
#include "../common/PlPassThrough.cpp"

namespace {

struct PlStaticCrasher
{
    PlStaticCrasher()
    {
#ifndef PL_STATIC_INIT_SAFE
        volatile int* volatile p = nullptr;
        *p = 42;
        std::raise(SIGSEGV);
#endif
    }
};

PlStaticCrasher gPlStaticCrasher;

}
