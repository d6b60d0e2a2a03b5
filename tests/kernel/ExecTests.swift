import ABI
import Core
import Kernel
import Lib
import UserTestPrograms

/// execve end to end with real ELF programs (tests/kernel/user/exec_check.c, as an
/// ET_EXEC and as a static PIE): files in ramfs are exec'd from kernel
/// threads (as init is) and from user space, and the program checks from
/// the inside what exec gave it (registers, stack, auxv, segments, TLS).
enum ExecTests {
    static let directory = "/selftest-exec"
    /// What exec-check exits with when every check passed.
    static let passed = WaitStatus.exited(code: 42)

    /// How an exec in a new kernel thread ended: exec failed, or the
    /// program ran and exited with a wait status.
    enum Outcome: Equatable {
        case failed(Errno)
        case exited(Int32)
    }

    static func run(_ t: inout TestReporter) {
        if let error = makeFiles() {
            t.check(false, "exec: cannot create the test files in \(directory): errno \(error.rawValue)")
            return
        }
        let check = "\(directory)/check"
        // A first exec grows what stays (the slab caches' partly used pages), as the
        // modules self-test's warm-up load does; then every page must come back.
        _ = execute(check, ["check"], [])
        msleep(10)
        KernelAllocator.shrink()
        let before = PageAllocator.freePages

        let (direct, name) = execute(
            check, ["check", "stack", "alpha", "", "beta gamma"],
            ["EXPECT_ARGS=check|stack|alpha||beta gamma", "EXPECT_EXECFN=\(check)", "OTHER=1"])
        t.check(
            direct == .exited(passed),
            "exec: an ET_EXEC program starts with zeroed registers, argv/envp/auxv laid out as Linux does, .data and .bss, brk, fresh FPU, FS/GS 0 and TLS (\(describe(direct)))"
        )
        t.check(name == "check", "exec: the task is named after the file (comm \(name))")
        let (pie, _) = execute(
            "\(directory)/check-pie", ["check-pie", "stack"],
            ["EXPECT_ARGS=check-pie|stack", "EXPECT_EXECFN=\(directory)/check-pie"])
        t.check(
            pie == .exited(passed), "exec: a static PIE runs at ELF_ET_DYN_BASE with the same checks (\(describe(pie)))"
        )
        let (emptyArgv, _) = execute(check, [], ["EXPECT_ARGS="])
        t.check(emptyArgv == .exited(passed), "exec: an empty argv becomes [\"\"] (\(describe(emptyArgv)))")

        let (script, scriptName) = execute(
            "\(directory)/script", ["my-script", "one"],
            ["EXPECT_ARGS=\(check)|stack|\(directory)/script|one", "EXPECT_EXECFN=\(directory)/script"])
        t.check(
            script == .exited(passed) && scriptName == "script",
            "exec: a #! script runs its interpreter with [interpreter, argument, script, argv[1]...] (\(describe(script)), comm \(scriptName))"
        )
        let chain = (2...6).reversed().map { "\(directory)/loop\($0)" }.joined(separator: "|")
        let (nested, _) = execute("\(directory)/loop2", ["loop", "x"], ["EXPECT_ARGS=\(check)|stack|\(chain)|x"])
        t.check(nested == .exited(passed), "exec: five scripts deep still runs (\(describe(nested)))")
        let (tooDeep, _) = execute("\(directory)/loop1", ["loop"], [])
        t.check(tooDeep == .failed(.ELOOP), "exec: six scripts deep is ELOOP (\(describe(tooDeep)))")

        let failures: [(path: String, expected: Errno, what: String)] = [
            ("\(directory)/missing", .ENOENT, "a missing file"),
            ("\(directory)/garbage", .ENOEXEC, "a file in no known format"),
            ("\(directory)/empty", .ENOEXEC, "an empty file"),
            ("\(directory)/short-elf", .ENOEXEC, "a truncated ELF header"),
            ("\(directory)/interp", .ENOEXEC, "a program that needs a dynamic linker (PT_INTERP)"),
            ("\(directory)/plain", .EACCES, "a file without execute permission"),
            (directory, .EACCES, "a directory"),
            ("\(check)/x", .ENOTDIR, "a path through a regular file"),
            ("\(directory)/lost-interpreter", .ENOENT, "a script whose interpreter is missing"),
            ("\(directory)/blank-interpreter", .ENOEXEC, "a script whose #! line names nothing"),
        ]
        for failure in failures {
            let (outcome, _) = execute(failure.path, ["x"], [])
            t.check(
                outcome == .failed(failure.expected),
                "exec: \(failure.what) is errno \(failure.expected.rawValue) (\(describe(outcome)))")
        }

        let (errors, _) = execute(check, ["check", "errors"], [])
        t.check(
            errors == .exited(passed),
            "exec: from user space, EFAULT/ENOENT/ENOEXEC/EACCES/ENOTDIR/E2BIG/ELOOP/EINVAL leave the caller running, then a script replaces it with FS reset (\(describe(errors)))"
        )
        let (forked, _) = execute(check, ["check", "fork"], [])
        t.check(
            forked == .exited(passed),
            "exec: arch_prctl FS/GS bases are per process (fork copies, switches keep), EPERM/EFAULT/EINVAL; fork then execve (\(describe(forked)))"
        )

        msleep(10)  // let the dead tasks' stacks and address spaces be released
        KernelAllocator.shrink()
        let after = PageAllocator.freePages
        t.check(
            after >= before,
            "exec: exec'd and failed processes gave back every page (\(before) free before, \(after) after)")
    }

    /// Runs `path` in a new kernel thread through kernel_execve, as pid 1
    /// runs init, and waits for the outcome; also returns the task's name.
    /// Why the last `execute` failed: written by its thread, read by the test.
    private static let failure = IRQSafeLocked<Errno?>(nil)

    static func execute(_ path: String, _ arguments: [String], _ environment: [String]) -> (Outcome, String) {
        failure.withLock { $0 = nil }
        let task = KThreads.create(name: "exec-test") {
            do throws(Errno) {
                try Exec.kernelExecve(path, arguments: arguments, environment: environment)
            } catch {
                failure.withLock { $0 = error }
            }
            return 0
        }
        Scheduler.wakeUpNewTask(task)
        task.exited.wait()
        if let error = failure.withLock({ $0 }) { return (.failed(error), task.comm) }
        // A process stays a zombie until reaped; nobody else will wait for it.
        if task.state.contains(.exitZombie) { task.reap() }
        return (.exited(task.exitStatus), task.comm)
    }

    static func describe(_ outcome: Outcome) -> String {
        switch outcome {
        case .failed(let error): "exec failed with errno \(error.rawValue)"
        case .exited(let status): "wait status 0x\(hex(UInt64(UInt32(bitPattern: status)), width: 4))"
        }
    }

    // MARK: - The files

    /// Writes the programs, scripts and broken files the checks use, and
    /// those exec_check.c's `errors` mode expects.
    static func makeFiles() -> Errno? {
        let program = KernelImage.bytes(exec_check_start_address()..<exec_check_end_address())
        let pie = KernelImage.bytes(exec_check_pie_start_address()..<exec_check_pie_end_address())
        var garbage = [UInt8](repeating: 0, count: 512)
        var random = TestRandom(seed: 0xE8EC)
        for index in 1..<garbage.count { garbage[index] = UInt8(truncatingIfNeeded: random.next()) }
        var files: [(name: String, mode: UInt32, bytes: [UInt8])] = [
            ("check", 0o755, program),
            ("check-pie", 0o755, pie),
            ("plain", 0o644, program),
            ("garbage", 0o755, garbage),
            ("empty", 0o755, []),
            ("short-elf", 0o755, [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]),
            ("interp", 0o755, withInterpreter(program)),
            ("script", 0o755, b("#!\(directory)/check stack\necho never read\n")),
            ("lost-interpreter", 0o755, b("#!\(directory)/nothing\n")),
            ("blank-interpreter", 0o755, b("#! \t \n")),
        ]
        // loop1 -> loop2 -> ... -> loop6 -> check: six levels of scripts.
        for level in 1...5 { files.append(("loop\(level)", 0o755, b("#!\(directory)/loop\(level + 1)\n"))) }
        files.append(("loop6", 0o755, b("#!\(directory)/check stack\n")))
        do throws(Errno) {
            try VFS.mkdir(b(directory), mode: 0o755)
            for file in files {
                let opened = try VFS.open(
                    b("\(directory)/\(file.name)"), flags: [.O_WRONLY, .O_CREAT, .O_EXCL], mode: file.mode)
                guard try opened.write(file.bytes) == file.bytes.count else { return .EIO }
            }
            try VFS.symlink(b("check"), at: b("\(directory)/link"))
            return nil
        } catch {
            return error
        }
    }

    /// `program` with its PT_GNU_STACK turned into a PT_INTERP naming a
    /// dynamic linker appended to the file: a dynamically linked program.
    static func withInterpreter(_ program: [UInt8]) -> [UInt8] {
        let ptInterp: UInt32 = 3, ptGNUStack: UInt32 = 0x6474_E551
        let path = b("/lib/ld-musl-x86_64.so.1") + [0]
        var bytes = program
        let pathOffset = bytes.count
        bytes += path
        let tableOffset = Int(bytes.loadLittleEndian(UInt64.self, at: 32))
        for index in 0..<Int(bytes.loadLittleEndian(UInt16.self, at: 56)) {
            let entry = tableOffset + index * ELFProgramHeader.size
            guard bytes.loadLittleEndian(UInt32.self, at: entry) == ptGNUStack else { continue }
            bytes.storeLittleEndian(ptInterp, at: entry)
            bytes.storeLittleEndian(UInt64(pathOffset), at: entry + 8)
            bytes.storeLittleEndian(UInt64(path.count), at: entry + 32)
        }
        return bytes
    }

    static func b(_ string: String) -> [UInt8] { Array(string.utf8) }
}
