import ABI
import Core
import Lib

/// poll, ppoll, select, pselect6 (Linux: fs/select.c). Each asks the
/// files' ->poll what is ready; if nothing is, the task sleeps on the wait
/// queues the files named until one is woken or the timeout runs out, then
/// asks again. ppoll and pselect6 block their signal mask for the wait.
/// A signal ends the wait with ERESTARTNOHAND: EINTR after a handler, a
/// restart without one, and the restart waits only for the time that was
/// left — poll through restart_syscall, the others because they write the
/// time left to their timeval or timespec, interrupted or not.
enum PollSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.poll, syscall(poll)),
        (.ppoll, syscall(ppoll)),
        (.select, syscall(select)),
        (.pselect6, syscall(pselect6)),
    ]

    /// Nanoseconds per jiffy (4 ms at HZ=250).
    private static let jiffyNanoseconds = 1_000_000_000 / Jiffies.hz

    /// poll(fds, nfds, timeout): interrupted with a timeout, it resumes
    /// through restart_syscall with the deadline it had (Linux: do_restart_poll).
    static func poll(_ fds: UserPointer<PollFd>, _ count: UInt64, _ milliseconds: Int32) throws(Errno) -> Int64 {
        let timeout = milliseconds < 0 ? nil : Jiffies.fromMilliseconds(UInt64(milliseconds))
        return try pollUntil(fds, count, deadline: timeout.map { Jiffies.value + $0 })
    }

    private static func pollUntil(_ fds: UserPointer<PollFd>, _ count: UInt64, deadline: UInt64?) throws(Errno)
        -> Int64
    {
        var remaining = deadline.map { $0 > Jiffies.value ? $0 - Jiffies.value : 0 }
        do {
            return try pollDescriptors(fds, count: count, remaining: &remaining)
        } catch .ERESTARTNOHAND where deadline != nil {
            Scheduler.current.restartBlock = { () throws(Errno) -> Int64 in
                try pollUntil(fds, count, deadline: deadline)
            }
            throw .ERESTART_RESTARTBLOCK
        }
    }

    /// ppoll(fds, nfds, tsp, sigmask, sigsetsize): the time left is written back to `tsp`.
    static func ppoll(
        _ fds: UserPointer<PollFd>, _ count: UInt64, _ time: UserPointer<Timespec>, _ mask: UserPointer<UInt64>,
        _ setSize: UInt64
    ) throws(Errno) -> Int64 {
        var remaining = try time.isNull ? nil : jiffies(try time.read())
        return try Signals.withTemporaryMask(mask, size: setSize) { () throws(Errno) -> Int64 in
            try reportingTimeLeft(&remaining, to: time) { (remaining: inout UInt64?) throws(Errno) -> Int64 in
                try pollDescriptors(fds, count: count, remaining: &remaining)
            }
        }
    }

    static func select(
        _ count: Int32, _ readSet: UserPointer<UInt64>, _ writeSet: UserPointer<UInt64>,
        _ exceptSet: UserPointer<UInt64>, _ time: UserPointer<Timeval>
    ) throws(Errno) -> Int64 {
        var remaining: UInt64? = nil
        if !time.isNull {
            let value = try time.read()
            guard value.tv_usec >= 0, value.tv_usec < 1_000_000 else { throw .EINVAL }
            remaining = try jiffies(Timespec(tv_sec: value.tv_sec, tv_nsec: value.tv_usec * 1000))
        }
        // Linux reports the time not slept in the timeval (select's old contract).
        return try reportingTimeLeft(&remaining, to: .null, orTimeval: time) {
            (remaining: inout UInt64?) throws(Errno) -> Int64 in
            try selectDescriptors(count, [readSet, writeSet, exceptSet], remaining: &remaining)
        }
    }

    /// pselect6(n, readfds, writefds, exceptfds, tsp, sig): `sig` points to
    /// the mask's address and size (Linux: struct sigset_argpack).
    static func pselect6(
        _ count: Int32, _ readSet: UserPointer<UInt64>, _ writeSet: UserPointer<UInt64>,
        _ exceptSet: UserPointer<UInt64>, _ time: UserPointer<Timespec>, _ signals: UserPointer<UInt64>
    ) throws(Errno) -> Int64 {
        var remaining = try time.isNull ? nil : jiffies(try time.read())
        let pack = try signals.isNull ? [0, 0] : signals.read(count: 2)
        return try Signals.withTemporaryMask(UserPointer(address: pack[0]), size: pack[1]) {
            () throws(Errno) -> Int64 in
            try reportingTimeLeft(&remaining, to: time) { (remaining: inout UInt64?) throws(Errno) -> Int64 in
                try selectDescriptors(count, [readSet, writeSet, exceptSet], remaining: &remaining)
            }
        }
    }

    /// Runs `wait` and then, whether it finished or a signal ended it,
    /// writes the time left to the caller's timespec or timeval (Linux:
    /// poll_select_finish), so that a restarted call waits only for that.
    private static func reportingTimeLeft(
        _ remaining: inout UInt64?, to timespec: UserPointer<Timespec>,
        orTimeval timeval: UserPointer<Timeval> = .null, _ wait: (inout UInt64?) throws(Errno) -> Int64
    ) throws(Errno) -> Int64 {
        var failure: Errno? = nil
        var result: Int64 = 0
        do {
            result = try wait(&remaining)
        } catch {
            failure = error
        }
        if let left = remaining {
            let nanoseconds = Int64(left * jiffyNanoseconds)
            if !timespec.isNull {
                try timespec.write(Timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000))
            }
            if !timeval.isNull {
                let microseconds = nanoseconds / 1000
                try timeval.write(Timeval(tv_sec: microseconds / 1_000_000, tv_usec: microseconds % 1_000_000))
            }
        }
        if let failure { throw failure }
        return result
    }

    /// A timeout in whole jiffies, rounded up; EINVAL for a negative or malformed one.
    static func jiffies(_ value: Timespec) throws(Errno) -> UInt64 {
        guard value.tv_sec >= 0, value.tv_nsec >= 0, value.tv_nsec < 1_000_000_000 else { throw .EINVAL }
        let seconds = min(UInt64(value.tv_sec), UInt64(Int32.max))
        return (seconds * 1_000_000_000 + UInt64(value.tv_nsec) + jiffyNanoseconds - 1) / jiffyNanoseconds
    }

    // MARK: poll

    private static func pollDescriptors(_ fds: UserPointer<PollFd>, count: UInt64, remaining: inout UInt64?)
        throws(Errno) -> Int64
    {
        guard count <= UInt64(DescriptorTable<File>.defaultLimit) else { throw .EINVAL }
        var entries = try fds.read(count: Int(count))
        let files = Scheduler.current.files
        let descriptors = entries.map { $0.fd }
        let ready = try waitUntilReady(remaining: &remaining) { (table: PollTable?) -> Int in
            var ready = 0
            for (index, file) in files.files(descriptors).enumerated() {
                entries[index].revents = revents(entries[index], file: file, table: table).rawValue
                if entries[index].revents != 0 { ready += 1 }
            }
            return ready
        }
        try fds.write(entries)
        return Int64(ready)
    }

    /// One pollfd's answer: negative descriptors are skipped, closed ones
    /// are POLLNVAL, errors and hang-ups are reported even unasked.
    private static func revents(_ entry: PollFd, file: File?, table: PollTable?) -> PollEvents {
        guard entry.fd >= 0 else { return [] }
        guard let file else { return .POLLNVAL }
        return file.operations.poll(file, table).intersection(
            PollEvents(rawValue: entry.events).union([.POLLERR, .POLLHUP]))
    }

    // MARK: select

    /// select's three descriptor sets: read from user memory, answered,
    /// written back with only the ready descriptors left in them (Linux:
    /// core_sys_select and do_select).
    private static func selectDescriptors(
        _ requested: Int32, _ pointers: [UserPointer<UInt64>], remaining: inout UInt64?
    ) throws(Errno) -> Int64 {
        guard requested >= 0 else { throw .EINVAL }
        var bits = FdSetBits(count: min(Int(requested), FdSet.FD_SETSIZE))
        for (set, pointer) in pointers.enumerated() where !pointer.isNull && bits.words > 0 {
            bits.ask(set, try pointer.read(count: bits.words))
        }
        // Each descriptor asked about, looked up once.
        var descriptors: [Int32] = []
        descriptors.reserveCapacity(bits.askedCount)
        bits.forEachAsked { descriptor in descriptors.append(Int32(descriptor)) }
        var watched: [(descriptor: Int, file: File)] = []
        watched.reserveCapacity(descriptors.count)
        for (index, file) in Scheduler.current.files.files(descriptors).enumerated() {
            guard let file else { throw .EBADF }
            watched.append((Int(descriptors[index]), file))
        }
        let ready = try waitUntilReady(remaining: &remaining) { (table: PollTable?) -> Int in
            bits.clearAnswers()
            var ready = 0
            for (descriptor, file) in watched {
                ready += bits.answer(descriptor, ready: file.operations.poll(file, table))
            }
            return ready
        }
        for (set, pointer) in pointers.enumerated() where !pointer.isNull && bits.words > 0 {
            try pointer.write(bits.answers(of: set))
        }
        return Int64(ready)
    }

    // MARK: Waiting

    /// Scans until something is ready or the `remaining` jiffies (nil:
    /// forever) pass, counting them down (Linux: do_poll/do_select and
    /// poll_schedule_timeout). Returns the ready count; ERESTARTNOHAND when
    /// a signal comes.
    private static func waitUntilReady(remaining: inout UInt64?, scan: (PollTable?) -> Int) throws(Errno) -> Int {
        // A timeout of zero scans once, with no queues to wait on.
        if remaining == 0 { return scan(nil) }
        let table = PollTable()
        defer { table.removeAll() }
        while true {
            let ready = scan(remaining == 0 ? nil : table)
            if ready > 0 || remaining == 0 { return ready }
            // The state first, then the check: a wakeup after the check makes
            // the task runnable again and the sleep returns at once.
            Scheduler.setCurrentState(.interruptible)
            if table.wasWoken {
                Scheduler.setCurrentState(.running)
                continue
            }
            if Scheduler.current.hasSignalPending {
                Scheduler.setCurrentState(.running)
                throw .ERESTARTNOHAND
            }
            if let left = remaining {
                remaining = Scheduler.sleep(timeout: left)
            } else {
                Scheduler.schedule()
            }
        }
    }
}
