/// The C format strings modules hand to printk (Linux: lib/vsprintf.c
/// vsnprintf): flags `-0+ #`, width and precision (or `*`), lengths
/// `hh h l ll z t j`, conversions `d i u x X o c s p %`. Arguments arrive
/// as the 64-bit slots of a C va_list, which `next` yields in order;
/// `string` reads at most `limit` bytes of the NUL-terminated string at an
/// address. `%p` prints the address `hashPointer` gives (Linux hashes it),
/// `%px` the address itself.
public enum Vsprintf {
    public static let maximumStringLength = 4096

    public static func format(
        _ format: [UInt8], next: () -> UInt64, string: (UInt64, Int) -> [UInt8], hashPointer: (UInt64) -> UInt64
    ) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        func peek() -> UInt8 { index < format.count ? format[index] : 0 }
        func number() -> Int? {
            if peek() == UInt8(ascii: "*") {
                index += 1
                let value = Int(Int32(truncatingIfNeeded: next()))
                return max(min(value, maximumStringLength), -maximumStringLength)
            }
            var value: Int?
            while peek() >= UInt8(ascii: "0") && peek() <= UInt8(ascii: "9") {
                value = min((value ?? 0) * 10 + Int(peek() - UInt8(ascii: "0")), maximumStringLength)
                index += 1
            }
            return value
        }
        while index < format.count {
            let byte = format[index]
            index += 1
            guard byte == UInt8(ascii: "%") else {
                output.append(byte)
                continue
            }
            var spec = Spec()
            while let flag = Flags.of(peek()) {
                spec.flags.insert(flag)
                index += 1
            }
            if let width = number() {
                if width < 0 { spec.flags.insert(.left) }
                spec.width = abs(width)
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                spec.precision = max(number() ?? 0, 0)
            }
            var size = 4
            while true {
                switch peek() {
                case UInt8(ascii: "h"): size = size == 2 ? 1 : 2
                case UInt8(ascii: "l"), UInt8(ascii: "z"), UInt8(ascii: "t"), UInt8(ascii: "j"): size = 8
                default: break
                }
                guard [UInt8]("hlztj".utf8).contains(peek()) else { break }
                index += 1
            }
            let conversion = peek()
            index += 1
            switch conversion {
            case UInt8(ascii: "d"), UInt8(ascii: "i"):
                let value = signExtend(next(), size: size)
                spec.emit(digits(value.magnitude, base: 10, upper: false), negative: value < 0, into: &output)
            case UInt8(ascii: "u"), UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"):
                let value = truncate(next(), size: size)
                let base: UInt64 = conversion == UInt8(ascii: "u") ? 10 : conversion == UInt8(ascii: "o") ? 8 : 16
                var prefix: [UInt8] = []
                if spec.flags.contains(.alternate), value != 0, base != 10 {
                    prefix =
                        base == 8 ? [UInt8(ascii: "0")] : Array((conversion == UInt8(ascii: "X") ? "0X" : "0x").utf8)
                }
                spec.emit(
                    digits(value, base: base, upper: conversion == UInt8(ascii: "X")), prefix: prefix, into: &output)
            case UInt8(ascii: "c"):
                spec.precision = nil
                spec.flags.remove(.zero)
                spec.emit([UInt8(truncatingIfNeeded: next())], into: &output)
            case UInt8(ascii: "s"):
                let address = next()
                let limit = min(spec.precision ?? maximumStringLength, maximumStringLength)
                spec.precision = nil
                spec.flags.remove(.zero)
                spec.emit(address == 0 ? Array("(null)".utf8) : string(address, limit), into: &output)
            case UInt8(ascii: "p"):
                var address = next()
                if peek() == UInt8(ascii: "x") { index += 1 } else { address = hashPointer(address) }
                spec = Spec(flags: [.zero], width: 16)
                spec.emit(digits(address, base: 16, upper: false), into: &output)
            case UInt8(ascii: "%"):
                output.append(UInt8(ascii: "%"))
            default:
                // An unknown conversion is printed as written, as Linux does.
                output.append(UInt8(ascii: "%"))
                if conversion != 0 { output.append(conversion) } else { index -= 1 }
            }
        }
        return output
    }

    struct Flags: OptionSet {
        let rawValue: UInt8
        static let left = Flags(rawValue: 1)
        static let zero = Flags(rawValue: 2)
        static let plus = Flags(rawValue: 4)
        static let space = Flags(rawValue: 8)
        static let alternate = Flags(rawValue: 16)

        /// The flag a format character stands for, if any.
        static func of(_ byte: UInt8) -> Flags? {
            switch byte {
            case UInt8(ascii: "-"): .left
            case UInt8(ascii: "0"): .zero
            case UInt8(ascii: "+"): .plus
            case UInt8(ascii: " "): .space
            case UInt8(ascii: "#"): .alternate
            default: nil
            }
        }
    }

    /// One conversion's flags, width and precision, and its padding.
    struct Spec {
        var flags: Flags = []
        var width = 0
        var precision: Int?

        /// `body` padded as the spec says: precision zeros for numbers,
        /// a sign or prefix, then the width in spaces or zeros.
        func emit(_ body: [UInt8], negative: Bool = false, prefix: [UInt8] = [], into output: inout [UInt8]) {
            var body = body
            if let precision, body.count < precision {
                body = [UInt8](repeating: UInt8(ascii: "0"), count: precision - body.count) + body
            }
            var lead = prefix
            if negative {
                lead = [UInt8(ascii: "-")]
            } else if flags.contains(.plus) {
                lead = [UInt8(ascii: "+")]
            } else if flags.contains(.space) {
                lead = [UInt8(ascii: " ")]
            }
            let padding = max(width - body.count - lead.count, 0)
            if flags.contains(.left) {
                output += lead + body + [UInt8](repeating: UInt8(ascii: " "), count: padding)
            } else if flags.contains(.zero) && precision == nil {
                output += lead + [UInt8](repeating: UInt8(ascii: "0"), count: padding) + body
            } else {
                output += [UInt8](repeating: UInt8(ascii: " "), count: padding) + lead + body
            }
        }
    }

    static func signExtend(_ value: UInt64, size: Int) -> Int64 {
        switch size {
        case 1: Int64(Int8(truncatingIfNeeded: value))
        case 2: Int64(Int16(truncatingIfNeeded: value))
        case 4: Int64(Int32(truncatingIfNeeded: value))
        default: Int64(bitPattern: value)
        }
    }

    static func truncate(_ value: UInt64, size: Int) -> UInt64 {
        size == 8 ? value : value & ((1 << UInt64(8 * size)) - 1)
    }

    static func digits(_ value: UInt64, base: UInt64, upper: Bool) -> [UInt8] {
        let alphabet = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var value = value
        var result: [UInt8] = []
        repeat {
            result.append(alphabet[Int(value % base)])
            value /= base
        } while value != 0
        return result.reversed()
    }
}
