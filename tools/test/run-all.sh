#!/bin/bash
# `make test`: every test tier, then exactly one tally line `N passed, N failed`.
#
#   tools/test/run-all.sh                  all tiers: harness, host, kernel
#   tools/test/run-all.sh host             only `swift test`
#   tools/test/run-all.sh kernel [RUN...]  only the QEMU boots (names: run-kernel-tests.sh --list)
#
# Tiers:
#   harness  `make lint` (tools/lint.py); the harness's own parsers against hand-made logs
#            (tools/test/test_serial_log.py); tools/mkinitramfs (tools/test/test_mkinitramfs.py);
#            docs/syscalls.md matches tools/gen-syscall-docs.py (tools/test/test_syscall_docs.py);
#            tests/user passes on the host's Linux (tools/test/user_linux.py); unsafe code and
#            unchecked sharing stay in arch/x86_64/core, every module builds in Swift 6 mode
#            (tools/test/check_safety.py); each benchmark of tools/bench builds and prints
#            well-formed lines natively, run once (tools/bench/bench.py --check; no timing),
#            and its table from made-up samples (tools/test/test_bench.py)
#   host     `swift test`: the hardware-independent code (lib/, include/uapi) on Linux
#   kernel   build/apus.elf and the test image build/apus-test.elf; no self-test code in the
#            first (tools/test/check-no-selftests.sh); both under QEMU: in-kernel self-tests
#            (TAP), boot log, oops, init, PVH, ISO, busybox sh, tests/user as /init; `make run`
#            itself on a pty, typed into (tools/test/make_run_session.py; run name `session`);
#            `make debug` with gdb and its helpers on a module (tools/test/gdb_session.py; `gdb`)
# Every result is a line `PASS name` or `FAIL name: reason`; the tally counts them.
# Logs: build/test-logs/ (host.log, build.log, <run>.log, results.txt).
set -u
cd "$(dirname "$0")/../.." || exit 1

B=${B:-build}
LOGS=$B/test-logs
MAKE=${MAKE:-make}
export B MAKE          # for the tools below that build with make
SWIFT=${SWIFT:-$(command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)}
SWIFT_SCRATCH=${SWIFT_SCRATCH:-.build-harness}
mkdir -p "$LOGS"
RESULTS=$LOGS/results.txt
: > "$RESULTS"

tiers=()
kernel_runs=()
for arg in "$@"; do
    case "$arg" in
        harness|host|kernel) tiers+=("$arg") ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) kernel_runs+=("$arg") ;;
    esac
done
[ ${#tiers[@]} -eq 0 ] && tiers=(harness host kernel)

result() { # result PASS|FAIL text...: record one result line
    echo "$*" | tee -a "$RESULTS"
}

# run_tier NAME COMMAND...: stream the command's PASS/FAIL lines; a non-zero exit with no FAIL
# line (a crash) becomes a FAIL itself.
run_tier() {
    local name=$1; shift
    local before after status
    before=$(grep -c '^FAIL ' "$RESULTS")
    "$@" 2>&1 | tee -a "$RESULTS"
    status=${PIPESTATUS[0]}
    after=$(grep -c '^FAIL ' "$RESULTS")
    if [ "$status" -ne 0 ] && [ "$after" -eq "$before" ]; then
        result "FAIL $name tier: exited with status $status"
    fi
}

# unittest_result NAME FILE: one result for all the cases of a Python unittest file.
unittest_result() {
    local name=$1 file=$2 out
    if out=$(python3 -W ignore "$file" 2>&1); then
        result "PASS $name ($(echo "$out" | sed -n 's/^Ran \([0-9]*\) tests.*/\1/p') cases)"
    else
        result "FAIL $name: python3 $file"
        echo "$out" | tail -n 30 | sed 's/^/    /'
    fi
}

tier_harness() {
    run_tier harness python3 tools/lint.py --results
    unittest_result "harness parser self-check" tools/test/test_serial_log.py
    unittest_result "mkinitramfs self-check" tools/test/test_mkinitramfs.py
    run_tier harness python3 -W ignore tools/test/test_syscall_docs.py
    run_tier harness python3 tools/test/user_linux.py
    run_tier harness python3 tools/test/check_safety.py
    run_tier harness python3 tools/bench/bench.py --check
    unittest_result "bench report self-check" tools/test/test_bench.py
}

tier_host() {
    echo "== host: swift test --scratch-path $SWIFT_SCRATCH (log: $LOGS/host.log)"
    SWIFT="$SWIFT" SWIFT_SCRATCH="$SWIFT_SCRATCH" run_tier host python3 tools/test/host_tests.py "$LOGS/host.log"
}

tier_kernel() {
    echo "== kernel: $MAKE $B/apus.elf $B/apus-test.elf (log: $LOGS/build.log)"
    if ! $MAKE -s "$B/apus.elf" "$B/apus-test.elf" > "$LOGS/build.log" 2>&1; then
        result "FAIL kernel build: $MAKE $B/apus.elf $B/apus-test.elf failed"
        tail -n 30 "$LOGS/build.log" | sed 's/^/    /'
        return
    fi
    run_tier kernel tools/test/check-no-selftests.sh "$B/apus.elf" "$B/apus-test.elf"
    # `session` is not a QEMU command of run-kernel-tests.sh but `make run` itself on a pty;
    # `gdb` is `make debug` with gdb attached (tools/test/gdb_session.py).
    local qemu_runs=() session=${#kernel_runs[@]} gdb=${#kernel_runs[@]}
    for run in "${kernel_runs[@]}"; do
        case "$run" in
            session) session=0 ;;
            gdb) gdb=0 ;;
            *) qemu_runs+=("$run") ;;
        esac
    done
    if [ ${#kernel_runs[@]} -eq 0 ] || [ ${#qemu_runs[@]} -gt 0 ]; then
        echo "== kernel: QEMU boots (logs: $LOGS/<run>.log)"
        run_tier kernel tools/test/run-kernel-tests.sh "${qemu_runs[@]}"
    fi
    if [ "$session" -eq 0 ]; then
        echo "== kernel: make run driven through a pty (log: $LOGS/session.log)"
        run_tier kernel python3 tools/test/make_run_session.py --log "$LOGS/session.log"
    fi
    if [ "$gdb" -eq 0 ]; then
        echo "== kernel: make debug driven by gdb (logs: $LOGS/gdb-*.log)"
        run_tier kernel python3 tools/test/gdb_session.py --logs "$LOGS"
    fi
}

for tier in "${tiers[@]}"; do
    start=$(date +%s)
    "tier_$tier"
    echo "== $tier: $(( $(date +%s) - start )) s"
done

passed=$(grep -c '^PASS ' "$RESULTS")
failed=$(grep -c '^FAIL ' "$RESULTS")
if [ "$failed" -gt 0 ]; then
    echo "== failures:"
    grep "^FAIL " "$RESULTS" | sed "s/^/  /"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
