import ABI

/// The stack a new program starts on, as the bytes exec copies below the
/// stack top (Linux: the strings copy_strings() leaves at the top, then
/// create_elf_tables() in fs/binfmt_elf.c). From the top down:
///
///     8 zero bytes
///     argv[0] ... argv[argc-1], envp[0] ... envp[envc-1], the file name (strings, NUL-terminated)
///     -- aligned down to 16 --
///     the platform string ("x86_64")            <- AT_PLATFORM
///     16 random bytes                           <- AT_RANDOM
///     padding, so that the stack pointer is a multiple of 16
///     auxiliary vector: (type, value) pairs, ending with AT_NULL
///     envp pointers, NULL
///     argv pointers, NULL
///     argc                                      <- stack pointer
///
/// The x86-64 ABI asks for exactly this: RSP 16-byte aligned and pointing
/// at argc when the first instruction runs. Without address-space
/// randomization Linux adds no random gap, and neither does this.
public struct InitialStack: Sendable {
    /// Where the strings the auxiliary vector points to were put.
    public struct StringAddresses: Sendable {
        /// AT_EXECFN: the file name exec was given.
        public let filename: UInt64
        /// AT_PLATFORM.
        public let platform: UInt64
        /// AT_RANDOM.
        public let randomBytes: UInt64
    }

    /// RSP at the program's first instruction: the address of argc.
    public let stackPointer: UInt64
    /// The stack's contents from `stackPointer` up to the top.
    public let bytes: [UInt8]
    /// Where argv[0]'s string starts and envp's strings start and end
    /// (Linux: mm->arg_start, env_start, env_end; /proc/PID/cmdline and
    /// environ read them).
    public let argumentsStart: UInt64
    public let environmentStart: UInt64
    public let environmentEnd: UInt64
    /// The auxiliary vector as (type, value) words, AT_NULL included: what
    /// a core dump's NT_AUXV holds (Linux: mm->saved_auxv).
    public let auxiliaryWords: [UInt64]

    /// Lays out `arguments` below `top` (the end of the stack area, page
    /// aligned). `auxiliaryVector` gets the strings' addresses and returns
    /// the vector's entries in order, without the final AT_NULL.
    public init(
        top: UInt64, arguments: ExecArguments, platform: [UInt8], randomBytes: [UInt8],
        auxiliaryVector: (StringAddresses) -> [(AuxvType, UInt64)]
    ) {
        precondition(randomBytes.count == 16, "AT_RANDOM points at 16 bytes")
        let argv = arguments.arguments
        let envp = arguments.environment
        // The strings, upwards from argv[0]; the file name ends 8 bytes below the top.
        argumentsStart = top - 8 - UInt64(arguments.stringBytes)
        var strings: [(address: UInt64, bytes: [UInt8])] = []
        var cursor = argumentsStart
        func place(_ string: [UInt8]) -> UInt64 {
            strings.append((cursor, string))
            cursor += UInt64(string.count + 1)
            return strings[strings.count - 1].address
        }
        let argumentPointers = argv.map(place)
        environmentStart = cursor
        let environmentPointers = envp.map(place)
        environmentEnd = cursor
        let filenameAddress = place(arguments.filename)

        // Below the strings, 16-byte aligned: the platform name, then the random bytes.
        let platformAddress = (argumentsStart & ~15) - UInt64(platform.count + 1)
        let randomAddress = platformAddress - 16
        strings.append((platformAddress, platform))

        let addresses = StringAddresses(
            filename: filenameAddress, platform: platformAddress,
            randomBytes: randomAddress)
        let auxiliary = auxiliaryVector(addresses) + [(.AT_NULL, 0)]
        var words: [UInt64] = [UInt64(argv.count)]
        words += argumentPointers + [0]
        words += environmentPointers + [0]
        auxiliaryWords = auxiliary.flatMap { [$0.0.rawValue, $0.1] }
        words += auxiliaryWords
        stackPointer = (randomAddress - UInt64(words.count * 8)) & ~15

        var image = [UInt8](repeating: 0, count: Int(top - stackPointer))
        for (index, word) in words.enumerated() {
            image.storeLittleEndian(word, at: index * 8)
        }
        image.storeBytes(randomBytes, at: Int(randomAddress - stackPointer))
        // Each string's NUL is already there: the image starts zeroed.
        for (address, string) in strings {
            image.storeBytes(string, at: Int(address - stackPointer))
        }
        bytes = image
    }
}
