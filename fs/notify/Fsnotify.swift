import ABI
import Core
import Synchronization

/// Where the VFS tells watchers what happened to files (Linux:
/// fs/notify/fsnotify.c and the hooks of include/linux/fsnotify.h). Every
/// file system goes through the VFS's operations, so every one is watched
/// alike. inotify is the one kind of watcher: each inode keeps its watches
/// (`Inode.inotifyWatches`, Linux's i_fsnotify_marks), and an event on a
/// file goes to its own watches and, with its name, to its directory's.
enum Fsnotify {
    /// Guards every inode's watch list and every instance's `watches`.
    private static let lock = SpinLock()
    /// How many watches exist: with none, the hooks return at once.
    private static let count = Atomic<Int>(0)
    private static let lastCookie = Atomic<UInt32>(0)

    // MARK: Watches

    /// inotify_add_watch's work on a found inode (Linux:
    /// inotify_update_watch): the existing watch's mask replaced, or added
    /// to with IN_MASK_ADD, or EEXIST with IN_MASK_CREATE; else a new watch
    /// (ENOSPC past the limit). Returns the watch descriptor.
    static func addWatch(to inode: Inode, for instance: InotifyInstance, mask: InotifyMask) throws(Errno) -> Int32 {
        let events = mask.intersection(InotifyMask.allEvents.union([.IN_ONESHOT, .IN_EXCL_UNLINK]))
        lock.lock()
        defer { lock.unlock() }
        if let watch = inode.inotifyWatches.first(where: { $0.instance === instance }) {
            guard !mask.contains(.IN_MASK_CREATE) else { throw .EEXIST }
            watch.mask = mask.contains(.IN_MASK_ADD) ? watch.mask.union(events) : events
            return watch.descriptor
        }
        guard instance.watches.count < InotifyInstance.maximumWatches else { throw .ENOSPC }
        let watch = InotifyWatch(instance: instance, inode: inode, descriptor: instance.nextDescriptor(), mask: events)
        inode.inotifyWatches.append(watch)
        instance.watches.append(watch)
        count.add(1, ordering: .relaxed)
        return watch.descriptor
    }

    /// inotify_rm_watch: EINVAL for an unknown descriptor; IN_IGNORED follows.
    static func removeWatch(_ descriptor: Int32, of instance: InotifyInstance) throws(Errno) {
        lock.lock()
        defer { lock.unlock() }
        guard let watch = instance.watches.first(where: { $0.descriptor == descriptor }) else { throw .EINVAL }
        remove(watch, ignored: true)
    }

    /// Every watch of a closed instance.
    static func removeAll(of instance: InotifyInstance) {
        lock.lock()
        for watch in instance.watches { remove(watch, ignored: false) }
        lock.unlock()
    }

    /// Under the lock.
    private static func remove(_ watch: InotifyWatch, ignored: Bool) {
        watch.inode.inotifyWatches.removeAll { $0 === watch }
        watch.instance.watches.removeAll { $0 === watch }
        count.subtract(1, ordering: .relaxed)
        if ignored { watch.instance.queue(wd: watch.descriptor, mask: .IN_IGNORED, cookie: 0, name: []) }
    }

    // MARK: Delivery

    /// `mask` happened to `inode`: to its watches, and to those of
    /// `directory` under `name` if given (Linux: fsnotify with
    /// FS_EVENT_ON_CHILD). IN_ISDIR is added for a directory. A one-shot
    /// watch goes after its event.
    private static func notify(
        _ mask: InotifyMask, on inode: Inode?, directory: Inode? = nil, name: [UInt8] = [], cookie: UInt32 = 0,
        isDirectory: Bool
    ) {
        guard count.load(ordering: .relaxed) > 0 else { return }
        let reported = isDirectory ? mask.union(.IN_ISDIR) : mask
        lock.lock()
        defer { lock.unlock() }
        if let directory { deliver(reported, to: directory.inotifyWatches, name: name, cookie: cookie) }
        if let inode { deliver(reported, to: inode.inotifyWatches, name: [], cookie: cookie) }
    }

    private static func deliver(_ mask: InotifyMask, to watches: [InotifyWatch], name: [UInt8], cookie: UInt32) {
        for watch in watches where !watch.mask.isDisjoint(with: mask.intersection(.allEvents)) {
            watch.instance.queue(wd: watch.descriptor, mask: mask, cookie: cookie, name: name)
            if watch.mask.contains(.IN_ONESHOT) { remove(watch, ignored: true) }
        }
    }

    /// The inode's watches end: it is gone (IN_DELETE_SELF, then IN_IGNORED).
    private static func deleted(_ inode: Inode) {
        notify(.IN_DELETE_SELF, on: inode, isDirectory: inode.isDirectory)
        guard count.load(ordering: .relaxed) > 0 else { return }
        lock.lock()
        for watch in inode.inotifyWatches { remove(watch, ignored: true) }
        lock.unlock()
    }

    // MARK: The VFS's hooks (Linux: include/linux/fsnotify.h)

    /// An open file's event, to the file and its directory (fsnotify_file).
    private static func fileEvent(_ mask: InotifyMask, _ file: File) {
        guard !file.isPathOnly else { return }
        let dentry = file.path.dentry
        notify(
            mask, on: file.inode, directory: dentry.parent?.inode, name: dentry.name,
            isDirectory: file.inode.isDirectory)
    }

    /// Linux: fsnotify_open.
    static func opened(_ file: File) { fileEvent(.IN_OPEN, file) }
    /// Linux: fsnotify_access, after a read that returned bytes.
    static func accessed(_ file: File) { fileEvent(.IN_ACCESS, file) }
    /// Linux: fsnotify_modify, after a write that wrote bytes.
    static func modified(_ file: File) { fileEvent(.IN_MODIFY, file) }
    /// Linux: fsnotify_close, at the last reference's release.
    static func closed(_ file: File) { fileEvent(file.mayWrite ? .IN_CLOSE_WRITE : .IN_CLOSE_NOWRITE, file) }

    /// Attributes or, with `sizeChanged`, the size changed (Linux:
    /// fsnotify_change: IN_MODIFY for ATTR_SIZE, IN_ATTRIB for the rest).
    static func changed(_ inode: Inode, at dentry: Dentry?, sizeChanged: Bool = false) {
        notify(
            sizeChanged ? .IN_MODIFY : .IN_ATTRIB, on: inode, directory: dentry?.parent?.inode,
            name: dentry?.name ?? [], isDirectory: inode.isDirectory)
    }

    /// A name was made in `directory` (Linux: fsnotify_create,
    /// fsnotify_mkdir, fsnotify_link, which also tells the inode its link
    /// count changed).
    static func created(_ name: [UInt8], for inode: Inode, in directory: Inode, isLink: Bool) {
        if isLink { notify(.IN_ATTRIB, on: inode, isDirectory: false) }
        notify(.IN_CREATE, on: nil, directory: directory, name: name, isDirectory: inode.isDirectory)
    }

    /// A name was removed from `directory` (Linux: vfs_unlink's
    /// fsnotify_link_count, d_delete_notify, and at eviction
    /// fsnotify_inoderemove). Apus sends IN_DELETE_SELF when the last link
    /// goes, even if the file is still open.
    static func removed(_ name: [UInt8], for inode: Inode, from directory: Inode) {
        if !inode.isDirectory { notify(.IN_ATTRIB, on: inode, isDirectory: false) }
        notify(.IN_DELETE, on: nil, directory: directory, name: name, isDirectory: inode.isDirectory)
        if inode.nlink == 0 || inode.isDirectory { deleted(inode) }
    }

    /// A rename (Linux: fsnotify_move): IN_MOVED_FROM and IN_MOVED_TO with
    /// one cookie, IN_MOVE_SELF for the moved file; a replaced file that
    /// lost its last link is deleted.
    static func moved(
        _ inode: Inode, from oldDirectory: Inode, _ oldName: [UInt8], to newDirectory: Inode, _ newName: [UInt8],
        replacing replaced: Inode?
    ) {
        guard count.load(ordering: .relaxed) > 0 else { return }
        let cookie = lastCookie.wrappingAdd(1, ordering: .relaxed).newValue
        let isDirectory = inode.isDirectory
        notify(
            .IN_MOVED_FROM, on: nil, directory: oldDirectory, name: oldName, cookie: cookie, isDirectory: isDirectory)
        notify(.IN_MOVED_TO, on: nil, directory: newDirectory, name: newName, cookie: cookie, isDirectory: isDirectory)
        if let replaced {
            notify(.IN_ATTRIB, on: replaced, isDirectory: replaced.isDirectory)
            if replaced.nlink == 0 || replaced.isDirectory { deleted(replaced) }
        }
        notify(.IN_MOVE_SELF, on: inode, isDirectory: isDirectory)
    }
}
