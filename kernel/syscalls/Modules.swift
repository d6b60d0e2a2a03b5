import ABI
import Core
import Lib

/// init_module, finit_module and delete_module (Linux: kernel/module/main.c).
/// Only CAP_SYS_MODULE may load or unload; the loading is ModuleLoader's.
enum ModuleSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.init_module, syscall(initModule)),
        (.finit_module, syscall(finitModule)),
        (.delete_module, syscall(deleteModule)),
    ]

    /// The longest parameter string read (Linux's strndup_user limit is
    /// larger; a longer one is EINVAL here).
    static let maximumArgumentsLength = 4096

    private static func mayLoad() throws(Errno) {
        guard Scheduler.current.credentials.capable(.CAP_SYS_MODULE) else { throw .EPERM }
    }

    /// init_module(image, len, param_values): ENOEXEC for less than an ELF
    /// header, ENOMEM for more than a module may take, EFAULT for memory
    /// that cannot be read.
    static func initModule(_ image: UserPointer<UInt8>, _ length: UInt64, _ arguments: UserString) throws(Errno)
        -> Int64
    {
        try mayLoad()
        guard length >= 64 else { throw .ENOEXEC }
        guard length <= UInt64(ModuleLayout.maximumSize) else { throw .ENOMEM }
        let bytes = try UserBuffer(image, count: length).read()
        return try ModuleLoader.load(bytes, arguments: try arguments.read(limit: maximumArgumentsLength), flags: 0)
    }

    /// finit_module(fd, param_values, flags): the module is the file's
    /// contents; flags other than MODULE_INIT_IGNORE_MODVERSIONS and
    /// MODULE_INIT_IGNORE_VERMAGIC are EINVAL; a file that is not regular
    /// is EINVAL, one not open for reading EBADF, one larger than a module
    /// may be EFBIG.
    static func finitModule(_ fd: FileDescriptor, _ arguments: UserString, _ flags: UInt32) throws(Errno) -> Int64 {
        try mayLoad()
        let known = ModuleLoader.MODULE_INIT_IGNORE_MODVERSIONS | ModuleLoader.MODULE_INIT_IGNORE_VERMAGIC
        guard flags & ~known == 0 else { throw .EINVAL }
        let file = try fd.file()
        guard file.mayRead else { throw .EBADF }
        guard VFS.lockedNonThrowing({ file.inode.fileType }) == FileMode.S_IFREG else { throw .EINVAL }
        var bytes: [UInt8] = []
        while true {
            let piece = try file.read(count: 1 << 16, at: Int64(bytes.count))
            if piece.isEmpty { break }
            bytes += piece
            guard bytes.count <= ModuleLayout.maximumSize else { throw .EFBIG }
        }
        return try ModuleLoader.load(bytes, arguments: try arguments.read(limit: maximumArgumentsLength), flags: flags)
    }

    /// delete_module(name, flags): the name is read up to MODULE_NAME_LEN - 1
    /// bytes, as Linux's strncpy_from_user does; ENOENT for no such module.
    static func deleteModule(_ name: UserString, _ flags: OpenFlags) throws(Errno) -> Int64 {
        try mayLoad()
        let bytes: [UInt8]
        do throws(Errno) {
            bytes = try name.read(limit: ModuleLoader.nameLength - 1)
        } catch .ENAMETOOLONG {
            throw .ENOENT
        }
        try ModuleLoader.unload(String(decoding: bytes, as: UTF8.self), flags: flags)
        return 0
    }
}
