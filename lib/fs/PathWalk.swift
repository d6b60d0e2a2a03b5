import ABI

/// What the path walk needs from the filesystem — the handful of inode and
/// dentry operations Linux's fs/namei.c calls while resolving a name. The
/// kernel's VFS implements it; tests use an in-memory fake.
///
/// A node is whatever identifies a place in the tree of mounted
/// filesystems (Linux: struct path, a mount plus a dentry). Equality must
/// mean "the same place", as the walk compares nodes with the process root.
public protocol PathWalkFilesystem {
    associatedtype Node: Equatable

    func isDirectory(_ node: Node) -> Bool

    /// The body of a symbolic link, nil if `node` is not one (Linux: get_link).
    func symlinkTarget(_ node: Node) throws(Errno) -> [UInt8]?

    /// The entry `name` of `directory`; ENOENT if there is none. `name` is a
    /// piece of the path being walked, to be copied only if kept. Stepping
    /// onto a mount point must land on the root of what is mounted there
    /// (Linux: lookup_fast / lookup_slow, then follow_mount).
    func lookup(_ name: ArraySlice<UInt8>, in directory: Node) throws(Errno) -> Node

    /// Where ".." leads from `directory`, the root of a mount leading to the
    /// parent of its mount point (Linux: follow_dotdot). The walk itself
    /// keeps ".." from leaving the process root.
    func parent(of directory: Node) -> Node

    /// Whether the caller may search `directory`: execute permission, which
    /// every directory walked through needs (Linux: may_lookup).
    func maySearch(_ directory: Node) -> Bool
}

/// How `PathWalker.lookup` treats the end of the path (Linux's LOOKUP_* flags).
public struct PathLookupOptions: OptionSet, Sendable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// LOOKUP_FOLLOW: a symlink as the last component is followed. Without
    /// it (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, lstat) the link itself is the
    /// result, unless a trailing slash insists on a directory.
    public static let followFinalSymlink = PathLookupOptions(rawValue: 1 << 0)
    /// LOOKUP_EMPTY (AT_EMPTY_PATH): an empty path means the start itself.
    public static let allowEmpty = PathLookupOptions(rawValue: 1 << 1)
    /// LOOKUP_DIRECTORY (O_DIRECTORY): the result must be a directory.
    public static let requireDirectory = PathLookupOptions(rawValue: 1 << 2)
}

/// Where a path's last component lives, for the syscalls that create or
/// remove it (mkdir, mknod, unlink, rmdir, rename, link, symlink): Linux's
/// filename_parentat result. The last component is neither looked up nor,
/// if it is a symlink, followed.
public struct PathParent<Node> {
    /// The directory that holds (or would hold) the last component.
    public let directory: Node
    public let last: PathComponent
    /// Whether a slash followed the last component ("dir/"): mkdir accepts
    /// it, unlink refuses it.
    public let hasTrailingSlash: Bool
}

/// The outcome of open(O_CREAT)'s walk: the file, or where to create it.
public enum PathCreateLookup<Node> {
    case existing(Node)
    /// Nothing by that name: the caller creates `name` in `directory`.
    case missing(directory: Node, name: [UInt8])
}

/// Resolves path names to nodes the way Linux's fs/namei.c does
/// (path_lookupat, path_parentat and open_last_lookups over link_path_walk).
///
/// A walk starts at the process root for an absolute path, else at `start`
/// (the working directory, or the directory of a dirfd). Every directory
/// passed through must be searchable (EACCES) and every component but the
/// last a directory (ENOTDIR). "." stays, ".." goes up, but never above the
/// process root (so a chroot cannot be left by "..") and physically: ".."
/// after a symlink to a directory is that directory's parent, not the
/// link's. Symlinks are followed in the middle of a path always, and at its
/// end as asked; a relative symlink body continues from the link's
/// directory, an absolute one from the root. A walk follows at most 40
/// links in all, counting links inside links (ELOOP), which is also what
/// stops a loop.
public struct PathWalker<Filesystem: PathWalkFilesystem> {
    public typealias Node = Filesystem.Node

    /// Linux's MAXSYMLINKS.
    public static var maxSymlinks: Int { 40 }

    public let filesystem: Filesystem
    /// The process root: where absolute paths start and ".." stops.
    public let root: Node

    public init(filesystem: Filesystem, root: Node) {
        self.filesystem = filesystem
        self.root = root
    }

    /// The node `path` names (Linux: path_lookupat, behind stat, open,
    /// chdir, execve...). A trailing slash makes the result have to be a
    /// directory and forces following a final symlink.
    public func lookup(
        _ path: [UInt8], from start: Node, options: PathLookupOptions = .followFinalSymlink
    ) throws(Errno) -> Node {
        try Self.checkLength(path)
        if path.isEmpty {
            guard options.contains(.allowEmpty) else { throw .ENOENT }
            // Linux's path_lookupat checks LOOKUP_DIRECTORY after every
            // walk, an empty one too.
            guard !options.contains(.requireDirectory) || filesystem.isDirectory(start) else { throw .ENOTDIR }
            return start
        }
        var walk = Walk(filesystem: filesystem, root: root, current: start)
        var last = try walk.walkToLastComponent(path)
        var follow = options.contains(.followFinalSymlink)
        var mustBeDirectory = options.contains(.requireDirectory)
        while true {
            // A trailing slash, on the path or on the body of a final link,
            // holds for the rest of the walk (Linux's lookup_last sets
            // LOOKUP_FOLLOW | LOOKUP_DIRECTORY): "link/" names the directory
            // at the end of however many links.
            if last.isFollowedBySlash {
                follow = true
                mustBeDirectory = true
            }
            let node = try walk.step(last.component)
            if follow, let body = try walk.followIfSymlink(node) {
                last = try walk.walkToLastComponent(body)
                continue
            }
            guard !mustBeDirectory || filesystem.isDirectory(node) else { throw .ENOTDIR }
            return node
        }
    }

    /// The directory holding `path`'s last component, and that component
    /// (Linux: filename_parentat). Only the directory must exist.
    public func lookupParent(_ path: [UInt8], from start: Node) throws(Errno) -> PathParent<Node> {
        try Self.checkLength(path)
        guard !path.isEmpty else { throw .ENOENT }
        var walk = Walk(filesystem: filesystem, root: root, current: start)
        let last = try walk.walkToLastComponent(path)
        return PathParent(directory: walk.current, last: last.component, hasTrailingSlash: last.isFollowedBySlash)
    }

    /// open(O_CREAT)'s walk (Linux: open_last_lookups): the existing node,
    /// or the directory and name to create. A final symlink is followed if
    /// `followFinalSymlink` (plain O_CREAT, so a dangling link creates its
    /// target) and not otherwise (O_EXCL, O_NOFOLLOW). EISDIR if the name to
    /// open or create has a trailing slash.
    public func lookupForCreate(
        _ path: [UInt8], from start: Node, followFinalSymlink: Bool
    ) throws(Errno) -> PathCreateLookup<Node> {
        try Self.checkLength(path)
        guard !path.isEmpty else { throw .ENOENT }
        var walk = Walk(filesystem: filesystem, root: root, current: start)
        var last = try walk.walkToLastComponent(path)
        while true {
            // ".", ".." and "/" name directories that exist; opening them
            // for creation is the caller's EISDIR.
            guard case .name(let name) = last.component else { return .existing(try walk.step(last.component)) }
            guard !last.isFollowedBySlash else { throw .EISDIR }
            let node: Node
            do {
                node = try filesystem.lookup(name, in: walk.current)
            } catch {
                guard error == .ENOENT else { throw error }
                return .missing(directory: walk.current, name: Array(name))
            }
            if followFinalSymlink, let body = try walk.followIfSymlink(node) {
                last = try walk.walkToLastComponent(body)
                continue
            }
            return .existing(node)
        }
    }

    /// A path must fit in PATH_MAX bytes with its terminating NUL.
    private static func checkLength(_ path: [UInt8]) throws(Errno) {
        guard path.count < PathLimits.pathMax else { throw .ENAMETOOLONG }
    }
}

extension PathWalker {
    /// The state of one walk (Linux: struct nameidata): the directory
    /// reached so far and the links followed, which the last component's
    /// handling carries on from.
    struct Walk {
        let filesystem: Filesystem
        let root: Node
        var current: Node
        var linksFollowed = 0

        /// Walks `path` up to its last component and returns that component
        /// unresolved, `current` being the directory it is to be looked up in
        /// (Linux: link_path_walk). Symlinks met on the way are followed by
        /// walking their bodies in place of the link, while the rest of the
        /// path waits on a stack; the last component of a body is then not
        /// the last of the walk.
        mutating func walkToLastComponent(_ path: [UInt8]) throws(Errno) -> ScannedComponent {
            var cursor = PathCursor(path)
            if cursor.startsAtRoot { current = root }
            cursor.skipSlashes()
            if cursor.isAtEnd { return ScannedComponent(component: .root, isFollowedBySlash: false) }
            var waiting: [PathCursor] = []
            while true {
                guard filesystem.isDirectory(current) else { throw .ENOTDIR }
                guard filesystem.maySearch(current) else { throw .EACCES }
                let scanned = try cursor.takeComponent()
                if cursor.isAtEnd && waiting.isEmpty { return scanned }

                let node = try step(scanned.component)
                if let body = try followIfSymlink(node) {
                    if !cursor.isAtEnd { waiting.append(cursor) }
                    cursor = PathCursor(body)
                    if cursor.startsAtRoot { current = root }
                    cursor.skipSlashes()
                } else {
                    current = node
                }
                // A finished body (or one that was only slashes) hands back
                // to the path that led to its link; something is waiting,
                // since the component just handled was not the last.
                if cursor.isAtEnd { cursor = waiting.removeLast() }
            }
        }

        /// The node `component` names in `current`.
        func step(_ component: PathComponent) throws(Errno) -> Node {
            switch component {
            case .name(let name): try filesystem.lookup(name, in: current)
            case .dot, .root: current
            case .dotDot: current == root ? current : filesystem.parent(of: current)
            }
        }

        /// The body of `node` if it is a symlink, counting it against the
        /// walk's limit (ELOOP). An empty body names nothing (ENOENT).
        mutating func followIfSymlink(_ node: Node) throws(Errno) -> [UInt8]? {
            guard let body = try filesystem.symlinkTarget(node) else { return nil }
            guard linksFollowed < PathWalker.maxSymlinks else { throw .ELOOP }
            linksFollowed += 1
            guard !body.isEmpty else { throw .ENOENT }
            return body
        }
    }
}
