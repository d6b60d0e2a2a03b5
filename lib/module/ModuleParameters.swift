import ABI

/// A module's parameters and the load's `name=value` arguments (Linux:
/// kernel/params.c parse_args, next_arg, parse_one and the param_set_*
/// functions). module_param() puts a `struct kernel_param { const char
/// *name; const char *type; void *arg; unsigned short perm; }` into the
/// `__param` section; once the module is linked those are addresses in its
/// image, and each argument is parsed into the variable there. Names match
/// with dashes and underscores alike; an argument naming no parameter is
/// returned for the caller to log and ignore, as Linux does for modules.
public struct ModuleParameters: Sendable {
    /// A module_param's type (Linux: param_ops_int, param_ops_charp, ...).
    public enum Kind: String, Sendable, CaseIterable {
        case int, uint, long, ulong, short, ushort, bool, charp

        /// The variable's size in bytes.
        public var size: Int {
            switch self {
            case .short, .ushort: 2
            case .bool: 1
            case .int, .uint: 4
            case .long, .ulong, .charp: 8
            }
        }
    }

    public struct Parameter: Sendable, Equatable {
        public let name: [UInt8]
        public let kind: Kind
        /// Where the variable is in the module's image.
        public let offset: Int
        /// Its permissions under /sys/module/NAME/parameters (0: not shown).
        public let permissions: UInt16
    }

    /// Why an argument was refused (Linux: parse_args' messages).
    public enum Failure: Error, Equatable, Sendable {
        /// "NAME: `VALUE' invalid for parameter `PARAM'": EINVAL, or ERANGE for a number out of range.
        case invalid(parameter: [UInt8], value: [UInt8], errno: Errno)
        /// "NAME: `VALUE' too large for parameter `PARAM'" (a charp over 1024 bytes): ENOSPC.
        case tooLarge(parameter: [UInt8], value: [UInt8])

        public var errno: Errno {
            switch self {
            case .invalid(_, _, let errno): errno
            case .tooLarge: .ENOSPC
            }
        }
    }

    /// Linux: sizeof(struct kernel_param) in the SDK's layout, and the longest charp.
    static let entrySize = 32
    public static let maximumStringLength = 1024

    public let parameters: [Parameter]

    /// Reads the `__param` section of `elf` as linked into `image` at
    /// `base`: ENOEXEC if an entry is cut short, its type unknown, or a
    /// pointer outside the module.
    public init(_ elf: ELFRelocatable, layout: ModuleLayout, image: [UInt8], base: UInt64) throws(Errno) {
        guard let index = elf.sectionIndex(named: "__param"), let start = layout.sectionOffsets[index] else {
            parameters = []
            return
        }
        let size = Int(elf.sections[index].size)
        guard size % Self.entrySize == 0, start + size <= image.count else { throw .ENOEXEC }
        func offset(_ address: UInt64) throws(Errno) -> Int {
            guard address >= base, address - base < UInt64(image.count) else { throw .ENOEXEC }
            return Int(address - base)
        }
        func string(at address: UInt64) throws(Errno) -> [UInt8] {
            let from = try offset(address)
            guard let end = image[from...].firstIndex(of: 0) else { throw .ENOEXEC }
            return Array(image[from..<end])
        }
        var parameters: [Parameter] = []
        for entry in stride(from: start, to: start + size, by: Self.entrySize) {
            let name = try string(at: Self.load(image, at: entry, size: 8))
            let type = try string(at: Self.load(image, at: entry + 8, size: 8))
            guard let kind = Kind(rawValue: String(decoding: type, as: UTF8.self)), !name.isEmpty else {
                throw .ENOEXEC
            }
            let variable = try offset(Self.load(image, at: entry + 16, size: 8))
            guard variable + kind.size <= image.count else { throw .ENOEXEC }
            parameters.append(
                Parameter(
                    name: name, kind: kind, offset: variable,
                    permissions: UInt16(truncatingIfNeeded: Self.load(image, at: entry + 24, size: 2))))
        }
        self.parameters = parameters
    }

    /// The parameter called `name`, dashes and underscores alike (Linux: parameq).
    public func parameter(named name: some Collection<UInt8>) -> Parameter? {
        func normal(_ byte: UInt8) -> UInt8 { byte == UInt8(ascii: "-") ? UInt8(ascii: "_") : byte }
        return parameters.first { $0.name.map(normal) == name.map(normal) }
    }

    /// Sets the parameters `arguments` names in `image`; a charp's string is
    /// copied to `strings` (an area of the image that the module keeps,
    /// Linux's mod->args). Returns the names of unknown parameters.
    public func apply(
        _ arguments: [UInt8], to image: inout [UInt8], base: UInt64, strings: Range<Int>
    ) throws(Failure) -> [[UInt8]] {
        var unknown: [[UInt8]] = []
        var cursor = strings.lowerBound
        for (name, value) in Self.split(arguments) {
            guard let parameter = parameter(named: name) else {
                unknown.append(name)
                continue
            }
            let bytes: UInt64
            if parameter.kind == .charp {
                guard let value else { throw .invalid(parameter: name, value: [], errno: .EINVAL) }
                guard value.count <= Self.maximumStringLength, cursor + value.count < strings.upperBound else {
                    throw .tooLarge(parameter: name, value: value)
                }
                image.replaceSubrange(cursor..<cursor + value.count, with: value)
                image[cursor + value.count] = 0
                bytes = base &+ UInt64(cursor)
                cursor += value.count + 1
            } else {
                do throws(Errno) {
                    bytes = try Self.parse(value, as: parameter.kind)
                } catch {
                    throw .invalid(parameter: name, value: value ?? [], errno: error)
                }
            }
            image.replaceSubrange(
                parameter.offset..<parameter.offset + parameter.kind.size,
                with: Self.littleEndian(bytes, size: parameter.kind.size))
        }
        return unknown
    }

    /// Splits a load's arguments into `name` and `value` (nil without `=`),
    /// as Linux's next_arg: spaces separate them, except inside double
    /// quotes; a quoted value, or a wholly quoted argument, loses its quotes.
    public static func split(_ arguments: [UInt8]) -> [(name: [UInt8], value: [UInt8]?)] {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0d).contains(byte) }
        var result: [(name: [UInt8], value: [UInt8]?)] = []
        var index = 0
        while index < arguments.count {
            while index < arguments.count && isSpace(arguments[index]) { index += 1 }
            guard index < arguments.count else { break }
            let quoted = arguments[index] == UInt8(ascii: "\"")
            if quoted { index += 1 }
            var inQuote = quoted
            var equals: Int?
            var end = index
            while end < arguments.count && (inQuote || !isSpace(arguments[end])) {
                if equals == nil && arguments[end] == UInt8(ascii: "=") { equals = end }
                if arguments[end] == UInt8(ascii: "\"") { inQuote.toggle() }
                end += 1
            }
            var argument = Array(arguments[index..<end])
            let nameEnd = equals.map { $0 - index } ?? argument.count
            var valueStart = nameEnd + 1
            if valueStart < argument.count, argument[valueStart] == UInt8(ascii: "\"") {
                valueStart += 1
                if argument.last == UInt8(ascii: "\"") { argument.removeLast() }
            } else if quoted, argument.last == UInt8(ascii: "\"") {
                argument.removeLast()
            }
            let name = Array(argument[..<min(nameEnd, argument.count)])
            result.append((name, equals == nil ? nil : Array(argument[min(valueStart, argument.count)...])))
            index = end
        }
        return result
    }

    /// A numeric or bool value's bits (Linux: param_set_int ... kstrtoint
    /// with base 0, kstrtobool): EINVAL for a malformed one, ERANGE for one
    /// the type cannot hold. A bool without a value is true.
    public static func parse(_ value: [UInt8]?, as kind: Kind) throws(Errno) -> UInt64 {
        if kind == .bool {
            guard let value else { return 1 }
            switch value.first {
            case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "1"): return 1
            case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "0"): return 0
            case UInt8(ascii: "o"), UInt8(ascii: "O"):
                switch value.dropFirst().first {
                case UInt8(ascii: "n"), UInt8(ascii: "N"): return 1
                case UInt8(ascii: "f"), UInt8(ascii: "F"): return 0
                default: throw .EINVAL
                }
            default: throw .EINVAL
            }
        }
        guard var digits = value?[...] else { throw .EINVAL }
        if digits.last == UInt8(ascii: "\n") { digits = digits.dropLast() }
        let signed = kind == .int || kind == .long || kind == .short
        var negative = false
        if digits.first == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        } else if signed && digits.first == UInt8(ascii: "-") {
            negative = true
            digits = digits.dropFirst()
        }
        let magnitude = try Self.unsigned(digits)
        let bits = kind.size * 8
        if signed {
            let limit = UInt64(1) << UInt64(bits - 1)
            guard negative ? magnitude <= limit : magnitude < limit else { throw .ERANGE }
            return negative ? 0 &- magnitude : magnitude
        }
        guard bits == 64 || magnitude < UInt64(1) << UInt64(bits) else { throw .ERANGE }
        return magnitude
    }

    /// The low `size` bytes of `value`, as a variable of that size holds them.
    public static func littleEndian(_ value: UInt64, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// What /sys/module/NAME/parameters/P shows of a numeric or bool
    /// variable whose bytes are `bits` (Linux: param_get_int ... "%d\n",
    /// param_get_bool "Y\n" or "N\n"): signed types sign-extended from their
    /// size. A charp is its string, which only the caller can read.
    public static func show(_ bits: UInt64, as kind: Kind) -> String {
        let width = UInt64(kind.size * 8)
        let value = width == 64 ? bits : bits & (UInt64(1) << width - 1)
        switch kind {
        case .bool: return value != 0 ? "Y\n" : "N\n"
        case .int, .long, .short:
            let shift = 64 - width
            return "\(Int64(bitPattern: value << shift) >> Int64(shift))\n"
        case .uint, .ulong, .ushort, .charp: return "\(value)\n"
        }
    }

    /// An unsigned number in base 0: `0x` hex, leading `0` octal, else decimal (Linux: _parse_integer).
    private static func unsigned(_ text: ArraySlice<UInt8>) throws(Errno) -> UInt64 {
        var digits = text
        var radix: UInt64 = 10
        if digits.first == UInt8(ascii: "0") {
            let next = digits.dropFirst().first
            if next == UInt8(ascii: "x") || next == UInt8(ascii: "X"), digits.count > 2 {
                radix = 16
                digits = digits.dropFirst(2)
            } else {
                radix = 8
            }
        }
        guard !digits.isEmpty else { throw .EINVAL }
        var result: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: throw .EINVAL
            }
            guard digit < radix else { throw .EINVAL }
            let (product, overflow) = result.multipliedReportingOverflow(by: radix)
            let (sum, carry) = product.addingReportingOverflow(digit)
            guard !overflow && !carry else { throw .ERANGE }
            result = sum
        }
        return result
    }

    private static func load(_ image: [UInt8], at offset: Int, size: Int) -> UInt64 {
        (0..<size).reduce(UInt64(0)) { $0 | UInt64(image[offset + $1]) << (8 * UInt64($1)) }
    }
}
