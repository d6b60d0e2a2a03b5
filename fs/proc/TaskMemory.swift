import ABI
import Core
import Lib

/// What a process's memory amounts to, for /proc/PID/status, statm,
/// stat and smaps_rollup (Linux: task_mem, task_statm and
/// smaps_account in fs/proc/task_mmu.c). Walked from the areas and the
/// page table, as Linux's smaps does; Linux keeps the RSS counters
/// incrementally (mm_counter), which nothing here needs yet.
struct TaskMemory {
    /// One area as /proc/PID/maps prints it.
    struct Area {
        let start: UInt64
        let end: UInt64
        let protection: VMAProtection
        let shared: Bool
        let fileOffset: UInt64
        let file: File?
        let label: VMALabel?
    }

    var areas: [Area] = []
    /// Bytes mapped in all, and by kind (Linux: total_vm, data_vm, stack_vm, exec_vm).
    var virtualBytes: UInt64 = 0
    var dataBytes: UInt64 = 0
    var stackBytes: UInt64 = 0
    var executableBytes: UInt64 = 0
    /// The program file's executable areas (Linux: end_code - start_code).
    var codeStart: UInt64 = 0
    var codeEnd: UInt64 = 0
    /// Present pages, in bytes: anonymous, file-backed, and as smaps splits them.
    var residentAnonymous: UInt64 = 0
    var residentFile: UInt64 = 0
    var sharedClean: UInt64 = 0
    var sharedDirty: UInt64 = 0
    var privateClean: UInt64 = 0
    var privateDirty: UInt64 = 0
    var referenced: UInt64 = 0
    /// Proportional set size, bytes << 12 (Linux: PSS_SHIFT), by kind.
    var proportionalAnonymous: UInt64 = 0
    var proportionalFile: UInt64 = 0
    var proportionalDirty: UInt64 = 0

    var resident: UInt64 { residentAnonymous + residentFile }

    init() {}

    /// Takes stock of `space`. Another process's areas may change while a
    /// reader sleeps, so the walk runs with preemption off and collects
    /// plain values; names are worked out afterwards.
    init(_ space: AddressSpace) {
        preemptDisable()
        defer { preemptEnable() }
        let executable = space.executable.map { ObjectIdentifier($0.inode) }
        for area in space.areas {
            let file = area.backing as? File
            areas.append(
                Area(
                    start: area.start, end: area.end, protection: area.protection,
                    shared: area.flags.contains(.shared), fileOffset: area.filePageOffset * MemoryLayout64.pageSize,
                    file: file, label: area.label))
            virtualBytes += area.length
            if area.flags.contains(.growsDown) || area.label == .stack {
                stackBytes += area.length
            } else if AddressSpace.isData(area.protection, area.flags) {
                dataBytes += area.length
            } else if area.protection.contains(.exec) {
                executableBytes += area.length
            }
            if let file, ObjectIdentifier(file.inode) == executable, area.protection.contains(.exec) {
                if codeStart == 0 { codeStart = area.start }
                codeEnd = area.end
            }
        }
        let pageSize = MemoryLayout64.pageSize
        space.pageTable.forEachUserPage { address, frame, flags in
            let area = space.areas.vma(containing: address.value)
            let users = UInt64(max(UserFrames.users(frame), 1))
            let dirty = flags.contains(.dirty)
            if area?.isAnonymous ?? true {
                residentAnonymous += pageSize
                proportionalAnonymous += (pageSize << 12) / users
            } else {
                residentFile += pageSize
                proportionalFile += (pageSize << 12) / users
            }
            if dirty { proportionalDirty += (pageSize << 12) / users }
            switch (users > 1, dirty) {
            case (true, true): sharedDirty += pageSize
            case (true, false): sharedClean += pageSize
            case (false, true): privateDirty += pageSize
            case (false, false): privateClean += pageSize
            }
            if flags.contains(.accessed) { referenced += pageSize }
            return nil
        }
    }
}
