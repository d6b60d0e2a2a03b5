/*
 * The C memory primitives the Swift runtime and compiler call
 * (Linux: arch/x86/lib/memcpy_64.S, memset_64.S). Written in assembly because
 * a Swift memset would be recognised as a memset idiom and call itself.
 */
    .text
    .global memcpy, memmove, memset, memcmp

/* void *memcpy(void *dst, const void *src, size_t n): eight bytes a step, then the tail. */
memcpy:
    movq %rdi, %rax
    movq %rdx, %rcx
    shrq $3, %rcx
    andl $7, %edx
    rep movsq
    movl %edx, %ecx
    rep movsb
    ret

/* void *memmove(void *dst, const void *src, size_t n): copy backwards when dst overlaps src's tail. */
memmove:
    movq %rdi, %rax
    movq %rdx, %rcx
    cmpq %rsi, %rdi
    jbe 1f
    leaq -1(%rsi, %rdx), %rsi
    leaq -1(%rdi, %rdx), %rdi
    std
    rep movsb
    cld
    ret
1:  rep movsb
    ret

/* void *memset(void *dst, int c, size_t n) */
memset:
    movq %rdi, %r9
    movl %esi, %eax
    movq %rdx, %rcx
    rep stosb
    movq %r9, %rax
    ret

/* int memcmp(const void *a, const void *b, size_t n) */
memcmp:
    xorl %eax, %eax
    testq %rdx, %rdx
    jz 2f
1:  movzbl (%rdi), %eax
    movzbl (%rsi), %ecx
    subl %ecx, %eax
    jnz 2f
    incq %rdi
    incq %rsi
    decq %rdx
    jnz 1b
2:  ret
