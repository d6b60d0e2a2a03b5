#!/usr/bin/env python3
"""tests/user on the host's Linux, which is the specification the user tier holds Apus to.

    python3 tools/test/user_linux.py          (run-all.sh runs it in the harness tier)

Builds the user tier's initramfs (`make build/user-initramfs.cpio`, which also stages its
tree in build/user-root), then runs that tree's /init, tests/user/init.sh, natively:

    env -i APUS_TEST_ROOT=$PWD/build/user-root build/user-root/bin/sh build/user-root/init

and reads its TAP with the parser the `user` kernel run uses. Every test must pass here: one
that fails on Linux is a wrong test. Prints one result line for the harness tally (the kernel
run counts each TAP line; here they are checks of the checks). The output is kept in
build/test-logs/user-linux.log. Environment: MAKE, B (build directory).
"""
import os
import shlex
import signal
import subprocess
import sys

sys.dont_write_bytecode = True        # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log as sl  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
BUILD = os.environ.get('B', 'build')
NAME = 'user tests on Linux'
TIMEOUT = 300


def fail(reason, details=()):
    print(sl.Result(False, NAME, reason, list(details)))
    return 1


def main():
    os.chdir(ROOT)
    logs = os.path.join(BUILD, 'test-logs')
    os.makedirs(logs, exist_ok=True)
    make = shlex.split(os.environ.get('MAKE', 'make'))
    target = os.path.join(BUILD, 'user-initramfs.cpio')
    built = subprocess.run(make + ['-s', 'B=' + BUILD, target],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if built.returncode != 0:
        return fail('%s %s failed' % (' '.join(make), target), built.stdout.splitlines()[-20:])

    tree = os.path.abspath(os.path.join(BUILD, 'user-root'))
    log_path = os.path.join(logs, 'user-linux.log')
    command = ['env', '-i', 'APUS_TEST_ROOT=' + tree, tree + '/bin/sh', tree + '/init']
    with open(log_path, 'wb') as log_file:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            status = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)     # init.sh and every test it started
            proc.wait()
            status = None

    log = sl.SerialLog.read(log_path)
    tap = sl.Tap(log, tag='user')
    results = sl.tap_results(tap, '', prefix='user') + \
        [sl.check_tap_complete(tap, '', prefix='user')]
    problems = [r for r in results if not r.passed]
    if status is None:
        problems.insert(0, sl.Result(False, 'init.sh', 'timed out after %d s' % TIMEOUT))
    elif status != 0 and not problems:
        problems.append(sl.Result(False, 'init.sh', 'exit status %d' % status))
    if problems:
        details = ['log: %s; command: %s' % (log_path, shlex.join(command))]
        for r in problems[:20]:
            details += r.lines()
        return fail('%d problem%s' % (len(problems), '' if len(problems) == 1 else 's'), details)
    skipped = sum(1 for t in tap.tests if t.directive)
    print(sl.Result(True, NAME, note='(%d results%s)' % (
        len(tap.tests), ', %d skipped' % skipped if skipped else '')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
