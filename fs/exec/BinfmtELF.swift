import ABI
import Core
import Lib

/// ELF programs (Linux: fs/binfmt_elf.c load_elf_binary). The loader builds
/// the whole new address space — segments, heap start, the vDSO, stack
/// with argv, envp and the auxiliary vector — before exec's point of no return, so a
/// program that cannot be loaded leaves the caller untouched.
///
/// Static programs only, ET_EXEC and static PIE: a program with PT_INTERP
/// needs its dynamic linker loaded beside it, which is not done yet (ENOEXEC).
enum BinfmtELF {
    /// Where an ET_DYN program is placed: two thirds of the way up user
    /// space (Linux: ELF_ET_DYN_BASE on x86-64, without randomization).
    static let dynamicBase = (MemoryLayout64.taskSize / 3 * 2) & ~(MemoryLayout64.pageSize - 1)
    /// Stack the new program gets below its arguments before it has to grow
    /// (Linux: setup_arg_pages' stack_expand).
    static let initialStackRoom: UInt64 = 128 << 10
    /// AT_PLATFORM (Linux: ELF_PLATFORM, utsname()->machine).
    static let platform = Array("x86_64".utf8)

    static func load(_ parameters: BinaryParameters) throws(Errno) -> BinaryLoadResult {
        let contents = parameters.contents
        let executable: ELF64Executable
        let plan: ELFLoadPlan
        do throws(ELFError) {
            executable = try ELF64Executable(parsing: contents)
            plan = try ELFLoadPlan(
                placing: executable, dynamicBase: dynamicBase,
                userSpaceLimit: MemoryLayout64.taskSize)
        } catch {
            throw error.errno
        }
        guard executable.interpreterPath == nil else { throw .ENOEXEC }

        guard let space = AddressSpace() else { throw .ENOMEM }
        parameters.computeCredentials()
        do throws(Errno) {
            try mapSegments(plan, from: parameters.file, into: space)
            space.setHeapStart(plan.brkStart)
            let vdso = try VDSO.map(into: space)
            let stackPointer = try buildStack(parameters, plan: plan, executable: executable, vdso: vdso, in: space)
            return .program(NewProgram(space: space, entry: plan.entry, stackPointer: stackPointer))
        } catch {
            space.dropUser()
            throw error
        }
    }

    /// Maps each PT_LOAD as its plan says (Linux: elf_load, padzero): the
    /// pages holding file bytes map the file privately — its page cache,
    /// shared by every process running the program until one writes — then
    /// the rest of the last file page is cleared (in a private copy) if the
    /// segment has .bss, and whole .bss pages are anonymous zero pages.
    private static func mapSegments(_ plan: ELFLoadPlan, from file: File, into space: AddressSpace) throws(Errno) {
        guard try file.operations.mmap(file, shared: false, length: 0) === file else { throw .ENODEV }
        for mapping in plan.mappings {
            if let filePages = mapping.fileBacked {
                let range = filePages.addresses
                try space.mapFile(
                    file, pageOffset: filePages.fileOffset / MemoryLayout64.pageSize, at: range.lowerBound,
                    length: range.upperBound - range.lowerBound,
                    protection: protection(mapping.permissions), flags: .mayAccess, fixed: true)
            }
            if let zeroFill = mapping.zeroFill {
                let zeros = [UInt8](repeating: 0, count: Int(zeroFill.upperBound - zeroFill.lowerBound))
                try space.write(zeros, at: VirtAddr(zeroFill.lowerBound))
            }
            if let anonymous = mapping.anonymous {
                try space.mapAnonymous(
                    at: anonymous.lowerBound, length: anonymous.upperBound - anonymous.lowerBound,
                    protection: protection(mapping.anonymousPermissions), fixed: true)
            }
        }
    }

    /// Lays out argv, envp and the auxiliary vector below the top of user
    /// space and maps the stack area around them (Linux: setup_arg_pages
    /// and create_elf_tables). Returns the new program's stack pointer.
    private static func buildStack(
        _ parameters: BinaryParameters, plan: ELFLoadPlan, executable: ELF64Executable, vdso: UInt64,
        in space: AddressSpace
    ) throws(Errno) -> UInt64 {
        let image = plan.auxiliaryValues(interpreter: nil)
        let credentials = parameters.credentials
        let top = MemoryLayout64.taskSize
        let stack = InitialStack(
            top: top, arguments: parameters.arguments, platform: platform,
            randomBytes: Entropy.bytes(16)
        ) { strings in
            [
                (.AT_SYSINFO_EHDR, vdso),  // first, as Linux's ARCH_DLINFO
                (.AT_HWCAP, CPU.elfHardwareCapabilities),
                (.AT_PAGESZ, MemoryLayout64.pageSize),
                (.AT_CLKTCK, UInt64(UserClock.USER_HZ)),
                (.AT_PHDR, image.programHeaderAddress),
                (.AT_PHENT, image.programHeaderEntrySize),
                (.AT_PHNUM, image.programHeaderCount),
                (.AT_BASE, image.interpreterBase),
                (.AT_FLAGS, 0),
                (.AT_ENTRY, image.entry),
                // The new program's IDs: set-ID bits have taken effect.
                (.AT_UID, UInt64(credentials.uid.real)), (.AT_EUID, UInt64(credentials.uid.effective)),
                (.AT_GID, UInt64(credentials.gid.real)), (.AT_EGID, UInt64(credentials.gid.effective)),
                (.AT_SECURE, parameters.isSecure ? 1 : 0),
                (.AT_RANDOM, strings.randomBytes),
                (.AT_HWCAP2, 0),
                (.AT_EXECFN, strings.filename),
                (.AT_PLATFORM, strings.platform),
            ]
        }
        let bottom = (stack.stackPointer & ~(MemoryLayout64.pageSize - 1)) - initialStackRoom
        var stackProtection: VMAProtection = [.read, .write]
        if executable.hasExecutableStack { stackProtection.insert(.exec) }
        try space.mapAnonymous(
            at: bottom, length: top - bottom, protection: stackProtection,
            fixed: true, growsDown: true, label: .stack)
        try space.write(stack.bytes, at: VirtAddr(stack.stackPointer))
        space.argumentArea = stack.argumentsStart..<stack.environmentStart
        space.environmentArea = stack.environmentStart..<stack.environmentEnd
        space.auxiliaryVector = stack.auxiliaryWords
        space.executable = parameters.file
        return stack.stackPointer
    }

    /// PF_R/PF_W/PF_X as PROT_READ/PROT_WRITE/PROT_EXEC (Linux: make_prot).
    private static func protection(_ permissions: ELFSegmentPermissions) -> VMAProtection {
        var protection: VMAProtection = []
        if permissions.contains(.read) { protection.insert(.read) }
        if permissions.contains(.write) { protection.insert(.write) }
        if permissions.contains(.execute) { protection.insert(.exec) }
        return protection
    }
}
