/*
 * System call entry and the return to user space (Linux:
 * arch/x86/entry/entry_64.S entry_SYSCALL_64, swapgs_restore_regs_and_return_to_usermode).
 *
 * SYSCALL leaves the user RIP in RCX and RFLAGS in R11, masks RFLAGS by
 * SFMASK (interrupts off) and jumps here at CPL 0 — still on the user stack.
 * swapgs brings in the per-CPU area (PerCPU.swift), whose slots give a
 * scratch place for the user RSP and the current task's kernel stack. The
 * code then builds the same pt_regs frame the interrupt stubs build, so one
 * TrapFrame type describes both, and calls the Swift dispatcher.
 */
#include "kernel/calling.h"
#define PERCPU_USER_RSP 8
#define PERCPU_KERNEL_STACK 16
#define USER_DS (0x28 | 3)
#define USER_CS (0x30 | 3)

    .text
    .global entry_SYSCALL_64, return_to_user_mode

entry_SYSCALL_64:
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_STACK, %rsp
    pushq $USER_DS                      /* ss */
    pushq %gs:PERCPU_USER_RSP           /* rsp */
    pushq %r11                          /* rflags */
    pushq $USER_CS                      /* cs */
    pushq %rcx                          /* rip */
    pushq %rax                          /* error-code slot: the system call number (Linux: orig_ax) */
    pushq $-1                           /* vector slot: -1 marks a system call frame */
    PUSH_REGS
    xorl %ebp, %ebp                     /* backtraces end at the user boundary */
    movq %rsp, %rdi
    sti
    call do_syscall_64
    cli
    movq %rsp, %rdi

/*
 * Leaves the kernel for user space through the frame at RDI, which may
 * have been built by a system call, an interrupt from user mode, or execve
 * (the first entry into a new program). iretq restores everything, so
 * signal delivery and execve can rewrite any register.
 */
return_to_user_mode:
    movq %rdi, %rsp
    POP_REGS
    addq $16, %rsp                      /* vector and error code */
    swapgs
    iretq
