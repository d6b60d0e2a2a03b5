/* Process memory: brk, anonymous mmap, MAP_FIXED, munmap (whole and in the middle), mprotect,
 * and the errors. Accesses that must fault are made in children killed by SIGSEGV. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "tap.h"

#define PAGE 4096ul

static uintptr_t raw_brk(uintptr_t address)
{
    return (uintptr_t)syscall(SYS_brk, address);
}

static void read_byte(unsigned long address)
{
    (void)*(volatile uint8_t *)address;
}

static void write_byte(unsigned long address)
{
    *(volatile uint8_t *)address = 0x5a;
}

static int all_bytes(const uint8_t *p, size_t n, uint8_t value)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != value)
            return 0;
    return 1;
}

static void heap_break(void)
{
    uintptr_t start = raw_brk(0);
    ok(start != 0, "brk(0) returns the current break");
    uintptr_t base = (start + PAGE - 1) & ~(PAGE - 1);      /* the first page wholly ours */
    uintptr_t grown = raw_brk(base + 4 * PAGE);
    if (!ok(grown == base + 4 * PAGE, "brk grows the heap by 4 pages")) {
        diag("brk(%#lx) returned %#lx", (unsigned long)(base + 4 * PAGE), (unsigned long)grown);
        return;
    }
    ok(all_bytes((uint8_t *)base, 4 * PAGE, 0), "the new heap pages read as zeros");
    memset((void *)base, 0xab, 4 * PAGE);
    ok(all_bytes((uint8_t *)base, 4 * PAGE, 0xab), "the new heap pages keep what is written");
    is(raw_brk(0), base + 4 * PAGE, "brk(0) reports the new break");

    is(raw_brk(base + PAGE), base + PAGE, "brk shrinks the heap to 1 page");
    ok(all_bytes((uint8_t *)base, PAGE, 0xab), "the page below the break keeps its bytes");
    dies_by(SIGSEGV, read_byte, base + 2 * PAGE, "reading a page released by shrinking brk: SIGSEGV");
    is(raw_brk(base + 3 * PAGE), base + 3 * PAGE, "brk grows the heap again");
    ok(all_bytes((uint8_t *)base + PAGE, 2 * PAGE, 0), "pages given back and regrown read as zeros");

    is(raw_brk(PAGE), base + 3 * PAGE, "brk below the heap's start fails: the break is unchanged");
    is(raw_brk(1ul << 47), base + 3 * PAGE, "brk past the end of user space fails: unchanged");

#ifdef __GLIBC__
    /* musl's sbrk refuses to move the break (its malloc uses brk(2) itself); glibc's works. */
    void *old = sbrk(0);
    void *moved = sbrk(2 * PAGE);
    ok(moved == old && sbrk(0) == (char *)old + 2 * PAGE, "sbrk(2 pages) returns the old break");
    ok(sbrk(-(intptr_t)PAGE) == (char *)old + 2 * PAGE && sbrk(0) == (char *)old + PAGE,
       "sbrk(-1 page) shrinks the heap");
#endif
    raw_brk(start);
    is(raw_brk(0), start, "brk returns to where it started");
}

static void anonymous(void)
{
    size_t size = 1 << 20;
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(p != MAP_FAILED, "mmap of 1 MiB anonymous private memory")) {
        diag("mmap: %s", strerror(errno));
        return;
    }
    is((uintptr_t)p % PAGE, 0, "the mapping is page aligned");
    ok(all_bytes(p, size, 0), "every byte of it reads as zero");
    for (size_t i = 0; i < size; i++)
        p[i] = (uint8_t)(i * 13);
    int same = 1;
    for (size_t i = 0; i < size; i++)
        same &= p[i] == (uint8_t)(i * 13);
    ok(same, "a pattern written to it reads back");
    is(munmap(p, size), 0, "munmap of the whole mapping");
    dies_by(SIGSEGV, read_byte, (unsigned long)p + 5 * PAGE, "reading unmapped memory: SIGSEGV");
    dies_by(SIGSEGV, write_byte, (unsigned long)p, "writing unmapped memory: SIGSEGV");

    size_t sparse = 256u << 20;
    uint8_t *q = mmap(NULL, sparse, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ok(q != MAP_FAILED, "mmap of 256 MiB (more than touched, maybe more than RAM)")) {
        for (size_t i = 0; i < sparse; i += 16u << 20)
            q[i] = 1;
        ok(q[0] == 1 && q[sparse - (16u << 20)] == 1 && q[PAGE] == 0,
           "touching one byte per 16 MiB of it works");
        munmap(q, sparse);
    }
}

static void fixed_and_hints(void)
{
    uint8_t *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(p != MAP_FAILED, "mmap 4 pages"))
        return;
    memset(p, 'a', 4 * PAGE);
    uint8_t *fixed = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    is((uintptr_t)fixed, (uintptr_t)(p + PAGE), "MAP_FIXED over the second page maps exactly there");
    ok(all_bytes(p + PAGE, PAGE, 0), "the page mapped over reads as zeros");
    ok(all_bytes(p, PAGE, 'a') && all_bytes(p + 2 * PAGE, 2 * PAGE, 'a'),
       "its neighbours keep their bytes");
    munmap(p, 4 * PAGE);

    /* An address far from everything else: a hint there is taken as it is. */
    uint8_t *hint = (uint8_t *)0x100000000000ul;      /* 16 TiB */
    uint8_t *h = mmap(hint, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    is((uintptr_t)h, (uintptr_t)hint, "mmap with a free hint address returns the hint");
    if (h != MAP_FAILED) {
        h[0] = 1;
        uint8_t *other = mmap(hint, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ok(other != MAP_FAILED && other != hint && h[0] == 1,
           "mmap with a taken hint maps elsewhere and leaves the old mapping alone");
        if (other != MAP_FAILED)
            munmap(other, PAGE);
        munmap(h, 2 * PAGE);
    }
    uint8_t *unaligned = mmap(hint + 100, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ok(unaligned != MAP_FAILED && (uintptr_t)unaligned % PAGE == 0,
       "an unaligned hint without MAP_FIXED still gives a page-aligned mapping");
    if (unaligned != MAP_FAILED)
        munmap(unaligned, PAGE);
}

static void split(void)
{
    uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(p != MAP_FAILED, "mmap 3 pages"))
        return;
    p[0] = 1, p[PAGE] = 2, p[2 * PAGE] = 3;
    is(munmap(p + PAGE, PAGE), 0, "munmap of the middle page");
    ok(p[0] == 1 && p[2 * PAGE] == 3, "the first and last pages stay, with their bytes");
    dies_by(SIGSEGV, read_byte, (unsigned long)(p + PAGE), "reading the hole in the middle: SIGSEGV");
    is(munmap(p + PAGE, PAGE), 0, "munmap of the already unmapped middle succeeds");
    is(munmap(p, 3 * PAGE), 0, "munmap over both pieces and the hole");
    dies_by(SIGSEGV, read_byte, (unsigned long)(p + 2 * PAGE), "reading the last page afterwards: SIGSEGV");
}

static void protect(void)
{
    uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(p != MAP_FAILED, "mmap 3 pages for mprotect"))
        return;
    memset(p, 7, 3 * PAGE);
    is(mprotect(p + PAGE, PAGE, PROT_READ), 0, "mprotect the middle page PROT_READ");
    ok(p[PAGE] == 7, "the read-only page can still be read");
    dies_by(SIGSEGV, write_byte, (unsigned long)(p + PAGE), "writing the read-only page: SIGSEGV");
    p[0] = 8, p[2 * PAGE] = 9;
    ok(p[0] == 8 && p[2 * PAGE] == 9, "the pages beside it stay writable");
    is(mprotect(p + PAGE, PAGE, PROT_NONE), 0, "mprotect the middle page PROT_NONE");
    dies_by(SIGSEGV, read_byte, (unsigned long)(p + PAGE), "reading a PROT_NONE page: SIGSEGV");
    is(mprotect(p, 3 * PAGE, PROT_READ | PROT_WRITE), 0, "mprotect all three back to read-write");
    p[PAGE] = 10;
    ok(p[PAGE] == 10 && p[PAGE + 1] == 7, "the middle page is writable again and kept its bytes");
    munmap(p, 3 * PAGE);

    uint8_t *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ok(ro != MAP_FAILED, "mmap a PROT_READ page")) {
        ok(ro[100] == 0, "it reads as zeros");
        dies_by(SIGSEGV, write_byte, (unsigned long)ro, "writing a page mapped PROT_READ: SIGSEGV");
        munmap(ro, PAGE);
    }
}

/* The system calls themselves: libc checks some of these arguments before the kernel sees
 * them (musl rounds mprotect's range, refuses huge lengths and unaligned offsets). */
static long sys_mmap(uintptr_t address, size_t length, int prot, int flags, long offset)
{
    return syscall(SYS_mmap, address, length, prot, flags, -1, offset);
}

static void errors(void)
{
    void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int anon = MAP_PRIVATE | MAP_ANONYMOUS;
    fails_with(sys_mmap(0, 0, PROT_READ, anon, 0), EINVAL, "mmap of length 0 is EINVAL");
    fails_with(sys_mmap(0, PAGE, PROT_READ, MAP_ANONYMOUS, 0), EINVAL,
               "mmap without MAP_PRIVATE or MAP_SHARED is EINVAL");
    fails_with(sys_mmap(0x100000001001ul, PAGE, PROT_READ, anon | MAP_FIXED, 0), EINVAL,
               "MAP_FIXED at an unaligned address is EINVAL");
    fails_with(sys_mmap(0, PAGE, PROT_READ, anon, 1), EINVAL, "an unaligned offset is EINVAL");
    fails_with(sys_mmap(0, 1ul << 47, PROT_READ, anon, 0), ENOMEM,
               "mmap of 128 TiB (more than user space) is ENOMEM");
    fails_with(sys_mmap(0, (size_t)-PAGE, PROT_READ, anon, 0), ENOMEM,
               "mmap of nearly 2^64 bytes is ENOMEM");
    fails_with(sys_mmap(1ul << 47, PAGE, PROT_READ, anon | MAP_FIXED, 0), ENOMEM,
               "MAP_FIXED above user space is ENOMEM");
    fails_with(syscall(SYS_munmap, (uintptr_t)p + 1, PAGE), EINVAL,
               "munmap of an unaligned address is EINVAL");
    fails_with(syscall(SYS_munmap, p, 0), EINVAL, "munmap of length 0 is EINVAL");
    fails_with(syscall(SYS_mprotect, (uintptr_t)p + 1, PAGE, PROT_READ), EINVAL,
               "mprotect of an unaligned address is EINVAL");
    munmap(p, PAGE);
    fails_with(syscall(SYS_mprotect, p, PAGE, PROT_READ), ENOMEM,
               "mprotect of unmapped memory is ENOMEM");
}

/* mincore: which pages of a mapping are in memory (touched ones are). */
static void residency(void)
{
    uint8_t *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(p != MAP_FAILED, "mmap 2 pages for mincore"))
        return;
    p[0] = 1;
    unsigned char vector[2] = {9, 9};
    is(mincore(p, 2 * PAGE, vector), 0, "mincore of a mapped range succeeds");
    ok(vector[0] & 1, "mincore: the touched page is resident");
    munmap(p + PAGE, PAGE);
    fails_with(mincore(p, 2 * PAGE, vector), ENOMEM, "mincore over an unmapped page: ENOMEM");
    fails_with(mincore(p + 1, PAGE, vector), EINVAL, "mincore of an unaligned address: EINVAL");
    munmap(p, PAGE);
}

int main(void)
{
    residency();
    heap_break();
    anonymous();
    fixed_and_hints();
    split();
    protect();
    errors();
    return tap_done();
}
