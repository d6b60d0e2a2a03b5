import ABI
import Core
import Lib

/// /proc/PID/fd and fdinfo (Linux: fs/proc/fd.c): a link per open
/// descriptor naming its file, and a small text file per descriptor with
/// its position and flags. Only the process itself and those allowed to
/// inspect it see them (the directories are 0500, owned by the process).
final class ProcFdDirectory: ProcDirectoryContents {
    private let task: Task
    /// fdinfo rather than fd.
    private let info: Bool

    init(_ task: Task, info: Bool) {
        self.task = task
        self.info = info
    }

    func entries() -> [ProcEntry] {
        guard let files = task.openFilesIfAny else { return [] }
        return files.openDescriptors.compactMap { entry(for: $0, in: files) }
    }

    func entry(named name: [UInt8]) -> ProcEntry? {
        guard let files = task.openFilesIfAny else { return nil }
        let descriptor: Int32?
        if name == [UInt8(ascii: "0")] { descriptor = 0 } else { descriptor = ProcPid.number(name) }
        return descriptor.flatMap { entry(for: $0, in: files) }
    }

    private func entry(for descriptor: Int32, in files: FileTable) -> ProcEntry? {
        guard let file = try? files.file(descriptor, allowingPathOnly: true) else { return nil }
        let task = task
        let owner = ProcPid.owner(task)
        if info {
            let closeOnExec = (try? files.isCloseOnExec(descriptor)) ?? false
            return ProcEntry(
                name: "\(descriptor)", mode: FileMode.S_IFREG | 0o444,
                content: .file(
                    show: { () throws(Errno) -> [UInt8] in
                        try ProcPid.mayAccess(try ProcPid.alive(task))
                        return Array(ProcFdDirectory.fdinfo(file, closeOnExec: closeOnExec).utf8)
                    }, write: nil), position: Int64(descriptor) + 2, owner: owner)
        }
        var mode: UInt32 = 0
        if file.mayRead { mode |= 0o500 }
        if file.mayWrite { mode |= 0o200 }
        return ProcEntry(
            name: "\(descriptor)", mode: FileMode.S_IFLNK | mode,
            content: .symlink({ () throws(Errno) -> [UInt8] in
                try ProcPid.mayAccess(try ProcPid.alive(task))
                return try ProcFdDirectory.name(of: file, vfsLocked: true)
            }), position: Int64(descriptor) + 2, owner: owner)
    }

    /// What readlink of fd/N says (Linux: d_path, with the pseudo names
    /// of pipes and other files outside the tree); `vfsLocked` when the
    /// caller holds VFS.lock, as a symlink's readlink does.
    static func name(of file: File, vfsLocked: Bool) throws(Errno) -> [UInt8] {
        let dentry = file.path.dentry
        if dentry.parent == nil && dentry !== file.path.mount.root { return dentry.name }
        return vfsLocked ? try VFS.pathNameLocked(of: file.path) : try VFS.pathName(of: file.path)
    }

    /// fdinfo/N (Linux: seq_show in fs/proc/fd.c): pos, flags in octal
    /// with O_CLOEXEC, the mount ID and the inode number.
    static func fdinfo(_ file: File, closeOnExec: Bool) -> String {
        var flags = file.flags.rawValue
        if closeOnExec { flags |= OpenFlags.O_CLOEXEC.rawValue }
        return
            "pos:\t\(file.position)\nflags:\t0\(String(flags, radix: 8))\nmnt_id:\t\(file.path.mount.id)\nino:\t\(file.inode.ino)\n"
    }
}
