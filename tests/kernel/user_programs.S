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
