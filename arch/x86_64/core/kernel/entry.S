/*
 * Interrupt and exception entry (Linux: arch/x86/entry/entry_64.S, idtentry.h).
 * Each of the 256 vectors has a stub that makes the stack uniform — a dummy
 * error code where the CPU pushes none, then the vector — and jumps to
 * common_interrupt, which saves the registers in pt_regs order (TrapFrame.swift)
 * and calls the Swift dispatcher with a pointer to that frame.
 */
#include "kernel/calling.h"
#include "kernel/smap.h"
    .section .text.entry, "ax"

/* Vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .balign 16
    .global interrupt_stubs
interrupt_stubs:
    .set vector, 0
    .rept 256
    .balign 16
    .if !HAS_ERROR_CODE(vector)
    pushq $0
    .endif
    pushq $vector
    jmp common_interrupt
    .set vector, vector + 1
    .endr

common_interrupt:
    /* An exception inside a user copy must not run its handler with user memory open. */
    ASM_CLAC
    /* From user mode, GS still holds the user's base: take the kernel's per-CPU area. */
    testb $3, 24(%rsp)                  /* CS, above vector and error code */
    jz 1f
    swapgs
1:  PUSH_REGS
    cld
    movq %rsp, %rdi
    /* A frame record so backtraces walk from the handler into the interrupted code. */
    pushq 16*8+8(%rsp)              /* the interrupted RIP */
    pushq %rbp
    movq %rsp, %rbp
    call do_interrupt
    addq $16, %rsp
    testb $3, 18*8(%rsp)                /* returning to user mode? */
    jz 2f
    movq %rsp, %rdi
    jmp return_to_user_mode
2:  POP_REGS
    addq $16, %rsp                  /* vector and error code */
    iretq

/* After lgdt: reload every segment register from the new table. */
    .text
    .global reload_segments
reload_segments:                    /* rdi = code selector, rsi = data selector */
    movl %esi, %edx
    movl %edi, %esi
    movl %edx, %ds
    movl %edx, %es
    movl %edx, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    popq %rax                       /* far return into the new code segment */
    pushq %rsi
    pushq %rax
    lretq
