import Core
import Lib

/// Switching the machine off and resetting it the ACPI way (Linux:
/// drivers/acpi/sleep.c acpi_power_off, drivers/acpi/hw/hwsleep.c,
/// drivers/acpi/reboot.c acpi_reboot). At boot the FADT gives the PM1
/// control ports and the reset register, the DSDT's `\_S5_` package the
/// soft-off sleep type; without them the machine falls back to what
/// arch/x86 does without ACPI.
public enum ACPIPower {
    struct Registers {
        let fadt: FADT
        /// SLP_TYPa and SLP_TYPb of S5, soft-off.
        let softOff: (a: UInt8, b: UInt8)
    }

    private static let registers = SpinLocked<Registers?>(nil)

    /// Reads the tables (Linux: acpi_table_init, then acpi_sleep_init).
    public static func initialize(boot: BootParams) {
        guard let (rsdp, address, source) = ACPITables.findRSDP(boot: boot) else {
            pr_info("ACPI: no RSDP found; power off and reset without ACPI")
            return
        }
        pr_info(
            "ACPI: RSDP 0x\(hex(address, width: 16)) (v\(hex(UInt64(rsdp.revision), width: 2)) \(rsdp.oemID)) from \(source)"
        )
        for entry in ACPITables.rootEntries(rsdp) {
            guard let bytes = ACPITables.table(at: entry), let fadt = FADT(bytes) else { continue }
            guard let dsdt = ACPITables.table(at: fadt.dsdtAddress),
                let softOff = SleepStates.sleepTypes(of: "_S5_", in: dsdt), fadt.pm1aControl != 0
            else {
                pr_warn("ACPI: no \\_S5_ sleep state or PM1a control port; power off without ACPI")
                return
            }
            registers.withLock { $0 = Registers(fadt: fadt, softOff: softOff) }
            pr_info("ACPI: PM1a_CNT port 0x\(hex(UInt64(fadt.pm1aControl), width: 4)), S5 SLP_TYP \(softOff.a)")
            return
        }
    }

    /// Enters S5 (Linux: acpi_enter_sleep_state(ACPI_STATE_S5)); returns
    /// only if the machine is still on, or has no ACPI.
    public static func powerOff() {
        guard let found = registers.withLock({ $0 }) else { return }
        let fadt = found.fadt
        enableACPIMode(fadt)
        IOPort(fadt.pm1aControl).write16(PM1Control.sleepCommand(found.softOff.a))
        if fadt.pm1bControl != 0 { IOPort(fadt.pm1bControl).write16(PM1Control.sleepCommand(found.softOff.b)) }
        waitForTheMachineToGo()
    }

    /// The machine goes some time after the write (QEMU acts in its main
    /// loop): a second's wait keeps the caller's fallback from racing it.
    private static func waitForTheMachineToGo() {
        let deadline = Clock.nanosecondsSinceBoot() + 1_000_000_000
        while Clock.nanosecondsSinceBoot() < deadline { CPU.relax() }
    }

    /// Writes the reset value to the FADT's reset register, when it is an
    /// I/O port (Linux: acpi_reboot handles memory and PCI too); returns if
    /// the machine did not reset.
    public static func reset() {
        guard let found = registers.withLock({ $0 }), let register = found.fadt.resetRegister,
            register.space == .systemIO, register.address <= UInt64(UInt16.max)
        else { return }
        IOPort(UInt16(register.address)).write8(found.fadt.resetValue)
        waitForTheMachineToGo()
    }

    /// Firmware that starts in legacy mode switches to ACPI mode when the
    /// FADT's enable value is written to its SMI command port; the PM1
    /// control register's SCI_EN says it did (Linux: acpi_enable).
    private static func enableACPIMode(_ fadt: FADT) {
        let control = IOPort(fadt.pm1aControl)
        guard control.read16() & PM1Control.sciEnable == 0, fadt.smiCommand != 0, fadt.acpiEnable != 0,
            fadt.smiCommand <= UInt32(UInt16.max)
        else { return }
        IOPort(UInt16(fadt.smiCommand)).write8(fadt.acpiEnable)
        for _ in 0..<100_000 where control.read16() & PM1Control.sciEnable == 0 { CPU.relax() }
    }
}
