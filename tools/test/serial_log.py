#!/usr/bin/env python3
"""Parse and check an Apus serial log against docs/testing-protocol.md.

Used by kernel_tests.py; also runnable by hand on a saved log:

    python3 tools/test/serial_log.py selftest build/test-logs/selftest-32M.log --status 1
    python3 tools/test/serial_log.py boot     build/test-logs/boot.log --mem 256M
    python3 tools/test/serial_log.py oops     build/test-logs/oops.log --status 0
    python3 tools/test/serial_log.py user     build/test-logs/user.log --status 1

Each check yields a Result: a PASS or FAIL line for the tally, with an optional reason and
detail lines. Exits 0 when every check passed, 1 otherwise.
"""
import argparse
import re
import signal
import sys
import zlib

# `[    0.012345] ` -- Linux's printk prefix. Exactly one separating space is removed so that
# indented lines (Call Trace frames, zone lines) keep their indentation.
PRINTK_PREFIX = re.compile(r'^\[\s*(\d+)\.(\d+)\] ?')
ANSI_ESCAPE = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1bc')

# A Linux-style symbolized location: `name+0x1a/0x40` (the name may contain spaces, as
# demangled Swift names do: `closure #1 in Kernel.foo()`).
SYMBOL = r'(?P<sym>\S.*?)\+0x(?P<off>[0-9a-f]+)/0x(?P<size>[0-9a-f]+)'
FRAME = re.compile(r'^\s+(?:\? )?' + SYMBOL + r'\s*$')

EXPECTED_BEGIN = re.compile(r'^#\s*selftest: expected report begins')
EXPECTED_END = re.compile(r'^#\s*selftest: expected report ends')
FATAL_LINE = re.compile(r'^(BUG: |Oops: |Kernel panic - not syncing|general protection fault|'
                        r'double fault|invalid opcode: )')


class Result:
    def __init__(self, passed, name, reason='', details=None, note='', tap=False):
        self.passed = passed
        self.tap = tap                # one TAP line from the kernel (not a harness check)
        self.name = name.strip()
        self.reason = reason
        self.details = details or []
        self.note = note

    def lines(self):
        if self.passed:
            head = 'PASS ' + self.name + (' ' + self.note if self.note else '')
        else:
            head = 'FAIL ' + self.name + (': ' + self.reason if self.reason else '')
        return [head] + ['    ' + (d if len(d) <= 300 else d[:300] + ' ...') for d in self.details]

    def __repr__(self):
        return '\n'.join(self.lines())


def check(name, problems, note='', details=None):
    """A Result that passes when `problems` (a list of strings) is empty."""
    if problems:
        return Result(False, name, '; '.join(problems), details)
    return Result(True, name, note=note)


class Line:
    __slots__ = ('number', 'text', 'raw', 'time')

    def __init__(self, number, raw):
        self.number = number          # 1-based line number in the log file
        self.raw = raw
        m = PRINTK_PREFIX.match(raw)
        if m:
            self.time = float(m.group(1) + '.' + m.group(2))
            self.text = raw[m.end():]
        else:
            self.time = None
            self.text = raw


class SerialLog:
    def __init__(self, data):
        if isinstance(data, bytes):
            data = data.decode('utf-8', errors='replace')
        data = ANSI_ESCAPE.sub('', data.replace('\r\n', '\n').replace('\r', '\n'))
        self.lines = [Line(i + 1, raw) for i, raw in enumerate(data.split('\n'))]
        if self.lines and self.lines[-1].raw == '':
            self.lines.pop()

    @classmethod
    def read(cls, path):
        with open(path, 'rb') as f:
            return cls(f.read())

    def find(self, regex, start=0):
        """First line at or after index `start` whose text matches; (index, line, match)."""
        rx = re.compile(regex) if isinstance(regex, str) else regex
        for i in range(start, len(self.lines)):
            m = rx.search(self.lines[i].text)
            if m:
                return i, self.lines[i], m
        return None

    def find_all(self, regex):
        rx = re.compile(regex) if isinstance(regex, str) else regex
        out = []
        for i, line in enumerate(self.lines):
            m = rx.search(line.text)
            if m:
                out.append((i, line, m))
        return out

    def tail(self, n=25):
        return [line.raw for line in self.lines[-n:]]

    def fatal_lines(self):
        """BUG:/Oops:/panic lines, except those a self-test announced as expected: between
        `# selftest: expected report begins` and `# selftest: expected report ends` (or the next
        TAP result line). A `Kernel panic` is never expected."""
        out = []
        expected = False
        for line in self.lines:
            text = line.text.strip()
            if EXPECTED_BEGIN.match(text):
                expected = True
            elif EXPECTED_END.match(text) or TAP_RESULT.match(text):
                expected = False
            elif FATAL_LINE.match(text) and (not expected or text.startswith('Kernel panic')):
                out.append(line)
        return out


def parse_size(text):
    """QEMU -m syntax (`32M`, `4G`, `256`) to KiB."""
    m = re.fullmatch(r'(\d+)([MGmg]?)', text.strip())
    if not m:
        raise ValueError('bad memory size ' + text)
    n = int(m.group(1))
    return n * (1024 * 1024 if m.group(2).upper() == 'G' else 1024)


# ---------------------------------------------------------------------------------------------
# Generic checks

def check_clean(log, label):
    """No Oops / BUG / Kernel panic in a run that should not have one."""
    bad = log.fatal_lines()
    if bad:
        return Result(False, 'no oops or panic ' + label,
                      'line %d: %s' % (bad[0].number, bad[0].text.strip()))
    return Result(True, 'no oops or panic ' + label)


def check_boot_protocol(log, expected, label):
    hits = log.find_all(r'Boot protocol: (\S+)')
    name = 'boot protocol %s %s' % (expected, label)
    if not hits:
        return Result(False, name, "no 'Boot protocol: %s' line" % expected)
    seen = [m.group(1) for _, _, m in hits]
    if seen[0] != expected:
        return Result(False, name, "kernel says 'Boot protocol: %s'" % seen[0])
    # Where the ACPI RSDP came from, when the machine has ACPI: the boot loader's if it gives one.
    rsdp = log.find_all(r'ACPI: RSDP .* from (.*)$')
    source = RSDP_SOURCES.get(expected)
    if rsdp and source and not re.fullmatch(source, rsdp[0][2].group(1).strip()):
        return Result(False, name, "RSDP from '%s', expected %s" % (rsdp[0][2].group(1).strip(), source))
    return Result(True, name)


# Where each boot protocol's RSDP comes from (docs/boot.md): PVH's start info, Multiboot2's
# ACPI tags, Multiboot v1's none (the kernel searches the BIOS areas).
RSDP_SOURCES = {
    'PVH': r'the PVH start info',
    'Multiboot2': r'the Multiboot2 (old|new) ACPI tag',
    'Multiboot': r'the EBDA and BIOS area scan',
}


# ---------------------------------------------------------------------------------------------
# TAP (version 13) from `apus.selftest=...` and from the user tier's /init (tests/user/init.sh)

TAP_RESULT = re.compile(r'^(not ok|ok) (\d+)\b\s*(?:-\s*)?(.*)$')
TAP_BAIL_OUT = re.compile(r'^Bail out!\s*(.*)$')
TAP_PLAN = re.compile(r'^1\.\.(\d+)\s*(?:#.*)?$')
# `# selftest: 5 passed, 1 failed`; the user tier's says `# user: ...`.
TAP_SUMMARY = r'^#\s*%s:\s*(\d+) passed, (\d+) failed'
TAP_DIRECTIVE = re.compile(r'\s#\s*(SKIP|TODO)\b\s*(.*)$', re.IGNORECASE)


class TapTest:
    def __init__(self, ok, number, description, line):
        self.ok = ok
        self.number = number
        self.line = line
        self.directive = None
        m = TAP_DIRECTIVE.search(description)
        if m:
            self.directive = (m.group(1).upper(), m.group(2).strip())
            description = description[:m.start()]
        self.description = description.strip()
        self.diagnostics = []

    @property
    def short_name(self):
        """`buddy` for `buddy: 100000 random alloc/free ...`."""
        head, sep, _ = self.description.partition(':')
        return head.strip() if sep and head.strip() else self.description

    @property
    def detail(self):
        _, sep, rest = self.description.partition(':')
        return rest.strip() if sep else ''


class Tap:
    def __init__(self, log, tag='selftest'):
        self.tag = tag            # the word in the summary line
        summary_line = re.compile(TAP_SUMMARY % re.escape(tag))
        self.version_line = None
        self.plans = []           # (line, N)
        self.tests = []
        self.summary = None       # (passed, failed, line)
        self.bail_out = None      # the `Bail out!` line
        current = None
        for line in log.lines:
            text = line.text.strip()
            if text.startswith('TAP version'):
                self.version_line = line
                current = None
                continue
            m = TAP_PLAN.match(text)
            if m:
                self.plans.append((line, int(m.group(1))))
                current = None
                continue
            m = TAP_RESULT.match(text)
            if m:
                number = int(m.group(2)) if m.group(2) else None
                current = TapTest(m.group(1) == 'ok', number, m.group(3), line)
                self.tests.append(current)
                continue
            if TAP_BAIL_OUT.match(text):
                self.bail_out = line
                current = None
                continue
            m = summary_line.match(text)
            if m:
                self.summary = (int(m.group(1)), int(m.group(2)), line)
                current = None
                continue
            if current is not None and (text.startswith('#') or line.text.startswith('  ')):
                current.diagnostics.append(line.text.rstrip())

    @property
    def plan(self):
        return self.plans[0][1] if self.plans else None

    @property
    def failed(self):
        return [t for t in self.tests if not t.ok]


def tap_results(tap, label, prefix='kernel selftest'):
    """One PASS/FAIL per TAP result line, named `PREFIX SHORT_NAME #N LABEL`."""
    out = []
    for t in tap.tests:
        name = '%s %s #%s %s' % (prefix, t.short_name, t.number, label)
        if t.ok:
            note = ''
            if t.directive:
                note = '# %s %s' % t.directive
            elif t.detail:
                note = '- ' + t.detail
            out.append(Result(True, name, note=note, tap=True))
        else:
            out.append(Result(False, name, t.detail or 'not ok', t.diagnostics[:20], tap=True))
    return out


def check_tap_complete(tap, label, expected_plan=None, prefix='kernel selftest'):
    """The plan was printed once, before or after the results, and every test in it was
    reported, numbered 1..N, and the `# selftest:` (`# user:`) summary agrees."""
    problems = []
    if tap.version_line is None:
        problems.append("no 'TAP version 13' line")
    if tap.bail_out is not None:
        problems.append(tap.bail_out.text.strip())
    if not tap.plans:
        problems.append("no '1..N' plan line")
    elif len(tap.plans) > 1:
        problems.append('%d plan lines' % len(tap.plans))
    plan = tap.plan
    if plan is not None:
        if expected_plan is not None and plan != expected_plan:
            problems.append('plan 1..%d, expected 1..%d' % (plan, expected_plan))
        numbers = [t.number for t in tap.tests]
        if len(tap.tests) != plan:
            missing = sorted(set(range(1, plan + 1)) - set(n for n in numbers if n))
            msg = 'plan 1..%d but %d result%s' % (plan, len(tap.tests),
                                                  '' if len(tap.tests) == 1 else 's')
            if missing:
                shown = ', '.join(str(n) for n in missing[:10])
                msg += ' (missing %s%s)' % (shown, ', ...' if len(missing) > 10 else '')
            problems.append(msg)
        elif numbers != list(range(1, plan + 1)):
            problems.append('results are numbered %s, expected 1..%d' %
                            (' '.join('?' if n is None else str(n) for n in numbers[:20]), plan))
        # TAP allows the plan first or last, not in between.
        if tap.plans and tap.tests and \
                tap.tests[0].line.number < tap.plans[0][0].number < tap.tests[-1].line.number:
            problems.append('plan printed between results')
    if tap.summary is None:
        problems.append("no '# %s: N passed, M failed' line" % tap.tag)
    else:
        passed = sum(1 for t in tap.tests if t.ok)
        failed = len(tap.tests) - passed
        if (tap.summary[0], tap.summary[1]) != (passed, failed):
            problems.append("summary says %d passed, %d failed but the results show %d, %d" %
                            (tap.summary[0], tap.summary[1], passed, failed))
    note = ''
    if not problems:
        note = '(%d tests)' % plan
    return check(prefix + ' plan complete ' + label, problems, note)


def describe_status(status, timeout=None):
    if status is None:
        return 'no exit status'
    if status == 'stopped':
        return 'stopped by the harness'
    if status == 'stopped-panic':
        return 'stopped by the harness 3 s after a kernel panic (it did not reboot)'
    if status == 'stopped-quiet':
        return 'stopped by the harness when no output came for its quiet limit (a hang?)'
    if status in (124, 137):
        return 'timed out' + (' after %ss' % timeout if timeout else '')
    if status < 0:
        return 'killed by signal %d' % -status
    if status == 0:
        return 'exit status 0 (reset or shutdown with -no-reboot)'
    if status == 1:
        return 'exit status 1 (isa-debug-exit 0: all passed -- or a QEMU error)'
    if status & 1:
        return 'exit status %d (isa-debug-exit %d)' % (status, status >> 1)
    return 'exit status %d' % status


def check_selftest_status(tap, status, label, timeout=None):
    """isa-debug-exit: 0 -> status 1 when every test passed, 1 -> status 3 otherwise."""
    any_failed = bool(tap.failed) or not tap.tests
    expected = 3 if any_failed else 1
    name = 'kernel selftest exit status %s' % label
    if status == expected:
        return Result(True, name, note='(%d)' % status)
    return Result(False, name, '%s, expected %d (%s)' % (
        describe_status(status, timeout), expected,
        'a test failed' if any_failed else 'all tests passed'))


INITRD_LINE = re.compile(r'initrd: (\d+) bytes at \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\], '
                         r'adler32 0x([0-9a-f]{8})\b')


def check_initrd(log, data_size, adler, label):
    name = 'initrd adler32 %s' % label
    hit = log.find(INITRD_LINE)
    if hit is None:
        loose = log.find(r'initrd')
        reason = "no 'initrd: N bytes at [mem 0x...-0x...], adler32 0x........' line"
        if loose:
            reason += " (found: %r)" % loose[1].text.strip()
        return Result(False, name, reason)
    _, line, m = hit
    problems = []
    size = int(m.group(1))
    start, end = int(m.group(2), 16), int(m.group(3), 16)
    if size != data_size:
        problems.append('kernel says %d bytes, file has %d' % (size, data_size))
    if end - start + 1 != size:
        problems.append('[mem 0x%x-0x%x] is %d bytes, not %d' % (start, end, end - start + 1, size))
    if int(m.group(4), 16) != adler:
        problems.append('kernel says adler32 0x%s, host computed 0x%08x' % (m.group(4), adler))
    return check(name, problems, note='(0x%08x)' % adler)


UNPACKED = re.compile(r'Unpacked initramfs: (\d+) files, (\d+) directories, (\d+) symlinks, '
                      r'(\d+) bytes')


def check_unpacked(log, expected, label):
    """The kernel's `Unpacked initramfs: F files, D directories, S symlinks, B bytes` line
    matches what the host counted in the archive it was given."""
    name = 'initramfs unpacked completely ' + label
    failure = log.find(r'Initramfs unpacking failed: .*')
    if failure:
        return Result(False, name, failure[1].text.strip())
    hit = log.find(UNPACKED)
    if hit is None:
        return Result(False, name, "no 'Unpacked initramfs: ...' line")
    got = tuple(int(g) for g in hit[2].groups())
    text = '%d files, %d directories, %d symlinks, %d bytes'
    if got != tuple(expected):
        return Result(False, name, 'kernel unpacked %s, the archive holds %s' % (
            text % got, text % tuple(expected)))
    return Result(True, name, note='(%s)' % (text % got))


def check_selftest_run(log, status, label, protocol=None, timeout=None, expected_plan=None):
    tap = Tap(log)
    results = tap_results(tap, label)
    results.append(check_tap_complete(tap, label, expected_plan))
    results.append(check_selftest_status(tap, status, label, timeout))
    results.append(check_clean(log, label))
    if protocol:
        results.append(check_boot_protocol(log, protocol, label))
    return results


def check_poweroff(status, label, timeout=None, prefix='user'):
    """The user tier ends with `poweroff -f`: QEMU must have exited by itself, not been ended
    by its timeout or by the harness after a panic. (Which status a power-off gives depends
    on how the kernel leaves QEMU: isa-debug-exit or a reset with -no-reboot.)"""
    name = prefix + ' poweroff ends QEMU ' + label
    if isinstance(status, int) and status >= 0 and status not in (124, 137):
        return Result(True, name, note='(%s)' % describe_status(status))
    return Result(False, name, describe_status(status, timeout))


def check_power_run(log, status, label, expected, timeout=None):
    """`poweroff -f` or `reboot -f` typed into `make run`'s shell: the expected lines in order,
    no oops or panic, and QEMU exiting with status 0 by itself -- ACPI's soft-off, or a reset
    under -no-reboot -- not through isa-debug-exit (status 1) or a timeout."""
    results = ordered_lines(log, expected, 'power', label)
    results.append(check_no_fatal(log, label))
    results.append(check_exit_zero('power QEMU exit status 0 ' + label, status, timeout))
    return results


def check_no_fatal(log, label):
    """No oops or panic anywhere in the log."""
    fatal = log.fatal_lines()
    return check('no oops or panic ' + label,
                 ['line %d: %s' % (fatal[0].number, fatal[0].text.strip())] if fatal else [])


def check_exit_zero(name, status, timeout=None):
    """QEMU exited with status 0: a reset or shutdown (-no-reboot)."""
    if status == 0:
        return Result(True, name)
    return Result(False, name, describe_status(status, timeout))


def check_user_run(log, status, label, timeout=None, tag='user'):
    """A boot with tests/user/init.sh (or tools/fuzz/init.sh, tag 'fuzz') as /init: each TAP
    line it printed, its plan and `# user:` summary, the power-off at the end, and no oops or
    panic."""
    tap = Tap(log, tag=tag)
    results = tap_results(tap, label, prefix=tag)
    results.append(check_tap_complete(tap, label, prefix=tag))
    results.append(check_poweroff(status, label, timeout, prefix=tag))
    results.append(check_clean(log, label))
    return results


def check_unknown_selftest(log, status, name, label, timeout=None):
    """`apus.selftest=<unknown>` must give exactly one `not ok` naming it, and status 3."""
    tap = Tap(log)
    problems = []
    if len(tap.tests) != 1:
        problems.append('%d results, expected 1' % len(tap.tests))
    elif tap.tests[0].ok:
        problems.append("reported 'ok'")
    elif name not in tap.tests[0].description:
        problems.append("the 'not ok' line does not name %r" % name)
    if tap.plan != 1:
        problems.append('plan %s, expected 1..1' % ('missing' if tap.plan is None else
                                                      '1..%d' % tap.plan))
    if status != 3:
        problems.append('%s, expected 3' % describe_status(status, timeout))
    bad = log.fatal_lines()
    if bad:
        problems.append('line %d: %s' % (bad[0].number, bad[0].text.strip()))
    return [check('kernel selftest unknown name is reported as not ok ' + label, problems)]


# ---------------------------------------------------------------------------------------------
# The plain boot log

E820 = re.compile(r'BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (\S.*?)\s*$')
ZONE = re.compile(r'^\s+(DMA32|DMA|Normal|Movable|HighMem|Device)\s+'
                  r'(?:\[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]|(empty))\s*$')
MEMORY = re.compile(r'Memory: (\d+)K/(\d+)K available')


def check_printk_format(log, required, label):
    """The required lines carry `[    0.000000] ` and timestamps never go backwards."""
    problems = []
    for regex in required:
        hit = log.find(regex)
        if hit and hit[1].time is None:
            problems.append('line %d has no [seconds.micros] prefix: %r' % (hit[1].number,
                                                                              hit[1].raw))
    last = None
    for line in log.lines:
        if line.time is None:
            continue
        if last is not None and line.time < last.time:
            problems.append('timestamp goes backwards at line %d (%s after %s)' %
                            (line.number, line.time, last.time))
            break
        last = line
    if not any(line.time is not None for line in log.lines):
        problems.append('no line has a printk timestamp')
    return check('boot log printk timestamps ' + label, problems[:3])


def check_e820(log, mem_kib, label):
    hits = log.find_all(E820)
    name = 'boot log e820 memory map ' + label
    if not hits:
        return Result(False, name, "no 'BIOS-e820: [mem 0x...-0x...] type' lines")
    problems = []
    regions = []
    for _, line, m in hits:
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        if len(m.group(1)) != 16 or len(m.group(2)) != 16:
            problems.append('addresses are not 16 hex digits at line %d' % line.number)
        if end < start:
            problems.append('end before start at line %d' % line.number)
        regions.append((start, end, m.group(3)))
    usable = sum(e - s + 1 for s, e, kind in regions if kind == 'usable')
    if usable == 0:
        problems.append('no usable region')
    elif mem_kib:
        total = mem_kib * 1024
        if not (0.9 * total <= usable <= total):
            problems.append('usable regions add up to %d KiB, -m gives %d KiB' %
                            (usable // 1024, mem_kib))
    ordered = sorted(regions)
    for a, b in zip(ordered, ordered[1:]):
        if b[0] <= a[1]:
            problems.append('regions overlap: 0x%x-0x%x and 0x%x-0x%x' % (a[0], a[1], b[0], b[1]))
            break
    return check(name, problems[:3], note='(%d regions, %d KiB usable)' %
                 (len(regions), usable // 1024))


def check_zones(log, label):
    name = 'boot log zone ranges ' + label
    hit = log.find(r'^Zone ranges:\s*$')
    if hit is None:
        return Result(False, name, "no 'Zone ranges:' line")
    zones = []
    for line in log.lines[hit[0] + 1:]:
        m = ZONE.match(line.text)
        if not m:
            break
        zones.append((m.group(1), None if m.group(4) else (int(m.group(2), 16),
                                                            int(m.group(3), 16))))
    problems = []
    if not zones:
        problems.append("no '  DMA      [mem 0x...-0x...]' lines after 'Zone ranges:'")
    ranges = [r for _, r in zones if r]
    if zones and not ranges:
        problems.append('every zone is empty')
    for a, b in zip(ranges, ranges[1:]):
        if b[0] <= a[1]:
            problems.append('zones overlap or are out of order')
            break
    dma = [r for n, r in zones if n == 'DMA' and r]
    if dma and dma[0][1] > 0xffffff:
        problems.append('DMA zone ends above 16 MiB')
    return check(name, problems, note='(%s)' % ', '.join(n for n, _ in zones))


def check_memory_line(log, mem_kib, label):
    name = 'boot log Memory: line ' + label
    hit = log.find(MEMORY)
    if hit is None:
        return Result(False, name, "no 'Memory: NK/NK available' line")
    free, total = int(hit[2].group(1)), int(hit[2].group(2))
    problems = []
    if free == 0 or free > total:
        problems.append('%dK available of %dK' % (free, total))
    if mem_kib and not (0.9 * mem_kib <= total <= mem_kib):
        problems.append('total %dK does not match -m (%dK)' % (total, mem_kib))
    return check(name, problems, note='(%dK/%dK)' % (free, total))


def check_line(log, name, regex, what):
    hit = log.find(regex)
    if hit is None:
        return Result(False, name, 'no %s line' % what)
    return Result(True, name, note='(%s)' % hit[1].text.strip())


def check_boot_run(log, status, mem_kib, label, protocol='Multiboot', timeout=None):
    required = [r'BIOS-e820: ', r'^Zone ranges:', MEMORY, r'Apus booted\.']
    results = [
        check_boot_protocol(log, protocol, label),
        check_printk_format(log, required, label),
        check_e820(log, mem_kib, label),
        check_zones(log, label),
        check_memory_line(log, mem_kib, label),
        check_line(log, 'boot log APIC timer ' + label, r'APIC timer calibrated: .*\d+ Hz',
                   "'APIC timer calibrated: ... Hz'"),
        check_line(log, 'boot log TSC ' + label, r'tsc: Detected \d+\.\d+ MHz processor',
                   "'tsc: Detected N.NNN MHz processor'"),
        check_line(log, 'boot log HZ ' + label, r'\bHZ=\d+\b', "'HZ=N'"),
    ]
    booted = log.find(r'^Apus booted\.')
    if booted is None:
        results.append(Result(False, "boot reaches 'Apus booted.' " + label,
                              describe_status(status, timeout)))
    elif status != 'stopped':
        # Without a self-test the kernel idles: it must still be running when we stop it.
        how = describe_status(status, timeout)
        if status not in (124, 137):
            how = 'QEMU ended by itself after boot: ' + how
        results.append(Result(False, "boot reaches 'Apus booted.' " + label, how))
    else:
        results.append(Result(True, "boot reaches 'Apus booted.' " + label,
                              note='(at %ss)' % booted[1].time if booted[1].time is not None
                              else ''))
    results.append(check_clean(log, label))
    return results


# ---------------------------------------------------------------------------------------------
# The oops report from `apus.selftest=oops panic=-1`

# The address the oops self-test writes to (docs/testing-protocol.md), as Linux prints it.
OOPS_ADDRESS = '00000badbeef0000'

GPRS = ['RAX', 'RBX', 'RCX', 'RDX', 'RSI', 'RDI', 'RBP', 'R0?8', 'R0?9', 'R10', 'R11', 'R12',
        'R13', 'R14', 'R15']


def page_fault_preamble(address=OOPS_ADDRESS, access='write access', error_code='0002',
                        reason='not-present page'):
    """The lines an oops from a page fault starts with, as (name, regex, what) in order; the
    defaults are the oops self-test's write to an unmapped address."""
    return [
        ('BUG line', r'^BUG: unable to handle page fault for address: %s$' % address,
         "'BUG: unable to handle page fault for address: %s'" % address),
        ('#PF access', r'^#PF: supervisor %s in kernel mode$' % access,
         "'#PF: supervisor %s in kernel mode'" % access),
        ('#PF error code', r'^#PF: error_code\(0x%s\) - %s$' % (error_code, reason),
         "'#PF: error_code(0x%s) - %s'" % (error_code, reason)),
        ('Oops line', r'^Oops: %s \[#1\]' % error_code, "'Oops: %s [#1]'" % error_code),
    ]


def check_oops_run(log, status, label='', timeout=None, preamble=None, cr2=OOPS_ADDRESS,
                   comm=r'\S+'):
    """An oops self-test's report: `preamble` (default: page_fault_preamble()) in order, the
    CPU line naming a task whose name matches `comm`, registers with CR2 matching `cr2`, the
    symbolized RIP and Call Trace, the panic."""
    sfx = (' ' + label) if label else ''
    results = []

    def step(name, regex, start, what=None):
        hit = log.find(regex, start)
        if hit is None:
            anywhere = log.find(regex)
            reason = 'no %s' % (what or repr(regex))
            if anywhere:
                reason += ' after the previous part of the report (found at line %d)' % \
                    anywhere[1].number
            results.append(Result(False, 'oops report ' + name + sfx, reason))
            return start
        results.append(Result(True, 'oops report ' + name + sfx))
        return hit[0]

    pos = 0
    for name, regex, what in preamble or page_fault_preamble():
        pos = step(name, regex, pos, what)
    pos = step('CPU line', r'^CPU: \d+ PID: \d+ Comm: %s( |$)' % comm, pos,
               "'CPU: 0 PID: 0 Comm: swapper'")

    # RIP symbolized: `RIP: 0010:Kernel.SelfTests.oops()+0x1a/0x40`
    rip_hit = log.find(r'^RIP: 0010:' + SYMBOL + r'\s*$', pos)
    rip_sym = None
    if rip_hit is None:
        raw = log.find(r'^RIP: ')
        results.append(Result(False, 'oops report RIP symbolized' + sfx,
                              'no RIP: 0010:<symbol>+0x<off>/0x<size> line' +
                              (' (found %r)' % raw[1].text.strip() if raw else '')))
    else:
        rip_sym = rip_hit[2].group('sym')
        problems = []
        if re.fullmatch(r'(0x)?[0-9a-fA-F]+', rip_sym):
            problems.append('symbol is a bare address: %r' % rip_sym)
        if int(rip_hit[2].group('off'), 16) >= int(rip_hit[2].group('size'), 16):
            problems.append('offset 0x%s not inside size 0x%s' % (rip_hit[2].group('off'),
                                                                  rip_hit[2].group('size')))
        results.append(check('oops report RIP symbolized' + sfx, problems,
                             note='(%s)' % rip_hit[1].text.strip()))
        pos = rip_hit[0]

    # Registers, anywhere between the RIP line and the Call Trace.
    reg_text = ' '.join(l.text for l in log.lines[pos:pos + 16])
    missing = []
    if not re.search(r'\bRSP: [0-9a-f]{4}:[0-9a-f]+', reg_text):
        missing.append('RSP')
    if not re.search(r'\bEFLAGS: [0-9a-f]+', reg_text):
        missing.append('EFLAGS')
    for reg in GPRS:
        if not re.search(r'\b' + reg + r': [0-9a-f]+\b', reg_text):
            missing.append(reg.replace('0?', '0'))
    if not re.search(r'\bCR2: %s\b' % cr2, reg_text):
        found = re.search(r'\bCR2: ([0-9a-f]+)', reg_text)
        missing.append('CR2: %s%s' % (cr2, ' (CR2 is %s)' % found.group(1) if found else ''))
    results.append(check('oops report registers' + sfx,
                         ['missing ' + ', '.join(missing)] if missing else []))

    # Call Trace: at least 2 symbolized frames.
    trace = log.find(r'^Call Trace:\s*$', pos)
    frames = []
    if trace is None:
        results.append(Result(False, 'oops report Call Trace' + sfx, "no 'Call Trace:' line"))
    else:
        unsymbolized = []
        for line in log.lines[trace[0] + 1:]:
            text = line.text
            if not text.startswith((' ', '\t')) or not text.strip():
                break
            if re.match(r'^\s+</?\w+>\s*$', text):          # <TASK>, </IRQ>, ...
                continue
            m = FRAME.match(text)
            if m and not re.fullmatch(r'(0x)?[0-9a-fA-F]+', m.group('sym')):
                frames.append(m.group('sym'))
            else:
                unsymbolized.append(text.strip())
        problems = []
        if len(frames) < 2:
            problems.append('%d symbolized frame%s, expected at least 2' %
                            (len(frames), '' if len(frames) == 1 else 's'))
            if unsymbolized:
                problems.append('unsymbolized: ' + ', '.join(unsymbolized[:3]))
        note = '(%d symbolized frames%s)' % (len(frames), ', %d not: %s' % (
            len(unsymbolized), ', '.join(unsymbolized[:3])) if unsymbolized else '')
        results.append(check('oops report Call Trace' + sfx, problems, note=note))
        pos = trace[0]

    names = ([rip_sym] if rip_sym else []) + frames
    if names:
        results.append(check('oops report names the oops self-test' + sfx,
                             [] if any('oops' in n.lower() for n in names) else
                             ['no frame or RIP symbol contains "oops": ' + ', '.join(names[:5])]))

    step('panic line', r'^Kernel panic - not syncing', pos,
         "'Kernel panic - not syncing: ...'")
    results.append(check_exit_zero('oops panic=-1 reboots (exit status 0)' + sfx, status, timeout))
    return results


# ---------------------------------------------------------------------------------------------
# Starting init (docs/testing-protocol.md): lines in order, ending with the panic the run ends in

def ordered_lines(log, expected, kind, label):
    """`expected` is a list of (name, regex) that must match lines in this order."""
    results = []
    pos = 0
    for name, regex in expected:
        hit = log.find(regex, pos)
        result_name = '%s %s %s' % (kind, name, label)
        if hit is None:
            anywhere = log.find(regex)
            reason = 'no line matching %r' % regex
            if anywhere:
                reason += ' after the previous one (found at line %d)' % anywhere[1].number
            results.append(Result(False, result_name, reason))
        else:
            results.append(Result(True, result_name, note='(%s)' % hit[1].text.strip()))
            pos = hit[0] + 1
    return results


def check_init_run(log, status, label, expected, timeout=None):
    """`expected` lines in order (see ordered_lines); the last is the `Kernel panic - not
    syncing: ...` line the run ends with. With panic=-1 the kernel reboots at once and QEMU
    (-no-reboot) exits with status 0."""
    results = ordered_lines(log, expected, 'init', label)
    final_panic = re.compile(expected[-1][1])
    other = [line for line in log.fatal_lines() if not final_panic.search(line.text)]
    results.append(check('no other oops or panic ' + label,
                         ['line %d: %s' % (other[0].number, other[0].text.strip())] if other else []))
    results.append(check_exit_zero('init panic=-1 reboots (exit status 0) ' + label, status, timeout))
    return results


def check_shell_run(log, status, label, expected, timeout=None):
    """`make run`'s image driven through the serial console: the typed commands' output lines
    in order (see ordered_lines), no oops or panic, and the typed `poweroff -f` ending QEMU."""
    results = ordered_lines(log, expected, 'shell', label)
    results.append(check_no_fatal(log, label))
    results.append(check_poweroff(status, label, timeout))
    return results


# ---------------------------------------------------------------------------------------------

def main(argv=None):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)     # `| head` is fine
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('kind', choices=['selftest', 'boot', 'oops', 'tap', 'user'])
    ap.add_argument('log')
    ap.add_argument('--status', help="QEMU's exit status: a number, 'stopped' (the harness ended it), 'stopped-panic' or 'stopped-quiet'")
    ap.add_argument('--mem', default=None, help='the -m value of the run (boot checks)')
    ap.add_argument('--protocol', default=None, help="expected 'Boot protocol:' (Multiboot, PVH)")
    ap.add_argument('--initrd', default=None, help='the -initrd file, to check its adler32')
    ap.add_argument('--label', default='', help='suffix for the result names')
    args = ap.parse_args(argv)
    log = SerialLog.read(args.log)
    status = args.status
    if status is not None and not status.startswith('stopped'):
        status = int(status)
    if args.kind in ('selftest', 'tap'):
        results = check_selftest_run(log, status, args.label, args.protocol)
        if args.kind == 'tap':
            results = results[:-3]       # only the TAP lines and the plan
        if args.initrd:
            with open(args.initrd, 'rb') as f:
                data = f.read()
            results.append(check_initrd(log, len(data), zlib.adler32(data) & 0xffffffff,
                                        args.label))
    elif args.kind == 'user':
        results = check_user_run(log, status, args.label)
    elif args.kind == 'boot':
        results = check_boot_run(log, status, parse_size(args.mem) if args.mem else None,
                                 args.label, args.protocol or 'Multiboot')
    else:
        results = check_oops_run(log, status, args.label)
    for r in results:
        print('\n'.join(r.lines()))
    return 0 if all(r.passed for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
