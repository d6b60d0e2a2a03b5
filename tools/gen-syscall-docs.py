#!/usr/bin/env python3
"""Generates docs/syscalls.md from the one system-call table.

    python3 tools/gen-syscall-docs.py              rewrite docs/syscalls.md
    python3 tools/gen-syscall-docs.py -o FILE      write FILE instead ('-': stdout)

Sources (parsed as text; python3 standard library only):
  include/uapi/Syscalls.swift          `enum SyscallNumber`: `case NAME = NUMBER` lines (a trailing
                                       `// comment` becomes the row's note, e.g. "no entry point
                                       in Linux") and the `name` switch (`case .NAME: "linux_name"`)
  kernel/syscalls/SyscallTable.swift   `static let families = [ XSyscalls.table, ... ]`: the
                                       families the kernel registers
  kernel/syscalls/*.swift (and others)  each family's `static let table = [ (.NAME, handler), ... ]`

States: a call in a registered family's table is `implemented`; every other number is `ENOSYS`.

Convention for partial implementations: a Swift line comment on the same line as the table
entry that starts with "partial:" marks the call `partial`, and the text after "partial:" is
the row's note:

    (.write, write),  // partial: console descriptors only until the VFS

Other comments in a table are ignored. The generator fails (status 2, message on stderr) rather
than guess when a table entry, a name or a family cannot be parsed, or when a call is registered
twice. `make test` (harness tier, tools/test/test_syscall_docs.py) regenerates the file and fails
when docs/syscalls.md differs: run this script and commit the result.
"""
import argparse
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
NUMBERS_FILE = 'include/uapi/Syscalls.swift'
FAMILIES_DIR = 'kernel/syscalls'
# Families live in kernel/syscalls/ and, as in Linux, beside the code they belong to (fork and
# exit in kernel/, arch_prctl in arch/x86_64/): every Kernel source folder is searched.
KERNEL_DIRS = ['arch/x86_64', 'kernel', 'mm', 'fs', 'drivers', 'init', 'ipc']


def family_files(root):
    """The Kernel module's Swift files that may define a family's table, sorted."""
    found = []
    for top in KERNEL_DIRS:
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            rel_folder = os.path.relpath(folder, root)
            if rel_folder.startswith('arch/x86_64/core'):
                continue
            found += [f'{rel_folder}/{f}' for f in files if f.endswith('.swift')]
    return sorted(found)
TABLE_FILE = 'kernel/syscalls/SyscallTable.swift'
OUTPUT = 'docs/syscalls.md'
COMMAND = 'python3 tools/gen-syscall-docs.py'


class ParseError(Exception):
    pass


class Call:
    def __init__(self, case, number, note=''):
        self.case = case          # the Swift case name
        self.number = number
        self.name = None          # Linux's name, from the `name` switch
        self.note = note          # from a trailing comment on the case line
        self.state = 'ENOSYS'
        self.family = None        # relative path of the family file
        self.family_note = ''     # from a "partial:" comment in the family table


def _ident(text):
    return text.strip('`')


# --- lexing: enough of Swift to find brackets outside strings and comments ---------------

def scan(text, start=0):
    """Yields (kind, position, value) from text[start:]: kind is 'open'/'close' for ([{ and
    )]}, 'comment' for a // or /* */ comment (value: its text without the markers). String
    literals (including multi-line ones) are skipped, so brackets in them do not count."""
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            end = text.find('\n', i)
            end = n if end < 0 else end
            yield 'comment', i, text[i + 2:end].strip()
            i = end
        elif text.startswith('/*', i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith('/*', j):
                    depth, j = depth + 1, j + 2
                elif text.startswith('*/', j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            yield 'comment', i, text[i + 2:j - 2].strip()
            i = j
        elif text.startswith('"""', i):
            end = text.find('"""', i + 3)
            i = n if end < 0 else end + 3
        elif c == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == '\\' else 1
            i = j + 1
        elif c in '([{':
            yield 'open', i, c
            i += 1
        elif c in ')]}':
            yield 'close', i, c
            i += 1
        else:
            i += 1


def line_of(text, pos):
    return text.count('\n', 0, pos) + 1


def bracketed(text, open_pos, where):
    """The position just past the bracket matching the one at open_pos."""
    depth = 0
    for kind, pos, _ in scan(text, open_pos):
        if kind == 'open':
            depth += 1
        elif kind == 'close':
            depth -= 1
            if depth == 0:
                return pos + 1
    raise ParseError(f'{where}: unbalanced brackets from line {line_of(text, open_pos)}')


def array_literal(text, decl, where, pos=0):
    """(start, end) of the array literal assigned by the first declaration matching the regex
    `decl` at or after pos (start: the '[', end: just past its ']'), or None if none matches.
    A type annotation between the name and '=' may contain brackets."""
    m = re.compile(decl).search(text, pos)
    if not m:
        return None
    i = m.end()
    while i < len(text) and text[i] != '=':
        i = bracketed(text, i, where) if text[i] in '([' else i + 1
    lb = re.compile(r'\S').search(text, i + 1)
    if lb is None or text[lb.start()] != '[':
        raise ParseError(f'{where}: expected an array literal after {m.group(0)!r} '
                         f'on line {line_of(text, m.start())}')
    return lb.start(), bracketed(text, lb.start(), where)


def elements(text, start, end):
    """The bracketed top-level elements of the array literal text[start:end]: a list of
    (elem_start, elem_end, comments), comments being the texts of the comments on the line where
    the element begins or ends, inside it or after it (before the next element)."""
    elems, depth, cur = [], 0, None
    comments = []
    for kind, pos, value in scan(text[:end], start):
        if kind == 'open':
            depth += 1
            if depth == 2:
                cur = [pos, None]
        elif kind == 'close':
            if depth == 2 and cur is not None:
                cur[1] = pos + 1
                elems.append(cur)
                cur = None
            depth -= 1
        elif kind == 'comment':
            comments.append((pos, value))
    out = []
    for k, (s, e) in enumerate(elems):
        next_start = elems[k + 1][0] if k + 1 < len(elems) else end
        lines = (line_of(text, s), line_of(text, e))
        mine = [v for p, v in comments if s < p < next_start and line_of(text, p) in lines]
        out.append((s, e, mine))
    return out


# --- the sources --------------------------------------------------------------------------

def read(root, rel):
    try:
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            return f.read()
    except OSError as e:
        raise ParseError(f'{rel}: {e.strerror}')


def parse_numbers(root):
    rel = NUMBERS_FILE
    text = read(root, rel)
    m = re.search(r'\benum\s+SyscallNumber\b[^{]*\{', text)
    if not m:
        raise ParseError(f'{rel}: no `enum SyscallNumber`')
    body = text[m.end() - 1:bracketed(text, m.end() - 1, rel)]
    calls, by_case, by_number = [], {}, {}
    for cm in re.finditer(r'^[ \t]*case[ \t]+(`?\w+`?)[ \t]*=[ \t]*(\d+)[ \t]*(?://[ \t]*(.*?))?[ \t]*$',
                          body, re.M):
        case, number, note = _ident(cm.group(1)), int(cm.group(2)), (cm.group(3) or '').strip()
        where = f'{rel}:{line_of(text, m.end() - 1 + cm.start())}'
        if case in by_case:
            raise ParseError(f'{where}: case {case} defined twice')
        if number in by_number:
            raise ParseError(f'{where}: number {number} used by {by_number[number].case} and {case}')
        call = Call(case, number, note)
        calls.append(call)
        by_case[case] = by_number[number] = call
    if not calls:
        raise ParseError(f'{rel}: no `case NAME = NUMBER` lines in enum SyscallNumber')
    sm = re.search(r'\bvar\s+name\s*:\s*String\s*\{', body)
    if not sm:
        raise ParseError(f'{rel}: no `var name: String` in enum SyscallNumber')
    switch = body[sm.end() - 1:bracketed(body, sm.end() - 1, rel)]
    for nm in re.finditer(r'\bcase\s+\.(`?\w+`?)\s*:\s*(?:return\s+)?"([^"\\]*)"', switch):
        case = _ident(nm.group(1))
        if case not in by_case:
            raise ParseError(f'{rel}: the name switch names .{case}, which is not a case')
        by_case[case].name = nm.group(2)
    unnamed = [c.case for c in calls if c.name is None]
    if unnamed:
        raise ParseError(f'{rel}: no name in the `name` switch for: {", ".join(unnamed)}')
    calls.sort(key=lambda c: c.number)
    return calls, by_case


def parse_registered_families(root):
    text = read(root, TABLE_FILE)
    span = array_literal(text, r'\bstatic\s+let\s+families\b', TABLE_FILE)
    if span is None:
        raise ParseError(f'{TABLE_FILE}: no `static let families`')
    literal = text[span[0]:span[1]]
    literal = ''.join(literal[s:e] if kind == 'code' else ' '
                      for kind, s, e in _code_spans(literal))
    names = re.findall(r'\b(\w+)\s*\.\s*table\b', literal)
    if not names:
        raise ParseError(f'{TABLE_FILE}: no `Family.table` entries in `families`')
    return names


def _code_spans(text):
    """Splits text into ('code', s, e) and ('comment', s, e) spans."""
    spans, last = [], 0
    for kind, pos, _ in scan(text):
        if kind == 'comment':
            if text.startswith('//', pos):
                end = text.find('\n', pos)
            else:
                end = text.find('*/', pos)
                end = end + 2 if end >= 0 else -1
            end = len(text) if end < 0 else end
            spans.append(('code', last, pos))
            spans.append(('comment', pos, end))
            last = end
    spans.append(('code', last, len(text)))
    return spans


TYPE_DECL = re.compile(r'\b(?:enum|struct|class|extension)\s+(\w+)')
ENTRY = re.compile(r'\(\s*(?:SyscallNumber\s*)?\.\s*(`?\w+`?)\s*,', re.S)


def parse_family_file(root, rel, by_case):
    """{type name: [(case, note, line)]} for each `static let table` in one file."""
    text = read(root, rel)
    tables = {}
    for tm in re.finditer(r'\bstatic\s+let\s+table\b', text):
        types = [m.group(1) for m in TYPE_DECL.finditer(text, 0, tm.start())]
        if not types:
            raise ParseError(f'{rel}:{line_of(text, tm.start())}: `static let table` outside a type')
        where = f'{rel}:{line_of(text, tm.start())}'
        start, end = array_literal(text, r'\bstatic\s+let\s+table\b', where, tm.start())
        entries = []
        for s, e, comments in elements(text, start, end):
            m = ENTRY.match(text, s)
            if not m:
                raise ParseError(f'{rel}:{line_of(text, s)}: cannot read the table entry '
                                 f'{text[s:e].splitlines()[0]!r}: expected (.name, handler)')
            case = _ident(m.group(1))
            if case not in by_case:
                raise ParseError(f'{rel}:{line_of(text, s)}: .{case} is not a SyscallNumber case')
            note = ''
            for c in comments:
                pm = re.match(r'partial\s*:\s*(.*)', c, re.S | re.I)
                if pm:
                    note = ' '.join(pm.group(1).split()) or 'partial'
            entries.append((case, note, line_of(text, s)))
        tables[types[-1]] = entries
    return tables


def collect(root=ROOT):
    """The calls in number order with state and family filled in, the registered families as
    [(type, file, count)], and warnings."""
    calls, by_case = parse_numbers(root)
    registered = parse_registered_families(root)
    found, warnings = {}, []
    for rel in family_files(root):
        for type_name, entries in parse_family_file(root, rel, by_case).items():
            if type_name in found:
                raise ParseError(f'{rel}: {type_name}.table is also defined in {found[type_name][0]}')
            found[type_name] = (rel, entries)
    families = []
    for type_name in registered:
        if type_name not in found:
            raise ParseError(f'{TABLE_FILE}: family {type_name}.table is in `families` but no '
                             f'file in the Kernel sources defines it')
        rel, entries = found[type_name]
        for case, note, line in entries:
            call = by_case[case]
            if call.family is not None:
                raise ParseError(f'{rel}:{line}: .{case} is already registered by {call.family}')
            call.family = rel
            call.state = 'partial' if note else 'implemented'
            call.family_note = note
        families.append((type_name, rel, len(entries)))
    for type_name, (rel, entries) in sorted(found.items()):
        if type_name not in registered:
            warnings.append(f'{rel}: {type_name}.table is not listed in {TABLE_FILE} `families`; '
                            f'documented as ENOSYS ({len(entries)} in its table)')
    return calls, families, warnings


# --- the document ------------------------------------------------------------------------

def cell(text):
    return text.replace('|', '\\|')


def render(calls, families):
    count = {s: sum(1 for c in calls if c.state == s) for s in ('implemented', 'partial', 'ENOSYS')}
    no_entry = sum(1 for c in calls if c.state == 'ENOSYS' and 'no entry point' in c.note)
    lo, hi = calls[0].number, calls[-1].number
    out = [
        '# System calls',
        '',
        '<!-- Generated by tools/gen-syscall-docs.py; do not edit by hand. -->',
        '',
        f'Every x86-64 system call number Apus knows ({lo} to {hi}, Linux\'s `syscall_64.tbl`), '
        'and what it does with each. A program puts the number in RAX and executes `syscall`; '
        '`SyscallTable.dispatch` runs the handler registered for it or returns `-ENOSYS` '
        '(logging the first use of each unimplemented number, so the log tells which calls real '
        'programs still need).',
        '',
        'States:',
        '',
        '- `implemented`: a handler is registered in the family file named in the row.',
        '- `partial`: registered, but the handler covers only part of what Linux does; the note '
        'says what is missing.',
        '- `ENOSYS`: no handler; the call fails with `-ENOSYS`. Numbers noted "no entry point in '
        'Linux" fail there too and always will.',
        '',
        'Numbers missing from the table (337 to 423, and the x32 numbers from 512) are not '
        'system calls on x86-64 and also return `-ENOSYS`.',
        '',
        'This file is generated from the sources, not written by hand:',
        '',
        f'- numbers and Linux names: `enum SyscallNumber` in [`{NUMBERS_FILE}`](../{NUMBERS_FILE});',
        f'- which calls are implemented: the `static let table` of each family file (most in '
        f'[`{FAMILIES_DIR}/`](../{FAMILIES_DIR}/)), for the families listed in '
        f'`SyscallTable.families` ([`{TABLE_FILE}`](../{TABLE_FILE})).',
        '',
        'A call is marked `partial` by a comment on the same line as its table entry:',
        '',
        '```swift',
        '(.write, write),  // partial: console descriptors only until the VFS',
        '```',
        '',
        'The text after `partial:` becomes the note. After changing a family table or the '
        f'numbers, run `{COMMAND}` and commit `{OUTPUT}`; `make test` (harness tier) fails with '
        '"syscall docs stale" while this file is out of date.',
        '',
        f'**{len(calls)} system calls: {count["implemented"]} implemented, {count["partial"]} '
        f'partial, {count["ENOSYS"]} ENOSYS** ({no_entry} of them have no entry point in Linux).',
        '',
        'Families:',
        '',
    ]
    for type_name, rel, n in families:
        out.append(f'- `{type_name}` in [`{rel}`](../{rel}): {n} call{"" if n == 1 else "s"}')
    out += [
        '',
        '| No. | Name | State | Family | Note |',
        '|----:|------|-------|--------|------|',
    ]
    for c in calls:
        family = f'[{os.path.basename(c.family)}](../{c.family})' if c.family else ''
        note = c.family_note if c.family else c.note
        out.append(f'| {c.number} | `{c.name}` | {c.state} | {family} | {cell(note)} |')
    return '\n'.join(out) + '\n'


def generate(root=ROOT):
    calls, families, warnings = collect(root)
    return render(calls, families), warnings


def main(argv=None):
    ap = argparse.ArgumentParser(description='Generate docs/syscalls.md from the system-call table.')
    ap.add_argument('-o', '--output', help=f"output file (default: {OUTPUT}; '-' for stdout)")
    ap.add_argument('--root', default=ROOT, help='repository root (default: this checkout)')
    args = ap.parse_args(argv)
    try:
        text, warnings = generate(args.root)
    except ParseError as e:
        print(f'gen-syscall-docs: {e}', file=sys.stderr)
        return 2
    for w in warnings:
        print(f'gen-syscall-docs: warning: {w}', file=sys.stderr)
    out = args.output or os.path.join(args.root, OUTPUT)
    if out == '-':
        sys.stdout.write(text)
    else:
        with open(out, 'w', encoding='utf-8') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
