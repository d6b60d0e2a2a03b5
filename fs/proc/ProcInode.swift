import ABI
import Core
import Lib

/// procfs's superblock and inodes (Linux: fs/proc/root.c proc_fill_super,
/// fs/proc/inode.c proc_get_inode). Every mount gets a superblock of its
/// own over the one tree of entries, as Linux's since 5.8. An entry gets
/// a new inode at every lookup, and directories let the dentry cache keep
/// nothing: processes come and go, and an open file keeps the entry it
/// was opened on.
extension ProcFS {
    public static let typeName = "proc"

    /// A new instance (Linux: proc_fill_super); mount it with `VFS.mount`.
    public static func makeSuperBlock() -> SuperBlock {
        let superBlock = SuperBlock(typeName: typeName, magic: FilesystemMagic.PROC_SUPER_MAGIC)
        let root = ProcEntry(name: "/", mode: FileMode.S_IFDIR | 0o555, content: .directory(rootDirectory.value))
        superBlock.makeRoot(inode(for: root, in: superBlock))
        return superBlock
    }

    /// mount(2)'s "proc": a new superblock over the one tree each time, as
    /// Linux's since 5.8; its options (hidepid=, subset=) are not supported
    /// and are ignored.
    final class FileSystem: FileSystemType, Sendable {
        var name: String { ProcFS.typeName }

        func mount(source: [UInt8], options: MountOptions) throws(Errno) -> SuperBlock { makeSuperBlock() }
    }

    /// The inode standing for `entry` (Linux: proc_get_inode, proc_pid_make_inode).
    static func inode(for entry: ProcEntry, in superBlock: SuperBlock) -> Inode {
        let fileOperations: any FileOperations
        switch entry.content {
        case .file: fileOperations = ProcFileOperations(entry)
        case .operations(let make): fileOperations = make()
        case .directory(let contents): fileOperations = ProcDirectoryFileOperations(contents)
        case .symlink: fileOperations = NoFileOperations.shared
        }
        let inode = Inode(
            superBlock: superBlock, mode: entry.mode, operations: ProcInodeOperations(entry),
            fileOperations: fileOperations, ino: entry.ino)
        if let owner = entry.owner?() {
            inode.uid = owner.uid
            inode.gid = owner.gid
        }
        return inode
    }
}

/// The inode operations of a /proc entry: lookup in directories, readlink
/// for symlinks (Linux: proc_dir_inode_operations, proc_link_inode_operations).
final class ProcInodeOperations: InodeOperations {
    let entry: ProcEntry

    init(_ entry: ProcEntry) { self.entry = entry }

    func lookup(_ name: [UInt8], in directory: Inode) throws(Errno) -> Inode? {
        guard case .directory(let contents) = entry.content else { throw .ENOTDIR }
        return contents.entry(named: name).map { ProcFS.inode(for: $0, in: directory.superBlock) }
    }

    func readlink(_ inode: Inode) throws(Errno) -> [UInt8] {
        guard case .symlink(let target) = entry.content else { throw .EINVAL }
        return try target()
    }

    var cachesLookups: Bool { false }
}

/// An open /proc file (Linux: seq_read over single_open): the text is
/// rendered when a read starts at offset 0 and kept for the reads that
/// continue it, so a file read in pieces is one consistent snapshot; a
/// write hands the bytes to the entry's callback. Each open has its own
/// inode, hence its own snapshot.
final class ProcFileOperations: FileOperations {
    private let entry: ProcEntry
    private var snapshot: [UInt8]? = nil
    private let snapshotLock = SpinLock()

    init(_ entry: ProcEntry) { self.entry = entry }

    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard case .file(let show, _) = entry.content else { throw .EINVAL }
        var text = offset == 0 ? nil : snapshotLock.withLockIrqSave { snapshot }
        if text == nil {
            let rendered = try show()
            snapshotLock.withLockIrqSave { snapshot = rendered }
            text = rendered
        }
        let bytes = text ?? []
        guard offset < Int64(bytes.count) else { return [] }
        let start = Int(offset)
        let end = start + min(count, bytes.count - start)
        offset = Int64(end)
        return Array(bytes[start..<end])
    }

    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        guard case .file(_, let write) = entry.content, let write else { throw .EIO }
        try write(bytes)
        offset += Int64(bytes.count)
        return bytes.count
    }

    /// O_TRUNC on open for writing (echo 1 > /proc/sys/...) is no error.
    func truncate(_ inode: Inode, to size: Int64) throws(Errno) {}
}

/// getdents over a /proc directory (Linux: proc_readdir, proc_pid_readdir):
/// "." and "..", then the entries from their positions.
final class ProcDirectoryFileOperations: FileOperations {
    private let contents: any ProcDirectoryContents

    init(_ contents: any ProcDirectoryContents) { self.contents = contents }

    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] { throw .EISDIR }

    func seekDataOrHole(_ file: File, from offset: Int64, data: Bool) throws(Errno) -> Int64 { throw .EINVAL }

    func readdir(_ file: File, from position: Int64) throws(Errno) -> [Dirent64] {
        var result: [Dirent64] = []
        if position <= 0 {
            result.append(
                Dirent64(d_ino: file.inode.ino, d_off: 1, d_type: Dirent64.DT_DIR, d_name: [UInt8(ascii: ".")]))
        }
        if position <= 1 {
            let parentIno = VFS.lockedNonThrowing { file.path.dentry.parent?.inode?.ino } ?? file.inode.ino
            result.append(
                Dirent64(
                    d_ino: parentIno, d_off: 2, d_type: Dirent64.DT_DIR, d_name: [UInt8(ascii: "."), UInt8(ascii: ".")])
            )
        }
        for entry in contents.entries() where entry.position >= position {
            result.append(
                Dirent64(
                    d_ino: entry.ino, d_off: entry.position + 1, d_type: Dirent64.type(forMode: entry.mode),
                    d_name: entry.name))
        }
        return result
    }
}
