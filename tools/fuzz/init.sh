#!/bin/sh
# /init of the fuzz initramfs (docs/robustness.md): the system-call fuzzer, the malformed
# exec corpus, then a sanity check that the kernel still works (fork, exec, a file written
# and read back), as TAP ending in `# fuzz: N passed, M failed`; then `poweroff -f`.
# FUZZ_SEED, FUZZ_CALLS and FUZZ_EXEC come from the kernel command line (as environment);
# FUZZ_REPLAY=INDEX makes only call INDEX of the seed, printing it (FUZZ_EXEC=0 skips the corpus);
# FUZZ_WORKERS=N runs N workers side by side (fuzz -w; the order of their calls is then not
# reproducible).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
seed=${FUZZ_SEED:-1}
calls=${FUZZ_CALLS:-20000}
cases=${FUZZ_EXEC:-400}
workers=${FUZZ_WORKERS:-1}
n=0
failed=0

# check DESCRIPTION COMMAND...: one TAP line, numbered, from COMMAND's exit status.
check() {
    n=$((n + 1))
    check_what=$1
    shift
    if "$@"; then
        echo "ok $n - $check_what"
    else
        echo "not ok $n - $check_what (exit status $?)"
        failed=$((failed + 1))
    fi
}

# The kernel after the storm: a child process, a program, a file.
forks() { (exit 3); [ $? = 3 ]; }
execs() { [ "$(/bin/echo exec works)" = "exec works" ]; }
files() {
    mkdir -p /tmp/sanity && echo "written and read" > /tmp/sanity/file &&
        [ "$(/bin/cat /tmp/sanity/file)" = "written and read" ]
}

echo "TAP version 13"
if [ -n "${FUZZ_REPLAY:-}" ]; then
    check "fuzz: call $FUZZ_REPLAY of seed $seed made again" /fuzz/fuzz -s "$seed" -r "$FUZZ_REPLAY"
else
    check "fuzz: $calls system calls from seed $seed as uid 65534" /fuzz/fuzz -w "$workers" -s "$seed" -n "$calls"
fi
check "exec-corpus: $cases malformed programs from seed $seed" /fuzz/exec-corpus -s "$seed" -n "$cases"
check "sanity: fork and wait" forks
check "sanity: exec" execs
check "sanity: file write and read" files
[ "$failed" = 0 ] || ls -ld / /bin /bin/busybox /tmp /tmp/sanity 2>&1 | sed 's/^/# /'

echo "1..$n"
echo "# fuzz: $((n - failed)) passed, $failed failed"
poweroff -f
