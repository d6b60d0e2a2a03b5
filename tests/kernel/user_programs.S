/*
 * Tiny position-independent user programs for the user-mode self-test
 * (UserModeTests.swift). The kernel copies their bytes into a fresh address
 * space and runs them in ring 3. Each exit code names the check that failed.
 */
#define SYS_write 1
#define SYS_getpid 39
#define SYS_exit 60
#define EFAULT 14
#define ENOSYS 38

    .section .rodata.user_programs, "a"
    .global user_hello_start, user_hello_end
    .global user_segfault_start, user_segfault_end
    .global user_kernel_jump_start, user_kernel_jump_end

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
