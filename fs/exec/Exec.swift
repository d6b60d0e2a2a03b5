import ABI
import Core
import Lib
import Synchronization

/// What a binary format's loader found (Linux: the outcome of
/// linux_binfmt->load_binary).
enum BinaryLoadResult {
    /// A complete program, ready to replace the caller's.
    case program(NewProgram)
    /// A script: load this interpreter next (Linux: bprm->interpreter).
    case interpreter(File, path: [UInt8])
}

/// A loaded program that has not started: its memory, its first
/// instruction and its stack pointer.
struct NewProgram {
    let space: AddressSpace
    let entry: UInt64
    let stackPointer: UInt64
}

/// execve: replacing the running program with another (Linux: fs/exec.c).
///
/// Everything that can fail happens first: finding and opening the file,
/// copying argv and envp, recognising the format and building the new
/// address space. Only then, at the point of no return, does the task
/// switch to the new program; an error before that returns to the old one,
/// which has not been touched.
public enum Exec {
    /// How many times a script may name another script as its interpreter
    /// before exec gives up with ELOOP (Linux: exec_binprm's depth > 5).
    static let maximumInterpreterDepth = 5
    /// Linux warns once when a program is started with an empty argv.
    private static let emptyArgvWarned = Atomic<Bool>(false)

    /// The formats, in the order they are tried (Linux: the `formats` list;
    /// each loader answers ENOEXEC for a file that is not its kind).
    private enum BinaryFormat: CaseIterable {
        case script, elf

        func load(_ parameters: BinaryParameters) throws(Errno) -> BinaryLoadResult {
            switch self {
            case .script: try BinfmtScript.load(parameters)
            case .elf: try BinfmtELF.load(parameters)
            }
        }
    }

    /// Which string `string(_:_:)` asks for.
    enum StringList { case arguments, environment }

    /// execve(2)/execveat(2) from user space: the path, argv and envp are
    /// user addresses (argv and envp may be 0, meaning empty). A relative
    /// path starts at `directory`, a descriptor or AT_FDCWD; an empty path
    /// names `directory` itself if `allowEmptyPath` (AT_EMPTY_PATH).
    /// Returns only on failure — on success the system call returns into
    /// the new program.
    static func execveFromUser(
        directory: FileDescriptor, path: UserString, arguments: UserPointer<UInt64>,
        environment: UserPointer<UInt64>, followFinalSymlink: Bool,
        allowEmptyPath: Bool
    ) throws(Errno) {
        let target = try PathArgument(path, dirfd: directory, allowEmpty: allowEmptyPath)
        try execute(
            target, filename: execFilename(target, directory: directory.rawValue),
            followFinalSymlink: followFinalSymlink
        ) {
            () throws(Errno) -> ([UInt64], [UInt64]) in
            (try userPointers(at: arguments), try userPointers(at: environment))
        } string: { (pointer: UInt64) throws(Errno) -> [UInt8] in
            try userString(at: pointer)
        }
    }

    /// The name the new program is given (bprm->filename, AT_EXECFN and
    /// the script argument): the path, or for a path relative to a
    /// descriptor, "/dev/fd/N" or "/dev/fd/N/path", as Linux writes it.
    private static func execFilename(_ target: PathArgument, directory: Int32) -> [UInt8] {
        guard target.path.first != UInt8(ascii: "/"), directory != AtFlags.AT_FDCWD else { return target.path }
        let descriptor = Array("/dev/fd/\(directory)".utf8)
        return target.path.isEmpty ? descriptor : descriptor + [UInt8(ascii: "/")] + target.path
    }

    /// Runs a program from the kernel (Linux: kernel_execve): how pid 1
    /// becomes init. On success the calling kernel thread turns into a user
    /// process, which starts when the thread's function returns.
    public static func kernelExecve(_ path: String, arguments: [String], environment: [String]) throws(Errno) {
        let strings = (arguments + environment).map { Array($0.utf8) }
        let argumentIndices = (0..<arguments.count).map(UInt64.init)
        let environmentIndices = (arguments.count..<strings.count).map(UInt64.init)
        let target = try PathArgument(path: Array(path.utf8), dirfd: .currentDirectory, allowEmpty: false)
        try execute(target, filename: target.path, followFinalSymlink: true) {
            () throws(Errno) -> ([UInt64], [UInt64]) in
            (argumentIndices, environmentIndices)
        } string: { (index: UInt64) throws(Errno) -> [UInt8] in
            strings[Int(index)]
        }
    }

    /// Opens a program or interpreter for exec (Linux: do_open_execat and
    /// may_open with MAY_EXEC): only a regular file the caller may execute
    /// will do — root too needs some execute bit; a directory, device or
    /// FIFO is EACCES, and so is a file on a noexec mount. Reading is not needed.
    static func openExecutable(_ target: PathArgument, followFinalSymlink: Bool = true) throws(Errno) -> File {
        let place = try target.lookup(follow: followFinalSymlink)
        guard let inode = place.inode else { throw .ENOENT }
        if inode.isSymlink { throw .ELOOP }
        // A noexec mount runs nothing (Linux: path_noexec in do_open_execat).
        guard inode.fileType == FileMode.S_IFREG, !place.mount.flags.contains(.MS_NOEXEC),
            inode.permits(.X_OK, as: VFS.callerCredentials)
        else { throw .EACCES }
        // A file open for writing cannot be run (Linux: deny_write_access): ETXTBSY.
        let denial = try InodeWriteAccess(inode, .deny)
        let file = File(path: place, inode: inode, flags: .O_RDONLY, operations: inode.fileOperations)
        file.writeAccess = denial
        return file
    }

    // MARK: - The steps

    /// Linux: do_execveat_common, then bprm_execve. `pointers` returns argv
    /// and envp as references that `string` turns into strings, so user
    /// and kernel callers share every step.
    private static func execute(
        _ target: PathArgument, filename: [UInt8], followFinalSymlink: Bool,
        pointers: () throws(Errno) -> ([UInt64], [UInt64]),
        string: (UInt64) throws(Errno) -> [UInt8]
    ) throws(Errno) {
        let file = try openExecutable(target, followFinalSymlink: followFinalSymlink)
        let (argv, envp) = try pointers()
        var arguments = try ExecArguments(
            filename: filename, argumentCount: argv.count,
            environmentCount: envp.count)
        // Last to first, as Linux copies them down the new stack.
        for pointer in envp.reversed() { try arguments.pushEnvironment(try string(pointer)) }
        for pointer in argv.reversed() { try arguments.pushArgument(try string(pointer)) }
        if argv.isEmpty {
            // Programs take argv[0] for granted; Linux gives them an empty one.
            try arguments.pushArgument([])
            if !emptyArgvWarned.exchange(true, ordering: .relaxed) {
                pr_warn(
                    "process '\(Scheduler.current.comm)' launched '\(String(decoding: filename, as: UTF8.self))' with NULL argv: empty string added"
                )
            }
        }
        let parameters = try BinaryParameters(filename: filename, file: file, arguments: arguments)
        let program = try load(parameters)
        beginNewProgram(program, parameters)
    }

    /// Tries the formats until one loads the file; a script's interpreter is
    /// loaded in turn, up to `maximumInterpreterDepth` times (Linux:
    /// exec_binprm and search_binary_handler).
    private static func load(_ parameters: BinaryParameters) throws(Errno) -> NewProgram {
        var depth = 0
        while true {
            guard depth <= maximumInterpreterDepth else { throw .ELOOP }
            switch try searchBinaryHandler(parameters) {
            case .program(let program):
                return program
            case .interpreter(let interpreter, let path):
                try parameters.replaceFile(with: interpreter, at: path)
            }
            depth += 1
        }
    }

    private static func searchBinaryHandler(_ parameters: BinaryParameters) throws(Errno) -> BinaryLoadResult {
        for format in BinaryFormat.allCases {
            do {
                return try format.load(parameters)
            } catch .ENOEXEC {
                continue
            }
        }
        throw .ENOEXEC
    }

    /// The point of no return (Linux: begin_new_exec and start_thread):
    /// the task drops its old program for the new one, takes on the
    /// credentials the program gives it (commit_creds) and the file's name
    /// as its own.
    private static func beginNewProgram(_ program: NewProgram, _ parameters: BinaryParameters) {
        let task = Scheduler.current
        task.credentials = parameters.credentials
        // Linux: de_thread. The other threads go; the new program runs alone.
        task.killOtherThreadsForExec()
        // Linux: exit_itimers. timer_create's timers end; alarm and setitimer's stay.
        TaskList.lock.withLockIrqSave { task.group.timers.deletePosixTimers() }
        if parameters.isSecure { limitStackForSecureExec(task.group) }
        // The program's memory keeps its file, and with it the file unwritable (Linux: mm->exe_file).
        program.space.executable = parameters.file
        task.startUserProgram(in: program.space, rip: program.entry, rsp: program.stackPointer)
        // Linux: unshare_files, then do_close_on_exec. Threads sharing the
        // table keep theirs; this process goes on with its own copy.
        task.files = task.files.copy()
        task.files.closeOnExec()
        // Linux: __set_task_comm(kbasename(bprm->filename)).
        let name = parameters.filename.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).last ?? []
        task.setName(String(decoding: name, as: UTF8.self))
    }

    /// A secure exec's stack limit is at most _STK_LIM, so limits its
    /// unprivileged caller chose cannot shape the privileged program's
    /// memory (Linux: the secureexec branch of begin_new_exec).
    private static func limitStackForSecureExec(_ group: ThreadGroup) {
        var stack = group.limits[.RLIMIT_STACK]
        guard stack.rlim_cur > ResourceLimits.defaultStack else { return }
        stack.rlim_cur = ResourceLimits.defaultStack
        // Lowering only the soft limit cannot fail.
        _ = try? group.limits.set(.RLIMIT_STACK, to: stack, privileged: true)
    }

    // MARK: - Reading argv and envp from user memory

    /// The pointers of a NULL-terminated user array such as argv (Linux:
    /// count() and get_user_arg_ptr()); a NULL array is empty. More
    /// pointers than the argument space could ever hold is E2BIG.
    private static func userPointers(at array: UserPointer<UInt64>) throws(Errno) -> [UInt64] {
        guard !array.isNull else { return [] }
        let limit = ExecArguments.defaultStackLimit / 4 / 8
        var pointers: [UInt64] = []
        var cursor = array
        while true {
            // Up to the end of the page only: the NULL may be the last word before an unmapped page.
            let toPageEnd = MemoryLayout64.pageSize - cursor.address % MemoryLayout64.pageSize
            let count = max(1, Int(toPageEnd / 8))
            for pointer in try cursor.read(count: count) {
                if pointer == 0 { return pointers }
                guard pointers.count < limit else { throw .E2BIG }
                pointers.append(pointer)
            }
            cursor = cursor.advanced(by: count)
        }
    }

    /// One argument or environment string; E2BIG if it is longer than
    /// MAX_ARG_STRLEN with its NUL (Linux: strnlen_user in copy_strings).
    private static func userString(at address: UInt64) throws(Errno) -> [UInt8] {
        let string = UserString(UserPointer(address: address))
        // Most strings are short: a page first, the whole 32 pages only for a long one.
        do {
            return try string.read(limit: Int(MemoryLayout64.pageSize) - 1)
        } catch .ENAMETOOLONG {
            do {
                return try string.read(limit: ExecLimits.MAX_ARG_STRLEN - 1)
            } catch .ENAMETOOLONG {
                throw .E2BIG
            }
        }
    }
}
