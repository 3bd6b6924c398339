/* PlProtocolWrite: a LADSPA library that, when it is loaded, writes a malformed
 * frame into every writable pipe it inherited above stderr.
 *
 * A scan worker (pluginary.scan.worker) answers on a private dup of its stdout:
 * a pipe carrying 4-byte big-endian length-prefixed msgpack frames, at some fd
 * >= 3 (fds 0-2 are the request pipe and the capture file).  Rather than guess
 * which fd that is, the constructor writes length 5 followed by five 0xC1 bytes
 * (0xC1 is "never used" in msgpack, so no decoder can accept it) to every writable
 * FIFO from fd 3 up, then returns normally.
 * The library is otherwise an ordinary LADSPA library with one plugin, so a
 * parent that ignored the garbage would record a successful load; only noticing
 * the broken protocol makes the scan report it. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <ladspa.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((constructor)) static void pl_write_garbage_frame(void)
{
    static const unsigned char frame[9] = { 0, 0, 0, 5, 0xC1, 0xC1, 0xC1, 0xC1, 0xC1 };
    for (int fd = 3; fd < 1024; ++fd) {
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
            continue;
        int flags = fcntl(fd, F_GETFL);
        if (flags == -1)
            continue;
        int mode = flags & O_ACCMODE;
        if (mode != O_WRONLY && mode != O_RDWR)
            continue;
        /* 9 bytes <= PIPE_BUF: one atomic write; the result is of no use here. */
        ssize_t written = write(fd, frame, sizeof frame);
        (void)written;
    }
}

/* One trivial plugin: no ports, and run() does nothing. */
static char pl_handle;

static LADSPA_Handle pl_instantiate(const LADSPA_Descriptor* d, unsigned long rate)
{
    (void)d;
    (void)rate;
    return &pl_handle;
}

static void pl_connect_port(LADSPA_Handle h, unsigned long port, LADSPA_Data* data)
{
    (void)h;
    (void)port;
    (void)data;
}

static void pl_run(LADSPA_Handle h, unsigned long frames)
{
    (void)h;
    (void)frames;
}

static void pl_cleanup(LADSPA_Handle h) { (void)h; }

static const LADSPA_Descriptor kDescriptor = {
    .UniqueID = ('P' << 24) | ('P' << 16) | ('w' << 8) | 'r', /* "PPwr", like the DPF ids */
    .Label = "PlProtocolWrite",
    .Properties = LADSPA_PROPERTY_HARD_RT_CAPABLE,
    .Name = "PlProtocolWrite",
    .Maker = "Pluginary Test",
    .Copyright = "MIT",
    .PortCount = 0,
    .instantiate = pl_instantiate,
    .connect_port = pl_connect_port,
    .run = pl_run,
    .cleanup = pl_cleanup,
};

__attribute__((visibility("default"))) const LADSPA_Descriptor* ladspa_descriptor(unsigned long index)
{
    return index == 0 ? &kDescriptor : NULL;
}
