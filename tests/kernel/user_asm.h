/*
 * Linux's numbers and two macros for the assembly user programs of the
 * user-mode self-tests (user_programs.S, user_thread_programs.S).
 */
#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_fstat 5
#define SYS_lseek 8
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_pipe 22
#define SYS_dup2 33
#define SYS_nanosleep 35
#define SYS_getpid 39
#define SYS_clone 56
#define SYS_fork 57
#define SYS_vfork 58
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_kill 62
#define SYS_uname 63
#define SYS_fcntl 72
#define SYS_getcwd 79
#define SYS_chdir 80
#define SYS_mkdir 83
#define SYS_rmdir 84
#define SYS_unlink 87
#define SYS_getrlimit 97
#define SYS_sysinfo 99
#define SYS_getuid 102
#define SYS_setuid 105
#define SYS_geteuid 107
#define SYS_setpgid 109
#define SYS_getpgrp 111
#define SYS_setsid 112
#define SYS_getgroups 115
#define SYS_setgroups 116
#define SYS_setresuid 117
#define SYS_getresuid 118
#define SYS_getsid 124
#define SYS_mknod 133
#define SYS_rt_sigpending 127
#define SYS_getpriority 140
#define SYS_setpriority 141
#define SYS_prctl 157
#define SYS_setrlimit 160
#define SYS_sethostname 170
#define SYS_gettid 186
#define SYS_futex 202
#define SYS_getdents64 217
#define SYS_set_tid_address 218
#define SYS_sched_getaffinity 204
#define SYS_clock_gettime 228
#define SYS_clock_getres 229
#define SYS_exit_group 231
#define SYS_waitid 247
#define SYS_set_robust_list 273
#define SYS_get_robust_list 274
#define SYS_prlimit64 302
#define SYS_getrandom 318

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EINVAL 22
#define EPIPE 32
#define ENOSYS 38
#define ETIMEDOUT 110

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0x40
#define O_TRUNC 0x200
#define O_DIRECTORY 0x10000
#define F_GETFD 1

#define S_IFCHR 0x2000

#define PROT_READ 1
#define PROT_RW 3
#define MAP_PRIVATE_ANONYMOUS 0x22

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_THREAD 0x10000
#define CLONE_SYSVSEM 0x40000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_WAITERS 0x80000000
#define FUTEX_OWNER_DIED 0x40000000

#define SIGKILL 9
#define SIGUSR1 10
#define SIGPIPE 13
#define SIGTERM 15
#define SIGCHLD 17
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define CLD_KILLED 2
#define P_PID 1
#define WEXITED 4
#define WNOHANG 1
#define WNOWAIT 0x01000000
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PRIO_PROCESS 0

/* rax = system call \nr, the arguments already in rdi, rsi, rdx, r10, r8, r9. */
.macro DO_SYSCALL nr
    movl $\nr, %eax
    syscall
.endm

/* Unless rax equals \value (a sign-extended 32-bit immediate), exit through
 * the next `9:` label with status \code, which names the failed check. */
.macro EXPECT value, code
    movl $\code, %edi
    cmpq $\value, %rax
    jne 9f
.endm
