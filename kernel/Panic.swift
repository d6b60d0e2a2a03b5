import Core
import Synchronization

/// Stops the kernel after an unrecoverable error (Linux: kernel/panic.c).
/// `panic=N` on the command line: N > 0 reboots after N seconds, N < 0 at
/// once, 0 (the default) halts for good.
public enum Panic {
    public static let timeoutSeconds = Atomic<Int>(0)
}

public func panic(_ message: String) -> Never {
    CPU.disableInterrupts()
    pr_emerg("Kernel panic - not syncing: \(message)")
    let timeout = Panic.timeoutSeconds.load(ordering: .relaxed)
    if timeout < 0 { Machine.reboot() }
    if timeout > 0 {
        pr_emerg("Rebooting in \(timeout) seconds..")
        let deadline = Clock.nanosecondsSinceBoot() + UInt64(timeout) * 1_000_000_000
        while Clock.nanosecondsSinceBoot() < deadline { CPU.relax() }
        Machine.reboot()
    }
    pr_emerg("---[ end Kernel panic - not syncing: \(message) ]---")
    CPU.haltForever()
}
