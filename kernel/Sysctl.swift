import ABI
import Core
import Lib

/// One setting under /proc/sys (Linux: struct ctl_table with its
/// proc_handler): how to show its value as text, and how to take a new one.
public struct SysctlSetting {
    public let name: String
    /// 0644 for a setting root may change, 0444 for one nobody may.
    public let mode: UInt32
    public let show: () -> String
    public let store: (([UInt8]) throws(Errno) -> Void)?

    public init(name: String, show: @escaping () -> String, store: (([UInt8]) throws(Errno) -> Void)? = nil) {
        self.name = name
        self.mode = store == nil ? 0o444 : 0o644
        self.show = show
        self.store = store
    }

    /// An integer setting within `range` (Linux: proc_dointvec_minmax).
    public static func integer(
        _ name: String, range: ClosedRange<Int64>, get: @escaping () -> Int64,
        set: ((Int64) throws(Errno) -> Void)? = nil
    ) -> SysctlSetting {
        guard let set else { return SysctlSetting(name: name, show: { "\(get())\n" }) }
        return SysctlSetting(
            name: name, show: { "\(get())\n" },
            store: { (bytes: [UInt8]) throws(Errno) in
                guard let value = ProcSysctlValue.integer(bytes), range.contains(value) else { throw .EINVAL }
                try set(value)
            })
    }
}

/// The sysctl table (Linux: kernel/sysctl.c, fs/proc/proc_sysctl.c): code
/// registers named settings under a directory of /proc/sys, which shows
/// each as a file. Changing one needs root: the files are 0644 and owned
/// by root, and the open checks that (Linux: sysctl_perm).
public enum Sysctl {
    /// /proc/sys and its subdirectories by path ("kernel", "vm", "net/core").
    private static let directories = SpinLocked<[(path: String, directory: ProcRegisteredDirectory)]>([])

    /// Adds `settings` under /proc/sys/`path` (Linux: register_sysctl).
    /// EEXIST if a name is taken.
    public static func register(_ path: String, _ settings: [SysctlSetting]) throws(Errno) {
        let directory = try self.directory(path)
        for setting in settings {
            let show = setting.show
            let store = setting.store
            try ProcFS.create(setting.name, mode: setting.mode, parent: directory, show: { show() }, write: store)
        }
    }

    /// The directory for `path`, made with its parents as needed.
    private static func directory(_ path: String) throws(Errno) -> ProcRegisteredDirectory {
        var parent = try existing("sys") { () throws(Errno) in try ProcFS.mkdir("sys") }
        var walked = "sys"
        for component in path.split(separator: "/") {
            let name = String(component)
            let above = parent
            walked += "/" + name
            parent = try existing(walked) { () throws(Errno) in try ProcFS.mkdir(name, parent: above) }
        }
        return parent
    }

    private static func existing(_ path: String, make: () throws(Errno) -> ProcRegisteredDirectory) throws(Errno)
        -> ProcRegisteredDirectory
    {
        if let found = directories.withLock({ list in list.first { $0.path == path }?.directory }) { return found }
        let made = try make()
        directories.withLock { $0.append((path, made)) }
        return made
    }
}

/// Parsing what user space writes to /proc files (Linux: proc_get_long).
public enum ProcSysctlValue {
    /// A decimal integer with an optional sign, surrounded by optional
    /// whitespace (echo's newline); nil for anything else.
    public static func integer(_ bytes: [UInt8]) -> Int64? {
        let text = trimmed(bytes)
        guard !text.isEmpty else { return nil }
        var digits = text[...]
        var negative = false
        if digits.first == UInt8(ascii: "-") || digits.first == UInt8(ascii: "+") {
            negative = digits.first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard let magnitude = digitsValue(digits), magnitude <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }

    /// A decimal number up to 2^64 - 1 without a sign, surrounded by
    /// optional whitespace (Linux: proc_doulongvec_minmax); nil otherwise.
    public static func unsigned(_ bytes: [UInt8]) -> UInt64? {
        digitsValue(trimmed(bytes)[...])
    }

    private static func digitsValue(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// `bytes` without leading and trailing whitespace.
    public static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0d).contains(byte) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return Array(bytes[first...last])
    }
}
