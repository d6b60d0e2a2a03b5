import ABI
import Core
import Lib

/// poll, ppoll, select, pselect6 (Linux: fs/select.c). Each asks the
/// files' ->poll what is ready; if nothing is, the task sleeps on the wait
/// queues the files named until one is woken or the timeout runs out, then
/// asks again. Signal masks (ppoll, pselect6) are accepted and not yet
/// applied: signal delivery comes with the signals issue.
enum PollSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.poll, syscall(poll)),
        (.ppoll, syscall(ppoll)),  // partial: the signal mask is not applied, the timespec not updated
        (.select, syscall(select)),
        (.pselect6, syscall(pselect6)),  // partial: the signal mask is not applied
    ]

    /// Nanoseconds per jiffy (4 ms at HZ=250).
    private static let jiffyNanoseconds = 1_000_000_000 / Jiffies.hz

    static func poll(_ fds: UserPointer<PollFd>, _ count: UInt64, _ milliseconds: Int32) throws(Errno) -> Int64 {
        let timeout = milliseconds < 0 ? nil : Jiffies.fromMilliseconds(UInt64(milliseconds))
        return try pollDescriptors(fds, count: count, timeout: timeout)
    }

    /// ppoll(fds, nfds, tsp, sigmask, sigsetsize).
    static func ppoll(_ fds: UserPointer<PollFd>, _ count: UInt64, _ time: UserPointer<Timespec>) throws(Errno) -> Int64
    {
        let timeout = try time.isNull ? nil : jiffies(try time.read())
        return try pollDescriptors(fds, count: count, timeout: timeout)
    }

    static func select(
        _ count: Int32, _ readSet: UserPointer<UInt64>, _ writeSet: UserPointer<UInt64>,
        _ exceptSet: UserPointer<UInt64>, _ time: UserPointer<Timeval>
    ) throws(Errno) -> Int64 {
        var timeout: UInt64? = nil
        if !time.isNull {
            let value = try time.read()
            guard value.tv_usec >= 0, value.tv_usec < 1_000_000 else { throw .EINVAL }
            timeout = try jiffies(Timespec(tv_sec: value.tv_sec, tv_nsec: value.tv_usec * 1000))
        }
        let (ready, left) = try selectDescriptors(count, [readSet, writeSet, exceptSet], timeout: timeout)
        // Linux reports the time not slept in the timeval (select's old contract).
        if !time.isNull, let left {
            let microseconds = Int64(left * jiffyNanoseconds / 1000)
            try time.write(Timeval(tv_sec: microseconds / 1_000_000, tv_usec: microseconds % 1_000_000))
        }
        return ready
    }

    /// pselect6(n, readfds, writefds, exceptfds, tsp, sigmask).
    static func pselect6(
        _ count: Int32, _ readSet: UserPointer<UInt64>, _ writeSet: UserPointer<UInt64>,
        _ exceptSet: UserPointer<UInt64>, _ time: UserPointer<Timespec>
    ) throws(Errno) -> Int64 {
        let timeout = try time.isNull ? nil : jiffies(try time.read())
        let (ready, left) = try selectDescriptors(count, [readSet, writeSet, exceptSet], timeout: timeout)
        if !time.isNull, let left {
            let nanoseconds = Int64(left * jiffyNanoseconds)
            try time.write(Timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000))
        }
        return ready
    }

    /// A timeout in whole jiffies, rounded up; EINVAL for a negative or malformed one.
    static func jiffies(_ value: Timespec) throws(Errno) -> UInt64 {
        guard value.tv_sec >= 0, value.tv_nsec >= 0, value.tv_nsec < 1_000_000_000 else { throw .EINVAL }
        let seconds = min(UInt64(value.tv_sec), UInt64(Int32.max))
        return (seconds * 1_000_000_000 + UInt64(value.tv_nsec) + jiffyNanoseconds - 1) / jiffyNanoseconds
    }

    // MARK: poll

    private static func pollDescriptors(_ fds: UserPointer<PollFd>, count: UInt64, timeout: UInt64?) throws(Errno)
        -> Int64
    {
        guard count <= UInt64(DescriptorTable<File>.defaultLimit) else { throw .EINVAL }
        var entries = try fds.read(count: Int(count))
        let files = Scheduler.current.files
        let (ready, _) = try waitUntilReady(timeout: timeout) { (table: PollTable?) -> Int in
            var ready = 0
            for index in entries.indices {
                entries[index].revents = revents(entries[index], files: files, table: table).rawValue
                if entries[index].revents != 0 { ready += 1 }
            }
            return ready
        }
        try fds.write(entries)
        return Int64(ready)
    }

    /// One pollfd's answer: negative descriptors are skipped, closed ones
    /// are POLLNVAL, errors and hang-ups are reported even unasked.
    private static func revents(_ entry: PollFd, files: FileTable, table: PollTable?) -> PollEvents {
        guard entry.fd >= 0 else { return [] }
        guard let file = try? files.file(entry.fd) else { return .POLLNVAL }
        return file.operations.poll(file, table).intersection(
            PollEvents(rawValue: entry.events).union([.POLLERR, .POLLHUP]))
    }

    // MARK: select

    /// select's three descriptor sets: read from user memory, answered,
    /// written back with only the ready descriptors left in them.
    private static func selectDescriptors(
        _ requested: Int32, _ pointers: [UserPointer<UInt64>], timeout: UInt64?
    ) throws(Errno) -> (Int64, UInt64?) {
        guard requested >= 0 else { throw .EINVAL }
        let count = min(Int(requested), FdSet.FD_SETSIZE)
        let words = (count + 63) / 64
        let interest: [PollEvents] = [.readSet, .writeSet, .exceptSet]
        var sets: [[UInt64]] = []
        for pointer in pointers {
            guard !pointer.isNull, words > 0 else { sets.append([]); continue }
            sets.append(try pointer.read(count: words))
        }
        let files = Scheduler.current.files
        var watched: [(descriptor: Int, file: File)] = []
        for descriptor in 0..<count
        where sets.contains(where: { !$0.isEmpty && $0[descriptor / 64] & (1 << UInt64(descriptor % 64)) != 0 }) {
            watched.append((descriptor, try files.file(Int32(descriptor))))
        }
        var results = sets.map { $0.map { _ in UInt64(0) } }
        let (ready, left) = try waitUntilReady(timeout: timeout) { (table: PollTable?) -> Int in
            var ready = 0
            results = sets.map { $0.map { _ in UInt64(0) } }
            for (descriptor, file) in watched {
                let events = file.operations.poll(file, table)
                let bit = UInt64(1) << UInt64(descriptor % 64)
                for which in 0..<3
                where !sets[which].isEmpty && sets[which][descriptor / 64] & bit != 0
                    && !events.isDisjoint(with: interest[which])
                {
                    results[which][descriptor / 64] |= bit
                    ready += 1
                }
            }
            return ready
        }
        for (which, pointer) in pointers.enumerated() where !results[which].isEmpty {
            try pointer.write(results[which])
        }
        return (Int64(ready), left)
    }

    // MARK: Waiting

    /// Scans until something is ready or `timeout` jiffies (nil: forever)
    /// pass (Linux: do_poll/do_select and poll_schedule_timeout). Returns
    /// the ready count and the jiffies left; ERESTARTNOHAND when a signal comes
    /// (EINTR after a handler; without one the call restarts with its whole timeout).
    private static func waitUntilReady(timeout: UInt64?, scan: (PollTable?) -> Int) throws(Errno) -> (Int, UInt64?) {
        let table = PollTable()
        defer { table.removeAll() }
        var remaining = timeout
        while true {
            let ready = scan(remaining == 0 ? nil : table)
            if ready > 0 || remaining == 0 { return (ready, remaining) }
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
