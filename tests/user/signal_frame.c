/* The x86-64 signal frame and rt_sigreturn: a handler finds every interrupted register in
 * its ucontext, in Linux's layout; whatever the handler writes into the ucontext (every
 * general register, the flags, the x87/SSE state) is what the interrupted code resumes
 * with; the handler starts with clean SSE state and a call-aligned stack. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include "tap.h"

/* The registers set before the fault, and those the handler writes back; read by the asm. */
uint64_t sentinel[16], replacement[16], after[16], saved_rsp, saved_rbp, rsp_after;
uint32_t xmm_before[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };
uint32_t xmm_frame[4] = { 0x55555555, 0x66666666, 0x77777777, 0x88888888 };
uint32_t xmm_after[4];
uint32_t mxcsr_after;
uint8_t carry_after;
extern char faulting_instruction[];

/* Slots of `sentinel`, `replacement` and `after`, in this order. */
enum { RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8, R9, R10, R11, R12, R13, R14, R15, COUNT };
static const int greg_of[COUNT] = {
    REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static volatile int frame_matches, rip_matches, rsp_matches, info_matches, trap_matches;
static volatile int fpstate_matches, handler_xmm_clean, handler_df_clear;
static volatile uint64_t handler_rsp;

static void handler(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    handler_df_clear = !(flags & 0x400);
    uint32_t live_xmm[4];
    __asm__ volatile("movdqu %%xmm0, %0" : "=m"(live_xmm));
    handler_xmm_clean = live_xmm[0] == 0 && live_xmm[1] == 0 && live_xmm[2] == 0 && live_xmm[3] == 0;
    int all = 1;
    for (int i = 0; i < COUNT; i++)
        if ((uint64_t)uc->uc_mcontext.gregs[greg_of[i]] != sentinel[i])
            all = 0;
    frame_matches = all;
    rip_matches = uc->uc_mcontext.gregs[REG_RIP] == (long)(uintptr_t)faulting_instruction;
    rsp_matches = (uint64_t)uc->uc_mcontext.gregs[REG_RSP] == saved_rsp;
    info_matches = sig == SIGILL && info->si_signo == SIGILL && info->si_code == ILL_ILLOPN
                   && info->si_addr == (void *)faulting_instruction;
    trap_matches = uc->uc_mcontext.gregs[REG_TRAPNO] == 6 && uc->uc_mcontext.gregs[REG_ERR] == 0;
    fpstate_matches = uc->uc_mcontext.fpregs != NULL
                      && memcmp(uc->uc_mcontext.fpregs->_xmm[0].element, xmm_before, 16) == 0;
    /* What the interrupted code resumes with. */
    for (int i = 0; i < COUNT; i++)
        uc->uc_mcontext.gregs[greg_of[i]] = (long)replacement[i];
    uc->uc_mcontext.gregs[REG_RIP] += 2;                  /* past ud2 */
    uc->uc_mcontext.gregs[REG_EFL] |= 1;                  /* CF */
    memcpy(uc->uc_mcontext.fpregs->_xmm[0].element, xmm_frame, 16);
    uc->uc_mcontext.fpregs->mxcsr = (uc->uc_mcontext.fpregs->mxcsr & ~0x6000u) | 0x6000u;  /* round to zero */
    /* Scribble on the live registers: sigreturn must not keep them. */
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0" ::: "xmm0");
}

/* Every general register set, ud2, then every register stored: rip-relative addressing
 * needs none of them. RBP and RSP are saved and put back by hand. */
static void fault_with_known_registers(void)
{
    __asm__ volatile(
        "movq %%rsp, saved_rsp(%%rip)\n\t"
        "movq %%rbp, saved_rbp(%%rip)\n\t"
        "movdqu xmm_before(%%rip), %%xmm0\n\t"
        "clc\n\t"
        "movq sentinel+0(%%rip), %%rax\n\t"
        "movq sentinel+8(%%rip), %%rbx\n\t"
        "movq sentinel+16(%%rip), %%rcx\n\t"
        "movq sentinel+24(%%rip), %%rdx\n\t"
        "movq sentinel+32(%%rip), %%rsi\n\t"
        "movq sentinel+40(%%rip), %%rdi\n\t"
        "movq sentinel+48(%%rip), %%rbp\n\t"
        "movq sentinel+56(%%rip), %%r8\n\t"
        "movq sentinel+64(%%rip), %%r9\n\t"
        "movq sentinel+72(%%rip), %%r10\n\t"
        "movq sentinel+80(%%rip), %%r11\n\t"
        "movq sentinel+88(%%rip), %%r12\n\t"
        "movq sentinel+96(%%rip), %%r13\n\t"
        "movq sentinel+104(%%rip), %%r14\n\t"
        "movq sentinel+112(%%rip), %%r15\n\t"
        ".globl faulting_instruction\n"
        "faulting_instruction:\n\t"
        "ud2\n\t"
        "setc carry_after(%%rip)\n\t"
        "movq %%rax, after+0(%%rip)\n\t"
        "movq %%rbx, after+8(%%rip)\n\t"
        "movq %%rcx, after+16(%%rip)\n\t"
        "movq %%rdx, after+24(%%rip)\n\t"
        "movq %%rsi, after+32(%%rip)\n\t"
        "movq %%rdi, after+40(%%rip)\n\t"
        "movq %%rbp, after+48(%%rip)\n\t"
        "movq %%r8, after+56(%%rip)\n\t"
        "movq %%r9, after+64(%%rip)\n\t"
        "movq %%r10, after+72(%%rip)\n\t"
        "movq %%r11, after+80(%%rip)\n\t"
        "movq %%r12, after+88(%%rip)\n\t"
        "movq %%r13, after+96(%%rip)\n\t"
        "movq %%r14, after+104(%%rip)\n\t"
        "movq %%r15, after+112(%%rip)\n\t"
        "movq %%rsp, rsp_after(%%rip)\n\t"
        "movq saved_rbp(%%rip), %%rbp\n\t"
        "movdqu %%xmm0, xmm_after(%%rip)\n\t"
        "stmxcsr mxcsr_after(%%rip)\n\t"
        ::: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
            "r14", "r15", "xmm0", "memory", "cc");
}

static void aligned_handler(int sig)
{
    (void)sig;
    handler_rsp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
}

int main(void)
{
    for (int i = 0; i < COUNT; i++) {
        sentinel[i] = 0x0101010101010101ull * (uint64_t)(i + 1) ^ 0x8000000000000000ull;
        replacement[i] = 0x1000000000000001ull + (uint64_t)i * 0x0100000000010000ull;
    }
    struct sigaction action = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
    succeeds(sigaction(SIGILL, &action, NULL), "sigaction(SIGILL) with SA_SIGINFO");
    fault_with_known_registers();
    /* Back to the default rounding before any floating point runs. */
    uint32_t standard = 0x1f80;
    __asm__ volatile("ldmxcsr %0" ::"m"(standard));

    ok(frame_matches, "the ucontext holds every general register at the fault");
    ok(rip_matches, "uc_mcontext RIP is the faulting ud2");
    ok(rsp_matches, "uc_mcontext RSP is the interrupted stack pointer");
    ok(info_matches, "siginfo: SIGILL, ILL_ILLOPN, si_addr at the ud2");
    ok(trap_matches, "uc_mcontext trapno 6 (#UD), err 0");
    ok(fpstate_matches, "the fpstate holds the interrupted XMM0");
    ok(handler_xmm_clean, "the handler starts with XMM0 cleared");
    ok(handler_df_clear, "the handler starts with DF clear");
    int all = 1;
    for (int i = 0; i < COUNT; i++)
        if (after[i] != replacement[i]) {
            diag("register slot %d: %#llx, expected %#llx", i, (unsigned long long)after[i],
                 (unsigned long long)replacement[i]);
            all = 0;
        }
    ok(all, "rt_sigreturn restores every general register from the frame");
    is(rsp_after, saved_rsp, "rt_sigreturn restores RSP");
    is(carry_after, 1, "rt_sigreturn restores the flags (CF set by the handler)");
    ok(memcmp(xmm_after, xmm_frame, 16) == 0, "rt_sigreturn restores XMM0 from the fpstate");
    is(mxcsr_after & 0x6000, 0x6000, "rt_sigreturn restores MXCSR from the fpstate");

    /* The handler is entered as if called: RSP + 8 is 16-byte aligned, so the frame
     * pointer it pushes lands 16-byte aligned. */
    struct sigaction plain = { .sa_handler = aligned_handler };
    sigaction(SIGUSR1, &plain, NULL);
    raise(SIGUSR1);
    is(handler_rsp % 16, 0, "the handler starts with a call-aligned stack");
    return tap_done();
}
