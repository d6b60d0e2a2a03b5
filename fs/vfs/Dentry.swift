import ABI

/// A name in a directory and the inode it names (Linux: struct dentry,
/// fs/dcache.c). A directory's dentry keeps its children, so a name looked
/// up once is found in memory the next time: the dentry cache. For ramfs
/// the cache is the only record of the tree, as it is in Linux.
///
/// Linux also caches negative dentries (names known not to exist) and
/// reclaims them under memory pressure. Without a shrinker they would only
/// grow, so a miss is not cached here; the only negative dentries are
/// deleted names still held by open files.
public final class Dentry {
    public private(set) var name: [UInt8]
    /// The directory holding the name; nil only for a filesystem's root.
    /// A strong reference: a dentry pins its parent, as Linux's d_parent
    /// holds a reference.
    public private(set) var parent: Dentry?
    public private(set) var inode: Inode?
    /// Cached names in this directory, oldest first.
    private(set) var children: [Dentry] = []
    /// The directory position of this entry for readdir: stable while the
    /// entry exists, so unlinking others does not skip or repeat entries
    /// (Linux: the offset tmpfs keeps per dentry, libfs's simple_offset).
    private(set) var directoryPosition: Int64 = 0
    /// The next position a new child of this directory gets; 0 and 1 are
    /// "." and "..".
    private var nextChildPosition: Int64 = 2
    /// How many mounts sit on this dentry (Linux: DCACHE_MOUNTED).
    var mountCount = 0

    /// A filesystem's root dentry (Linux: d_make_root).
    public init(root inode: Inode) {
        name = [UInt8(ascii: "/")]
        self.inode = inode
    }

    /// A name outside any directory, for an open file with no place in the
    /// tree, such as a pipe's "pipe:[ino]" (Linux: d_alloc_pseudo).
    init(pseudo name: [UInt8], inode: Inode) {
        self.name = name
        self.inode = inode
    }

    /// A name looked up in a directory whose filesystem does not let the
    /// cache keep it (`InodeOperations.cachesLookups`): it knows its parent,
    /// for path names, but the parent does not list it.
    init(uncached name: [UInt8], parent: Dentry, inode: Inode) {
        self.name = name
        self.parent = parent
        self.inode = inode
    }

    /// The cached child called `name` (Linux: d_lookup).
    func cachedChild(_ name: ArraySlice<UInt8>) -> Dentry? {
        children.first { $0.name.count == name.count && $0.name.elementsEqual(name) }
    }

    /// Caches `inode` under `name` (Linux: d_alloc + d_add / d_instantiate).
    @discardableResult
    func addChild(_ name: [UInt8], inode: Inode) -> Dentry {
        let child = Dentry(uncached: name, parent: self, inode: inode)
        adopt(child)
        return child
    }

    /// Removes the name, after unlink or rmdir (Linux: d_delete + d_drop).
    /// The dentry turns negative; the inode lives on while open files hold it.
    func delete() {
        parent?.children.removeAll { $0 === self }
        inode = nil
        children.removeAll()
    }

    /// Moves the dentry to `newParent` under `newName`, dropping whatever
    /// dentry had that name there (Linux: d_move).
    func move(to newParent: Dentry, as newName: [UInt8]) {
        parent?.children.removeAll { $0 === self }
        newParent.children.removeAll { $0.name == newName }
        name = newName
        newParent.adopt(self)
    }

    private func adopt(_ child: Dentry) {
        child.parent = self
        child.directoryPosition = nextChildPosition
        nextChildPosition += 1
        children.append(child)
    }
}
