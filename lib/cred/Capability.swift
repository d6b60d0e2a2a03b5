/// The capabilities the file-system and process checks ask for, with
/// Linux's numbers (include/uapi/linux/capability.h). Apus keeps no
/// capability sets; `Credentials.capable` says who holds one.
public enum Capability: Int, Sendable {
    case CAP_CHOWN = 0
    case CAP_DAC_OVERRIDE = 1
    case CAP_DAC_READ_SEARCH = 2
    case CAP_FOWNER = 3
    case CAP_FSETID = 4
    case CAP_IPC_LOCK = 14
    case CAP_IPC_OWNER = 15
    case CAP_SYS_MODULE = 16
    case CAP_SYS_CHROOT = 18
    case CAP_SYS_ADMIN = 21
    case CAP_SYS_RESOURCE = 24
    case CAP_SYS_TTY_CONFIG = 26
    case CAP_MKNOD = 27
    case CAP_SYSLOG = 34

    /// The filesystem capabilities, which follow the filesystem user ID
    /// rather than the effective one (Linux: CAP_FS_SET).
    public var isFilesystemCapability: Bool { rawValue <= Capability.CAP_FSETID.rawValue || self == .CAP_MKNOD }
}
