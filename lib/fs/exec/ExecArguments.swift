import ABI

/// The strings execve hands to the new program, and the limits on them
/// (Linux: the argument pages of struct linux_binprm in fs/exec.c, filled
/// by copy_string_kernel() and copy_strings(), bounded by bprm_stack_limits()).
///
/// Linux copies the strings straight onto the new stack, top down: first the
/// file name (which becomes AT_EXECFN), then the environment, then the
/// arguments, each list from its last string to its first. The same order
/// is kept here — strings are *pushed* in front of those already there — so
/// the limits fail at the same string as Linux's and a script's interpreter
/// can replace argv[0] the way binfmt_script does.
public struct ExecArguments: Sendable {
    /// Linux's _STK_LIM and the default RLIMIT_STACK: 8 MiB.
    public static let defaultStackLimit = 8 << 20
    /// ARG_MAX: the room for strings never drops below 32 pages, however
    /// small the stack limit.
    public static let minimumStringSpace = 32 * 4096

    /// The path execve was given (Linux: bprm->filename). It sits above all
    /// other strings; AT_EXECFN points at it.
    public let filename: [UInt8]
    /// Stored last-to-first, so that pushing in front is an append.
    private var environmentReversed: [[UInt8]] = []
    private var argumentsReversed: [[UInt8]] = []
    /// Bytes of strings that still fit (Linux: bprm->p - bprm->argmin).
    public private(set) var spaceLeft: Int

    /// argv, first string first.
    public var arguments: [[UInt8]] { argumentsReversed.reversed() }
    /// envp, first string first.
    public var environment: [[UInt8]] { environmentReversed.reversed() }
    /// Every string's bytes with their NULs: what the stack must hold.
    public var stringBytes: Int {
        let lists =
            environmentReversed.reduce(0) { $0 + $1.count + 1 } + argumentsReversed.reduce(0) { $0 + $1.count + 1 }
        return filename.count + 1 + lists
    }

    /// Sets the limit for `argumentCount` and `environmentCount` pointers
    /// and copies `filename` (Linux: bprm_stack_limits() and the first
    /// copy_string_kernel()). The strings may take a quarter of the stack
    /// limit (at most 6 MiB, at least 128 KiB) less the pointers to them;
    /// E2BIG when the pointers alone do not fit. An empty argv counts as one
    /// pointer, for the empty argv[0] exec will add.
    public init(
        filename: [UInt8], argumentCount: Int, environmentCount: Int,
        stackLimit: Int = ExecArguments.defaultStackLimit
    ) throws(Errno) {
        var limit = min(Self.defaultStackLimit / 4 * 3, stackLimit / 4)
        limit = max(limit, Self.minimumStringSpace)
        guard argumentCount >= 0, environmentCount >= 0 else { throw .E2BIG }
        let (pointers, overflow) = (max(argumentCount, 1) + environmentCount).multipliedReportingOverflow(by: 8)
        guard !overflow, pointers < limit else { throw .E2BIG }
        spaceLeft = limit - pointers
        self.filename = filename
        try take(filename)
    }

    /// Puts `string` in front of the environment strings copied so far.
    public mutating func pushEnvironment(_ string: [UInt8]) throws(Errno) {
        try take(string)
        environmentReversed.append(string)
    }

    /// Puts `string` in front of the arguments copied so far: it becomes argv[0].
    public mutating func pushArgument(_ string: [UInt8]) throws(Errno) {
        try take(string)
        argumentsReversed.append(string)
    }

    /// Drops argv[0] and gives its space back (Linux: remove_arg_zero(),
    /// for a script's interpreter to put its own arguments in front).
    public mutating func removeFirstArgument() {
        guard let first = argumentsReversed.popLast() else { return }
        spaceLeft += first.count + 1
    }

    /// Accounts for one string and its NUL (Linux: valid_arg_len() and the
    /// `bprm->p < bprm->argmin` test).
    private mutating func take(_ string: [UInt8]) throws(Errno) {
        let size = string.count + 1
        guard size <= ExecLimits.MAX_ARG_STRLEN, size <= spaceLeft else { throw .E2BIG }
        spaceLeft -= size
    }
}
