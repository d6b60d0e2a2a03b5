import ABI
import Core
import Kernel
import Lib

/// Descriptor tables, pipes, character devices and the locking between
/// them, through the objects the system calls use.
enum FileTests {
    static func run(_ t: inout TestReporter) {
        guard VFS.rootPath != nil else {
            t.check(false, "files: a root filesystem is mounted")
            return
        }
        descriptorTables(&t)
        pipes(&t)
        blockingPipes(&t)
        exitClosesFiles(&t)
        characterDevices(&t)
        sleepingReadersHoldNoVFSLock(&t)
        workingDirectoryNames(&t)
    }

    private static let b = VFSTests.b
    private static func errorOf<T>(_ body: @autoclosure () throws(Errno) -> T) -> Errno? {
        VFSTests.errorOf(try body())
    }

    // MARK: - Descriptor tables

    static func descriptorTables(_ t: inout TestReporter) {
        do throws(Errno) {
            let table = FileTable()
            let null = try VFS.open(b("/dev/null"), flags: .O_RDWR)
            let zero = try VFS.open(b("/dev/zero"), flags: .O_RDONLY)
            let first = try table.install(null), second = try table.install(zero), third = try table.install(null)
            try table.close(second)
            let reused = try table.install(zero)
            t.check(
                first == 0 && second == 1 && third == 2 && reused == 1,
                "files: descriptors are the lowest free numbers, a closed one is reused (\(first) \(second) \(third) \(reused))"
            )
            t.check(
                errorOf(try table.close(7)) == .EBADF && errorOf(try table.file(-1)) == .EBADF,
                "files: closing or using a descriptor that is not open is EBADF")

            // dup2 onto an open descriptor closes what was there: with the
            // only descriptor of a pipe's write end displaced, the read end
            // sees end-of-file.
            let (reader, writer) = try installPipe(in: table)
            try table.duplicate(first, onto: writer, closeOnExec: false)
            let endOfFile = try table.file(reader).read(count: 10)
            t.check(
                endOfFile.isEmpty && table.openDescriptors == [0, 1, 2, reader, writer],
                "files: dup2 onto an open descriptor closes the file that was there")
            t.check(try table.file(writer) === null, "files: after dup2 both descriptors name the same open file")

            let copy = try table.duplicate(0, minimum: 10, closeOnExec: true)
            try table.setCloseOnExec(2, true)
            let forked = table.copy()
            table.closeOnExec()
            t.check(
                copy == 10 && table.openDescriptors == [0, 1, reader, writer] && forked.openDescriptors.contains(10),
                "files: closeOnExec closes exactly the close-on-exec descriptors; a copy keeps its own")
            let sharedFile = try forked.file(1) === table.file(1), keptFlag = try forked.isCloseOnExec(10)
            t.check(
                sharedFile && keptFlag,
                "files: a forked table shares the open files and keeps the flags")

            let limited = FileTable()
            var last: Int32 = -1
            while let next = try? limited.install(null) { last = next }
            t.check(
                last == Int32(DescriptorTable<File>.defaultLimit) - 1 && errorOf(try limited.install(null)) == .EMFILE,
                "files: RLIMIT_NOFILE (1024) descriptors, then EMFILE")
        } catch {
            t.check(false, "files: descriptor table operations failed with errno \(error.rawValue)")
        }
    }

    /// A new pipe's ends in `table`, held nowhere else.
    private static func installPipe(in table: FileTable) throws(Errno) -> (reader: Int32, writer: Int32) {
        let ends = createPipeFiles(flags: [])
        return (try table.install(ends.reader), try table.install(ends.writer))
    }

    // MARK: - Pipes

    static func pipes(_ t: inout TestReporter) {
        do throws(Errno) {
            var ends: (reader: File, writer: File)? = createPipeFiles(flags: [])
            let reader = ends!.reader
            _ = try ends!.writer.write(b("first "))
            _ = try ends!.writer.write(b("second"))
            let head = try reader.read(count: 4)
            let rest = try reader.read(count: 100)
            t.check(
                head == b("firs") && rest == b("t second"),
                "files: a pipe delivers bytes in order, a read takes what is there")
            t.check(
                errorOf(try reader.seek(to: 0, from: .SEEK_SET)) == .ESPIPE
                    && errorOf(try reader.read(count: 1, at: 0)) == .ESPIPE,
                "files: lseek and pread on a pipe are ESPIPE")
            t.check(
                errorOf(try reader.write(b("x"))) == .EBADF && errorOf(try ends!.writer.read(count: 1)) == .EBADF,
                "files: the read end cannot be written nor the write end read")
            let status = reader.stat()
            t.check(
                status.st_mode == FileMode.S_IFIFO | 0o600,
                "files: a pipe is a FIFO of mode 0600 (0\(String(status.st_mode, radix: 8)))")
            _ = try ends!.writer.write(b("last"))
            ends = nil  // the writer's last reference: end of file after the data
            let last = try reader.read(count: 100), end = try reader.read(count: 100)
            t.check(last == b("last") && end.isEmpty, "files: after the last writer closes, the data then end-of-file")

            let lonelyWriter = createPipeFiles(flags: []).writer
            t.check(
                errorOf(try lonelyWriter.write(b("x"))) == .EPIPE,
                "files: writing a pipe without readers is EPIPE")

            let nonBlocking = createPipeFiles(flags: .O_NONBLOCK)
            t.check(
                errorOf(try nonBlocking.reader.read(count: 10)) == .EAGAIN,
                "files: O_NONBLOCK read of an empty pipe is EAGAIN")
            let block = [UInt8](repeating: 7, count: PipeLimits.atomicWriteSize)
            var filled = 0
            while filled < PipeLimits.defaultCapacity, let written = try? nonBlocking.writer.write(block) {
                filled += written
            }
            t.check(
                filled == PipeLimits.defaultCapacity && errorOf(try nonBlocking.writer.write(b("x"))) == .EAGAIN,
                "files: a pipe holds 64 KiB; then O_NONBLOCK writes are EAGAIN (\(filled) bytes)")
            _ = try nonBlocking.reader.read(count: 100)
            let whole = errorOf(try nonBlocking.writer.write(block)),
                small = try nonBlocking.writer.write(Array(block[..<100]))
            t.check(
                whole == .EAGAIN && small == 100,
                "files: a write of up to PIPE_BUF goes in whole or not at all")
        } catch {
            t.check(false, "files: pipe operations failed with errno \(error.rawValue)")
        }
    }

    /// A writer thread pushes 256 KiB through a pipe in PIPE_BUF-sized
    /// records while this thread reads: four times the capacity, so both
    /// sides sleep; every record arrives whole and in order.
    static func blockingPipes(_ t: inout TestReporter) {
        let ends = createPipeFiles(flags: [])
        let records = 64, size = PipeLimits.atomicWriteSize
        let writer = ends.writer
        let finished = Completion()
        KThreads.run(name: "pipe-writer") {
            for index in 0..<records {
                _ = try? writer.write([UInt8](repeating: UInt8(index), count: size))
            }
            finished.complete()
            return 0
        }
        var received: [UInt8] = []
        while received.count < records * size, let piece = try? ends.reader.read(count: 3000), !piece.isEmpty {
            received += piece
        }
        finished.wait()
        let inOrder =
            received.count == records * size
            && (0..<records).allSatisfy { index in
                received[(index * size)..<((index + 1) * size)].allSatisfy { $0 == UInt8(index) }
            }
        t.check(
            inOrder,
            "files: 256 KiB through a 64 KiB pipe with a sleeping writer and reader arrives in order (\(received.count) bytes)"
        )
    }

    /// A task's exit closes its files: a thread that holds the only write
    /// end in its own table exits, and the reader sees end-of-file.
    static func exitClosesFiles(_ t: inout TestReporter) {
        var ends: (reader: File, writer: File)? = createPipeFiles(flags: [])
        let reader = ends!.reader
        let installed = Completion()
        let holder = KThreads.createUserModeThread(name: "pipe-holder") { [ends] in
            _ = try? Scheduler.current.files.install(ends!.writer)
            installed.complete()
            return 0
        }
        Scheduler.wakeUpNewTask(holder)
        installed.wait()
        ends = nil
        holder.exited.wait()
        let end = try? reader.read(count: 10)
        t.check(end == [], "files: the exit of the last task holding a write end gives the reader end-of-file")
    }

    // MARK: - Character devices

    static func characterDevices(_ t: inout TestReporter) {
        do throws(Errno) {
            let null = try VFS.open(b("/dev/null"), flags: .O_RDWR)
            let nothing = try null.read(count: 100), swallowed = try null.write(b("gone"))
            t.check(
                nothing == [] && swallowed == 4,
                "files: /dev/null reads end-of-file and swallows writes")
            let zero = try VFS.open(b("/dev/zero"), flags: .O_RDWR)
            let zeros = try zero.read(count: 5000)
            let written = try zero.write(b("x"))
            t.check(
                zeros.count == 5000 && zeros.allSatisfy { $0 == 0 } && written == 1,
                "files: /dev/zero reads zeros")
            let full = try VFS.open(b("/dev/full"), flags: .O_WRONLY)
            t.check(errorOf(try full.write(b("x"))) == .ENOSPC, "files: /dev/full writes are ENOSPC")
            let random = try VFS.open(b("/dev/urandom"), flags: .O_RDONLY)
            let first = try random.read(count: 32), second = try random.read(count: 32)
            t.check(first.count == 32 && first != second, "files: /dev/urandom gives different bytes each read")
            let console = try VFS.stat(b("/dev/console"))
            let tty = try VFS.stat(b("/dev/tty"))
            t.check(
                console.st_mode == FileMode.S_IFCHR | 0o600
                    && console.st_rdev == DeviceNumber.encode(major: 5, minor: 1)
                    && tty.st_rdev == DeviceNumber.encode(major: 5, minor: 0),
                "files: /dev has console (5,1) and tty (5,0) nodes")
            let terminal = try VFS.open(b("/dev/console"), flags: .O_RDWR)
            t.check(
                errorOf(try terminal.seek(to: 0, from: .SEEK_SET)) == .ESPIPE
                    && errorOf(try null.ioctl(0x5401)) == .ENOTTY,
                "files: the console cannot seek; ioctls on /dev/null are ENOTTY")
            let directory = b("/selftest-files")
            try VFS.mkdir(directory, mode: 0o755)
            try VFS.mknod(
                directory + b("/nodriver"), mode: FileMode.S_IFCHR | 0o600,
                rdev: DeviceNumber.encode(major: 1, minor: 200))
            t.check(
                errorOf(try VFS.open(directory + b("/nodriver"), flags: .O_RDONLY)) == .ENXIO,
                "files: a device node without a driver is ENXIO")
            let path = try VFS.open(b("/dev/null"), flags: [.O_PATH, .O_RDWR])
            t.check(
                errorOf(try path.read(count: 1)) == .EBADF && errorOf(try path.write(b("x"))) == .EBADF
                    && path.stat().st_rdev == DeviceNumber.encode(major: 1, minor: 3),
                "files: an O_PATH file can be stat'ed but neither read nor written")
        } catch {
            t.check(false, "files: character devices failed with errno \(error.rawValue)")
        }
    }

    /// A reader asleep on an empty pipe must not hold the VFS lock: other
    /// tasks keep working on the tree, and the reader wakes for data.
    private static let sleeperResult = IRQSafeLocked<[UInt8]?>(nil)

    static func sleepingReadersHoldNoVFSLock(_ t: inout TestReporter) {
        let ends = createPipeFiles(flags: [])
        let reader = ends.reader
        sleeperResult.withLock { $0 = nil }
        let done = Completion()
        KThreads.run(name: "pipe-sleeper") {
            let bytes = try? reader.read(count: 10)
            sleeperResult.withLock { $0 = bytes }
            done.complete()
            return 0
        }
        msleep(20)
        let worked =
            (try? VFS.mkdir(b("/selftest-files/while-asleep"), mode: 0o755)) != nil
            && (try? VFS.stat(b("/selftest-files/while-asleep"))) != nil
        _ = try? ends.writer.write(b("wake"))
        done.wait()
        t.check(
            worked && sleeperResult.withLock { $0 } == b("wake"),
            "files: while a reader sleeps on a pipe the VFS stays usable, and the reader wakes for data")
    }

    /// getcwd's names: plain, across a mount, and a removed directory.
    static func workingDirectoryNames(_ t: inout TestReporter) {
        do throws(Errno) {
            let deep = b("/selftest-files/a/b")
            try VFS.mkdir(b("/selftest-files/a"), mode: 0o755)
            try VFS.mkdir(deep, mode: 0o755)
            let place = try VFS.lookup(deep)
            let inDev = try VFS.lookup(b("/dev"))
            let devName = try VFS.pathName(of: inDev)
            let rooted = try VFS.pathName(of: place, root: try VFS.lookup(b("/selftest-files")))
            let plain = try VFS.pathName(of: place)
            t.check(
                plain == deep && devName == b("/dev") && rooted == b("/a/b"),
                "files: path names from the root, across a mount, and inside a chroot")
            let outside = try VFS.pathName(of: inDev, root: place)
            t.check(outside == b("(unreachable)/dev"), "files: a place outside the root is (unreachable)")
            try VFS.rmdir(deep)
            t.check(errorOf(try VFS.pathName(of: place)) == .ENOENT, "files: a removed directory has no name (ENOENT)")
        } catch {
            t.check(false, "files: path names failed with errno \(error.rawValue)")
        }
    }
}

extension File {
    /// An ioctl through the file's operations, as the system call makes it.
    func ioctl(_ command: UInt32, argument: UInt64 = 0) throws(Errno) -> Int64 {
        try operations.ioctl(self, command: command, argument: argument)
    }
}
