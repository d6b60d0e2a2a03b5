/* Linux: the x86-64 signal frame — struct _fpstate_64 and struct sigcontext
 * (arch/x86/include/uapi/asm/sigcontext.h), struct ucontext
 * (include/uapi/asm-generic/ucontext.h) and struct rt_sigframe
 * (arch/x86/include/asm/sigframe.h, kernel-only but fixed by the ABI: the C
 * library's restorer and every debugger find the ucontext through it). */
#ifndef _APUS_UAPI_SIGCONTEXT_H
#define _APUS_UAPI_SIGCONTEXT_H
#include "types.h"
#include "signal.h"
#include "siginfo.h"

/* The FXSAVE image of the x87/SSE registers, 512 bytes, 16-byte aligned.
 * sw_reserved carries the XSAVE extension's marker when the state is
 * larger; an FXSAVE-only frame leaves it zero. */
struct linux_fpstate {
    __u16 cwd;
    __u16 swd;
    __u16 twd;
    __u16 fop;
    __u64 rip;
    __u64 rdp;
    __u32 mxcsr;
    __u32 mxcsr_mask;
    __u32 st_space[32];   /* 8 registers, 16 bytes each */
    __u32 xmm_space[64];  /* 16 registers, 16 bytes each */
    __u32 reserved2[12];
    __u32 sw_reserved[12];
} __attribute__((aligned(16))) APUS_SWIFT_NAME(FPState);

/* The interrupted registers, 256 bytes. fpstate points at the FXSAVE image
 * in the same frame. err, trapno and cr2 describe the fault that raised the
 * signal; oldmask is the blocked set before the handler. */
struct linux_sigcontext {
    __u64 r8, r9, r10, r11, r12, r13, r14, r15;
    __u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
    __u64 eflags;
    __u16 cs;
    __u16 gs;
    __u16 fs;
    __u16 ss;
    __u64 err;
    __u64 trapno;
    __u64 oldmask;
    __u64 cr2;
    __u64 fpstate;
    __u64 reserved1[8];
} APUS_SWIFT_NAME(Sigcontext);

/* What the handler's third argument points at. 304 bytes, mask last. */
struct linux_ucontext {
    __u64 uc_flags;
    __u64 uc_link;
    struct linux_sigaltstack uc_stack;
    struct linux_sigcontext uc_mcontext;
    __u64 uc_sigmask;
} APUS_SWIFT_NAME(Ucontext);

/* What the kernel pushes on the user stack to run a handler, 440 bytes:
 * the handler "returns" into pretcode (sa_restorer), which calls
 * rt_sigreturn with RSP just above it, at the ucontext. The FXSAVE image
 * follows, 64-byte aligned. */
struct linux_rt_sigframe {
    __u64 pretcode;
    struct linux_ucontext uc;
    struct linux_siginfo info;
} APUS_SWIFT_NAME(RtSigframe);

#endif
