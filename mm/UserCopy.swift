import ABI
import Core

/// Typed reads and writes of user memory (Linux: get_user, put_user, and
/// copy_{from,to}_user of a structure), built on UserAccess's byte copies:
/// an ABI structure crosses as exactly its Linux bytes.
extension UserAccess {
    static func read<T: ByteLayoutDecodable>(_ type: T.Type, at address: UInt64) throws(Errno) -> T {
        T(from: try copyFromUser(address, count: T.size), at: 0)
    }

    static func write<T: ByteLayout>(_ value: T, at address: UInt64) throws(Errno) {
        try copyToUser(address, value.bytes())
    }

    static func get<T: FixedWidthInteger>(_ type: T.Type, at address: UInt64) throws(Errno) -> T {
        try copyFromUser(address, count: T.bitWidth / 8).loadLittleEndian(T.self, at: 0)
    }

    static func put<T: FixedWidthInteger>(_ value: T, at address: UInt64) throws(Errno) {
        var bytes = [UInt8](repeating: 0, count: T.bitWidth / 8)
        bytes.storeLittleEndian(value, at: 0)
        try copyToUser(address, bytes)
    }
}
