import X86Asm

/// Ending the machine's run (Linux: arch/x86/kernel/reboot.c).
public enum Machine {
    /// Resets through the keyboard controller, then by a triple fault (Linux:
    /// BOOT_KBD, then BOOT_TRIPLE). Under QEMU with -no-reboot this exits QEMU.
    public static func reboot() -> Never {
        local_irq_disable()
        for _ in 0..<1000 {
            if IOPort(0x64).read8() & 0x02 == 0 { break }  // input buffer empty
        }
        IOPort(0x64).write8(0xFE)
        lidt(0, 0)
        __asm_int3()
        CPU.haltForever()
    }

    /// Stops the machine with a status for whoever runs it: QEMU's
    /// isa-debug-exit device turns `code` into exit status (code << 1) | 1.
    /// Without that device the write does nothing and the CPU halts.
    public static func powerOff(code: UInt8) -> Never {
        IOPort.qemuDebugExit.write8(code)
        CPU.haltForever()
    }
}
