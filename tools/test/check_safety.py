#!/usr/bin/env python3
"""Keeps unsafe code and unchecked sharing inside Core (arch/x86_64/core).

    python3 tools/test/check_safety.py [ROOT]     (run-all.sh runs it in the harness tier)

The compiler enforces most of the layering: every module builds in Swift 6 language mode, and
every module but Core with -strict-memory-safety -warnings-as-errors. What it cannot see is a
Swift file that opts out by saying so, and a Makefile that stops passing the flags. One result
line each:
    PASS/FAIL safety: no nonisolated(unsafe) outside arch/x86_64/core
    PASS/FAIL safety: no unsafe expression or @unsafe/@safe attribute outside arch/x86_64/core
    PASS/FAIL safety: no @unchecked Sendable outside arch/x86_64/core
    PASS/FAIL safety: Core has exactly one @unchecked Sendable (its SharedCell)
    PASS/FAIL safety: every Swift module in the Makefile builds with -swift-version 6
    PASS/FAIL safety: every module but Core builds with $(SAFE_FLAGS)
A FAIL names the offending file:line (or Makefile line). Exits 1 if anything failed.
"""
import os
import re
import sys

CORE = os.path.join('arch', 'x86_64', 'core')
SKIPPED_DIRECTORIES = {'build', '.build', '.build-harness', '.git'}

# Comments and string literals cannot contain what the checks look for.
LINE_COMMENT = re.compile(r'//.*')
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
NONISOLATED_UNSAFE = re.compile(r'\bnonisolated\s*\(\s*unsafe\s*\)')
UNSAFE_WORD = re.compile(r'@?\bunsafe\b|@safe\b')
UNCHECKED_SENDABLE = re.compile(r'@unchecked\s+Sendable\b')
MODULE_CALL = re.compile(r'^\$\(eval \$\(call swift_module,(\w+),')


def swift_files(root):
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        for name in sorted(files):
            if name.endswith('.swift'):
                path = os.path.join(directory, name)
                yield os.path.relpath(path, root)


def code_lines(root, path):
    """(line number, line without comments and string literals); block comments are dropped."""
    in_block = False
    with open(os.path.join(root, path), encoding='utf-8') as source:
        for number, line in enumerate(source, 1):
            if in_block:
                if '*/' not in line:
                    continue
                line = line.split('*/', 1)[1]
                in_block = False
            line = LINE_COMMENT.sub('', STRING.sub('""', line))
            if '/*' in line:
                line, in_block = line.split('/*', 1)[0], True
            yield number, line


def find(root, files, pattern):
    return [f'{path}:{number}' for path in files for number, line in code_lines(root, path)
            if pattern.search(line)]


def report(name, offenders, passed=None):
    if passed is None:
        passed = not offenders
    if passed:
        print(f'PASS safety: {name}')
    else:
        shown = ', '.join(offenders[:5]) + (f' and {len(offenders) - 5} more' if len(offenders) > 5 else '')
        print(f'FAIL safety: {name}: {shown}')
    return passed


def makefile_checks(root):
    lines = []   # (first line number, the logical line with its backslash continuations joined)
    with open(os.path.join(root, 'Makefile'), encoding='utf-8') as makefile:
        for number, line in enumerate(makefile, 1):
            if lines and lines[-1][1].endswith('\\\n'):
                lines[-1] = (lines[-1][0], lines[-1][1][:-2] + ' ' + line)
            else:
                lines.append((number, line))
    calls = [(number, MODULE_CALL.match(line).group(1), line) for number, line in lines if MODULE_CALL.match(line)]
    without_six = [f'Makefile:{number} ({module})' for number, module, line in calls if '-swift-version 6' not in line]
    without_safe = [f'Makefile:{number} ({module})' for number, module, line in calls
                    if module != 'Core' and '$(SAFE_FLAGS)' not in line]
    safe_flags = ''.join(line for _, line in lines if line.startswith('SAFE_FLAGS'))
    if not {'-strict-memory-safety', '-warnings-as-errors'} <= set(safe_flags.split()):
        without_safe.append('SAFE_FLAGS lacks -strict-memory-safety -warnings-as-errors')
    ok = report('every Swift module in the Makefile builds with -swift-version 6',
                without_six or ([] if calls else ['no swift_module calls found']))
    return report('every module but Core builds with $(SAFE_FLAGS)', without_safe) and ok


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..'))
    files = list(swift_files(root))
    outside = [path for path in files if not path.startswith(CORE + os.sep)]
    core = [path for path in files if path.startswith(CORE + os.sep)]
    results = [
        report('no nonisolated(unsafe) outside arch/x86_64/core', find(root, outside, NONISOLATED_UNSAFE)),
        report('no unsafe expression or @unsafe/@safe attribute outside arch/x86_64/core',
               find(root, outside, UNSAFE_WORD)),
        report('no @unchecked Sendable outside arch/x86_64/core', find(root, outside, UNCHECKED_SENDABLE)),
    ]
    in_core = find(root, core, UNCHECKED_SENDABLE)
    results.append(report(f'Core has exactly one @unchecked Sendable (its SharedCell; found {len(in_core)})',
                          in_core, passed=len(in_core) == 1))
    results.append(makefile_checks(root))
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
