import ABI
import Core
import Lib

/// What one process's SEM_UNDO operations on one set add up to, to be
/// added back when the process exits (Linux: struct sem_undo).
final class SemaphoreUndo {
    let set: SemaphoreSet
    /// semadj: per semaphore, minus the sum of the undoable operations.
    var adjustments: [Int32]

    init(_ set: SemaphoreSet) {
        self.set = set
        adjustments = Array(repeating: 0, count: set.values.count)
    }

    /// The caller's record for `set`, made on its first SEM_UNDO operation
    /// there, with the process's list if it had none (Linux:
    /// find_alloc_undo). EIDRM if the set is gone.
    static func record(for set: SemaphoreSet, of task: Task) throws(Errno) -> SemaphoreUndo {
        let list = task.semaphoreUndo ?? SemaphoreUndoList()
        task.semaphoreUndo = list
        return try SemSyscalls.ids.withLock { _ throws(Errno) -> SemaphoreUndo in
            guard !set.isRemoved else { throw .EIDRM }
            if let record = list.records.first(where: { $0.set === set }) { return record }
            let record = SemaphoreUndo(set)
            list.records.append(record)
            set.undoRecords.append(record)
            return record
        }
    }
}

/// A process's undo records (Linux: struct sem_undo_list), shared by the
/// threads clone made with CLONE_SYSVSEM — as pthread_create does — and
/// applied when the last of them exits. Changed under SemSyscalls.ids's lock.
final class SemaphoreUndoList {
    var records: [SemaphoreUndo] = []
    /// The tasks that hold the list.
    var users = 1

    /// clone's share of the list (Linux: copy_semundo): with CLONE_SYSVSEM
    /// the child uses the parent's, made now if need be; without it the
    /// child starts with none.
    static func forChild(of parent: Task, sharing: Bool) -> SemaphoreUndoList? {
        guard sharing else { return nil }
        let list = parent.semaphoreUndo ?? SemaphoreUndoList()
        parent.semaphoreUndo = list
        SemSyscalls.ids.withLock { _ in list.users += 1 }
        return list
    }
}

extension Task {
    /// Exit's part (Linux: exit_sem): the last task using the undo list
    /// adds each adjustment back to its semaphore, kept within 0...SEMVMX,
    /// and wakes whoever sleeps on the sets it changed.
    func exitSemaphores() {
        guard let list = semaphoreUndo else { return }
        semaphoreUndo = nil
        let pid = tgid
        let changed = SemSyscalls.ids.withLock { _ -> [SemaphoreSet] in
            list.users -= 1
            guard list.users == 0 else { return [] }
            var changed: [SemaphoreSet] = []
            for record in list.records where !record.set.isRemoved {
                let set = record.set
                SemaphoreOperations.undo(record.adjustments, on: &set.values)
                for (index, adjustment) in record.adjustments.enumerated() where adjustment != 0 {
                    set.pids[index] = pid
                }
                set.undoRecords.removeAll { $0 === record }
                changed.append(set)
            }
            list.records.removeAll()
            return changed
        }
        for set in changed { set.waiters.wakeUpAll() }
    }
}
