import ABI
import Lib

/// An exec in progress (Linux: struct linux_binprm, include/linux/binfmts.h):
/// the file being loaded, its first bytes, and the strings for the new
/// program. A script replaces the file with its interpreter and rewrites
/// the arguments; the ELF loader turns what is left into a program.
final class BinaryParameters {
    /// The path exec was given (Linux: bprm->filename). The new program's
    /// name (comm) is its last component, even when a script's interpreter runs.
    let filename: [UInt8]
    /// The path of the file being loaded now (Linux: bprm->interp): first
    /// `filename`, then each interpreter a script names.
    private(set) var path: [UInt8]
    /// The file being loaded now.
    private(set) var file: File
    /// Its first BINPRM_BUF_SIZE bytes, fewer if it is shorter (Linux:
    /// bprm->buf): enough to recognise a format and to hold a `#!` line.
    private(set) var header: [UInt8]
    /// argv, envp and the file name, as the new stack will hold them.
    var arguments: ExecArguments
    /// The credentials the new program runs with, and whether it is a
    /// secure exec (Linux: bprm->cred and bprm->secureexec); the caller's
    /// until `computeCredentials`.
    private(set) var credentials: Credentials
    private(set) var isSecure = false

    init(filename: [UInt8], file: File, arguments: ExecArguments) throws(Errno) {
        self.filename = filename
        self.path = filename
        self.file = file
        self.arguments = arguments
        self.header = try Self.readHeader(file)
        self.credentials = Scheduler.current.credentials
    }

    /// Takes the new credentials from the file being loaded, its set-ID
    /// bits and owner, once a loader has accepted it: a script's own set-ID
    /// bits count for nothing, its interpreter's do (Linux:
    /// bprm_creds_from_file, at begin_new_exec). On a nosuid mount the
    /// set-ID bits are ignored (Linux: mnt_may_suid).
    func computeCredentials() {
        var ownership = file.inode.ownership
        if file.path.mount.flags.contains(.MS_NOSUID) {
            ownership = FileOwnership(
                mode: ownership.mode & ~(FileMode.S_ISUID | FileMode.S_ISGID), uid: ownership.uid, gid: ownership.gid)
        }
        (credentials, isSecure) = Scheduler.current.credentials.executing(ownership)
    }

    /// The file's bytes, for parsers that read pieces of it.
    var contents: ExecutableContents { ExecutableContents(file: file) }

    /// Loads `interpreter`, found at `interpreterPath`, in place of the
    /// current file (Linux: bprm_change_interp and exec_binprm's switch to
    /// bprm->interpreter).
    func replaceFile(with interpreter: File, at interpreterPath: [UInt8]) throws(Errno) {
        header = try Self.readHeader(interpreter)
        file = interpreter
        path = interpreterPath
    }

    private static func readHeader(_ file: File) throws(Errno) -> [UInt8] {
        let contents = ExecutableContents(file: file)
        return try contents.read(at: 0, count: min(contents.count, ExecLimits.BINPRM_BUF_SIZE))
    }
}

/// An executable's bytes at given offsets (Linux: kernel_read() with an
/// explicit position). The `File` is exec's own, opened for it alone, so
/// moving its position to read disturbs nobody.
struct ExecutableContents: ByteSource {
    let file: File

    var count: Int { Int(file.inode.size) }

    func read(at offset: Int, count: Int) throws(Errno) -> [UInt8] {
        _ = try file.seek(to: Int64(offset), from: .SEEK_SET)
        return try file.read(count: count)
    }
}
