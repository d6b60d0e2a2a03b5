/* Core dumps: a SIGSEGV with RLIMIT_CORE 0 writes nothing and has no core bit; with no limit it
 * writes ./core, an ELF ET_CORE file whose notes hold the crashing thread's registers
 * (NT_PRSTATUS: r12 and rip set at a known instruction), the process (NT_PRPSINFO), the signal
 * and fault address (NT_SIGINFO), auxv, the mapped files and the FPU registers, a PRSTATUS per
 * thread, and whose PT_LOADs hold a marker page (a MADV_DONTDUMP one left out); the wait status
 * has the core bit. SIGQUIT from another process and abort() dump too. Run on the host's Linux
 * the checks read the core its core_pattern makes, if that is a plain "core" (a pipe to a
 * helper or another name skips them); on Apus also core_pattern's %p and %e and a "|" pattern.
 * `coredump crash` only crashes: tests/user/init.sh hands that core to the harness's gdb.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <elf.h>
#include <pthread.h>
#include <signal.h>
#include <sys/procfs.h>
#include <sys/utsname.h>

#define PAGE 4096
#define MARKER "apus core marker 7f3a"
#define HIDDEN "apus hidden marker 9c1d"
#define R12 0x1122334455667788ull
#define FAULT 0xdead000ul

extern char crash_site[];

/* r12 and rbx set, then a store to FAULT at the global label crash_site. */
__attribute__((noinline)) static void crash(void)
{
    __asm__ volatile("movabs $0x1122334455667788, %%r12\n\t"
                     "movabs $0xdead000, %%rbx\n\t"
                     ".globl crash_site\n"
                     "crash_site: movl $1, (%%rbx)\n\t" ::: "r12", "rbx", "memory");
}

static void *sleeper(void *unused)
{
    (void)unused;
    for (;;)
        pause();
    return NULL;
}

static char *marker, *hidden;

static void unlimited_core(void)
{
    struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
    setrlimit(RLIMIT_CORE, &unlimited);
}

static int wait_child(pid_t pid)
{
    int status = -1;
    waitpid(pid, &status, 0);
    return status;
}

/* A child that crashes with no core limit, with a second thread if `threaded`; returns its
 * wait status and its pid in `pid`. */
static int crash_in_child(int threaded, pid_t *pid)
{
    *pid = fork();
    if (*pid == 0) {
        unlimited_core();
        pthread_t thread;
        if (threaded)
            pthread_create(&thread, NULL, sleeper, NULL);
        crash();
        _exit(0);
    }
    return wait_child(*pid);
}

static unsigned char *read_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    fstat(fd, &st);
    unsigned char *bytes = malloc((size_t)st.st_size + 1);
    size_t done = 0;
    while (bytes && done < (size_t)st.st_size) {
        ssize_t n = read(fd, bytes + done, (size_t)st.st_size - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    *size = done;
    return bytes;
}

/* The notes of type `type`, in order: returns the n-th one's descriptor and size. */
static const unsigned char *find_note(const unsigned char *core, size_t size, unsigned type, int nth,
                                      size_t *descsz)
{
    const Elf64_Ehdr *eh = (const void *)core;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const void *)(core + eh->e_phoff + (size_t)i * sizeof *ph);
        if (ph->p_type != PT_NOTE || ph->p_offset + ph->p_filesz > size)
            continue;
        size_t at = ph->p_offset, end = ph->p_offset + ph->p_filesz;
        while (at + sizeof(Elf64_Nhdr) <= end) {
            const Elf64_Nhdr *nh = (const void *)(core + at);
            size_t name = (nh->n_namesz + 3) & ~3u, desc = (nh->n_descsz + 3) & ~3u;
            const unsigned char *d = core + at + sizeof *nh + name;
            if (nh->n_type == type && nth-- == 0) {
                *descsz = nh->n_descsz;
                return d;
            }
            at += sizeof *nh + name + desc;
        }
    }
    return NULL;
}

static int count_notes(const unsigned char *core, size_t size, unsigned type)
{
    size_t ignored;
    int n = 0;
    while (find_note(core, size, type, n, &ignored))
        n++;
    return n;
}

/* The PT_LOAD holding `address`, or NULL. */
static const Elf64_Phdr *load_for(const unsigned char *core, unsigned long address)
{
    const Elf64_Ehdr *eh = (const void *)core;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const void *)(core + eh->e_phoff + (size_t)i * sizeof *ph);
        if (ph->p_type == PT_LOAD && ph->p_vaddr <= address && address < ph->p_vaddr + ph->p_memsz)
            return ph;
    }
    return NULL;
}

static void check_core(const char *path, pid_t pid)
{
    size_t size = 0;
    unsigned char *core = read_file(path, &size);
    if (!ok(core != NULL && size > sizeof(Elf64_Ehdr), "%s was written", path))
        return;
    const Elf64_Ehdr *eh = (const void *)core;
    ok(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64 &&
       eh->e_type == ET_CORE && eh->e_machine == EM_X86_64 && eh->e_phentsize == sizeof(Elf64_Phdr),
       "an x86-64 ELF core file (ET_CORE)");
    size_t descsz = 0;
    const prstatus_t *status = (const void *)find_note(core, size, NT_PRSTATUS, 0, &descsz);
    if (ok(status && descsz == sizeof *status, "NT_PRSTATUS first, %zu bytes", sizeof *status)) {
        is(status->pr_pid, pid, "pr_pid is the crashed thread");
        is(status->pr_cursig, SIGSEGV, "pr_cursig is SIGSEGV");
        is((unsigned long long)status->pr_reg[3], R12, "pr_reg holds r12 as the crash left it");
        is((unsigned long)status->pr_reg[16], (unsigned long)crash_site, "and rip at the faulting store");
        is((unsigned long)status->pr_reg[5], FAULT, "and rbx, the address stored to");
    }
    is(count_notes(core, size, NT_PRSTATUS), 2, "one NT_PRSTATUS per thread");
    const prpsinfo_t *info = (const void *)find_note(core, size, NT_PRPSINFO, 0, &descsz);
    ok(info && descsz == sizeof *info && info->pr_pid == pid && strcmp(info->pr_fname, "coredump") == 0,
       "NT_PRPSINFO names the process");
    const siginfo_t *si = (const void *)find_note(core, size, NT_SIGINFO, 0, &descsz);
    ok(si && descsz == 128 && si->si_signo == SIGSEGV && (unsigned long)si->si_addr == FAULT,
       "NT_SIGINFO: SIGSEGV at the fault address");
    const unsigned long *auxv = (const void *)find_note(core, size, NT_AUXV, 0, &descsz);
    int pagesz = 0;
    for (size_t i = 0; auxv && i + 1 < descsz / 8; i += 2)
        if (auxv[i] == AT_PAGESZ && auxv[i + 1] == PAGE)
            pagesz = 1;
    ok(pagesz, "NT_AUXV holds AT_PAGESZ");
    const unsigned long *files = (const void *)find_note(core, size, NT_FILE, 0, &descsz);
    int executable = 0;
    if (files && descsz >= 16) {
        const char *name = (const char *)(files + 2 + 3 * files[0]);
        for (unsigned long i = 0; i < files[0] && name < (const char *)files + descsz; i++) {
            size_t length = strlen(name);
            if (length >= 9 && strcmp(name + length - 9, "/coredump") == 0)
                executable = 1;
            name += length + 1;
        }
    }
    ok(executable, "NT_FILE lists the executable's mappings");
    ok(find_note(core, size, NT_FPREGSET, 0, &descsz) && descsz == 512, "NT_FPREGSET, 512 bytes");
    const Elf64_Phdr *load = load_for(core, (unsigned long)marker);
    ok(load && load->p_filesz >= PAGE && load->p_offset + (unsigned long)marker - load->p_vaddr < size &&
           memcmp(core + load->p_offset + ((unsigned long)marker - load->p_vaddr), MARKER, sizeof MARKER) == 0,
       "a PT_LOAD holds the marker page's bytes");
    load = load_for(core, (unsigned long)hidden);
    ok(load && load->p_filesz == 0, "MADV_DONTDUMP leaves its page out");
    free(core);
}

static int pattern_is_plain_core(void)
{
    char pattern[256] = "";
    int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);
    if (fd < 0)
        return 1;
    ssize_t n = read(fd, pattern, sizeof pattern - 1);
    close(fd);
    return n == 5 && strcmp(pattern, "core\n") == 0;
}

static int set_pattern(const char *pattern)
{
    int fd = open("/proc/sys/kernel/core_pattern", O_WRONLY);
    int done = fd >= 0 && write(fd, pattern, strlen(pattern)) == (ssize_t)strlen(pattern);
    if (fd >= 0)
        close(fd);
    return done;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "crash") == 0) {
        /* tests/user/init.sh's core for the harness: two threads, the crash in crash(). */
        pthread_t thread;
        pthread_create(&thread, NULL, sleeper, NULL);
        crash();
    }
    char dir[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/coredump-test", tmp ? tmp : "/tmp");
    mkdir(dir, 0777);
    if (!ok(chdir(dir) == 0, "a directory of its own"))
        return tap_done();
    unlink("core");
    int plain = pattern_is_plain_core();
    struct utsname uts;
    int on_apus = uname(&uts) == 0 && strstr(uts.version, "Apus") != NULL;

    marker = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    hidden = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(marker, MARKER);
    strcpy(hidden, HIDDEN);
    madvise(hidden, PAGE, MADV_DONTDUMP);

    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit none = { 0, 0 };
        setrlimit(RLIMIT_CORE, &none);
        crash();
        _exit(0);
    }
    int status = wait_child(pid);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV && !WCOREDUMP(status),
       "RLIMIT_CORE 0: SIGSEGV without the core bit (%s, %#x)", wait_status_text(status), status);
    ok(access("core", F_OK) != 0, "and no core file");

    status = crash_in_child(1, &pid);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "a SIGSEGV with no core limit (%s)",
       wait_status_text(status));
    if (plain) {
        ok(WCOREDUMP(status), "the wait status has the core bit (%#x)", status);
        check_core("core", pid);
    } else {
        skip("core_pattern is not \"core\"", "the core file's contents");
    }
    unlink("core");

    int signals[] = { SIGQUIT, SIGABRT };
    for (int i = 0; i < 2; i++) {
        int fds[2];
        if (!opened_pipe(fds, "ready"))
            break;
        pid = fork();
        if (pid == 0) {
            unlimited_core();
            /* A shell's background job starts with SIGQUIT ignored, and so would this child. */
            signal(signals[i], SIG_DFL);
            alarm(20);
            close(fds[0]);
            if (signals[i] == SIGABRT)
                abort();
            write(fds[1], "r", 1);
            for (;;)
                pause();
        }
        close(fds[1]);
        char byte;
        if (signals[i] == SIGQUIT && read(fds[0], &byte, 1) == 1)
            kill(pid, SIGQUIT);
        close(fds[0]);
        status = wait_child(pid);
        ok(WIFSIGNALED(status) && WTERMSIG(status) == signals[i] && (!plain || WCOREDUMP(status)),
           "%s dumps core (%s, %#x)", signals[i] == SIGQUIT ? "SIGQUIT from another process" : "abort()",
           wait_status_text(status), status);
        if (plain)
            ok(access("core", F_OK) == 0, "a core file is there");
        else
            skip("core_pattern is not \"core\"", "a core file is there");
        unlink("core");
    }

    if (on_apus && getuid() == 0) {
        ok(set_pattern("core.%p.%e.%s%%\n"), "core_pattern set to core.%%p.%%e.%%s%%%%");
        status = crash_in_child(0, &pid);
        char name[64];
        snprintf(name, sizeof name, "core.%d.coredump.11%%", pid);
        ok(WCOREDUMP(status) && access(name, F_OK) == 0, "the core is named %s", name);
        unlink(name);
        ok(set_pattern("|/bin/true"), "core_pattern set to a pipe");
        status = crash_in_child(0, &pid);
        ok(WIFSIGNALED(status) && !WCOREDUMP(status), "a pipe pattern dumps nothing here (%#x)", status);
        ok(set_pattern("core"), "core_pattern back to core");
    } else {
        for (int i = 0; i < 5; i++)
            skip("not Apus as root", "core_pattern specifiers");
    }
    chdir("/");
    rmdir(dir);
    return tap_done();
}
