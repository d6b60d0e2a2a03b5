/*
 * printk, snprintf, scnprintf and sprintf for modules (Linux: _printk in
 * kernel/printk/printk.c, lib/vsprintf.c): C variadic functions, which
 * Swift cannot define. Each builds a System V va_list over its own
 * arguments (the six argument registers saved below the return address,
 * the rest on the caller's stack) and calls its va_list form, vprintk
 * (kernel/printk/VPrintk.swift) or vsnprintf and vscnprintf
 * (kernel/printk/Vsnprintf.swift), as Linux's do.
 */
    .text

/* Saves the six argument registers and builds the va_list at 48(%rsp),
 * its gp_offset past the `named` fixed arguments; leaves it in %rcx. */
.macro VA_START named
    subq $88, %rsp                  /* 48 bytes of registers, a 24-byte va_list, alignment */
    movq %rdi, 0(%rsp)
    movq %rsi, 8(%rsp)
    movq %rdx, 16(%rsp)
    movq %rcx, 24(%rsp)
    movq %r8, 32(%rsp)
    movq %r9, 40(%rsp)
    movl $(\named * 8), 48(%rsp)    /* gp_offset */
    movl $176, 52(%rsp)             /* fp_offset: no SSE arguments */
    leaq 96(%rsp), %rax
    movq %rax, 56(%rsp)             /* overflow_arg_area: the caller's stack arguments */
    movq %rsp, 64(%rsp)             /* reg_save_area */
    leaq 48(%rsp), %rcx
.endm

    .global _printk, snprintf, scnprintf, sprintf

/* int _printk(const char *fmt, ...) */
    .type _printk, @function
_printk:
    VA_START 1
    movq %rcx, %rsi
    call vprintk
    addq $88, %rsp
    ret
    .size _printk, . - _printk

/* int snprintf(char *buf, size_t size, const char *fmt, ...) */
    .type snprintf, @function
snprintf:
    VA_START 3
    call vsnprintf
    addq $88, %rsp
    ret
    .size snprintf, . - snprintf

/* int scnprintf(char *buf, size_t size, const char *fmt, ...) */
    .type scnprintf, @function
scnprintf:
    VA_START 3
    call vscnprintf
    addq $88, %rsp
    ret
    .size scnprintf, . - scnprintf

/* int sprintf(char *buf, const char *fmt, ...): vsnprintf(buf, INT_MAX, fmt, args) */
    .type sprintf, @function
sprintf:
    VA_START 2
    movq %rsi, %rdx
    movl $0x7fffffff, %esi
    call vsnprintf
    addq $88, %rsp
    ret
    .size sprintf, . - sprintf
