/// A module's `.modinfo` section: `key=value` strings each ended by NUL,
/// as MODULE_LICENSE, MODULE_AUTHOR, ... and the build's vermagic and name
/// put them there (Linux: kernel/module/main.c get_modinfo, and what
/// `modinfo` prints).
public struct ModInfo: Sendable {
    public let entries: [(key: [UInt8], value: [UInt8])]

    public init(_ bytes: some Collection<UInt8>) {
        var entries: [(key: [UInt8], value: [UInt8])] = []
        for string in bytes.split(separator: 0, omittingEmptySubsequences: true) {
            guard let equals = string.firstIndex(of: UInt8(ascii: "=")) else { continue }
            entries.append((Array(string[string.startIndex..<equals]), Array(string[string.index(after: equals)...])))
        }
        self.entries = entries
    }

    /// The first value of `key` (Linux: get_modinfo).
    public func value(_ key: String) -> [UInt8]? {
        let wanted = Array(key.utf8)
        return entries.first { $0.key == wanted }?.value
    }

    /// Whether a MODULE_LICENSE string lets the module use GPL-only
    /// symbols without tainting the kernel (Linux: license_is_gpl_compatible).
    public static func isGPLCompatible(_ license: [UInt8]) -> Bool {
        let compatible = [
            "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL",
        ]
        return compatible.contains { Array($0.utf8) == license }
    }
}
