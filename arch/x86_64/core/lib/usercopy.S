/*
 * Copies between kernel and user memory that survive a bad user pointer
 * (Linux: arch/x86/lib/copy_user_64.S, strncpy_from_user, the exception
 * table). Each instruction that may touch user memory has an __ex_table entry
 * naming where to continue if it faults; the page-fault handler looks the
 * faulting RIP up there and resumes at the fixup instead of oopsing. With
 * SMAP on, these are the only places the kernel opens user memory (stac),
 * and every way out closes it again (clac).
 */
#include "kernel/smap.h"
    .text
    .global copy_user_raw, copy_string_from_user_raw, clear_user_raw

/*
 * uint64_t copy_user_raw(void *dst, const void *src, uint64_t n): returns the
 * bytes NOT copied. The bulk moves 64 bytes a step through four registers,
 * unrolled, as Linux's copy_user_generic_unrolled does on CPUs without fast
 * string instructions (qemu64 is one): TCG runs that loop about a quarter
 * faster than rep movsq, whose every step goes round its loop alone. What is
 * left moves eight bytes a step (rep movsq), then a byte a step. A fault
 * anywhere goes on byte by byte from where the faulting step started (a
 * block's start, which is only passed once the block is done), so the count
 * left is exact to the byte that faulted (Linux: .Lcopy_user_tail).
 */
copy_user_raw:
    movq %rdx, %rcx
    shrq $6, %rcx
    andl $63, %edx
    ASM_STAC
    testq %rcx, %rcx
    jz 20f
10: movq (%rsi), %r8
11: movq 8(%rsi), %r9
12: movq 16(%rsi), %r10
13: movq 24(%rsi), %r11
14: movq %r8, (%rdi)
15: movq %r9, 8(%rdi)
16: movq %r10, 16(%rdi)
17: movq %r11, 24(%rdi)
18: movq 32(%rsi), %r8
19: movq 40(%rsi), %r9
21: movq 48(%rsi), %r10
22: movq 56(%rsi), %r11
23: movq %r8, 32(%rdi)
24: movq %r9, 40(%rdi)
25: movq %r10, 48(%rdi)
26: movq %r11, 56(%rdi)
    leaq 64(%rsi), %rsi
    leaq 64(%rdi), %rdi
    decq %rcx
    jnz 10b
20: movl %edx, %ecx
    shrl $3, %ecx
    andl $7, %edx
1:  rep movsq
    movl %edx, %ecx
2:  rep movsb
    ASM_CLAC
    xorl %eax, %eax
    ret
30: shlq $6, %rcx
    addq %rdx, %rcx
    jmp 2b
3:  leaq (%rdx, %rcx, 8), %rcx
    jmp 2b
4:  ASM_CLAC
    movq %rcx, %rax
    ret
    .section __ex_table, "a"
    .balign 8
    .quad 10b, 30b
    .quad 11b, 30b
    .quad 12b, 30b
    .quad 13b, 30b
    .quad 14b, 30b
    .quad 15b, 30b
    .quad 16b, 30b
    .quad 17b, 30b
    .quad 18b, 30b
    .quad 19b, 30b
    .quad 21b, 30b
    .quad 22b, 30b
    .quad 23b, 30b
    .quad 24b, 30b
    .quad 25b, 30b
    .quad 26b, 30b
    .quad 1b, 3b
    .quad 2b, 4b
    .text

/*
 * int64_t copy_string_from_user_raw(char *dst, const char *src, uint64_t max):
 * copies up to and including a NUL; returns the length without the NUL,
 * `max` if none was found in `max` bytes, or -1 on a fault.
 */
copy_string_from_user_raw:
    xorl %eax, %eax
    ASM_STAC
3:  cmpq %rdx, %rax
    je 5f
4:  movb (%rsi, %rax), %cl
    movb %cl, (%rdi, %rax)
    testb %cl, %cl
    jz 5f
    incq %rax
    jmp 3b
5:  ASM_CLAC
    ret
6:  ASM_CLAC
    movq $-1, %rax
    ret
    .section __ex_table, "a"
    .quad 4b, 6b
    .text

/* uint64_t clear_user_raw(void *dst, uint64_t n): zeroes user memory; returns the bytes NOT zeroed. */
clear_user_raw:
    movq %rsi, %rcx
    xorl %eax, %eax
    ASM_STAC
7:  rep stosb
    ASM_CLAC
    ret
8:  ASM_CLAC
    movq %rcx, %rax
    ret
    .section __ex_table, "a"
    .quad 7b, 8b
