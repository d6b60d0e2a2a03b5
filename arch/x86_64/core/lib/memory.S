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

/*
 * void *memmove(void *dst, const void *src, size_t n): forwards, as memcpy, unless dst overlaps
 * src's tail; then backwards, eight bytes a step from the end, then the head. Each step reads
 * its bytes before it writes, so words move correctly even when the two are less than eight apart.
 */
memmove:
    cmpq %rsi, %rdi
    jbe memcpy
    movq %rdi, %rax
    leaq -8(%rsi, %rdx), %rsi
    leaq -8(%rdi, %rdx), %rdi
    movq %rdx, %rcx
    shrq $3, %rcx
    andl $7, %edx
    std
    rep movsq
    addq $7, %rsi
    addq $7, %rdi
    movl %edx, %ecx
    rep movsb
    cld
    ret

/*
 * void *memset(void *dst, int c, size_t n): the byte repeated in all eight of RAX, stored eight
 * bytes a step, then the tail. Under QEMU's TCG each step of a rep is a pass through a
 * translated block, so byte steps cost eight times as many (a 4 KiB page: 15.7 µs, not 0.46).
 */
memset:
    movq %rdi, %r9
    movzbl %sil, %eax
    movabsq $0x0101010101010101, %rsi
    imulq %rsi, %rax
    movq %rdx, %rcx
    shrq $3, %rcx
    andl $7, %edx
    rep stosq
    movl %edx, %ecx
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
