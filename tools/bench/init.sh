#!/bin/sh
# /init of the benchmark initramfs (docs/performance.md), the same on Linux and on Apus.
#
# Its first line marks the boot figure "first /init line"; then it mounts what a Debian init
# mounts and a tmpfs on /tmp, runs every program in /bench (each prints `name value unit`
# lines), says `bench: NAME failed ...` for one that fails or overruns BENCH_TIMEOUT seconds
# (default 100), prints `bench: done` and powers off. Words such as BENCH_ITERS=1 or
# BENCH_TARGET_MS=100 on the kernel command line reach it, and the programs, as environment
# variables (Linux and Apus hand unknown NAME=value words to init that way); so do
# BENCH_PROGRAMS=pipe,clock (only those programs) and BENCH_BOOT=1 (power off at once: the
# boot figures).
echo "bench: init"
[ "${BENCH_BOOT:-0}" = 1 ] && exec poweroff -f
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root BENCH_DIR=/tmp
[ -d /proc/self ] || mount -t proc -o nodev,noexec,nosuid proc /proc || echo "bench: cannot mount /proc"
[ -d /sys/kernel ] || mount -t sysfs -o nodev,noexec,nosuid sysfs /sys || echo "bench: cannot mount /sys"
[ -e /dev/null ] || mount -t devtmpfs -o nosuid,mode=0755 udev /dev || echo "bench: cannot mount /dev"
mount -t tmpfs -o mode=1777 tmpfs /tmp || echo "bench: cannot mount a tmpfs on /tmp"
echo "bench: kernel $(uname -s -r)"
# The guest's clock against the host's: bench.py compares both over the suite.
echo "bench: uptime $(cut -d' ' -f1 /proc/uptime)"
for name in $(echo "${BENCH_PROGRAMS:-$(ls /bench)}" | tr , ' '); do
    timeout "${BENCH_TIMEOUT:-100}" "/bench/$name"
    status=$?
    [ "$status" -eq 0 ] || echo "bench: $name failed with status $status"
done
echo "bench: uptime $(cut -d' ' -f1 /proc/uptime)"
echo "bench: done"
poweroff -f
