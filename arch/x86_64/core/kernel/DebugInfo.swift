import DebugInfoTable

/// The debug table gdb's helpers read (Linux: vmcoreinfo; the table is
/// `apus_debug_info`, laid out in include/debug_info.h and defined in
/// debug_info.c). Linux's gdb scripts walk the kernel's own C structures;
/// Apus's are Swift objects, so each subsystem copies here, in a fixed C
/// layout, what the helpers show: printk its records, the pid table its
/// tasks, the module loader its modules. Each caller serializes its own
/// part (printk's lock, the pid table's, the module mutex); gdb reads it
/// with the machine stopped. docs/debugging.md.
public enum DebugInfo {
    /// Copies a record printk has just stored (the log's lock held).
    public static func logRecord(
        sequence: UInt64, timestamp: UInt64, level: UInt8, facility: UInt8, text: some Collection<UInt8>
    ) {
        let record = unsafe apus_debug_log_slot(sequence)!
        let length = unsafe store(text, in: &record.pointee.text)
        unsafe record.pointee.seq = sequence
        unsafe record.pointee.ts_nsec = timestamp
        unsafe record.pointee.text_len = UInt16(length)
        unsafe record.pointee.level = level
        unsafe record.pointee.facility = facility
        unsafe apus_debug_table()!.pointee.log_next_seq = sequence + 1
    }

    /// Lists a new task; returns its slot, or -1 when the table is full
    /// (counted in `tasks_unlisted`). Called under the pid table's lock.
    public static func addTask(pid: Int32, tgid: Int32, kernelThread: Bool, state: UInt32, comm: String) -> Int32 {
        for index in 0..<UInt32(APUS_DEBUG_TASKS) {
            let task = unsafe apus_debug_task_slot(index)!
            guard unsafe task.pointee.pid == 0 else { continue }
            unsafe task.pointee.tgid = tgid
            unsafe task.pointee.kthread = kernelThread ? 1 : 0
            unsafe task.pointee.state = state
            setTaskComm(slot: Int32(index), comm)
            unsafe task.pointee.pid = pid
            return Int32(index)
        }
        unsafe apus_debug_table()!.pointee.tasks_unlisted += 1
        return -1
    }

    public static func setTask(slot: Int32, state: UInt32? = nil, kernelThread: Bool? = nil) {
        guard let task = unsafe taskSlot(slot) else { return }
        if let state { unsafe task.pointee.state = state }
        if let kernelThread { unsafe task.pointee.kthread = kernelThread ? 1 : 0 }
    }

    public static func setTaskComm(slot: Int32, _ comm: String) {
        guard let task = unsafe taskSlot(slot) else { return }
        _ = unsafe store(comm.utf8, in: &task.pointee.comm, terminated: true)
    }

    /// Takes a task off the table (Linux: release_task, detach_pid).
    public static func removeTask(slot: Int32) {
        guard let task = unsafe taskSlot(slot) else {
            unsafe apus_debug_table()!.pointee.tasks_unlisted.unlist()
            return
        }
        unsafe task.pointee.pid = 0
    }

    /// Lists a module that is in place, its init not run yet: the address
    /// of each section of its .ko, 0 for those not loaded. Returns its
    /// slot, or -1 when the table is full. Called under the module mutex.
    public static func addModule(name: String, base: UInt64, size: Int, sectionAddresses: [UInt64]) -> Int32 {
        for index in 0..<UInt32(APUS_DEBUG_MODULES) {
            let module = unsafe apus_debug_module_slot(index)!
            guard unsafe module.pointee.name.0 == 0 else { continue }
            unsafe module.pointee.base = base
            unsafe module.pointee.size = UInt64(size)
            unsafe module.pointee.state = 1  // MODULE_STATE_COMING: its init has not run
            unsafe module.pointee.refcount = 0
            unsafe module.pointee.section_count = UInt32(sectionAddresses.count)
            unsafe withUnsafeMutableBytes(of: &module.pointee.section_addr) { slots in
                for (section, address) in sectionAddresses.prefix(Int(APUS_DEBUG_MODULE_SECTIONS)).enumerated() {
                    unsafe slots.storeBytes(of: address, toByteOffset: section * 8, as: UInt64.self)
                }
            }
            _ = unsafe store(name.utf8, in: &module.pointee.name, terminated: true)
            return Int32(index)
        }
        unsafe apus_debug_table()!.pointee.modules_unlisted += 1
        return -1
    }

    public static func setModule(slot: Int32, state: UInt32? = nil, refcount: Int? = nil) {
        guard let module = unsafe moduleSlot(slot) else { return }
        if let state { unsafe module.pointee.state = state }
        if let refcount { unsafe module.pointee.refcount = UInt32(clamping: refcount) }
    }

    public static func removeModule(slot: Int32) {
        guard let module = unsafe moduleSlot(slot) else {
            // Also a module released before it was listed (its sysfs directory failed).
            unsafe apus_debug_table()!.pointee.modules_unlisted.unlist()
            return
        }
        unsafe module.pointee = apus_debug_module()
    }

    /// Marks the moment a module's symbols can be loaded: gdb's lx-symbols
    /// breaks on this call (Linux: its breakpoint on do_init_module).
    public static func moduleLoaded() {
        apus_debug_module_loaded()
    }

    private static func taskSlot(_ slot: Int32) -> UnsafeMutablePointer<apus_debug_task>? {
        guard slot >= 0 && slot < APUS_DEBUG_TASKS else { return nil }
        return unsafe apus_debug_task_slot(UInt32(slot))
    }

    private static func moduleSlot(_ slot: Int32) -> UnsafeMutablePointer<apus_debug_module>? {
        guard slot >= 0 && slot < APUS_DEBUG_MODULES else { return nil }
        return unsafe apus_debug_module_slot(UInt32(slot))
    }

    /// Copies as much of `bytes` as fits into the C array `field` (leaving
    /// room for a NUL when `terminated`), zero-filling the rest; returns
    /// the bytes copied.
    private static func store<Field>(
        _ bytes: some Collection<UInt8>, in field: inout Field, terminated: Bool = false
    ) -> Int {
        unsafe withUnsafeMutableBytes(of: &field) { destination in
            let length = min(bytes.count, destination.count - (terminated ? 1 : 0))
            for (index, byte) in bytes.prefix(length).enumerated() { unsafe destination[index] = byte }
            for index in length..<destination.count { unsafe destination[index] = 0 }
            return length
        }
    }
}

extension UInt32 {
    /// One unlisted entry fewer: removing what was never counted leaves 0.
    fileprivate mutating func unlist() { if self > 0 { self -= 1 } }
}
