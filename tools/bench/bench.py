#!/usr/bin/env python3
"""`make bench`: Apus against Debian's Linux on the same microbenchmarks (docs/performance.md).

    tools/bench/bench.py [--rounds N] [--only PROGRAM,...] [--no-memory] [--timeout S]
    tools/bench/bench.py --profile [--only PROGRAM,...]
    tools/bench/bench.py --check

The programs of tools/bench/*.c (built by `make bench-programs` into $B/bench/bin) are first
run natively on this machine's Linux with BENCH_ITERS=1: a program that fails there, or prints
anything but `name value unit` lines, is a wrong benchmark, and nothing is booted. --check does
only that, as PASS/FAIL lines (the `make test` check; no timing is judged).

Then $B/bench-initramfs.cpio (busybox, the programs, tools/bench/init.sh as /init) is booted
under identical QEMU settings on Linux (Debian's linux-image-cloud-amd64: /boot's, else the
package's image unpacked into $B/bench/linux, fetched with apt-get download) and on
$B/apus.elf, alternating the two (and their order) for N rounds. Each round boots each kernel
twice: once running the suite, once with BENCH_BOOT=1 (/init powers off at once) for the boot
figures, timed on the host from QEMU's start. Then the memory figure: per kernel, a bisection
over -m for the smallest size that boots and runs the whole suite once (BENCH_ITERS=1).
Every QEMU run has a timeout. The table (medians, ratio, spread) goes to stdout and, with an SVG
chart of the ratios and the raw samples, to $B/bench/.

--profile boots only Apus, once, with apus.profile=1 and a calibration target ten times longer
(more ticks to sample), and writes the histogram it prints at power-off to $B/bench/profile.txt.
"""
import argparse
import datetime
import glob
import json
import math
import os
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
B = os.path.join(ROOT, os.environ.get('B', 'build'))
OUT = os.path.join(B, 'bench')
PROGRAMS = os.path.join(OUT, 'bin')
INITRD = os.path.join(B, 'bench-initramfs.cpio')
QEMU = os.environ.get('QEMU', 'qemu-system-x86_64')
MAKE = os.environ.get('MAKE', 'make')
BUSYBOX = os.environ.get('BUSYBOX', '/bin/busybox')
MEMORY = '256M'
CMDLINE = 'console=ttyS0 quiet panic=-1'
FIGURE = re.compile(r'^([a-z0-9_]+) ([0-9]+(?:\.[0-9]+)?) (ns|us|ms|MB/s)$')
# Units where more is better; for the others (times, MiB) less is.
RATES = {'MB/s'}
BOOT_FIGURES = [('boot_first_line', 'ms'), ('boot_poweroff', 'ms')]
MEMORY_FIGURE = ('min_memory', 'MiB')


def log(text):
    print(text, flush=True)


def parse_figures(text):
    """{name: (value, unit)} of the `name value unit` lines of TEXT."""
    found = {}
    for line in text.splitlines():
        match = FIGURE.match(line.strip('\r'))
        if match:
            found[match.group(1)] = (float(match.group(2)), match.group(3))
    return found


def build(targets):
    result = subprocess.run([MAKE, '-s', '-C', ROOT] + targets, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.exit('bench: make %s failed:\n%s' % (' '.join(targets), result.stdout[-3000:]))


def native_run(program, scratch):
    """(figures, problem or None) of PROGRAM run once natively with a tiny count."""
    env = dict(os.environ, BENCH_ITERS='1', BENCH_DIR=scratch, BENCH_BUSYBOX=BUSYBOX)
    try:
        result = subprocess.run([program], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return {}, 'no end within 60 s'
    if result.returncode != 0:
        return {}, 'exit status %d: %s' % (result.returncode, result.stderr.strip()[-300:])
    lines = result.stdout.splitlines()
    bad = [line for line in lines if not FIGURE.match(line)]
    if not lines or bad:
        return {}, 'not `name value unit` lines: %r' % (bad or result.stdout)[:3]
    return parse_figures(result.stdout), None


def native_check(only):
    """The expected figures, {name: unit}, in the programs' order; PASS/FAIL line each."""
    build(['bench-programs'])
    names = sorted(os.listdir(PROGRAMS))
    if only:
        unknown = set(only) - set(names)
        if unknown:
            sys.exit('bench: no program %s in %s' % (', '.join(sorted(unknown)), PROGRAMS))
        names = [n for n in names if n in only]
    expected, failed = {}, 0
    with tempfile.TemporaryDirectory(prefix='apus-bench-') as scratch:
        for name in names:
            figures, problem = native_run(os.path.join(PROGRAMS, name), scratch)
            if problem:
                failed += 1
                log('FAIL bench %s on this machine\'s Linux: %s' % (name, problem))
            else:
                log('PASS bench %s on this machine\'s Linux (%s)' % (name, ', '.join(figures)))
                expected.update((figure, unit) for figure, (_, unit) in figures.items())
    return expected, failed


def linux_kernel():
    """Debian's cloud kernel: LINUX_KERNEL=, /boot's, or the package's unpacked into $B/bench."""
    if os.environ.get('LINUX_KERNEL'):
        return os.environ['LINUX_KERNEL']
    unpacked = os.path.join(OUT, 'linux')
    for pattern in ('/boot/vmlinuz-*-cloud-amd64', unpacked + '/boot/vmlinuz-*-cloud-amd64'):
        found = sorted(glob.glob(pattern))
        if found:
            return found[-1]
    # The metapackage depends on the versioned image package; its vmlinuz needs no modules for
    # an initramfs boot (serial console, initramfs, tmpfs and ELF are built in).
    log('bench: no Linux cloud kernel here; fetching linux-image-cloud-amd64 into %s' % unpacked)

    def image_package():
        out = subprocess.run(['apt-cache', 'depends', 'linux-image-cloud-amd64'],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        match = re.search(r'Depends: (linux-image-[0-9]\S*)', out)
        return match and match.group(1)
    package = image_package()
    if not package:
        subprocess.run(['apt-get', 'update', '-qq'], check=False)
        package = image_package()
    if not package:
        sys.exit('bench: apt knows no linux-image-cloud-amd64; set LINUX_KERNEL=/path/to/vmlinuz')
    debs = os.path.join(OUT, 'linux-deb')
    os.makedirs(debs, exist_ok=True)
    subprocess.run(['apt-get', 'download', package], cwd=debs, check=True)
    deb = sorted(glob.glob(os.path.join(debs, package + '_*.deb')))[-1]
    subprocess.run(['dpkg-deb', '-x', deb, unpacked], check=True)
    return sorted(glob.glob(unpacked + '/boot/vmlinuz-*-cloud-amd64'))[-1]


# Seconds without serial output after which a run is stopped as hung: more than a program's
# own limit in the guest (init.sh's BENCH_TIMEOUT, 100 s), so that a hung program is killed and
# reported there while the others still run, and only a hung kernel waits this long.
QUIET_LIMIT = 150


class Run:
    """One QEMU run: its serial output, when each line came (ms from QEMU's start, on the host),
    when QEMU exited (None if the timeout killed it) and whether a timeout (the run's, or
    QUIET_LIMIT of silence) ended it."""

    def __init__(self, kernel, memory, words, timeout, cmdline=CMDLINE):
        cmd = [QEMU, '-accel', 'tcg', '-cpu', 'qemu64', '-smp', '1', '-m', memory,
               '-mem-prealloc', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
               '-no-reboot', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
               '-kernel', kernel, '-initrd', INITRD, '-append', ' '.join([cmdline] + words)]
        self.lines, self.exited, self.timed_out = [], None, False
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        pending = b''
        last_output = start
        try:
            while True:
                left = min(start + timeout, last_output + QUIET_LIMIT) - time.monotonic()
                if left <= 0:
                    self.timed_out = True
                    break
                ready, _, _ = select.select([proc.stdout], [], [], min(left, 1.0))
                if not ready:
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                last_output = time.monotonic()
                now = (last_output - start) * 1000
                *complete, pending = (pending + chunk).split(b'\n')
                self.lines += [(now, line.decode('utf-8', 'replace').strip('\r'))
                               for line in complete]
            if not self.timed_out:
                proc.wait(timeout=max(1.0, start + timeout - time.monotonic()))
                self.exited = (time.monotonic() - start) * 1000
        except subprocess.TimeoutExpired:
            self.timed_out = True
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        if pending:
            self.lines.append((None, pending.decode('utf-8', 'replace').strip('\r')))
        self.output = '\n'.join(line for _, line in self.lines)

    def when(self, line):
        """The host's ms at the first LINE, or None."""
        return next((at for at, text in self.lines if text == line), None)

    def clock_drift(self):
        """How far the guest's clock ran from the host's over the suite, in %, from the two
        `bench: uptime` lines (None without them)."""
        marks = [(at, float(text.split()[2])) for at, text in self.lines
                 if at is not None and re.fullmatch(r'bench: uptime [0-9.]+', text)]
        if len(marks) < 2 or marks[-1][0] - marks[0][0] < 1000:
            return None
        host = (marks[-1][0] - marks[0][0]) / 1000
        return ((marks[-1][1] - marks[0][1]) - host) / host * 100


class Kernel:
    def __init__(self, name, image):
        self.name, self.image = name, image
        self.samples = {}     # figure -> [values], one per round
        self.problems = []    # what went wrong, for the report

    def add(self, figure, value):
        self.samples.setdefault(figure, []).append(value)

    def suite(self, args, round_number):
        """Run the suite once; returns a progress fragment."""
        words = ['BENCH_TARGET_MS=%d' % args.target_ms]
        if args.only:
            words.append('BENCH_PROGRAMS=' + ','.join(args.only))
        start = time.monotonic()
        run = Run(self.image, MEMORY, words, args.timeout)
        figures = parse_figures(run.output)
        for figure, (value, _) in figures.items():
            self.add(figure, value)
        failures = [line for _, line in run.lines if line.startswith('bench: ')
                    and (' failed ' in line or 'cannot' in line)]
        drift = run.clock_drift()
        # A guest clock that runs slow would make its kernel look fast.
        if drift is not None and abs(drift) > 5:
            failures.append('the guest clock ran %+.0f%% against the host\'s' % drift)
        if run.timed_out or run.when('bench: done') is None:
            failures.append('no `bench: done` (%s)' % ('timeout' if run.timed_out else 'QEMU exited'))
            self.save_log(run.output, round_number)
        self.problems += ['round %d: %s' % (round_number, f) for f in failures]
        text = '%s %.0f s, %d figures, guest clock %s' % (
            self.name, time.monotonic() - start, len(figures),
            '?' if drift is None else '%+.1f%%' % drift)
        return text + (' (%d problems)' % len(failures) if failures else '')

    def boot_figures(self, args, round_number):
        run = Run(self.image, MEMORY, ['BENCH_BOOT=1'], args.timeout)
        first_line = run.when('bench: init')
        if first_line is not None:
            self.add('boot_first_line', first_line)
        if run.exited is not None and first_line is not None:
            self.add('boot_poweroff', run.exited)
        else:
            self.problems.append('round %d: boot run: %s' % (
                round_number, 'timeout' if run.timed_out else 'no /init line or no poweroff'))
            self.save_log(run.output, round_number, 'boot')

    def save_log(self, output, round_number, what='suite'):
        path = os.path.join(OUT, '%s-%s-round%d.log' % (self.name.lower(), what, round_number))
        with open(path, 'w') as f:
            f.write(output)
        self.problems.append('round %d: serial output kept in %s' % (round_number, path))

    def runs_suite(self, memory, expected, timeout):
        """Whether the kernel boots with MEMORY and runs the whole suite once."""
        run = Run(self.image, memory, ['BENCH_ITERS=1'], timeout)
        if run.when('bench: done') is not None and expected <= set(parse_figures(run.output)):
            return True
        # The largest failure is kept, to show why the next size up is needed.
        with open(os.path.join(OUT, '%s-memory-fail.log' % self.name.lower()), 'w') as f:
            f.write('-m %s%s\n%s' % (memory, ' (timeout)' if run.timed_out else '', run.output))
        return False

    def min_memory(self, args):
        """The smallest -m in MiB (to 4 MiB) that runs what the rounds ran, by bisection; at most
        seven boots, each with a timeout of a few times the full-memory run's."""
        expected = {f for f in self.samples if f not in dict(BOOT_FIGURES)}
        start = time.monotonic()
        if not self.runs_suite(MEMORY, expected, args.timeout):
            self.problems.append('memory: the quick suite does not run with -m %s' % MEMORY)
            return
        timeout = min(args.timeout, 30 + 4 * (time.monotonic() - start))
        low, high = 0, int(MEMORY.rstrip('M'))   # low fails (assumed), high works
        while high - low > 4:
            middle = (low + high) // 2
            if self.runs_suite('%dM' % middle, expected, timeout):
                high = middle
            else:
                low = middle
        self.add(MEMORY_FIGURE[0], float(high))


def profile(args, apus):
    """One Apus boot with the tick profiler on; its histogram to $B/bench/profile.txt. Without
    `quiet`: the histogram is printed at the kernel's info level."""
    words = ['apus.profile=1', 'BENCH_TARGET_MS=%d' % args.target_ms]
    if args.only:
        words.append('BENCH_PROGRAMS=' + ','.join(args.only))
    run = Run(apus, MEMORY, words, args.timeout, cmdline='console=ttyS0 panic=-1')
    figures = [line for _, line in run.lines if FIGURE.match(line)]
    histogram = [re.sub(r'^\[ *[0-9.]+\] ', '', line) for _, line in run.lines if 'profile: ' in line]
    path = os.path.join(OUT, 'profile.txt')
    with open(path, 'w') as f:
        f.write('\n'.join(figures + histogram) + '\n')
    log('\n'.join(figures + histogram))
    if run.timed_out or not histogram:
        sys.exit('bench: no profile (%s); the serial output is in %s' % (
            'timeout' if run.timed_out else 'no `profile:` lines', path))
    log('bench: wrote %s' % os.path.relpath(path, ROOT))
    return 0


def spread(values):
    """(max - min) / median over the rounds, in %."""
    median = statistics.median(values)
    return (max(values) - min(values)) / median * 100 if median else 0.0


def ratio(figure_unit, linux, apus):
    """Below 1 is better for Apus: Apus/Linux for times and sizes, Linux/Apus for rates."""
    if figure_unit in RATES:
        return linux / apus if apus else math.inf
    return apus / linux if linux else math.inf


def table(units, linux, apus):
    """Rows (figure, unit, Linux median, Apus median, ratio, Linux spread, Apus spread); a
    median is None where the kernel never gave the figure."""
    rows = []
    for figure, unit in units.items():
        medians = [statistics.median(k.samples[figure]) if k.samples.get(figure) else None
                   for k in (linux, apus)]
        spreads = [spread(k.samples[figure]) if k.samples.get(figure) else None
                   for k in (linux, apus)]
        both = None not in medians
        rows.append((figure, unit, medians[0], medians[1],
                     ratio(unit, *medians) if both else None, spreads[0], spreads[1]))
    return rows


def number(value):
    if value is None:
        return 'missing'
    return '%.3g' % value if value < 100 else '%.0f' % value


def markdown(rows, header):
    lines = header + ['', '| figure | unit | Linux | Apus | ratio (<1: Apus better) | '
                      'spread Linux | spread Apus |', '|---|---|--:|--:|--:|--:|--:|']
    for figure, unit, lin, apu, rat, s_lin, s_apu in rows:
        lines.append('| %s | %s | %s | %s | %s | %s | %s |' % (
            figure, unit, number(lin), number(apu),
            '%.2f×' % rat if rat is not None else '—',
            '%.0f%%' % s_lin if s_lin is not None else '—',
            '%.0f%%' % s_apu if s_apu is not None else '—'))
    return '\n'.join(lines) + '\n'


def svg(rows, title):
    """Horizontal bars of the ratios on a log scale, 1 (parity) marked; green below, red above."""
    ratios = [r[4] for r in rows if r[4] is not None and 0 < r[4] < math.inf]
    low = 10 ** math.floor(math.log10(min(ratios + [0.1])))
    high = 10 ** math.ceil(math.log10(max(ratios + [10])))
    left, width, row_height, top = 190, 520, 20, 40
    height = top + row_height * len(rows) + 30

    def x(value):
        return left + (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low)) * width
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (left + width + 80, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="14">%s</text>' % title]
    for exponent in range(round(math.log10(low)), round(math.log10(high)) + 1):
        decade = 10.0 ** exponent
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>' % (
            x(decade), top - 5, x(decade), height - 25, 'black' if exponent == 0 else '#ddd'))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%g×</text>' % (
            x(decade), height - 10, decade))
    for i, (figure, _, _, _, rat, _, _) in enumerate(rows):
        y = top + i * row_height
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + 14, figure))
        if rat is None or not 0 < rat < math.inf:
            out.append('<text x="%.1f" y="%d" fill="#a00">missing</text>' % (x(1) + 4, y + 14))
            continue
        a, b = sorted((x(1), x(min(max(rat, low), high))))
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (
            a, y + 3, max(b - a, 1), row_height - 6, '#3a3' if rat <= 1 else '#c33'))
        out.append('<text x="%.1f" y="%d">%.2f×</text>' % (max(b, x(1)) + 4, y + 14, rat))
    out.append('</svg>')
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(prog='bench.py', description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='only the native check (make test)')
    ap.add_argument('--rounds', type=int, default=int(os.environ.get('ROUNDS') or 3))
    ap.add_argument('--only', default=os.environ.get('BENCH', ''),
                    help='programs to run, comma-separated (default: all)')
    ap.add_argument('--no-memory', action='store_true', help='skip the -m bisection')
    ap.add_argument('--profile', action='store_true', default=os.environ.get('PROFILE') == '1',
                    help='only profile Apus (apus.profile=1) on the programs')
    ap.add_argument('--timeout', type=float, default=600, help='seconds per QEMU run')
    ap.add_argument('--target-ms', type=int, help='calibration target per figure (200 ms; '
                    'profiling: 2000 ms)')
    args = ap.parse_args()
    args.target_ms = args.target_ms or (2000 if args.profile else 200)
    args.only = [p for p in args.only.split(',') if p]

    expected, failed = native_check(args.only)
    if args.check:
        return 1 if failed else 0
    if failed:
        sys.exit('bench: %d program(s) fail on this machine\'s Linux: fix them first' % failed)
    for built in (INITRD, os.path.join(B, 'apus.elf')):
        if not os.path.exists(built):
            sys.exit('bench: no %s (`make bench` builds it)' % built)
    os.makedirs(OUT, exist_ok=True)
    if args.profile:
        return profile(args, os.path.join(B, 'apus.elf'))
    linux = Kernel('Linux', linux_kernel())
    apus = Kernel('Apus', os.path.join(B, 'apus.elf'))
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    log('bench: %d rounds of %s and %s, QEMU TCG -cpu qemu64 -smp 1 -m %s, kernel command line '
        '"%s"' % (args.rounds, linux.image, apus.image, MEMORY, CMDLINE))
    for r in range(1, args.rounds + 1):
        order = (linux, apus) if r % 2 else (apus, linux)
        parts = []
        for kernel in order:
            parts.append(kernel.suite(args, r))
            kernel.boot_figures(args, r)
        log('round %d/%d: %s' % (r, args.rounds, '; '.join(parts)))
    units = dict(expected)
    units.update(BOOT_FIGURES)
    if not args.no_memory and not args.only:
        for kernel in (linux, apus):
            kernel.min_memory(args)
            log('memory: %s runs the suite with -m %s' % (
                kernel.name, '%dM' % kernel.samples[MEMORY_FIGURE[0]][0]
                if MEMORY_FIGURE[0] in kernel.samples else '? (see the problems)'))
        units[MEMORY_FIGURE[0]] = MEMORY_FIGURE[1]
    load_after = os.getloadavg()

    rows = table(units, linux, apus)
    title = 'Apus / Linux, %s UTC, median of %d rounds (below 1: Apus better)' % (
        started.strftime('%Y-%m-%d %H:%M'), args.rounds)
    header = ['Apus against Linux (%s), %s UTC: median of %d rounds, QEMU %s TCG, -cpu qemu64, '
              '-smp 1, -m %s; host load average %.1f before, %.1f after.' % (
                  os.path.basename(linux.image), started.strftime('%Y-%m-%d %H:%M'), args.rounds,
                  subprocess.run([QEMU, '--version'], stdout=subprocess.PIPE, text=True)
                  .stdout.split()[3], MEMORY, load_before[0], load_after[0])]
    text = markdown(rows, header)
    missing = [row[0] for row in rows if row[2] is None or row[3] is None]
    problems = ['%s %s' % (k.name, p) for k in (linux, apus) for p in k.problems]
    if missing:
        text += '\nMissing: %s.\n' % ', '.join(missing)
    if problems:
        text += '\nProblems:\n' + ''.join('- %s\n' % p for p in problems)
    with open(os.path.join(OUT, 'results.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(OUT, 'ratios.svg'), 'w') as f:
        f.write(svg(rows, title))
    with open(os.path.join(OUT, 'results.json'), 'w') as f:
        json.dump({'date': started.isoformat(), 'rounds': args.rounds, 'units': units,
                   'linux': {'kernel': linux.image, 'samples': linux.samples},
                   'apus': {'kernel': apus.image, 'samples': apus.samples},
                   'problems': problems, 'load': [load_before, load_after]}, f, indent=1)
    log('')
    log(text)
    log('bench: wrote %s/results.md, ratios.svg and results.json' % os.path.relpath(OUT, ROOT))
    return 0


if __name__ == '__main__':
    sys.exit(main())
