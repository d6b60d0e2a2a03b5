/// The kernel command line, split into words and sorted into what the kernel
/// consumes itself and what it hands to init (Linux: init/main.c
/// start_kernel/unknown_bootoption/set_init_arg, kernel/params.c parse_args,
/// lib/cmdline.c next_arg).
///
/// Words are `param` or `param=value`, separated by spaces; double quotes
/// group spaces and are removed (`foo="a b"` has value `a b`). Up to a
/// standalone `--` the kernel takes the parameters it knows; of the others,
/// those with a `.` in the name are left for kernel subsystems ("modules"),
/// `name=value` words go into init's environment and bare words become init's
/// arguments. Every word after `--` is an argument to init.
public struct KernelCommandLine: Sendable {
    /// One word before `--`, with its quotes removed.
    public struct Parameter: Sendable {
        public let name: String
        /// `nil` for a bare word such as `quiet`; `""` for `name=`.
        public let value: String?
    }

    /// Init may not get more than this many arguments, counting argv[0]
    /// (Linux: MAX_INIT_ARGS, CONFIG_INIT_ENV_ARG_LIMIT).
    public static let maxInitArguments = 32
    /// Nor more environment variables, counting the defaults (MAX_INIT_ENVS).
    public static let maxInitEnvironment = 32
    /// The environment init starts with before the command line adds to it
    /// (Linux: envp_init).
    public static let defaultInitEnvironment = ["HOME=/", "TERM=linux"]

    /// Every word before `--`, in order; `value(of:)` searches these.
    public private(set) var parameters: [Parameter] = []
    /// `init=`: the program to run as PID 1 instead of the defaults.
    public private(set) var initPath: String?
    /// `rdinit=`: the program to run from the initramfs instead of `/init`.
    public private(set) var ramdiskInitPath: String?
    /// `loglevel=N`, `quiet` or `debug`, whichever comes last.
    public private(set) var consoleLogLevel = ConsoleLogLevel.default
    /// `panic=N`: seconds to wait before rebooting after a panic; 0 waits
    /// forever, a negative value reboots at once.
    public private(set) var panicTimeout = 0
    /// `panic_on_oops=N`: N != 0 makes every oops panic, instead of killing
    /// the task that was running.
    public private(set) var panicOnOops = false
    /// Every `console=` in order; the last one is the preferred console.
    public private(set) var consoles: [String] = []
    /// init's argv without argv[0], which is the init path chosen at exec time.
    public private(set) var initArguments: [String] = []
    /// init's envp.
    public private(set) var initEnvironment = KernelCommandLine.defaultInitEnvironment
    /// Known parameters whose value did not parse; the kernel ignores them
    /// and should say so.
    public private(set) var invalidParameters: [Parameter] = []
    /// Set when init's argv or envp overflowed; Linux then panics
    /// ("Too many boot init vars at ..."). Later words were not handed to init.
    public private(set) var initVariableOverflow: InitVariableOverflow?

    public init(_ commandLine: String) {
        self.init(bytes: Array(commandLine.utf8))
    }

    /// Parses the command line as the boot loader passed it, without the
    /// terminating NUL.
    public init(bytes: [UInt8]) {
        // Like start_kernel: a pass up to "--", then a pass over the rest.
        let afterDashes = Self.forEachWord(in: bytes, from: 0) { name, value in
            parameters.append(Parameter(name: name, value: value))
            if !applyKnownParameter(name: name, value: value) {
                handUnknownParameterToInit(name: name, value: value)
            }
        }
        if let afterDashes {
            // A second "--" ends init's arguments too: Linux ignores the rest.
            _ = Self.forEachWord(in: bytes, from: afterDashes) { name, value in
                addInitArgument(Self.joined(name, value), parameter: name)
            }
        }
    }

    /// The value of the last `name=value` word before `--`, or `nil` when
    /// there is none or the word has no `=`. Like Linux, `-` and `_` in names
    /// are interchangeable. Subsystems read their dotted parameters this way:
    /// `value(of: "apus.selftest")`.
    public func value(of name: String) -> String? {
        parameters.last { Self.namesMatch($0.name, name) }?.value
    }

    /// Whether any word before `--` has this name, with or without a value.
    public func contains(_ name: String) -> Bool {
        parameters.contains { Self.namesMatch($0.name, name) }
    }

    /// init's complete argv once the kernel has chosen which program to run.
    public func initArgv(path: String) -> [String] {
        [path] + initArguments
    }

    // MARK: Parameters the kernel knows

    /// A parameter the kernel consumes itself (Linux: early_param, __setup,
    /// core_param). `apply` returns false when the value is malformed.
    struct KnownParameter: Sendable {
        let name: String
        /// Linux's `__setup("init=")` only matches words written with `=`:
        /// a bare `init` is not this parameter and is handed to init.
        let needsEquals: Bool
        let apply: @Sendable (inout KernelCommandLine, String?) -> Bool
    }

    /// The one place to add a command-line switch.
    static let knownParameters: [KnownParameter] = [
        KnownParameter(name: "init", needsEquals: true) { commandLine, value in
            commandLine.initPath = value
            commandLine.dropArgumentsBeforeInitSetting()
            return true
        },
        KnownParameter(name: "rdinit", needsEquals: true) { commandLine, value in
            commandLine.ramdiskInitPath = value
            commandLine.dropArgumentsBeforeInitSetting()
            return true
        },
        KnownParameter(name: "console", needsEquals: true) { commandLine, value in
            commandLine.consoles.append(value ?? "")
            return true
        },
        KnownParameter(name: "loglevel", needsEquals: false) { commandLine, value in
            guard let level = value.flatMap(Self.leadingInteger) else { return false }
            commandLine.consoleLogLevel = level
            return true
        },
        KnownParameter(name: "quiet", needsEquals: false) { commandLine, _ in
            commandLine.consoleLogLevel = ConsoleLogLevel.quiet
            return true
        },
        KnownParameter(name: "debug", needsEquals: false) { commandLine, _ in
            commandLine.consoleLogLevel = ConsoleLogLevel.debug
            return true
        },
        KnownParameter(name: "panic", needsEquals: false) { commandLine, value in
            guard let seconds = value.flatMap(Self.strictInteger) else { return false }
            commandLine.panicTimeout = seconds
            return true
        },
        KnownParameter(name: "panic_on_oops", needsEquals: true) { commandLine, value in
            guard let flag = value.flatMap(Self.strictInteger) else { return false }
            commandLine.panicOnOops = flag != 0
            return true
        },
    ]

    /// Returns false when the word is not a known parameter.
    private mutating func applyKnownParameter(name: String, value: String?) -> Bool {
        guard
            let known = Self.knownParameters.first(where: {
                Self.namesMatch($0.name, name) && (value != nil || !$0.needsEquals)
            })
        else { return false }
        if !known.apply(&self, value) {
            invalidParameters.append(Parameter(name: name, value: value))
        }
        return true
    }

    /// `init=` and `rdinit=` discard the init arguments seen so far: old
    /// boot loaders (LILO) prepended words such as "auto" that the shell
    /// would take for a script name.
    private mutating func dropArgumentsBeforeInitSetting() {
        initArguments.removeAll()
    }

    // MARK: Handing words to init

    /// Linux: unknown_bootoption.
    private mutating func handUnknownParameterToInit(name: String, value: String?) {
        // Dotted names belong to kernel subsystems, which read them with
        // value(of:); init never sees them.
        if name.utf8.contains(UInt8(ascii: ".")) { return }
        if let value {
            addInitEnvironment(Self.joined(name, value), name: name)
        } else {
            addInitArgument(name, parameter: name)
        }
    }

    private mutating func addInitArgument(_ argument: String, parameter: String) {
        guard initVariableOverflow == nil else { return }
        // argv[0] counts against the limit.
        if 1 + initArguments.count == Self.maxInitArguments {
            initVariableOverflow = InitVariableOverflow(kind: .arguments, parameter: parameter)
            return
        }
        initArguments.append(argument)
    }

    private mutating func addInitEnvironment(_ variable: String, name: String) {
        guard initVariableOverflow == nil else { return }
        // A later `NAME=` replaces an earlier one, defaults included.
        let key = Array(name.utf8) + [UInt8(ascii: "=")]
        if let index = initEnvironment.firstIndex(where: { $0.utf8.starts(with: key) }) {
            initEnvironment[index] = variable
        } else if initEnvironment.count == Self.maxInitEnvironment {
            initVariableOverflow = InitVariableOverflow(kind: .environment, parameter: variable)
        } else {
            initEnvironment.append(variable)
        }
    }

    private static func joined(_ name: String, _ value: String?) -> String {
        guard let value else { return name }
        return name + "=" + value
    }

    // MARK: Splitting into words

    /// Calls `body` with each word's name and value from `start` on, and
    /// returns where the words after a standalone `--` begin, or nil when
    /// there is no `--` (Linux: parse_args).
    private static func forEachWord(
        in bytes: [UInt8], from start: Int, _ body: (String, String?) -> Void
    ) -> Int? {
        var position = skipSpaces(bytes, from: start)
        while position < bytes.count {
            let word = nextWord(bytes, from: position)
            position = word.next
            let name = String(decoding: bytes[word.name], as: UTF8.self)
            let value = word.value.map { String(decoding: bytes[$0], as: UTF8.self) }
            if value == nil && name.utf8.elementsEqual("--".utf8) { return position }
            body(name, value)
        }
        return nil
    }

    /// Linux: next_arg. Returns the byte ranges of the word's name and value
    /// and the index of the following word.
    private static func nextWord(_ bytes: [UInt8], from start: Int)
        -> (name: Range<Int>, value: Range<Int>?, next: Int)
    {
        let quote = UInt8(ascii: "\"")
        var wordStart = start
        var inQuote = false
        // A word may be quoted as a whole: "foo=a b".
        let quoted = bytes[start] == quote
        if quoted {
            wordStart += 1
            inQuote = true
        }
        var end = wordStart
        var equals: Int?
        while end < bytes.count {
            if isSpace(bytes[end]) && !inQuote { break }
            // An '=' that starts the word does not separate a value: that
            // is next_arg's `equals == 0` test.
            if equals == nil && bytes[end] == UInt8(ascii: "=") && end > wordStart { equals = end }
            if bytes[end] == quote { inQuote.toggle() }
            end += 1
        }

        var valueStart = equals.map { $0 + 1 }
        let valueQuoted = valueStart.map { $0 < end && bytes[$0] == quote } ?? false
        if valueQuoted { valueStart? += 1 }
        // Only the closing quote at the very end is removed; quotes inside
        // the word stay, as in Linux.
        let closingQuote = (quoted || valueQuoted) && end > wordStart && bytes[end - 1] == quote
        let textEnd = closingQuote ? end - 1 : end

        let name = wordStart..<(equals ?? textEnd)
        let value = valueStart.map { $0..<max($0, textEnd) }
        return (name, value, skipSpaces(bytes, from: end))
    }

    private static func skipSpaces(_ bytes: [UInt8], from start: Int) -> Int {
        var position = start
        while position < bytes.count && isSpace(bytes[position]) { position += 1 }
        return position
    }

    /// ASCII white space. Linux's ctype also counts Latin-1 NBSP (0xa0),
    /// which we leave out because that byte occurs inside UTF-8 characters.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0d)
    }

    /// Parameter names compare with `-` and `_` as the same character
    /// (Linux: parameq).
    static func namesMatch(_ a: String, _ b: String) -> Bool {
        func normalized(_ byte: UInt8) -> UInt8 { byte == UInt8(ascii: "-") ? UInt8(ascii: "_") : byte }
        return a.utf8.elementsEqual(b.utf8) { normalized($0) == normalized($1) }
    }

    // MARK: Integers, as Linux reads them

    /// Linux's lenient reader for early parameters (lib/cmdline.c
    /// get_option): an optional `-`, then digits in base 10, 16 (`0x`) or 8
    /// (leading `0`); whatever follows the digits is ignored. The result is
    /// truncated to a C `int`.
    static func leadingInteger(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        let negative = bytes.first == UInt8(ascii: "-")
        let digits = parseUnsigned(bytes, from: negative ? 1 : 0)
        guard digits.count > 0 else { return nil }
        let magnitude = Int32(truncatingIfNeeded: digits.value)
        return Int(negative ? 0 &- magnitude : magnitude)
    }

    /// Linux's strict reader for `int` parameters (lib/kstrtox.c
    /// kstrtoint with base 0): an optional sign, digits in base 10, 16 or 8,
    /// at most a trailing newline, and the value must fit in a C `int`.
    static func strictInteger(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var start = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { start = 1 }
        let digits = parseUnsigned(bytes, from: start)
        var end = digits.end
        if end < bytes.count && bytes[end] == UInt8(ascii: "\n") { end += 1 }
        guard digits.count > 0, !digits.overflow, end == bytes.count,
            let magnitude = Int64(exactly: digits.value),
            let result = Int32(exactly: negative ? -magnitude : magnitude)
        else { return nil }
        return Int(result)
    }

    /// Linux: _parse_integer_fixup_radix and _parse_integer with base 0.
    private static func parseUnsigned(_ bytes: [UInt8], from start: Int)
        -> (value: UInt64, count: Int, end: Int, overflow: Bool)
    {
        func digitValue(_ byte: UInt8) -> UInt64? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }
        var position = start
        var radix: UInt64 = 10
        if position < bytes.count && bytes[position] == UInt8(ascii: "0") {
            radix = 8
            let hasHexPrefix =
                position + 2 < bytes.count
                && bytes[position + 1] | 0x20 == UInt8(ascii: "x")
                && digitValue(bytes[position + 2]) != nil
            if hasHexPrefix {
                radix = 16
                position += 2
            }
        }
        var value: UInt64 = 0
        var overflow = false
        let digitsStart = position
        while position < bytes.count, let digit = digitValue(bytes[position]), digit < radix {
            let (shifted, shiftOverflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, addOverflow) = shifted.addingReportingOverflow(digit)
            overflow = overflow || shiftOverflow || addOverflow
            value = sum
            position += 1
        }
        return (value, position - digitsStart, position, overflow)
    }
}

/// init's argv or envp would exceed Linux's limits; the kernel panics with
/// `panicMessage` once the console is up (Linux: panic_later in init/main.c).
public struct InitVariableOverflow: Sendable {
    public enum Kind: Sendable { case arguments, environment }
    public let kind: Kind
    /// The word that did not fit.
    public let parameter: String

    public var panicMessage: String {
        "Too many boot \(kind == .arguments ? "init" : "env") vars at `\(parameter)'"
    }
}
