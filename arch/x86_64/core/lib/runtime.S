/*
 * C entry points the Embedded Swift runtime expects, forwarded to the kernel's
 * allocator (mm/SwiftHeap.swift). posix_memalign's out-parameter is written
 * here so the Swift side needs no pointers.
 */
    .text
    .global posix_memalign, free

/* int posix_memalign(void **out, size_t align, size_t size) */
posix_memalign:
    pushq %rbp
    movq %rsp, %rbp
    pushq %rdi
    subq $8, %rsp
    movq %rdx, %rdi                 /* size */
    /* rsi already holds align */
    call kernel_heap_allocate
    addq $8, %rsp
    popq %rdi
    testq %rax, %rax
    jz 1f
    movq %rax, (%rdi)
    xorl %eax, %eax
    popq %rbp
    ret
1:  movl $12, %eax                  /* ENOMEM */
    popq %rbp
    ret

/* void free(void *p) */
free:
    jmp kernel_heap_free
