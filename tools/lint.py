#!/usr/bin/env python3
"""`make lint` and `make format`: the Swift style of .swift-format, kept by the toolchain's
swift-format.

    tools/lint.py                 check the files tools/lint-paths.txt names
    tools/lint.py --results       the same, as one PASS/FAIL line (the harness tier of make test)
    tools/lint.py --format [F..]  rewrite F... (default: every Swift file of the tree)

A checked file must be exactly as `swift-format format` would write it (`swift-format lint
--strict`), and no line may be longer than .swift-format's lineLength, except a line holding
only a string literal: a log message stays whole so that it can be found with grep (as Linux's
checkpatch.pl allows). tools/lint-paths.txt holds git pathspecs, one a line (`#` comments);
only the files they match are checked (today every Swift file).
Environment: SWIFT_FORMAT (default: swift-format beside swiftc, or /opt/swift/usr/bin).
"""
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
CONFIG = '.swift-format'
PATHS = os.path.join('tools', 'lint-paths.txt')
NAME = 'lint: formatting and line length (.swift-format)'
# A line that is one string literal (an argument of its own, perhaps the last): opening and
# closing quotes, with only closing parentheses or a comma after it.
STRING_LINE = re.compile(r'^\s*#?".*"#?[),]*$')


def swift_format():
    if os.environ.get('SWIFT_FORMAT'):
        return os.environ['SWIFT_FORMAT']
    swiftc = shutil.which('swiftc') or '/opt/swift/usr/bin/swiftc'
    return os.path.join(os.path.dirname(swiftc), 'swift-format')


def swift_files(pathspecs):
    """Tracked and new (not ignored) Swift files that the pathspecs match."""
    out = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', '-z',
                          '--'] + pathspecs, check=True, stdout=subprocess.PIPE).stdout
    return sorted({f for f in out.decode().split('\0') if f.endswith('.swift') and os.path.exists(f)})


def checked_files():
    with open(PATHS) as f:
        specs = [line.strip() for line in f if line.strip() and not line.startswith('#')]
    return swift_files(specs) if specs else []


def long_lines(path, limit):
    problems = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            text = line.rstrip('\n')
            if len(text) > limit and not STRING_LINE.match(text):
                problems.append('%s:%d: line is %d characters long (limit %d)'
                                % (path, number, len(text), limit))
    return problems


def lint(files):
    """Every problem in the files, as `path:line: message` lines."""
    if not files:
        return []
    with open(CONFIG) as f:
        limit = json.load(f)['lineLength']
    r = subprocess.run([swift_format(), 'lint', '--strict', '--configuration', CONFIG] + files,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    problems = [line for line in r.stdout.splitlines() if line.strip()]
    if r.returncode != 0 and not problems:
        problems.append('swift-format lint exited with status %d' % r.returncode)
    for path in files:
        problems += long_lines(path, limit)
    return problems


def main(argv):
    os.chdir(ROOT)
    if argv[:1] == ['--format']:
        files = argv[1:] or swift_files(['*.swift'])
        return subprocess.run([swift_format(), 'format', '--in-place', '--configuration', CONFIG]
                              + files).returncode
    files = checked_files()
    problems = lint(files)
    if argv[:1] == ['--results']:
        if problems:
            print('FAIL %s: %d problems in the %d files of %s (make lint)'
                  % (NAME, len(problems), len(files), PATHS))
            for line in problems[:30]:
                print('    ' + line)
        else:
            print('PASS %s (%d files)' % (NAME, len(files)))
        return 1 if problems else 0
    for line in problems:
        print(line)
    print('%d files checked, %d problems' % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
