/* The module system calls' checks that hold on any Linux (docs/modules.md): only
 * CAP_SYS_MODULE loads and unloads (EPERM for uid 65534, before anything else is looked at),
 * finit_module's unknown flags are EINVAL and delete_module of a name not loaded is ENOENT
 * (these two when the process may load modules at all; skipped in a container without
 * CAP_SYS_MODULE). A Linux built without modules (CONFIG_MODULES=n) has none of these calls
 * (ENOSYS), and every check is skipped there. Nothing is loaded: a foreign module is no test
 * on Linux. Loading Apus's
 * modules is checked by init.sh's `modules` section, on Apus only. */
#include "tap.h"
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define NOBODY 65534
#define CAP_SYS_MODULE 16

static long init_module(const void *image, unsigned long length, const char *arguments)
{
    return syscall(SYS_init_module, image, length, arguments);
}

static long finit_module(int fd, const char *arguments, int flags)
{
    return syscall(SYS_finit_module, fd, arguments, flags);
}

static long delete_module(const char *name, int flags)
{
    return syscall(SYS_delete_module, name, flags);
}

static void as_nobody(void *unused)
{
    (void)unused;
    static const char junk[128] = "not a module";
    if (getuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)) {
        ok(0, "setuid(65534): %s", strerror(errno));
        exit(tap_done());
    }
    int fd = open("/proc/self/exe", O_RDONLY);
    fails_with(init_module(junk, sizeof junk, ""), EPERM, "init_module as uid 65534 is EPERM");
    fails_with(init_module(bad_pointer(16), 1 << 20, ""), EPERM, "even with a bad image pointer");
    fails_with(finit_module(fd, "", 0), EPERM, "finit_module as uid 65534 is EPERM");
    fails_with(finit_module(fd, "", 0x80), EPERM, "even with unknown flags");
    fails_with(delete_module("hello", O_NONBLOCK), EPERM, "delete_module as uid 65534 is EPERM");
    close(fd);
    exit(tap_done());
}

int main(void)
{
    if (delete_module("apus_no_such_module", O_NONBLOCK) == -1 && errno == ENOSYS) {
        skip("a kernel without modules", "the module system calls' permission and argument checks");
        return tap_done();
    }
    relayed_child("uid 65534", as_nobody, NULL);
    int fd = open("/proc/self/exe", O_RDONLY);
    if (geteuid() == 0 && prctl(PR_CAPBSET_READ, CAP_SYS_MODULE) == 1) {
        fails_with(finit_module(fd, "", 0x80), EINVAL, "finit_module with an unknown flag is EINVAL");
        fails_with(delete_module("apus_no_such_module", O_NONBLOCK), ENOENT,
                   "delete_module of a module not loaded is ENOENT");
    } else {
        skip("no CAP_SYS_MODULE", "finit_module with an unknown flag is EINVAL");
        skip("no CAP_SYS_MODULE", "delete_module of a module not loaded is ENOENT");
    }
    close(fd);
    return tap_done();
}
