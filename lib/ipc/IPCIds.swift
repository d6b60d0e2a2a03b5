import ABI

/// What an id table holds: an object with its permission record inside,
/// which the table fills in with the id it gives the object.
public protocol IPCObject: AnyObject {
    var permission: IPCPermission { get set }
}

/// The objects of one kind — message queues, semaphore sets or shared
/// memory segments — by id and by key (Linux: struct ipc_ids and the idr
/// of ipc/util.c). An id is seq * IPCMNI + slot: slots are taken in turn
/// (Linux's idr_alloc_cyclic), and seq goes up each time the turn comes
/// round, so a removed object's id does not soon name a new one.
public struct IPCIds<Object: IPCObject> {
    /// The objects, by slot.
    public private(set) var objects: [Object] = []
    /// The last slot given out, where the next search starts.
    private var lastIndex = -1
    private var seq: UInt16 = 0
    private let slots: Int

    public init(slots: Int = Int(IPCDefaults.IPCMNI)) { self.slots = slots }

    public var count: Int { objects.count }

    /// The highest slot in use, -1 if none (Linux: ipc_get_maxidx).
    public var highestIndex: Int { objects.last?.permission.index ?? -1 }

    /// The object made with `key` (not IPC_PRIVATE), if any (Linux: ipc_findkey).
    public func find(key: Int32) -> Object? {
        objects.first { $0.permission.key == key }
    }

    /// The object `id` names; EINVAL for a negative id, a free slot or a
    /// stale sequence number (Linux: ipc_obtain_object_check).
    public func lookup(_ id: Int32) throws(Errno) -> Object {
        guard id >= 0, let object = at(index: Int(id % IPCDefaults.IPCMNI)), object.permission.id == id else {
            throw .EINVAL
        }
        return object
    }

    /// The object IPC_SET or IPC_RMID is to change: EPERM unless
    /// `credentials` may (Linux: ipcctl_obtain_check).
    public func lookup(_ id: Int32, changedBy credentials: Credentials) throws(Errno) -> Object {
        let object = try lookup(id)
        guard object.permission.mayChange(credentials) else { throw .EPERM }
        return object
    }

    /// The object whose status IPC_STAT (by id) or a *_STAT command (by
    /// slot) reports: EACCES unless `credentials` may read it, which the
    /// *_STAT_ANY commands do not ask (Linux: the STAT cases of msgctl_stat).
    public func lookup(
        forStatus idOrIndex: Int32, byIndex: Bool, anyone: Bool, credentials: Credentials
    ) throws(Errno) -> Object {
        guard idOrIndex >= 0 else { throw .EINVAL }
        let object = byIndex ? try lookup(index: Int(idOrIndex)) : try lookup(idOrIndex)
        guard anyone || object.permission.allows(0o444, credentials) else { throw .EACCES }
        return object
    }

    /// What IPC_INFO and the *_INFO commands return: the highest slot in
    /// use, 0 if none (Linux: ipc_get_maxidx).
    public var infoResult: Int64 { Int64(max(highestIndex, 0)) }

    /// The object in slot `index`: what the STAT commands take (Linux:
    /// ipc_obtain_object_idr). EINVAL for a free slot.
    public func lookup(index: Int) throws(Errno) -> Object {
        guard let object = at(index: index) else { throw .EINVAL }
        return object
    }

    private func at(index: Int) -> Object? {
        guard let position = position(of: index) else { return nil }
        return objects[position]
    }

    private func position(of index: Int) -> Int? {
        objects.firstIndex { $0.permission.index == index }
    }

    /// Puts `object` in the next free slot at or after the last one taken,
    /// wrapping to 0, and gives it its id; ENOSPC once `limit` objects (or
    /// every slot) are in use (Linux: ipc_addid).
    @discardableResult
    public mutating func add(_ object: Object, limit: Int) throws(Errno) -> Int32 {
        guard objects.count < min(limit, slots) else { throw .ENOSPC }
        var index = (lastIndex + 1) % slots
        while at(index: index) != nil { index = (index + 1) % slots }
        // Linux: IPCID_SEQ_MAX, INT_MAX >> 15, keeps ids positive.
        if index <= lastIndex { seq = seq == UInt16.max ? 0 : seq + 1 }
        lastIndex = index
        object.permission.index = index
        object.permission.seq = seq
        object.permission.id = Int32(seq) * IPCDefaults.IPCMNI + Int32(index)
        let position = objects.firstIndex { $0.permission.index > index } ?? objects.count
        objects.insert(object, at: position)
        return object.permission.id
    }

    /// Takes `object` out of the table (Linux: ipc_rmid).
    public mutating func remove(_ object: Object) {
        objects.removeAll { $0 === object }
    }

    /// The id for msgget, semget or shmget of `key` (Linux: ipcget): nil
    /// when a new object is to be made — always for IPC_PRIVATE, and for an
    /// unknown key with IPC_CREAT. An unknown key without it is ENOENT, a
    /// known one with IPC_CREAT|IPC_EXCL EEXIST; otherwise `check` may
    /// refuse the existing object (EINVAL for too small a one), and then
    /// its permissions must grant the rwx bits of `flags` (EACCES).
    public func resolve(
        key: Int32, flags: IPCFlags, credentials: Credentials,
        check: (Object) throws(Errno) -> Void = { _ throws(Errno) in }
    ) throws(Errno) -> Int32? {
        guard key != IPCKey.IPC_PRIVATE else { return nil }
        guard let object = find(key: key) else {
            guard flags.contains(.IPC_CREAT) else { throw .ENOENT }
            return nil
        }
        if flags.isSuperset(of: [.IPC_CREAT, .IPC_EXCL]) { throw .EEXIST }
        try check(object)
        guard object.permission.allows(flags.permissions, credentials) else { throw .EACCES }
        return object.permission.id
    }
}
