import ABI
import Core
import Lib

/// The root filesystem and the initramfs unpacked into it (Linux:
/// init/initramfs.c, populate_rootfs and unpack_to_rootfs, with
/// init_mount_tree's rootfs).
///
/// The initrd is a sequence of archives, each a raw newc/crc cpio archive
/// or a gzip stream holding cpio archives, with NUL padding between them.
/// Entries are created in order, as Linux does: one whose directory is
/// missing fails alone (logged), and a damaged archive stops the unpacking
/// with `Initramfs unpacking failed: <reason>`, keeping what was unpacked.
public enum Initramfs {
    /// What an unpacking created, for the boot summary and the tests.
    public struct Statistics {
        /// Regular files (hard links included), device nodes, FIFOs, sockets.
        public var files = 0
        public var directories = 0
        public var symlinks = 0
        /// Bytes written into regular files.
        public var bytes = 0
    }

    /// The most a gzip member may expand to: 512 MiB or 64 times its
    /// compressed size, whichever is less, so a hostile initrd cannot
    /// exhaust memory by decompressing.
    static let maximumOutput = 512 << 20
    static let maximumRatio = 64

    /// What the boot's unpacking created; nil if there was no initrd.
    private static let unpacked = BootOnce<Statistics>()
    public static var bootStatistics: Statistics? { unpacked.valueIfSet }

    /// Mounts an empty tmpfs as "/" and unpacks the boot loader's initrd
    /// into it. Linux frees the initrd's pages afterwards; Apus keeps
    /// them, because the boot tests checksum the initrd at the end.
    static func populateRootfs() {
        VFS.mountRoot(Tmpfs.shared.makeRootfs())
        guard let initrd = Initrd.location, let root = VFS.rootPath else { return }
        pr_info("Trying to unpack rootfs image as initramfs...")
        let source = PhysicalMemorySource(start: initrd.start, count: Int(initrd.size))
        let (statistics, failure) = unpack(source, into: root)
        if let failure { pr_err("Initramfs unpacking failed: \(failure)") }
        unpacked.set(statistics)
        pr_info(
            "Unpacked initramfs: \(statistics.files) files, \(statistics.directories) directories, \(statistics.symlinks) symlinks, \(statistics.bytes) bytes"
        )
    }

    /// Unpacks every archive in `source` into the tree under `root`, which
    /// is also the "/" of absolute names (Linux: unpack_to_rootfs). Returns
    /// what was created and, if the input was damaged, why it stopped.
    public static func unpack<Source: ByteSource>(_ source: Source, into root: Path) -> (Statistics, failure: String?) {
        var unpacker = Unpacker(root: root)
        let failure = unpacker.unpackAll(source)
        unpacker.restoreDirectoryTimes()
        return (unpacker.statistics, failure)
    }
}

/// The state of one unpacking (Linux: the static variables of
/// init/initramfs.c).
private struct Unpacker {
    let root: Path
    var statistics = Initramfs.Statistics()
    /// Names of multiply linked files seen in the current archive (Linux:
    /// the hash of find_link, emptied at every trailer).
    var links: [(key: CpioHardLinkKey, name: [UInt8])] = []
    /// Directories' archived mtimes, set once their contents are in
    /// place, since adding entries changes them (Linux: dir_add/dir_utime).
    var directoryTimes: [(name: [UInt8], mtime: Int64)] = []

    init(root: Path) { self.root = root }

    /// Linux's loop over the input: NULs are skipped, "0" on a four-byte
    /// boundary starts cpio archives, anything else must be compressed.
    mutating func unpackAll<Source: ByteSource>(_ source: Source) -> String? {
        var offset = 0
        while offset < source.count {
            // Padding is skipped a piece at a time, not byte by byte.
            guard let piece = try? source.read(at: offset, count: min(512, source.count - offset)) else {
                return "read error"
            }
            guard let nonZero = piece.firstIndex(where: { $0 != 0 }) else {
                offset += piece.count
                continue
            }
            offset += nonZero
            if piece[nonZero] == UInt8(ascii: "0") && offset % 4 == 0 {
                switch unpackArchives(ByteWindow(base: source, start: offset)) {
                case .finished: return nil
                case .failed(let reason): return reason
                case .foreignDataAt(let position): offset += position
                }
                continue
            }
            // Only gzip is built in; Linux names the others it knows.
            guard let head = try? source.read(at: offset, count: min(2, source.count - offset)),
                Gzip.isGzip(head)
            else { return "invalid magic at start of compressed archive" }
            // The decompressor wants the input in one array: only now,
            // for a gzip stream, is the rest of the initrd copied.
            guard let compressed = try? source.read(at: offset, count: source.count - offset) else {
                return "read error"
            }
            var output: [UInt8] = []
            let limit = min(
                Initramfs.maximumOutput,
                compressed.count.multipliedReportingOverflow(by: Initramfs.maximumRatio).partialValue)
            let consumed: Int
            do throws(GzipError) {
                consumed = try Gzip.decompressMember(compressed, at: 0, appendingTo: &output, maxOutputSize: limit)
            } catch {
                return "decompressor failed"
            }
            switch unpackArchives(ByteWindow(base: output, start: 0)) {
            case .finished: break
            case .failed(let reason): return reason
            case .foreignDataAt: return "junk within compressed archive"
            }
            offset += consumed
        }
        return nil
    }

    enum ArchivesResult {
        /// The input ended after a trailer and padding.
        case finished
        case failed(String)
        /// After a trailer comes something that is not cpio, at this position.
        case foreignDataAt(Int)
    }

    /// Creates the entries of the archives at the start of `window`.
    mutating func unpackArchives<Base: ByteSource>(_ window: ByteWindow<Base>) -> ArchivesResult {
        var reader = CpioNewcReader(window)
        var endOfLastEntry = 0
        var archiveIndex = 0
        while true {
            let entry: CpioEntry
            do throws(CpioError) {
                guard let next = try reader.next() else { return .finished }
                entry = next
                try reader.verifyChecksum(of: entry)
            } catch {
                // Past a trailer (the bad header lies beyond the last
                // entry) anything but "0" is the next, compressed archive.
                if error.reason == .badMagic && error.offset > endOfLastEntry,
                    let first = try? window.read(at: error.offset, count: 1).first, first != UInt8(ascii: "0")
                {
                    return .foreignDataAt(error.offset)
                }
                return .failed(Self.describe(error))
            }
            if entry.archiveIndex != archiveIndex {
                archiveIndex = entry.archiveIndex
                links.removeAll()
            }
            // Where the next header would start if no trailer came between.
            endOfLastEntry = (entry.data.upperBound + 3) & ~3
            create(entry, from: window)
        }
    }

    /// Linux's error() texts for the reader's reasons.
    static func describe(_ error: CpioError) -> String {
        switch error.reason {
        case .badMagic: "no cpio magic"
        case .oldPortableFormat: "incorrect cpio method used: use -H newc option"
        case .brokenPadding: "broken padding"
        case .checksumMismatch: "bad data checksum"
        case .truncated, .missingTrailer: "truncated archive"
        case .readFailed: "read error"
        case .invalidHexDigit, .invalidNameSize, .nameNotTerminated, .nameContainsNUL,
            .unknownFileType, .symlinkTargetTooLong:
            "malformed archive"
        }
    }

    // MARK: - Entries (Linux: do_name, do_copy, do_symlink)

    mutating func create<Base: ByteSource>(_ entry: CpioEntry, from window: ByteWindow<Base>) {
        let mtime = Int64(entry.modificationTime) * 1_000_000_000
        let ownership = AttributeChange(mode: entry.permissions, uid: entry.userID, gid: entry.groupID)
        do throws(Errno) {
            switch entry.fileType {
            case .regular:
                cleanPath(entry.name, type: FileMode.S_IFREG)
                // A later name of a linked file writes into the first one's
                // data instead of truncating it.
                var flags: OpenFlags = [.O_WRONLY, .O_CREAT]
                if try !linkIfKnown(entry) { flags.insert(.O_TRUNC) }
                let file = try VFS.open(entry.name, flags: flags, mode: entry.permissions, relativeTo: root, root: root)
                try VFS.setAttributes(entry.name, follow: true, ownership, relativeTo: root, root: root)
                var position = entry.data.lowerBound
                while position < entry.data.upperBound {
                    let count = min(64 << 10, entry.data.upperBound - position)
                    guard let chunk = try? window.read(at: position, count: count) else { throw .EIO }
                    _ = try file.write(chunk)
                    position += count
                }
                try VFS.setAttributes(
                    entry.name, follow: true, AttributeChange(mtime: mtime), relativeTo: root, root: root)
                statistics.files += 1
                statistics.bytes += entry.data.count
            case .directory:
                cleanPath(entry.name, type: FileMode.S_IFDIR)
                do throws(Errno) {
                    try VFS.mkdir(entry.name, mode: entry.permissions, relativeTo: root, root: root)
                } catch {
                    // "." and other existing directories get the archive's attributes.
                    guard error == .EEXIST else { throw error }
                }
                try VFS.setAttributes(entry.name, follow: false, ownership, relativeTo: root, root: root)
                directoryTimes.append((entry.name, mtime))
                statistics.directories += 1
            case .symbolicLink:
                guard let target = try? window.read(at: entry.data.lowerBound, count: entry.data.count) else {
                    throw .EIO
                }
                cleanPath(entry.name, type: 0)
                try VFS.symlink(target, at: entry.name, relativeTo: root, root: root)
                try VFS.setAttributes(
                    entry.name, follow: false, AttributeChange(uid: entry.userID, gid: entry.groupID, mtime: mtime),
                    relativeTo: root, root: root)
                statistics.symlinks += 1
            case .characterDevice, .blockDevice, .fifo, .socket:
                if try !linkIfKnown(entry) {
                    cleanPath(entry.name, type: entry.fileType.rawValue)
                    let rdev = DeviceNumber.encode(major: entry.rdevMajor, minor: entry.rdevMinor)
                    try VFS.mknod(entry.name, mode: entry.mode, rdev: rdev, relativeTo: root, root: root)
                    var attributes = ownership
                    attributes.mtime = mtime
                    try VFS.setAttributes(entry.name, follow: false, attributes, relativeTo: root, root: root)
                }
                statistics.files += 1
            }
        } catch {
            pr_warn("initramfs: cannot create \(String(decoding: entry.name, as: UTF8.self)): error -\(error.rawValue)")
        }
    }

    /// A later name of a multiply linked file becomes a hard link to the
    /// first (Linux: maybe_link/find_link). Returns whether it did.
    mutating func linkIfKnown(_ entry: CpioEntry) throws(Errno) -> Bool {
        guard let key = entry.hardLinkKey else { return false }
        guard let first = links.first(where: { $0.key == key }) else {
            links.append((key, entry.name))
            return false
        }
        cleanPath(entry.name, type: 0)
        try VFS.link(first.name, to: entry.name, relativeTo: root, root: root)
        return true
    }

    /// Removes an existing entry of another type than `type` (0: any), so
    /// the archive's entry replaces it (Linux: clean_path).
    func cleanPath(_ name: [UInt8], type: UInt32) {
        guard let existing = try? VFS.stat(name, follow: false, relativeTo: root, root: root),
            FileMode.fileType(existing.st_mode) != type
        else { return }
        if FileMode.fileType(existing.st_mode) == FileMode.S_IFDIR {
            try? VFS.rmdir(name, relativeTo: root, root: root)
        } else {
            try? VFS.unlink(name, relativeTo: root, root: root)
        }
    }

    /// Linux: dir_utime, once the archive's contents are in place.
    mutating func restoreDirectoryTimes() {
        for (name, mtime) in directoryTimes {
            try? VFS.setAttributes(name, follow: false, AttributeChange(mtime: mtime), relativeTo: root, root: root)
        }
        directoryTimes.removeAll()
    }
}

/// Part of a byte source from `start` on, so the cpio reader can begin at
/// an archive that follows other data.
struct ByteWindow<Base: ByteSource>: ByteSource {
    let base: Base
    let start: Int

    var count: Int { base.count - start }

    func read(at offset: Int, count: Int) throws(Errno) -> [UInt8] {
        try base.read(at: start + offset, count: count)
    }
}

/// The initrd where the boot loader left it, read a piece at a time: a
/// raw cpio archive, or the random bytes of a test initrd, is never copied
/// whole.
struct PhysicalMemorySource: ByteSource {
    let start: PhysAddr
    let count: Int

    func read(at offset: Int, count: Int) throws(Errno) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= self.count, count <= self.count - offset else { throw .EIO }
        return PhysicalMemory.bytes(at: start + UInt64(offset), count: count)
    }
}
