import Testing

@testable import Lib

@Suite struct PCITests {
    @Test func sizesIOAndMemoryBARs() throws {
        // QEMU's virtio-blk: BAR 0 is 128 I/O ports at 0xc000.
        #expect(
            PCIBar.decode(value: 0xC001, sized: 0xFFFF_FF81)
                == PCIBar(kind: .io, prefetchable: false, base: 0xC000, size: 0x80))
        // A 4 KiB 32-bit memory BAR.
        let memory = try #require(PCIBar.decode(value: 0xFE80_0000, sized: 0xFFFF_F000))
        #expect(memory == PCIBar(kind: .memory32, prefetchable: false, base: 0xFE80_0000, size: 0x1000))
        #expect(memory.end == 0xFE80_0FFF && memory.resourceFlags == 0x40200)
        // A 64-bit prefetchable BAR: 16 KiB, above 4 GiB.
        #expect(PCIBar.is64Bit(0x0C) && !PCIBar.is64Bit(0x08) && !PCIBar.is64Bit(0x05))
        let wide = try #require(
            PCIBar.decode(value: 0x0000_000C, sized: 0xFFFF_C00C, high: 0x40, sizedHigh: 0xFFFF_FFFF))
        #expect(wide == PCIBar(kind: .memory64, prefetchable: true, base: 0x40_0000_0000, size: 0x4000))
        // Linux's flags for it, as /sys/.../resource shows: 0x14220c.
        #expect(wide.resourceFlags == 0x14_220C)
        // A 64-bit BAR larger than 4 GiB: the size is in the high dword.
        #expect(
            PCIBar.decode(value: 0x4, sized: 0x4, high: 0, sizedHigh: 0xFFFF_FFFE)?.size == 0x2_0000_0000)
        // Linux's flags for an I/O BAR: 0x40101.
        #expect(PCIBar.decode(value: 0xD001, sized: 0xFFFF_FFC1)?.resourceFlags == 0x40101)
    }

    @Test func refusesBARsThatDecodeNothing() {
        #expect(PCIBar.decode(value: 0, sized: 0) == nil)
        #expect(PCIBar.decode(value: 0x1, sized: 0x1) == nil)
        // All-ones at the base with the low address bits missing cannot be a size.
        #expect(PCIBar.decode(value: 0xFFFF_0000, sized: 0xFFFF_0000) != nil)
        #expect(PCIBar.decode(value: 0x0FFF_0000, sized: 0x0FFF_0000) == nil)
    }

    @Test func sizesTheExpansionROM() {
        let rom = PCIBar.decodeROM(value: 0xFEA0_0000, sized: 0xFFFC_0000)
        #expect(rom == PCIBar(kind: .rom, prefetchable: true, base: 0xFEA0_0000, size: 0x4_0000))
        #expect(rom?.resourceFlags == 0x46200)
        #expect(PCIBar.decodeROM(value: 0, sized: 0) == nil)
    }

    /// Configuration space of 256 bytes with a capability list threaded through it.
    private func space(status: UInt16, pointer: UInt8, capabilities: [(offset: Int, id: UInt8, next: UInt8)]) -> [UInt8]
    {
        var bytes = [UInt8](repeating: 0, count: 256)
        bytes[PCIRegs.status] = UInt8(status & 0xFF)
        bytes[PCIRegs.capabilityList] = pointer
        for capability in capabilities {
            bytes[capability.offset] = capability.id
            bytes[capability.offset + 1] = capability.next
        }
        return bytes
    }

    @Test func walksTheCapabilityList() {
        // virtio-blk's: MSI-X at 0x98, then vendor-specific ones down to 0x40.
        let bytes = space(
            status: 0x10, pointer: 0x98,
            capabilities: [(0x98, 0x11, 0x84), (0x84, 0x09, 0x70), (0x70, 0x09, 0x40), (0x40, 0x09, 0x00)])
        let list = PCICapability.list(status: 0x10, headerType: 0) { bytes[$0] }
        #expect(list.map(\.id) == [0x11, 0x09, 0x09, 0x09])
        #expect(list.map(\.offset) == [0x98, 0x84, 0x70, 0x40])
        #expect(list.map(\.name) == ["MSI-X", "Vendor Specific", "Vendor Specific", "Vendor Specific"])
        // No list without the status bit, and none for an unknown header type.
        #expect(PCICapability.list(status: 0, headerType: 0) { bytes[$0] }.isEmpty)
        #expect(PCICapability.list(status: 0x10, headerType: 3) { bytes[$0] }.isEmpty)
        // Multi-function bit set on a bridge: the same pointer register.
        #expect(PCICapability.list(status: 0x10, headerType: 0x81) { bytes[$0] }.count == 4)
    }

    @Test func stopsAMalformedCapabilityList() {
        // A loop ends after 48 entries; low pointer bits are ignored; a pointer into the header ends the list.
        let loop = space(status: 0x10, pointer: 0x40, capabilities: [(0x40, 0x05, 0x50), (0x50, 0x09, 0x41)])
        #expect(PCICapability.list(status: 0x10, headerType: 0) { loop[$0] }.count == 48)
        let intoHeader = space(status: 0x10, pointer: 0x40, capabilities: [(0x40, 0x05, 0x10)])
        #expect(PCICapability.list(status: 0x10, headerType: 0) { intoHeader[$0] }.count == 1)
        let allOnes = [UInt8](repeating: 0xFF, count: 256)
        #expect(PCICapability.list(status: 0x10, headerType: 0) { allOnes[$0] }.isEmpty)
    }

    @Test func decodesMSIX() {
        // virtio-blk: 2 vectors (QSIZE 1), table in BAR 1 at 0, PBA in BAR 1 at 0x800.
        let msix = MSIXCapability(control: 0x0001, table: 0x0000_0001, pending: 0x0000_0801)
        #expect(msix.tableSize == 2 && msix.tableBAR == 1 && msix.tableOffset == 0)
        #expect(msix.pendingBAR == 1 && msix.pendingOffset == 0x800 && !msix.enabled)
        #expect(MSIXCapability(control: 0x87FF, table: 0x2000, pending: 0x3000).tableSize == 2048)
        #expect(MSIXCapability(control: 0x8000, table: 0, pending: 0).enabled)
    }

    @Test func namesClasses() {
        #expect(PCIClass.name(0x06_0000) == "Host bridge")
        #expect(PCIClass.name(0x01_0601) == "SATA controller")
        #expect(PCIClass.name(0x01_0000) == "SCSI storage controller")
        // An unknown subclass falls back to the base class, an unknown base class to "Unclassified".
        #expect(PCIClass.name(0x02_8000) == "Network controller")
        #expect(PCIClass.name(0x42_0000) == "Unclassified device")
    }

    @Test func formatsAddressesAndModaliases() {
        let address = PCIAddress(bus: 1, device: 0x1F, function: 3)
        #expect(address.name == "0000:01:1f.3" && address.devfn == 0xFB)
        #expect(address.device == 0x1F && address.function == 3)
        #expect(PCIAddress(bus: 0, device: 3, function: 0) < address)
        let virtio = PCIIdentity(
            vendor: 0x1AF4, device: 0x1001, subsystemVendor: 0x1AF4, subsystemDevice: 0x0002, classCode: 0x01_0000)
        #expect(virtio.modalias == "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00")
        #expect(
            virtio.ueventText(slotName: "0000:00:04.0")
                == "PCI_CLASS=10000\nPCI_ID=1AF4:1001\nPCI_SUBSYS_ID=1AF4:0002\nPCI_SLOT_NAME=0000:00:04.0\n"
                + "MODALIAS=pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00\n")
    }

    @Test func matchesDriverIDTables() {
        let virtio = PCIIdentity(
            vendor: 0x1AF4, device: 0x1001, subsystemVendor: 0x1AF4, subsystemDevice: 2, classCode: 0x01_0000)
        #expect(PCIDeviceID(vendor: 0x1AF4).matches(virtio))
        #expect(PCIDeviceID(vendor: 0x1AF4, device: 0x1001).matches(virtio))
        #expect(!PCIDeviceID(vendor: 0x1AF4, device: 0x1042).matches(virtio))
        #expect(!PCIDeviceID(vendor: 0x8086).matches(virtio))
        #expect(!PCIDeviceID(vendor: 0x1AF4, subsystemDevice: 1).matches(virtio))
        // By class under a mask: any mass-storage controller.
        let storage = PCIDeviceID(vendor: PCIDeviceID.any, classCode: 0x01_0000, classMask: 0xFF_0000)
        #expect(storage.matches(virtio))
        #expect(!PCIDeviceID(vendor: PCIDeviceID.any, classCode: 0x02_0000, classMask: 0xFF_0000).matches(virtio))
        let table = [PCIDeviceID(vendor: 0x8086), PCIDeviceID(vendor: 0x1AF4, device: 0x1001)]
        #expect(PCIDeviceID.match(table, virtio) == table[1])
        #expect(PCIDeviceID.match([table[0]], virtio) == nil)
    }

    @Test func writesUppercaseHex() {
        #expect(upperHex(0x1AF4, width: 8) == "00001AF4")
        #expect(upperHex(0xABC, width: 1) == "ABC")
        #expect(hex(0xABC, width: 4) == "0abc")
    }
}
