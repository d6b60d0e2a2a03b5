import ABI

/// The `#!` line of a script: the interpreter to run and the one optional
/// argument to pass it (Linux: load_script() in fs/binfmt_script.c).
///
/// Only the first BINPRM_BUF_SIZE (256) bytes of the file are looked at, as
/// if the rest were NUL. Spaces and tabs separate; everything after the
/// interpreter's name up to the end of the line, trailing blanks removed,
/// is a single argument, spaces included (`#!/bin/sh -e -x` passes "-e -x").
/// A line that does not end within the 256 bytes may cut the argument short
/// (the interpreter can read the script itself) but never the interpreter's
/// name: if no blank or NUL follows the name inside the buffer, the file is
/// ENOEXEC.
public struct ScriptInterpreterLine: Sendable {
    public let interpreter: [UInt8]
    public let argument: [UInt8]?

    /// Parses the start of a file. `nil` when it does not begin with `#!`
    /// (not a script); ENOEXEC when it does but names no usable interpreter.
    public init?(parsing start: [UInt8]) throws(Errno) {
        let size = ExecLimits.BINPRM_BUF_SIZE
        var buffer = Array(start.prefix(size))
        buffer += [UInt8](repeating: 0, count: size - buffer.count)
        guard buffer[0] == UInt8(ascii: "#"), buffer[1] == UInt8(ascii: "!") else { return nil }

        func isBlank(_ index: Int) -> Bool { buffer[index] == 0x20 || buffer[index] == 0x09 }
        func isTerminator(_ index: Int) -> Bool { isBlank(index) || buffer[index] == 0 }
        let last = size - 1
        // The line ends at a newline that comes before any NUL (strnchr).
        let lineBreak = buffer.prefix { $0 != 0 }.firstIndex(of: 0x0A)
        var end: Int
        if let lineBreak {
            end = lineBreak
        } else {
            // No newline: only accept the line if the name cannot be cut off.
            guard let nameStart = (2...last).first(where: { !isBlank($0) }),
                (nameStart...last).contains(where: isTerminator)
            else { throw .ENOEXEC }
            end = last
        }
        while isBlank(end - 1) { end -= 1 }

        guard let nameStart = (2...end).first(where: { !isBlank($0) }), nameStart != end else {
            throw .ENOEXEC
        }
        let separator = (nameStart...end).first(where: isTerminator)
        interpreter = Array(buffer[nameStart..<(separator ?? end)])
        // A blank after the name starts the argument; a NUL ends the line.
        if let separator, buffer[separator] != 0,
            let argumentStart = (separator...end).first(where: { !isBlank($0) })
        {
            let argumentEnd = (argumentStart..<end).first { buffer[$0] == 0 } ?? end
            argument = Array(buffer[argumentStart..<argumentEnd])
        } else {
            argument = nil
        }
    }
}
