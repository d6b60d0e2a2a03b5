import ABI
import Core
import Kernel
import Lib

/// The VFS, ramfs and the initramfs unpacker, worked through the calls the
/// system calls will make. Everything happens under /selftest-vfs, with a
/// second ramfs mounted inside it.
enum VFSTests {
    static func run(_ t: inout TestReporter) {
        guard VFS.rootPath != nil else {
            t.check(false, "vfs: a root filesystem is mounted")
            return
        }
        let base = "/selftest-vfs"
        t.check(errorOf(try VFS.mkdir(b(base), mode: 0o755)) == nil, "vfs: mkdir \(base)")
        directories(&t, base)
        regularFiles(&t, base)
        removal(&t, base)
        symlinks(&t, base)
        listing(&t, base)
        mounts(&t, base)
        bootInitramfs(&t)
        unpacking(&t, base)
    }

    // MARK: - Directories

    static func directories(_ t: inout TestReporter, _ base: String) {
        var made = true
        for path in ["\(base)/a", "\(base)/a/b", "\(base)/a/b/c/"] {
            made = made && errorOf(try VFS.mkdir(b(path), mode: 0o750)) == nil
        }
        let c = try? VFS.stat(b("\(base)/a/b/c"))
        t.check(
            made && c?.st_mode == FileMode.S_IFDIR | 0o750, "vfs: mkdir -p a/b/c/ makes directories with their mode")
        t.check(
            errorOf(try VFS.mkdir(b("\(base)/a/b"), mode: 0o755)) == .EEXIST, "vfs: mkdir of an existing name is EEXIST"
        )
        t.check(
            errorOf(try VFS.mkdir(b("\(base)/none/x"), mode: 0o755)) == .ENOENT,
            "vfs: mkdir under a missing directory is ENOENT")
        let a = try? VFS.stat(b("\(base)/a"))
        t.check(a?.st_nlink == 3, "vfs: a directory with one subdirectory has nlink 3 (\(a?.st_nlink ?? 0))")
    }

    // MARK: - Regular files

    static func regularFiles(_ t: inout TestReporter, _ base: String) {
        let path = b("\(base)/data")
        let pattern = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        do throws(Errno) {
            let file = try VFS.open(path, flags: [.O_RDWR, .O_CREAT, .O_EXCL], mode: 0o644)
            let written = try file.write(pattern)
            _ = try file.seek(to: 0, from: .SEEK_SET)
            let back = try file.read(count: 20_000)
            t.check(
                written == pattern.count && back == pattern, "vfs: 10000 bytes across three pages read back as written")
            let status = try VFS.stat(path)
            t.check(
                status.st_mode == FileMode.S_IFREG | 0o644 && status.st_size == 10_000 && status.st_nlink == 1,
                "vfs: stat of a new file: mode 0100644, size 10000, nlink 1")
            t.check(
                errorOf(try VFS.open(path, flags: [.O_RDWR, .O_CREAT, .O_EXCL], mode: 0o644)) == .EEXIST,
                "vfs: O_CREAT|O_EXCL on an existing file is EEXIST")

            let appender = try VFS.open(path, flags: [.O_WRONLY, .O_APPEND])
            _ = try appender.seek(to: 0, from: .SEEK_SET)
            _ = try appender.write(b("xyz"))
            let reader = try VFS.open(path, flags: [.O_RDONLY])
            _ = try reader.seek(to: 10_000, from: .SEEK_SET)
            let appended = try reader.read(count: 10)
            t.check(
                appended == b("xyz") && appender.position == 10_003,
                "vfs: O_APPEND writes at the end whatever the position")
            t.check(
                errorOf(try reader.write(b("no"))) == .EBADF && errorOf(try appender.read(count: 1)) == .EBADF,
                "vfs: writing a read-only file and reading a write-only one are EBADF")

            let truncated = try VFS.open(path, flags: [.O_RDWR, .O_TRUNC])
            let afterTruncation = try truncated.read(count: 10)
            t.check(truncated.stat().st_size == 0 && afterTruncation.isEmpty, "vfs: O_TRUNC empties the file")

            let sparse = try VFS.open(b("\(base)/sparse"), flags: [.O_RDWR, .O_CREAT], mode: 0o600)
            _ = try sparse.write(b("head"))
            let end = try sparse.seek(to: 3 * 4096 + 100, from: .SEEK_SET)
            _ = try sparse.write(b("tail"))
            _ = try sparse.seek(to: 0, from: .SEEK_SET)
            let all = try sparse.read(count: 20_000)
            let hole = all[4..<Int(end)]
            t.check(
                all.count == 3 * 4096 + 104 && hole.allSatisfy { $0 == 0 } && all.suffix(4).elementsEqual(b("tail")),
                "vfs: a write past the end leaves a hole that reads as zeros")
            t.check(
                sparse.stat().st_blocks == 2 * 4096 / 512,
                "vfs: the hole takes no pages (st_blocks \(sparse.stat().st_blocks))")
            t.check(
                errorOf(try sparse.seek(to: -1, from: .SEEK_SET)) == .EINVAL, "vfs: seeking before the start is EINVAL")
        } catch {
            t.check(false, "vfs: file operations failed with errno \(error.rawValue)")
        }
    }

    // MARK: - Removing and renaming

    static func removal(_ t: inout TestReporter, _ base: String) {
        do throws(Errno) {
            let path = b("\(base)/doomed")
            let file = try VFS.open(path, flags: [.O_RDWR, .O_CREAT], mode: 0o644)
            _ = try file.write(b("still here"))
            try VFS.unlink(path)
            _ = try file.seek(to: 0, from: .SEEK_SET)
            let kept = try file.read(count: 100)
            t.check(
                errorOf(try VFS.stat(path)) == .ENOENT && kept == b("still here") && file.stat().st_nlink == 0,
                "vfs: an unlinked open file keeps its data, with nlink 0")

            try write(b("new"), to: "\(base)/x")
            try write(b("old contents"), to: "\(base)/y")
            try VFS.link(b("\(base)/y"), to: b("\(base)/y2"))
            t.check((try VFS.stat(b("\(base)/y"))).st_nlink == 2, "vfs: link makes nlink 2")
            try VFS.rename(b("\(base)/x"), to: b("\(base)/y"))
            let replaced = try contents("\(base)/y"), otherName = try contents("\(base)/y2")
            let otherLinks = try VFS.stat(b("\(base)/y2")).st_nlink
            t.check(
                replaced == b("new") && errorOf(try VFS.stat(b("\(base)/x"))) == .ENOENT
                    && otherLinks == 1 && otherName == b("old contents"),
                "vfs: rename over an existing file replaces that name only")
            t.check(
                errorOf(try VFS.rename(b("\(base)/y"), to: b("\(base)/a"))) == .EISDIR,
                "vfs: rename of a file over a directory is EISDIR")
            t.check(
                errorOf(try VFS.rename(b("\(base)/a"), to: b("\(base)/y"))) == .ENOTDIR,
                "vfs: rename of a directory over a file is ENOTDIR")
            t.check(
                errorOf(try VFS.rename(b("\(base)/a"), to: b("\(base)/a/b/inside"))) == .EINVAL,
                "vfs: rename of a directory into itself is EINVAL")
            try VFS.mkdir(b("\(base)/empty"), mode: 0o755)
            try VFS.rename(b("\(base)/a/b/c"), to: b("\(base)/empty"))
            let oldParentLinks = try VFS.stat(b("\(base)/a/b")).st_nlink
            let moved = try VFS.stat(b("\(base)/empty"))
            t.check(
                oldParentLinks == 2 && moved.st_mode & FileMode.S_IFMT == FileMode.S_IFDIR,
                "vfs: rename of a directory over an empty one moves it and fixes link counts")

            t.check(
                errorOf(try VFS.rmdir(b("\(base)/a"))) == .ENOTEMPTY, "vfs: rmdir of a non-empty directory is ENOTEMPTY"
            )
            t.check(errorOf(try VFS.rmdir(b("\(base)/y"))) == .ENOTDIR, "vfs: rmdir of a file is ENOTDIR")
            t.check(errorOf(try VFS.unlink(b("\(base)/a"))) == .EISDIR, "vfs: unlink of a directory is EISDIR")
            t.check(errorOf(try VFS.rmdir(b("\(base)/a/."))) == .EINVAL, "vfs: rmdir of \".\" is EINVAL")
            try VFS.rmdir(b("\(base)/empty"))
            t.check(errorOf(try VFS.stat(b("\(base)/empty"))) == .ENOENT, "vfs: rmdir of an empty directory removes it")
        } catch {
            t.check(false, "vfs: removal and renaming failed with errno \(error.rawValue)")
        }
    }

    // MARK: - Symlinks

    static func symlinks(_ t: inout TestReporter, _ base: String) {
        do throws(Errno) {
            try VFS.symlink(b("a/b"), at: b("\(base)/shortcut"))
            let through = try VFS.stat(b("\(base)/shortcut/"))
            let target = try VFS.stat(b("\(base)/a/b"))
            t.check(through.st_ino == target.st_ino, "vfs: a relative symlink resolves from its directory")
            let link = try VFS.stat(b("\(base)/shortcut"), follow: false)
            t.check(
                link.st_mode == FileMode.S_IFLNK | 0o777 && link.st_size == 3,
                "vfs: lstat sees the link itself (mode 0120777, size 3)")
            t.check(try VFS.readlink(b("\(base)/shortcut")) == b("a/b"), "vfs: readlink returns the body")
            t.check(errorOf(try VFS.readlink(b("\(base)/y"))) == .EINVAL, "vfs: readlink of a file is EINVAL")
            try VFS.symlink(b("loop2"), at: b("\(base)/loop1"))
            try VFS.symlink(b("loop1"), at: b("\(base)/loop2"))
            t.check(errorOf(try VFS.stat(b("\(base)/loop1"))) == .ELOOP, "vfs: a symlink cycle is ELOOP")
            t.check(
                errorOf(try VFS.open(b("\(base)/shortcut"), flags: [.O_RDONLY, .O_NOFOLLOW])) == .ELOOP,
                "vfs: O_NOFOLLOW on a symlink is ELOOP")
            try VFS.symlink(b("\(base)/created-through-link"), at: b("\(base)/dangling"))
            _ = try VFS.open(b("\(base)/dangling"), flags: [.O_WRONLY, .O_CREAT], mode: 0o644)
            t.check(
                (try? VFS.stat(b("\(base)/created-through-link"))) != nil,
                "vfs: O_CREAT through a dangling symlink creates its target")
            t.check(
                errorOf(try VFS.open(b("\(base)/y/"), flags: [.O_RDONLY])) == .ENOTDIR,
                "vfs: a file with a trailing slash is ENOTDIR")
        } catch {
            t.check(false, "vfs: symlinks failed with errno \(error.rawValue)")
        }
    }

    // MARK: - Directory listing

    static func listing(_ t: inout TestReporter, _ base: String) {
        do throws(Errno) {
            try VFS.mkdir(b("\(base)/list"), mode: 0o755)
            try write(b("1"), to: "\(base)/list/one")
            try VFS.mkdir(b("\(base)/list/sub"), mode: 0o755)
            try VFS.symlink(b("one"), at: b("\(base)/list/ln"))
            try write(b("2"), to: "\(base)/list/gone")
            try VFS.unlink(b("\(base)/list/gone"))
            let directory = try VFS.open(b("\(base)/list"), flags: [.O_RDONLY, .O_DIRECTORY])
            let first = try directory.readDirectory(fitting: 24)
            let rest = try directory.readDirectory(fitting: 4096)
            let end = try directory.readDirectory(fitting: 4096)
            let all = first + rest
            let names = all.map { String(decoding: $0.d_name, as: UTF8.self) }
            let type = { (name: String) -> UInt8? in
                all.first { String(decoding: $0.d_name, as: UTF8.self) == name }?.d_type
            }
            t.check(
                first.count == 1 && names == [".", "..", "one", "sub", "ln"],
                "vfs: getdents lists . .. one sub ln, in creation order, a small buffer taking one (\(names.count))")
            t.check(
                type("one") == Dirent64.DT_REG && type("sub") == Dirent64.DT_DIR && type("ln") == Dirent64.DT_LNK,
                "vfs: getdents reports each entry's d_type")
            t.check(end.isEmpty, "vfs: getdents at the end returns nothing")
            t.check(
                errorOf(try directory.readDirectory(fitting: 8)) == nil,
                "vfs: getdents at the end with a tiny buffer is not an error")
            _ = try directory.seek(to: 0, from: .SEEK_SET)
            t.check(
                errorOf(try directory.readDirectory(fitting: 8)) == .EINVAL,
                "vfs: getdents into a buffer too small for one entry is EINVAL")
            t.check(
                errorOf(try VFS.open(b("\(base)/list"), flags: [.O_WRONLY])) == .EISDIR,
                "vfs: opening a directory for writing is EISDIR")
            t.check(
                errorOf(try VFS.open(b("\(base)/list/one"), flags: [.O_RDONLY, .O_DIRECTORY])) == .ENOTDIR,
                "vfs: O_DIRECTORY on a file is ENOTDIR")
        } catch {
            t.check(false, "vfs: listing failed with errno \(error.rawValue)")
        }
    }

    // MARK: - Mounts and ".."

    static func mounts(_ t: inout TestReporter, _ base: String) {
        do throws(Errno) {
            try VFS.mkdir(b("\(base)/mnt"), mode: 0o755)
            try write(b("underneath"), to: "\(base)/mnt/hidden")
            let outer = try VFS.stat(b("\(base)/mnt"))
            try VFS.mount(Ramfs.makeSuperBlock(), at: b("\(base)/mnt"))
            let inner = try VFS.stat(b("\(base)/mnt"))
            t.check(
                inner.st_dev != outer.st_dev && inner.st_ino != outer.st_ino,
                "vfs: a mount point shows the mounted filesystem's root (st_dev \(inner.st_dev) vs \(outer.st_dev))")
            t.check(errorOf(try VFS.stat(b("\(base)/mnt/hidden"))) == .ENOENT, "vfs: a mount hides what is beneath it")
            try write(b("on top"), to: "\(base)/mnt/file")
            t.check(
                try contents("\(base)/mnt/../mnt/file") == b("on top"),
                "vfs: mnt/../mnt/file crosses the mount both ways")
            let up = try VFS.stat(b("\(base)/mnt/.."))
            let baseStat = try VFS.stat(b(base))
            t.check(
                up.st_ino == baseStat.st_ino && up.st_dev == baseStat.st_dev,
                "vfs: \"..\" at a mounted root leads to the mount point's parent")
            let root = try VFS.stat(b("/"))
            let aboveRoot = try VFS.stat(b("/../.."))
            t.check(aboveRoot.st_ino == root.st_ino, "vfs: \"..\" at the root stays at the root")
            t.check(errorOf(try VFS.rmdir(b("\(base)/mnt"))) == .EBUSY, "vfs: rmdir of a mount point is EBUSY")
            t.check(
                errorOf(try VFS.rename(b("\(base)/mnt/file"), to: b("\(base)/y"))) == .EXDEV,
                "vfs: rename across mounts is EXDEV")
            t.check(
                errorOf(try VFS.link(b("\(base)/mnt/file"), to: b("\(base)/z"))) == .EXDEV,
                "vfs: link across mounts is EXDEV")
            let start = try VFS.lookup(b("\(base)/a"))
            t.check(
                (try VFS.stat(b("b/../../mnt/file"), relativeTo: start)).st_size == 6,
                "vfs: a relative path from a directory walks .. across a mount")
            mountTexts(&t, base)
        } catch {
            t.check(false, "vfs: mounts failed with errno \(error.rawValue)")
        }
    }

    /// /proc/mounts and mountinfo as procfs will show them: the ramfs on
    /// mnt, and a tmpfs with options on a name with a space (escaped).
    static func mountTexts(_ t: inout TestReporter, _ base: String) {
        do throws(Errno) {
            t.check(
                has(VFS.mountsText(root: nil), "ramfs \(base)/mnt ramfs rw,relatime 0 0\n"),
                "vfs: /proc/mounts shows mnt")
            t.check(
                has(VFS.mountInfoText(root: nil), " / \(base)/mnt rw,relatime - ramfs ramfs rw\n"),
                "vfs: mountinfo shows mnt")
            try VFS.mkdir(b("\(base)/a b"), mode: 0o755)
            let tmpfs = try FileSystems.find(b("tmpfs")).mount(
                source: b("scratch"), options: MountOptions(parsing: b("size=1m,mode=700")))
            try VFS.mount(tmpfs, on: VFS.lookup(b("\(base)/a b")), source: b("scratch"))
            t.check(
                has(VFS.mountsText(root: nil), "scratch \(base)/a\\040b tmpfs rw,relatime,size=1024k,mode=700 0 0\n"),
                "vfs: /proc/mounts escapes a space and shows tmpfs's options")
            try VFS.unmount(VFS.lookup(b("\(base)/a b")), flags: [])
            t.check(
                !has(VFS.mountsText(root: nil), "\\040"),
                "vfs: umount takes the line away")
        } catch {
            t.check(false, "vfs: mount texts failed with errno \(error.rawValue)")
        }
    }

    /// Whether `text` holds `part`.
    private static func has(_ text: [UInt8], _ part: String) -> Bool {
        let needle = Array(part.utf8)
        guard needle.count <= text.count else { return false }
        return (0...(text.count - needle.count)).contains { Array(text[$0..<$0 + needle.count]) == needle }
    }

    // MARK: - Initramfs

    /// The boot's initramfs, if one was unpacked: what it created is in the
    /// tree outside the test's own directory, every file readable to its
    /// size. Later archives may replace names of earlier ones, so the tree
    /// can hold fewer entries than were unpacked, but not more.
    static func bootInitramfs(_ t: inout TestReporter) {
        guard let statistics = Initramfs.bootStatistics,
            statistics.files + statistics.directories + statistics.symlinks > 0
        else {
            t.check(true, "vfs: no initramfs was unpacked at boot, nothing to check")
            return
        }
        var found = TreeCount()
        // /dev is devtmpfs mounted over the archive's own /dev: not the archive's files.
        found.count(directory: "", skipping: ["selftest-vfs", "dev"])
        t.check(
            (found.files > 0) == (statistics.files > 0) && found.files <= statistics.files
                && (found.symlinks > 0) == (statistics.symlinks > 0) && found.symlinks <= statistics.symlinks
                && found.directories <= statistics.directories && found.bytes <= statistics.bytes,
            "vfs: the boot initramfs is in /: \(found.files) files, \(found.directories) directories, \(found.symlinks) symlinks, \(found.bytes) bytes"
        )
        t.check(
            found.shortReads == 0,
            "vfs: every file of the boot initramfs reads back to its size (\(found.shortReads) do not)")
    }

    /// A cpio archive built here, raw and wrapped in gzip, unpacked into a
    /// scratch ramfs.
    static func unpacking(_ t: inout TestReporter, _ base: String) {
        let fileData = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        var archive = CpioBuilder()
        archive.add(".", mode: FileMode.S_IFDIR | 0o700)
        archive.add("dir", mode: FileMode.S_IFDIR | 0o751, mtime: 1_000_000)
        // As archivers write hard links: the data comes with the last name.
        archive.add("dir/hard", mode: FileMode.S_IFREG | 0o640, ino: 7, nlink: 2)
        archive.add("dir/file", mode: FileMode.S_IFREG | 0o640, data: fileData, ino: 7, nlink: 2, mtime: 2_000_000)
        archive.add("dir/link", mode: FileMode.S_IFLNK | 0o777, data: b("file"))
        archive.add("nodir/orphan", mode: FileMode.S_IFREG | 0o644, data: b("lost"))
        archive.add("dir/null", mode: FileMode.S_IFCHR | 0o666, rdevMajor: 1, rdevMinor: 3)
        archive.add("TRAILER!!!", mode: 0)
        archive.padTo(512)
        var second = CpioBuilder()
        second.add("second", mode: FileMode.S_IFREG | 0o600, data: b("from the gzip member"))
        second.add("TRAILER!!!", mode: 0)
        let input = archive.bytes + storedGzip(second.bytes) + [0, 0, 0, 0]

        do throws(Errno) {
            try VFS.mkdir(b("\(base)/unpack"), mode: 0o755)
            try VFS.mount(Ramfs.makeSuperBlock(), at: b("\(base)/unpack"))
            let scratch = try VFS.lookup(b("\(base)/unpack"))
            let (statistics, failure) = Initramfs.unpack(input, into: scratch)
            func stat(_ path: String, follow: Bool = true) -> Stat? {
                try? VFS.stat(b(path), follow: follow, relativeTo: scratch, root: scratch)
            }
            t.check(
                failure == nil && statistics.files == 4 && statistics.directories == 2 && statistics.symlinks == 1
                    && statistics.bytes == 5000 + 20,
                "vfs: unpack: 4 files, 2 directories, 1 symlink, 5020 bytes (\(statistics.files), \(statistics.directories), \(statistics.symlinks), \(statistics.bytes))"
            )
            let file = stat("/dir/file"), hard = stat("/dir/hard")
            t.check(
                file?.st_ino == hard?.st_ino && file?.st_nlink == 2 && hard?.st_size == 5000,
                "vfs: unpack: a hard link shares the inode and the data")
            t.check(
                file?.st_mode == FileMode.S_IFREG | 0o640 && file?.st_mtim.tv_sec == 2_000_000,
                "vfs: unpack: mode and mtime come from the archive")
            let data = try VFS.open(b("dir/hard"), flags: [.O_RDONLY], relativeTo: scratch, root: scratch).read(
                count: 10_000)
            t.check(data == fileData, "vfs: unpack: the file's 5000 bytes are intact")
            t.check(
                (try VFS.readlink(b("dir/link"), relativeTo: scratch, root: scratch)) == b("file")
                    && stat("dir/link")?.st_ino == file?.st_ino, "vfs: unpack: the symlink points at the file")
            let directory = stat("dir")
            t.check(
                directory?.st_mode == FileMode.S_IFDIR | 0o751 && directory?.st_mtim.tv_sec == 1_000_000,
                "vfs: unpack: the directory has its mode and, set last, its mtime")
            t.check(stat("/")?.st_mode == FileMode.S_IFDIR | 0o700, "vfs: unpack: the \".\" entry sets the root's mode")
            let null = stat("dir/null")
            t.check(
                null?.st_mode == FileMode.S_IFCHR | 0o666 && null?.st_rdev == DeviceNumber.encode(major: 1, minor: 3),
                "vfs: unpack: a device node keeps its device number")
            t.check(
                stat("nodir/orphan") == nil && stat("nodir") == nil,
                "vfs: unpack: an entry without its directory is skipped")
            t.check(stat("second")?.st_size == 20, "vfs: unpack: a gzip member after a raw archive is unpacked too")
            t.check(
                (try? VFS.stat(b("\(base)/unpack/dir/file")))?.st_size == 5000,
                "vfs: unpack: the tree is visible where the scratch ramfs is mounted")

            var damaged = CpioBuilder()
            damaged.add("kept", mode: FileMode.S_IFREG | 0o644, data: b("ok"))
            let broken = damaged.bytes + Array("070701zzzz".utf8) + [UInt8](repeating: 0x41, count: 200)
            try VFS.mkdir(b("\(base)/unpack/broken"), mode: 0o755)
            let brokenRoot = try VFS.lookup(b("\(base)/unpack/broken"))
            let (brokenStatistics, brokenFailure) = Initramfs.unpack(broken, into: brokenRoot)
            t.check(
                brokenFailure == "malformed archive" && brokenStatistics.files == 1
                    && (try? VFS.stat(b("kept"), relativeTo: brokenRoot, root: brokenRoot)) != nil,
                "vfs: unpack: a damaged archive fails with a reason and keeps what came before (\(brokenFailure ?? "no failure"))"
            )
            let (_, randomFailure) = Initramfs.unpack([0x17, 0x74, 0x40, 0x45, 0, 0], into: brokenRoot)
            t.check(
                randomFailure == "invalid magic at start of compressed archive",
                "vfs: unpack: random bytes are an invalid magic")
        } catch {
            t.check(false, "vfs: unpacking failed with errno \(error.rawValue)")
        }
    }

    // MARK: - Helpers

    static func b(_ string: String) -> [UInt8] { Array(string.utf8) }

    static func errorOf<T>(_ body: @autoclosure () throws(Errno) -> T) -> Errno? {
        do throws(Errno) {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(Errno) {
        let file = try VFS.open(b(path), flags: [.O_WRONLY, .O_CREAT, .O_TRUNC], mode: 0o644)
        _ = try file.write(bytes)
    }

    static func contents(_ path: String) throws(Errno) -> [UInt8] {
        try VFS.open(b(path), flags: [.O_RDONLY]).read(count: 1 << 20)
    }

    /// `data` as a gzip member holding one stored (uncompressed) DEFLATE
    /// block, which needs no compressor to build.
    static func storedGzip(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
        let length = UInt16(data.count)
        out += [1, UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8(~length >> 8)]
        out += data
        let crc = CRC32.checksum(data[...])
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) {
            out.append(UInt8(truncatingIfNeeded: UInt32(data.count) >> UInt32(shift)))
        }
        return out
    }
}

/// Writes a newc cpio archive the way `cpio -o -H newc` does.
struct CpioBuilder {
    var bytes: [UInt8] = []

    mutating func add(
        _ name: String, mode: UInt32, data: [UInt8] = [], ino: UInt32 = 0, nlink: UInt32 = 1, mtime: UInt32 = 0,
        rdevMajor: UInt32 = 0, rdevMinor: UInt32 = 0
    ) {
        let nameBytes = Array(name.utf8)
        bytes += Array("070701".utf8)
        let fields: [UInt32] = [
            ino, mode, 0, 0, nlink, mtime, UInt32(data.count), 0, 0, rdevMajor, rdevMinor, UInt32(nameBytes.count + 1),
            0,
        ]
        for field in fields { bytes += Array(hex(UInt64(field), width: 8).utf8) }
        bytes += nameBytes + [0]
        padTo(4)
        bytes += data
        padTo(4)
    }

    mutating func padTo(_ alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }
}

/// What a directory tree holds, found by listing and reading it: files
/// (every name but directories and symlinks), directories below the top,
/// symlinks, the bytes of distinct regular files as read back, and how
/// many of those read back fewer bytes than their size.
struct TreeCount {
    var files = 0, directories = 0, symlinks = 0, bytes = 0, shortReads = 0
    private var inodesRead: [UInt64] = []

    mutating func count(directory: String, skipping skipped: [String]) {
        guard let listing = try? VFS.open(VFSTests.b(directory + "/"), flags: [.O_RDONLY, .O_DIRECTORY]) else { return }
        while let entries = try? listing.readDirectory(fitting: 4096), !entries.isEmpty {
            for entry in entries {
                let name = String(decoding: entry.d_name, as: UTF8.self)
                if name == "." || name == ".." || (directory.isEmpty && skipped.contains(name)) { continue }
                let path = directory + "/" + name
                switch entry.d_type {
                case Dirent64.DT_DIR:
                    directories += 1
                    count(directory: path, skipping: skipped)
                case Dirent64.DT_LNK:
                    symlinks += 1
                default:
                    files += 1
                    guard entry.d_type == Dirent64.DT_REG, !inodesRead.contains(entry.d_ino),
                        let file = try? VFS.open(VFSTests.b(path), flags: [.O_RDONLY])
                    else { continue }
                    inodesRead.append(entry.d_ino)
                    var read = 0
                    while let chunk = try? file.read(count: 1 << 16), !chunk.isEmpty { read += chunk.count }
                    bytes += read
                    if Int64(read) != file.stat().st_size { shortReads += 1 }
                }
            }
        }
    }
}
