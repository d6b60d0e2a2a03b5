/* Faults become signals a handler can catch, with Linux's si_code and si_addr: SIGSEGV
 * with SEGV_MAPERR (nothing mapped) and SEGV_ACCERR (a mapping that forbids the access),
 * SIGBUS with BUS_ADRERR (a file mapping past the end of the file), SIGFPE with FPE_INTDIV,
 * SIGILL with ILL_ILLOPN, SIGTRAP for int3 (SI_KERNEL, as Linux sends it). A fault whose
 * signal is blocked or ignored, or a second fault inside the handler, kills. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>
#include "tap.h"

static sigjmp_buf recover;
static volatile int caught_signal, caught_code;
static void *volatile caught_address;
static volatile long caught_cr2;

static void catcher(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    caught_signal = sig;
    caught_code = info->si_code;
    caught_address = info->si_addr;
    caught_cr2 = uc->uc_mcontext.gregs[REG_CR2];
    siglongjmp(recover, 1);
}

static void catch(int sig)
{
    struct sigaction action = { .sa_sigaction = catcher, .sa_flags = SA_SIGINFO | SA_NODEFER };
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, NULL);
}

/* Runs `body(argument)`; returns whether a signal interrupted it. */
static int faults(void (*body)(void *), void *argument)
{
    caught_signal = caught_code = 0;
    caught_address = NULL;
    if (sigsetjmp(recover, 1) == 0) {
        body(argument);
        return 0;
    }
    return 1;
}

static void read_byte(void *address) { (void)*(volatile char *)address; }
static void write_byte(void *address) { *(volatile char *)address = 1; }

static void divide(void *zero)
{
    volatile long n = 1;
    n /= (long)(uintptr_t)zero;
}

static void undefined(void *unused)
{
    (void)unused;
    __asm__ volatile("ud2");
}

static void breakpoint(void *unused)
{
    (void)unused;
    __asm__ volatile("int3");
}

static void refault(int sig)
{
    (void)sig;
    *(volatile int *)bad_pointer(16) = 1;
}

static void fault_again_in_handler(unsigned long unused)
{
    (void)unused;
    struct sigaction action = { .sa_handler = refault };
    sigaction(SIGSEGV, &action, NULL);
    *(volatile int *)bad_pointer(8) = 1;
}

static void fault_while_blocked(unsigned long unused)
{
    (void)unused;
    struct sigaction action = { .sa_handler = refault };
    sigaction(SIGSEGV, &action, NULL);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGSEGV);
    sigprocmask(SIG_BLOCK, &block, NULL);
    *(volatile int *)bad_pointer(8) = 1;
}

static void fault_while_ignored(unsigned long unused)
{
    (void)unused;
    signal(SIGSEGV, SIG_IGN);
    *(volatile int *)bad_pointer(8) = 1;
}

static volatile int overflow_caught;
static void on_overflow(int sig)
{
    (void)sig;
    overflow_caught = 1;
    _exit(42);
}

static volatile int deepest = 1 << 30;    /* never reached: the stack ends first */

static int recurse(int n)
{
    volatile char frame[4096];
    frame[0] = (char)n;
    return n < deepest ? recurse(n + 1) + frame[0] : 0;
}

static void overflow_to_alternate_stack(unsigned long unused)
{
    (void)unused;
    static char stack_area[65536];
    stack_t stack = { .ss_sp = stack_area, .ss_size = sizeof stack_area };
    sigaltstack(&stack, NULL);
    struct sigaction action = { .sa_handler = on_overflow, .sa_flags = SA_ONSTACK };
    sigaction(SIGSEGV, &action, NULL);
    struct rlimit limit = { 1 << 20, 1 << 20 };
    setrlimit(RLIMIT_STACK, &limit);
    recurse(0);
}

int main(void)
{
    catch(SIGSEGV);
    catch(SIGBUS);
    catch(SIGFPE);
    catch(SIGILL);
    catch(SIGTRAP);

    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page + 4096, 4096);
    ok(faults(read_byte, page + 4096 + 12), "reading an unmapped page is caught");
    ok(caught_signal == SIGSEGV && caught_code == SEGV_MAPERR, "SIGSEGV, SEGV_MAPERR (%d, %d)", caught_signal,
       caught_code);
    ok(caught_address == page + 4096 + 12, "si_addr is the address");
    ok(caught_cr2 == (long)(uintptr_t)(page + 4096 + 12), "so is the ucontext's cr2");

    mprotect(page, 4096, PROT_READ);
    ok(faults(write_byte, page + 100), "writing a read-only page is caught");
    ok(caught_signal == SIGSEGV && caught_code == SEGV_ACCERR && caught_address == page + 100,
       "SIGSEGV, SEGV_ACCERR, si_addr (%d, %d)", caught_signal, caught_code);

    char path[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/fault_signals.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0 && write(fd, "short", 5) == 5) {
        char *file = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
        ok(file != MAP_FAILED && !faults(read_byte, file + 4), "the file's first page reads");
        ok(faults(read_byte, file + 4096 + 1), "a page wholly past the end of the file faults");
        ok(caught_signal == SIGBUS && caught_code == BUS_ADRERR && caught_address == file + 4096 + 1,
           "SIGBUS, BUS_ADRERR, si_addr (%d, %d)", caught_signal, caught_code);
    } else {
        ok(0, "could not create %s: %s", path, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }

    ok(faults(divide, NULL), "division by zero is caught");
    ok(caught_signal == SIGFPE && caught_code == FPE_INTDIV && caught_address != NULL,
       "SIGFPE, FPE_INTDIV, si_addr the instruction (%d, %d)", caught_signal, caught_code);
    ok(faults(undefined, NULL), "ud2 is caught");
    ok(caught_signal == SIGILL && caught_code == ILL_ILLOPN, "SIGILL, ILL_ILLOPN");
    ok(faults(breakpoint, NULL), "int3 is caught");
    ok(caught_signal == SIGTRAP && caught_code == SI_KERNEL, "SIGTRAP, SI_KERNEL (%d, %d)", caught_signal,
       caught_code);

    dies_by(SIGSEGV, fault_again_in_handler, 0, "a second fault inside the SIGSEGV handler kills");
    dies_by(SIGSEGV, fault_while_blocked, 0, "a fault with SIGSEGV blocked kills");
    dies_by(SIGSEGV, fault_while_ignored, 0, "a fault with SIGSEGV ignored kills");
    pid_t pid = fork();
    if (pid == 0) {
        overflow_to_alternate_stack(0);
        _exit(1);
    }
    exits_with(pid, 42, "a stack overflow runs the SIGSEGV handler on the alternate stack");
    return tap_done();
}
