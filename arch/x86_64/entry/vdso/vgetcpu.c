/*
 * getcpu without entering the kernel (Linux: arch/x86/entry/vdso/vgetcpu.c,
 * vdso_read_cpunode): the kernel gives each CPU a GDT entry whose limit is
 * cpu | node << 12 (Segments.swift, Selector.cpuNode), which LSL reads in
 * user mode. qemu64 has no RDPID, so this is Linux's fallback path.
 */
#include "vdso.h"

#define GDT_ENTRY_CPUNODE 15
#define CPUNODE_SEG (GDT_ENTRY_CPUNODE * 8 + 3)
#define CPUNODE_CPU_MASK 0xfff
#define CPUNODE_NODE_SHIFT 12

struct getcpu_cache;

long __vdso_getcpu(unsigned *cpu, unsigned *node, struct getcpu_cache *unused)
{
    unsigned limit;
    (void)unused;
    __asm__("lsl %1, %0" : "=r"(limit) : "r"(CPUNODE_SEG));
    if (cpu)
        *cpu = limit & CPUNODE_CPU_MASK;
    if (node)
        *node = limit >> CPUNODE_NODE_SHIFT;
    return 0;
}
long getcpu(unsigned *, unsigned *, struct getcpu_cache *) __attribute__((weak, alias("__vdso_getcpu")));
