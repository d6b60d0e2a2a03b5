import ABI
import Testing

@testable import Lib

private final class Object: IPCObject {
    var permission: IPCPermission
    let size: Int
    init(key: Int32, mode: UInt32 = 0o600, size: Int = 1, by credentials: Credentials = .root) {
        permission = IPCPermission(key: key, mode: mode, credentials: credentials)
        self.size = size
    }
}

private func user(_ uid: UInt32, gid: UInt32 = 100, groups: [UInt32] = []) -> Credentials {
    Credentials(uid: IDSet(all: uid), gid: IDSet(all: gid), groups: groups)
}

/// lib/ipc: the id table, permissions, msgrcv's choice of message, semop's
/// arithmetic and the /proc/sysvipc lines (Linux: ipc/util.c, msg.c, sem.c, shm.c).
@Suite struct IPCTests {
    @Test func idsTakeSlotsInTurnAndBumpTheSequenceOnWrap() throws {
        var ids = IPCIds<Object>(slots: 3)
        let first = Object(key: 0)
        #expect(try ids.add(first, limit: 10) == 0)
        let second = Object(key: 0)
        #expect(try ids.add(second, limit: 10) == 1)
        ids.remove(first)
        // Slot 2 comes next even though 0 is free (Linux: idr_alloc_cyclic).
        let third = Object(key: 0)
        #expect(try ids.add(third, limit: 10) == 2)
        // Then the turn wraps to slot 0 with the next sequence number.
        let fourth = Object(key: 0)
        #expect(try ids.add(fourth, limit: 10) == 32768)
        #expect(fourth.permission.seq == 1 && fourth.permission.index == 0)
        #expect(ids.highestIndex == 2 && ids.count == 3 && ids.infoResult == 2)
        expectError(.ENOSPC) { () throws(Errno) in _ = try ids.add(Object(key: 0), limit: 10) }
        expectError(.EINVAL) { () throws(Errno) in _ = try ids.lookup(0) }  // slot 0's old id: a stale sequence number
        #expect(try ids.lookup(32768) === fourth)
        #expect(try ids.lookup(index: 0) === fourth)
        expectError(.EINVAL) { () throws(Errno) in _ = try ids.lookup(-1) }
        expectError(.EINVAL) { () throws(Errno) in _ = try ids.lookup(index: 5) }
        var limited = IPCIds<Object>()
        _ = try limited.add(Object(key: 0), limit: 1)
        expectError(.ENOSPC) { () throws(Errno) in _ = try limited.add(Object(key: 0), limit: 1) }
    }

    @Test func resolveFollowsIpcget() throws {
        var ids = IPCIds<Object>()
        #expect(try ids.resolve(key: IPCKey.IPC_PRIVATE, flags: [], credentials: .root) == nil)
        expectError(.ENOENT) { () throws(Errno) in _ = try ids.resolve(key: 42, flags: [], credentials: .root) }
        #expect(try ids.resolve(key: 42, flags: .IPC_CREAT, credentials: .root) == nil)
        let id = try ids.add(Object(key: 42, mode: 0o640, size: 3), limit: 10)
        #expect(try ids.resolve(key: 42, flags: .IPC_CREAT, credentials: .root) == id)
        expectError(.EEXIST) { () throws(Errno) in
            _ = try ids.resolve(key: 42, flags: [.IPC_CREAT, .IPC_EXCL], credentials: .root)
        }
        expectError(.EINVAL) { () throws(Errno) in
            _ = try ids.resolve(key: 42, flags: [], credentials: .root) { (object: Object) throws(Errno) in
                if object.size < 5 { throw .EINVAL }
            }
        }
        let stranger = user(1000, gid: 1000)
        #expect(try ids.resolve(key: 42, flags: [], credentials: stranger) == id)
        expectError(.EACCES) { () throws(Errno) in
            _ = try ids.resolve(key: 42, flags: IPCFlags(rawValue: 0o004), credentials: stranger)
        }
    }

    @Test func permissionsPickOneTriple() {
        let owner = user(1000, gid: 100)
        var permission = IPCPermission(key: 1, mode: 0o640, credentials: owner)
        #expect(permission.uid == 1000 && permission.cuid == 1000 && permission.gid == 100 && permission.mode == 0o640)
        #expect(permission.allows(0o600, owner))
        #expect(!permission.allows(0o100, owner))
        let member = user(2000, gid: 300, groups: [100])
        #expect(permission.allows(0o444, member) && !permission.allows(0o222, member))
        let other = user(3000, gid: 300)
        #expect(!permission.allows(0o444, other) && permission.allows(0, other))
        #expect(permission.allows(0o777, .root))  // CAP_IPC_OWNER
        #expect(permission.mayChange(owner) && permission.mayChange(.root) && !permission.mayChange(member))
        // A new owner gets the owner's triple; the creator keeps its rights to change.
        var set = IPC64Perm()
        set.uid = 3000
        set.gid = 300
        set.mode = 0o7604
        permission.update(from: set)
        #expect(permission.mode == 0o604 && permission.allows(0o600, other) && !permission.allows(0o004, member))
        #expect(permission.mayChange(owner) && permission.mayChange(other))
        permission.markDestroyed()
        #expect(permission.key == IPCKey.IPC_PRIVATE && permission.mode == 0o1604)
        #expect(permission.userView.mode == 0o1604 && permission.userView.cuid == 1000)
    }

    @Test func messageSearchModes() {
        let types: [Int64] = [3, 1, 2, 1, 5]
        #expect(MessageSearch(type: 0, flags: []).select(types) == 0)
        #expect(MessageSearch(type: 1, flags: []).select(types) == 1)
        #expect(MessageSearch(type: 4, flags: []).select(types) == nil)
        #expect(MessageSearch(type: 3, flags: .MSG_EXCEPT).select(types) == 1)
        #expect(MessageSearch(type: -2, flags: []).select(types) == 1)
        #expect(MessageSearch(type: -5, flags: []).select([5, 4, 4]) == 1)
        #expect(MessageSearch(type: -3, flags: []).select([5, 4]) == nil)
        #expect(MessageSearch(type: Int64.min, flags: []) == .lessOrEqual(Int64.max))
        #expect(MessageSearch(type: 0, flags: []).select([Int64]()) == nil)
    }

    @Test func semaphoreOperationsAreAllOrNothing() {
        func op(_ number: UInt16, _ change: Int16, _ flags: Int16 = 0) -> Sembuf {
            Sembuf(sem_num: number, sem_op: change, sem_flg: flags)
        }
        var values: [Int32] = [1, 0]
        var adjustments: [Int32] = [0, 0]
        let nowait = Int16(IPCFlags.IPC_NOWAIT.rawValue)
        #expect(
            SemaphoreOperations.perform([op(0, -1), op(1, -1, nowait)], on: &values, adjustments: &adjustments)
                == .failed(.EAGAIN))
        #expect(values == [1, 0])
        #expect(
            SemaphoreOperations.perform([op(0, -1), op(1, -1)], on: &values, adjustments: &adjustments)
                == .wait(semaphore: 1, forZero: false))
        #expect(
            SemaphoreOperations.perform([op(0, 0)], on: &values, adjustments: &adjustments)
                == .wait(semaphore: 0, forZero: true))
        #expect(SemaphoreOperations.perform([op(1, 2), op(1, -1)], on: &values, adjustments: &adjustments) == .done)
        #expect(values == [1, 1])
        #expect(SemaphoreOperations.perform([op(2, 1)], on: &values, adjustments: &adjustments) == .failed(.EFBIG))
        values = [IPCDefaults.SEMVMX, 0]
        #expect(SemaphoreOperations.perform([op(0, 1)], on: &values, adjustments: &adjustments) == .failed(.ERANGE))
        let undo = SemFlags.SEM_UNDO
        values = [5, 0]
        #expect(
            SemaphoreOperations.perform([op(0, -2, undo), op(1, 3, undo)], on: &values, adjustments: &adjustments)
                == .done)
        #expect(values == [3, 3] && adjustments == [2, -3])
        SemaphoreOperations.undo(adjustments, on: &values)
        #expect(values == [5, 0])
        // Undo keeps values within 0...SEMVMX (Linux: exit_sem).
        values = [0, IPCDefaults.SEMVMX]
        SemaphoreOperations.undo([-4, 7], on: &values)
        #expect(values == [0, IPCDefaults.SEMVMX])
        // An adjustment past SEMAEM is ERANGE, and the operation does not happen.
        values = [IPCDefaults.SEMVMX, 0]
        adjustments = [1, 0]
        #expect(
            SemaphoreOperations.perform([op(0, Int16.min + 1, undo)], on: &values, adjustments: &adjustments)
                == .failed(.ERANGE))
        #expect(values == [IPCDefaults.SEMVMX, 0] && adjustments == [1, 0])
    }

    @Test func procLinesMatchLinuxColumns() {
        var queue = MsqidDs()
        queue.msg_perm.key = 305_441_741
        queue.msg_perm.mode = 0o640
        queue.msg_cbytes = 5
        queue.msg_qnum = 1
        queue.msg_lspid = 29876
        queue.msg_stime = 1_796_599_102
        queue.msg_ctime = 1_796_599_102
        // As Linux 6.x printed it for the same queue.
        let messageLine =
            " 305441741          0   640           5          1 29876     0     0     0     0     0 1796599102          0 1796599102\n"
        #expect(SysvipcProc.messageLine(queue, id: 0) == messageLine)
        var set = SemidDs()
        set.sem_perm.key = Int32.max
        set.sem_perm.mode = 0o600
        set.sem_nsems = 3
        set.sem_ctime = 1_796_599_102
        #expect(
            SysvipcProc.semaphoreLine(set, id: 0)
                == "2147483647          0   600          3     0     0     0     0          0 1796599102\n")
        var segment = ShmidDs()
        segment.shm_perm.key = -5
        segment.shm_perm.mode = 0o1666
        segment.shm_segsz = 5000
        segment.shm_cpid = 29876
        segment.shm_lpid = 29876
        segment.shm_nattch = 1
        segment.shm_atime = 1_796_599_102
        segment.shm_ctime = 1_796_599_102
        let sharedMemoryLine =
            "        -5      32769  1666                  5000 29876 29876      1     0     0     0     0 1796599102          0 1796599102                  4096                     0\n"
        #expect(SysvipcProc.sharedMemoryLine(segment, id: 32769, residentBytes: 4096) == sharedMemoryLine)
        #expect(SysvipcProc.sharedMemoryHeader.hasPrefix("       key      shmid perms                  size"))
    }
}
