#!/usr/bin/env python3
"""Checks of tools/mkinitramfs: the archive it writes, read back by an independent parser.

    python3 tools/test/test_mkinitramfs.py        (run-all.sh runs it in the harness tier)

The kernel's own reader (lib/format/CpioNewc.swift) reads the tool's archives in the host
tests (tests/host/LibTests/InitramfsToolTests.swift).
"""
import gzip
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.normpath(os.path.join(HERE, '..', 'mkinitramfs'))
sys.dont_write_bytecode = True        # no __pycache__ in the source tree


class Member:
    def __init__(self, fields, name, data, offset):
        (self.ino, self.mode, self.uid, self.gid, self.nlink, self.mtime, self.filesize,
         self.devmajor, self.devminor, self.rdevmajor, self.rdevminor, self.namesize,
         self.check) = fields
        self.name = name
        self.data = data
        self.offset = offset


def parse(archive):
    """Every member up to and including TRAILER!!!, checking the layout as it goes."""
    members = []
    pos = 0
    while True:
        assert pos % 4 == 0, 'member at %d not 4-aligned' % pos
        head = archive[pos:pos + 110]
        assert head[:6] == b'070701', 'bad magic %r at %d' % (head[:6], pos)
        fields = [int(head[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = fields[11], fields[6]
        name_end = pos + 110 + namesize
        name = archive[pos + 110:name_end]
        assert name.endswith(b'\0') and b'\0' not in name[:-1], 'bad name %r' % name
        data_start = (name_end + 3) & ~3
        assert archive[name_end:data_start] == b'\0' * (data_start - name_end)
        data = archive[data_start:data_start + filesize]
        assert len(data) == filesize, 'truncated data of %r' % name
        members.append(Member(fields, name[:-1].decode(), data, pos))
        pos = (data_start + filesize + 3) & ~3
        if name == b'TRAILER!!!\0':
            break
    assert archive[pos:] == b'\0' * (len(archive) - pos), 'junk after the trailer'
    return members


def run_tool(*args, env=None):
    return subprocess.run([sys.executable, TOOL] + list(args), capture_output=True, env=env)


class ToolTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='mkinitramfs-test-')
        self.addCleanup(shutil.rmtree, self.tmp)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def make_tree(self, root, reverse=False):
        """A tree with one of everything; `reverse` creates it in another order, with other
        timestamps, to show that neither reaches the archive."""
        steps = [
            lambda: os.makedirs(os.path.join(root, 'bin')),
            lambda: os.makedirs(os.path.join(root, 'dev')),
            lambda: os.makedirs(os.path.join(root, 'etc', 'sub')),
            lambda: os.makedirs(os.path.join(root, 'tmp')),
            lambda: os.makedirs(os.path.join(root, 'B')),
        ]
        files = [
            ('bin/prog', b'\x7fELF pretend\n', 0o755),
            ('etc/passwd', b'root:x:0:0:root:/root:/bin/sh\n', 0o644),
            ('etc/empty', b'', 0o600),
            ('etc/sub/odd', b'12345', 0o640),           # 5 bytes: data padding
            ('bin/su', b'x' * 4099, 0o4755),
        ]
        if reverse:
            steps.reverse()
            files.reverse()
        for step in steps:
            step()
        for name, data, mode in files:
            with open(os.path.join(root, name), 'wb') as f:
                f.write(data)
            os.chmod(os.path.join(root, name), mode)
        os.chmod(os.path.join(root, 'tmp'), 0o1777)
        os.link(os.path.join(root, 'etc', 'passwd'), os.path.join(root, 'B', 'hard'))
        os.symlink('/bin/prog', os.path.join(root, 'bin', 'sh'))
        os.symlink('sub/../passwd', os.path.join(root, 'etc', 'rel'))
        os.mkfifo(os.path.join(root, 'tmp', 'fifo'))
        os.chmod(os.path.join(root, 'tmp', 'fifo'), 0o620)
        stamp = 1000000 if reverse else 2000000
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                os.utime(os.path.join(dirpath, name), (stamp, stamp), follow_symlinks=False)
        return root

    def archive(self, root, *args, env=None):
        out = self.path('out.cpio')
        r = run_tool(root, '-o', out, *args, env=env)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(out, 'rb') as f:
            return f.read()


class ArchiveTests(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.root = self.make_tree(self.path('root'))
        self.data = self.archive(self.root, '--node', '/dev/console,c,5,1,0600',
                                 '--node', 'dev/sda,b,8,0,0660', '--node', '/tmp/pipe,p,0,0,0644')
        self.members = parse(self.data)
        self.by_name = {m.name: m for m in self.members}

    def test_order_parents_first_bytewise(self):
        names = [m.name for m in self.members]
        self.assertEqual(names, [
            'B', 'B/hard', 'bin', 'bin/prog', 'bin/sh', 'bin/su', 'dev', 'dev/console', 'dev/sda',
            'etc', 'etc/empty', 'etc/passwd', 'etc/rel', 'etc/sub', 'etc/sub/odd',
            'tmp', 'tmp/fifo', 'tmp/pipe', 'TRAILER!!!'])

    def test_trailer_and_block_padding(self):
        trailer = self.members[-1]
        self.assertEqual((trailer.ino, trailer.mode, trailer.nlink, trailer.filesize), (0, 0, 1, 0))
        self.assertEqual(len(self.data) % 512, 0)

    def test_root_owned_fixed_mtime(self):
        for m in self.members[:-1]:
            self.assertEqual((m.uid, m.gid, m.mtime, m.devmajor, m.devminor, m.check),
                             (0, 0, 0, 0, 0, 0), m.name)

    def test_modes(self):
        expected = {
            'bin': stat.S_IFDIR | 0o755, 'tmp': stat.S_IFDIR | 0o1777,
            'bin/prog': stat.S_IFREG | 0o755, 'bin/su': stat.S_IFREG | 0o4755,
            'etc/empty': stat.S_IFREG | 0o600, 'etc/sub/odd': stat.S_IFREG | 0o640,
            'bin/sh': stat.S_IFLNK | 0o777, 'tmp/fifo': stat.S_IFIFO | 0o620,
            'dev/console': stat.S_IFCHR | 0o600, 'dev/sda': stat.S_IFBLK | 0o660,
            'tmp/pipe': stat.S_IFIFO | 0o644,
        }
        for name, mode in expected.items():
            self.assertEqual(oct(self.by_name[name].mode), oct(mode), name)

    def test_data_and_symlinks(self):
        self.assertEqual(self.by_name['bin/prog'].data, b'\x7fELF pretend\n')
        self.assertEqual(self.by_name['bin/su'].data, b'x' * 4099)
        self.assertEqual(self.by_name['etc/sub/odd'].data, b'12345')
        self.assertEqual(self.by_name['etc/empty'].data, b'')
        self.assertEqual(self.by_name['bin/sh'].data, b'/bin/prog')
        self.assertEqual(self.by_name['etc/rel'].data, b'sub/../passwd')

    def test_device_numbers(self):
        console, sda = self.by_name['dev/console'], self.by_name['dev/sda']
        self.assertEqual((console.rdevmajor, console.rdevminor), (5, 1))
        self.assertEqual((sda.rdevmajor, sda.rdevminor), (8, 0))
        self.assertEqual(self.by_name['bin/prog'].rdevmajor, 0)

    def test_inodes_and_hard_links(self):
        first, last = self.by_name['B/hard'], self.by_name['etc/passwd']
        self.assertEqual(first.ino, last.ino)
        self.assertEqual((first.nlink, last.nlink), (2, 2))
        # The last name carries the data, as GNU cpio writes it.
        self.assertEqual((first.data, last.data), (b'', b'root:x:0:0:root:/root:/bin/sh\n'))
        inos = [m.ino for m in self.members[:-1] if m.name != 'etc/passwd']
        self.assertEqual(inos, list(range(1, len(inos) + 1)))

    def test_directory_link_counts(self):
        self.assertEqual(self.by_name['etc'].nlink, 3)       # '.', its name, sub's '..'
        self.assertEqual(self.by_name['etc/sub'].nlink, 2)

    def test_the_harness_counts_what_the_kernel_reports(self):
        sys.path.insert(0, HERE)
        import kernel_tests
        out = self.path('counted.cpio.gz')
        with open(out, 'wb') as f:
            f.write(gzip.compress(self.data + self.data))     # two archives, one gzip member
        # 10 files (6 regular names, two of them one file, a FIFO, 3 --node entries), 6
        # directories, 2 symlinks; data 13 + 4099 + 0 + 30 + 5 bytes (the second name has none).
        self.assertEqual(kernel_tests.initramfs_counts(out), (2 * 10, 2 * 6, 2 * 2, 2 * 4147))

    def test_gnu_cpio_agrees(self):
        if not shutil.which('cpio'):
            self.skipTest('no GNU cpio')
        r = subprocess.run(['cpio', '-it', '--quiet'], input=self.data, capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(r.stdout.decode().split('\n')[:-1],
                         [m.name for m in self.members[:-1]])


class ReproducibilityTests(ToolTestCase):
    def test_same_tree_same_bytes(self):
        one = self.archive(self.make_tree(self.path('one')))
        two = self.archive(self.make_tree(self.path('two'), reverse=True))
        self.assertEqual(one, two)
        self.assertEqual(one, self.archive(self.path('one')))

    def test_mtime_option_and_source_date_epoch(self):
        root = self.make_tree(self.path('root'))
        self.assertTrue(all(m.mtime == 1234 for m in parse(self.archive(root, '--mtime', '1234'))[:-1]))
        env = dict(os.environ, SOURCE_DATE_EPOCH='99')
        self.assertTrue(all(m.mtime == 99 for m in parse(self.archive(root, env=env))[:-1]))
        r = run_tool(root, '-o', self.path('x'), env=dict(os.environ, SOURCE_DATE_EPOCH='soon'))
        self.assertEqual(r.returncode, 1)

    def test_gzip(self):
        root = self.make_tree(self.path('root'))
        raw = self.archive(root)
        packed = self.archive(root, '--gzip')
        self.assertEqual(packed[:4], b'\x1f\x8b\x08\x00')       # deflate, no FNAME
        self.assertEqual(packed[4:8], b'\0\0\0\0')               # mtime 0
        self.assertEqual(gzip.decompress(packed), raw)
        self.assertEqual(packed, self.archive(root, '--gzip'))

    def test_standard_output(self):
        root = self.make_tree(self.path('root'))
        r = run_tool(root, '-o', '-')
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout, self.archive(root))

    def test_empty_directory(self):
        os.mkdir(self.path('empty'))
        self.assertEqual([m.name for m in parse(self.archive(self.path('empty')))], ['TRAILER!!!'])


class ErrorTests(ToolTestCase):
    def assertRefused(self, message, *args):
        out = self.path('out.cpio')
        r = run_tool(*args, '-o', out)
        self.assertEqual(r.returncode, 1, r.stderr.decode())
        self.assertIn(message, r.stderr.decode())
        self.assertFalse(os.path.exists(out))
        self.assertFalse(os.path.exists(out + '.tmp'))

    def test_bad_nodes(self):
        root = self.make_tree(self.path('root'))
        self.assertRefused('expected PATH,TYPE,MAJOR,MINOR,MODE', root, '--node', '/dev/x,c,1,3')
        self.assertRefused('type must be c, b or p', root, '--node', '/dev/x,s,1,3,0600')
        self.assertRefused('MAJOR and MINOR are decimal', root, '--node', '/dev/x,c,one,3,0600')
        self.assertRefused('MODE octal', root, '--node', '/dev/x,c,1,3,0689')
        self.assertRefused('out of range', root, '--node', '/dev/x,c,1,3,017777')
        self.assertRefused('bad path', root, '--node', '/dev/../x,c,1,3,0600')
        self.assertRefused('bad path', root, '--node', '/,c,1,3,0600')
        self.assertRefused('a FIFO has no device numbers', root, '--node', '/dev/x,p,1,3,0600')
        self.assertRefused('no directory /proc', root, '--node', '/proc/x,c,1,3,0600')
        self.assertRefused('no directory /etc/passwd', root, '--node', '/etc/passwd/x,c,1,3,0600')
        self.assertRefused('already in', root, '--node', '/etc/passwd,c,1,3,0600')

    def test_not_a_directory(self):
        self.assertRefused('is not a directory', self.path('missing'))


if __name__ == '__main__':
    unittest.main()
