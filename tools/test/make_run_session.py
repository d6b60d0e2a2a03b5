#!/usr/bin/env python3
"""Drive `make run` itself as a person at a terminal would (docs/tty.md, issue 10's first
acceptance line): `make run` runs on a pseudo-terminal of the host, this script types keys
into it and reads what appears. Each step prints `PASS session: ...` or `FAIL session: ...`
and has its own timeout; the whole session is killed if it outlives them.

    tools/test/make_run_session.py [--log FILE]

Steps: the prompt with job control on (no "can't access tty"); `sleep 100` ended by Ctrl-C;
`sleep 100` stopped by Ctrl-Z, `jobs`, `bg`, `fg`, Ctrl-C; `cat | grep x` ended by Ctrl-D;
`vi` opening, editing and saving a file, checked with cat; `top` redrawing its screen until
`q`; `poweroff -f` ending QEMU with status 0.
"""
import argparse
import os
import pty
import re
import select
import signal
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
B = os.environ.get('B', 'build')
MAKE = os.environ.get('MAKE', 'make')
BOOT_TIMEOUT = 120 * int(os.environ.get('APUS_TEST_TIMEOUT', '1') or 1)


class Session:
    """`make run` on a pty: `send` types, `expect` waits for a pattern in what came out."""

    def __init__(self, log_path):
        self.log = open(log_path, 'wb')
        self.output = b''
        self.mark = 0               # where the next expect starts looking
        self.status = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(ROOT)
            os.execvp(MAKE, [MAKE, '-s', 'run', 'B=' + B, 'RUN_MEM=256M'])

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError:            # EIO: the other side is gone
            data = b''
        if not data:
            self._reap(block=True)
            return
        self.output += data
        self.log.write(data)
        self.log.flush()

    def _reap(self, block):
        if self.status is None:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)

    def expect(self, pattern, timeout):
        """The match of `pattern` (bytes regex) after the mark, or None after `timeout` s."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            found = regex.search(self.output, self.mark)
            if found:
                self.mark = found.end()
                return found
            left = deadline - time.monotonic()
            if left <= 0 or self.status is not None:
                return None
            self._read(min(left, 0.2))

    def send(self, keys, pause=0.05):
        for byte in keys:
            os.write(self.fd, bytes([byte]))
            time.sleep(pause)        # a typist, not a paste: the UART has a 16-byte FIFO

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self.status is None and time.monotonic() < deadline:
            self._read(0.2)
            self._reap(block=False)
        return self.status

    def kill(self):
        if self.status is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)   # make and its QEMU: the group pty.fork made
            except ProcessLookupError:
                pass
            self._reap(block=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--log', default=os.path.join(ROOT, B, 'test-logs', 'session.log'))
    args = ap.parse_args()
    os.makedirs(os.path.dirname(args.log), exist_ok=True)
    failed = 0

    def result(ok, what, why=''):
        nonlocal failed
        failed += not ok
        print('PASS session: %s' % what if ok else 'FAIL session: %s: %s' % (what, why), flush=True)
        return ok

    s = Session(args.log)
    prompt = rb'\n[^\n]*[#$] '
    marker = [0]

    def command(line, pattern, timeout=15):
        """Types `line` and a check that the shell answers again; the match of `pattern`."""
        s.send(line.encode() + b'\r')
        found = s.expect(pattern, timeout)
        marker[0] += 1
        s.send(b'echo step-$((%d+1))\r' % marker[0])
        back = s.expect(rb'step-%d\r*\n' % (marker[0] + 1), timeout)
        return found, back

    try:
        banner = s.expect(rb'Apus: starting /bin/sh', BOOT_TIMEOUT)
        at_prompt = banner and s.expect(prompt, 30)
        nojob = re.search(rb"can't access tty|job control turned off", s.output)
        if not result(bool(at_prompt) and not nojob, 'the shell prompt, with job control',
                      nojob.group(0).decode() if nojob else 'no prompt'):
            return 1
        _, back = command('tty; echo jc-$-', rb'jc-\w*m\w*')
        result(bool(back), "the shell's options include m (monitor: job control)", 'no "m" in $-')

        s.send(b'sleep 100\r')
        time.sleep(1.5)
        s.send(b'\x03')
        found, back = command('echo after-ctrl-c', rb'after-ctrl-c\r*\n', timeout=10)
        result(bool(back), 'sleep 100 ended by Ctrl-C, the prompt back', 'no prompt after ^C')

        # Job control proper: Ctrl-Z stops the job, bg continues it behind the prompt, fg
        # brings it back, Ctrl-C ends it.
        s.send(b'sleep 100\r')
        time.sleep(1.5)
        s.send(b'\x1a')
        stopped = s.expect(rb'\[1\]\+ +Stopped +sleep 100', 10)
        listed, _ = command('jobs', rb'\[1\]\+ +Stopped +sleep 100', timeout=10)
        continued, _ = command('bg', rb'\[1\] sleep 100', timeout=10)
        running, _ = command('jobs', rb'\[1\]\+ +Running +sleep 100', timeout=10)
        s.send(b'fg\r')
        foreground = s.expect(rb'\nsleep 100\r*\n', 10)
        time.sleep(1)
        s.send(b'\x03')
        _, back = command('jobs; echo after-fg', rb'\nafter-fg\r*\n', timeout=10)
        steps = [('Ctrl-Z stops it', stopped), ('jobs lists it stopped', listed),
                 ('bg continues it', continued), ('jobs lists it running', running),
                 ('fg brings it back', foreground), ('Ctrl-C ends it, no job left', back)]
        missing = [what for what, seen in steps if not seen]
        result(not missing, 'sleep 100, Ctrl-Z, jobs, bg, fg, Ctrl-C',
               'not seen: ' + ', '.join(missing))

        s.send(b'cat | grep x\r')
        time.sleep(0.5)
        s.send(b'abc\rxyz\r')
        echoed = s.expect(rb'xyz\r*\n[^\n]*xyz', 10)
        time.sleep(0.3)
        s.send(b'\x04')
        _, back = command('echo after-ctrl-d', rb'after-ctrl-d\r*\n', timeout=10)
        result(bool(echoed) and bool(back), 'cat | grep x ended by Ctrl-D',
               'grep printed no xyz' if not echoed else 'no prompt after ^D')

        # vi takes an ESC followed at once by more keys for an escape sequence (a cursor
        # key): wait for each mode change on the screen, as the eye of a typist would.
        s.send(b'vi /root/note.txt\r')
        opened = s.expect(rb'- /root/note\.txt', 15)
        s.send(b'i')
        s.expect(rb'I /root/note\.txt', 10)
        s.send(b'hello from vi')
        s.expect(rb'i\x1b\[1;14H', 10)
        time.sleep(1)
        s.send(b'\x1b')
        s.expect(rb'- /root/note\.txt \[Modified\]', 10)
        s.send(b':wq\r')
        found, back = command('cat /root/note.txt', rb'\nhello from vi\r*\n', timeout=10)
        result(bool(opened) and bool(found), 'vi opens, edits and saves a file',
               'vi did not open' if not opened else 'cat shows no "hello from vi"')

        # top draws its screen from /proc, redraws it every 5 s (the header's load average and
        # its task list again), and ends on q.
        s.send(b'top\r')
        drawn = s.expect(rb'Mem: +\d+K used, \d+K free', 15)
        header = s.expect(rb'PID +PPID +USER +STAT +VSZ +%VSZ', 10)
        redrawn = s.expect(rb'Mem: +\d+K used, \d+K free', 15)
        s.send(b'q')
        _, back = command('echo after-top', rb'\nafter-top\r*\n', timeout=10)
        steps = [('its screen', drawn), ('the task list', header), ('a redraw', redrawn),
                 ('the prompt after q', back)]
        missing = [what for what, seen in steps if not seen]
        result(not missing, 'top refreshing until q', 'not seen: ' + ', '.join(missing))

        # ACPI power-off ends QEMU with status 0; `make run` prints any other status.
        s.send(b'poweroff -f\r')
        status = s.wait_exit(30)
        powered = re.search(rb'reboot: Power down', s.output)
        qemu_status = re.search(rb'QEMU exit status (\d+)', s.output)
        result(status == 0 and bool(powered) and not qemu_status, 'poweroff -f ends QEMU with status 0',
               'no "reboot: Power down"' if not powered else
               qemu_status.group(0).decode() if qemu_status else 'make run exited with %s' % status)
    finally:
        s.kill()
        if failed:
            text = s.output.decode('utf-8', errors='replace').replace('\r', '')
            print('     --- last lines of %s ---' % args.log)
            for line in text.splitlines()[-25:]:
                print('     | ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
