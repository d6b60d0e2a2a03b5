/* Copy-on-write after fork: parent and child write the same global, heap, stack and mmap
 * pages, and each keeps seeing its own values. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "tap.h"

#define BIG (8u << 20)          /* 8 MiB: many pages, several page tables */
#define PAGE 4096u

static volatile int global_value = 1;
static volatile char untouched_bss[3 * PAGE];    /* never touched before the fork */

/* What a child found wrong, as bits of its exit status. */
enum { GLOBAL = 1, HEAP = 2, STACK = 4, BIG_OLD = 8, BIG_NEW = 16, BSS = 32, GATE = 64 };

static uint8_t pattern(size_t offset, unsigned seed)
{
    return (uint8_t)((offset / PAGE) * 7 + offset + seed);
}

static void same_page_three_ways(void)
{
    volatile int *heap_value = malloc(sizeof *heap_value);
    volatile int stack_value = 3;
    *heap_value = 2;
    global_value = 1;

    pid_t pid = fork();
    if (pid == 0) {
        int bad = 0;
        global_value = 10;
        *heap_value = 20;
        stack_value = 30;
        untouched_bss[PAGE + 5] = 'c';
        if (global_value != 10) bad |= GLOBAL;
        if (*heap_value != 20) bad |= HEAP;
        if (stack_value != 30) bad |= STACK;
        if (untouched_bss[PAGE + 5] != 'c') bad |= BSS;
        _exit(bad);
    }
    exits_with(pid, 0, "the child writes a global, a heap, a stack and a bss variable and reads "
               "its values back");
    is(global_value, 1, "the parent's global keeps its value after the child wrote it");
    is(*heap_value, 2, "the parent's heap variable keeps its value after the child wrote it");
    is(stack_value, 3, "the parent's stack variable keeps its value after the child wrote it");
    is(untouched_bss[PAGE + 5], 0, "a bss page first written by the child stays zero in the parent");
    free((void *)heap_value);
}

/* The parent writes after the fork while the child waits, then the child looks: the child
 * must still see the values from before the fork. */
static void parent_writes_first(void)
{
    int gate[2];
    if (!opened_pipe(gate, "parent writes first"))
        return;
    global_value = 5;
    pid_t pid = fork();
    if (pid == 0) {
        char byte;
        close(gate[1]);
        if (read(gate[0], &byte, 1) != 1)
            _exit(GATE);
        _exit(global_value == 5 ? 0 : GLOBAL);
    }
    close(gate[0]);
    global_value = 6;
    write(gate[1], "x", 1);
    close(gate[1]);
    exits_with(pid, 0, "a write by the parent after fork is not seen by the child");
    is(global_value, 6, "the parent sees its own write");
}

static void big_buffer(void)
{
    uint8_t *big = malloc(BIG);
    if (!ok(big != NULL, "malloc of 8 MiB"))
        return;
    for (size_t i = 0; i < BIG; i++)
        big[i] = pattern(i, 1);

    pid_t pid = fork();
    if (pid == 0) {
        int bad = 0;
        for (size_t i = 0; i < BIG; i++)
            if (big[i] != pattern(i, 1)) { bad |= BIG_OLD; break; }
        for (size_t i = 0; i < BIG; i++)
            big[i] = pattern(i, 2);
        for (size_t i = 0; i < BIG; i++)
            if (big[i] != pattern(i, 2)) { bad |= BIG_NEW; break; }
        _exit(bad);
    }
    exits_with(pid, 0, "the child sees the 8 MiB buffer as it was, rewrites every byte and "
               "reads it back");
    size_t first_bad = BIG;
    for (size_t i = 0; i < BIG; i++)
        if (big[i] != pattern(i, 1)) { first_bad = i; break; }
    ok(first_bad == BIG, "the parent's 8 MiB buffer is unchanged after the child rewrote it");
    if (first_bad != BIG)
        diag("byte %zu is %#x, expected %#x", first_bad, big[first_bad], pattern(first_bad, 1));
    free(big);
}

/* Two generations: a page shared by three processes, each of which writes it. */
static void grandchild(void)
{
    uint8_t *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(page != MAP_FAILED, "mmap one private page"))
        return;
    page[0] = 'P';
    pid_t pid = fork();
    if (pid == 0) {
        pid_t inner = fork();
        if (inner == 0) {
            int was = page[0];
            page[0] = 'G';
            _exit(was == 'P' && page[0] == 'G' ? 0 : 1);
        }
        int status = 0;
        waitpid(inner, &status, 0);
        int was = page[0];
        page[0] = 'C';
        _exit(WIFEXITED(status) && WEXITSTATUS(status) == 0 && was == 'P' && page[0] == 'C' ? 0 : 1);
    }
    exits_with(pid, 0, "child and grandchild each see 'P' in a shared page and write their own");
    is(page[0], 'P', "the parent's copy of that page is still 'P'");
    munmap(page, PAGE);
}

int main(void)
{
    same_page_three_ways();
    parent_writes_first();
    big_buffer();
    grandchild();
    return tap_done();
}
