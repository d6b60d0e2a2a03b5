#!/usr/bin/env python3
"""Run `swift test` with a time limit and a bounded log, then print one PASS/FAIL per test.

    python3 tools/test/host_tests.py [LOG]          (default build/test-logs/host.log)

Environment: SWIFT (the swift driver), SWIFT_SCRATCH (--scratch-path, default .build-harness),
APUS_HOST_TEST_TIMEOUT (seconds for build + tests, default 600), SWIFT_TEST_ARGS (extra
arguments, e.g. "--filter Buddy").

Lines longer than 2000 characters are cut in the log, and past 50 MB only test result lines are
kept: a test that records an issue in a loop cannot fill the disk. Every process of the run is
in its own session, and all of them are killed at the time limit.
"""
import os
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True        # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import swift_test_results as st  # noqa: E402
from serial_log import Result  # noqa: E402

MAX_LINE = 2000
MAX_LOG = 50 * 1024 * 1024


def session_pids(sid):
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                fields = f.read().rsplit(')', 1)[1].split()
            if int(fields[3]) == sid:        # field 6 of stat: session id
                pids.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return pids


def kill_session(sid):
    """Kill every process in the session we created for swift test (and nothing else)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = session_pids(sid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        time.sleep(2)


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    os.chdir(root)
    log_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.environ.get('B', 'build'), 'test-logs', 'host.log')
    swift = os.environ.get('SWIFT') or shutil.which('swift') or '/opt/swift/usr/bin/swift'
    scratch = os.environ.get('SWIFT_SCRATCH', '.build-harness')
    limit = int(os.environ.get('APUS_HOST_TEST_TIMEOUT', '600'))
    # Swift Testing writes its record to <name>-swift-testing.xml beside the XCTest one.
    xunit = os.path.join(os.path.dirname(log_path) or '.', 'host-xunit.xml')
    xunit_swift_testing = xunit[:-len('.xml')] + '-swift-testing.xml'
    for stale in (xunit, xunit_swift_testing):
        if os.path.exists(stale):
            os.remove(stale)
    cmd = [swift, 'test', '--scratch-path', scratch, '--xunit-output', xunit] + shlex.split(
        os.environ.get('SWIFT_TEST_ARGS', ''))
    os.makedirs(os.path.dirname(log_path) or '.', exist_ok=True)

    start = time.monotonic()
    timed_out = False
    written = 0
    with open(log_path, 'w', encoding='utf-8') as log:
        log.write('$ %s\n' % shlex.join(cmd))
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        pending = b''
        while True:
            if time.monotonic() - start > limit:
                timed_out = True
                kill_session(proc.pid)
                break
            if not sel.select(timeout=1.0):
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(proc.stdout.fileno(), 1 << 20)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b'\n')
            if len(pending) > 1 << 20:              # an endless line: keep its start only
                lines.append(pending[:MAX_LINE * 4])
                pending = b''
            for raw in lines:
                line = raw.decode('utf-8', errors='replace')
                if len(line) > MAX_LINE:
                    line = line[:MAX_LINE] + ' ... [%d characters cut]' % (len(line) - MAX_LINE)
                if written > MAX_LOG and not (st.TEST_LINE.match(line) or st.XCTEST.match(line)
                                              or 'Test run with' in line):
                    continue
                log.write(line + '\n')
                written += len(line) + 1
        if pending and not timed_out:
            log.write(pending.decode('utf-8', errors='replace')[:MAX_LINE] + '\n')
        try:
            status = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_session(proc.pid)
            status = proc.wait()
        kill_session(proc.pid)                       # stragglers (the test runner)
        if written > MAX_LOG:
            log.write('[host_tests.py: log capped at %d MB; later lines kept only if they are '
                      'test results]\n' % (MAX_LOG >> 20))

    with open(log_path, encoding='utf-8', errors='replace') as f:
        results = st.parse(f.read(), status if not timed_out else 124, xunit_swift_testing)
    if timed_out:
        results.append(Result(False, 'host swift test', 'timed out after %d s '
                              '(APUS_HOST_TEST_TIMEOUT); see %s' % (limit, log_path)))
        # The per-test lines that did finish are still reported above.
        results = [r for r in results if not (r.name == 'host swift test' and
                                              'exit status' in r.reason)]
    for r in results:
        print('\n'.join(r.lines()))
    print('  -- host: %.0f s, log %s' % (time.monotonic() - start, log_path))
    return 0 if all(r.passed for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
