import ABI
import Testing

@testable import Lib

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Copies argv and envp the way the kernel does: environment then
/// arguments, each from its last string to its first.
private func execArguments(
    filename: String, argv: [String], envp: [String], stackLimit: Int = ExecArguments.defaultStackLimit
) throws(Errno) -> ExecArguments {
    var arguments = try ExecArguments(
        filename: bytes(filename), argumentCount: argv.count,
        environmentCount: envp.count, stackLimit: stackLimit)
    for string in envp.reversed() { try arguments.pushEnvironment(bytes(string)) }
    for string in argv.reversed() { try arguments.pushArgument(bytes(string)) }
    return arguments
}

@Suite struct ExecArgumentsTests {
    /// 8 MiB of stack: a quarter, 2 MiB, for strings and their pointers.
    static let defaultSpace = 2 << 20

    @Test func keepsTheOrderUserSpaceGave() throws {
        let arguments = try execArguments(filename: "/bin/prog", argv: ["prog", "-v", ""], envp: ["A=1", "B=2"])
        #expect(arguments.arguments == [bytes("prog"), bytes("-v"), []])
        #expect(arguments.environment == [bytes("A=1"), bytes("B=2")])
        #expect(arguments.filename == bytes("/bin/prog"))
        #expect(arguments.stringBytes == 10 + 5 + 3 + 1 + 4 + 4)
        #expect(arguments.spaceLeft == Self.defaultSpace - 5 * 8 - arguments.stringBytes)
    }

    @Test func aStringMayFillThirtyTwoPagesWithItsNUL() throws {
        let longest = [UInt8](repeating: 0x61, count: ExecLimits.MAX_ARG_STRLEN - 1)
        var arguments = try ExecArguments(filename: bytes("/x"), argumentCount: 2, environmentCount: 0)
        try arguments.pushArgument(longest)
        #expect(throws: Errno.E2BIG) { try arguments.pushArgument(longest + [0x61]) }
    }

    @Test func stringsShareAQuarterOfTheStackWithTheirPointers() throws {
        let pointers = 3 * 8
        let filename = bytes("/f")
        var arguments = try ExecArguments(filename: filename, argumentCount: 2, environmentCount: 1)
        // Fill all but the last 10 bytes with strings that are each allowed on their own.
        var left = Self.defaultSpace - pointers - (filename.count + 1) - 10
        while left > 0 {
            let size = min(left, ExecLimits.MAX_ARG_STRLEN)
            try arguments.pushEnvironment([UInt8](repeating: 0x62, count: size - 1))
            left -= size
        }
        #expect(arguments.spaceLeft == 10)
        #expect(throws: Errno.E2BIG) { try arguments.pushArgument([UInt8](repeating: 0x63, count: 10)) }
        try arguments.pushArgument([UInt8](repeating: 0x63, count: 9))
        #expect(arguments.spaceLeft == 0)
    }

    @Test func tooManyPointersAreE2BIGBeforeAnyString() {
        #expect(throws: Errno.E2BIG) {
            try ExecArguments(filename: bytes("/f"), argumentCount: Self.defaultSpace / 8, environmentCount: 0)
        }
        #expect(throws: Errno.E2BIG) {
            try ExecArguments(filename: bytes("/f"), argumentCount: -1, environmentCount: 0)
        }
        #expect(throws: Errno.E2BIG) {
            try ExecArguments(filename: bytes("/f"), argumentCount: Int.max / 4, environmentCount: Int.max / 4)
        }
    }

    @Test func aSmallStackStillAllowsThirtyTwoPages() throws {
        let arguments = try ExecArguments(
            filename: bytes("/f"), argumentCount: 0, environmentCount: 0,
            stackLimit: 64 << 10)
        // An empty argv reserves the pointer to the empty argv[0] exec adds.
        #expect(arguments.spaceLeft == ExecArguments.minimumStringSpace - 8 - 3)
        let huge = try ExecArguments(
            filename: bytes("/f"), argumentCount: 0, environmentCount: 0,
            stackLimit: 1 << 40)
        #expect(huge.spaceLeft == 6 << 20 - 8 - 3)
    }

    @Test func removingArgvZeroGivesItsSpaceBack() throws {
        var arguments = try execArguments(filename: "/s", argv: ["script", "x"], envp: [])
        let before = arguments.spaceLeft
        arguments.removeFirstArgument()
        #expect(arguments.arguments == [bytes("x")])
        #expect(arguments.spaceLeft == before + 7)
        try arguments.pushArgument(bytes("/s"))
        try arguments.pushArgument(bytes("/bin/sh"))
        #expect(arguments.arguments == [bytes("/bin/sh"), bytes("/s"), bytes("x")])
    }
}

/// Reads a stack image back the way a C library's _start does.
private struct ParsedStack {
    var argv: [[UInt8]] = []
    var envp: [[UInt8]] = []
    var auxv: [(UInt64, UInt64)] = []

    init(_ stack: InitialStack) {
        let image = stack.bytes
        let base = stack.stackPointer
        func word(_ address: UInt64) -> UInt64 { image.loadLittleEndian(UInt64.self, at: Int(address - base)) }
        func string(_ address: UInt64) -> [UInt8] {
            Array(image[Int(address - base)...].prefix { $0 != 0 })
        }
        var cursor = base
        let argc = word(cursor)
        cursor += 8
        for _ in 0..<argc {
            argv.append(string(word(cursor)))
            cursor += 8
        }
        #expect(word(cursor) == 0)
        cursor += 8
        while word(cursor) != 0 {
            envp.append(string(word(cursor)))
            cursor += 8
        }
        cursor += 8
        while true {
            let pair = (word(cursor), word(cursor + 8))
            auxv.append(pair)
            cursor += 16
            if pair.0 == AuxvType.AT_NULL.rawValue { break }
        }
    }

    func value(_ type: AuxvType) -> UInt64? { auxv.first { $0.0 == type.rawValue }?.1 }
}

@Suite struct InitialStackTests {
    static let top: UInt64 = 0x3fff_ffff_f000
    static let random: [UInt8] = Array(1...16)

    static func build(argv: [String], envp: [String], filename: String = "/bin/prog") throws -> InitialStack {
        let arguments = try execArguments(filename: filename, argv: argv, envp: envp)
        return InitialStack(top: top, arguments: arguments, platform: bytes("x86_64"), randomBytes: random) {
            [(.AT_PAGESZ, 4096), (.AT_RANDOM, $0.randomBytes), (.AT_EXECFN, $0.filename), (.AT_PLATFORM, $0.platform)]
        }
    }

    @Test func aCLibraryFindsArgvEnvpAndAuxv() throws {
        let stack = try Self.build(argv: ["prog", "one", ""], envp: ["HOME=/", "TERM=linux"])
        let parsed = ParsedStack(stack)
        #expect(parsed.argv == [bytes("prog"), bytes("one"), []])
        #expect(parsed.envp == [bytes("HOME=/"), bytes("TERM=linux")])
        #expect(parsed.auxv.map { $0.0 } == [6, 25, 31, 15, 0])
        #expect(parsed.value(.AT_PAGESZ) == 4096)
        #expect(stack.stackPointer % 16 == 0)
        #expect(stack.stackPointer + UInt64(stack.bytes.count) == Self.top)
    }

    @Test func stringsSitAtTheTopInLinuxOrder() throws {
        let stack = try Self.build(argv: ["a", "bc"], envp: ["D=1"], filename: "/f")
        let image = stack.bytes
        func at(_ address: UInt64, _ count: Int) -> [UInt8] {
            Array(image[Int(address - stack.stackPointer)..<Int(address - stack.stackPointer) + count])
        }
        // argv[0] lowest, then the rest, the environment, the file name, 8 zero bytes.
        #expect(stack.argumentsStart == Self.top - 8 - 12)
        #expect(at(stack.argumentsStart, 20) == bytes("a\0bc\0D=1\0/f\0") + [UInt8](repeating: 0, count: 8))
        #expect(stack.environmentStart == stack.argumentsStart + 5)
        #expect(stack.environmentEnd == stack.environmentStart + 4)
        let parsed = ParsedStack(stack)
        #expect(parsed.value(.AT_EXECFN) == stack.environmentEnd)
        // The platform string below the 16-byte aligned strings, the random bytes below it.
        let platform = try #require(parsed.value(.AT_PLATFORM))
        #expect(platform == (stack.argumentsStart & ~15) - 7)
        #expect(at(platform, 7) == bytes("x86_64\0"))
        let random = try #require(parsed.value(.AT_RANDOM))
        #expect(random == platform - 16)
        #expect(at(random, 16) == Self.random)
    }

    @Test func theStackPointerIsAlignedWhateverTheCounts() throws {
        for argc in 1...4 {
            for envc in 0...3 {
                let argv = (0..<argc).map { String(repeating: "a", count: $0 + 1) }
                let envp = (0..<envc).map { "E\($0)=" + String(repeating: "v", count: $0) }
                let stack = try Self.build(argv: argv, envp: envp)
                #expect(stack.stackPointer % 16 == 0)
                let parsed = ParsedStack(stack)
                #expect(parsed.argv.count == argc && parsed.envp.count == envc)
                // Padding is at most 15 bytes between the vector and the random bytes.
                let vectorEnd = stack.stackPointer + UInt64(8 * (1 + argc + 1 + envc + 1 + 2 * parsed.auxv.count))
                let random = try #require(parsed.value(.AT_RANDOM))
                #expect(random >= vectorEnd && random - vectorEnd < 16)
            }
        }
    }
}

private func line(_ text: String) throws(Errno) -> ScriptInterpreterLine? {
    try ScriptInterpreterLine(parsing: bytes(text))
}

private struct Parts: Equatable {
    let interpreter: [UInt8]
    let argument: [UInt8]?
    init(_ interpreter: [UInt8], _ argument: [UInt8]?) {
        self.interpreter = interpreter
        self.argument = argument
    }
}

private func parts(_ text: String) throws(Errno) -> Parts? {
    try line(text).map { Parts($0.interpreter, $0.argument) }
}

@Suite struct ScriptInterpreterLineTests {
    @Test func notAScriptIsNil() throws {
        #expect(try line("\u{7F}ELF") == nil)
        #expect(try line("#") == nil)
        #expect(try line("") == nil)
        #expect(try line("! /bin/sh") == nil)
    }

    @Test func interpreterAndOneArgument() throws {
        #expect(try parts("#!/bin/sh\necho hi\n") == Parts(bytes("/bin/sh"), nil))
        #expect(try line("#! /bin/sh -e\n")?.argument == bytes("-e"))
        // Everything after the name is one argument, inner blanks kept, outer ones trimmed.
        let spaced = try #require(try line("#!\t/usr/bin/env  python3 -u \t \nprint()"))
        #expect(spaced.interpreter == bytes("/usr/bin/env"))
        #expect(spaced.argument == bytes("python3 -u"))
        #expect(try line("#!/bin/sh   \n")?.argument == nil)
        // A file that is just the line, without a newline.
        #expect(try parts("#!/bin/busybox sh") == Parts(bytes("/bin/busybox"), bytes("sh")))
        #expect(try line("#!/bin/sh")?.argument == nil)
    }

    @Test func noInterpreterIsENOEXEC() {
        #expect(throws: Errno.ENOEXEC) { try line("#!\n") }
        #expect(throws: Errno.ENOEXEC) { try line("#!  \t \n/bin/sh") }
        #expect(throws: Errno.ENOEXEC) { try line("#!" + String(repeating: " ", count: 300)) }
    }

    /// Linux takes a bare `#!` for an interpreter with an empty name, which
    /// exec then fails to open (ENOENT).
    @Test func aBareMarkerNamesTheEmptyPath() throws {
        #expect(try parts("#!") == Parts([], nil))
    }

    @Test func onlyTheFirst256BytesCount() throws {
        // A name that runs to the end of the buffer may be cut short: refused.
        #expect(throws: Errno.ENOEXEC) { try line("#!/" + String(repeating: "x", count: 300)) }
        // A name followed by a blank inside the buffer is whole; the argument is cut at byte 255.
        let long = try #require(try line("#!/bin/sh " + String(repeating: "a", count: 300) + "\n"))
        #expect(long.interpreter == bytes("/bin/sh"))
        #expect(long.argument == [UInt8](repeating: 0x61, count: 255 - 10))
        // A newline beyond the buffer is not seen.
        let newlineAt256 = try #require(try line("#!/bin/sh" + String(repeating: " ", count: 250) + "x\n"))
        #expect(newlineAt256.argument == nil)
    }

    @Test func aNULEndsTheLine() throws {
        let cut = try #require(try line("#!/bin/sh -x\0ignored\n"))
        #expect(cut.interpreter == bytes("/bin/sh"))
        #expect(cut.argument == bytes("-x"))
        #expect(try line("#!/bin/sh\0 -x\n")?.argument == nil)
    }
}
