/*
 * printk for modules (Linux: _printk in kernel/printk/printk.c): a C
 * variadic function, which Swift cannot define. It builds a System V
 * va_list over its own arguments (the six argument registers saved below
 * the return address, the rest on the caller's stack) and calls vprintk
 * (kernel/printk/VPrintk.swift), as Linux's _printk does.
 */
    .text
    .global _printk
    .type _printk, @function
/* int _printk(const char *fmt, ...) */
_printk:
    subq $88, %rsp                  /* 48 bytes of registers, a 24-byte va_list, alignment */
    movq %rdi, 0(%rsp)
    movq %rsi, 8(%rsp)
    movq %rdx, 16(%rsp)
    movq %rcx, 24(%rsp)
    movq %r8, 32(%rsp)
    movq %r9, 40(%rsp)
    movl $8, 48(%rsp)               /* gp_offset: fmt is taken */
    movl $176, 52(%rsp)             /* fp_offset: no SSE arguments */
    leaq 96(%rsp), %rax
    movq %rax, 56(%rsp)             /* overflow_arg_area: the caller's stack arguments */
    movq %rsp, 64(%rsp)             /* reg_save_area */
    leaq 48(%rsp), %rsi
    call vprintk
    addq $88, %rsp
    ret
    .size _printk, . - _printk
