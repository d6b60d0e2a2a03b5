import ABI
import Core
import Lib

/// An object the kernel shows in sysfs as a directory (Linux: struct
/// kobject, lib/kobject.c): a name, a parent, attributes (files whose
/// contents its owner computes on each read and takes on each write) and
/// symlinks to other kobjects. Adding one makes its directory at once
/// (Linux: kobject_add and sysfs_create_dir_ns); without a parent it goes
/// at the top of /sys. Kernel code builds the tree at boot, modules as
/// they load; all of it happens under VFS.lock, which also orders it with
/// lookups in sysfs.
public final class KObject {
    public let name: String
    public private(set) var parent: KObject?
    /// Its directory in sysfs (Linux: kobj->sd); nil before `add` and
    /// after `remove`.
    var directory: Dentry?
    private var children: [KObject] = []

    public init(name: String) { self.name = name }

    /// Gives the kobject its place and its directory (Linux: kobject_add);
    /// EEXIST if the parent has an entry of that name, EINVAL if it was
    /// added already.
    public func add(to parent: KObject?) throws(Errno) {
        try VFS.locked { () throws(Errno) in
            guard directory == nil else { throw .EINVAL }
            let parentDirectory = try parent.map { (parent) throws(Errno) -> Dentry in
                guard let directory = parent.directory else { throw .ENOENT }
                return directory
            }
            directory = try Sysfs.createDirectory(name, in: parentDirectory)
            self.parent = parent
            parent?.children.append(self)
        }
    }

    /// A new kobject added under `parent` (Linux: kobject_create_and_add).
    public static func createAndAdd(_ name: String, parent: KObject?) throws(Errno) -> KObject {
        let kobject = KObject(name: name)
        try kobject.add(to: parent)
        return kobject
    }

    /// The child called `name`, if there is one.
    public func existingChild(_ name: String) -> KObject? {
        VFS.lockedNonThrowing { children.first { $0.name == name } }
    }

    /// The child called `name`, added if there is none yet.
    public func child(_ name: String) throws(Errno) -> KObject {
        if let existing = existingChild(name) { return existing }
        return try Self.createAndAdd(name, parent: self)
    }

    /// A file in the kobject's directory (Linux: sysfs_create_file).
    public func addAttribute(_ attribute: KObjectAttribute) throws(Errno) {
        try VFS.locked { () throws(Errno) in
            guard let directory else { throw .ENOENT }
            try Sysfs.createFile(attribute, in: directory)
        }
    }

    /// A symlink `name` in this kobject's directory to `target`'s, as a
    /// relative path (Linux: sysfs_create_link).
    public func addLink(_ name: String, to target: KObject) throws(Errno) {
        try VFS.locked { () throws(Errno) in
            guard let directory, target.directory != nil else { throw .ENOENT }
            let from = path, to = target.path
            var common = 0
            while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
            let up = Array(repeating: "..", count: from.count - common)
            let body = (up + to[common...]).joined(separator: "/")
            try Sysfs.createLink(name, target: Array(body.utf8), in: directory)
        }
    }

    /// Removes the symlink `name` from this kobject's directory (Linux:
    /// sysfs_remove_link); nothing if there is none.
    public func removeLink(_ name: String) {
        VFS.lockedNonThrowing {
            guard let link = directory?.cachedChild(Array(name.utf8)[...]), link.inode?.isSymlink == true else {
                return
            }
            Sysfs.remove(link)
        }
    }

    /// Takes the kobject, its children and its files out of sysfs (Linux:
    /// kobject_del).
    public func remove() {
        VFS.lockedNonThrowing {
            guard let directory else { return }
            Sysfs.remove(directory)
            parent?.children.removeAll { $0 === self }
            detach()
        }
    }

    /// Forgets the removed directories of the kobject and its children,
    /// and the children, which point back at it as their parent.
    private func detach() {
        directory = nil
        for child in children { child.detach() }
        children = []
    }

    /// The names from /sys down to this kobject.
    private var path: [String] {
        var names: [String] = []
        var current: KObject? = self
        while let here = current {
            names.insert(here.name, at: 0)
            current = here.parent
        }
        return names
    }
}

/// A file of a kobject (Linux: struct attribute with a kobj_attribute's
/// show and store): what a read returns, computed at each read from the
/// start, and what takes a write; no `store` means read-only (mode
/// without write bits, and opening for writing is EACCES).
public struct KObjectAttribute {
    public let name: String
    public let mode: UInt32
    public let show: () -> [UInt8]
    public let store: (([UInt8]) throws(Errno) -> Void)?

    public init(
        _ name: String, mode: UInt32 = 0o444, show: @escaping () -> [UInt8],
        store: (([UInt8]) throws(Errno) -> Void)? = nil
    ) {
        self.name = name
        self.mode = mode
        self.show = show
        self.store = store
    }

    /// A read-only attribute whose text is `show()` and a newline, the
    /// usual sysfs format.
    public static func text(_ name: String, _ show: @escaping () -> String) -> KObjectAttribute {
        KObjectAttribute(name, show: { Array((show() + "\n").utf8) })
    }
}

/// A kobject that groups others of one kind, such as /sys/class/tty or
/// /sys/block (Linux: struct kset, kset_create_and_add). The module
/// issue's /sys/module is one.
public final class KSet {
    public let kobject: KObject
    public private(set) var members: [KObject] = []

    private init(_ kobject: KObject) { self.kobject = kobject }

    /// A new set with its directory under `parent` (nil: the top of /sys).
    public static func createAndAdd(_ name: String, parent: KObject?) throws(Errno) -> KSet {
        KSet(try KObject.createAndAdd(name, parent: parent))
    }

    /// Adds `member` to the set, its directory in the set's (Linux:
    /// kobject_add with kobj->kset set).
    public func add(_ member: KObject) throws(Errno) {
        try member.add(to: kobject)
        members.append(member)
    }

    /// Takes `member` out of the set and out of sysfs (Linux: kobject_del
    /// of a kset's member).
    public func remove(_ member: KObject) {
        member.remove()
        members.removeAll { $0 === member }
    }
}
