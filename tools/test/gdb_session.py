#!/usr/bin/env python3
"""Drive `make debug` and gdb as a person debugging a module would (docs/debugging.md, issue
11's `make debug` line). `make debug` boots Apus halted under QEMU's gdb stub with an initramfs
whose /init runs `insmod hello.ko` (modules/hello-c, then modules/hello in Swift); gdb, in batch
mode, starts
from the build/gdbinit that `make debug` wrote (the helpers of tools/gdb/apus.py, lx-symbols
watching for modules), sets a pending breakpoint on a line of hello_init by file:line and
continues. Checks, each a `PASS gdb: ...` or `FAIL gdb: ...` line: a kernel line resolves to
its Swift source; lx-symbols loads hello.ko when the kernel places it; gdb stops at that file
and line; lx-ps lists insmod and init, lx-dmesg a boot line and the module's first line,
lx-lsmod the module, loading; continued, the init finishes, /init removes the module, inserts
exporter.ko where it was and hello.ko again, whose symbols lx-symbols moves to its new place,
and gdb stops at that line again; then QEMU powers off.

    tools/test/gdb_session.py [--logs DIR]
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
B = os.environ.get('B', 'build')
MAKE = os.environ.get('MAKE', 'make')
# gdb's whole session: twice a boot's time limit (kernel_tests.py's APUS_TEST_TIMEOUT).
TIMEOUT = 2 * int(os.environ.get('APUS_TEST_TIMEOUT', '120'))
INIT = b'''#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
echo "gdb-test: insmod"
insmod /lib/modules/hello.ko && echo "gdb-test: inserted"
rmmod hello && echo "gdb-test: removed"
insmod /lib/modules/exporter.ko
insmod /lib/modules/hello.ko && echo "gdb-test: inserted again"
poweroff -f
'''


def free_port():
    with socket.socket() as s:
        s.bind(('localhost', 0))
        return s.getsockname()[1]


def sections(output):
    """gdb's output cut at the `@@name` markers the commands echo: {name: text}."""
    parts = re.split(r'^@@(\S+)\n', output, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


# Loaded before the second insmod of hello.ko, so that it lands elsewhere.
OTHER = os.path.join(B, 'ko', 'tests', 'exporter.ko')
# The two hello modules: (name, .ko, source, text of the line to break on, function there).
MODULES = [
    ('C', os.path.join(B, 'ko', 'hello-c', 'hello.ko'), 'modules/hello-c/hello.c',
     'proc_entry = proc_create(', 'hello_init'),
    ('Swift', os.path.join(B, 'ko', 'hello', 'hello.ko'), 'modules/hello/hello.swift',
     'guard helloProc.create()', 'init_module'),
]


def session(kind, module, source, text, function, logs, result):
    """One `make debug` boot with gdb, for one hello.ko."""
    tag = 'gdb-' + kind.lower()
    initramfs = os.path.join(logs, tag + '-initramfs.cpio')
    with tempfile.TemporaryDirectory() as tmp:
        init = os.path.join(tmp, 'init')
        with open(init, 'wb') as f:
            f.write(INIT)
        os.chmod(init, 0o755)
        made = subprocess.run(['tools/rootfs/mkrootfs', '--init', init, '--add',
                               module + ':/lib/modules/hello.ko', '--add',
                               OTHER + ':/lib/modules/exporter.ko', os.path.join(tmp, 'root'),
                               '-o', initramfs],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not result(made.returncode == 0, '%s: the initramfs builds' % kind, made.stdout.strip()[-300:]):
        return
    with open(source) as f:
        line = next(i for i, t in enumerate(f, 1) if text in t)
    port = free_port()
    log = os.path.join(logs, tag + '.log')
    serial_path = os.path.join(logs, tag + '-serial.log')
    with open(serial_path, 'wb') as serial:
        qemu = subprocess.Popen([MAKE, '-s', 'B=' + B, 'debug', 'RUN_INITRD=' + initramfs,
                                 'RUN_MEM=128M', 'RUN_CMDLINE=console=ttyS0 panic=-1',
                                 'DEBUG_PORT=%d' % port, 'DEBUG_MODULES=' + os.path.dirname(module)],
                                stdin=subprocess.DEVNULL, stdout=serial, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and qemu.poll() is None:
            with open(serial_path, 'rb') as f:
                if b'QEMU is halted' in f.read():
                    break
            time.sleep(0.2)
        commands = [
            'echo @@kernel-line\\n', 'info line start_kernel',
            'set breakpoint pending on', 'break %s:%d' % (os.path.basename(source), line),
            'continue',
            'echo @@where\\n', 'frame',
            'echo @@lx-ps\\n', 'lx-ps',
            'echo @@lx-dmesg\\n', 'lx-dmesg',
            'echo @@lx-lsmod\\n', 'lx-lsmod',
            'continue', 'echo @@again\\n', 'frame',
            'python print("hello.ko symbol files: %d" % sum(o.filename.endswith("/hello.ko") '
            'for o in gdb.objfiles()))',
            'echo @@end\\n', 'delete', 'continue',
        ]
        gdb = ['gdb', '-batch', '-nx', '-iex', 'set tcp connect-timeout 120', '-x',
               os.path.join(B, 'gdbinit')]
        for command in commands:
            gdb += ['-ex', command]
        with open(log, 'w') as f:
            f.write(shlex.join(gdb) + '\n')
        try:
            out = subprocess.run(gdb, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 timeout=TIMEOUT).stdout
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode('utf-8', 'replace') if isinstance(e.stdout, bytes) else ''
            out += '\n(gdb timed out after %d s)\n' % TIMEOUT
        with open(log, 'a') as f:
            f.write(out)
        try:
            qemu.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
    finally:
        if qemu.poll() is None:
            os.killpg(qemu.pid, signal.SIGKILL)        # make and its QEMU: our session
            qemu.wait()
    with open(serial_path, 'rb') as f:
        serial_text = f.read().decode('utf-8', 'replace')

    part = sections(out)
    result(re.search(r'Line \d+ of "init/Main\.swift" starts at address 0x[0-9a-f]+ <start_kernel',
                     part.get('kernel-line', '')),
           '%s: start_kernel resolves to init/Main.swift' % kind,
           part.get('kernel-line', out[-300:]).strip())
    loaded = re.search(r'loading @0x[0-9a-f]+: (\S+)', out)
    result(loaded and loaded.group(1) == os.path.abspath(module),
           '%s: lx-symbols loads %s when the kernel places it' % (kind, module),
           loaded.group(0) if loaded else 'no "loading @..." line')
    where = part.get('where', '')
    result(re.search(r'%s \(\) at \S*%s:%d\n' % (function, re.escape(os.path.basename(source)), line),
                     where),
           '%s: stops at %s:%d in %s' % (kind, source, line, function), where.strip()[-300:] or out[-300:])
    ps = part.get('lx-ps', '')
    result(re.search(r'^\s+\d+\s+\d+ R  insmod$', ps, re.M) and
           re.search(r'^\s+1\s+1 \w  init$', ps, re.M),
           '%s: lx-ps lists insmod running and init (pid 1)' % kind, ps.strip()[-300:])
    dmesg = part.get('lx-dmesg', '')
    result(re.search(r'^\[\s*\d+\.\d{6}\] Run /init as init process$', dmesg, re.M) and
           re.search(r'^\[\s*\d+\.\d{6}\] Hello module: initializing$', dmesg, re.M) and
           'loaded successfully' not in dmesg,
           "%s: lx-dmesg shows a boot line and the module's first line, not yet its last" % kind,
           dmesg.strip()[-300:])
    lsmod = part.get('lx-lsmod', '')
    result(re.search(r'^0x[0-9a-f]{16} hello\s+\d+\s+0\s+Loading$', lsmod, re.M),
           '%s: lx-lsmod lists hello, loading' % kind, lsmod.strip()[-300:])
    again = part.get('again', '')
    places = re.findall(r'loading @(0x[0-9a-f]+): %s$' % re.escape(os.path.abspath(module)), out, re.M)
    result(len(places) == 2 and places[0] != places[1] and 'hello.ko symbol files: 1\n' in again and
           re.search(r'%s \(\) at \S*%s:%d\n' % (function, re.escape(os.path.basename(source)), line),
                     again),
           '%s: removed, then inserted at another place, it is loaded there and stops again' % kind,
           'places %s; %s' % (places, again.strip()[-300:] or out[-300:]))
    result(re.search(r'gdb-test: inserted\r?\n(.|\n)*gdb-test: removed\r?\n(.|\n)*'
                     r'gdb-test: inserted again\r?\n(.|\n)*reboot: Power down', serial_text),
           '%s: continued, insmod, rmmod and insmod finish and the machine powers off' % kind,
           serial_text.strip()[-300:])
    print('  -- gdb %s: log %s, serial %s' % (kind, log, serial_path))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--logs', default=os.path.join(ROOT, B, 'test-logs'))
    args = ap.parse_args()
    os.chdir(ROOT)
    os.makedirs(args.logs, exist_ok=True)
    failed = 0

    def result(ok, what, why=''):
        nonlocal failed
        failed += not ok
        print('PASS gdb: %s' % what if ok else 'FAIL gdb: %s: %s' % (what, why), flush=True)
        return ok

    if not result(shutil.which('gdb') is not None, 'gdb is installed',
                  'no gdb on PATH (tools/install-deps.sh --debug installs it)'):
        return 1
    build = subprocess.run([MAKE, '-s', 'B=' + B, os.path.join(B, 'apus.elf'), OTHER] + [m[1] for m in MODULES],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not result(build.returncode == 0, 'the image and both hello.ko build',
                  build.stdout.strip().replace('\n', ' | ')[-300:]):
        return 1
    for kind, module, source, text, function in MODULES:
        session(kind, module, source, text, function, args.logs, result)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
