/*
 * Single-instruction helpers for Swift (Linux: arch/x86/include/asm/io.h,
 * msr.h, special_insns.h, processor.h). Only arch/x86_64/core (module Core) imports
 * this header; the rest of the kernel goes through Core's typed API.
 */
#ifndef APUS_X86ASM_H
#define APUS_X86ASM_H
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };
static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf) {
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

#define CONTROL_REGISTER(n) \
    static inline uint64_t read_cr##n(void) { uint64_t v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
    static inline void write_cr##n(uint64_t v) { __asm__ volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
CONTROL_REGISTER(0)
CONTROL_REGISTER(2)
CONTROL_REGISTER(3)
CONTROL_REGISTER(4)

static inline void invlpg(uint64_t address) { __asm__ volatile("invlpg (%0)" :: "r"(address) : "memory"); }
static inline uint64_t read_rflags(void) { uint64_t f; __asm__ volatile("pushfq; popq %0" : "=r"(f)); return f; }
static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void write_rflags(uint64_t f) { __asm__ volatile("pushq %0; popfq" :: "r"(f) : "memory", "cc"); }
/* sti;hlt is atomic: an interrupt arriving between them still wakes the hlt. */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void halt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void __asm_int3(void) { __asm__ volatile("int3" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline uint64_t read_frame_pointer(void) { uint64_t v; __asm__ volatile("mov %%rbp, %0" : "=r"(v)); return v; }
static inline void compiler_barrier(void) { __asm__ volatile("" ::: "memory"); }

/* Device registers: volatile so every access reaches the device, in order. */
static inline uint8_t mmio_read8(uint64_t address) { return *(volatile uint8_t *)address; }
static inline uint16_t mmio_read16(uint64_t address) { return *(volatile uint16_t *)address; }
static inline uint32_t mmio_read32(uint64_t address) { return *(volatile uint32_t *)address; }
static inline void mmio_write8(uint64_t address, uint8_t value) { *(volatile uint8_t *)address = value; }
static inline void mmio_write16(uint64_t address, uint16_t value) { *(volatile uint16_t *)address = value; }
static inline void mmio_write32(uint64_t address, uint32_t value) { *(volatile uint32_t *)address = value; }

/* Descriptor-table registers take a packed {limit, base} in memory. */
struct __attribute__((packed)) descriptor_table_pointer { uint16_t limit; uint64_t base; };
static inline void lgdt(uint64_t base, uint16_t limit) {
    struct descriptor_table_pointer d = { limit, base };
    __asm__ volatile("lgdt %0" :: "m"(d) : "memory");
}
static inline void lidt(uint64_t base, uint16_t limit) {
    struct descriptor_table_pointer d = { limit, base };
    __asm__ volatile("lidt %0" :: "m"(d) : "memory");
}
static inline void ltr(uint16_t selector) { __asm__ volatile("ltr %0" :: "r"(selector) : "memory"); }

/* In entry.S: reload CS, DS, ES, SS after lgdt. */
void reload_segments(uint64_t code_selector, uint64_t data_selector);

/* FPU/SSE state of user code (the kernel itself never touches it). */
static inline void fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory"); }
static inline void fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory"); }
static inline void write_gs_base_kernel(uint64_t v) { wrmsr(0xC0000101, v); }

/* In syscall_64.S. */
void entry_SYSCALL_64(void);
static inline uint64_t entry_syscall_address(void) { return (uint64_t)&entry_SYSCALL_64; }
void return_to_user_mode(void *frame) __attribute__((noreturn));

/* In usercopy.S. */
uint64_t copy_user_raw(void *dst, const void *src, uint64_t n);
int64_t copy_string_from_user_raw(char *dst, const char *src, uint64_t max);
uint64_t clear_user_raw(void *dst, uint64_t n);

/* In switch.S. */
void switch_stacks(uint64_t *save_current_sp, uint64_t next_sp);
void resume_stack(uint64_t next_sp) __attribute__((noreturn));

/* In jiffies.S: the tick count modules read as `jiffies`. */
extern volatile uint64_t jiffies_64;
static inline uint64_t jiffies_read(void) { return __atomic_load_n(&jiffies_64, __ATOMIC_RELAXED); }
static inline void jiffies_increment(void) { __atomic_fetch_add(&jiffies_64, 1, __ATOMIC_RELAXED); }
static inline uint64_t jiffies_address(void) { return (uint64_t)&jiffies_64; }

/* Atomic operations on words of a module's C structures (ModuleCode). */
static inline int atomic_cmpxchg_u64(uint64_t address, uint64_t expected, uint64_t desired) {
    return __atomic_compare_exchange_n((volatile uint64_t *)address, &expected, desired, 0,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static inline uint64_t atomic_load_u64(uint64_t address) {
    return __atomic_load_n((volatile uint64_t *)address, __ATOMIC_ACQUIRE);
}
static inline void atomic_store_u64(uint64_t address, uint64_t value) {
    __atomic_store_n((volatile uint64_t *)address, value, __ATOMIC_RELEASE);
}
static inline uint32_t atomic_xchg_u32(uint64_t address, uint32_t value) {
    return __atomic_exchange_n((volatile uint32_t *)address, value, __ATOMIC_ACQ_REL);
}
static inline void atomic_store_u32(uint64_t address, uint32_t value) {
    __atomic_store_n((volatile uint32_t *)address, value, __ATOMIC_RELEASE);
}
static inline int atomic_cmpxchg_u32(uint64_t address, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n((volatile uint32_t *)address, &expected, desired, 0,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static inline uint32_t atomic_load_u32(uint64_t address) {
    return __atomic_load_n((volatile uint32_t *)address, __ATOMIC_ACQUIRE);
}

/* Addresses of linker-script symbols (arch/x86_64/core/kernel/vmlinux.lds.S). */
#define LINKER_SYMBOL(name) \
    static inline uint64_t linker_##name(void) { extern char name[]; return (uint64_t)name; }
LINKER_SYMBOL(__text_start)
LINKER_SYMBOL(__text_end)
LINKER_SYMBOL(__rodata_start)
LINKER_SYMBOL(__data_start)
LINKER_SYMBOL(__smap_alternatives_start)
LINKER_SYMBOL(__smap_alternatives_end)
LINKER_SYMBOL(__kallsyms_start)
LINKER_SYMBOL(__kallsyms_end)
LINKER_SYMBOL(vdso_image_start)
LINKER_SYMBOL(vdso_image_end)
LINKER_SYMBOL(__bss_start)
LINKER_SYMBOL(__brk_base)
LINKER_SYMBOL(__brk_limit)
LINKER_SYMBOL(__image_end)
LINKER_SYMBOL(init_stack_bottom)
LINKER_SYMBOL(__init_stack_guard)
LINKER_SYMBOL(__ex_table_start)
LINKER_SYMBOL(__ex_table_end)
LINKER_SYMBOL(init_stack_top)
LINKER_SYMBOL(interrupt_stubs)
LINKER_SYMBOL(ret_from_kernel_thread)
LINKER_SYMBOL(ret_from_fork)

#endif
