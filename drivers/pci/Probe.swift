import ABI
import Core
import Lib

/// Finding the functions on the buses (Linux: drivers/pci/probe.c
/// pci_scan_child_bus, pci_scan_slot, pci_scan_single_device,
/// pci_setup_device, pci_read_bases and pci_scan_bridge): every slot of a
/// bus, every function of a multi-function device, and behind each
/// PCI-to-PCI bridge the secondary bus the firmware numbered. Resources
/// stay where the firmware assigned them.
enum PCIProbe {
    /// Scans bus `bus` and the buses behind its bridges; `parent` is the
    /// bridge above it, `directory` the sysfs directory its functions go
    /// in, `scanned` the buses seen, so a misconfigured bridge that points
    /// back cannot make the scan loop.
    static func scanBus(
        _ bus: UInt8, parent: PCIDevice?, directory: KObject, scanned: inout [Bool]
    ) -> [PCIDevice] {
        scanned[Int(bus)] = true
        var found: [PCIDevice] = []
        for slot in UInt8(0)..<32 {
            for function in UInt8(0)..<8 {
                let address = PCIAddress(bus: bus, device: slot, function: function)
                guard let device = scanDevice(address, parent: parent, directory: directory) else {
                    if function == 0 { break }
                    continue
                }
                found.append(device)
                // Functions 1-7 exist only where function 0 says multi-function.
                if function == 0 && PCIConfig.read(address, offset: PCIRegs.headerType, width: 1) & 0x80 == 0 { break }
            }
        }
        for bridge in found {
            guard let secondary = bridge.secondaryBus else { continue }
            if secondary <= bus || scanned[Int(secondary)] {
                pr_warn(
                    "pci \(bridge.name): bridge to bus \(hex(UInt64(secondary), width: 2)) not scanned (already seen or not below)"
                )
                continue
            }
            pr_info(
                "pci \(bridge.name): PCI bridge to [bus \(hex(UInt64(secondary), width: 2))-\(hex(UInt64(PCIConfig.read(bridge.address, offset: PCIRegs.subordinateBus, width: 1)), width: 2))]"
            )
            found += scanBus(secondary, parent: bridge, directory: bridge.kobject, scanned: &scanned)
        }
        return found
    }

    /// The function at `address`, set up, or nil if none answers
    /// (Linux: pci_bus_read_dev_vendor_id: all-ones or zero is nobody).
    private static func scanDevice(_ address: PCIAddress, parent: PCIDevice?, directory: KObject) -> PCIDevice? {
        let ids = PCIConfig.read(address, offset: PCIRegs.vendorID, width: 4)
        let vendor = UInt16(truncatingIfNeeded: ids)
        guard vendor != 0xFFFF, vendor != 0 else { return nil }
        let classRevision = PCIConfig.read(address, offset: PCIRegs.classRevision, width: 4)
        let headerType =
            UInt8(truncatingIfNeeded: PCIConfig.read(address, offset: PCIRegs.headerType, width: 1))
            & PCIRegs.headerTypeMask
        let status = UInt16(truncatingIfNeeded: PCIConfig.read(address, offset: PCIRegs.status, width: 2))
        let capabilities = PCICapability.list(status: status, headerType: headerType) {
            UInt8(truncatingIfNeeded: PCIConfig.read(address, offset: $0, width: 1))
        }
        let classCode = classRevision >> 8
        let isBridge = headerType == PCIRegs.headerTypeBridge
        var subsystem: (vendor: UInt16, device: UInt16) = (0, 0)
        if headerType == PCIRegs.headerTypeNormal {
            subsystem = (read16(address, PCIRegs.subsystemVendorID), read16(address, PCIRegs.subsystemID))
        } else if isBridge, let ssvid = capabilities.first(where: { $0.id == PCICapability.bridgeSubsystem }) {
            subsystem = (read16(address, ssvid.offset + 4), read16(address, ssvid.offset + 6))
        }
        let identity = PCIIdentity(
            vendor: vendor, device: UInt16(truncatingIfNeeded: ids >> 16), subsystemVendor: subsystem.vendor,
            subsystemDevice: subsystem.device, classCode: classCode)
        pr_info(
            "pci \(address.name): [\(hex(UInt64(identity.vendor), width: 4)):\(hex(UInt64(identity.device), width: 4))] type \(hex(UInt64(headerType), width: 2)) class 0x\(hex(UInt64(classCode), width: 6)) (\(PCIClass.name(classCode)))"
        )
        let resources = readBases(address, headerType: headerType, classCode: classCode)
        if !capabilities.isEmpty {
            let names = capabilities.map { "\($0.name)@0x\(hex(UInt64($0.offset), width: 2))" }
            pr_info("pci \(address.name): capabilities: \(names.joined(separator: " "))")
        }
        let pin = UInt8(truncatingIfNeeded: PCIConfig.read(address, offset: PCIRegs.interruptPin, width: 1))
        let line = UInt8(truncatingIfNeeded: PCIConfig.read(address, offset: PCIRegs.interruptLine, width: 1))
        let kobject: KObject
        do {
            kobject = try KObject.createAndAdd(address.name, parent: directory)
        } catch {
            pr_err("pci \(address.name): cannot add to sysfs: error -\(error.rawValue)")
            return nil
        }
        return PCIDevice(
            address: address, identity: identity, revision: UInt8(truncatingIfNeeded: classRevision),
            headerType: headerType, interruptPin: pin, irq: pin == 0 || line == 0xFF ? 0 : line, resources: resources,
            capabilities: capabilities, parent: parent,
            secondaryBus: isBridge
                ? UInt8(truncatingIfNeeded: PCIConfig.read(address, offset: PCIRegs.secondaryBus, width: 1)) : nil,
            kobject: kobject)
    }

    private static func read16(_ address: PCIAddress, _ offset: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: PCIConfig.read(address, offset: offset, width: 2))
    }

    /// The BARs and the ROM, sized by writing all-ones and reading back,
    /// with decoding off meanwhile so the moving address cannot catch
    /// other cycles; host bridges keep decoding, as Linux's
    /// mmio_always_on quirk does (Linux: pci_read_bases, __pci_read_base).
    private static func readBases(_ address: PCIAddress, headerType: UInt8, classCode: UInt32) -> [PCIBar?] {
        var resources = [PCIBar?](repeating: nil, count: PCIDevice.romResource + 1)
        let count: Int, romRegister: Int?
        switch headerType {
        case PCIRegs.headerTypeNormal: (count, romRegister) = (PCIRegs.normalBARCount, PCIRegs.romAddress)
        case PCIRegs.headerTypeBridge: (count, romRegister) = (PCIRegs.bridgeBARCount, PCIRegs.bridgeROMAddress)
        default: (count, romRegister) = (1, nil)
        }
        let command = read16(address, PCIRegs.command)
        let decoding = PCIRegs.commandIO | PCIRegs.commandMemory
        let keepDecoding = classCode >> 8 == PCIClass.bridgeHost
        if !keepDecoding && command & decoding != 0 {
            PCIConfig.write(address, offset: PCIRegs.command, width: 2, UInt32(command & ~decoding))
        }
        var index = 0
        while index < count {
            let register = PCIRegs.baseAddress0 + 4 * index
            let (value, sized) = size(address, register, mask: 0xFFFF_FFFF)
            var bar: PCIBar?
            if PCIBar.is64Bit(value) && index + 1 < count {
                let (high, sizedHigh) = size(address, register + 4, mask: 0xFFFF_FFFF)
                bar = PCIBar.decode(value: value, sized: sized, high: high, sizedHigh: sizedHigh)
                resources[index] = bar
                log(address, "BAR \(index)", bar)
                index += 2
                continue
            }
            bar = PCIBar.decode(value: value, sized: sized)
            resources[index] = bar
            log(address, "BAR \(index)", bar)
            index += 1
        }
        if let romRegister {
            let (value, sized) = size(address, romRegister, mask: ~PCIRegs.romEnable)
            let rom = PCIBar.decodeROM(value: value, sized: sized)
            resources[PCIDevice.romResource] = rom
            log(address, "ROM", rom)
        }
        if !keepDecoding && command & decoding != 0 {
            PCIConfig.write(address, offset: PCIRegs.command, width: 2, UInt32(command))
        }
        return resources
    }

    /// The register's value, and what it reads after `mask` was written;
    /// the value is put back.
    private static func size(_ address: PCIAddress, _ register: Int, mask: UInt32) -> (UInt32, UInt32) {
        let value = PCIConfig.read(address, offset: register, width: 4)
        PCIConfig.write(address, offset: register, width: 4, mask)
        let sized = PCIConfig.read(address, offset: register, width: 4)
        PCIConfig.write(address, offset: register, width: 4, value)
        return (value, sized)
    }

    /// "pci 0000:00:03.0: BAR 4 [mem 0xfe000000-0xfe003fff 64bit pref]",
    /// Linux's line for a resource.
    private static func log(_ address: PCIAddress, _ what: String, _ bar: PCIBar?) {
        guard let bar else { return }
        let space = bar.kind == .io ? "io " : "mem"
        let width = bar.kind == .memory64 ? " 64bit" : ""
        let prefetch = bar.prefetchable ? " pref" : ""
        pr_info("pci \(address.name): \(what) [\(space) \(hex(bar.base))-\(hex(bar.end))\(width)\(prefetch)]")
    }
}
