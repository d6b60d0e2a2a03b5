/*
 * User programs for the process self-test (ProcessTests.swift): threads,
 * futexes, thread groups, signals, vfork and the identity calls. Like
 * user_programs.S they are position-independent and copied into a fresh
 * address space; each exit status names the check that failed, 42 is success.
 *
 * Shared data lives in the heap, whose start is kept in r12; thread stacks
 * come from mmap, kept in r13. The kernel preserves every register but rax,
 * rcx and r11 across a system call, as Linux does.
 */
#include "user_asm.h"

/* What musl's pthread_create passes, plus CLONE_CHILD_SETTID. */
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
                      CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)
#define INCREMENTS 20000

/* Offsets into the heap page. */
#define COUNTER 0
#define PARENT_TID 8
#define CHILD_TID1 12
#define CHILD_TID2 16
#define THREAD_PID 24
#define THREAD_TID 32
#define IDLE_WORD 40
#define SETTID_SEEN 48
#define TIMESPEC 56
#define STATUS 72
#define SIGSET 80
#define ROBUST_HEAD 0x80

/* wait4(child in %r15, &STATUS(%r12), 0, NULL): reap the child the test forked. */
.macro WAIT_CHILD
    movq %r15, %rdi
    leaq STATUS(%r12), %rsi
    xorl %edx, %edx
    xorl %r10d, %r10d
    DO_SYSCALL SYS_wait4
.endm
#define ROBUST_ENTRY 0xa0
#define ROBUST_WORD 0xa8
#define BUFFER 0x100

/* r12 = a page of heap, r13 = 32 KiB for two thread stacks. */
.macro SETUP_MEMORY
    xorl %edi, %edi
    DO_SYSCALL SYS_brk
    movq %rax, %r12
    leaq 0x1000(%r12), %rdi
    DO_SYSCALL SYS_brk
    xorl %edi, %edi
    movl $0x8000, %esi
    movl $PROT_RW, %edx
    movl $MAP_PRIVATE_ANONYMOUS, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    DO_SYSCALL SYS_mmap
    movq %rax, %r13
    movq $0, TIMESPEC(%r12)
    movq $20000000, TIMESPEC+8(%r12)            /* 20 ms */
.endm

/* futex(\word, FUTEX_WAIT_PRIVATE, \value, NULL) */
.macro FUTEX_WAIT word, value
    leaq \word, %rdi
    movl $FUTEX_WAIT_PRIVATE, %esi
    movl \value, %edx
    xorl %r10d, %r10d
    DO_SYSCALL SYS_futex
.endm

/* Waits until the 32-bit word at \word is 0, sleeping on the futex meanwhile (pthread_join). */
.macro JOIN word
1:  movl \word, %eax
    testl %eax, %eax
    jz 2f
    FUTEX_WAIT \word, %eax
    jmp 1b
2:
.endm

/* clone(\flags, stack r13 + \stack, parent_tid, \child_tid, tls 0x7000) */
.macro CLONE flags, stack, child_tid
    movl $\flags, %edi
    leaq \stack(%r13), %rsi
    leaq PARENT_TID(%r12), %rdx
    leaq \child_tid(%r12), %r10
    movl $0x7000, %r8d
    DO_SYSCALL SYS_clone
.endm

    .section .rodata.user_programs, "a"
    .global user_threads_start, user_threads_end
    .global user_group_exit_start, user_group_exit_end
    .global user_vfork_start, user_vfork_end
    .global user_identity_start, user_identity_end

/*
 * Futex errors, then two threads that each add INCREMENTS to a shared
 * counter with locked instructions and exit; the main thread joins them
 * through CLONE_CHILD_CLEARTID and checks the counter, the thread IDs
 * (PARENT_SETTID, CHILD_SETTID), and that a thread's getpid is the process's.
 * Then a thread exits holding a robust futex: the kernel marks it owner-died.
 */
user_threads_start:
    SETUP_MEMORY
    DO_SYSCALL SYS_getpid
    movq %rax, %r14
    FUTEX_WAIT IDLE_WORD(%r12), $1               /* the word holds 0, not 1 */
    EXPECT -EAGAIN, 1
    leaq IDLE_WORD(%r12), %rdi
    movl $FUTEX_WAIT_PRIVATE, %esi
    xorl %edx, %edx
    leaq TIMESPEC(%r12), %r10
    DO_SYSCALL SYS_futex
    EXPECT -ETIMEDOUT, 2
    leaq IDLE_WORD+1(%r12), %rdi                /* misaligned */
    movl $FUTEX_WAKE_PRIVATE, %esi
    movl $1, %edx
    DO_SYSCALL SYS_futex
    EXPECT -EINVAL, 3
    leaq IDLE_WORD(%r12), %rdi
    movl $FUTEX_WAKE_PRIVATE, %esi
    movl $1, %edx
    DO_SYSCALL SYS_futex
    EXPECT 0, 4                                 /* nobody to wake */
    movl $(CLONE_VM | CLONE_THREAD), %edi       /* a thread without shared signal actions */
    xorl %esi, %esi
    DO_SYSCALL SYS_clone
    EXPECT -EINVAL, 5
    movl $CLONE_SIGHAND, %edi                   /* shared actions without shared memory */
    DO_SYSCALL SYS_clone
    EXPECT -EINVAL, 6
    movl $-1, CHILD_TID1(%r12)
    CLONE THREAD_FLAGS, 0x4000, CHILD_TID1
    testq %rax, %rax
    jz 5f
    movl $7, %edi
    js 9f
    movl $8, %edi
    cmpl PARENT_TID(%r12), %eax                 /* stored before clone returned */
    jne 9f
    movl $9, %edi
    cmpq %r14, %rax                             /* a thread ID of its own */
    je 9f
    movl $-1, CHILD_TID2(%r12)
    CLONE THREAD_FLAGS, 0x8000, CHILD_TID2
    testq %rax, %rax
    jz 5f
    movl $10, %edi
    js 9f
    JOIN CHILD_TID1(%r12)
    JOIN CHILD_TID2(%r12)
    movl $11, %edi
    cmpq $(2 * INCREMENTS), COUNTER(%r12)
    jne 9f
    movl $12, %edi
    cmpq %r14, THREAD_PID(%r12)                 /* getpid in a thread: the process's ID */
    jne 9f
    movl $13, %edi
    cmpq %r14, THREAD_TID(%r12)
    je 9f
    movl $14, %edi
    cmpq $2, SETTID_SEEN(%r12)
    jne 9f
    /* A robust list: a thread dies holding a robust lock; the kernel marks it owner-died. */
    leaq ROBUST_HEAD(%r12), %rdi
    movl $23, %esi
    DO_SYSCALL SYS_set_robust_list
    EXPECT -EINVAL, 15                          /* the length must be the head's size */
    leaq ROBUST_ENTRY(%r12), %rax               /* head.next = the entry, entry.next = the head */
    movq %rax, ROBUST_HEAD(%r12)
    movq $(ROBUST_WORD - ROBUST_ENTRY), ROBUST_HEAD+8(%r12)
    leaq ROBUST_HEAD(%r12), %rax
    movq %rax, ROBUST_ENTRY(%r12)
    movl $-1, CHILD_TID1(%r12)
    CLONE THREAD_FLAGS, 0x4000, CHILD_TID1
    testq %rax, %rax
    jz 8f
    JOIN CHILD_TID1(%r12)
    movl $16, %edi
    cmpl $(FUTEX_WAITERS | FUTEX_OWNER_DIED), ROBUST_WORD(%r12)
    jne 9f
    xorl %edi, %edi                             /* get_robust_list(0): the caller's own, none */
    leaq BUFFER(%r12), %rsi
    leaq BUFFER+8(%r12), %rdx
    DO_SYSCALL SYS_get_robust_list
    EXPECT 0, 17
    movl $18, %edi
    cmpq $0, BUFFER(%r12)
    jne 9f
    cmpq $24, BUFFER+8(%r12)
    jne 9f
    movl $42, %edi
9:  DO_SYSCALL SYS_exit_group
    ud2
    /* The robust-list thread: take the lock (its TID, with waiters), register the list, exit. */
8:  DO_SYSCALL SYS_gettid
    orl $FUTEX_WAITERS, %eax
    movl %eax, ROBUST_WORD(%r12)
    leaq ROBUST_HEAD(%r12), %rdi
    movl $24, %esi
    DO_SYSCALL SYS_set_robust_list
    xorl %edi, %edi
    DO_SYSCALL SYS_exit
    ud2
    /* Each thread: r10 still points at its child_tid word. */
5:  DO_SYSCALL SYS_gettid
    cmpl (%r10), %eax                           /* CLONE_CHILD_SETTID stored the TID there */
    jne 6f
    lock incq SETTID_SEEN(%r12)
6:  movq %rax, THREAD_TID(%r12)
    DO_SYSCALL SYS_getpid
    movq %rax, THREAD_PID(%r12)
    movl $INCREMENTS, %ebx
7:  lock incq COUNTER(%r12)
    decl %ebx
    jnz 7b
    leaq TIMESPEC(%r12), %rdi                   /* linger, so the main thread sleeps in its join */
    xorl %esi, %esi
    DO_SYSCALL SYS_nanosleep
    xorl %edi, %edi
    DO_SYSCALL SYS_exit                         /* this thread only */
    ud2
user_threads_end:

/*
 * Whole processes ending: exit_group from one thread ends its sleeping
 * siblings (status 0x0900); a blocked SIGTERM waits in rt_sigpending and
 * kills once unblocked (waitid with WNOWAIT, then wait4, see it); SIGKILL
 * reaches a process spinning in user mode; SIGPIPE ends a writer to a pipe
 * without readers.
 */
user_group_exit_start:
    SETUP_MEMORY
    DO_SYSCALL SYS_fork
    testq %rax, %rax
    jz 20f
    movq %rax, %r15
    WAIT_CHILD
    movl $1, %edi
    cmpq %r15, %rax
    jne 9f
    movl $2, %edi
    cmpl $0x0900, STATUS(%r12)
    jne 9f
    DO_SYSCALL SYS_fork
    testq %rax, %rax
    jz 30f
    movq %rax, %r15
    movl $P_PID, %edi
    movq %r15, %rsi
    leaq BUFFER(%r12), %rdx
    movl $(WEXITED | WNOWAIT), %r10d
    xorl %r8d, %r8d
    DO_SYSCALL SYS_waitid
    EXPECT 0, 3
    movl $4, %edi
    cmpl $SIGCHLD, BUFFER(%r12)                 /* si_signo */
    jne 9f
    cmpl $CLD_KILLED, BUFFER+8(%r12)            /* si_code */
    jne 9f
    cmpl %r15d, BUFFER+16(%r12)                 /* si_pid */
    jne 9f
    cmpl $SIGTERM, BUFFER+24(%r12)              /* si_status */
    jne 9f
    WAIT_CHILD                                  /* still there after WNOWAIT */
    movl $5, %edi
    cmpq %r15, %rax
    jne 9f
    movl $6, %edi
    cmpl $SIGTERM, STATUS(%r12)
    jne 9f
    DO_SYSCALL SYS_fork
    testq %rax, %rax
    jz 40f
    movq %rax, %r15
    leaq TIMESPEC(%r12), %rdi                   /* let it spin */
    xorl %esi, %esi
    DO_SYSCALL SYS_nanosleep
    movq %r15, %rdi
    xorl %esi, %esi
    DO_SYSCALL SYS_kill
    EXPECT 0, 7                                 /* signal 0: it exists */
    movq %r15, %rdi
    movl $SIGKILL, %esi
    DO_SYSCALL SYS_kill
    EXPECT 0, 8
    WAIT_CHILD
    movl $9, %edi
    cmpq %r15, %rax
    jne 9f
    movl $10, %edi
    cmpl $SIGKILL, STATUS(%r12)
    jne 9f
    movq %r15, %rdi
    xorl %esi, %esi
    DO_SYSCALL SYS_kill
    EXPECT -ESRCH, 11                           /* reaped */
    movq $-1, %rdi
    xorl %esi, %esi
    movl $WNOHANG, %edx
    xorl %r10d, %r10d
    DO_SYSCALL SYS_wait4
    EXPECT -ECHILD, 12
    DO_SYSCALL SYS_fork                         /* writing a pipe nobody reads: SIGPIPE */
    testq %rax, %rax
    jz 50f
    movq %rax, %r15
    WAIT_CHILD
    movl $13, %edi
    cmpl $SIGPIPE, STATUS(%r12)
    jne 9f
    movl $42, %edi
9:  DO_SYSCALL SYS_exit_group
    ud2
    /* Child D: a pipe whose read end is closed. */
50: leaq BUFFER(%r12), %rdi
    DO_SYSCALL SYS_pipe
    movl BUFFER(%r12), %edi
    DO_SYSCALL SYS_close
    movl BUFFER+4(%r12), %edi
    leaq BUFFER(%r12), %rsi
    movl $1, %edx
    DO_SYSCALL SYS_write
    movl $30, %edi                              /* still alive: wrong */
    DO_SYSCALL SYS_exit_group
    ud2
    /* Child A: one thread sleeps on a futex, one calls exit_group(9), the main thread sleeps too. */
20: movl $(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD), %edi
    leaq 0x4000(%r13), %rsi
    DO_SYSCALL SYS_clone
    testq %rax, %rax
    jz 22f
    movl $(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD), %edi
    leaq 0x8000(%r13), %rsi
    DO_SYSCALL SYS_clone
    testq %rax, %rax
    jz 21f
22: FUTEX_WAIT IDLE_WORD(%r12), $0              /* no one ever wakes it */
    movl $3, %edi
    DO_SYSCALL SYS_exit_group
21: leaq TIMESPEC(%r12), %rdi
    xorl %esi, %esi
    DO_SYSCALL SYS_nanosleep
    movl $9, %edi
    DO_SYSCALL SYS_exit_group
    ud2
    /* Child B: block SIGTERM, send it to itself, see it pending, unblock it. */
30: movq $(1 << (SIGTERM - 1)), SIGSET(%r12)
    movl $SIG_BLOCK, %edi
    leaq SIGSET(%r12), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    DO_SYSCALL SYS_rt_sigprocmask
    DO_SYSCALL SYS_getpid
    movq %rax, %rdi
    movl $SIGTERM, %esi
    DO_SYSCALL SYS_kill
    leaq BUFFER(%r12), %rdi
    movl $8, %esi
    DO_SYSCALL SYS_rt_sigpending
    movl $20, %edi
    cmpq $(1 << (SIGTERM - 1)), BUFFER(%r12)
    jne 31f
    movl $SIG_UNBLOCK, %edi
    leaq SIGSET(%r12), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    DO_SYSCALL SYS_rt_sigprocmask
    movl $21, %edi                              /* still alive: wrong */
31: DO_SYSCALL SYS_exit_group
    ud2
    /* Child C: spin in user mode until killed. */
40: jmp 40b
user_group_exit_end:

/*
 * vfork: the child writes to the parent's memory after a sleep and exits
 * 3; the parent, which must have slept until then, sees the write and
 * collects status 0x0300.
 */
user_vfork_start:
    SETUP_MEMORY
    movq $0, IDLE_WORD(%r12)
    DO_SYSCALL SYS_vfork
    testq %rax, %rax
    jz 5f
    movl $1, %edi
    js 9f
    movq %rax, %r15
    movl $2, %edi
    cmpq $7, IDLE_WORD(%r12)
    jne 9f
    WAIT_CHILD
    movl $3, %edi
    cmpq %r15, %rax
    jne 9f
    movl $4, %edi
    cmpl $0x0300, STATUS(%r12)
    jne 9f
    movl $42, %edi
9:  DO_SYSCALL SYS_exit_group
    ud2
5:  leaq TIMESPEC(%r12), %rdi
    xorl %esi, %esi
    DO_SYSCALL SYS_nanosleep
    movq $7, IDLE_WORD(%r12)
    movl $3, %edi
    DO_SYSCALL SYS_exit
    ud2
user_vfork_end:

/*
 * Identity and small calls: uname says Linux on x86_64; set*uid follow
 * Linux's rules (in a child, which drops root); groups; limits; clocks
 * advance across a sleep; the CPU mask; the thread name; sigaction and
 * sigprocmask rules; a new session; nice values; sysinfo.
 */
user_identity_start:
    SETUP_MEMORY
    leaq BUFFER(%r12), %rdi
    DO_SYSCALL SYS_uname
    EXPECT 0, 1
    movl $2, %edi
    cmpl $0x756e694c, BUFFER(%r12)              /* "Linu" */
    jne 9f
    cmpw $0x0078, BUFFER+4(%r12)                /* "x\0" */
    jne 9f
    cmpl $0x5f363878, BUFFER+260(%r12)          /* machine: "x86_" */
    jne 9f
    DO_SYSCALL SYS_geteuid
    EXPECT 0, 3
    /* set*uid in a child */
    DO_SYSCALL SYS_fork
    testq %rax, %rax
    jz 50f
    movq %rax, %r15
    WAIT_CHILD
    movl STATUS(%r12), %edi                     /* the child's exit code names its failed check */
    shrl $8, %edi
    cmpl $5, %edi
    jne 9f
    /* setgroups keeps them sorted */
    movl $7, BUFFER(%r12)
    movl $3, BUFFER+4(%r12)
    movl $2, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_setgroups
    EXPECT 0, 5
    xorl %edi, %edi
    xorl %esi, %esi
    DO_SYSCALL SYS_getgroups
    EXPECT 2, 6
    movl $1, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_getgroups
    EXPECT -EINVAL, 7                           /* the list would not fit */
    movl $2, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_getgroups
    movl $8, %edi
    cmpl $3, BUFFER(%r12)
    jne 9f
    cmpl $7, BUFFER+4(%r12)
    jne 9f
    /* limits */
    movl $RLIMIT_STACK, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_getrlimit
    EXPECT 0, 9
    movl $10, %edi
    cmpq $(8 << 20), BUFFER(%r12)
    jne 9f
    cmpq $-1, BUFFER+8(%r12)
    jne 9f
    movq $10, BUFFER(%r12)
    movq $20, BUFFER+8(%r12)
    movl $RLIMIT_NOFILE, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_setrlimit
    EXPECT 0, 11
    movl $1, %edi                               /* descriptors stay below RLIMIT_NOFILE */
    movl $9, %esi
    DO_SYSCALL SYS_dup2
    EXPECT 9, 60
    movl $1, %edi
    movl $10, %esi
    DO_SYSCALL SYS_dup2
    EXPECT -EBADF, 61
    movq $30, BUFFER(%r12)                      /* soft above hard */
    movl $RLIMIT_NOFILE, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_setrlimit
    EXPECT -EINVAL, 12
    xorl %edi, %edi
    movl $RLIMIT_NOFILE, %esi
    xorl %edx, %edx
    leaq BUFFER+16(%r12), %r10
    DO_SYSCALL SYS_prlimit64
    EXPECT 0, 13
    movl $14, %edi
    cmpq $10, BUFFER+16(%r12)
    jne 9f
    cmpq $20, BUFFER+24(%r12)
    jne 9f
    /* clocks: the wall clock is past 2020; monotonic time advances by at least a 20 ms sleep */
    movl $CLOCK_REALTIME, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_clock_gettime
    EXPECT 0, 15
    movl $16, %edi
    cmpq $1600000000, BUFFER(%r12)
    jl 9f
    movl $CLOCK_MONOTONIC, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_clock_gettime
    leaq TIMESPEC(%r12), %rdi
    xorl %esi, %esi
    DO_SYSCALL SYS_nanosleep
    EXPECT 0, 17
    movl $CLOCK_MONOTONIC, %edi
    leaq BUFFER+16(%r12), %rsi
    DO_SYSCALL SYS_clock_gettime
    movq BUFFER+16(%r12), %rax                  /* (s2 - s1) * 10^9 + ns2 - ns1 */
    subq BUFFER(%r12), %rax
    imulq $1000000000, %rax
    addq BUFFER+24(%r12), %rax
    subq BUFFER+8(%r12), %rax
    movl $18, %edi
    cmpq $20000000, %rax
    jl 9f
    movl $CLOCK_MONOTONIC, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_clock_getres
    movl $19, %edi
    cmpq $1, BUFFER+8(%r12)
    jne 9f
    movl $CLOCK_PROCESS_CPUTIME_ID, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_clock_gettime
    movl $20, %edi
    movq BUFFER(%r12), %rax
    orq BUFFER+8(%r12), %rax
    jz 9f
    movl $100, %edi                             /* no such clock */
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_clock_gettime
    EXPECT -EINVAL, 21
    /* one CPU */
    xorl %edi, %edi
    movl $8, %esi
    leaq BUFFER(%r12), %rdx
    DO_SYSCALL SYS_sched_getaffinity
    EXPECT 8, 22
    movl $23, %edi
    cmpq $1, BUFFER(%r12)
    jne 9f
    xorl %edi, %edi
    movl $4, %esi
    leaq BUFFER(%r12), %rdx
    DO_SYSCALL SYS_sched_getaffinity
    EXPECT -EINVAL, 24
    /* the thread's name */
    movl $PR_SET_NAME, %edi
    leaq name(%rip), %rsi
    DO_SYSCALL SYS_prctl
    EXPECT 0, 25
    movl $PR_GET_NAME, %edi
    leaq BUFFER(%r12), %rsi
    DO_SYSCALL SYS_prctl
    movl $26, %edi
    movq name(%rip), %rax
    cmpq %rax, BUFFER(%r12)
    jne 9f
    cmpw $0x0074, BUFFER+8(%r12)                /* "t\0" */
    jne 9f
    /* sigaction: SIGKILL's cannot change; a handler is recorded and read back */
    movq $0x401000, BUFFER(%r12)                /* sa_handler */
    movq $0x04000000, BUFFER+8(%r12)            /* SA_RESTORER */
    movq $0x402000, BUFFER+16(%r12)
    movq $0, BUFFER+24(%r12)
    movl $SIGKILL, %edi
    leaq BUFFER(%r12), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    DO_SYSCALL SYS_rt_sigaction
    EXPECT -EINVAL, 27
    movl $SIGUSR1, %edi
    leaq BUFFER(%r12), %rsi
    xorl %edx, %edx
    movl $4, %r10d                              /* a wrong sigset size */
    DO_SYSCALL SYS_rt_sigaction
    EXPECT -EINVAL, 28
    movl $SIGUSR1, %edi
    leaq BUFFER(%r12), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    DO_SYSCALL SYS_rt_sigaction
    EXPECT 0, 29
    movl $SIGUSR1, %edi
    xorl %esi, %esi
    leaq BUFFER+32(%r12), %rdx
    movl $8, %r10d
    DO_SYSCALL SYS_rt_sigaction
    movl $30, %edi
    cmpq $0x401000, BUFFER+32(%r12)
    jne 9f
    /* sigprocmask: SIGKILL is never blocked */
    movq $((1 << (SIGKILL - 1)) | (1 << (SIGUSR1 - 1))), SIGSET(%r12)
    movl $SIG_BLOCK, %edi
    leaq SIGSET(%r12), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    DO_SYSCALL SYS_rt_sigprocmask
    EXPECT 0, 31
    movl $SIG_BLOCK, %edi
    xorl %esi, %esi
    leaq BUFFER(%r12), %rdx
    movl $8, %r10d
    DO_SYSCALL SYS_rt_sigprocmask
    movl $32, %edi
    cmpq $(1 << (SIGUSR1 - 1)), BUFFER(%r12)
    jne 9f
    /* a new session: the caller's pid names it and its process group */
    DO_SYSCALL SYS_getpid
    movq %rax, %r14
    DO_SYSCALL SYS_setsid
    movl $33, %edi
    cmpq %r14, %rax
    jne 9f
    xorl %edi, %edi
    DO_SYSCALL SYS_getsid
    movl $34, %edi
    cmpq %r14, %rax
    jne 9f
    DO_SYSCALL SYS_getpgrp
    movl $35, %edi
    cmpq %r14, %rax
    jne 9f
    DO_SYSCALL SYS_setsid
    EXPECT -EPERM, 36                           /* already a group leader */
    xorl %edi, %edi
    xorl %esi, %esi
    DO_SYSCALL SYS_setpgid
    EXPECT -EPERM, 37                           /* a session leader stays in its group */
    /* nice */
    movl $PRIO_PROCESS, %edi
    xorl %esi, %esi
    DO_SYSCALL SYS_getpriority
    EXPECT 20, 38                               /* 20 - nice 0 */
    movl $PRIO_PROCESS, %edi
    xorl %esi, %esi
    movl $5, %edx
    DO_SYSCALL SYS_setpriority
    EXPECT 0, 39
    movl $PRIO_PROCESS, %edi
    xorl %esi, %esi
    DO_SYSCALL SYS_getpriority
    EXPECT 15, 40
    /* sysinfo: bytes of memory, some tasks */
    leaq BUFFER(%r12), %rdi
    DO_SYSCALL SYS_sysinfo
    EXPECT 0, 41
    movl $43, %edi
    cmpl $1, BUFFER+104(%r12)                   /* mem_unit */
    jne 9f
    cmpq $0, BUFFER+32(%r12)                    /* totalram */
    je 9f
    cmpw $0, BUFFER+80(%r12)                    /* procs */
    je 9f
    movl $42, %edi
9:  DO_SYSCALL SYS_exit_group
    ud2
    /* The child: drop to user 1000 and try the rules; exits 5 when all held. */
50: movq $-1, %rdi
    movl $1000, %esi
    movq $-1, %rdx
    DO_SYSCALL SYS_setresuid
    EXPECT 0, 51
    DO_SYSCALL SYS_geteuid
    EXPECT 1000, 52
    DO_SYSCALL SYS_getuid
    EXPECT 0, 53
    movl $2000, %edi                            /* neither the real nor the saved ID */
    DO_SYSCALL SYS_setuid
    EXPECT -EPERM, 54
    leaq name(%rip), %rdi
    movl $4, %esi
    DO_SYSCALL SYS_sethostname
    EXPECT -EPERM, 55
    movq $-1, %rdi                              /* back to the saved ID 0 */
    xorl %esi, %esi
    movq $-1, %rdx
    DO_SYSCALL SYS_setresuid
    EXPECT 0, 56
    movl $1000, %edi                            /* as root: all four, for good */
    DO_SYSCALL SYS_setuid
    EXPECT 0, 57
    xorl %edi, %edi
    DO_SYSCALL SYS_setuid
    EXPECT -EPERM, 58
    leaq BUFFER(%r12), %rdi
    leaq BUFFER+4(%r12), %rsi
    leaq BUFFER+8(%r12), %rdx
    DO_SYSCALL SYS_getresuid
    movl $59, %edi
    cmpl $1000, BUFFER(%r12)
    jne 9f
    cmpl $1000, BUFFER+4(%r12)
    jne 9f
    cmpl $1000, BUFFER+8(%r12)
    jne 9f
    movl $5, %edi
9:  DO_SYSCALL SYS_exit_group
    ud2
name:
    .asciz "apus-test"
user_identity_end:
