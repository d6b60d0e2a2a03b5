/*
 * exec-check: a static program that checks, from user space, what execve
 * gave it. Built twice (Makefile): as an ET_EXEC and as a static PIE, both
 * embedded in the kernel for the exec self-test (tests/kernel/ExecTests.swift),
 * and put into the initramfs of the init boot runs (tools/test/kernel_tests.py).
 *
 * Freestanding: no C library, system calls by hand. No initialised data may
 * hold a pointer, so the PIE build needs no relocation (the Makefile checks
 * it has none); pointer arrays are built on the stack at run time.
 *
 * argv[1] picks what to check; the exit status says which check failed
 * (42: all passed):
 *   stack   registers, stack layout, argv/envp/auxv, segments, TLS, FPU.
 *           EXPECT_ARGS=a|b|c in the environment lists the whole argv,
 *           EXPECT_EXECFN=path the file name exec was given.
 *   errors  failing execve calls return the right errno and leave this
 *           program running; then a script is exec'd into `stack`.
 *   fork    FS/GS bases are per process and survive switches; fork + exec.
 * Run as pid 1 it checks what the kernel gives init (`stack` checks plus the
 * environment), prints "exec-check: init ok", then exits if
 * EXEC_CHECK_INIT=exit is set and stays running otherwise.
 */
/* Every symbol is this program's own: direct PC-relative access, no GOT. */
#pragma GCC visibility push(hidden)

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;

#define SYS_write 1
#define SYS_mmap 9
#define SYS_brk 12
#define SYS_getpid 39
#define SYS_fork 57
#define SYS_execve 59
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_arch_prctl 158
#define SYS_execveat 322

#define ENOENT 2
#define E2BIG 7
#define ENOEXEC 8
#define EFAULT 14
#define EACCES 13
#define ENOTDIR 20
#define EINVAL 22
#define EPERM 1
#define ELOOP 40

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100

#define PAGE_SIZE 4096UL
#define TASK_SIZE 0x3ffffffff000UL
#define MAX_ARG_STRLEN (32 * PAGE_SIZE)
#define PASSED 42

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AT_MAX 64

static long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define SYSCALL(n, a, b, c) syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

static void exit_with(long code)
{
    for (;;) SYSCALL(SYS_exit, code, 0, 0);
}

/* Every register at the first instruction, and RFLAGS and RSP. */
u64 entry_registers[15];
u64 entry_flags;
u64 entry_stack;
void check_main(u64 *stack);

__asm__(
    ".globl _start\n"
    "_start:\n"
    "    movq %rax, entry_registers+0(%rip)\n"
    "    movq %rbx, entry_registers+8(%rip)\n"
    "    movq %rcx, entry_registers+16(%rip)\n"
    "    movq %rdx, entry_registers+24(%rip)\n"
    "    movq %rsi, entry_registers+32(%rip)\n"
    "    movq %rdi, entry_registers+40(%rip)\n"
    "    movq %rbp, entry_registers+48(%rip)\n"
    "    movq %r8, entry_registers+56(%rip)\n"
    "    movq %r9, entry_registers+64(%rip)\n"
    "    movq %r10, entry_registers+72(%rip)\n"
    "    movq %r11, entry_registers+80(%rip)\n"
    "    movq %r12, entry_registers+88(%rip)\n"
    "    movq %r13, entry_registers+96(%rip)\n"
    "    movq %r14, entry_registers+104(%rip)\n"
    "    movq %r15, entry_registers+112(%rip)\n"
    "    pushfq\n"
    "    popq entry_flags(%rip)\n"
    "    movq %rsp, entry_stack(%rip)\n"
    "    movq %rsp, %rdi\n"
    "    call check_main\n"
    "    ud2\n");
void _start(void);

/* The ELF header the linker maps with the first segment, and the end of .bss. */
extern const unsigned char __ehdr_start[];
extern char _end[];

/* The compiler may turn loops into calls to these. */
void *memset(void *d, int c, unsigned long n)
{
    unsigned char *p = d;
    while (n--) *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}

static unsigned long length(const char *s)
{
    unsigned long n = 0;
    while (s[n]) n++;
    return n;
}

static int equal(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static int starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++) return 0;
    return 1;
}

/* The value of NAME= in envp, or 0. */
static const char *getenv_from(char **envp, const char *name_equals)
{
    for (; *envp; envp++)
        if (starts_with(*envp, name_equals)) return *envp + length(name_equals);
    return 0;
}

/* Whether `field` equals the next |-separated field of *list, which it consumes. */
static int next_field_is(const char **list, const char *field)
{
    const char *p = *list;
    while (*field && *p == *field) p++, field++;
    if (*field || (*p != '|' && *p != 0)) return 0;
    *list = *p ? p + 1 : p;
    return 1;
}

static void print(const char *s)
{
    SYSCALL(SYS_write, 1, s, length(s));
}

/* Initialised data and .bss, on either side of a segment's last file page. */
static volatile long data_value = 0x1234567;
static volatile char bss_small[100];
static volatile char bss_big[3 * PAGE_SIZE + 100];

static u64 read_fs0(void)
{
    u64 v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    return v;
}

static u64 read_gs0(void)
{
    u64 v;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(v));
    return v;
}

static long arch_prctl(long code, u64 value)
{
    return SYSCALL(SYS_arch_prctl, code, value, 0);
}

static u64 get_base(long code)
{
    u64 value = 0xdead;
    if (arch_prctl(code, (u64)&value) != 0) exit_with(99);
    return value;
}

/* ---------------------------------------------------------------- stack */

struct auxv {
    u64 value[AT_MAX];
    int seen[AT_MAX];
};

static int check_stack(u64 *sp, int as_init)
{
    /* Registers: only RSP set, RFLAGS just IF and the fixed bit. */
    for (int i = 0; i < 15; i++)
        if (entry_registers[i] != 0) return 100 + i;
    if (entry_flags != 0x202) return 2;
    if (entry_stack % 16 != 0) return 3;

    long argc = (long)sp[0];
    char **argv = (char **)(sp + 1);
    if (argc < 1 || argv[argc] != 0) return 4;
    char **envp = argv + argc + 1;
    long envc = 0;
    while (envp[envc]) envc++;
    u64 *vector = (u64 *)(envp + envc + 1);

    struct auxv aux;
    memset(&aux, 0, sizeof aux);
    long pairs = 0;
    for (;; vector += 2, pairs++) {
        if (vector[0] == AT_NULL) break;
        if (vector[0] >= AT_MAX || aux.seen[vector[0]]) return 5;
        aux.seen[vector[0]] = 1;
        aux.value[vector[0]] = vector[1];
    }
    static const int required[] = {AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY,
                                   AT_UID, AT_EUID, AT_GID, AT_EGID, AT_PLATFORM, AT_HWCAP, AT_CLKTCK,
                                   AT_SECURE, AT_RANDOM, AT_HWCAP2, AT_EXECFN, AT_SYSINFO_EHDR};
    for (unsigned i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!aux.seen[required[i]]) return 6;
    if (pairs != sizeof required / sizeof required[0]) return 7;

    /* The auxiliary values. */
    u16 phnum = *(const u16 *)(__ehdr_start + 56);
    u64 phoff = *(const u64 *)(__ehdr_start + 32);
    if (aux.value[AT_PAGESZ] != PAGE_SIZE || aux.value[AT_CLKTCK] != 100) return 8;
    if (aux.value[AT_PHENT] != 56 || aux.value[AT_PHNUM] != phnum) return 9;
    if (aux.value[AT_PHDR] != (u64)__ehdr_start + phoff) return 10;
    if (aux.value[AT_ENTRY] != (u64)&_start) return 11;
    if (aux.value[AT_BASE] || aux.value[AT_FLAGS] || aux.value[AT_SECURE] || aux.value[AT_HWCAP2]) return 12;
    if (aux.value[AT_UID] || aux.value[AT_EUID] || aux.value[AT_GID] || aux.value[AT_EGID]) return 13;
    if ((aux.value[AT_HWCAP] & 1) == 0) return 14;  /* FPU */
    if (!equal((const char *)aux.value[AT_PLATFORM], "x86_64")) return 15;
    if (*(const u32 *)aux.value[AT_SYSINFO_EHDR] != 0x464c457f) return 36;  /* the vDSO's "\177ELF" */

    /* The layout: strings in order at the top, then 8 zero bytes and the page end. */
    const char *cursor = argv[0];
    if ((u64)cursor <= (u64)vector) return 16;
    for (long i = 0; i < argc; i++) {
        if (argv[i] != cursor) return 17;
        cursor += length(cursor) + 1;
    }
    for (long i = 0; i < envc; i++) {
        if (envp[i] != cursor) return 18;
        cursor += length(cursor) + 1;
    }
    if (aux.value[AT_EXECFN] != (u64)cursor) return 19;
    cursor += length(cursor) + 1;
    if (*(const u64 *)cursor != 0 || ((u64)cursor + 8) % PAGE_SIZE != 0) return 20;
    u64 platform = aux.value[AT_PLATFORM], random = aux.value[AT_RANDOM];
    if (!(platform < (u64)argv[0] && random + 16 <= platform && random > (u64)vector)) return 21;
    int nonzero = 0;
    for (int i = 0; i < 16; i++) nonzero |= ((const unsigned char *)random)[i];
    if (!nonzero) return 22;

    /* What the test asked for. */
    const char *expected = getenv_from(envp, "EXPECT_ARGS=");
    if (expected) {
        for (long i = 0; i < argc; i++)
            if (!next_field_is(&expected, argv[i])) return 23;
        if (*expected) return 24;
    }
    const char *execfn = getenv_from(envp, "EXPECT_EXECFN=");
    if (execfn && !equal(execfn, (const char *)aux.value[AT_EXECFN])) return 25;

    /* Segments: data from the file, .bss zero (also in the last file page), heap after it. */
    if (data_value != 0x1234567) return 26;
    for (unsigned i = 0; i < sizeof bss_small; i++)
        if (bss_small[i]) return 27;
    for (unsigned i = 0; i < sizeof bss_big; i++)
        if (bss_big[i]) return 28;
    bss_big[sizeof bss_big - 1] = 1;
    u64 heap = (u64)SYSCALL(SYS_brk, 0, 0, 0);
    if (heap != (((u64)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))) return 29;

    /* A fresh FPU, FS and GS at 0, then TLS through FS. */
    u16 control = 0;
    u32 mxcsr = 0;
    __asm__ volatile("fnstcw %0" : "=m"(control));
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    if (control != 0x37f || mxcsr != 0x1f80) return 30;
    if (get_base(ARCH_GET_FS) != 0 || get_base(ARCH_GET_GS) != 0) return 31;
    static u64 tls_block = 0x715;
    if (arch_prctl(ARCH_SET_FS, (u64)&tls_block) != 0 || read_fs0() != 0x715) return 32;

    if (as_init) {
        /* The kernel's own parameters never reach init: only these do. */
        if (envc < 2 || !equal(envp[0], "HOME=/") || !equal(envp[1], "TERM=linux")) return 33;
        for (long i = 2; i < envc; i++)
            if (!starts_with(envp[i], "EXPECT_") && !starts_with(envp[i], "EXEC_CHECK_")) return 34;
        if (!expected) return 35;
    }
    return 0;
}

/* --------------------------------------------------------------- errors */

static long execve(const char *path, char **argv, char **envp)
{
    return SYSCALL(SYS_execve, path, argv, envp);
}

/* Execs `path` with argv [argv0, argv1] and an environment that tells the
 * `stack` checks what to expect: `expect_args` and the file name. */
static void exec_with_expectations(const char *path, char *argv0, char *argv1, char *expect_args)
{
    char execfn[64] = "EXPECT_EXECFN=";
    memcpy(execfn + 14, path, length(path) + 1);
    char *argv[3], *envp[3];
    argv[0] = argv0;
    argv[1] = argv1;
    argv[2] = 0;
    envp[0] = expect_args;
    envp[1] = execfn;
    envp[2] = 0;
    execve(path, argv, envp);
}

static int check_errors(void)
{
    static u64 fs_block = 0xf5;
    if (arch_prctl(ARCH_SET_FS, (u64)&fs_block) != 0) return 50;
    char *argv[20];
    argv[0] = "check";
    argv[1] = "stack";
    argv[2] = 0;
    char *envp[4];
    envp[0] = 0;

    if (execve((const char *)0x10, argv, envp) != -EFAULT) return 51;
    if (execve((const char *)0x7fff80000000UL, argv, envp) != -EFAULT) return 52;
    if (execve("/selftest-exec/missing", argv, envp) != -ENOENT) return 53;
    if (execve("", argv, envp) != -ENOENT) return 54;
    if (execve("/selftest-exec/garbage", argv, envp) != -ENOEXEC) return 55;
    if (execve("/selftest-exec/plain", argv, envp) != -EACCES) return 56;
    if (execve("/selftest-exec", argv, envp) != -EACCES) return 57;
    if (execve("/selftest-exec/check/x", argv, envp) != -ENOTDIR) return 58;
    if (execve("/selftest-exec/check", (char **)0x10, envp) != -EFAULT) return 59;
    if (execve("/selftest-exec/check", argv, (char **)0x10) != -EFAULT) return 60;
    char *bad_string[2];
    bad_string[0] = (char *)0x10;
    bad_string[1] = 0;
    if (execve("/selftest-exec/check", bad_string, envp) != -EFAULT) return 61;
    if (execve("/selftest-exec/loop1", argv, envp) != -ELOOP) return 62;
    if (execve("/selftest-exec/interp", argv, envp) != -ENOEXEC) return 63;
    if (syscall6(SYS_execveat, AT_FDCWD, (long)"/selftest-exec/link", (long)argv, (long)envp,
                 AT_SYMLINK_NOFOLLOW, 0) != -ELOOP) return 64;
    if (syscall6(SYS_execveat, AT_FDCWD, (long)"/selftest-exec/check", (long)argv, (long)envp, 1, 0) != -EINVAL)
        return 65;

    /* One string longer than 32 pages, then 17 strings of 32 pages that together pass 2 MiB. */
    char *big = (char *)syscall6(SYS_mmap, 0, MAX_ARG_STRLEN + PAGE_SIZE, 3, 0x22, -1, 0);
    if ((long)big < 0) return 66;
    memset(big, 'a', MAX_ARG_STRLEN);
    big[MAX_ARG_STRLEN] = 0;
    argv[1] = big;
    if (execve("/selftest-exec/check", argv, envp) != -E2BIG) return 67;
    big[MAX_ARG_STRLEN - 1] = 0;
    for (int i = 0; i < 17; i++) argv[i] = big;
    argv[17] = 0;
    if (execve("/selftest-exec/check", argv, envp) != -E2BIG) return 68;

    /* Nothing failed exec touched: memory, FS base. */
    if (data_value != 0x1234567 || get_base(ARCH_GET_FS) != (u64)&fs_block || read_fs0() != 0xf5) return 69;

    /* A script runs its interpreter with [interpreter, argument, script, argv[1]...]. */
    exec_with_expectations("/selftest-exec/script", "script-argv0", "tail",
                           "EXPECT_ARGS=/selftest-exec/check|stack|/selftest-exec/script|tail");
    return 70;
}

/* ----------------------------------------------------------------- fork */

static int check_fork(void)
{
    static u64 parent_fs = 0x1111, parent_gs = 0x2222, child_fs = 0x3333;
    if (arch_prctl(ARCH_SET_FS, (u64)&parent_fs) != 0 || arch_prctl(ARCH_SET_GS, (u64)&parent_gs) != 0) return 80;
    if (read_fs0() != 0x1111 || read_gs0() != 0x2222) return 81;
    if (arch_prctl(ARCH_SET_FS, TASK_SIZE) != -EPERM || arch_prctl(ARCH_SET_GS, 0x8000000000000000UL) != -EPERM)
        return 82;
    if (arch_prctl(ARCH_GET_FS, 0x10) != -EFAULT) return 83;
    if (arch_prctl(0x9999, 0) != -EINVAL) return 84;

    long pid = SYSCALL(SYS_fork, 0, 0, 0);
    if (pid == 0) {
        /* The child starts with its parent's bases and changes its own. */
        if (get_base(ARCH_GET_FS) != (u64)&parent_fs || read_gs0() != 0x2222) exit_with(1);
        if (arch_prctl(ARCH_SET_FS, (u64)&child_fs) != 0 || read_fs0() != 0x3333) exit_with(2);
        exit_with(7);
    }
    int status = 0;
    if (pid < 0 || SYSCALL(SYS_wait4, pid, &status, 0) != pid || status != 7 << 8) return 85;
    if (get_base(ARCH_GET_FS) != (u64)&parent_fs || read_fs0() != 0x1111 || read_gs0() != 0x2222) return 86;

    pid = SYSCALL(SYS_fork, 0, 0, 0);
    if (pid == 0) {
        exec_with_expectations("/selftest-exec/check-pie", "check", "stack", "EXPECT_ARGS=check|stack");
        exit_with(3);
    }
    if (pid < 0 || SYSCALL(SYS_wait4, pid, &status, 0) != pid || status != PASSED << 8) return 87;
    return 0;
}

void check_main(u64 *stack)
{
    char **argv = (char **)(stack + 1);
    long argc = (long)stack[0];
    char **envp = argv + argc + 1;
    int failed;
    if (SYSCALL(SYS_getpid, 0, 0, 0) == 1) {
        failed = check_stack(stack, 1);
        if (failed) exit_with(failed);
        print("exec-check: init ok\n");
        const char *then = getenv_from(envp, "EXEC_CHECK_INIT=");
        if (then && equal(then, "exit")) exit_with(0);
        for (;;) __asm__ volatile("pause");
    }
    if (argc >= 2 && equal(argv[1], "errors"))
        failed = check_errors();
    else if (argc >= 2 && equal(argv[1], "fork"))
        failed = check_fork();
    else
        failed = check_stack(stack, 0);
    exit_with(failed ? failed : PASSED);
}
