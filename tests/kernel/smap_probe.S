/*
 * A read of user memory without stac, for the hardening self-test
 * (HardeningTests.swift): with SMAP on it must fault, and its exception-table
 * entry turns the fault into a return value instead of an oops.
 */
    .text
    .global smap_probe_read

/* int64_t smap_probe_read(uint64_t address): 0 when the read went through, -1 when it faulted. */
smap_probe_read:
1:  movq (%rdi), %rax
    xorl %eax, %eax
    ret
2:  movq $-1, %rax
    ret
    .section __ex_table, "a"
    .balign 8
    .quad 1b, 2b
