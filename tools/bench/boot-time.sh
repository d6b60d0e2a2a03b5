#!/bin/sh
# Boot-time benchmark: time from launching QEMU to the kernel's first serial output.
#
#   tools/bench/boot-time.sh [-n RUNS] [--booted] [KERNEL]
#
# Runs QEMU (TCG) RUNS times (default 10) with -serial stdio and timestamps, on the host,
# the first byte and the first complete line starting with '[' (the first printk line);
# QEMU is killed after that line. With --booted it also waits for 'Apus booted.'.
# Prints the median and the minimum in ms. A benchmark, not a test: it never fails on a number
# (only when QEMU cannot be started or prints nothing within 30 s).
cd "$(dirname "$0")/../.." || exit 1
exec python3 - "$@" <<'PY'
import argparse, os, select, statistics, subprocess, sys, time

ap = argparse.ArgumentParser(prog='boot-time.sh')
ap.add_argument('-n', '--runs', type=int, default=10)
ap.add_argument('--booted', action='store_true', help="also time 'Apus booted.'")
ap.add_argument('kernel', nargs='?', default=os.path.join(os.environ.get('B', 'build'), 'apus.elf'))
args = ap.parse_args()
qemu = os.environ.get('QEMU', 'qemu-system-x86_64')
cmd = [qemu, '-kernel', args.kernel, '-m', '256M', '-display', 'none', '-monitor', 'none',
       '-serial', 'stdio', '-no-reboot', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
       '-append', 'console=ttyS0']
if not os.path.exists(args.kernel):
    sys.exit('boot-time.sh: %s does not exist (run make)' % args.kernel)

def one_run():
    marks = {}
    buf = b''
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    fd = proc.stdout.fileno()
    try:
        while time.monotonic() - t0 < 30:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(fd, 65536)
            now = time.monotonic()
            if not chunk:
                break
            marks.setdefault('first byte', now - t0)
            buf += chunk
            if 'first line' not in marks:
                for line in buf.split(b'\n')[:-1]:
                    if line.lstrip(b'\r').startswith(b'['):
                        marks['first line'] = now - t0
                        break
            if args.booted and 'Apus booted.' not in marks and b'Apus booted.' in buf:
                marks['Apus booted.'] = now - t0
            if 'first line' in marks and (not args.booted or 'Apus booted.' in marks):
                break
    finally:
        proc.kill()
        proc.wait()
    return marks

names = ['first byte', 'first line'] + (['Apus booted.'] if args.booted else [])
samples = {n: [] for n in names}
for i in range(args.runs):
    marks = one_run()
    for n in names:
        if n in marks:
            samples[n].append(marks[n] * 1000)
print('boot time over %d runs of: %s' % (args.runs, ' '.join(cmd)))
for n in names:
    s = samples[n]
    if s:
        print('  %-14s median %7.1f ms   min %7.1f ms   (%d/%d runs)' %
              (n, statistics.median(s), min(s), len(s), args.runs))
    else:
        print('  %-14s never seen' % n)
sys.exit(0 if samples['first byte'] else 1)
PY
