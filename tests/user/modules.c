/* The module system calls' checks that hold on any Linux (docs/modules.md): only
 * CAP_SYS_MODULE loads and unloads (EPERM for uid 65534, before anything else is looked at),
 * finit_module's unknown flags are EINVAL and delete_module of a name not loaded is ENOENT
 * (these two when the process may load modules at all; skipped in a container without
 * CAP_SYS_MODULE). A Linux built without modules (CONFIG_MODULES=n) has none of these calls
 * (ENOSYS), and every check is skipped there. On Linux nothing is loaded: a foreign module is
 * no test there. On Apus (uname -v), as root, the calls themselves load and unload the
 * textbook /lib/modules/hello.ko: init_module's ENOEXEC, EFAULT and EEXIST, finit_module's
 * MODULE_INIT_IGNORE_VERMAGIC, EBADF and EINVAL, a read of its /proc file into a bad pointer
 * (EFAULT: the module copies to the caller's own memory), and a /proc file of a module kept
 * open across its unload (EIO). init.sh's `modules` section does the rest through busybox. */
#include "tap.h"
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define NOBODY 65534
#define CAP_SYS_MODULE 16
#define MODULE_INIT_IGNORE_VERMAGIC 2

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

static void on_apus(void)
{
    static char image[65536];
    long length = read_into("/lib/modules/hello.ko", image, sizeof image);
    if (!ok(length > 64, "read /lib/modules/hello.ko (%ld bytes)", length))
        return;
    fails_with(init_module(image, 63, ""), ENOEXEC, "init_module of fewer bytes than an ELF header is ENOEXEC");
    fails_with(init_module(bad_pointer(16), (unsigned long)length, ""), EFAULT,
               "init_module of unreadable memory is EFAULT");
    succeeds(init_module(image, (unsigned long)length, ""), "init_module loads hello.ko");
    fails_with(init_module(image, (unsigned long)length, ""), EEXIST, "a second init_module is EEXIST");
    char text[64] = "";
    is(read_into("/proc/hello_proc", text, sizeof text - 1), 26, "/proc/hello_proc reads 26 bytes");
    is(strcmp(text, "Hello from kernel module!\n"), 0, "the module's message");
    int entry = open("/proc/hello_proc", O_RDWR);
    is(write(entry, "abc", 3), 3, "a write goes to hello_write, which takes it all");
    fails_with(read(entry, bad_pointer(1), 10), EFAULT,
               "hello_read's copy_to_user into a bad pointer fails: EFAULT");
    succeeds(delete_module("hello", O_NONBLOCK), "delete_module unloads it");
    char byte;
    fails_with(read(entry, &byte, 1), EIO, "a /proc file kept open across the unload reads EIO");
    close(entry);
    fails_with(open("/proc/hello_proc", O_RDONLY), ENOENT, "and is gone");
    fails_with(delete_module("hello", O_NONBLOCK), ENOENT, "a second delete_module is ENOENT");

    int bad = open("/lib/modules/malformed/vermagic.ko", O_RDONLY);
    fails_with(finit_module(bad, "", 0), ENOEXEC, "finit_module of another kernel's vermagic is ENOEXEC");
    succeeds(finit_module(bad, "", MODULE_INIT_IGNORE_VERMAGIC), "MODULE_INIT_IGNORE_VERMAGIC loads it");
    succeeds(delete_module("hello", O_NONBLOCK), "and it unloads");
    close(bad);
    int writer = open("/lib/modules/hello.ko", O_WRONLY);
    fails_with(finit_module(writer, "", 0), EBADF, "finit_module of a file not open for reading is EBADF");
    close(writer);
    int directory = open("/lib/modules", O_RDONLY | O_DIRECTORY);
    fails_with(finit_module(directory, "", 0), EINVAL, "finit_module of a directory is EINVAL");
    close(directory);
}

int main(void)
{
    if (delete_module("apus_no_such_module", O_NONBLOCK) == -1 && errno == ENOSYS) {
        skip("a kernel without modules", "the module system calls' permission and argument checks");
        return tap_done();
    }
    relayed_child("uid 65534", as_nobody, NULL);
    struct utsname name;
    int apus = uname(&name) == 0 && strstr(name.version, "Apus") != NULL;
    int fd = open("/proc/self/exe", O_RDONLY);
    /* Apus keeps no capability sets: root has them all. */
    if (geteuid() == 0 && (apus || prctl(PR_CAPBSET_READ, CAP_SYS_MODULE) == 1)) {
        fails_with(finit_module(fd, "", 0x80), EINVAL, "finit_module with an unknown flag is EINVAL");
        fails_with(delete_module("apus_no_such_module", O_NONBLOCK), ENOENT,
                   "delete_module of a module not loaded is ENOENT");
    } else {
        skip("no CAP_SYS_MODULE", "finit_module with an unknown flag is EINVAL");
        skip("no CAP_SYS_MODULE", "delete_module of a module not loaded is ENOENT");
    }
    close(fd);
    if (apus && geteuid() == 0)
        on_apus();
    else
        skip("not Apus", "loading Apus's hello.ko with init_module and finit_module");
    return tap_done();
}
