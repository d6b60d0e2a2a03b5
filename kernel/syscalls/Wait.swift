import ABI
import Core

/// wait4 (Linux: kernel/exit.c do_wait): collect a child's exit status.
enum WaitSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.wait4, wait4),  // partial: exited children only; no stopped/continued reports, process groups or rusage data
    ]

    /// struct rusage is returned zeroed until per-task accounting is exported.
    static let rusageSize = 144

    static func wait4(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let wanted = Int32(truncatingIfNeeded: arguments.a0)
        let options = WaitOptions(rawValue: Int32(truncatingIfNeeded: arguments.a2))
        let supported: WaitOptions = [.WNOHANG, .WUNTRACED, .WCONTINUED, .__WNOTHREAD, .__WCLONE, .__WALL]
        guard arguments.a2 >> 32 == 0, options.subtracting(supported).isEmpty else { throw .EINVAL }
        let parent = Scheduler.current
        func matches(_ child: Task) -> Bool {
            // pid > 0: that child; -1 (and, until process groups exist, 0 and < -1): any child.
            wanted > 0 ? child.pid == wanted : true
        }
        while true {
            guard parent.children.contains(where: matches) else { throw .ECHILD }
            if let zombie = parent.children.first(where: { matches($0) && $0.state.contains(.exitZombie) }) {
                if arguments.a1 != 0 { try UserAccess.copyToUser(arguments.a1, littleEndian(zombie.exitStatus)) }
                if arguments.a3 != 0 { try UserAccess.copyToUser(arguments.a3, Array(repeating: 0, count: rusageSize)) }
                let pid = zombie.pid
                zombie.reap()
                return Int64(pid)
            }
            if options.contains(.WNOHANG) { return 0 }
            parent.childExited.wait(state: .interruptible) {
                parent.children.contains { matches($0) && $0.state.contains(.exitZombie) }
            }
        }
    }

    private static func littleEndian(_ value: Int32) -> [UInt8] {
        let bits = UInt32(bitPattern: value)
        return [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)]
    }
}
