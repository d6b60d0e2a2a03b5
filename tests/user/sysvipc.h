/* Helpers the System V IPC tests share (sysv_msg.c, sysv_sem.c, sysv_shm.c). */
#ifndef APUS_SYSVIPC_H
#define APUS_SYSVIPC_H

#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOBODY 65534

/* The fields of the /proc/sysvipc/KIND line whose id column (the second) is `id`, split at
 * spaces into `fields` (at most `max`); returns how many, or -1 if no line has that id. */
static inline int sysvipc_fields(const char *kind, int id, long long fields[], int max)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind);
    FILE *file = fopen(path, "r");
    if (!file)
        return -1;
    int found = -1;
    if (!fgets(line, sizeof line, file))   /* the column headings */
        line[0] = 0;
    while (found < 0 && fgets(line, sizeof line, file)) {
        int count = 0;
        for (char *word = strtok(line, " \n"); word && count < max; word = strtok(NULL, " \n")) {
            fields[count] = strtoll(word, NULL, count == 2 ? 8 : 10);   /* perms are octal */
            count++;
        }
        if (count >= 2 && fields[1] == id)
            found = count;
    }
    fclose(file);
    return found;
}

/* The first line of a /proc/sysvipc file, the column headings. */
static inline void sysvipc_header(const char *kind, char *header, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind);
    FILE *file = fopen(path, "r");
    header[0] = 0;
    if (file) {
        if (!fgets(header, (int)size, file))
            header[0] = 0;
        fclose(file);
    }
}

/* The text of /proc/sys/kernel/NAME into `text`; 0 on success. */
static inline int sysctl_text(const char *name, char *text, int size)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    FILE *file = fopen(path, "r");
    if (!file)
        return -1;
    int read = fgets(text, size, file) != NULL;
    fclose(file);
    return read ? 0 : -1;
}

/* The (first) number of /proc/sys/kernel/NAME, unsigned as shmmax is; -1 if unreadable. */
static inline unsigned long long sysctl_number(const char *name)
{
    char text[128];
    return sysctl_text(name, text, sizeof text) == 0 ? strtoull(text, NULL, 10) : (unsigned long long)-1;
}

/* Writes `text` to /proc/sys/kernel/NAME; 0 on success. */
static inline int set_sysctl(const char *name, const char *text)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    FILE *file = fopen(path, "w");
    if (!file)
        return -1;
    int written = fputs(text, file) >= 0;
    return fclose(file) == 0 && written ? 0 : -1;
}

/* In a forked child: become uid and gid 65534 with no groups (if root); 0 on success. */
static inline int become_nobody(void)
{
    if (getuid() != 0)
        return 0;
    return setgroups(0, NULL) == 0 && setgid(NOBODY) == 0 && setuid(NOBODY) == 0 ? 0 : -1;
}

/* A key no other test run uses at the same time: `tag` in the top byte, the pid below. */
static inline int test_key(int tag)
{
    return (tag << 24) | (getpid() & 0xffffff);
}

#endif
