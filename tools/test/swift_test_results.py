#!/usr/bin/env python3
"""Turn `swift test` output into PASS/FAIL lines, one per test.

    python3 tools/test/swift_test_results.py build/test-logs/host.log STATUS

Counts Swift Testing's per-test lines (`✔ Test name() passed after ...`,
`✘ Test name() failed after ...`) and XCTest's (`Test Case '...' passed/failed`), checks them
against Swift Testing's summary (`Test run with N tests ...`), and turns a non-zero exit status
with no failed test (a build error, a crash) into a FAIL of its own. Exits 1 if anything failed.

Parallel tests can interleave their console lines (two results glued into one line, seen under
load), so when `swift test --xunit-output` left Swift Testing's XML record, the per-test results
come from it and the console supplies only the failure details.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serial_log import Result  # noqa: E402

TEST_LINE = re.compile(r'^\S+ Test (.+?)(?: with \d+ test cases?)? (passed|failed) after [\d.]+ '
                       r'seconds?(.*)$')
SKIPPED = re.compile(r'^\S+ Test (.+?) skipped')
ISSUE = re.compile(r'^\S+ Test (.+?) recorded an (?:issue|known issue)(.*)$')
STARTED = re.compile(r'^\S+ Test (?!run started)(?!case passing)(.+?) started\.$')
SUMMARY = re.compile(r'Test run with (\d+) tests?\b.*\b(passed|failed) after')
XCTEST = re.compile(r"^Test Case '(?:-\[)?(.+?)\]?' (passed|failed) \(")


def xunit_results(path):
    """Swift Testing's results from its xUnit XML, or None when there is no readable file."""
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return None
    results = []
    for case in tree.iter('testcase'):
        if case.find('skipped') is not None:
            continue
        failed = case.find('failure') is not None or case.find('error') is not None
        results.append(Result(not failed, 'host ' + case.get('name', '?')))
    return results


def parse(text, status, xunit=None):
    lines = text.splitlines()
    results = []
    xctest = []
    issues = {}
    skipped = 0
    swift_testing = 0
    summary = None
    started = []
    for line in lines:
        m = STARTED.match(line)
        if m:
            started.append(m.group(1))
            continue
        if 'Test run with' in line:
            m = SUMMARY.search(line)
            if m:
                summary = int(m.group(1))
            continue
        m = ISSUE.match(line)
        if m:
            found = issues.setdefault(m.group(1).split(' with ')[0], [])
            if len(found) < 50:
                found.append(line.split(' Test ', 1)[1])
            continue
        m = TEST_LINE.match(line)
        if m:
            results.append(Result(m.group(2) == 'passed', 'host ' + m.group(1)))
            swift_testing += 1
            continue
        if SKIPPED.match(line):
            skipped += 1
            continue
        m = XCTEST.match(line)
        if m:
            xctest.append(Result(m.group(2) == 'passed', 'host ' + m.group(1).replace(' ', '.')))
            results.append(xctest[-1])
    recorded = xunit_results(xunit) if xunit else None
    if recorded is not None:
        results = recorded + xctest
        swift_testing = len(recorded)
    for r in results:
        if not r.passed:
            short = r.name[len('host '):]
            found = issues.get(short, [])
            if not found:       # XCTest: `File.swift:12: error: Suite.test : message`
                leaf = short.split('.')[-1]
                found = [l.strip() for l in lines if ': error: ' in l and leaf in l]
            r.details = found[:10]
            r.reason = '%d issue%s' % (len(found), '' if len(found) == 1 else 's') if found else ''
    if status == 124:
        # Timed out: the tests that started and never finished are the likely culprits.
        finished = {r.name for r in results}
        for name in started:
            if 'host ' + name not in finished:
                results.append(Result(False, 'host ' + name, 'still running when the time '
                                      'limit was reached', issues.get(name, [])[:5]))
    if summary is not None:
        seen = swift_testing + skipped
        if seen != summary:
            results.append(Result(False, 'host swift test summary',
                                  'summary says %d tests but %d were reported' % (summary, seen)))
    if status != 0 and all(r.passed for r in results):
        tail = [l for l in lines if l.strip()][-15:]
        results.append(Result(False, 'host swift test', 'exit status %d with no failed test '
                              '(build error or crash?)' % status, tail))
    elif not results:
        results.append(Result(False, 'host swift test', 'no test results in the output'))
    return results


def main():
    path, status = sys.argv[1], int(sys.argv[2])
    with open(path, encoding='utf-8', errors='replace') as f:
        results = parse(f.read(), status)
    for r in results:
        print('\n'.join(r.lines()))
    return 0 if all(r.passed for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
