#!/usr/bin/env python3
"""Boot the kernel under QEMU in several configurations and check the serial logs: runs with
`apus.selftest=` boot the test image build/apus-test.elf, the others build/apus.elf.

    tools/test/run-kernel-tests.sh              all runs
    tools/test/run-kernel-tests.sh --list       the run names
    tools/test/run-kernel-tests.sh boot oops    only these runs
    tools/test/run-kernel-tests.sh -j1          one QEMU at a time

Environment: QEMU (default qemu-system-x86_64), APUS_KERNEL (default build/apus.elf),
APUS_TEST_KERNEL (default build/apus-test.elf),
APUS_TEST_TIMEOUT (seconds per boot, default 120; the -m 4G run gets twice that),
APUS_TEST_JOBS (QEMUs in parallel, default: number of CPUs, at most 4).

Prints one `PASS name` / `FAIL name: reason` line per check; logs go to build/test-logs/
(<run>.log is the serial output, <run>.cmd the exact QEMU command, <run>.stderr QEMU's own
messages). Exits 1 if anything failed.
"""
import argparse
import base64
import concurrent.futures
import gzip
import os
import random
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

sys.dont_write_bytecode = True        # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log as sl  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
BUILD = os.environ.get('B', 'build')
LOGS = os.path.join(BUILD, 'test-logs')
QEMU = os.environ.get('QEMU', 'qemu-system-x86_64')
KERNEL = os.environ.get('APUS_KERNEL', os.path.join(BUILD, 'apus.elf'))
# The kernel with its self-tests linked in (tests/kernel): what `apus.selftest=` runs boot.
TEST_KERNEL = os.environ.get('APUS_TEST_KERNEL', os.path.join(BUILD, 'apus-test.elf'))
BASE_TIMEOUT = int(os.environ.get('APUS_TEST_TIMEOUT', '120'))
INITRD = os.path.join(BUILD, 'test-initrd.bin')
INITRD_SIZE = 8 * 1024 * 1024
PVH_KERNEL = os.path.join(LOGS, 'apus-pvh.elf')
# The exec self-test's program (tests/kernel/user/exec_check.c), which make builds with the test
# image, as /init of two small initramfs archives: one that runs it, one whose /init cannot run.
EXEC_CHECK = os.path.join(BUILD, 'user', 'exec-check')
INIT_INITRAMFS = os.path.join(LOGS, 'init-exec-check.cpio')
BROKEN_INIT_INITRAMFS = os.path.join(LOGS, 'init-broken.cpio')
TEST_ISO = os.path.join(LOGS, 'apus-selftest.iso')

RUN_INITRAMFS = os.path.join(BUILD, 'initramfs.cpio.gz')
USER_INITRAMFS = os.path.join(BUILD, 'user-initramfs.cpio')
# The fuzz run (tools/fuzz, docs/robustness.md): `make fuzz` sets these for long runs.
FUZZ_INITRAMFS = os.path.join(BUILD, 'fuzz-initramfs.cpio')
FUZZ_SEED = int(os.environ.get('FUZZ_SEED', '1'))
FUZZ_CALLS = int(os.environ.get('FUZZ_CALLS', '20000'))
FUZZ_EXEC = int(os.environ.get('FUZZ_EXEC', '400'))
FUZZ_REPLAY = os.environ.get('FUZZ_REPLAY', '')
FUZZ_WORKERS = os.environ.get('FUZZ_WORKERS', '1')

# The `pci` run's virtio disk: 1 MiB of zeros (nothing reads it yet).
PCI_DISK = os.path.join(LOGS, 'pci-disk.img')

MULTIBOOT1_MAGIC = 0x1BADB002


class PrepError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Artefacts some runs need

def make_initrd():
    """8 MiB of reproducible pseudo-random bytes (made once), and their Adler-32."""
    if not (os.path.exists(INITRD) and os.path.getsize(INITRD) == INITRD_SIZE):
        data = random.Random(0xA905).randbytes(INITRD_SIZE)
        tmp = INITRD + '.tmp'
        with open(tmp, 'wb') as f:
            f.write(data)
        os.replace(tmp, INITRD)
    with open(INITRD, 'rb') as f:
        data = f.read()
    return len(data), zlib.adler32(data) & 0xffffffff


def find_multiboot1_header(image):
    """Offset of a valid Multiboot v1 header (magic, flags, checksum summing to 0) in the
    first 8 KiB, 4-byte aligned, or None."""
    for off in range(0, min(len(image), 8192) - 11, 4):
        magic, flags, checksum = struct.unpack_from('<III', image, off)
        if magic == MULTIBOOT1_MAGIC and (magic + flags + checksum) & 0xffffffff == 0:
            return off
    return None


def has_pvh_note(image):
    """Does the ELF64 image carry a Xen ELF note of type 18 (XEN_ELFNOTE_PHYS32_ENTRY)?"""
    if image[:4] != b'\x7fELF' or image[4] != 2:
        return False
    e_phoff, = struct.unpack_from('<Q', image, 0x20)
    e_shoff, = struct.unpack_from('<Q', image, 0x28)
    e_phentsize, e_phnum, e_shentsize, e_shnum = struct.unpack_from('<HHHH', image, 0x36)
    areas = []
    for i in range(e_phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from('<IIQQQQ', image,
                                                                 e_phoff + i * e_phentsize)
        if p_type == 4:                               # PT_NOTE
            areas.append((p_offset, p_filesz))
    for i in range(e_shnum):
        base = e_shoff + i * e_shentsize
        if base + 0x28 > len(image):
            break
        sh_type, = struct.unpack_from('<I', image, base + 4)
        sh_offset, sh_size = struct.unpack_from('<QQ', image, base + 0x18)
        if sh_type == 7:                              # SHT_NOTE
            areas.append((sh_offset, sh_size))
    for off, size in areas:
        pos, end = off, min(off + size, len(image))
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from('<III', image, pos)
            name = image[pos + 12:pos + 12 + namesz].rstrip(b'\0')
            if name == b'Xen' and ntype == 18:
                return True
            pos += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
    return False


def make_pvh_copy():
    """A copy of the test kernel whose Multiboot v1 magic is zeroed, so QEMU falls back to PVH."""
    with open(TEST_KERNEL, 'rb') as f:
        image = bytearray(f.read())
    if not has_pvh_note(image):
        raise PrepError('%s has no PVH ELF note (Xen note type 18, XEN_ELFNOTE_PHYS32_ENTRY)'
                        % TEST_KERNEL)
    off = find_multiboot1_header(image)
    if off is None:
        raise PrepError('no Multiboot v1 header (0x1BADB002 with a valid checksum) in the '
                        'first 8 KiB of %s' % TEST_KERNEL)
    image[off:off + 4] = b'\0\0\0\0'
    if find_multiboot1_header(image) is not None:
        raise PrepError('%s has a second Multiboot v1 header' % TEST_KERNEL)
    with open(PVH_KERNEL, 'wb') as f:
        f.write(image)


def make_test_iso():
    if shutil.which('grub-file'):
        r = subprocess.run(['grub-file', '--is-x86-multiboot2', TEST_KERNEL])
        if r.returncode != 0:
            raise PrepError('%s has no Multiboot2 header (grub-file --is-x86-multiboot2)'
                            % TEST_KERNEL)
    r = subprocess.run(['tools/make-iso.sh', '-o', TEST_ISO, '-k', TEST_KERNEL, '-i', INITRD,
                        '-c', 'console=ttyS0 apus.selftest=all'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise PrepError('tools/make-iso.sh failed: ' + r.stdout.strip().replace('\n', ' | ')[-300:])


def make_init_initramfs():
    """/init = exec-check; and an /init script whose interpreter does not exist. Both made
    by tools/mkinitramfs, the tool every initramfs of the project comes from."""
    made_by_make(EXEC_CHECK)()
    for archive, init in ((INIT_INITRAMFS, None), (BROKEN_INIT_INITRAMFS, b'#!/no/such/interpreter\n')):
        with tempfile.TemporaryDirectory() as root:
            target = os.path.join(root, 'init')
            if init is None:
                shutil.copyfile(EXEC_CHECK, target)
            else:
                with open(target, 'wb') as f:
                    f.write(init)
            os.chmod(target, 0o755)
            r = subprocess.run(['tools/mkinitramfs', root, '-o', archive],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                raise PrepError('tools/mkinitramfs failed: ' + r.stdout.strip()[-300:])


def prepare_pci_disk():
    """The user initramfs, and the `pci` run's raw disk image."""
    made_by_make(USER_INITRAMFS)()
    with open(PCI_DISK, 'wb') as f:
        f.truncate(1 << 20)


def made_by_make(target):
    """A prepare step that brings `target` up to date with make (the initramfs images)."""
    def prepare():
        make = shlex.split(os.environ.get('MAKE', 'make'))
        r = subprocess.run(make + ['-s', 'B=' + BUILD, target],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise PrepError('%s %s failed: %s' % (' '.join(make), target,
                                                   r.stdout.strip().replace('\n', ' | ')[-300:]))
    return prepare


def initramfs_counts(path):
    """What the kernel's `Unpacked initramfs:` line must say for this archive (newc, maybe
    gzipped): entries other than directories and symbolic links, directories, symbolic
    links, and the bytes of the regular files' data."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    files = directories = symlinks = size = 0
    pos = 0
    while True:
        while pos < len(data) and data[pos] == 0:         # padding between archives
            pos += 1
        if data[pos:pos + 6] not in (b'070701', b'070702'):
            break
        mode, filesize = int(data[pos + 14:pos + 22], 16), int(data[pos + 54:pos + 62], 16)
        namesize = int(data[pos + 94:pos + 102], 16)
        name = data[pos + 110:pos + 109 + namesize]
        start = (pos + 110 + namesize + 3) & ~3
        pos = (start + filesize + 3) & ~3
        kind = mode & 0o170000
        if name == b'TRAILER!!!':
            continue
        if kind == 0o040000:
            directories += 1
        elif kind == 0o120000:
            symlinks += 1
        else:
            files += 1
            size += filesize if kind == 0o100000 else 0
    return files, directories, symlinks, size


# ---------------------------------------------------------------------------------------------
# The runs

CONSOLE_LISTENS = 'irq 4: serial'
# The kinds of run that ask for self-tests (`apus.selftest=`), which only the test image has.
SELFTEST_KINDS = ('selftest', 'unknown', 'oops')


class Run:
    def __init__(self, name, label, kind, mem, append=None, timeout_factor=1, initrd=False,
                 kernel=None, cdrom=None, protocol='Multiboot', prepare=None, arg=None, cpu=None,
                 initramfs=None, quiet_limit=None, expected=None, typed=None,
                 type_after=CONSOLE_LISTENS, unpacks=True, machine=None):
        self.name = name
        self.label = '(' + label + ')'
        self.kind = kind
        self.mem = mem
        self.append = append
        self.timeout = int(BASE_TIMEOUT * timeout_factor)
        self.initrd = initrd
        # Runs that ask for self-tests boot the image that has them.
        self.kernel = kernel or (TEST_KERNEL if kind in SELFTEST_KINDS else KERNEL)
        self.cdrom = cdrom
        self.protocol = protocol
        self.prepare = prepare
        self.arg = arg
        self.cpu = cpu
        self.initramfs = initramfs    # an -initrd other than the random INITRD
        self.quiet_limit = quiet_limit  # seconds without output after which it is stopped
        self.expected = expected            # 'init' runs: (name, regex) lines in order
        self.typed = typed                  # bytes typed on the serial line ...
        self.type_after = type_after        # ... once the log has this line
        self.unpacks = unpacks              # the initramfs is unpacked in full
        self.machine = machine or []        # more QEMU arguments: machine type, devices

    def command(self):
        cmd = ['timeout', '-k', '10', str(self.timeout), QEMU]
        if self.cpu:
            cmd += ['-cpu', self.cpu]
        if self.cdrom:
            cmd += ['-cdrom', self.cdrom]
        else:
            cmd += ['-kernel', self.kernel]
        cmd += ['-m', self.mem, '-display', 'none', '-monitor', 'none',
                # Typed input needs the serial line on stdin/stdout (QEMU 7's file backend is
                # output only); execute() connects them to the typed bytes and the log.
                '-serial', 'stdio' if self.typed else 'file:' + self.log, '-no-reboot',
                '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
        cmd += self.machine
        if self.append is not None:
            cmd += ['-append', self.append]
        if self.initrd and not self.cdrom:      # an ISO carries it as a Multiboot2 module
            cmd += ['-initrd', INITRD]
        elif self.initramfs:
            cmd += ['-initrd', self.initramfs]
        return cmd

    @property
    def log(self):
        return os.path.join(LOGS, self.name + '.log')


RUNS = [
    # 32 MiB carries the 8 MiB initrd too: the tightest machine (with 16 MiB, the kernel's
    # own growth left the exec tests a margin of a few pages). (Without an initrd, at exactly
    # -m 32M, QEMU's TCG runs the allocator stress ~100x slower: its softmmu flushes the
    # whole TLB around code pages the firmware left inside a 2 MiB mapping. docs/memory.md.)
    Run('selftest-32M', '-m 32M, initrd', 'selftest', '32M', 'console=ttyS0 apus.selftest=all',
        initrd=True),
    Run('selftest-4G', '-m 4G', 'selftest', '4G', 'console=ttyS0 apus.selftest=all',
        timeout_factor=2),
    Run('selftest-initrd', '-m 256M, initrd', 'selftest', '256M',
        'console=ttyS0 apus.selftest=all', initrd=True),
    # A CPU with every feature QEMU emulates (XSAVE, SMEP, SMAP, RDRAND, ...), beside the bare
    # qemu64 default the other runs use: boot paths differ between them.
    Run('selftest-cpu-max', '-cpu max, -m 128M', 'selftest', '128M', 'console=ttyS0 apus.selftest=all',
        cpu='max'),
    Run('selftest-pvh', 'PVH, -m 128M', 'selftest', '128M', 'console=ttyS0 apus.selftest=all',
        kernel=PVH_KERNEL, protocol='PVH', prepare=make_pvh_copy),
    Run('selftest-unknown', '-m 32M', 'unknown', '32M',
        'console=ttyS0 apus.selftest=no_such_test', arg='no_such_test'),
    # Typed once the test reads, which prints nothing until it has read everything: the
    # echo never shares a line with a TAP line.
    Run('console', 'typed serial input, -m 64M', 'selftest', '64M',
        'console=ttyS0 apus.selftest=console', typed=b'apus console line\rab\x7fc\rlong\r\x04',
        type_after='# console: reading typed input'),
    # /init (exec-check) checks what it was given and stays running, so the machine idles.
    Run('boot', '-m 256M, init', 'boot', '256M', 'console=ttyS0 EXPECT_ARGS=/init',
        initramfs=INIT_INITRAMFS, prepare=make_init_initramfs),
    # Init gets the unknown words of the command line (bare ones and those after `--` as
    # arguments, name=value ones as environment), then exits, which panics like Linux.
    Run('init', '-m 64M, init exits', 'init', '64M',
        'console=ttyS0 panic=-1 apus.unused=1 first EXEC_CHECK_INIT=exit '
        'EXPECT_ARGS=/init|first|second -- second',
        initramfs=INIT_INITRAMFS, prepare=make_init_initramfs,
        expected=[('runs /init', r'^Run /init as init process$'),
                  ('checks pass', r'^exec-check: init ok$'),
                  ('exit panics', r'^Kernel panic - not syncing: Attempted to kill init! '
                                  r'exitcode=0x00000000$')]),
    # /init exists but cannot run: the other places are tried, then Linux's panic. The
    # kernel without self-tests says so when asked for them, and boots on.
    Run('no-init', '-m 64M, broken /init', 'init', '64M',
        'console=ttyS0 panic=-1 apus.selftest=all',
        initramfs=BROKEN_INIT_INITRAMFS, prepare=make_init_initramfs,
        expected=[('has no self-tests', r'^apus\.selftest=all: self-tests are not built into '
                                        r'this kernel'),
                  ('runs /init', r'^Run /init as init process$'),
                  ('reports the failure', r'^Failed to execute /init \(error -2\)$'),
                  ('tries /sbin/init', r'^Run /sbin/init as init process$'),
                  ('tries /bin/sh', r'^Run /bin/sh as init process$'),
                  ('finds none', r'^Kernel panic - not syncing: No working init found\.  Try '
                                 r'passing init= option to kernel\. See Linux '
                                 r'Documentation/admin-guide/init\.rst for guidance\.$')]),
    # Too little memory for make run's initramfs: unpacking it runs the heap dry, which
    # panics with Linux's line instead of trapping (no `invalid opcode` oops).
    Run('oom-10M', "make run's initramfs, -m 10M", 'init', '10M', 'console=ttyS0 panic=-1',
        initramfs=RUN_INITRAMFS, prepare=made_by_make(RUN_INITRAMFS), unpacks=False,
        expected=[('unpacks', r'^Trying to unpack rootfs image as initramfs\.\.\.$'),
                  ('reports it', r'^Out of memory: '),
                  ('panics', r'^Kernel panic - not syncing: Out of memory$')]),
    Run('oops', '-m 64M', 'oops', '64M', 'console=ttyS0 apus.selftest=oops panic=-1'),
    # SMAP: a plain kernel read of a present user page, outside the copy routines, oopses
    # with Linux's lines for it (a supervisor read, a permissions violation).
    Run('oops-smap', '-cpu max, -m 64M', 'oops', '64M',
        'console=ttyS0 apus.selftest=oops-smap panic=-1', cpu='max',
        expected=dict(preamble=sl.page_fault_preamble(
            '00000bad5ea10000', 'read access', '0001', 'permissions violation'),
            cr2='00000bad5ea10000')),
    # A kernel thread recursing without end runs into the guard page below its stack: the
    # double fault, on its own stack, reports the overflow and names the task.
    Run('oops-stack', '-m 64M', 'oops', '64M', 'console=ttyS0 apus.selftest=oops-stack panic=-1',
        expected=dict(preamble=[
            ('stack guard line', r'^BUG: TASK stack guard page was hit at [0-9a-f]{16} '
                                 r'\(stack is [0-9a-f]{16}\.\.[0-9a-f]{16}\)$',
             "'BUG: TASK stack guard page was hit at ... (stack is ...)'"),
            ('Oops line', r'^stack guard page: 0000 \[#1\]', "'stack guard page: 0000 [#1]'")],
            cr2='[0-9a-f]{16}', comm='stack-overflow')),
    # The stack protector: a function whose canary was overwritten panics, naming itself,
    # instead of returning through what overwrote it.
    Run('oops-canary', '-m 64M', 'init', '64M', 'console=ttyS0 apus.selftest=oops-canary panic=-1',
        kernel=TEST_KERNEL,
        expected=[('overwrites a canary', r'^selftest oops: overwriting a stack canary$'),
                  ('stack-protector panic', r'^Kernel panic - not syncing: stack-protector: Kernel '
                                            r'stack is corrupted in: canary_smash\+0x[0-9a-f]+/'
                                            r'0x[0-9a-f]+$')]),
    # A trap in a system call (tests/kernel/OopsRecoveryTests.swift): twice the report naming
    # the task, the second tainted, the task killed; a task killed for a request the heap
    # cannot serve; and the tests after them still run.
    Run('oops-user', '-m 64M', 'selftest', '64M', 'console=ttyS0 apus.selftest=oops_user,user',
        expected=[('first oops', r'^invalid opcode: 0000 \[#1\]$'),
                  ('names the task', r'^CPU: 0 PID: \d+ Comm: user-kbug Not tainted'),
                  ('RIP in the driver', r'^RIP: 0010:(specialized )?BuggyDevice\.read'),
                  ('Call Trace', r'^Call Trace:$'),
                  ('from the system call', r'^\s+entry_SYSCALL_64\+'),
                  ('end trace', r'^---\[ end trace [0-9a-f]{16} \]---$'),
                  ('task killed', r'^ok \d+ - oops: a trap in a system call kills only'),
                  ('second oops', r'^invalid opcode: 0000 \[#2\]$'),
                  ('tainted D', r'^CPU: 0 PID: \d+ Comm: user-kbug Tainted: G      D '),
                  ('OOM kill', r'^Out of memory: Killed process \d+ \(user-koom\)'),
                  ('tests go on', r'^ok \d+ - user: ring-3 program')]),
    # The same trap with panic_on_oops=1: the oops halts the machine, as before the net.
    Run('oops-user-panic', '-m 64M, panic_on_oops=1', 'init', '64M',
        'console=ttyS0 apus.selftest=oops_user panic_on_oops=1 panic=-1', kernel=TEST_KERNEL,
        expected=[('oops', r'^invalid opcode: 0000 \[#1\]$'),
                  ('names the task', r'^CPU: 0 PID: \d+ Comm: user-kbug Not tainted'),
                  ('panics', r'^Kernel panic - not syncing: Fatal exception$')]),
    Run('iso', 'GRUB ISO, -m 256M, initrd', 'selftest', '256M', None, cdrom=TEST_ISO,
        initrd=True, protocol='Multiboot2', prepare=make_test_iso),
    # `make run`'s initramfs, unpacked by the kernel and checked by the vfs self-test.
    Run('initramfs', "make run's initramfs, -m 128M", 'selftest', '128M',
        'console=ttyS0 apus.selftest=vfs', initramfs=RUN_INITRAMFS,
        prepare=made_by_make(RUN_INITRAMFS)),
    # `make run` as a person uses it: commands typed on the serial console into busybox sh.
    Run('shell', "make run's busybox sh, typed commands, -m 128M", 'shell', '128M', 'console=ttyS0',
        initramfs=RUN_INITRAMFS, prepare=made_by_make(RUN_INITRAMFS), quiet_limit=60,
        typed=b'echo typed-$((6*7))\recho piped | tr a-z A-Z\rcd /tmp && pwd\rpoweroff -f\r',
        expected=[('runs /init', r'^Run /init as init process$'),
                  ('banner', r'^Apus: starting /bin/sh'),
                  ('arithmetic', r'^typed-42$'),
                  ('a pipeline', r'^PIPED$'),
                  ('cd and pwd', r'^/tmp$'),
                  ('poweroff', r'reboot: Power down')]),
    # busybox's `poweroff -f` and `reboot -f` on `make run`'s image: ACPI's soft-off (PM1a_CNT)
    # ends QEMU with status 0, as Linux's does; a reset with -no-reboot ends it with 0 too.
    # With the tick profiler on (docs/performance.md): its histogram comes before the power-off.
    Run('poweroff', "make run's busybox sh, poweroff -f, -m 128M, apus.profile=1", 'power', '128M',
        'console=ttyS0 apus.profile=1',
        initramfs=RUN_INITRAMFS, prepare=made_by_make(RUN_INITRAMFS), quiet_limit=60,
        typed=b'poweroff -f\r',
        expected=[('profiles the tick', r'^profile: sampling every tick \(HZ=\d+\), \d+ counters'),
                  ('finds the ACPI tables', r'^ACPI: PM1a_CNT port 0x[0-9a-f]+, S5 SLP_TYP \d+$'),
                  ('prints the profile', r'^profile: \d+ samples at HZ=\d+, the largest first:$'),
                  ('names a kernel symbol', r'^profile: +\d+ +\d+\.\d% +[A-Za-z_$][^\[]*$'),
                  ('poweroff', r'reboot: Power down$')]),
    Run('reboot', "make run's busybox sh, reboot -f, -m 128M", 'power', '128M', 'console=ttyS0',
        initramfs=RUN_INITRAMFS, prepare=made_by_make(RUN_INITRAMFS), quiet_limit=60,
        typed=b'reboot -f\r', expected=[('reboot', r'reboot: Restarting system$')]),
    # The tests print at least every few seconds; 60 s of silence is a hang. 512M: mm.c maps
    # 256 MiB of private writable memory, which overcommit grants only with more RAM than that.
    # oom.c's hogs are stopped by the OOM killer, which names its victim.
    Run('user', 'busybox, -m 512M', 'user', '512M', 'console=ttyS0', timeout_factor=3,
        initramfs=USER_INITRAMFS, prepare=made_by_make(USER_INITRAMFS),
        quiet_limit=60,
        expected=[('OOM killer', r'^oom invoked oom-killer: gfp_mask=0x[0-9a-f]+\(GFP_HIGHUSER_MOVABLE'),
                  ('OOM victim', r'^Out of memory: Killed process \d+ \(oom\) total-vm:\d+kB, '
                                 r'anon-rss:\d+kB, file-rss:\d+kB, shmem-rss:0kB, UID:0 pgtables:\d+kB')]),
    # PCI on QEMU's q35 (ECAM from ACPI's MCFG) with a PCI-to-PCI bridge and a virtio disk behind
    # it: the scan crosses the bridge, the virtio function shows its capabilities, and
    # tests/user/pci.c and init.sh's pci_sysfs read it all back through sysfs.
    Run('pci', 'q35, bridge, virtio-blk, -m 256M', 'user', '256M', 'console=ttyS0 APUS_TESTS=pci',
        initramfs=USER_INITRAMFS, prepare=prepare_pci_disk, quiet_limit=60,
        machine=['-M', 'q35', '-drive', 'if=none,id=disk0,format=raw,file=' + PCI_DISK,
                 '-device', 'pci-bridge,id=bridge1,chassis_nr=1',
                 '-device', 'virtio-blk-pci,drive=disk0,bus=bridge1,addr=3'],
        expected=[('MCFG found', r'^PCI: MMCONFIG for domain 0000 \[bus 00-ff\] at \[mem 0xb0000000-0xbfffffff\]'),
                  ('ECAM used', r'^PCI: Using ECAM for base and extended configuration access$'),
                  ('q35 host bridge', r'^pci 0000:00:00\.0: \[8086:29c0\] type 00 class 0x060000'),
                  ('bridge scanned', r'^pci 0000:00:0\w\.0: PCI bridge to \[bus 01-01\]$'),
                  ('virtio behind it', r'^pci 0000:01:03\.0: \[1af4:1001\] type 00 class 0x010000'),
                  ('its 64-bit BAR', r'^pci 0000:01:03\.0: BAR 4 \[mem 0x[0-9a-f]+-0x[0-9a-f]+ 64bit pref\]$'),
                  ('its capabilities', r'^pci 0000:01:03\.0: capabilities: MSI-X@0x\w+( Vendor Specific@0x\w+){5}$')]),
    # The fuzzer as uid 65534, the exec corpus, then fork, exec and a file: no oops, no hang.
    # It prints a line per call, so 60 s of silence is a hung kernel.
    Run('fuzz', 'seed %d, %d calls, -m 256M' % (FUZZ_SEED, FUZZ_CALLS), 'fuzz', '256M',
        'console=ttyS0 FUZZ_SEED=%d FUZZ_CALLS=%d FUZZ_EXEC=%d' % (FUZZ_SEED, FUZZ_CALLS, FUZZ_EXEC)
        + (' FUZZ_REPLAY=' + FUZZ_REPLAY if FUZZ_REPLAY else '')
        + (' FUZZ_WORKERS=' + FUZZ_WORKERS if FUZZ_WORKERS != '1' else ''),
        timeout_factor=3 + FUZZ_CALLS / 10000, initramfs=FUZZ_INITRAMFS,
        prepare=made_by_make(FUZZ_INITRAMFS), quiet_limit=60),
]

BOOTED = 'Apus booted.'
PANIC = 'Kernel panic - not syncing'


def execute(run):
    """Boot once; returns (status, seconds, stderr text). status is QEMU's exit status
    (124/137 = timed out) or 'stopped' when the harness ended it."""
    for path in (run.log, run.log.replace('.log', '.stderr')):
        if os.path.exists(path):
            os.remove(path)
    cmd = run.command()
    with open(os.path.join(LOGS, run.name + '.cmd'), 'w') as f:
        f.write(shlex.join(cmd) + '\n')
    stderr_path = os.path.join(LOGS, run.name + '.stderr')
    start = time.monotonic()
    with open(stderr_path, 'wb') as err, open(run.log if run.typed else os.devnull, 'wb') as serial:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if run.typed else subprocess.DEVNULL,
                                stdout=serial if run.typed else err, stderr=err)
        # Like a person at a terminal, type only once the console listens (or the run's
        # own line says the reader waits): bytes sent before the UART is set up are lost,
        # as on real hardware.
        typed_pending = run.typed
        stop_at = None
        seen_size, last_output = 0, start
        stop_status = None
        status = None
        while True:
            try:
                status = proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if stop_at is None:
                try:
                    with open(run.log, 'rb') as f:
                        seen = f.read()
                except FileNotFoundError:
                    seen = b''
                # A plain boot idles after `Apus booted.`: stop it once it has had a moment
                # to print anything that follows. A panic without panic=-1 halts forever:
                # stop it too instead of waiting for the timeout.
                if typed_pending and run.type_after.encode() in seen:
                    proc.stdin.write(typed_pending)
                    proc.stdin.close()
                    typed_pending = None
                if len(seen) != seen_size:
                    seen_size, last_output = len(seen), now
                if PANIC.encode() in seen:
                    stop_at, stop_status = now + 3.0, 'stopped-panic'
                elif run.kind == 'boot' and BOOTED.encode() in seen:
                    stop_at, stop_status = now + 1.0, 'stopped'
                elif run.quiet_limit and now - last_output > run.quiet_limit:
                    # A program that hangs, or a kernel that never starts /init.
                    stop_at, stop_status = now, 'stopped-quiet'
            elif now >= stop_at:
                proc.terminate()          # timeout(1) passes SIGTERM on to QEMU
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                status = stop_status
                break
            if now - start > run.timeout + 30:     # timeout(1) itself misbehaving
                proc.kill()
                proc.wait()
                status = 124
                break
    elapsed = time.monotonic() - start
    with open(stderr_path, 'rb') as f:
        stderr = f.read().decode('utf-8', errors='replace')
    return status, elapsed, stderr


def check_core_with_gdb(log, label):
    """The user run's `# core:` lines (tests/user/init.sh's core_for_host): a core file Apus
    wrote, gzipped and base64-encoded. The host's gdb must read it and unwind the crashed
    thread to tests/user/coredump.c's crash() with the r12 it set (skipped without gdb)."""
    name = 'gdb reads a core file Apus wrote %s' % label
    data = ''.join(l.text[len('# core: '):] for l in log.lines if l.text.startswith('# core: '))
    if not data:
        return sl.Result(False, name, 'no "# core:" lines (tests/user/init.sh, core_for_host)')
    try:
        core = gzip.decompress(base64.b64decode(data))
    except (ValueError, OSError, EOFError) as e:
        return sl.Result(False, name, 'the core does not decode: %s' % e)
    path = os.path.join(LOGS, 'user.core')
    with open(path, 'wb') as f:
        f.write(core)
    gdb = shutil.which('gdb')
    if not gdb:
        return sl.Result(True, name, note='(skipped: no gdb; the core is %s)' % path)
    program = os.path.join(BUILD, 'user', 'coredump')
    out = subprocess.run([gdb, '-batch', '-nx', '-ex', 'bt', '-ex', 'info registers r12', program, path],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    passed = re.search(r'^#0 .* in crash ', out, re.M) and '0x1122334455667788' in out
    return sl.Result(bool(passed), name, '' if passed else 'no crash() frame or r12 in gdb\'s answer',
                     details=out.splitlines()[-12:])


def check_run(run, status, initrd_info):
    try:
        log = sl.SerialLog.read(run.log)
    except FileNotFoundError:
        log = sl.SerialLog(b'')
    if run.kind == 'selftest':
        results = sl.check_selftest_run(log, status, run.label, run.protocol, run.timeout)
        if run.expected:
            results += sl.ordered_lines(log, run.expected, run.name, run.label)
        if run.initrd:
            results.append(sl.check_initrd(log, initrd_info[0], initrd_info[1], run.label))
    elif run.kind == 'unknown':
        results = sl.check_unknown_selftest(log, status, run.arg, run.label, run.timeout)
    elif run.kind == 'init':
        results = sl.check_init_run(log, status, run.label, run.expected, run.timeout)
    elif run.kind == 'shell':
        results = sl.check_shell_run(log, status, run.label, run.expected, run.timeout)
    elif run.kind == 'power':
        results = sl.check_power_run(log, status, run.label, run.expected, run.timeout)
    elif run.kind == 'user':
        results = sl.check_user_run(log, status, run.label, run.timeout)
        if run.expected:
            results += sl.ordered_lines(log, run.expected, run.name, run.label)
        if 'APUS_TESTS=' not in (run.append or ''):      # a chosen few skip core_for_host
            results.append(check_core_with_gdb(log, run.label))
    elif run.kind == 'fuzz':
        results = sl.check_user_run(log, status, run.label, run.timeout, tag='fuzz')
    elif run.kind == 'boot':
        results = sl.check_boot_run(log, status, sl.parse_size(run.mem), run.label,
                                    run.protocol, run.timeout)
    else:
        results = sl.check_oops_run(log, status, run.label, run.timeout, **(run.expected or {}))
    if run.initramfs and run.unpacks:
        results.append(sl.check_unpacked(log, initramfs_counts(run.initramfs), run.label))
    return log, results


def do_run(run, initrd_info, lock):
    """Prepare, boot and check one run; returns the lines to print and the results."""
    if run.prepare:
        try:
            with lock:            # artefacts are shared; build them one at a time
                run.prepare()
        except PrepError as e:
            r = sl.Result(False, 'kernel boot %s %s' % (run.name, run.label), str(e))
            return r.lines(), [r]
    if not (run.cdrom or os.path.exists(run.kernel)):
        r = sl.Result(False, 'kernel boot %s %s' % (run.name, run.label),
                      '%s does not exist (run make %s)' % (run.kernel, run.kernel))
        return r.lines(), [r]
    status, elapsed, stderr = execute(run)
    log, results = check_run(run, status, initrd_info)
    lines = []
    for r in results:
        lines += r.lines()
    shown = status if isinstance(status, str) else 'status %s' % status
    lines.append('  -- %s: %.1f s, %s, log %s' % (run.name, elapsed, shown, run.log))
    if not all(r.passed for r in results if not r.tap):
        # Something beyond a `not ok` line went wrong: show how to rerun it and the log's end.
        lines.append('     command: %s' % shlex.join(run.command()))
        qemu_msgs = [l for l in stderr.splitlines()
                     if l.strip() and 'terminating on signal' not in l]
        for l in qemu_msgs[-10:]:
            lines.append('     qemu: ' + l)
        tail = log.tail(30)
        lines.append('     --- last %d lines of %s ---' % (len(tail), run.log))
        lines += ['     | ' + l for l in tail]
    return lines, results


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('runs', nargs='*', help='run names (default: all)')
    ap.add_argument('--list', action='store_true', help='list the runs and exit')
    default_jobs = int(os.environ.get('APUS_TEST_JOBS', min(4, os.cpu_count() or 1)))
    ap.add_argument('-j', '--jobs', type=int, default=default_jobs)
    args = ap.parse_args()
    os.chdir(ROOT)

    if args.list:
        for run in RUNS:
            print('%-18s %-22s %s' % (run.name, run.label, shlex.join(run.command()[4:])))
        return 0
    unknown = [n for n in args.runs if n not in {r.name for r in RUNS}]
    if unknown:
        print('unknown run(s): %s (see --list)' % ' '.join(unknown), file=sys.stderr)
        return 2
    runs = [r for r in RUNS if r.name in args.runs or not args.runs]

    os.makedirs(LOGS, exist_ok=True)
    for image in sorted({TEST_KERNEL if r.kind in SELFTEST_KINDS else KERNEL for r in runs}):
        if not os.path.exists(image):
            print(sl.Result(False, 'kernel image', '%s does not exist (run make %s)' % (image, image)))
            return 1
    initrd_info = make_initrd() if any(r.initrd for r in runs) else None

    lock = threading.Lock()
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(do_run, run, initrd_info, lock) for run in runs]
        for fut in futures:
            lines, results = fut.result()
            print('\n'.join(lines), flush=True)
            failed += sum(1 for r in results if not r.passed)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
