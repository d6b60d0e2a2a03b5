import ABI
import Testing

@testable import Lib

/// How argument registers decode into the types handlers take: C's casts
/// for int and long, flags as their raw type, and the checked 32-bit form.
@Suite struct SyscallArgumentTests {
    private func decode<T: SyscallArgument>(_ raw: UInt64, as type: T.Type = T.self) throws(Errno) -> T {
        try T(syscallArgument: raw)
    }

    @Test func intArgumentsKeepTheLowHalf() throws {
        #expect(try decode(0xdead_beef_ffff_ffff, as: Int32.self) == -1)
        #expect(try decode(0x1_0000_0005, as: Int32.self) == 5)
        #expect(try decode(0xffff_ffff_8000_0000, as: Int32.self) == Int32.min)
        #expect(try decode(0x1_ffff_ffff, as: UInt32.self) == UInt32.max)
    }

    @Test func longArgumentsKeepTheWholeRegister() throws {
        #expect(try decode(UInt64.max, as: Int64.self) == -1)
        #expect(try decode(0x8000_0000_0000_0000, as: Int64.self) == Int64.min)
        #expect(try decode(0x1234_5678_9abc_def0, as: UInt64.self) == 0x1234_5678_9abc_def0)
    }

    @Test func descriptorsAreInts() throws {
        #expect(try decode(0xffff_ffff_ffff_ff9c, as: FileDescriptor.self) == .currentDirectory)
        #expect(try decode(0x7_0000_0003, as: FileDescriptor.self).rawValue == 3)
    }

    @Test func flagsDecodeAsTheirRawType() throws {
        let flags = try decode(0x1_0008_0241, as: OpenFlags.self)
        #expect(flags == [.O_WRONLY, .O_CREAT, .O_TRUNC, .O_CLOEXEC])
        #expect(try decode(0xffff_ffff_0000_0001, as: RenameFlags.self) == .RENAME_NOREPLACE)
    }

    @Test func zeroExtendedRefusesUpperBits() throws {
        #expect(try decode(1, as: ZeroExtended<WaitOptions>.self).value() == .WNOHANG)
        #expect(try decode(0xffff_ffff, as: ZeroExtended<Int32>.self).value() == -1)
        let upper = try decode(0x1_0000_0001, as: ZeroExtended<WaitOptions>.self)
        #expect(throws: Errno.EINVAL) { try upper.value() }
        let sign = try decode(UInt64.max, as: ZeroExtended<Int32>.self)
        #expect(throws: Errno.EINVAL) { try sign.value() }
    }
}
