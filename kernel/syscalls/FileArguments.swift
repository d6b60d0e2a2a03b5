import ABI
import Core
import Lib

/// How the file system calls read their descriptor and path arguments
/// (Linux: fdget, getname and path_init's choice of where a walk starts).
extension FileDescriptor {
    /// The running task's open file behind the descriptor (Linux: fdget,
    /// or fdget_raw with `allowingPathOnly`): EBADF if none.
    func file(allowingPathOnly: Bool = false) throws(Errno) -> File {
        try Scheduler.current.files.file(rawValue, allowingPathOnly: allowingPathOnly)
    }
}

extension UserString {
    /// A path (Linux: getname): EFAULT for a bad pointer, ENAMETOOLONG if
    /// no NUL comes within PATH_MAX bytes.
    func path() throws(Errno) -> [UInt8] {
        try read(limit: PathLimits.pathMax - 1)
    }
}

/// A path argument and where it is resolved: relative paths start at the
/// working directory, or at the directory an *at call's `dirfd` names;
/// absolute ones at the task's root (Linux: path_init).
struct PathArgument {
    let path: [UInt8]
    /// The start of a relative walk (nil: the namespace root).
    let start: Path?
    /// The task's root (nil: the namespace root).
    let root: Path?
    /// With AT_EMPTY_PATH and an empty path: the open file `dirfd` names,
    /// which the call then acts on (nil for AT_FDCWD: the working directory).
    let emptyPathFile: File?

    /// Reads the path `name` for a call relative to `dirfd`. An
    /// empty path is ENOENT unless `allowEmpty` (AT_EMPTY_PATH); `dirfd`
    /// matters only for a relative path, and must then be AT_FDCWD or an
    /// open directory (EBADF, ENOTDIR) — any open file, for an empty path.
    init(_ name: UserString, dirfd: FileDescriptor = .currentDirectory, allowEmpty: Bool = false) throws(Errno) {
        try self.init(path: try name.path(), dirfd: dirfd, allowEmpty: allowEmpty)
    }

    /// For a path already in hand (statx's NULL path with AT_EMPTY_PATH).
    init(path: [UInt8], dirfd: FileDescriptor, allowEmpty: Bool) throws(Errno) {
        guard !path.isEmpty || allowEmpty else { throw .ENOENT }
        let task = Scheduler.current
        self.path = path
        root = task.fs.root
        var file: File? = nil
        if path.first == UInt8(ascii: "/") {
            start = nil
        } else if dirfd == .currentDirectory {
            start = task.fs.workingDirectory
        } else {
            let directory = try dirfd.file(allowingPathOnly: true)
            guard path.isEmpty || directory.inode.isDirectory else { throw .ENOTDIR }
            start = directory.path
            file = directory
        }
        emptyPathFile = path.isEmpty ? file : nil
    }

    /// The place the path names (Linux: filename_lookup); an empty path,
    /// where allowed, names the start itself. The walk searches as the
    /// caller, or as `credentials` if given (access(2)'s real IDs).
    func lookup(follow: Bool, as credentials: Credentials? = nil) throws(Errno) -> Path {
        if path.isEmpty, let start { return start }
        return try VFS.lookup(path, follow: follow, relativeTo: start, root: root, as: credentials)
    }

    /// The inode the path names and the dentry it was found at, whose name
    /// and parent watchers hear of (`Fsnotify`); an empty path names
    /// `dirfd`'s open file or the working directory.
    func located(follow: Bool) throws(Errno) -> (inode: Inode, dentry: Dentry) {
        if let emptyPathFile { return (emptyPathFile.inode, emptyPathFile.path.dentry) }
        let place = try lookup(follow: follow)
        guard let inode = place.inode else { throw .ENOENT }
        return (inode, place.dentry)
    }

    /// The inode the path names; an empty path names `dirfd`'s open file
    /// (still there if it was unlinked) or the working directory.
    func inode(follow: Bool, as credentials: Credentials? = nil) throws(Errno) -> Inode {
        if let emptyPathFile { return emptyPathFile.inode }
        guard let inode = try lookup(follow: follow, as: credentials).inode else { throw .ENOENT }
        return inode
    }
}
