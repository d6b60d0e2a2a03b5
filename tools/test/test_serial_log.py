#!/usr/bin/env python3
"""Checks of the harness's own parsers against hand-made logs in tools/test/fixtures.

    python3 tools/test/test_serial_log.py        (run-all.sh runs it first)
"""
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True        # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import serial_log as sl  # noqa: E402
import swift_test_results as st  # noqa: E402


def fixture(name):
    return sl.SerialLog.read(os.path.join(HERE, 'fixtures', name))


def by_name(results):
    return {r.name: r for r in results}


class SelftestTests(unittest.TestCase):
    def test_passing_run(self):
        results = sl.check_selftest_run(fixture('selftest-pass.log'), 1, '(-m 32M)', 'Multiboot')
        self.assertTrue(all(r.passed for r in results), results)
        names = [r.name for r in results]
        self.assertIn('kernel selftest buddy #1 (-m 32M)', names)
        self.assertIn('kernel selftest rbtree #3 (-m 32M)', names)
        self.assertEqual(len([n for n in names if n.startswith('kernel selftest ')]), 3 + 2)

    def test_skip_is_a_pass_with_a_note(self):
        r = by_name(sl.check_selftest_run(fixture('selftest-pass.log'), 1, '(x)'))
        self.assertEqual(r['kernel selftest rbtree #3 (x)'].note, '# SKIP not yet')

    def test_failures_missing_results_and_status(self):
        log = fixture('selftest-fail.log')
        r = by_name(sl.check_selftest_run(log, 124, '(x)', 'Multiboot', timeout=120))
        slab = r['kernel selftest slab #2 (x)']
        self.assertFalse(slab.passed)
        self.assertEqual(slab.reason, 'object overlap at 0x1000')
        self.assertEqual(slab.details, ['# expected 0x2000', '# got 0x1000'])
        plan = r['kernel selftest plan complete (x)']
        self.assertFalse(plan.passed)
        self.assertIn('plan 1..4 but 3 results (missing 4)', plan.reason)
        self.assertIn("no '# selftest:", plan.reason)
        status = r['kernel selftest exit status (x)']
        self.assertFalse(status.passed)
        self.assertIn('timed out after 120s', status.reason)
        self.assertFalse(r['boot protocol Multiboot (x)'].passed)
        self.assertIn("'Boot protocol: PVH'", r['boot protocol Multiboot (x)'].reason)

    def test_rsdp_source_follows_the_boot_protocol(self):
        def check(protocol, source):
            log = sl.SerialLog(('[    0.000000] Boot protocol: %s\n[    0.050000] ACPI: RSDP '
                                '0x00000000000f59d0 (v00 BOCHS ) from %s\n' % (protocol, source)).encode())
            return sl.check_boot_protocol(log, protocol, '(x)')
        self.assertTrue(check('PVH', 'the PVH start info').passed)
        self.assertTrue(check('Multiboot2', 'the Multiboot2 old ACPI tag').passed)
        self.assertTrue(check('Multiboot', 'the EBDA and BIOS area scan').passed)
        bad = check('Multiboot2', 'the EBDA and BIOS area scan')
        self.assertFalse(bad.passed)
        self.assertIn('RSDP from', bad.reason)

    def test_only_numbered_lines_are_results(self):
        log = sl.SerialLog(b'TAP version 13\n1..1\nok, carrying on\nok 1 - a\n'
                           b'# selftest: 1 passed, 0 failed\n')
        self.assertTrue(all(r.passed for r in sl.check_selftest_run(log, 1, '(x)')))

    def test_bail_out(self):
        log = sl.SerialLog(b'TAP version 13\n1..2\nok 1 - a\nBail out! out of memory\n')
        r = by_name(sl.check_selftest_run(log, 3, '(x)'))
        self.assertIn('Bail out! out of memory', r['kernel selftest plan complete (x)'].reason)

    def test_all_ok_but_exit_3_is_a_failure(self):
        r = by_name(sl.check_selftest_run(fixture('selftest-pass.log'), 3, '(x)'))
        self.assertFalse(r['kernel selftest exit status (x)'].passed)

    def test_qemu_error_looks_like_nothing_ran(self):
        r = by_name(sl.check_selftest_run(sl.SerialLog(b''), 1, '(x)'))
        self.assertFalse(r['kernel selftest plan complete (x)'].passed)
        self.assertFalse(r['kernel selftest exit status (x)'].passed)

    def test_panic_is_caught(self):
        log = sl.SerialLog(b'TAP version 13\n1..1\n[ 1.0] Kernel panic - not syncing: x\n')
        r = by_name(sl.check_selftest_run(log, 'stopped', '(x)'))
        self.assertFalse(r['no oops or panic (x)'].passed)

    def test_expected_reports_are_not_oopses(self):
        log = sl.SerialLog(b'ok 1 - a\n# selftest: expected report begins\n'
                           b'BUG: sleeping function called from invalid context: x\n'
                           b'# selftest: expected report ends\nok 2 - might_sleep\n'
                           b'BUG: sleeping function called from invalid context: y\n')
        bad = log.fatal_lines()
        self.assertEqual([l.number for l in bad], [6])
        # An unterminated expectation ends at the next TAP result.
        log = sl.SerialLog(b'# selftest: expected report begins\nBUG: a\nok 1 - x\nBUG: b\n'
                           b'# selftest: expected report begins\nKernel panic - not syncing: c\n')
        self.assertEqual([l.number for l in log.fatal_lines()], [4, 6])

    def test_initrd_line(self):
        log = fixture('selftest-pass.log')
        self.assertTrue(sl.check_initrd(log, 16777216, 0x1234abcd, '(x)').passed)
        bad = sl.check_initrd(log, 16777216, 0x1234abce, '(x)')
        self.assertFalse(bad.passed)
        self.assertIn('host computed 0x1234abce', bad.reason)
        self.assertFalse(sl.check_initrd(log, 100, 0x1234abcd, '(x)').passed)

    def test_unknown_name(self):
        log = sl.SerialLog(b'TAP version 13\n1..1\nnot ok 1 - no_such_test: unknown self-test\n'
                           b'# selftest: 0 passed, 1 failed\n')
        self.assertTrue(sl.check_unknown_selftest(log, 3, 'no_such_test', '(x)')[0].passed)
        self.assertFalse(sl.check_unknown_selftest(log, 1, 'no_such_test', '(x)')[0].passed)


class UserTests(unittest.TestCase):
    def test_passing_run(self):
        results = sl.check_user_run(fixture('user-pass.log'), 1, '(u)')
        self.assertTrue(all(r.passed for r in results), '\n'.join(map(repr, results)))
        r = by_name(results)
        self.assertEqual(r['user faults #2 (u)'].note, '# SKIP mapped in this process')
        self.assertIn('user mkdir -p a/b/c #4 (u)', r)
        self.assertEqual(r['user plan complete (u)'].note, '(4 tests)')
        self.assertEqual(len(results), 4 + 3)

    def test_crash_in_the_middle(self):
        log = sl.SerialLog(b'TAP version 13\nok 1 - cow: a\nnot ok 2 - cow: b\n# got 1, expected 2\n'
                           b'[ 1.0] Kernel panic - not syncing: Attempted to kill init!\n')
        r = by_name(sl.check_user_run(log, 'stopped-panic', '(u)'))
        self.assertFalse(r['user cow #2 (u)'].passed)
        self.assertEqual(r['user cow #2 (u)'].details, ['# got 1, expected 2'])
        self.assertIn("no '1..N' plan line", r['user plan complete (u)'].reason)
        self.assertIn("no '# user: N passed, M failed' line", r['user plan complete (u)'].reason)
        self.assertIn('after a kernel panic', r['user poweroff ends QEMU (u)'].reason)
        self.assertFalse(r['no oops or panic (u)'].passed)

    def test_timeout_and_wrong_summary(self):
        log = sl.SerialLog(b'TAP version 13\nok 1 - a\n1..1\n# user: 0 passed, 1 failed\n')
        r = by_name(sl.check_user_run(log, 124, '(u)', timeout=240))
        self.assertIn('timed out after 240s', r['user poweroff ends QEMU (u)'].reason)
        self.assertIn('summary says 0 passed, 1 failed', r['user plan complete (u)'].reason)

    def test_quiet_run_and_unpacking(self):
        self.assertIn('quiet limit', sl.check_poweroff('stopped-quiet', '(u)').reason)
        log = fixture('user-pass.log')
        self.assertTrue(sl.check_unpacked(log, (290, 12, 267, 5021456), '(u)').passed)
        bad = sl.check_unpacked(log, (290, 12, 268, 5021456), '(u)')
        self.assertIn('the archive holds 290 files, 12 directories, 268 symlinks', bad.reason)
        failed = sl.SerialLog(b'[ 0.1] Initramfs unpacking failed: broken padding\n')
        self.assertEqual(sl.check_unpacked(failed, (1, 1, 1, 1), '(u)').reason,
                         'Initramfs unpacking failed: broken padding')

    def test_selftest_summary_is_not_a_user_summary(self):
        log = sl.SerialLog(b'TAP version 13\n1..1\nok 1 - a\n# selftest: 1 passed, 0 failed\n')
        self.assertFalse(by_name(sl.check_user_run(log, 1, '(u)'))['user plan complete (u)'].passed)


class BootTests(unittest.TestCase):
    def test_good_boot(self):
        results = sl.check_boot_run(fixture('boot-256M.log'), 'stopped', 256 * 1024, '(b)')
        self.assertTrue(all(r.passed for r in results), '\n'.join(map(repr, results)))
        self.assertEqual(len(results), 10)

    def test_boot_that_exits_by_itself_fails(self):
        r = by_name(sl.check_boot_run(fixture('boot-256M.log'), 0, 256 * 1024, '(b)'))
        self.assertFalse(r["boot reaches 'Apus booted.' (b)"].passed)

    def test_memory_size_mismatch(self):
        r = by_name(sl.check_boot_run(fixture('boot-256M.log'), 'stopped', 32 * 1024, '(b)'))
        self.assertFalse(r['boot log Memory: line (b)'].passed)
        self.assertFalse(r['boot log e820 memory map (b)'].passed)

    def test_missing_lines(self):
        log = sl.SerialLog(b'[    0.000000] Boot protocol: Multiboot\n'
                           b'[    0.100000] Apus booted.\n[    0.050000] late\n')
        r = by_name(sl.check_boot_run(log, 'stopped', 256 * 1024, '(b)'))
        for name in ('e820 memory map', 'zone ranges', 'Memory: line', 'APIC timer', 'TSC', 'HZ'):
            self.assertFalse(r['boot log %s (b)' % name].passed, name)
        self.assertFalse(r['boot log printk timestamps (b)'].passed)
        self.assertTrue(r["boot reaches 'Apus booted.' (b)"].passed)


class OopsTests(unittest.TestCase):
    def test_good_report(self):
        results = sl.check_oops_run(fixture('oops.log'), 0, '(o)')
        self.assertTrue(all(r.passed for r in results), '\n'.join(map(repr, results)))
        self.assertIn('(3 symbolized frames)', by_name(results)['oops report Call Trace (o)'].note)

    def test_unsymbolized_and_wrong_status(self):
        with open(os.path.join(HERE, 'fixtures', 'oops.log')) as f:
            text = f.read()
        text = text.replace('RIP: 0010:Kernel.SelfTests.oops()+0x1a/0x40',
                            'RIP: 0010:0x00007fff8010201a')
        text = text.replace(' start_kernel+0x22/0x40', ' 0x7fff80100022')
        text = text.replace(' closure #1 in Kernel.startKernel()+0x11/0x30', ' 0x7fff80100011')
        text = text.replace('R13: ', 'R1x: ')
        r = by_name(sl.check_oops_run(sl.SerialLog(text), 'stopped', '(o)'))
        self.assertFalse(r['oops report RIP symbolized (o)'].passed)
        self.assertFalse(r['oops report Call Trace (o)'].passed)
        self.assertIn('1 symbolized frame, expected at least 2', r['oops report Call Trace (o)'].reason)
        self.assertIn('unsymbolized: 0x7fff80100011', r['oops report Call Trace (o)'].reason)
        self.assertIn('R13', r['oops report registers (o)'].reason)
        self.assertFalse(r['oops panic=-1 reboots (exit status 0) (o)'].passed)
        # Only frames remain to name the test, and they don't contain "oops".
        self.assertFalse(r['oops report names the oops self-test (o)'].passed)

    def test_nothing(self):
        results = sl.check_oops_run(sl.SerialLog(b''), 124, '(o)')
        self.assertFalse(any(r.passed for r in results))


class InitTests(unittest.TestCase):
    EXPECTED = [('runs /init', r'^Run /init as init process$'),
                ('checks pass', r'^exec-check: init ok$'),
                ('exit panics', r'^Kernel panic - not syncing: Attempted to kill init! '
                                r'exitcode=0x00000000$')]
    GOOD = (b'[    0.092803] Apus booted.\n[    0.094030] Run /init as init process\n'
            b'exec-check: init ok\n'
            b'[    0.109267] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000\n')

    def test_lines_in_order_and_the_expected_panic(self):
        results = sl.check_init_run(sl.SerialLog(self.GOOD), 0, '(x)', self.EXPECTED)
        self.assertTrue(all(r.passed for r in results), results)
        self.assertEqual(len(results), 5)

    def test_other_exit_code_order_and_status(self):
        log = sl.SerialLog(b'exec-check: init ok\nRun /init as init process\n'
                           b'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00001b00\n')
        r = by_name(sl.check_init_run(log, 'stopped-panic', '(x)', self.EXPECTED))
        self.assertTrue(r['init runs /init (x)'].passed)
        self.assertIn('after the previous one (found at line 1)', r['init checks pass (x)'].reason)
        self.assertFalse(r['init exit panics (x)'].passed)
        self.assertIn('exitcode=0x00001b00', r['no other oops or panic (x)'].reason)
        self.assertIn('did not reboot', r['init panic=-1 reboots (exit status 0) (x)'].reason)


class ImageTests(unittest.TestCase):
    def test_multiboot_header_search(self):
        import struct
        sys.path.insert(0, HERE)
        import kernel_tests as kt
        img = bytearray(8192)
        struct.pack_into('<III', img, 0x1000, 0x1BADB002, 0x10003,
                         (-(0x1BADB002 + 0x10003)) & 0xffffffff)
        self.assertEqual(kt.find_multiboot1_header(img), 0x1000)
        struct.pack_into('<I', img, 0x1008, 0)      # bad checksum
        self.assertIsNone(kt.find_multiboot1_header(img))


SWIFT_OUTPUT = """\
Building for debugging...
Test Case 'LibTests.OldTests.testA' passed (0.001 seconds)
Test Case 'LibTests.OldTests.testB' failed (0.002 seconds)
◇ Test run started.
✔ Test rbTreeEmpty() passed after 1.185 seconds.
✘ Test slabCtor() recorded an issue at SlabCacheTests.swift:98:9: Expectation failed: x
✔ Test sorted(descending:) with 2 test cases passed after 2.397 seconds.
✘ Test slabCtor() failed after 16.702 seconds with 1 issue.
➜ Test later() skipped: "not yet"
✔ Suite KmallocTests passed after 16.718 seconds.
✘ Test run with 4 tests in 8 suites failed after 39.386 seconds with 1 issue.
"""


class SwiftTestOutputTests(unittest.TestCase):
    def test_counts(self):
        results = st.parse(SWIFT_OUTPUT, 1)
        names = {r.name: r for r in results}
        self.assertTrue(names['host rbTreeEmpty()'].passed)
        self.assertTrue(names['host sorted(descending:)'].passed)
        self.assertFalse(names['host slabCtor()'].passed)
        self.assertIn('SlabCacheTests.swift:98:9', names['host slabCtor()'].details[0])
        self.assertTrue(names['host LibTests.OldTests.testA'].passed)
        self.assertFalse(names['host LibTests.OldTests.testB'].passed)
        self.assertNotIn('host later()', names)
        self.assertEqual(len(results), 5)

    def test_timeout_names_unfinished_tests(self):
        out = '◇ Test run started.\n◇ Test a() started.\n◇ Test b() started.\n' \
              '◇ Test case passing 1 argument x → 1 to a() started.\n' \
              '✔ Test a() passed after 1 seconds.\n'
        results = st.parse(out, 124)
        failed = [r.name for r in results if not r.passed]
        self.assertEqual(failed, ['host b()'])

    def test_build_failure(self):
        results = st.parse('error: compile failed\n', 1)
        self.assertEqual(len(results), 1)
        self.assertFalse(results[0].passed)

    def test_xunit_record_wins_over_glued_console_lines(self):
        out = '✔ Test a✔ Test b() passed after 1 seconds.\n' \
              '✘ Test c() recorded an issue at X.swift:3:1: Expectation failed\n' \
              '✘ Test run with 3 tests in 1 suite failed after 1 seconds with 1 issue.\n'
        xml = ('<testsuites><testsuite tests="3"><testcase name="a()"/><testcase name="b()"/>'
               '<testcase name="c()"><failure message="x"/></testcase></testsuite></testsuites>')
        with tempfile.NamedTemporaryFile('w', suffix='.xml', delete=False) as f:
            f.write(xml)
        try:
            results = st.parse(out, 1, f.name)
        finally:
            os.remove(f.name)
        self.assertEqual([(r.name, r.passed) for r in results],
                         [('host a()', True), ('host b()', True), ('host c()', False)])
        self.assertIn('X.swift:3:1', results[2].details[0])

    def test_summary_mismatch(self):
        out = '✔ Test a() passed after 1 seconds.\n' \
              '✔ Test run with 2 tests in 1 suite passed after 1 seconds.\n'
        results = st.parse(out, 0)
        self.assertFalse(all(r.passed for r in results))


if __name__ == '__main__':
    unittest.main()
