import Testing

@testable import Lib

@Suite struct VirtioTests {
    @Test func negotiatesTheCommonFeatures() {
        let device: VirtioFeatures = [
            .version1, .eventIndex, .indirectDescriptors, .accessPlatform, .init(rawValue: 1 << 6),
        ]
        let driver: VirtioFeatures = [.eventIndex, .ringPacked, .init(rawValue: 1 << 6)]
        #expect(
            VirtioFeatures.negotiate(device: device, driver: driver) == [
                .version1, .eventIndex, .init(rawValue: 1 << 6),
            ])
        // A legacy-only device is not driven.
        #expect(VirtioFeatures.negotiate(device: [.eventIndex], driver: [.eventIndex, .version1]) == nil)
        let features: VirtioFeatures = [.version1, .eventIndex]
        #expect(features.word(0) == 1 << 29 && features.word(1) == 1)
    }

    @Test func walksTheStatusSequence() throws {
        var sequence = VirtioStatusSequence()
        #expect(try sequence.next(readBack: []) == .acknowledge)
        #expect(try sequence.next(readBack: .acknowledge) == [.acknowledge, .driver])
        #expect(try sequence.next(readBack: [.acknowledge, .driver]) == [.acknowledge, .driver, .featuresOK])
        // FEATURES_OK read back set: the features are accepted.
        let accepted = try sequence.next(readBack: [.acknowledge, .driver, .featuresOK])
        #expect(accepted == [.acknowledge, .driver, .featuresOK, .driverOK] && accepted?.rawValue == 15)
        #expect(try sequence.next(readBack: [.acknowledge, .driver, .featuresOK, .driverOK]) == nil)

        var rejected = VirtioStatusSequence()
        for readBack: VirtioDeviceStatus in [[], .acknowledge, [.acknowledge, .driver]] {
            _ = try rejected.next(readBack: readBack)
        }
        #expect(throws: VirtioStatusError.featuresRejected) { try rejected.next(readBack: [.acknowledge, .driver]) }
        #expect(rejected.failed.rawValue == 0x8B)

        var failing = VirtioStatusSequence()
        _ = try failing.next(readBack: [])
        #expect(throws: VirtioStatusError.deviceError(.needsReset)) {
            try failing.next(readBack: [.acknowledge, .needsReset])
        }
        #expect(throws: VirtioStatusError.deviceError(.failed)) { try failing.next(readBack: .failed) }
    }

    /// QEMU's virtio-blk-pci (modern): MSI-X at 0x98, then the five virtio
    /// capabilities, as `lspci -xxx` shows them; the structures in BAR 4.
    static func qemuConfigSpace() -> [UInt8] {
        var space = [UInt8](repeating: 0, count: 256)
        space[0x06] = 0x10  // status: capability list
        space[0x34] = 0x98
        func put(_ at: Int, _ bytes: [UInt8]) { space.replaceSubrange(at..<at + bytes.count, with: bytes) }
        put(0x98, [0x11, 0x84, 0x01, 0x80, 0x01, 0, 0, 0, 0x01, 0x08, 0, 0])
        put(0x84, [0x09, 0x70, 0x14, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])  // PCI
        put(0x70, [0x09, 0x60, 0x14, 0x02, 0x04, 0, 0, 0, 0x00, 0x30, 0, 0, 0x00, 0x10, 0, 0, 0x04, 0, 0, 0])  // NOTIFY
        put(0x60, [0x09, 0x50, 0x10, 0x04, 0x04, 0, 0, 0, 0x00, 0x20, 0, 0, 0x00, 0x10, 0, 0])  // DEVICE
        put(0x50, [0x09, 0x40, 0x10, 0x03, 0x04, 0, 0, 0, 0x00, 0x10, 0, 0, 0x00, 0x10, 0, 0])  // ISR
        put(0x40, [0x09, 0x00, 0x10, 0x01, 0x04, 0, 0, 0, 0x00, 0x00, 0, 0, 0x00, 0x10, 0, 0])  // COMMON
        return space
    }

    @Test func decodesQEMUsCapabilities() throws {
        let space = Self.qemuConfigSpace()
        let read8 = { (offset: Int) in space[offset] }
        let capabilities = PCICapability.list(status: 0x10, headerType: 0, read8: read8)
        #expect(capabilities.map(\.offset) == [0x98, 0x84, 0x70, 0x60, 0x50, 0x40])
        let layout = try #require(VirtioPCILayout(capabilities: capabilities, read8: read8))
        #expect(layout.common == VirtioPCICapability(kind: .common, bar: 4, offset: 0, length: 0x1000))
        #expect(
            layout.notify
                == VirtioPCICapability(kind: .notify, bar: 4, offset: 0x3000, length: 0x1000, notifyOffsetMultiplier: 4)
        )
        #expect(layout.isr == VirtioPCICapability(kind: .isr, bar: 4, offset: 0x1000, length: 0x1000))
        #expect(layout.device == VirtioPCICapability(kind: .device, bar: 4, offset: 0x2000, length: 0x1000))
        #expect(VirtioPCICapability.decode(capabilities[1], read8: read8)?.kind == .pci)
        // Queue 2 is notified at 0x3000 + 2 * 4; one beyond the structure is refused.
        #expect(layout.notify.notifyAddress(queueNotifyOffset: 2) == 0x3008)
        #expect(layout.notify.notifyAddress(queueNotifyOffset: 0x3FF) == 0x3FFC)
        #expect(layout.notify.notifyAddress(queueNotifyOffset: 0x400) == nil)
        #expect(layout.common.notifyAddress(queueNotifyOffset: 0) == nil)
    }

    @Test func refusesMalformedCapabilities() {
        var space = Self.qemuConfigSpace()
        func decode(_ at: Int) -> VirtioPCICapability? {
            VirtioPCICapability.decode(PCICapability(id: space[at], offset: at)) { space[$0] }
        }
        space[0x74] = 6  // BAR 6 is reserved
        #expect(decode(0x70) == nil)
        space[0x74] = 4
        space[0x72] = 0x10  // a notify capability without its multiplier
        #expect(decode(0x70) == nil)
        space[0x43] = 7  // an unknown cfg_type
        #expect(decode(0x40) == nil)
        space[0x43] = 1
        space.replaceSubrange(0x48..<0x50, with: [0, 0, 0, 0xFF, 0, 0, 0, 0x02])  // offset + length wraps
        #expect(decode(0x40) == nil)
        space[0x42] = 8  // too short
        #expect(decode(0x40) == nil)
        #expect(decode(0x98) == nil)  // MSI-X is no virtio capability
        space.replaceSubrange(0xF4..<0x100, with: [0x09, 0x00, 0x10, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0])
        #expect(decode(0xF4) == nil)  // 16 bytes from 0xF4 run past 0x100
        // Without the common structure the device is legacy-only.
        let read8 = { (offset: Int) in space[offset] }
        #expect(
            VirtioPCILayout(capabilities: PCICapability.list(status: 0x10, headerType: 0, read8: read8), read8: read8)
                == nil)
    }

    @Test func commonConfigurationMatchesLinux() {
        // include/uapi/linux/virtio_pci.h.
        #expect(VirtioPCICommonConfig.deviceStatus == 20 && VirtioPCICommonConfig.queueSelect == 22)
        #expect(VirtioPCICommonConfig.queueNotifyOffset == 30 && VirtioPCICommonConfig.queueDevice == 48)
        #expect(VirtioPCICommonConfig.size == 56)
    }
}
