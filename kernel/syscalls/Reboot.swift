import ABI
import Core
import Lib
import Synchronization

/// reboot(2) (Linux: kernel/reboot.c): privileged (CAP_SYS_BOOT), both
/// magic numbers right, then restart, halt or power off with Linux's log
/// lines. busybox's `poweroff -f` ends here: ACPI's soft-off, as Linux
/// does (QEMU then exits with status 0), or, without ACPI, QEMU's
/// isa-debug-exit. Restarting tries ACPI's reset register, then the
/// keyboard controller, then a triple fault; halting stops the CPU.
enum RebootSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.reboot, syscall(reboot))
    ]

    /// Whether Ctrl-Alt-Del restarts at once (CAD_ON) or is left to init (CAD_OFF, Linux's default).
    static var ctrlAltDelRestarts: Bool {
        get { ctrlAltDel.load(ordering: .relaxed) }
        set { ctrlAltDel.store(newValue, ordering: .relaxed) }
    }
    private static let ctrlAltDel = Atomic<Bool>(false)

    static func reboot(_ magic: UInt32, _ magic2: UInt32, _ command: UInt32, _ argument: UserString) throws(Errno)
        -> Int64
    {
        guard Scheduler.current.credentials.isPrivileged else { throw .EPERM }
        let secondMagics = [
            RebootCommand.LINUX_REBOOT_MAGIC2, RebootCommand.LINUX_REBOOT_MAGIC2A,
            RebootCommand.LINUX_REBOOT_MAGIC2B, RebootCommand.LINUX_REBOOT_MAGIC2C,
        ]
        guard magic == RebootCommand.LINUX_REBOOT_MAGIC1, secondMagics.contains(magic2) else { throw .EINVAL }
        if command != RebootCommand.LINUX_REBOOT_CMD_CAD_ON && command != RebootCommand.LINUX_REBOOT_CMD_CAD_OFF {
            Profile.report()  // the machine is about to stop: last chance to print
        }
        switch command {
        case RebootCommand.LINUX_REBOOT_CMD_RESTART:
            pr_emerg("reboot: Restarting system")
            restart()
        case RebootCommand.LINUX_REBOOT_CMD_RESTART2:
            let text = try argument.read(limit: 255)
            pr_emerg("reboot: Restarting system with command '\(String(decoding: text, as: UTF8.self))'")
            restart()
        case RebootCommand.LINUX_REBOOT_CMD_HALT:
            pr_emerg("reboot: System halted")
            CPU.haltForever()
        case RebootCommand.LINUX_REBOOT_CMD_POWER_OFF:
            pr_emerg("reboot: Power down")
            ACPIPower.powerOff()
            Machine.powerOff(code: 0)
        case RebootCommand.LINUX_REBOOT_CMD_CAD_ON:
            ctrlAltDelRestarts = true
            return 0
        case RebootCommand.LINUX_REBOOT_CMD_CAD_OFF:
            ctrlAltDelRestarts = false
            return 0
        default:
            throw .EINVAL
        }
    }

    /// Linux's machine_restart on x86: the ACPI reset register first (BOOT_ACPI), then the
    /// keyboard controller and a triple fault.
    private static func restart() -> Never {
        ACPIPower.reset()
        Machine.reboot()
    }
}
