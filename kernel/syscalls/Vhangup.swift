import ABI
import Core
import Lib

/// vhangup (Linux: fs/open.c): hangs up the caller's controlling terminal,
/// as if the line had dropped, so a login program can take a terminal back
/// from whatever still has it open. Needs CAP_SYS_TTY_CONFIG.
enum VhangupSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.vhangup, syscall(vhangup))
    ]

    static func vhangup() throws(Errno) -> Int64 {
        guard Scheduler.current.credentials.capable(.CAP_SYS_TTY_CONFIG) else { throw .EPERM }
        Tty.hangUpCallers()
        return 0
    }
}
