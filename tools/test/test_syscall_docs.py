#!/usr/bin/env python3
"""docs/syscalls.md is generated from the system-call table; this keeps it honest.

    python3 tools/test/test_syscall_docs.py      (run-all.sh runs it in the harness tier)

Prints two result lines for the harness tally:
    PASS syscall docs generator self-check (N cases)   the parser, on hand-made Swift sources
    PASS syscall docs up to date                       regenerating gives docs/syscalls.md
or FAIL lines instead (`FAIL syscall docs stale: run tools/gen-syscall-docs.py`, with the start
of the difference indented below it). Exits 1 if anything failed.
"""
import atexit
import difflib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
GENERATOR = os.path.join(ROOT, 'tools', 'gen-syscall-docs.py')
sys.dont_write_bytecode = True        # no __pycache__ in the source tree

_spec = importlib.util.spec_from_file_location('gen_syscall_docs', GENERATOR)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


NUMBERS = '''\
/// A doc comment: case fake = 99 is not a case.
public enum SyscallNumber: Int, CaseIterable, Sendable {
    case read = 0
    case write = 1
    case `open` = 2
    case uselib = 134  // no entry point in Linux
    case newfstatat = 262

    public var name: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .open: "open"
        case .uselib: "uselib"
        case .newfstatat: return "newfstatat"
        }
    }
}
'''

TABLE = '''\
public enum SyscallTable {
    static let families: [[(SyscallNumber, SyscallHandler)]] = [
        ReadWriteSyscalls.table,
        // StatSyscalls.table,  (not yet)
        /* OtherSyscalls.table, */
        OpenSyscalls.table,
    ]
    static let unrelated = [Foo.table]
}
'''

READ_WRITE = '''\
enum ReadWriteSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.write, syscall(write)),  // partial: console descriptors only | until the VFS
        // partial: a heading comment on its own line belongs to no entry
        (.read, syscall { (fd: FileDescriptor) throws(Errno) in
            let s = "]) // partial: inside a string"  // just a comment
            return Int64(s.count + [1, 2].count)
        }),
    ]
    static func write(_ fd: FileDescriptor) throws(Errno) -> Int64 { 0 }
}
'''

OPEN = '''\
enum OpenSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [(SyscallNumber.open, open)]
}
'''

STAT = '''\
enum StatSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.newfstatat, newfstatat),
    ]
}
'''


def tree(files):
    root = tempfile.mkdtemp(prefix='syscall-docs-')
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
    return root


def sources(**changes):
    files = {
        'include/uapi/Syscalls.swift': NUMBERS,
        'kernel/syscalls/SyscallTable.swift': TABLE,
        'kernel/syscalls/ReadWrite.swift': READ_WRITE,
        'kernel/syscalls/Open.swift': OPEN,
        'kernel/syscalls/Stat.swift': STAT,
    }
    files.update(changes)
    return tree(files)


class GeneratorTests(unittest.TestCase):
    def collect(self, **changes):
        calls, families, warnings = gen.collect(sources(**changes))
        return {c.name: c for c in calls}, families, warnings

    def test_states_families_and_notes(self):
        calls, families, warnings = self.collect()
        self.assertEqual([(c.number, c.state) for c in calls.values()],
                         [(0, 'implemented'), (1, 'partial'), (2, 'implemented'),
                          (134, 'ENOSYS'), (262, 'ENOSYS')])
        self.assertEqual(calls['write'].family_note, 'console descriptors only | until the VFS')
        self.assertEqual(calls['read'].family_note, '')      # comments inside it are not notes
        self.assertEqual(calls['read'].family, 'kernel/syscalls/ReadWrite.swift')
        self.assertEqual(calls['open'].family, 'kernel/syscalls/Open.swift')
        self.assertEqual(calls['uselib'].note, 'no entry point in Linux')
        self.assertEqual([f[0] for f in families], ['ReadWriteSyscalls', 'OpenSyscalls'])

    def test_unregistered_family_is_enosys_with_a_warning(self):
        calls, _, warnings = self.collect()
        self.assertIsNone(calls['newfstatat'].family)
        self.assertEqual(len(warnings), 1)
        self.assertIn('StatSyscalls.table is not listed', warnings[0])

    def test_registering_a_family_changes_the_document(self):
        before, _ = gen.generate(sources())
        after, warnings = gen.generate(sources(**{'kernel/syscalls/SyscallTable.swift':
                                                  TABLE.replace('// StatSyscalls', 'StatSyscalls')}))
        self.assertEqual(warnings, [])
        self.assertNotEqual(before, after)
        self.assertIn('| 262 | `newfstatat` | implemented | [Stat.swift](../kernel/syscalls/Stat.swift) |  |',
                      after)

    def test_document(self):
        text, _ = gen.generate(sources())
        self.assertIn('**5 system calls: 2 implemented, 1 partial, 2 ENOSYS** '
                      '(1 of them have no entry point in Linux).', text)
        self.assertIn('| 1 | `write` | partial | [ReadWrite.swift](../kernel/syscalls/ReadWrite.swift) '
                      '| console descriptors only \\| until the VFS |', text)
        self.assertIn('| 134 | `uselib` | ENOSYS |  | no entry point in Linux |', text)
        self.assertTrue(text.endswith('|\n'))

    def assertFails(self, message, **changes):
        with self.assertRaises(gen.ParseError) as cm:
            gen.collect(sources(**changes))
        self.assertIn(message, str(cm.exception))

    def test_registered_twice(self):
        self.assertFails('.write is already registered',
                         **{'kernel/syscalls/Open.swift': OPEN.replace('open)]', 'open), (.write, w)]')})

    def test_unknown_case(self):
        self.assertFails('.wirte is not a SyscallNumber case',
                         **{'kernel/syscalls/Open.swift': OPEN.replace('SyscallNumber.open', '.wirte')})

    def test_unreadable_entry(self):
        self.assertFails('cannot read the table entry',
                         **{'kernel/syscalls/Open.swift': OPEN.replace('(SyscallNumber.open, open)',
                                                                       '(number, open)')})

    def test_missing_name(self):
        self.assertFails('no name in the `name` switch for: newfstatat',
                         **{'include/uapi/Syscalls.swift':
                            NUMBERS.replace('        case .newfstatat: return "newfstatat"\n', '')})

    def test_family_without_a_file(self):
        self.assertFails('OpenSyscalls.table is in `families` but no file',
                         **{'kernel/syscalls/Open.swift': ''})


def self_check():
    out = io.StringIO()
    result = unittest.TextTestRunner(stream=out, verbosity=0).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(GeneratorTests))
    if result.wasSuccessful():
        print(f'PASS syscall docs generator self-check ({result.testsRun} cases)')
        return True
    print('FAIL syscall docs generator self-check: python3 tools/test/test_syscall_docs.py')
    for line in out.getvalue().splitlines()[-30:]:
        print('    ' + line)
    return False


def up_to_date():
    doc = os.path.join(ROOT, gen.OUTPUT)
    with tempfile.TemporaryDirectory(prefix='syscall-docs-') as tmp:
        fresh = os.path.join(tmp, 'syscalls.md')
        run = subprocess.run([sys.executable, GENERATOR, '-o', fresh],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print('FAIL syscall docs: tools/gen-syscall-docs.py failed')
            for line in run.stderr.splitlines()[-10:]:
                print('    ' + line)
            return False
        with open(fresh) as f:
            new = f.read()
    warnings = [line for line in run.stderr.splitlines() if line.strip()]
    try:
        with open(doc) as f:
            old = f.read()
    except OSError:
        old = None
    if old == new:
        print('PASS syscall docs up to date')
        for line in warnings:
            print('    ' + line)
        return True
    print('FAIL syscall docs stale: run tools/gen-syscall-docs.py')
    if old is None:
        print(f'    {gen.OUTPUT} is missing')
    else:
        diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(),
                                         gen.OUTPUT, '(regenerated)', n=0, lineterm=''))
        for line in diff[:20]:
            print('    ' + line)
        if len(diff) > 20:
            print(f'    ... {len(diff) - 20} more diff lines')
    return False


if __name__ == '__main__':
    ok = self_check()
    ok = up_to_date() and ok
    sys.exit(0 if ok else 1)
