import Testing

@testable import Lib

@Suite struct ACPITablesTests {
    /// `bytes` with byte `at` set so that the first `count` bytes sum to zero.
    private func checksummed(_ bytes: [UInt8], at index: Int, over count: Int) -> [UInt8] {
        var bytes = bytes
        bytes[index] = 0
        bytes[index] = 0 &- bytes[0..<count].reduce(UInt8(0)) { $0 &+ $1 }
        return bytes
    }

    private func put(_ value: UInt64, _ size: Int, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }

    private func header(_ signature: String, length: Int, revision: UInt8 = 1) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        bytes.replaceSubrange(0..<4, with: Array(signature.utf8))
        put(UInt64(length), 4, at: 4, in: &bytes)
        bytes[8] = revision
        bytes.replaceSubrange(10..<16, with: Array("BOCHS ".utf8))
        return bytes
    }

    @Test func findsTheRSDPOfEachRevision() throws {
        var version1 = [UInt8](repeating: 0, count: 20)
        version1.replaceSubrange(0..<8, with: RSDP.signature)
        version1.replaceSubrange(9..<15, with: Array("BOCHS ".utf8))
        put(0x1ffe_2345, 4, at: 16, in: &version1)
        let rsdp = try #require(RSDP(checksummed(version1, at: 8, over: 20)))
        #expect(rsdp.revision == 0 && rsdp.oemID == "BOCHS " && rsdp.rsdtAddress == 0x1ffe_2345)
        #expect(rsdp.xsdtAddress == nil)
        #expect(RSDP(version1.map { $0 &+ 1 }) == nil)
        #expect(RSDP(checksummed(version1, at: 8, over: 20).dropLast().map { $0 }) == nil)

        var version2 = version1 + [UInt8](repeating: 0, count: 16)
        version2[15] = 2
        put(36, 4, at: 20, in: &version2)
        put(0x1_2345_6789, 8, at: 24, in: &version2)
        version2 = checksummed(version2, at: 8, over: 20)
        version2 = checksummed(version2, at: 32, over: 36)
        #expect(RSDP(version2)?.xsdtAddress == 0x1_2345_6789)
        // A bad extended checksum leaves the RSDT.
        version2[33] &+= 1
        #expect(RSDP(version2)?.xsdtAddress == nil)
    }

    @Test func listsTheRootTablesEntries() throws {
        var rsdt = header("RSDT", length: 36 + 12)
        put(0x1000, 4, at: 36, in: &rsdt)
        put(0x2000, 4, at: 40, in: &rsdt)
        put(0x3000, 4, at: 44, in: &rsdt)
        #expect(ACPITableHeader(rsdt)?.signature == "RSDT")
        #expect(ACPITableHeader.entries(of: rsdt, entrySize: 4) == [0x1000, 0x2000, 0x3000])
        var xsdt = header("XSDT", length: 36 + 16)
        put(0x1_0000_0000, 8, at: 36, in: &xsdt)
        put(0x2000, 8, at: 44, in: &xsdt)
        #expect(ACPITableHeader.entries(of: xsdt, entrySize: 8) == [0x1_0000_0000, 0x2000])
        #expect(ACPITableHeader(Array(rsdt[0..<20])) == nil)
        #expect(acpiChecksumIsValid(checksummed(rsdt, at: 9, over: rsdt.count)))
    }

    @Test func readsTheFADTsPowerRegisters() throws {
        // QEMU's i440FX FADT: revision 3, PM1a_CNT at port 0x604, reset through port 0xcf9.
        var facp = header("FACP", length: 244, revision: 3)
        put(0x1ffe_0040, 4, at: 40, in: &facp)
        put(0xb2, 4, at: 48, in: &facp)
        facp[52] = 0xf1
        put(0x604, 4, at: 64, in: &facp)
        put(1 << 10, 4, at: 112, in: &facp)
        facp[116] = 1
        facp[117] = 8
        put(0xcf9, 8, at: 120, in: &facp)
        facp[128] = 0x06
        let fadt = try #require(FADT(facp))
        #expect(fadt.dsdtAddress == 0x1ffe_0040)
        #expect(fadt.smiCommand == 0xb2 && fadt.acpiEnable == 0xf1)
        #expect(fadt.pm1aControl == 0x604 && fadt.pm1bControl == 0)
        #expect(fadt.resetRegister == GenericAddress(spaceID: 1, bitWidth: 8, address: 0xcf9))
        #expect(fadt.resetRegister?.space == .systemIO && fadt.resetValue == 6)

        // X_DSDT wins; without RESET_REG_SUP there is no reset register.
        put(0x7fff_0000, 8, at: 140, in: &facp)
        put(0, 4, at: 112, in: &facp)
        let extended = try #require(FADT(facp))
        #expect(extended.dsdtAddress == 0x7fff_0000 && extended.resetRegister == nil)

        // A revision 1 table (116 bytes) has neither.
        var short = header("FACP", length: 116)
        put(0x5000, 4, at: 40, in: &short)
        put(0x404, 4, at: 64, in: &short)
        #expect(FADT(short)?.dsdtAddress == 0x5000 && FADT(short)?.resetRegister == nil)
        #expect(FADT(header("APIC", length: 244)) == nil)
        #expect(FADT(Array(facp[0..<60])) == nil)
    }

    @Test func findsTheS5PackageInAML() {
        // QEMU: Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }).
        let qemu: [UInt8] =
            header("DSDT", length: 36) + [0x10, 0x05] + [0x08] + Array("_S5_".utf8) + [0x12, 0x06, 0x04, 0, 0, 0, 0]
        #expect(SleepStates.sleepTypes(in: qemu).map { [$0.a, $0.b] } == [0, 0])
        // Rooted name, BytePrefix values (as many firmwares write it).
        let rooted: [UInt8] =
            [0x08, 0x5C] + Array("_S5_".utf8) + [0x12, 0x0A, 0x04, 0x0A, 0x07, 0x0A, 0x05, 0x00, 0x00]
        #expect(SleepStates.sleepTypes(in: rooted).map { [$0.a, $0.b] } == [7, 5])
        // One and a WordPrefix; a two-byte PkgLength.
        let long: [UInt8] = [0x08] + Array("_S5_".utf8) + [0x12, 0x40, 0x01, 0x02, 0x01, 0x0B, 0x03, 0x00]
        #expect(SleepStates.sleepTypes(in: long).map { [$0.a, $0.b] } == [1, 3])
        // Another state is found by its own name; a use of _S5_ that is no definition is not.
        let s3: [UInt8] = [0x08] + Array("_S3_".utf8) + [0x12, 0x06, 0x04, 0x01, 0x01, 0, 0]
        #expect(SleepStates.sleepTypes(of: "_S3_", in: s3).map { [$0.a, $0.b] } == [1, 1])
        #expect(SleepStates.sleepTypes(in: s3) == nil)
        #expect(SleepStates.sleepTypes(in: [0x70] + Array("_S5_".utf8) + [0x12, 0x06, 0x04, 0, 0, 0, 0]) == nil)
        // Truncated packages and non-constants are refused, never read past the end.
        #expect(SleepStates.sleepTypes(in: [0x08] + Array("_S5_".utf8) + [0x12, 0x06, 0x04, 0x0A]) == nil)
        #expect(SleepStates.sleepTypes(in: [0x08] + Array("_S5_".utf8) + [0x12, 0xC0]) == nil)
        #expect(SleepStates.sleepTypes(in: [0x08] + Array("_S5_".utf8) + [0x12, 0x06, 0x04, 0x70, 0x00]) == nil)
        #expect(SleepStates.sleepTypes(in: []) == nil)
    }

    @Test func sleepCommandsSetTypeAndEnable() {
        #expect(PM1Control.sleepCommand(0) == 0x2000)
        #expect(PM1Control.sleepCommand(5) == 0x3400)
        #expect(PM1Control.sleepCommand(0xFF) == 0x3C00)
    }

    @Test func readsTheMCFGWindows() throws {
        // QEMU q35's: one window, segment 0, buses 0-255 at 0xb0000000.
        var mcfg = header("MCFG", length: 44 + 32)
        put(0xB000_0000, 8, at: 44, in: &mcfg)
        mcfg[55] = 0xFF
        // A second window for segment 1, buses 0x10-0x1f; and a third, backwards one.
        mcfg += [UInt8](repeating: 0, count: 16)
        put(76 + 16, 4, at: 4, in: &mcfg)
        put(0x1_0000_0000, 8, at: 60, in: &mcfg)
        put(1, 2, at: 68, in: &mcfg)
        mcfg[70] = 0x10
        mcfg[71] = 0x1F
        put(0xC000_0000, 8, at: 76, in: &mcfg)
        mcfg[86] = 5
        mcfg[87] = 4
        let table = try #require(MCFG(mcfg))
        #expect(
            table.allocations == [
                MCFG.Allocation(baseAddress: 0xB000_0000, segment: 0, startBus: 0, endBus: 0xFF),
                MCFG.Allocation(baseAddress: 0x1_0000_0000, segment: 1, startBus: 0x10, endBus: 0x1F),
            ])
        // The base is bus 0's even when the window starts later.
        #expect(table.allocations[0].busAddress(1) == 0xB010_0000)
        #expect(table.allocations[1].busAddress(0x10) == 0x1_0100_0000)
        #expect(table.allocations[1].busAddress(0x20) == nil && table.allocations[1].busAddress(0) == nil)
        // Another table, or one cut short, is no MCFG.
        #expect(MCFG(header("FACP", length: 44)) == nil)
        #expect(MCFG(Array(mcfg.prefix(40))) == nil)
        #expect(MCFG(header("MCFG", length: 44))?.allocations == [])
    }
}
