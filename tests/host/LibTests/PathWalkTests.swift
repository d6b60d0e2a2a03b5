import ABI
import Testing

@testable import Lib

// MARK: An in-memory filesystem

/// A file, directory or symlink of the fake filesystem.
final class FakeNode: Equatable, CustomStringConvertible {
    enum Kind {
        case directory
        case file
        case symlink([UInt8])
    }

    let name: String
    let kind: Kind
    /// nil only for the root, whose ".." is itself.
    let parent: FakeNode?
    var entries: [[UInt8]: FakeNode] = [:]
    var searchable = true

    init(name: String, kind: Kind, parent: FakeNode?) {
        self.name = name
        self.kind = kind
        self.parent = parent
    }

    static func == (lhs: FakeNode, rhs: FakeNode) -> Bool { lhs === rhs }

    var description: String { name }

    var isDirectory: Bool {
        if case .directory = kind { return true }
        return false
    }
}

struct FakeFilesystem: PathWalkFilesystem {
    let root = FakeNode(name: "/", kind: .directory, parent: nil)

    func isDirectory(_ node: FakeNode) -> Bool { node.isDirectory }

    func symlinkTarget(_ node: FakeNode) throws(Errno) -> [UInt8]? {
        if case .symlink(let body) = node.kind { return body }
        return nil
    }

    func lookup(_ name: ArraySlice<UInt8>, in directory: FakeNode) throws(Errno) -> FakeNode {
        guard let node = directory.entries[Array(name)] else { throw .ENOENT }
        return node
    }

    func parent(of directory: FakeNode) -> FakeNode { directory.parent ?? directory }

    func maySearch(_ directory: FakeNode) -> Bool { directory.searchable }

    /// Creates the node at the absolute `path`, whose parent must exist.
    @discardableResult
    func make(_ path: String, _ kind: FakeNode.Kind) -> FakeNode {
        var components = path.split(separator: "/").map(String.init)
        let name = components.removeLast()
        var directory = root
        for component in components { directory = directory.entries[Array(component.utf8)]! }
        let node = FakeNode(name: path, kind: kind, parent: directory)
        directory.entries[Array(name.utf8)] = node
        return node
    }

    @discardableResult
    func mkdir(_ path: String) -> FakeNode { make(path, .directory) }

    @discardableResult
    func touch(_ path: String) -> FakeNode { make(path, .file) }

    @discardableResult
    func symlink(_ path: String, to target: String) -> FakeNode { make(path, .symlink(Array(target.utf8))) }

    subscript(path: String) -> FakeNode {
        var node = root
        for component in path.split(separator: "/") { node = node.entries[Array(component.utf8)]! }
        return node
    }
}

/// /etc/passwd, /usr/bin/sh, /usr/lib, /tmp, and links between them.
func sampleFilesystem() -> FakeFilesystem {
    let fs = FakeFilesystem()
    fs.mkdir("etc")
    fs.touch("etc/passwd")
    fs.mkdir("usr")
    fs.mkdir("usr/bin")
    fs.touch("usr/bin/sh")
    fs.mkdir("usr/lib")
    fs.mkdir("tmp")
    fs.symlink("bin", to: "usr/bin")  // relative, from /
    fs.symlink("usr/lib/sh-link", to: "../bin/sh")  // relative, from /usr/lib
    fs.symlink("tmp/abs", to: "/etc")
    fs.symlink("tmp/dangling", to: "/nowhere/file")
    fs.symlink("tmp/dangling-here", to: "newfile")
    fs.symlink("tmp/to-passwd-slash", to: "/etc/passwd/")
    fs.symlink("tmp/to-root", to: "/")
    fs.symlink("tmp/empty", to: "")
    return fs
}

private func walker(_ fs: FakeFilesystem) -> PathWalker<FakeFilesystem> {
    PathWalker(filesystem: fs, root: fs.root)
}

private func bytes(_ path: String) -> [UInt8] { Array(path.utf8) }

private func resolve(
    _ fs: FakeFilesystem, _ path: String, from start: FakeNode? = nil,
    _ options: PathLookupOptions = .followFinalSymlink
) throws(Errno) -> FakeNode {
    try walker(fs).lookup(bytes(path), from: start ?? fs.root, options: options)
}

// MARK: Plain names

@Test func absoluteAndRelativePathsResolve() throws {
    let fs = sampleFilesystem()
    #expect(try resolve(fs, "/etc/passwd") === fs["etc/passwd"])
    #expect(try resolve(fs, "bin/sh", from: fs["usr"]) === fs["usr/bin/sh"])
    // An absolute path ignores the start.
    #expect(try resolve(fs, "/etc", from: fs["usr/bin"]) === fs["etc"])
    #expect(try resolve(fs, "/") === fs.root)
    #expect(try resolve(fs, "///") === fs.root)
}

@Test func repeatedSlashesCountAsOne() throws {
    let fs = sampleFilesystem()
    #expect(try resolve(fs, "//usr///bin//sh") === fs["usr/bin/sh"])
    #expect(try resolve(fs, "usr//bin//", from: fs.root) === fs["usr/bin"])
}

@Test func dotStaysAndDotDotGoesUpButNotPastTheRoot() throws {
    let fs = sampleFilesystem()
    #expect(try resolve(fs, "./usr/./bin/.") === fs["usr/bin"])
    #expect(try resolve(fs, "/usr/bin/../lib") === fs["usr/lib"])
    #expect(try resolve(fs, "/../../..") === fs.root)
    #expect(try resolve(fs, "..", from: fs["usr/bin"]) === fs["usr"])
    #expect(try resolve(fs, ".", from: fs["usr/bin"]) === fs["usr/bin"])
}

@Test func aChrootCannotBeLeft() throws {
    let fs = sampleFilesystem()
    let jail = fs["usr"]
    let jailed = PathWalker(filesystem: fs, root: jail)
    #expect(try jailed.lookup(bytes("/bin/sh"), from: jail) === fs["usr/bin/sh"])
    #expect(try jailed.lookup(bytes("../../bin"), from: fs["usr/lib"]) === fs["usr/bin"])
    #expect(try jailed.lookup(bytes("/.."), from: jail) === jail)
    // An absolute symlink inside the jail starts from the jail's root.
    fs.symlink("usr/lib/abs", to: "/bin")
    #expect(try jailed.lookup(bytes("/lib/abs/sh"), from: jail) === fs["usr/bin/sh"])
}

@Test func missingAndMisplacedComponentsFail() {
    let fs = sampleFilesystem()
    expectError(.ENOENT) { () throws(Errno) in _ = try resolve(fs, "/nope") }
    expectError(.ENOENT) { () throws(Errno) in _ = try resolve(fs, "/nope/x") }
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/etc/passwd/x") }
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/etc/passwd/..") }
    // A relative walk from a file (a dirfd that is not a directory).
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "x", from: fs["etc/passwd"]) }
}

@Test func emptyPathNamesTheStartOnlyWhenAllowed() throws {
    let fs = sampleFilesystem()
    expectError(.ENOENT) { () throws(Errno) in _ = try resolve(fs, "") }
    let file = fs["etc/passwd"]
    #expect(try resolve(fs, "", from: file, [.followFinalSymlink, .allowEmpty]) === file)
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "", from: file, [.allowEmpty, .requireDirectory]) }
}

@Test func searchPermissionIsNeededOnEveryDirectoryPassed() throws {
    let fs = sampleFilesystem()
    fs["usr"].searchable = false
    expectError(.EACCES) { () throws(Errno) in _ = try resolve(fs, "/usr/bin") }
    expectError(.EACCES) { () throws(Errno) in _ = try resolve(fs, "/usr/.") }
    expectError(.EACCES) { () throws(Errno) in _ = try walker(fs).lookupParent(bytes("/usr/new"), from: fs.root) }
    // The directory itself can still be reached.
    #expect(try resolve(fs, "/usr") === fs["usr"])
}

@Test func longNamesAndPathsAreRejected() throws {
    let fs = sampleFilesystem()
    let longest = String(repeating: "n", count: 255)
    fs.touch("tmp/" + longest)
    #expect(try resolve(fs, "/tmp/" + longest) === fs["tmp/" + longest])
    expectError(.ENAMETOOLONG) { () throws(Errno) in _ = try resolve(fs, "/tmp/" + longest + "n") }
    expectError(.ENAMETOOLONG) { () throws(Errno) in
        _ = try walker(fs).lookupParent(bytes("/tmp/" + longest + "n"), from: fs.root)
    }

    // 4095 bytes fit (with the NUL, PATH_MAX); 4096 do not.
    let fits = String(repeating: "/", count: 4095 - 4) + "/tmp"
    #expect(try resolve(fs, fits) === fs["tmp"])
    expectError(.ENAMETOOLONG) { () throws(Errno) in _ = try resolve(fs, "/" + fits) }
}

// MARK: Symlinks

@Test func symlinksInTheMiddleAreAlwaysFollowed() throws {
    let fs = sampleFilesystem()
    #expect(try resolve(fs, "/bin/sh", []) === fs["usr/bin/sh"])
    #expect(try resolve(fs, "/tmp/abs/passwd", []) === fs["etc/passwd"])
    #expect(try resolve(fs, "/tmp/to-root/etc", []) === fs["etc"])
}

@Test func theFinalSymlinkIsFollowedOnlyWhenAsked() throws {
    let fs = sampleFilesystem()
    #expect(try resolve(fs, "/usr/lib/sh-link") === fs["usr/bin/sh"])
    #expect(try resolve(fs, "/usr/lib/sh-link", []) === fs["usr/lib/sh-link"])
    #expect(try resolve(fs, "/tmp/to-root") === fs.root)
    // A dangling link is itself found without following, and ENOENT with.
    #expect(try resolve(fs, "/tmp/dangling", []) === fs["tmp/dangling"])
    expectError(.ENOENT) { () throws(Errno) in _ = try resolve(fs, "/tmp/dangling") }
    expectError(.ENOENT) { () throws(Errno) in _ = try resolve(fs, "/tmp/empty") }
}

@Test func dotDotAfterASymlinkIsPhysical() throws {
    let fs = sampleFilesystem()
    // /bin is a link to /usr/bin, so /bin/.. is /usr, not /.
    #expect(try resolve(fs, "/bin/..") === fs["usr"])
    #expect(try resolve(fs, "/tmp/abs/../usr") === fs["usr"])
}

@Test func symlinkLoopsFailWithELOOP() {
    let fs = sampleFilesystem()
    fs.symlink("tmp/a", to: "b")
    fs.symlink("tmp/b", to: "a")
    fs.symlink("tmp/self", to: "self/x")
    expectError(.ELOOP) { () throws(Errno) in _ = try resolve(fs, "/tmp/a") }
    expectError(.ELOOP) { () throws(Errno) in _ = try resolve(fs, "/tmp/a/x", []) }
    expectError(.ELOOP) { () throws(Errno) in _ = try resolve(fs, "/tmp/self") }
    // Not following the final link stops the loop from being entered.
    #expect((try? resolve(fs, "/tmp/a", [])) === fs["tmp/a"])
}

@Test func fortyLinksAreAllowedAndTheFortyFirstIsNot() throws {
    let fs = sampleFilesystem()
    // /tmp/l1 -> l2 -> ... -> l40 -> /etc/passwd, and /tmp/l0 -> l1 on top.
    for index in 1...40 {
        fs.symlink("tmp/l\(index)", to: index == 40 ? "/etc/passwd" : "l\(index + 1)")
    }
    fs.symlink("tmp/l0", to: "l1")
    #expect(try resolve(fs, "/tmp/l1") === fs["etc/passwd"])
    expectError(.ELOOP) { () throws(Errno) in _ = try resolve(fs, "/tmp/l0") }

    // The count covers the whole walk, links in the middle included.
    for index in 1...39 {
        fs.symlink("tmp/d\(index)", to: index == 39 ? "/etc" : "d\(index + 1)")
    }
    #expect(try resolve(fs, "/tmp/d1/passwd") === fs["etc/passwd"])
    fs.symlink("etc/again", to: "passwd")
    #expect(try resolve(fs, "/tmp/d1/again") === fs["etc/passwd"])
    fs.symlink("etc/twice", to: "again")
    expectError(.ELOOP) { () throws(Errno) in _ = try resolve(fs, "/tmp/d1/twice") }
}

@Test func nestedLinksResumeTheRestOfThePath() throws {
    let fs = sampleFilesystem()
    // A link whose body ends in a link, followed by more path.
    fs.symlink("tmp/outer", to: "/bin")
    #expect(try resolve(fs, "/tmp/outer/sh") === fs["usr/bin/sh"])
    fs.symlink("tmp/deep", to: "outer/")
    #expect(try resolve(fs, "tmp/deep//sh", from: fs.root) === fs["usr/bin/sh"])
    // The body's last component, a file, is not the last of the walk.
    fs.symlink("tmp/to-file", to: "/etc/passwd")
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/tmp/to-file/x") }
}

// MARK: Trailing slashes

@Test func aTrailingSlashDemandsADirectory() throws {
    let fs = sampleFilesystem()
    #expect(try resolve(fs, "/usr/") === fs["usr"])
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/etc/passwd/") }
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/etc/passwd//", []) }
    // It forces the final link to be followed, even under O_NOFOLLOW.
    #expect(try resolve(fs, "/bin/", []) === fs["usr/bin"])
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/usr/lib/sh-link/", []) }
    expectError(.ENOENT) { () throws(Errno) in _ = try resolve(fs, "/tmp/dangling/", []) }
    // A slash at the end of a link's body counts as well.
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/tmp/to-passwd-slash") }
    // And the slash keeps following through a chain of links.
    fs.symlink("tmp/to-bin", to: "/bin")
    #expect(try resolve(fs, "/tmp/to-bin/", []) === fs["usr/bin"])
    fs.symlink("tmp/to-sh-link", to: "/usr/lib/sh-link")
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/tmp/to-sh-link/", []) }
}

@Test func requireDirectoryActsLikeODirectory() throws {
    let fs = sampleFilesystem()
    #expect(try resolve(fs, "/bin", [.followFinalSymlink, .requireDirectory]) === fs["usr/bin"])
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/etc/passwd", [.requireDirectory]) }
    // Without following, the link itself is not a directory.
    expectError(.ENOTDIR) { () throws(Errno) in _ = try resolve(fs, "/bin", [.requireDirectory]) }
}

// MARK: Parent mode

@Test func parentModeStopsBeforeTheLastComponent() throws {
    let fs = sampleFilesystem()
    let walk = walker(fs)
    let existing = try walk.lookupParent(bytes("/usr/bin/sh"), from: fs.root)
    #expect(existing.directory === fs["usr/bin"])
    #expect(existing.last == .name(bytes("sh")[...]))
    #expect(!existing.hasTrailingSlash)

    // A missing last component is fine; a missing directory is not.
    let missing = try walk.lookupParent(bytes("bin/newdir/"), from: fs.root)
    #expect(missing.directory === fs["usr/bin"])
    #expect(missing.last == .name(bytes("newdir")[...]))
    #expect(missing.hasTrailingSlash)
    expectError(.ENOENT) { () throws(Errno) in _ = try walk.lookupParent(bytes("/nope/new"), from: fs.root) }
    expectError(.ENOTDIR) { () throws(Errno) in _ = try walk.lookupParent(bytes("/etc/passwd/new"), from: fs.root) }
    expectError(.ENOENT) { () throws(Errno) in _ = try walk.lookupParent([], from: fs.root) }

    // The last component is not followed even if it is a link.
    let link = try walk.lookupParent(bytes("/usr/lib/sh-link"), from: fs.root)
    #expect(link.directory === fs["usr/lib"] && link.last == .name(bytes("sh-link")[...]))
}

@Test func parentModeReportsDotsAndTheRoot() throws {
    let fs = sampleFilesystem()
    let walk = walker(fs)
    let dot = try walk.lookupParent(bytes("/usr/."), from: fs.root)
    #expect(dot.directory === fs["usr"] && dot.last == .dot)
    let dotDot = try walk.lookupParent(bytes("bin/.."), from: fs.root)
    #expect(dotDot.directory === fs["usr/bin"] && dotDot.last == .dotDot)
    let root = try walk.lookupParent(bytes("//"), from: fs["usr"])
    #expect(root.directory === fs.root && root.last == .root)
}

// MARK: open(O_CREAT)

@Test func createModeFindsOrPlacesTheFile() throws {
    let fs = sampleFilesystem()
    let walk = walker(fs)
    guard
        case .existing(let passwd) = try walk.lookupForCreate(
            bytes("/etc/passwd"), from: fs.root, followFinalSymlink: true)
    else {
        Issue.record("expected an existing file")
        return
    }
    #expect(passwd === fs["etc/passwd"])

    guard
        case .missing(let directory, let name) = try walk.lookupForCreate(
            bytes("/bin/new"), from: fs.root, followFinalSymlink: true)
    else {
        Issue.record("expected a missing file")
        return
    }
    #expect(directory === fs["usr/bin"] && name == bytes("new"))

    // A dangling link creates its target, in the link's directory for a relative body.
    guard
        case .missing(let linkDirectory, let target) = try walk.lookupForCreate(
            bytes("/tmp/dangling-here"), from: fs.root, followFinalSymlink: true)
    else {
        Issue.record("expected the link's target")
        return
    }
    #expect(linkDirectory === fs["tmp"] && target == bytes("newfile"))
    // Through an absolute body whose directory is missing, nothing can be created.
    expectError(.ENOENT) { () throws(Errno) in
        _ = try walk.lookupForCreate(bytes("/tmp/dangling"), from: fs.root, followFinalSymlink: true)
    }

    // O_EXCL does not follow: the link itself exists.
    guard
        case .existing(let link) = try walk.lookupForCreate(
            bytes("/tmp/dangling-here"), from: fs.root, followFinalSymlink: false)
    else {
        Issue.record("expected the link itself")
        return
    }
    #expect(link === fs["tmp/dangling-here"])

    expectError(.EISDIR) { () throws(Errno) in
        _ = try walk.lookupForCreate(bytes("/tmp/new/"), from: fs.root, followFinalSymlink: true)
    }
    guard case .existing(let dot) = try walk.lookupForCreate(bytes("/usr/."), from: fs.root, followFinalSymlink: true)
    else {
        Issue.record("expected the directory")
        return
    }
    #expect(dot === fs["usr"])
}
