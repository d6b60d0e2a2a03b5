/* Linux: the x86-64 struct sigaction and stack_t in
 * arch/x86/include/uapi/asm/signal.h and include/uapi/asm-generic/signal.h. */
#ifndef _APUS_UAPI_SIGNAL_H
#define _APUS_UAPI_SIGNAL_H
#include "types.h"

/* The sigaction rt_sigaction reads and writes: not the C library's, whose
 * mask comes second and is 128 bytes long. 32 bytes, mask last so it could
 * grow. Handler and restorer are user addresses. */
struct linux_sigaction {
    __u64 sa_handler;  /* the handler, or SIG_DFL or SIG_IGN */
    __u64 sa_flags;
    __u64 sa_restorer; /* where the handler returns to (SA_RESTORER) */
    __u64 sa_mask;     /* blocked, besides this signal, while it runs */
} APUS_SWIFT_NAME(KernelSigaction);

/* The alternate signal stack of sigaltstack(2). 24 bytes. */
struct linux_sigaltstack {
    __u64 ss_sp;
    __s32 ss_flags;
    __u32 __pad0;
    __u64 ss_size;
} APUS_SWIFT_NAME(StackT);

#endif
