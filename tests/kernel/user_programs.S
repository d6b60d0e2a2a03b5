/*
 * Tiny position-independent user programs for the user-mode self-test
 * (UserModeTests.swift). The kernel copies their bytes into a fresh address
 * space and runs them in ring 3. Each exit code names the check that failed.
 */
#include "user_asm.h"

    .section .rodata.user_programs, "a"
    .global user_hello_start, user_hello_end
    .global user_segfault_start, user_segfault_end
    .global user_kernel_jump_start, user_kernel_jump_end
    .global user_memory_start, user_memory_end
    .global user_mprotect_start, user_mprotect_end
    .global user_fork_start, user_fork_end
    .global user_files_start, user_files_end
    .global user_kernel_bug_start, user_kernel_bug_end
    .global user_kernel_oom_start, user_kernel_oom_end

user_hello_start:
    /* write(1, message, length) returns length */
    movl $SYS_write, %eax
    movl $1, %edi
    leaq message(%rip), %rsi
    movl $(message_end - message), %edx
    syscall
    movl $1, %edi
    cmpq $(message_end - message), %rax
    jne exit
    /* an unmapped user buffer: -EFAULT, not a crash */
    movl $SYS_write, %eax
    movl $1, %edi
    movabsq $0x00000dead0000000, %rsi
    movl $5, %edx
    syscall
    movl $2, %edi
    cmpq $-EFAULT, %rax
    jne exit
    /* a kernel address: -EFAULT too (access_ok) */
    movl $SYS_write, %eax
    movl $1, %edi
    movabsq $0x00007fff80107000, %rsi
    movl $5, %edx
    syscall
    movl $3, %edi
    cmpq $-EFAULT, %rax
    jne exit
    /* a number no one implements: -ENOSYS */
    movl $500, %eax
    syscall
    movl $4, %edi
    cmpq $-ENOSYS, %rax
    jne exit
    /* getpid is positive */
    movl $SYS_getpid, %eax
    syscall
    movl $5, %edi
    testq %rax, %rax
    jle exit
    /* SSE works in ring 3 (CR4.OSFXSR) and survives a system call */
    movl $21, %eax
    movq %rax, %xmm0
    paddq %xmm0, %xmm0
    movl $SYS_getpid, %eax
    syscall
    movq %xmm0, %rax
    movl $6, %edi
    cmpq $42, %rax
    jne exit
    movl $42, %edi
exit:
    movl $SYS_exit, %eax
    syscall
    ud2
message:
    .ascii "hello from user space\n"
message_end:
user_hello_end:

user_segfault_start:
    movq 0, %rax                        /* NULL dereference */
    ud2
user_segfault_end:

user_kernel_jump_start:
    movabsq $0x00007fff80107000, %rax   /* kernel text: supervisor-only */
    jmp *%rax
user_kernel_jump_end:

/* Process memory: brk, mmap, getrandom into a fresh page, munmap, mprotect, stack growth. */
user_memory_start:
    movl $SYS_brk, %eax
    xorl %edi, %edi
    syscall
    movq %rax, %r12                     /* the initial break */
    leaq 0x3000(%r12), %rdi
    movl $SYS_brk, %eax
    syscall
    movl $1, %edi
    leaq 0x3000(%r12), %rcx
    cmpq %rcx, %rax
    jne 9f
    movq $0x1234, (%r12)                /* heap pages appear on first touch */
    movq $0x5678, 0x2ff8(%r12)
    movl $2, %edi
    cmpq $0x1234, (%r12)
    jne 9f
    movl $SYS_mmap, %eax
    xorl %edi, %edi
    movl $0x4000, %esi
    movl $PROT_RW, %edx
    movl $MAP_PRIVATE_ANONYMOUS, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    syscall
    movl $3, %edi
    cmpq $-4096, %rax
    jae 9f
    movq %rax, %r13
    movl $SYS_getrandom, %eax           /* the kernel's copy_to_user faults the page in */
    movq %r13, %rdi
    movl $16, %esi
    xorl %edx, %edx
    syscall
    movl $4, %edi
    cmpq $16, %rax
    jne 9f
    movq $7, 0x3000(%r13)
    movl $5, %edi
    cmpq $7, 0x3000(%r13)
    jne 9f
    movl $SYS_munmap, %eax
    movq %r13, %rdi
    movl $0x4000, %esi
    syscall
    movl $6, %edi
    testq %rax, %rax
    jne 9f
    movl $SYS_mprotect, %eax            /* nothing mapped there any more */
    movq %r13, %rdi
    movl $0x1000, %esi
    movl $PROT_READ, %edx
    syscall
    movl $7, %edi
    cmpq $-ENOMEM, %rax
    jne 9f
    movq $1, -0x10000(%rsp)             /* 64 KiB below: the stack grows */
    movl $42, %edi
9:  movl $SYS_exit, %eax
    syscall
    ud2
user_memory_end:

/* A page made read-only by mprotect: reading works, writing is SIGSEGV. */
user_mprotect_start:
    movl $SYS_mmap, %eax
    xorl %edi, %edi
    movl $0x1000, %esi
    movl $PROT_RW, %edx
    movl $MAP_PRIVATE_ANONYMOUS, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    syscall
    movq %rax, %r13
    movq $1, (%r13)
    movl $SYS_mprotect, %eax
    movq %r13, %rdi
    movl $0x1000, %esi
    movl $PROT_READ, %edx
    syscall
    movq (%r13), %rax
    movq $2, (%r13)
    movl $SYS_exit, %eax
    xorl %edi, %edi
    syscall
user_mprotect_end:

/* fork: the child changes a heap word and exits 7; the parent still sees its own value (copy-on-write), collects status 0x0700 with wait4, then gets ECHILD. */
user_fork_start:
    movl $SYS_brk, %eax
    xorl %edi, %edi
    syscall
    movq %rax, %r12
    leaq 0x1000(%r12), %rdi
    movl $SYS_brk, %eax
    syscall
    movq $100, (%r12)
    movl $SYS_fork, %eax
    syscall
    movl $1, %edi
    testq %rax, %rax
    js 9f
    jnz 1f
    movq $200, (%r12)                   /* the child */
    movl $7, %edi
    jmp 9f
1:  movq %rax, %r13                     /* the parent */
    subq $16, %rsp
    movl $SYS_wait4, %eax
    movq %r13, %rdi
    movq %rsp, %rsi
    xorl %edx, %edx
    xorl %r10d, %r10d
    syscall
    movl $2, %edi
    cmpq %r13, %rax
    jne 9f
    movl $3, %edi
    cmpl $0x0700, (%rsp)
    jne 9f
    movl $4, %edi
    cmpq $100, (%r12)
    jne 9f
    movl $SYS_wait4, %eax
    movq $-1, %rdi
    xorl %esi, %esi
    xorl %edx, %edx
    xorl %r10d, %r10d
    syscall
    movl $5, %edi
    cmpq $-ECHILD, %rax
    jne 9f
    movl $42, %edi
9:  movl $SYS_exit, %eax
    syscall
user_fork_end:

/*
 * Files through the system calls: mkdir and chdir, open with O_CREAT,
 * write, lseek, read back, fstat, close (twice: EBADF), getcwd, getdents64
 * finding the file, a pipe to a forked child (its data, then end-of-file
 * once the child has exited), EPIPE without readers (SIGPIPE ignored), dup2 and fcntl on
 * /dev/null, unlink and rmdir. Descriptors 0-2 are the console, so the first open
 * is 3. The buffer is 4 KiB of stack.
 */
user_files_start:
    subq $4096, %rsp
    movl $SYS_mkdir, %eax
    leaq files_dir(%rip), %rdi
    movl $0755, %esi
    syscall
    movl $1, %edi
    testq %rax, %rax
    jnz 9f
    movl $SYS_chdir, %eax
    leaq files_dir(%rip), %rdi
    syscall
    movl $2, %edi
    testq %rax, %rax
    jnz 9f
    movl $SYS_open, %eax                /* open("file", O_CREAT|O_RDWR|O_TRUNC, 0644) */
    leaq files_name(%rip), %rdi
    movl $(O_CREAT | O_RDWR | O_TRUNC), %esi
    movl $0644, %edx
    syscall
    movl $3, %edi
    cmpq $3, %rax
    jne 9f
    movq %rax, %r12
    movl $SYS_write, %eax
    movq %r12, %rdi
    leaq files_text(%rip), %rsi
    movl $6, %edx
    syscall
    movl $4, %edi
    cmpq $6, %rax
    jne 9f
    movl $SYS_lseek, %eax
    movq %r12, %rdi
    xorl %esi, %esi
    xorl %edx, %edx
    syscall
    movl $5, %edi
    testq %rax, %rax
    jnz 9f
    movl $SYS_read, %eax
    movq %r12, %rdi
    movq %rsp, %rsi
    movl $100, %edx
    syscall
    movl $6, %edi
    cmpq $6, %rax
    jne 9f
    movl $7, %edi
    cmpl $0x64636261, (%rsp)            /* "abcd" */
    jne 9f
    cmpw $0x6665, 4(%rsp)               /* "ef" */
    jne 9f
    movl $SYS_fstat, %eax
    movq %r12, %rdi
    movq %rsp, %rsi
    syscall
    movl $8, %edi
    testq %rax, %rax
    jnz 9f
    cmpq $6, 48(%rsp)                   /* st_size */
    jne 9f
    cmpl $0100644, 24(%rsp)             /* st_mode: the umask 022 takes nothing */
    jne 9f
    movl $SYS_close, %eax
    movq %r12, %rdi
    syscall
    movl $9, %edi
    testq %rax, %rax
    jnz 9f
    movl $SYS_close, %eax
    movq %r12, %rdi
    syscall
    movl $10, %edi
    cmpq $-EBADF, %rax
    jne 9f
    movl $SYS_getcwd, %eax              /* "/user-files" and its NUL: 12 */
    movq %rsp, %rdi
    movl $4096, %esi
    syscall
    movl $11, %edi
    cmpq $12, %rax
    jne 9f
    movabsq $0x69662d726573752f, %rax   /* "/user-fi" */
    cmpq %rax, (%rsp)
    jne 9f
    cmpl $0x0073656c, 8(%rsp)           /* "les\0" */
    jne 9f
    movl $SYS_open, %eax                /* open(".", O_DIRECTORY) */
    leaq files_dot(%rip), %rdi
    movl $O_DIRECTORY, %esi
    syscall
    movl $12, %edi
    testq %rax, %rax
    js 9f
    movq %rax, %r12
    movl $SYS_getdents64, %eax
    movq %r12, %rdi
    movq %rsp, %rsi
    movl $4096, %edx
    syscall
    movl $13, %edi
    testq %rax, %rax
    jle 9f
    movq %rax, %r13                     /* bytes of records */
    xorl %ebx, %ebx
1:  cmpq %r13, %rbx
    jae 9f                              /* no record named "file" */
    cmpl $0x656c6966, 19(%rsp,%rbx)     /* d_name "file" */
    jne 2f
    cmpb $0, 23(%rsp,%rbx)
    je 3f
2:  movzwl 16(%rsp,%rbx), %eax          /* d_reclen */
    addq %rax, %rbx
    jmp 1b
3:  movl $SYS_close, %eax
    movq %r12, %rdi
    syscall
    movl $SYS_pipe, %eax
    movq %rsp, %rdi
    syscall
    movl $14, %edi
    testq %rax, %rax
    jnz 9f
    movl (%rsp), %r12d                  /* read end */
    movl 4(%rsp), %r13d                 /* write end */
    movl $SYS_fork, %eax
    syscall
    movl $15, %edi
    testq %rax, %rax
    js 9f
    jnz 4f
    movl $SYS_close, %eax               /* the child: write "hi", exit */
    movq %r12, %rdi
    syscall
    movl $SYS_write, %eax
    movq %r13, %rdi
    leaq files_hi(%rip), %rsi
    movl $2, %edx
    syscall
    xorl %edi, %edi
    jmp 9f
4:  movl $SYS_close, %eax               /* the parent */
    movq %r13, %rdi
    syscall
    movl $SYS_read, %eax
    movq %r12, %rdi
    leaq 64(%rsp), %rsi
    movl $10, %edx
    syscall
    movl $16, %edi
    cmpq $2, %rax
    jne 9f
    cmpw $0x6968, 64(%rsp)              /* "hi" */
    jne 9f
    movl $SYS_read, %eax                /* end-of-file once the child's exit closed its end */
    movq %r12, %rdi
    leaq 64(%rsp), %rsi
    movl $10, %edx
    syscall
    movl $17, %edi
    testq %rax, %rax
    jnz 9f
    movl $SYS_wait4, %eax
    movq $-1, %rdi
    xorl %esi, %esi
    xorl %edx, %edx
    xorl %r10d, %r10d
    syscall
    movl $18, %edi
    testq %rax, %rax
    jle 9f
    movl $SYS_close, %eax
    movq %r12, %rdi
    syscall
    movq $1, 64(%rsp)                   /* SIGPIPE ignored, as a program that wants EPIPE does */
    movq $0, 72(%rsp)
    movq $0, 80(%rsp)
    movq $0, 88(%rsp)
    movl $SYS_rt_sigaction, %eax
    movl $SIGPIPE, %edi
    leaq 64(%rsp), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    syscall
    movl $SYS_pipe, %eax                /* no reader left: EPIPE */
    movq %rsp, %rdi
    syscall
    movl $SYS_close, %eax
    movl (%rsp), %edi
    syscall
    movl $SYS_write, %eax
    movl 4(%rsp), %edi
    leaq files_hi(%rip), %rsi
    movl $2, %edx
    syscall
    movl $19, %edi
    cmpq $-EPIPE, %rax
    jne 9f
    movl $SYS_open, %eax                /* dup2 of /dev/null onto 10 */
    leaq files_null(%rip), %rdi
    movl $O_WRONLY, %esi
    syscall
    movq %rax, %r12
    movl $SYS_dup2, %eax
    movq %r12, %rdi
    movl $10, %esi
    syscall
    movl $20, %edi
    cmpq $10, %rax
    jne 9f
    movl $SYS_write, %eax
    movl $10, %edi
    leaq files_text(%rip), %rsi
    movl $6, %edx
    syscall
    movl $21, %edi
    cmpq $6, %rax
    jne 9f
    movl $SYS_fcntl, %eax               /* dup2 clears close-on-exec */
    movl $10, %edi
    movl $F_GETFD, %esi
    syscall
    movl $22, %edi
    testq %rax, %rax
    jnz 9f
    movl $SYS_unlink, %eax
    leaq files_name(%rip), %rdi
    syscall
    movl $23, %edi
    testq %rax, %rax
    jnz 9f
    movl $SYS_open, %eax
    leaq files_name(%rip), %rdi
    xorl %esi, %esi
    syscall
    movl $24, %edi
    cmpq $-ENOENT, %rax
    jne 9f
    movl $SYS_chdir, %eax               /* leave nothing behind: rmdir from "/" */
    leaq files_root(%rip), %rdi
    syscall
    movl $SYS_rmdir, %eax
    leaq files_dir(%rip), %rdi
    syscall
    movl $25, %edi
    testq %rax, %rax
    jnz 9f
    movl $42, %edi
9:  movl $SYS_exit, %eax
    syscall
    ud2
files_dir:
    .asciz "/user-files"
files_name:
    .asciz "file"
files_dot:
    .asciz "."
files_root:
    .asciz "/"
files_null:
    .asciz "/dev/null"
files_text:
    .ascii "abcdef"
files_hi:
    .ascii "hi"
user_files_end:

/*
 * Reads the device of major 240 and `minor`, whose node it makes, opens and
 * unlinks: the oops self-test registers drivers there that trap (minor 0)
 * or ask for more memory than there is (minor 1). The kernel kills the
 * program; reaching exit is a failure.
 */
.macro READ_TEST_DEVICE minor
    movl $SYS_mknod, %eax
    leaq 8f(%rip), %rdi
    movl $(S_IFCHR | 0600), %esi
    movl $((240 << 8) | \minor), %edx
    syscall
    movl $1, %edi
    testq %rax, %rax
    jne 9f
    movl $SYS_open, %eax
    leaq 8f(%rip), %rdi
    movl $O_RDONLY, %esi
    syscall
    movl $2, %edi
    cmpq $-4096, %rax
    jae 9f
    movq %rax, %r12
    movl $SYS_unlink, %eax
    leaq 8f(%rip), %rdi
    syscall
    movl $SYS_read, %eax
    movq %r12, %rdi
    leaq -16(%rsp), %rsi
    movl $1, %edx
    syscall
    movl $3, %edi
9:  movl $SYS_exit, %eax
    syscall
8:  .asciz "/test-device"
.endm

user_kernel_bug_start:
    READ_TEST_DEVICE 0
user_kernel_bug_end:

user_kernel_oom_start:
    READ_TEST_DEVICE 1
user_kernel_oom_end:
