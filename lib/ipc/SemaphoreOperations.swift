import ABI

/// One semop on a set's values, all or nothing (Linux: perform_atomic_semop
/// in ipc/sem.c): the operations run in order on a copy, each seeing the
/// ones before it, and the copy replaces the values only if every one can
/// run now.
public enum SemaphoreOperations {
    public enum Outcome: Equatable, Sendable {
        /// All done: the values (and undo adjustments) are updated.
        case done
        /// Operation `semaphore` must wait: for the value to be 0
        /// (`forZero`), or to be large enough to take from.
        case wait(semaphore: Int, forZero: Bool)
        /// EAGAIN (IPC_NOWAIT and it would wait), ERANGE (a value past
        /// SEMVMX, or an adjustment past SEMAEM), or EFBIG (no such semaphore).
        case failed(Errno)
    }

    /// Runs `operations` on `values`. `adjustments`, the caller's undo
    /// values for the set, is needed when an operation has SEM_UNDO: each
    /// such operation subtracts its amount from it, so that adding it back
    /// at exit undoes the operation.
    public static func perform(
        _ operations: [Sembuf], on values: inout [Int32], adjustments: inout [Int32]
    ) -> Outcome {
        var newValues = values
        var newAdjustments = adjustments
        for operation in operations {
            let index = Int(operation.sem_num)
            guard index < newValues.count else { return .failed(.EFBIG) }
            let change = Int32(operation.sem_op)
            let current = newValues[index]
            if (change == 0 && current != 0) || current + change < 0 {
                if IPCFlags(rawValue: Int32(operation.sem_flg)).contains(.IPC_NOWAIT) { return .failed(.EAGAIN) }
                return .wait(semaphore: index, forZero: change == 0)
            }
            guard current + change <= IPCDefaults.SEMVMX else { return .failed(.ERANGE) }
            if operation.sem_flg & SemFlags.SEM_UNDO != 0 {
                guard index < newAdjustments.count else { return .failed(.EFBIG) }
                let undo = newAdjustments[index] - change
                guard undo >= -IPCDefaults.SEMAEM - 1, undo <= IPCDefaults.SEMAEM else { return .failed(.ERANGE) }
                newAdjustments[index] = undo
            }
            newValues[index] = current + change
        }
        values = newValues
        adjustments = newAdjustments
        return .done
    }

    /// Exit's undo (Linux: exit_sem): each adjustment added to its value,
    /// which stays within 0...SEMVMX.
    public static func undo(_ adjustments: [Int32], on values: inout [Int32]) {
        for (index, adjustment) in adjustments.enumerated() where index < values.count && adjustment != 0 {
            values[index] = min(max(values[index] + adjustment, 0), IPCDefaults.SEMVMX)
        }
    }
}
