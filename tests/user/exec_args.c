/* execve: the new image's argv, envp and auxiliary vector; the errors for files that cannot
 * be run; `#!` scripts and their interpreter argument; posix_spawn.
 *
 * The program runs itself: with APUS_EXEC_CHECK in the environment it is the exec'd image
 * and checks what it was given against the description the parent put in the environment
 * (APUS_ARGC, APUS_ARG0..., APUS_ENVC, APUS_PID, APUS_EXEC_PATH, APUS_AUXV), printing TAP
 * that the parent relays. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include "tap.h"

extern char **environ;
extern void _start(void);
extern const Elf64_Ehdr __ehdr_start;      /* the linker's name for our own ELF header */

/* ------------------------------------------------------------------------------------------
 * The exec'd image */

static void check_image(int argc, char **argv)
{
    const char *expected_argc = getenv("APUS_ARGC");
    int argc_ok = expected_argc && argc == atoi(expected_argc) && argv[argc] == NULL;
    if (!ok(argc_ok, "argc is %s and argv[argc] is NULL", expected_argc ? expected_argc : "?"))
        diag("argc %d", argc);
    for (int i = 0; argc_ok && i < argc; i++) {
        char name[32];
        snprintf(name, sizeof name, "APUS_ARG%d", i);
        const char *want = getenv(name);
        if (!ok(want && strcmp(argv[i], want) == 0, "argv[%d] is \"%s\"", i, want ? want : "?"))
            diag("argv[%d] is \"%s\"", i, argv[i]);
    }

    const char *expected_envc = getenv("APUS_ENVC");
    int envc = 0;
    while (environ[envc])
        envc++;
    if (!ok(expected_envc && envc == atoi(expected_envc), "envp has the %s strings given to execve",
            expected_envc ? expected_envc : "?"))
        diag("%d strings, the first %s", envc, envc ? environ[0] : "(none)");
    const char *spaced = getenv("APUS_SPACED");
    ok(spaced && strcmp(spaced, "two = 2") == 0, "getenv finds a value with spaces and '='");

    const char *exec_path = getenv("APUS_EXEC_PATH");
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    if (!ok(exec_path && execfn && strcmp(execfn, exec_path) == 0,
            "AT_EXECFN is the path given to execve"))
        diag("AT_EXECFN %s, execve path %s", execfn ? execfn : "(none)", exec_path ? exec_path : "?");

    const char *pid = getenv("APUS_PID");
    if (pid)
        is(getpid(), atoi(pid), "execve keeps the pid");

    if (!getenv("APUS_AUXV"))
        return;
    is(getauxval(AT_PAGESZ), 4096, "AT_PAGESZ is 4096");
    const uint8_t *random_bytes = (const uint8_t *)getauxval(AT_RANDOM);
    int nonzero = 0;
    for (int i = 0; random_bytes && i < 16; i++)
        nonzero |= random_bytes[i];
    ok(random_bytes != NULL && nonzero, "AT_RANDOM points to 16 bytes, not all zero");
    is(getauxval(AT_PHDR), (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff,
       "AT_PHDR is where our program headers are mapped");
    is(getauxval(AT_PHENT), sizeof(Elf64_Phdr), "AT_PHENT is sizeof(Elf64_Phdr)");
    is(getauxval(AT_PHNUM), __ehdr_start.e_phnum, "AT_PHNUM is e_phnum");
    is(getauxval(AT_ENTRY), (uintptr_t)_start, "AT_ENTRY is _start");
    is(getauxval(AT_BASE), 0, "AT_BASE is 0 (no program interpreter)");
    is(getauxval(AT_UID), getuid(), "AT_UID is getuid()");
    is(getauxval(AT_EUID), geteuid(), "AT_EUID is geteuid()");
    is(getauxval(AT_GID), getgid(), "AT_GID is getgid()");
    is(getauxval(AT_EGID), getegid(), "AT_EGID is getegid()");
    is(getauxval(AT_SECURE), 0, "AT_SECURE is 0");
    is(getauxval(AT_CLKTCK), 100, "AT_CLKTCK is 100");
    const char *platform = (const char *)getauxval(AT_PLATFORM);
    ok(platform && strcmp(platform, "x86_64") == 0, "AT_PLATFORM is \"x86_64\"");
}

/* ------------------------------------------------------------------------------------------
 * The parent */

static char self[4096];
static char scratch[4096];
static int env_count;
static char *env[64];
static char env_text[64][4096];

/* The environment for a checked execve of `argv`, given to `path`. */
static char **describe(char *const argv[], const char *path, pid_t pid, int auxv)
{
    env_count = 0;
    snprintf(env_text[env_count++], sizeof env_text[0], "APUS_EXEC_CHECK=1");
    snprintf(env_text[env_count++], sizeof env_text[0], "APUS_SPACED=two = 2");
    snprintf(env_text[env_count++], sizeof env_text[0], "APUS_EXEC_PATH=%s", path);
    if (pid)
        snprintf(env_text[env_count++], sizeof env_text[0], "APUS_PID=%d", (int)pid);
    if (auxv)
        snprintf(env_text[env_count++], sizeof env_text[0], "APUS_AUXV=1");
    int argc = 0;
    while (argv[argc]) {
        snprintf(env_text[env_count++], sizeof env_text[0], "APUS_ARG%d=%s", argc, argv[argc]);
        argc++;
    }
    snprintf(env_text[env_count++], sizeof env_text[0], "APUS_ARGC=%d", argc);
    snprintf(env_text[env_count], sizeof env_text[0], "APUS_ENVC=%d", env_count + 1);
    env_count++;
    for (int i = 0; i < env_count; i++)
        env[i] = env_text[i];
    env[env_count] = NULL;
    return env;
}

struct checked_exec {
    const char *path;
    char *const *argv;
    char *const *expected_argv;
    int auxv;
};

static void run_checked_exec(void *argument)
{
    const struct checked_exec *exec = argument;
    execve(exec->path, exec->argv, describe(exec->expected_argv, exec->path, getpid(), exec->auxv));
    ok(0, "execve(%s) failed: %s", exec->path, strerror(errno));
}

/* execve(path, argv) in a child that checks it got `expected_argv`; relays its results. */
static void exec_and_check(const char *label, const char *path, char *const argv[],
                           char *const expected_argv[], int auxv)
{
    struct checked_exec exec = { path, argv, expected_argv, auxv };
    relayed_child(label, run_checked_exec, &exec);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd >= 0) {
        write(fd, text, strlen(text));
        close(fd);
    }
    chmod(path, mode);
}

static void exec_errors(void)
{
    char path[4200];
    char *argv[] = { "x", NULL };
    char *envp[] = { NULL };

    snprintf(path, sizeof path, "%s/missing", scratch);
    fails_with(execve(path, argv, envp), ENOENT, "execve of a missing file is ENOENT");
    fails_with(execve("", argv, envp), ENOENT, "execve of \"\" is ENOENT");

    snprintf(path, sizeof path, "%s/text", scratch);
    write_file(path, "hello, not a program\n", 0755);
    fails_with(execve(path, argv, envp), ENOEXEC, "execve of an executable text file is ENOEXEC");

    snprintf(path, sizeof path, "%s/text/below", scratch);
    fails_with(execve(path, argv, envp), ENOTDIR, "execve of a path through a file is ENOTDIR");

    snprintf(path, sizeof path, "%s/not-executable", scratch);
    write_file(path, "#!/bin/sh\n", 0644);
    fails_with(execve(path, argv, envp), EACCES, "execve of a file without x bits is EACCES");

    fails_with(execve(scratch, argv, envp), EACCES, "execve of a directory is EACCES");

    snprintf(path, sizeof path, "%s/bad-interpreter", scratch);
    write_file(path, "#!/no/such/interpreter\n", 0755);
    fails_with(execve(path, argv, envp), ENOENT, "execve of a script with a missing interpreter is ENOENT");

    fails_with(execve(bad_pointer(1), argv, envp), EFAULT, "execve with a bad path pointer is EFAULT");
    fails_with(execve(self, bad_pointer(1), envp), EFAULT, "execve with a bad argv pointer is EFAULT");
    char *bad_argv[] = { "x", bad_pointer(1), NULL };
    fails_with(execve(self, bad_argv, envp), EFAULT, "execve with a bad argv[1] pointer is EFAULT");
    char *bad_envp[] = { bad_pointer(8), NULL };
    fails_with(execve(self, argv, bad_envp), EFAULT, "execve with a bad envp[0] pointer is EFAULT");
}

static void scripts(void)
{
    char path[4200], text[4400];
    snprintf(path, sizeof path, "%s/script-with-argument", scratch);
    snprintf(text, sizeof text, "#!%s the-argument\nnot read by anyone\n", self);
    write_file(path, text, 0755);
    char *argv1[] = { "name-in-argv0", "a1", "a 2", NULL };
    char *expected1[] = { self, "the-argument", path, "a1", "a 2", NULL };
    exec_and_check("#! with an argument", path, argv1, expected1, 0);

    snprintf(path, sizeof path, "%s/script-spaced", scratch);
    snprintf(text, sizeof text, "#! \t%s   two  words \t\n", self);
    write_file(path, text, 0755);
    char *argv2[] = { "x", NULL };
    char *expected2[] = { self, "two  words", path, NULL };
    exec_and_check("#! with blanks around one two-word argument", path, argv2, expected2, 0);

    snprintf(path, sizeof path, "%s/script-plain", scratch);
    snprintf(text, sizeof text, "#!%s\n", self);
    write_file(path, text, 0755);
    char *argv3[] = { "x", "only", NULL };
    char *expected3[] = { self, path, "only", NULL };
    exec_and_check("#! without an argument", path, argv3, expected3, 0);
}

static void spawn(void)
{
    int out[2];
    if (!opened_pipe(out, "posix_spawn"))
        return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, out[1]);
    char *argv[] = { "spawned", "--flag", NULL };
    pid_t pid = 0;
    int error = posix_spawn(&pid, self, &actions, NULL, argv, describe(argv, self, 0, 0));
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (!ok(error == 0, "posix_spawn of this program")) {
        diag("posix_spawn: %s", strerror(error));
        close(out[0]);
        return;
    }
    relay_tap("posix_spawn", pid, out[0]);
}

int main(int argc, char **argv)
{
    if (getenv("APUS_EXEC_CHECK")) {
        check_image(argc, argv);
        return tap_done();
    }
    char cwd[2048];
    if (argv[0][0] == '/')
        snprintf(self, sizeof self, "%s", argv[0]);
    else if (getcwd(cwd, sizeof cwd))
        snprintf(self, sizeof self, "%s/%.2000s", cwd, argv[0]);
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/exec_args.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    if (mkdir(scratch, 0755) != 0) {
        ok(0, "mkdir %s: %s", scratch, strerror(errno));
        return tap_done();
    }

    char *argv_self[] = { "exec_args", "arg with spaces", "", "last", NULL };
    exec_and_check("execve of itself", self, argv_self, argv_self, 1);
    exec_errors();
    scripts();
    spawn();

    static const char *const made[] = { "text", "not-executable", "bad-interpreter",
        "script-with-argument", "script-spaced", "script-plain" };
    for (unsigned i = 0; i < sizeof made / sizeof made[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", scratch, made[i]);
        unlink(path);
    }
    rmdir(scratch);
    return tap_done();
}
