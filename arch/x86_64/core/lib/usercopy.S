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
 * bytes NOT copied. The bulk moves eight bytes a step (rep movsq, which TCG
 * runs far faster than bytes), the tail a byte a step. A fault in the bulk
 * goes on byte by byte from where it stopped, so the count left is exact to
 * the byte that faulted (Linux: copy_user_generic's .Lcopy_user_tail).
 */
copy_user_raw:
    movq %rdx, %rcx
    shrq $3, %rcx
    andl $7, %edx
    ASM_STAC
1:  rep movsq
    movl %edx, %ecx
2:  rep movsb
    ASM_CLAC
    xorl %eax, %eax
    ret
3:  leaq (%rdx, %rcx, 8), %rcx
    jmp 2b
4:  ASM_CLAC
    movq %rcx, %rax
    ret
    .section __ex_table, "a"
    .balign 8
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
