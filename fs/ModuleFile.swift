import ABI
import Core

/// An open file whose `struct file_operations` are a module's (Linux: a
/// file whose f_op a driver's open replaced, as misc_open does): the
/// kernel keeps a `struct file` and a `struct inode` for the module's code
/// (include/linux/fs.h, Apus's own layout), pins the module that owns the
/// operations (`.owner`, try_module_get) from open to release, and calls
/// open, read, write, llseek, poll, unlocked_ioctl and release with the
/// caller's own user buffers. Every call goes through the gate of the
/// object that registered the operations, so after its removal the file
/// reads and writes EIO instead of calling code that may be gone.
final class ModuleFile: FileOperations {
    private let operations: UInt64
    private let owner: UInt64
    private let privateData: UInt64
    private let gate: ModuleCallGate
    /// The `struct file` the module sees, with its `struct inode` after
    /// it, kmalloc'd by open and freed by release; 0 before.
    private var memory: UInt64 = 0
    /// Whether a reference on the owner was taken, and whether the
    /// module's open succeeded (its release is owed).
    private var referenced = false
    private var opened = false
    private var functions = Functions()
    private var mode: UInt32 = 0

    /// file_operations' members Apus calls, 0 when absent.
    private struct Functions {
        var llseek: UInt64 = 0
        var read: UInt64 = 0
        var write: UInt64 = 0
        var poll: UInt64 = 0
        var ioctl: UInt64 = 0
        var open: UInt64 = 0
        var release: UInt64 = 0
    }

    /// struct file_operations (Linux 6.1's layout, include/linux/fs.h).
    private enum Operations {
        static let owner: UInt64 = 0
        static let llseek: UInt64 = 8
        static let read: UInt64 = 16
        static let write: UInt64 = 24
        static let poll: UInt64 = 72
        static let unlockedIoctl: UInt64 = 80
        static let open: UInt64 = 112
        static let release: UInt64 = 128
    }

    /// struct file and struct inode (Apus's layout, include/linux/fs.h).
    enum Layout {
        static let fileOperations: UInt64 = 0
        static let inode: UInt64 = 8
        static let privateData: UInt64 = 16
        static let position: UInt64 = 24
        static let flagsAndMode: UInt64 = 32
        static let fileSize: UInt64 = 40
        /// The inode: i_mode and i_rdev in one word, then i_size.
        static let inodeModeAndDevice: UInt64 = 0
        static let inodeSize: UInt64 = 8
        static let inodeBytes: UInt64 = 16
    }

    /// fmode_t's bits (Linux: FMODE_READ ... FMODE_PWRITE).
    private enum FMode {
        static let read: UInt32 = 0x1
        static let write: UInt32 = 0x2
        static let lseek: UInt32 = 0x4
        static let pread: UInt32 = 0x8
        static let pwrite: UInt32 = 0x10
    }

    /// The operations at `operations`, owned by the module whose `struct
    /// module` is at `owner` (0: none), registered behind `gate`;
    /// `privateData` is file->private_data before the module's open.
    init(operations: UInt64, owner: UInt64, privateData: UInt64, gate: ModuleCallGate) {
        self.operations = operations
        self.owner = owner
        self.privateData = privateData
        self.gate = gate
    }

    /// Linux: fops_get, then the driver's ->open. ENODEV if the owner is
    /// being unloaded; the module's own error undoes the open.
    func open(_ file: File, flags: OpenFlags) throws(Errno) {
        guard ModuleLoader.tryGet(owner) else { throw .ENODEV }
        referenced = true
        try gate.use { () throws(Errno) in
            functions = Functions(
                llseek: ModuleCode.load64(at: operations + Operations.llseek),
                read: ModuleCode.load64(at: operations + Operations.read),
                write: ModuleCode.load64(at: operations + Operations.write),
                poll: ModuleCode.load64(at: operations + Operations.poll),
                ioctl: ModuleCode.load64(at: operations + Operations.unlockedIoctl),
                open: ModuleCode.load64(at: operations + Operations.open),
                release: ModuleCode.load64(at: operations + Operations.release))
        }
        memory = kmalloc(size: Int(Layout.fileSize + Layout.inodeBytes), flags: 0)
        guard memory != 0 else { throw .ENOMEM }
        let inode = memory + Layout.fileSize
        // Linux: do_dentry_open's f_mode; FMODE_LSEEK only with an llseek.
        var mode = FMode.pread | FMode.pwrite | (functions.llseek != 0 ? FMode.lseek : 0)
        if file.mayRead { mode |= FMode.read }
        if file.mayWrite { mode |= FMode.write }
        ModuleCode.store(operations, at: memory + Layout.fileOperations)
        ModuleCode.store(inode, at: memory + Layout.inode)
        ModuleCode.store(privateData, at: memory + Layout.privateData)
        ModuleCode.store(
            UInt64(UInt32(bitPattern: flags.rawValue)) | UInt64(mode) << 32, at: memory + Layout.flagsAndMode)
        // i_mode (umode_t) in the low half, i_rdev (Linux's dev_t: major << 20 | minor) in the high.
        let device = DeviceNumber.major(file.inode.rdev) << 20 | DeviceNumber.minor(file.inode.rdev)
        ModuleCode.store(
            UInt64(file.inode.mode & 0xffff) | UInt64(device) << 32, at: inode + Layout.inodeModeAndDevice)
        if functions.open != 0 {
            let result = try gate.use { ModuleCode.call(functions.open, inode, memory) }
            let error = Int32(truncatingIfNeeded: result)
            guard error >= 0 else { throw Errno(rawValue: -error) ?? .EIO }
        }
        opened = true
        // nonseekable_open and stream_open clear these in f_mode.
        self.mode = UInt32(truncatingIfNeeded: ModuleCode.load64(at: memory + Layout.flagsAndMode) >> 32)
    }

    /// A file the module made nonseekable (nonseekable_open, stream_open) has no position.
    var isStream: Bool { opened && mode & FMode.pread == 0 }

    var takesUserBuffers: Bool { true }

    func read(_ file: File, into buffer: UserBuffer, at offset: inout Int64) throws(Errno) -> Int {
        updateFlags(file)
        return try gate.transfer(
            functions.read, file: memory, buffer, at: &offset, filePosition: memory + Layout.position)
    }

    func write(_ file: File, from buffer: UserBuffer, at offset: inout Int64) throws(Errno) -> Int {
        updateFlags(file)
        return try gate.transfer(
            functions.write, file: memory, buffer, at: &offset, filePosition: memory + Layout.position)
    }

    /// f_flags as fcntl's F_SETFL left them (O_NONBLOCK for a blocking read).
    private func updateFlags(_ file: File) {
        ModuleCode.store32(UInt32(bitPattern: file.flags.rawValue), at: memory + Layout.flagsAndMode)
    }

    /// The module's llseek; ESPIPE without one (Linux: vfs_llseek without FMODE_LSEEK).
    func llseek(_ file: File, to offset: Int64, from whence: SeekWhence, position: inout Int64) throws(Errno)
        -> Int64
    {
        guard functions.llseek != 0 else { throw .ESPIPE }
        let (result, moved) = try gate.use { () -> (Int64, UInt64) in
            ModuleCode.store(UInt64(bitPattern: position), at: memory + Layout.position)
            let result = ModuleCode.call(
                functions.llseek, memory, UInt64(bitPattern: offset), UInt64(UInt32(bitPattern: whence.rawValue)))
            return (Int64(bitPattern: result), ModuleCode.load64(at: memory + Layout.position))
        }
        guard result >= 0 else { throw Errno(rawValue: Int32(truncatingIfNeeded: 0 &- result)) ?? .EINVAL }
        position = Int64(bitPattern: moved)
        return result
    }

    /// The poll tables of the ->poll calls under way, by the number the
    /// module gets as its `poll_table *` and hands to poll_wait.
    static let pollTables = IRQSafeLocked<(tables: [(token: UInt64, table: PollTable)], next: UInt64)>(([], 1))

    /// The module's poll: its mask, after poll_wait queued `table` on the
    /// module's wait queues; without one, always ready (Linux:
    /// DEFAULT_POLLMASK); POLLERR once the device is gone.
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        guard functions.poll != 0 else { return [.POLLIN, .POLLOUT, .POLLRDNORM, .POLLWRNORM] }
        updateFlags(file)
        let token = table.map { table in
            Self.pollTables.withLock { tables in
                defer { tables.next += 1 }
                tables.tables.append((tables.next, table))
                return tables.next
            }
        }
        defer {
            if let token { Self.pollTables.withLock { $0.tables.removeAll { $0.token == token } } }
        }
        guard let mask = try? gate.use({ ModuleCode.call(functions.poll, memory, token ?? 0) }) else { return .POLLERR }
        return PollEvents(rawValue: UInt16(truncatingIfNeeded: mask))
    }

    /// epoll may watch the file only if the module can say when it is ready.
    var canPoll: Bool { functions.poll != 0 }

    /// unlocked_ioctl; ENOTTY without one.
    func ioctl(_ file: File, command: UInt32, argument: UInt64) throws(Errno) -> Int64 {
        guard functions.ioctl != 0 else { throw .ENOTTY }
        updateFlags(file)
        let result = try gate.use {
            Int64(bitPattern: ModuleCode.call(functions.ioctl, memory, UInt64(command), argument))
        }
        guard result >= 0 else { throw Errno(rawValue: Int32(truncatingIfNeeded: 0 &- result)) ?? .EIO }
        return result
    }

    /// The module's release if its open succeeded, then the owner's
    /// reference goes (Linux: __fput's ->release and fops_put).
    func release(_ file: File) {
        if opened && functions.release != 0 {
            _ = try? gate.use { ModuleCode.call(functions.release, memory + Layout.fileSize, memory) }
        }
        kfree(address: memory)
        if referenced { ModuleLoader.put(owner) }
    }
}

/// `void poll_wait(struct file *filp, wait_queue_head_t *wait_address,
/// poll_table *p)`: queues the poll under way on the module's wait queue
/// (Linux: the poll table's _qproc); nothing for a NULL table or queue.
@c(poll_wait)
func pollWait(file: UInt64, head: UInt64, table: UInt64) {
    guard table != 0, head != 0,
        let pollTable = ModuleFile.pollTables.withLock({ $0.tables.first { $0.token == table }?.table })
    else { return }
    let (queue, release) = AddressWaitQueues.pollQueue(head)
    pollTable.wait(on: queue, release: release)
}

// The llseek helpers a module names in its file_operations (Linux:
// fs/read_write.c). Each is `loff_t (*)(struct file *, loff_t, int)`.

/// no_llseek: ESPIPE.
@c(no_llseek)
func noLlseek(file: UInt64, offset: Int64, whence: Int32) -> Int64 {
    -Int64(Errno.ESPIPE.rawValue)
}

/// noop_llseek: the position stays, and is the result.
@c(noop_llseek)
func noopLlseek(file: UInt64, offset: Int64, whence: Int32) -> Int64 {
    Int64(bitPattern: ModuleCode.load64(at: file + ModuleFile.Layout.position))
}

/// default_llseek: SEEK_SET, SEEK_CUR and SEEK_END (from i_size), and
/// SEEK_DATA and SEEK_HOLE as if the whole size were data; EINVAL for a
/// negative result.
@c(default_llseek)
func defaultLlseek(file: UInt64, offset: Int64, whence: Int32) -> Int64 {
    let position = Int64(bitPattern: ModuleCode.load64(at: file + ModuleFile.Layout.position))
    let inode = ModuleCode.load64(at: file + ModuleFile.Layout.inode)
    let size = Int64(bitPattern: ModuleCode.load64(at: inode + ModuleFile.Layout.inodeSize))
    let target: Int64
    switch SeekWhence(rawValue: whence) {
    case .SEEK_SET: target = offset
    case .SEEK_CUR: target = position &+ offset
    case .SEEK_END: target = size &+ offset
    case .SEEK_DATA:
        guard offset < size else { return -Int64(Errno.ENXIO.rawValue) }
        target = offset
    case .SEEK_HOLE:
        guard offset < size else { return -Int64(Errno.ENXIO.rawValue) }
        target = size
    case nil: return -Int64(Errno.EINVAL.rawValue)
    }
    guard target >= 0 else { return -Int64(Errno.EINVAL.rawValue) }
    ModuleCode.store(UInt64(bitPattern: target), at: file + ModuleFile.Layout.position)
    return target
}
