import ABI
import Core
import Kernel
import Lib

/// The PCI driver model (docs/pci.md) with drivers of the test's own on
/// QEMU's `pc` machine: a driver is offered the function its ID table
/// matches, a failing probe leaves the function to the next driver, the
/// binding shows in sysfs (the driver's link and the function's `driver`
/// link) and in the uevent, and unregistering calls remove and takes the
/// links away. Then a memory BAR is mapped and read: the standard VGA's
/// BAR 2 holds the Bochs display interface, whose ID register reads
/// 0xB0Cx. Last, the e1000 raises its INTx through the I/O APIC.
enum PCITests {
    static let base = "/selftest-sys"

    /// Records its calls; its probe fails with `failure` if one is given.
    final class RecordingDriver: PCIDriver {
        let name: String
        let idTable: [PCIDeviceID]
        let failure: Errno?
        var probed: [String] = []
        var removed: [String] = []

        init(_ name: String, _ idTable: [PCIDeviceID], failure: Errno? = nil) {
            self.name = name
            self.idTable = idTable
            self.failure = failure
        }

        func probe(_ device: PCIDevice, id: PCIDeviceID) throws(Errno) {
            if let failure { throw failure }
            probed.append(device.name)
        }

        func remove(_ device: PCIDevice) { removed.append(device.name) }
    }

    static func run(_ t: inout TestReporter) {
        let host = PCIAddress(bus: 0, device: 0, function: 0)
        guard let bridge = PCI.device(at: host) else {
            t.check(false, "pci: no function at 0000:00:00.0")
            return
        }
        t.check(PCI.devices.count >= 4, "pci: the scan found \(PCI.devices.count) functions on QEMU's pc")
        t.check(bridge.identity.classCode >> 8 == PCIClass.bridgeHost, "pci: 0000:00:00.0 is a host bridge")
        do throws(Errno) {
            try VFS.mkdir(b(base), mode: 0o555)
            try VFS.mount(try FileSystems.find(b("sysfs")).mount(source: [], options: MountOptions()), at: b(base))
        } catch {
            t.check(false, "pci: mounting sysfs failed with errno \(error.rawValue)")
            return
        }
        binding(&t, bridge)
        mapping(&t)
        enabling(&t)
        interrupt(&t)
    }

    static func b(_ string: String) -> [UInt8] { Array(string.utf8) }

    private static func binding(_ t: inout TestReporter, _ bridge: PCIDevice) {
        let hostBridges = [PCIDeviceID(vendor: PCIDeviceID.any, classCode: 0x06_0000, classMask: 0xFF_FF00)]
        let failing = RecordingDriver("selftest-failing", hostBridges, failure: .ENODEV)
        let driver = RecordingDriver("selftest-pci", hostBridges)
        let other = RecordingDriver("selftest-nothing", [PCIDeviceID(vendor: 0xABCD)])
        do throws(Errno) {
            try PCI.register(failing)
            t.check(PCI.driver(of: bridge) == nil, "pci: a failing probe leaves the function unbound")
            try PCI.register(other)
            t.check(other.probed.isEmpty, "pci: a driver whose table matches nothing is not probed")
            try PCI.register(driver)
        } catch {
            t.check(false, "pci: registering the drivers failed with errno \(error.rawValue)")
            return
        }
        t.check(driver.probed == ["0000:00:00.0"], "pci: the matching driver probed 0000:00:00.0 alone")
        t.check(PCI.driver(of: bridge) === driver, "pci: the function is bound to it")
        let duplicate = RecordingDriver("selftest-pci", hostBridges)
        t.check(error(try PCI.register(duplicate)) == .EEXIST, "pci: a second driver of the same name is EEXIST")
        let device = "\(base)/devices/pci0000:00/0000:00:00.0"
        t.check(
            (try? VFS.readlink(b("\(base)/bus/pci/drivers/selftest-pci/0000:00:00.0")))
                == b("../../../../devices/pci0000:00/0000:00:00.0"),
            "pci: the driver's directory links to the function")
        t.check(
            (try? VFS.readlink(b("\(device)/driver"))) == b("../../../bus/pci/drivers/selftest-pci"),
            "pci: the function's driver link names the driver")
        let uevent = (try? read("\(device)/uevent")) ?? ""
        t.check(uevent.hasPrefix("DRIVER=selftest-pci\nPCI_CLASS=60000\n"), "pci: the uevent starts with DRIVER=")

        PCI.unregister(driver)
        t.check(driver.removed == ["0000:00:00.0"], "pci: unregistering calls remove for the function")
        t.check(PCI.driver(of: bridge) == nil, "pci: the function is unbound after")
        t.check(error(try VFS.readlink(b("\(device)/driver"))) == .ENOENT, "pci: its driver link is gone")
        t.check(
            error(try VFS.stat(b("\(base)/bus/pci/drivers/selftest-pci"))) == .ENOENT,
            "pci: the driver's directory is gone")
        PCI.unregister(failing)
        PCI.unregister(other)
        // Registered again, the driver gets the function back.
        let again = RecordingDriver("selftest-pci", hostBridges)
        t.check(
            error(try PCI.register(again)) == nil && again.probed == ["0000:00:00.0"],
            "pci: a driver registered again is offered the function again")
        PCI.unregister(again)
    }

    /// The std VGA (1234:1111): BAR 2 is 4 KiB of registers, the Bochs
    /// DISPI index registers at 0x500, 16 bits each; index 0 is the ID.
    private static func mapping(_ t: inout TestReporter) {
        guard let vga = PCI.devices.first(where: { $0.identity.vendor == 0x1234 && $0.identity.device == 0x1111 })
        else {
            t.check(false, "pci: no std VGA (1234:1111) to map a BAR of")
            return
        }
        t.check(error(try vga.iomap(bar: 5)) == .EINVAL, "pci: mapping a BAR the function lacks is EINVAL")
        do throws(Errno) {
            let registers = try vga.iomap(bar: 2)
            let id = registers.read16(0x500)
            t.check(id & 0xFFF0 == 0xB0C0, "pci: BAR 2 mapped, the Bochs DISPI ID reads 0x\(hex(UInt64(id), width: 4))")
            vga.iounmap(registers)
        } catch {
            t.check(false, "pci: mapping BAR 2 failed with errno \(error.rawValue)")
        }
    }

    /// QEMU's default NIC on `pc`, the e1000 (8086:100e), raises INTx on
    /// demand: writing a cause to ICS with it enabled in IMS asserts the
    /// pin until ICR is read. One write must give exactly one interrupt
    /// through the level-triggered line, and the handler's read of ICR
    /// must end it (a level line not deasserted would fire again at once).
    /// enable() turns on the decoding the BARs need even where it was
    /// off; disable() turns bus mastering off and leaves decoding on, as
    /// Linux's pci_disable_device does. The e1000 has a memory and an I/O BAR.
    private static func enabling(_ t: inout TestReporter) {
        guard let nic = PCI.devices.first(where: { $0.identity.vendor == 0x8086 && $0.identity.device == 0x100E })
        else { return }
        let decode = PCIRegs.commandIO | PCIRegs.commandMemory
        let saved = nic.read16(PCIRegs.command)
        nic.write16(PCIRegs.command, saved & ~decode)
        nic.enable()
        nic.setMaster()
        let enabled = nic.read16(PCIRegs.command)
        nic.disable()
        let disabled = nic.read16(PCIRegs.command)
        nic.write16(PCIRegs.command, saved)
        t.check(
            enabled & decode == decode && enabled & PCIRegs.commandMaster != 0 && !nic.isEnabled,
            "pci: enable sets I/O and memory decoding (command 0x\(hex(UInt64(enabled), width: 4)))")
        t.check(
            disabled & decode == decode && disabled & PCIRegs.commandMaster == 0,
            "pci: disable clears bus mastering only (command 0x\(hex(UInt64(disabled), width: 4)))")
    }

    private static let causes = SpinLocked<[UInt32]>([])

    private static func interrupt(_ t: inout TestReporter) {
        guard let nic = PCI.devices.first(where: { $0.identity.vendor == 0x8086 && $0.identity.device == 0x100E })
        else {
            t.check(false, "pci: no e1000 (8086:100e) to raise an interrupt")
            return
        }
        let icr: UInt64 = 0xC0, ics: UInt64 = 0xC8, ims: UInt64 = 0xD0, imc: UInt64 = 0xD8
        let linkStatusChange: UInt32 = 0x4
        do throws(Errno) {
            nic.enable()
            defer { nic.disable() }
            let registers = try nic.iomap(bar: 0)
            defer { nic.iounmap(registers) }
            registers.write32(imc, UInt32.max)
            _ = registers.read32(icr)
            try nic.requestIrq(name: "selftest-e1000") {
                let cause = registers.read32(icr)
                causes.withLock { $0.append(cause) }
            }
            registers.write32(ims, linkStatusChange)
            registers.write32(ics, linkStatusChange)
            let deadline = Clock.nanosecondsSinceBoot() + 200_000_000
            while causes.withLock({ $0.isEmpty }) && Clock.nanosecondsSinceBoot() < deadline { CPU.relax() }
            // Time for a second, wrong, delivery to show.
            let settle = Clock.nanosecondsSinceBoot() + 20_000_000
            while Clock.nanosecondsSinceBoot() < settle { CPU.relax() }
            registers.write32(imc, UInt32.max)
            nic.freeIrq()
            let seen = causes.withLock { $0 }
            t.check(
                seen.count == 1 && seen.first.map { $0 & linkStatusChange != 0 } == true,
                "pci: the e1000's INTx on line \(nic.irq) arrived once, with its cause (\(seen.count) interrupts)")
            t.check(
                Irq.request(isaLine: Int(nic.irq), name: "selftest-again", level: true) {},
                "pci: the line is free again after freeIrq")
            Irq.free(isaLine: Int(nic.irq))
        } catch {
            t.check(false, "pci: the e1000's interrupt could not be set up: errno \(error.rawValue)")
        }
    }

    private static func error<T>(_ body: @autoclosure () throws(Errno) -> T) -> Errno? {
        do throws(Errno) {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    private static func read(_ path: String) throws(Errno) -> String {
        let file = try VFS.open(b(path), flags: [.O_RDONLY])
        var bytes: [UInt8] = []
        while true {
            let piece = try file.read(count: 4096)
            if piece.isEmpty { break }
            bytes += piece
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
