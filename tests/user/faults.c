/* Faults kill only the faulting process, with the signal Linux sends: each is provoked in a
 * child, and the parent checks the wait status (WIFSIGNALED, WTERMSIG) and carries on. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "tap.h"

static void read_at(unsigned long address)
{
    (void)*(volatile long *)bad_pointer(address);
}

static void write_at(unsigned long address)
{
    *(volatile long *)bad_pointer(address) = 1;
}

static void call_at(unsigned long address)
{
    ((void (*)(void))bad_pointer(address))();
}

static void write_own_code(unsigned long unused)
{
    (void)unused;
    *(volatile uint8_t *)bad_pointer((unsigned long)(uintptr_t)write_own_code) = 0xc3;
}

static void execute_data(unsigned long unused)
{
    (void)unused;
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        _exit(2);
    page[0] = 0xc3;                      /* ret */
    ((void (*)(void))bad_pointer((unsigned long)(uintptr_t)page))();
}

static void undefined_instruction(unsigned long unused)
{
    (void)unused;
    __asm__ volatile("ud2");
}

static void divide_by_zero(unsigned long zero)
{
    volatile long n = 1;
    n /= (long)zero;
}

static volatile int deepest = 1 << 30;    /* 1 TiB of frames: never reached */

static int depth(int n)
{
    volatile char frame[1024];
    frame[0] = (char)n;
    return n < deepest ? depth(n + 1) + frame[0] : 0;
}

static void overflow_stack(unsigned long unused)
{
    (void)unused;
    struct rlimit limit = { 8u << 20, 8u << 20 };
    setrlimit(RLIMIT_STACK, &limit);     /* the default, in case the caller raised it */
    depth(0);
}

/* A fault at `address`, unless this kernel has something mapped there. */
static void faults_at(void (*action)(unsigned long), unsigned long address, const char *what)
{
    if (page_is_mapped(address))
        skip("mapped in this process", "%s", what);
    else
        dies_by(SIGSEGV, action, address, "%s", what);
}

int main(void)
{
    dies_by(SIGSEGV, read_at, 0, "reading NULL: SIGSEGV");
    dies_by(SIGSEGV, write_at, 0, "writing NULL: SIGSEGV");
    dies_by(SIGSEGV, call_at, 0, "calling NULL: SIGSEGV");
    faults_at(call_at, 0x7fff80100000ul, "calling 0x7fff80100000 (Apus's kernel text): SIGSEGV");
    faults_at(read_at, 0x7fff80000000ul, "reading 0x7fff80000000 (Apus's kernel image): SIGSEGV");
    faults_at(write_at, 0x400000000000ul, "writing 0x400000000000 (Apus's direct map): SIGSEGV");
    dies_by(SIGSEGV, call_at, 0xffff800000000000ul, "calling 0xffff800000000000 (Linux's kernel half): SIGSEGV");
    dies_by(SIGSEGV, read_at, 0xffffffffff600000ul - 0x1000, "reading just below the vsyscall page: SIGSEGV");
    dies_by(SIGSEGV, read_at, 0x800000000000ul, "reading a non-canonical address: SIGSEGV");
    dies_by(SIGSEGV, write_own_code, 0, "writing the program's own code: SIGSEGV");
    dies_by(SIGSEGV, execute_data, 0, "executing a page mapped without PROT_EXEC: SIGSEGV");
    dies_by(SIGILL, undefined_instruction, 0, "ud2: SIGILL");
    dies_by(SIGFPE, divide_by_zero, 0, "dividing by zero: SIGFPE");
    dies_by(SIGSEGV, overflow_stack, 0, "unbounded recursion past the 8 MiB stack limit: SIGSEGV");
    return tap_done();
}
