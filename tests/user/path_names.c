/* Path arguments as the kernel copies them in (Linux: getname, strncpy_from_user): every
 * length up to PATH_MAX - 1 bytes works, the short ones and the long ones on either side of
 * any buffer the kernel tries first; PATH_MAX bytes without a NUL is ENAMETOOLONG; a name
 * ending just before an unmapped page is read, one running into it is EFAULT; a component
 * of NAME_MAX bytes is looked up, a longer one is ENAMETOOLONG.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <limits.h>
#include <sys/syscall.h>

static char dir[512];
static char file[600];

/* `file` with enough slashes after the directory to make `length` bytes in all. */
static const char *padded(size_t length)
{
    static char path[PATH_MAX + 16];
    size_t directory = strlen(dir), name = strlen(file) - directory;
    if (length < directory + name || length >= sizeof path)
        return NULL;
    memcpy(path, dir, directory);
    memset(path + directory, '/', length - directory - name);
    memcpy(path + length - name, file + directory, name);
    path[length] = '\0';
    return path;
}

static void opens_at_length(size_t length)
{
    const char *path = padded(length);
    int fd = path ? open(path, O_RDONLY) : -1;
    if (!ok(fd >= 0, "a path of %zu bytes opens", length))
        diag("%s", strerror(errno));
    if (fd >= 0)
        close(fd);
    struct stat st;
    ok(path && stat(path, &st) == 0 && st.st_size == 3, "and stat of it finds the 3-byte file (%zu bytes)", length);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/path_names.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    snprintf(file, sizeof file, "%s/f", dir);
    int fd = -1;
    if (mkdir(dir, 0700) == 0)
        fd = open(file, O_CREAT | O_WRONLY, 0600);
    if (!ok(fd >= 0 && write(fd, "abc", 3) == 3, "make %s", file)) {
        diag("%s", strerror(errno));
        return tap_done();
    }
    close(fd);

    size_t shortest = strlen(file);
    size_t lengths[] = { shortest, 63, 64, 127, 128, 254, 255, 256, 257, 511, 512, 1024, 2048, PATH_MAX - 2,
        PATH_MAX - 1 };
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
        if (lengths[i] >= shortest)
            opens_at_length(lengths[i]);
    const char *longest = padded(PATH_MAX);
    fails_with(open(longest, O_RDONLY), ENAMETOOLONG, "a path of PATH_MAX bytes is ENAMETOOLONG");
    struct stat st;
    fails_with(stat(longest, &st), ENAMETOOLONG, "and so is stat of it");

    /* Names that end at the end of a page whose successor is unmapped. */
    long page = sysconf(_SC_PAGESIZE);
    char *pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ok(pages != MAP_FAILED && munmap(pages + page, page) == 0, "map a page with nothing after it")) {
        size_t sizes[] = { 2, 100, 300, 3000 };
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            size_t length = sizes[i];
            const char *path = padded(length);
            if (path) {
                char *name = pages + page - length - 1;
                memcpy(name, path, length + 1);
                fd = open(name, O_RDONLY);
                ok(fd >= 0, "a %zu-byte path whose NUL is the page's last byte opens", length);
                if (fd >= 0)
                    close(fd);
            }
            memset(pages + page - length, 'x', length);
            fails_with(syscall(SYS_open, pages + page - length, O_RDONLY), EFAULT,
                "a %zu-byte name running into the unmapped page is EFAULT", length);
        }
        munmap(pages, page);
    }

    char component[NAME_MAX + 2];
    memset(component, 'n', sizeof component - 1);
    component[NAME_MAX] = '\0';
    char path[sizeof dir + sizeof component + 1];
    snprintf(path, sizeof path, "%s/%s", dir, component);
    fails_with(stat(path, &st), ENOENT, "a component of NAME_MAX bytes is looked up (ENOENT)");
    component[NAME_MAX] = 'n';
    component[NAME_MAX + 1] = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, component);
    fails_with(stat(path, &st), ENAMETOOLONG, "one of NAME_MAX + 1 bytes is ENAMETOOLONG");

    unlink(file);
    rmdir(dir);
    return tap_done();
}
