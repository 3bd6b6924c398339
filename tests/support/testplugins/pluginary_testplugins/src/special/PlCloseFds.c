/* PlCloseFds: a LADSPA library that, when it is loaded, closes every fd from 3
 * to 1023 and then sleeps forever without using CPU.
 *
 * In a scan worker (pluginary.scan.worker) this closes the private protocol pipe
 * while the process stays alive: the parent sees EOF on the worker's answers
 * rather than a dead process or a timeout with the pipe still open.  dlopen never
 * returns, so ladspa_descriptor is never reached in practice; it exists (and
 * lists no plugin) only so that the file looks like a LADSPA library. */
#define _POSIX_C_SOURCE 200809L

#include <ladspa.h>
#include <stddef.h>
#include <unistd.h>

__attribute__((constructor)) static void pl_close_fds_and_hang(void)
{
    for (int fd = 3; fd < 1024; ++fd)
        close(fd); /* EBADF for fds that are not open: nothing to do */
    for (;;)
        pause(); /* returns only after a caught signal: go back to sleep */
}

__attribute__((visibility("default"))) const LADSPA_Descriptor* ladspa_descriptor(unsigned long index)
{
    (void)index;
    return NULL;
}
