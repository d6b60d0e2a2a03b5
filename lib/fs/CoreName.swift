/// A core file's name from /proc/sys/kernel/core_pattern (Linux:
/// format_corename in fs/coredump.c, without the "|helper" form): each
/// %-specifier becomes a fact about the dying process, "%%" a "%", and an
/// unknown specifier or a lone "%" at the end nothing. Names that come
/// from the process (%e, %E) have their "/" turned into "!", so they can
/// never climb into another directory.
public struct CoreName {
    public var pid: Int32 = 0
    public var tid: Int32 = 0
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var signal: Int32 = 0
    public var seconds: Int64 = 0
    public var hostname: [UInt8] = []
    public var command: [UInt8] = []
    public var executablePath: [UInt8] = []
    public var coreLimit: UInt64 = 0

    public init() {}

    public func format(_ pattern: [UInt8]) -> [UInt8] {
        var name: [UInt8] = []
        var index = 0
        while index < pattern.count {
            let byte = pattern[index]
            index += 1
            guard byte == UInt8(ascii: "%") else {
                name.append(byte)
                continue
            }
            guard index < pattern.count else { break }
            let specifier = pattern[index]
            index += 1
            switch specifier {
            case UInt8(ascii: "%"): name.append(specifier)
            case UInt8(ascii: "p"), UInt8(ascii: "P"): name += decimal(Int64(pid))
            case UInt8(ascii: "i"), UInt8(ascii: "I"): name += decimal(Int64(tid))
            case UInt8(ascii: "u"): name += decimal(Int64(uid))
            case UInt8(ascii: "g"): name += decimal(Int64(gid))
            case UInt8(ascii: "d"): name += decimal(1)  // SUID_DUMP_USER: every process is dumpable here
            case UInt8(ascii: "s"): name += decimal(Int64(signal))
            case UInt8(ascii: "t"): name += decimal(seconds)
            case UInt8(ascii: "h"): name += hostname
            case UInt8(ascii: "e"): name += Self.escaped(command)
            case UInt8(ascii: "E"): name += Self.escaped(executablePath)
            case UInt8(ascii: "f"):
                name += Self.escaped(Array(executablePath.split(separator: UInt8(ascii: "/")).last ?? []))
            case UInt8(ascii: "c"): name += Array(String(coreLimit).utf8)
            default: break
            }
        }
        return name
    }

    private func decimal(_ value: Int64) -> [UInt8] { Array(String(value).utf8) }

    /// "/" as "!" (Linux: cn_esc_printf).
    private static func escaped(_ name: [UInt8]) -> [UInt8] {
        name.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: "!") : $0 }
    }
}
