/* System V shared memory: shmget's rules, two attachments sharing pages, shm_nattch through
 * shmat, shmdt, fork, exec and exit, SHM_RDONLY, SHM_RND, attaching at an address and
 * SHM_REMAP, IPC_RMID while attached (SHM_DEST, key 0, the pages live on until the last
 * detach), the INFO and STAT commands, /proc/PID/maps naming /SYSV<key> (deleted),
 * /proc/sysvipc/shm, permissions for uid 65534 and the shm sysctls. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include "tap.h"
#include "sysvipc.h"

#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif

#define PAGE 4096

static long attachments(int segment)
{
    struct shmid_ds status;
    return shmctl(segment, IPC_STAT, &status) == 0 ? (long)status.shm_nattch : -1;
}

/* An address with `pages` free pages at it: mapped, then unmapped again. */
static char *free_range(size_t pages)
{
    char *range = mmap(NULL, pages * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(range, pages * PAGE);
    return range;
}

static void creation(void)
{
    fails_with(shmget(IPC_PRIVATE, 0, 0600), EINVAL, "a segment of 0 bytes is EINVAL");
    int key = test_key(0x48);
    int segment = shmget(key, 5000, IPC_CREAT | 0600);
    ok(segment >= 0, "shmget(key, 5000, IPC_CREAT) makes a segment");
    is(shmget(key, 4000, 0), segment, "shmget of the key with a smaller size finds it");
    fails_with(shmget(key, 9000, 0), EINVAL, "with a larger size: EINVAL");
    fails_with(shmget(key, 5000, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "IPC_EXCL: EEXIST");
    struct shmid_ds status;
    is(shmctl(segment, IPC_STAT, &status), 0, "IPC_STAT");
    ok(status.shm_segsz == 5000 && status.shm_nattch == 0 && status.shm_cpid == getpid() &&
           status.shm_lpid == 0 && (status.shm_perm.mode & 0777) == 0600 && status.shm_perm.__key == key,
       "shm_segsz, shm_nattch 0, shm_cpid, shm_lpid 0, mode and key");
    ok(status.shm_atime == 0 && status.shm_dtime == 0 && status.shm_ctime >= time(NULL) - 5, "only shm_ctime set");

    char *memory = shmat(segment, NULL, 0);
    ok(memory != (void *)-1, "shmat maps it");
    ok(memory[0] == 0 && memory[4999] == 0, "zero-filled");
    char maps_line[64];
    snprintf(maps_line, sizeof maps_line, "/SYSV%08x (deleted)", key);
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[256];
    int named = 0;
    while (maps && fgets(line, sizeof line, maps))
        if (strtoul(line, NULL, 16) == (unsigned long)memory && strstr(line, maps_line) && strstr(line, "rw-s"))
            named = 1;
    if (maps)
        fclose(maps);
    ok(named, "/proc/self/maps shows it rw-s as %s", maps_line);
    shmctl(segment, IPC_STAT, &status);
    ok(status.shm_nattch == 1 && status.shm_lpid == getpid() && status.shm_atime >= time(NULL) - 5,
       "shm_nattch 1, shm_lpid and shm_atime set by shmat");
    is(shmdt(memory), 0, "shmdt");
    shmctl(segment, IPC_STAT, &status);
    ok(status.shm_nattch == 0 && status.shm_dtime >= time(NULL) - 5, "shm_nattch 0, shm_dtime set");
    is(shmctl(segment, IPC_RMID, NULL), 0, "IPC_RMID of a detached segment");
    fails_with(shmget(key, 5000, 0), ENOENT, "removes it at once: its key is unknown");
    fails_with(shmctl(segment, IPC_STAT, &status), EINVAL, "and its id EINVAL");
}

static void sharing(void)
{
    int segment = shmget(IPC_PRIVATE, 3 * PAGE, 0600);
    char *first = shmat(segment, NULL, 0);
    char *second = shmat(segment, NULL, 0);
    ok(first != (void *)-1 && second != (void *)-1 && first != second, "two attachments, two addresses");
    strcpy(first + PAGE, "shared");
    ok(!strcmp(second + PAGE, "shared"), "a write through one shows through the other");
    is(attachments(segment), 2, "shm_nattch 2");

    pid_t child = fork();
    if (child == 0) {
        int counted = attachments(segment) == 4;
        strcpy(second + 2 * PAGE, "from the child");
        _exit(counted ? 0 : 1);
    }
    exits_with(child, 0, "a forked child inherits both attachments: shm_nattch 4");
    ok(!strcmp(first + 2 * PAGE, "from the child"), "its writes reach the parent");
    is(attachments(segment), 2, "its exit detached them: shm_nattch 2");

    is(shmdt(second), 0, "shmdt of the second");
    is(attachments(segment), 1, "shm_nattch 1");
    fails_with(shmdt(second), EINVAL, "shmdt of it again: EINVAL");
    fails_with(shmdt(first + 1), EINVAL, "shmdt of an unaligned address: EINVAL");
    fails_with(shmdt(first + PAGE), EINVAL, "shmdt of the middle of an attachment: EINVAL");

    is(shmctl(segment, IPC_RMID, NULL), 0, "IPC_RMID while attached");
    struct shmid_ds status;
    is(shmctl(segment, IPC_STAT, &status), 0, "the segment is still there");
    ok((status.shm_perm.mode & 01000) && status.shm_perm.__key == 0, "marked SHM_DEST, its key now IPC_PRIVATE");
    ok(!strcmp(first + PAGE, "shared"), "its pages still hold what was written");
    long long fields[20];
    ok(sysvipc_fields("shm", segment, fields, 20) == 16 && fields[0] == 0 && fields[2] == 01600,
       "/proc/sysvipc/shm shows it with key 0 and perms 1600");
    char *third = shmat(segment, NULL, 0);
    ok(third != (void *)-1 && !strcmp(third + PAGE, "shared"), "it may still be attached, as Linux allows");
    shmdt(third);
    is(shmdt(first), 0, "the last shmdt");
    fails_with(shmctl(segment, IPC_STAT, &status), EINVAL, "removes it");
    ok(sysvipc_fields("shm", segment, fields, 20) < 0, "from /proc/sysvipc/shm too");
}

static sigjmp_buf fault_jump;

static void on_fault(int signal)
{
    (void)signal;
    siglongjmp(fault_jump, 1);
}

static void placement(void)
{
    int segment = shmget(IPC_PRIVATE, 2 * PAGE, 0600);
    char *readonly = shmat(segment, NULL, SHM_RDONLY);
    ok(readonly != (void *)-1, "shmat SHM_RDONLY");
    struct sigaction action = {0};
    action.sa_handler = on_fault;
    sigaction(SIGSEGV, &action, NULL);
    int faulted = sigsetjmp(fault_jump, 1);
    if (!faulted)
        *(volatile char *)readonly = 1;
    signal(SIGSEGV, SIG_DFL);
    ok(faulted, "a write to it faults");
    fails_with(mprotect(readonly, PAGE, PROT_READ | PROT_WRITE), EACCES, "mprotect cannot make it writable");
    shmdt(readonly);

    char *where = free_range(4);
    char *placed = shmat(segment, where + PAGE, 0);
    ok(placed == where + PAGE, "shmat at a given page address");
    shmdt(placed);
    fails_with((long)shmat(segment, where + 100, 0), EINVAL, "at an unaligned address: EINVAL");
    ok(shmat(segment, where + PAGE + 100, SHM_RND) == where + PAGE, "SHM_RND rounds it down to the page");
    fails_with((long)shmat(segment, where + PAGE, 0), EINVAL, "over an existing mapping: EINVAL");
    char *over = mmap(where, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    over[0] = 'x';
    ok(shmat(segment, where, SHM_REMAP) == where, "SHM_REMAP replaces what was there");
    ok(where[0] == 0, "the segment's pages show there now");
    fails_with((long)shmat(segment, NULL, SHM_REMAP), EINVAL, "SHM_REMAP without an address: EINVAL");
    shmdt(where);
    shmdt(where + PAGE);
    is(attachments(segment), 0, "all detached");
    shmctl(segment, IPC_RMID, NULL);
}

static void limits(void)
{
    int segment = shmget(IPC_PRIVATE, 10 * PAGE, 0640);
    char *memory = shmat(segment, NULL, 0);
    memory[0] = 1;
    memory[5 * PAGE] = 1;
    struct shminfo info;
    int highest = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
    ok(highest >= segment % 32768, "IPC_INFO returns the highest slot in use");
    ok(info.shmmax == sysctl_number("shmmax") && info.shmmni == sysctl_number("shmmni"),
       "IPC_INFO: shmmax and shmmni are the sysctls'");
    struct shm_info usage;
    is(shmctl(0, SHM_INFO, (struct shmid_ds *)&usage), highest, "SHM_INFO returns the same");
    ok(usage.used_ids >= 1 && usage.shm_tot >= 10 && usage.shm_rss >= 2, "SHM_INFO: segments, pages, resident");
    struct shmid_ds status;
    is(shmctl(segment % 32768, SHM_STAT, &status), segment, "SHM_STAT of the slot: the id");
    long long fields[20];
    int count = sysvipc_fields("shm", segment, fields, 20);
    ok(count == 16 && fields[2] == 0640 && fields[3] == 10 * PAGE && fields[4] == getpid() &&
           fields[6] == 1 && fields[14] >= 2 * PAGE,
       "/proc/sysvipc/shm: perms, size, cpid, nattch, rss");
    char header[256];
    sysvipc_header("shm", header, sizeof header);
    ok(!strcmp(header, "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid"
                       "      atime      dtime      ctime                   rss                  swap\n"),
       "/proc/sysvipc/shm's header is Linux's");
    fails_with(shmctl(segment, 99, &status), EINVAL, "an unknown command is EINVAL");
    status.shm_perm.mode = 0600;
    is(shmctl(segment, IPC_SET, &status), 0, "IPC_SET mode 0600");
    shmctl(segment, IPC_STAT, &status);
    is(status.shm_perm.mode & 0777, 0600, "the mode changed");
    shmdt(memory);
    shmctl(segment, IPC_RMID, NULL);

    char old[32];
    sysctl_text("shmmax", old, sizeof old);
    if (set_sysctl("shmmax", "8192\n") != 0) {
        skip("kernel.shmmax is not writable here", "shmmax limits shmget");
        return;
    }
    int fits = shmget(IPC_PRIVATE, 8192, 0600);
    ok(fits >= 0, "with shmmax 8192 a segment of 8192 bytes is made");
    fails_with(shmget(IPC_PRIVATE, 8193, 0600), EINVAL, "one of 8193 is EINVAL");
    set_sysctl("shmmax", old);
    shmctl(fits, IPC_RMID, NULL);
    char text[32];
    sysctl_text("shmmax", text, sizeof text);
    ok(!strcmp(text, old), "shmmax restored");
}

static void exec_detaches(const char *self)
{
    int segment = shmget(IPC_PRIVATE, PAGE, 0600);
    char *memory = shmat(segment, NULL, 0);
    pid_t child = fork();
    if (child == 0) {
        char id[16];
        snprintf(id, sizeof id, "%d", segment);
        execl(self, self, "--attachments", id, (char *)NULL);
        _exit(99);
    }
    exits_with(child, 1, "after exec the child's inherited attachment is gone: shm_nattch 1");
    shmdt(memory);
    shmctl(segment, IPC_RMID, NULL);
}

static void permissions(void)
{
    int private = shmget(IPC_PRIVATE, PAGE, 0600);
    int readable = shmget(IPC_PRIVATE, PAGE, 0604);
    pid_t child = fork();
    if (child == 0) {
        int step = 0;
        struct shmid_ds status;
        if (++step, become_nobody() != 0)
            _exit(step);
        if (++step, shmat(private, NULL, SHM_RDONLY) != (void *)-1 || errno != EACCES)
            _exit(step);
        if (++step, shmctl(private, IPC_STAT, &status) != -1 || errno != EACCES)
            _exit(step);
        if (++step, shmctl(private, IPC_RMID, NULL) != -1 || errno != EPERM)
            _exit(step);
        if (++step, shmat(readable, NULL, 0) != (void *)-1 || errno != EACCES)
            _exit(step);
        if (++step, shmat(readable, NULL, SHM_RDONLY) == (void *)-1)
            _exit(step);
        if (++step, shmctl(private % 32768, SHM_STAT_ANY, &status) != private)
            _exit(step);
        _exit(0);
    }
    exits_with(child, 0, "uid 65534: EACCES without the bits, EPERM for IPC_RMID, SHM_RDONLY of 0604");
    shmctl(private, IPC_RMID, NULL);
    shmctl(readable, IPC_RMID, NULL);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--attachments"))
        return (int)attachments(atoi(argv[2]));
    creation();
    sharing();
    placement();
    limits();
    exec_detaches(argv[0]);
    permissions();
    return tap_done();
}
