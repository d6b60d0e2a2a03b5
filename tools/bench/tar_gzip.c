/* tar_gzip_4m: busybox `tar -czf` of a 4 MiB tree (8 directories of 16 files of 32 KiB of
 * word-like text, which gzip shrinks about as it does source code), per archive: exec, file
 * reads, deflate in user space and the archive's writes together. */
#include "bench.h"
#include <sys/stat.h>
#include <unistd.h>

#define DIRS 8
#define FILES 16
#define FILE_SIZE 32768

static char root[1024], archive[1024];

static void file_name(char *buf, size_t size, int dir, int file)
{
    if (file < 0)
        snprintf(buf, size, "%s/d%d", root, dir);
    else
        snprintf(buf, size, "%s/d%d/f%d.txt", root, dir, file);
}

/* make_tree: the same pseudo-random words on every run and every kernel. */
static void make_tree(void)
{
    static const char *words[] = {"kernel", "page", "fault", "pipe", "inode", "swift", "apus",
                                  "linux", "queue", "timer", "signal", "mapping", "the", "of"};
    static char text[FILE_SIZE];
    unsigned seed = 12345;
    char name[4096];
    if (mkdir(root, 0755) != 0 && errno != EEXIST)
        die("mkdir");
    for (int d = 0; d < DIRS; d++) {
        file_name(name, sizeof name, d, -1);
        if (mkdir(name, 0755) != 0 && errno != EEXIST)
            die("mkdir");
        for (int f = 0; f < FILES; f++) {
            size_t len = 0;
            while (len < FILE_SIZE) {
                seed = seed * 1103515245 + 12345;
                const char *word = words[(seed >> 16) % (sizeof words / sizeof *words)];
                for (const char *c = word; *c && len < FILE_SIZE; c++)
                    text[len++] = *c;
                if (len < FILE_SIZE)
                    text[len++] = (seed >> 8) % 11 ? ' ' : '\n';
            }
            file_name(name, sizeof name, d, f);
            FILE *out = fopen(name, "w");
            if (!out || fwrite(text, 1, FILE_SIZE, out) != FILE_SIZE || fclose(out) != 0)
                die("write the tree");
        }
    }
}

static void remove_tree(void)
{
    char name[4096];
    for (int d = 0; d < DIRS; d++) {
        for (int f = 0; f < FILES; f++) {
            file_name(name, sizeof name, d, f);
            unlink(name);
        }
        file_name(name, sizeof name, d, -1);
        rmdir(name);
    }
    rmdir(root);
    unlink(archive);
}

static void tar_gzip(long n)
{
    char *argv[] = {(char *)env_text("BENCH_BUSYBOX", "/bin/busybox"), "tar", "-czf", archive,
                    "-C", root, ".", NULL};
    for (long i = 0; i < n; i++)
        run_program(argv);
}

int main(void)
{
    snprintf(root, sizeof root, "%s", bench_path("bench-tree"));
    snprintf(archive, sizeof archive, "%s", bench_path("bench-tree.tgz"));
    make_tree();
    report("tar_gzip_4m", measure(tar_gzip) / 1e6, "ms");
    remove_tree();
    return 0;
}
