/* mlock, mlock2, munlock, mlockall, munlockall: pages faulted in at once, and RLIMIT_MEMLOCK
 * accounting for a process without CAP_IPC_LOCK (a child that drops to uid 65534).
 */
#define _GNU_SOURCE
#include "tap.h"

#include <sys/mman.h>

#define NOBODY 65534
#define PAGE 4096
#define CHECK(condition) failures += !(condition)

static int resident(char *address, size_t pages)
{
    unsigned char vector[64];
    if (pages > sizeof vector || mincore(address, pages * PAGE, vector) != 0)
        return 0;
    for (size_t i = 0; i < pages; i++)
        if (!(vector[i] & 1))
            return 0;
    return 1;
}

/* As nobody with a 16-page limit; returns the number of failed checks. */
static int limited(void)
{
    int failures = 0;
    struct rlimit limit = { 16 * PAGE, 16 * PAGE };
    CHECK(setrlimit(RLIMIT_MEMLOCK, &limit) == 0);
    char *area = mmap(NULL, 32 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    CHECK(mlock(area, 8 * PAGE) == 0);
    CHECK(resident(area, 8));
    CHECK(mlock(area + 100, 8 * PAGE - 100) == 0);             /* locked pages count once */
    CHECK(mlock(area + 8 * PAGE, 16 * PAGE) == -1 && errno == ENOMEM);
    CHECK(mlock(area + 8 * PAGE, 8 * PAGE) == 0);              /* 16 pages: the limit */
    CHECK(munlock(area, 8 * PAGE) == 0);
    CHECK(mlock(area + 16 * PAGE, 8 * PAGE) == 0);
    CHECK(munlockall() == 0);
    CHECK(munmap(area + 30 * PAGE, PAGE) == 0);
    CHECK(mlock(area + 28 * PAGE, 4 * PAGE) == -1 && errno == ENOMEM);   /* a hole */
    CHECK(mlockall(MCL_CURRENT) == -1 && errno == ENOMEM);
    CHECK(mlock2(area, PAGE, 2) == -1 && errno == EINVAL);
    CHECK(mlock2(area, PAGE, MLOCK_ONFAULT) == 0);
    CHECK(munlockall() == 0);
    limit.rlim_cur = 0;
    CHECK(setrlimit(RLIMIT_MEMLOCK, &limit) == 0);
    CHECK(mlock(area, PAGE) == -1 && errno == EPERM);
    return failures;
}

int main(void)
{
    char *area = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(area != MAP_FAILED, "map 16 pages"))
        return tap_done();
    ok(!resident(area, 16), "untouched, they are not resident");
    is(mlock(area, 16 * PAGE), 0, "mlock");
    ok(resident(area, 16), "faults them in");
    is(munlock(area, 16 * PAGE), 0, "munlock");
    is(mlock(area, 0), 0, "mlock of 0 bytes");
    fails_with(mlockall(0), EINVAL, "mlockall(0): EINVAL");
    fails_with(mlockall(MCL_ONFAULT), EINVAL, "mlockall(MCL_ONFAULT) alone: EINVAL");

    if (geteuid() == 0) {
        struct rlimit small = { PAGE, RLIM_INFINITY }, saved;
        getrlimit(RLIMIT_MEMLOCK, &saved);
        setrlimit(RLIMIT_MEMLOCK, &small);
        is(mlock(area, 16 * PAGE), 0, "root (CAP_IPC_LOCK) locks past RLIMIT_MEMLOCK");
        is(mlockall(MCL_CURRENT | MCL_FUTURE), 0, "mlockall(MCL_CURRENT | MCL_FUTURE)");
        char *later = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ok(later != MAP_FAILED && resident(later, 4), "a later mapping is locked and faulted in at once");
        is(munlockall(), 0, "munlockall");
        char *after = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ok(after != MAP_FAILED && !resident(after, 4), "then new mappings are not");
        setrlimit(RLIMIT_MEMLOCK, &saved);

        pid_t pid = fork();
        if (pid == 0) {
            if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
                _exit(100);
            _exit(limited());
        }
        exits_with(pid, 0, "as nobody: RLIMIT_MEMLOCK bounds mlock (ENOMEM), holes are ENOMEM, limit 0 is EPERM");
    } else {
        skip("not root", "CAP_IPC_LOCK and the unprivileged checks need root");
    }
    return tap_done();
}
