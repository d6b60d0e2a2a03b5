/*
 * Probes for the hardening self-tests (HardeningTests.swift, OopsTest in
 * TimeTests.swift): what a bug would do, written out by hand.
 */
    .text
    .global smap_probe_read, canary_smash

/*
 * int64_t smap_probe_read(uint64_t address): reads a user word without stac:
 * 0 when the read went through, -1 when it faulted. With SMAP on it must
 * fault; the exception-table entry turns that into the return value.
 */
smap_probe_read:
1:  movq (%rdi), %rax
    xorl %eax, %eax
    ret
2:  movq $-1, %rax
    ret
    .section __ex_table, "a"
    .balign 8
    .quad 1b, 2b
    .text

/*
 * void canary_smash(void): a function with the stack protector's prologue
 * and epilogue whose "buffer" overruns onto the canary, as a C or Swift
 * function's would; the epilogue must call __stack_chk_fail.
 */
canary_smash:
    pushq %rbp
    movq %rsp, %rbp
    subq $16, %rsp
    movabsq $__stack_chk_guard, %rax
    movq (%rax), %rax
    movq %rax, -8(%rbp)
    notq -8(%rbp)                       /* the overrun */
    movabsq $__stack_chk_guard, %rax
    movq (%rax), %rax
    cmpq -8(%rbp), %rax
    jne 3f
    leave
    ret
3:  call __stack_chk_fail
