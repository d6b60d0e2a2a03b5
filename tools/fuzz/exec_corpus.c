/* Malformed programs for execve, made and run inside the guest (docs/robustness.md).
 *
 *   exec-corpus [-s SEED] [-n CASES] [-r CASE]
 *
 * Case k is a copy of this program's own static ELF (argv[0]) changed by one mutation drawn
 * from (SEED, k): truncated inside the headers or anywhere, bytes of the ELF header or the
 * program header table flipped, a header field or a program header field set to an
 * interesting value (huge offsets, kernel-half and non-canonical addresses, zero or huge
 * counts), a PT_INTERP naming itself, a script or nothing; or a `#!` script: a loop through
 * itself or through a second script, an empty or overlong interpreter line, a directory, a
 * malformed ELF as interpreter. Each runs as uid 65534 in a child, which the kernel may refuse
 * (ENOEXEC, EINVAL, ELOOP, ...), start and then kill, or run: a copy that runs sees
 * `--exit` and stops. `@e<k>` goes to the console before each case, so the serial log names
 * the case a crash happened in; -r CASE makes only that one.
 *
 * Exits 0 when every case ended, 1 when one had to be killed and did not die. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rng.h"

#define NOBODY 65534
#define DIR "/tmp/fuzz-exec"
#define CASE DIR "/case"
#define OTHER DIR "/other"

static unsigned char *image;
static size_t image_size;

static const uint64_t values[] = {
    0, 1, 2, 3, 0x38, 0x40, 0xff, 0xffff, 0x1000, 0x7fffffff, 0xffffffff, 0x100000000,
    0x3ffffffff000 /* TASK_SIZE */, 0x400000000000 /* the kernel's direct map */,
    0x7fff80000000 /* the kernel image */, 0x800000000000, 0xffff800000000000,
    0x7fffffffffffffff, 0x8000000000000000, ~0ULL, -4096ULL,
};
#define VALUES (sizeof values / sizeof values[0])

static void store(unsigned char *at, int size, uint64_t v)
{
    memcpy(at, &v, (size_t)size);       /* little-endian: the low `size` bytes */
}

static void write_file(const char *path, const void *data, size_t size)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        printf("exec-corpus: cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
    close(fd);
}

static void script(const char *path, const char *text) { write_file(path, text, strlen(text)); }

/* A mutated ELF in CASE. */
static void elf_case(struct rng *r)
{
    unsigned char *copy = malloc(image_size + 256);
    memcpy(copy, image, image_size);
    size_t size = image_size;
    Elf64_Ehdr *eh = (Elf64_Ehdr *)copy;
    size_t headers = eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
    Elf64_Phdr *ph = (Elf64_Phdr *)(copy + eh->e_phoff);
    int index = (int)rng_below(r, eh->e_phnum);
    static const struct { int offset, size; } header_fields[] = {
        { 4, 1 }, { 5, 1 }, { 6, 1 }, { 16, 2 }, { 18, 2 }, { 20, 4 }, { 24, 8 }, { 32, 8 },
        { 40, 8 }, { 48, 4 }, { 52, 2 }, { 54, 2 }, { 56, 2 }, { 58, 2 }, { 60, 2 }, { 62, 2 },
    };
    static const struct { int offset, size; } program_fields[] = {
        { 0, 4 }, { 4, 4 }, { 8, 8 }, { 16, 8 }, { 24, 8 }, { 32, 8 }, { 40, 8 }, { 48, 8 },
    };
    switch (rng_below(r, 8)) {
    case 0:                                      /* truncated in the headers */
        size = rng_below(r, headers + 64);
        break;
    case 1:                                      /* truncated anywhere */
        size = rng_below(r, image_size);
        break;
    case 2:                                      /* ELF header bytes flipped */
        for (int n = 1 + (int)rng_below(r, 8); n; n--)
            copy[rng_below(r, sizeof(Elf64_Ehdr))] ^= (unsigned char)(1 + rng_below(r, 255));
        break;
    case 3: {                                    /* an ELF header field */
        int f = (int)rng_below(r, sizeof header_fields / sizeof header_fields[0]);
        store(copy + header_fields[f].offset, header_fields[f].size, values[rng_below(r, VALUES)]);
        break;
    }
    case 4: {                                    /* a program header field */
        int f = (int)rng_below(r, sizeof program_fields / sizeof program_fields[0]);
        uint64_t v = rng_one_in(r, 3) ? values[rng_below(r, VALUES)] + rng_below(r, 0x2000)
                                      : values[rng_below(r, VALUES)];
        store((unsigned char *)&ph[index] + program_fields[f].offset, program_fields[f].size, v);
        break;
    }
    case 5:                                      /* program header bytes flipped */
        for (int n = 1 + (int)rng_below(r, 16); n; n--)
            copy[eh->e_phoff + rng_below(r, headers - eh->e_phoff)] ^= (unsigned char)(1 + rng_below(r, 255));
        break;
    case 6: {                                    /* a PT_INTERP that leads nowhere good */
        static const char *const interpreters[] = { CASE, OTHER, "/nonexistent", "", "/tmp", "/dev/null" };
        const char *name = interpreters[rng_below(r, 6)];
        size_t length = strlen(name) + (rng_one_in(r, 4) ? 0 : 1);     /* sometimes unterminated */
        memcpy(copy + size, name, length);
        ph[index].p_type = PT_INTERP;
        ph[index].p_offset = size;
        ph[index].p_filesz = rng_one_in(r, 4) ? values[rng_below(r, VALUES)] : length;
        size += length;
        if (rng_one_in(r, 2))
            script(OTHER, "#!" CASE "\n");
        break;
    }
    default: {                                   /* the magic, then random bytes */
        size = rng_below(r, 256 + 1);
        for (size_t i = 0; i < size; i++)
            copy[i] = (unsigned char)rng_next(r);
        memcpy(copy, ELFMAG, size < 4 ? size : 4);
        if (size > 4)
            copy[4] = ELFCLASS64;
        break;
    }
    }
    write_file(CASE, copy, size);
    free(copy);
}

/* A `#!` script in CASE (and maybe OTHER). */
static void script_case(struct rng *r)
{
    char text[600];
    switch (rng_below(r, 9)) {
    case 0: script(CASE, "#!" CASE "\n"); break;                       /* itself */
    case 1: script(CASE, "#!" OTHER "\n"); script(OTHER, "#!" CASE " x\n"); break;
    case 2: script(CASE, "#!"); break;
    case 3: script(CASE, "#!\n"); break;
    case 4: script(CASE, "#!  \t \n"); break;
    case 5:                                                            /* overlong line */
        memset(text, 'a', sizeof text - 1);
        memcpy(text, "#!/", 3);
        text[sizeof text - 1] = 0;
        script(CASE, text);
        break;
    case 6: script(CASE, "#!/tmp\n"); break;                           /* a directory */
    case 7:                                                            /* a broken ELF */
        elf_case(r);
        rename(CASE, OTHER);
        script(CASE, "#!" OTHER " --exit\n");
        break;
    default: script(CASE, "#!/bin/true a b c\n"); break;
    }
}

static uint64_t milliseconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Makes case `k` and runs it; returns 0 when it ended, 1 when SIGKILL did not end it. */
static int run_case(uint64_t seed, uint64_t k, int console)
{
    struct rng r = rng_for(seed, k);
    if (rng_one_in(&r, 4))
        script_case(&r);
    else
        elf_case(&r);
    dprintf(console, "@e%llx\n", (unsigned long long)k);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { CASE, "--exit", NULL };
        char *envp[] = { "PATH=/bin", NULL };
        execve(CASE, argv, envp);
        _exit(127);
    }
    uint64_t start = milliseconds();
    int killed = 0;
    for (;;) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return 0;
        struct timespec pause = { 0, 10 * 1000000 };
        nanosleep(&pause, NULL);
        uint64_t waited = milliseconds() - start;
        if (!killed && waited > 2000) {
            kill(pid, SIGKILL);
            killed = 1;
        } else if (waited > 12000) {
            printf("exec-corpus: seed %llu case %llu: pid %d survives SIGKILL\n",
                   (unsigned long long)seed, (unsigned long long)k, pid);
            return 1;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--exit"))       /* a mutated copy that runs */
        return 0;
    uint64_t seed = 1, cases = 400, first = 0;
    int opt;
    while ((opt = getopt(argc, argv, "s:n:r:")) != -1) {
        switch (opt) {
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'n': cases = strtoull(optarg, NULL, 0); break;
        case 'r': first = strtoull(optarg, NULL, 0); cases = 1; break;
        default:
            fprintf(stderr, "usage: exec-corpus [-s SEED] [-n CASES] [-r CASE]\n");
            return 2;
        }
    }
    int self = open("/proc/self/exe", O_RDONLY);
    if (self < 0)
        self = open(argv[0], O_RDONLY);
    struct stat st;
    if (self < 0 || fstat(self, &st) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        printf("exec-corpus: cannot read my own image %s\n", argv[0]);
        return 2;
    }
    image_size = (size_t)st.st_size;
    image = malloc(image_size);
    if (read(self, image, image_size) != (ssize_t)image_size) {
        printf("exec-corpus: short read of %s\n", argv[0]);
        return 2;
    }
    close(self);
    int console = open("/dev/console", O_WRONLY);
    mkdir("/tmp", 01777);
    mkdir(DIR, 0755);
    chown(DIR, NOBODY, NOBODY);
    if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
        printf("exec-corpus: cannot drop to uid 65534: %s\n", strerror(errno));
        return 2;
    }
    uint64_t start = milliseconds();
    int stuck = 0;
    for (uint64_t k = first; k < first + cases && !stuck; k++)
        stuck += run_case(seed, k, console);
    uint64_t elapsed = milliseconds() - start;
    printf("exec-corpus: seed %llu: %llu cases in %llu.%03llu s%s\n", (unsigned long long)seed,
           (unsigned long long)cases, (unsigned long long)(elapsed / 1000),
           (unsigned long long)(elapsed % 1000), stuck ? ", one survived SIGKILL" : "");
    return stuck;
}
