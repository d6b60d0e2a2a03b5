/* What the vDSO's C files share (Linux: arch/x86/include/asm/vdso/gettimeofday.h). */
#ifndef APUS_VDSO_H
#define APUS_VDSO_H

#include "vdso_data.h"

#define __NR_gettimeofday 96
#define __NR_time 201
#define __NR_clock_gettime 228
#define __NR_clock_getres 229

/* The [vvar] page, one page below the image (vdso.lds.S): reached PC-relative. */
extern const volatile struct vdso_data vvar_data __attribute__((visibility("hidden")));

#define barrier() __asm__ volatile("" ::: "memory")

/* The system call the vDSO stands in for (Linux: clock_gettime_fallback and friends). */
static inline long vdso_syscall2(long number, long first, long second)
{
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "0"(number), "D"(first), "S"(second)
                     : "rcx", "r11", "memory");
    return result;
}

#endif
