/// Integer-to-text conversion for the kernel's printing paths, which cannot
/// use `String(format:)` (Linux: lib/vsprintf.c number()).

/// `value` in lowercase hex with a `0x` prefix and no leading zeros, like
/// Linux's `%#lx`: `hex(0x1c) == "0x1c"`, `hex(0) == "0x0"`.
public func hex(_ value: UInt64) -> String {
    "0x" + digits(of: value, radix: 16, width: 0, padding: UInt8(ascii: "0"))
}

/// `value` in lowercase hex, zero-padded to at least `width` digits and
/// without prefix, like Linux's `%016lx` for register dumps:
/// `hex(0x1234, width: 16) == "0000000000001234"`.
public func hex(_ value: UInt64, width: Int) -> String {
    digits(of: value, radix: 16, width: width, padding: UInt8(ascii: "0"))
}

/// `value` in uppercase hex, zero-padded to at least `width` digits, like
/// Linux's `%04X` in PCI ids and modaliases: `upperHex(0x1af4, width: 4) == "1AF4"`.
public func upperHex(_ value: UInt64, width: Int) -> String {
    digits(of: value, radix: 16, width: width, padding: UInt8(ascii: "0"), letters: UInt8(ascii: "A"))
}

/// `value` in decimal, right-aligned to at least `width` characters, padded
/// with zeros (`%06lu`) or spaces (`%5lu`).
public func decimal(_ value: UInt64, width: Int = 0, zeroPadded: Bool = false) -> String {
    digits(of: value, radix: 10, width: width, padding: UInt8(ascii: zeroPadded ? "0" : " "))
}

/// `value` in octal, zero-padded to at least `width` digits (`%03o`).
public func octal(_ value: UInt64, width: Int = 0) -> String {
    digits(of: value, radix: 8, width: width, padding: UInt8(ascii: "0"))
}

private func digits(
    of value: UInt64, radix: UInt64, width: Int, padding: UInt8, letters: UInt8 = UInt8(ascii: "a")
) -> String {
    var reversed: [UInt8] = []
    var rest = value
    repeat {
        let digit = UInt8(rest % radix)
        reversed.append(digit < 10 ? UInt8(ascii: "0") + digit : letters + digit - 10)
        rest /= radix
    } while rest > 0
    while reversed.count < width { reversed.append(padding) }
    return String(decoding: reversed.reversed(), as: UTF8.self)
}
