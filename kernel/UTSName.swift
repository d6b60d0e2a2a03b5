import ABI
import Core
import Lib

/// What uname(2) reports (Linux: init/version.c init_uts_ns). sysname is
/// "Linux" because programs test it to choose Linux's interfaces — which
/// are the ones Apus implements; the release names the Linux version whose
/// system calls are the reference, with Apus's own suffix.
enum UTSName {
    static let sysname = "Linux"
    static let release = "6.1.0-apus"
    static let version = "#1 Apus 0.1 (Embedded Swift)"
    static let machine = "x86_64"
    /// sethostname and setdomainname's names; "(none)" until set (Linux: UTS_NODENAME, UTS_DOMAINNAME).
    private static let names = IRQSafeLocked((nodename: Array("(none)".utf8), domainname: Array("(none)".utf8)))
    static var nodename: [UInt8] {
        get { names.withLock { $0.nodename } }
        set { names.withLock { $0.nodename = newValue } }
    }
    static var domainname: [UInt8] {
        get { names.withLock { $0.domainname } }
        set { names.withLock { $0.domainname = newValue } }
    }
    /// The longest name (Linux: __NEW_UTS_LEN).
    static let maximumLength = 64

    static var current: Utsname {
        Utsname(
            sysname: sysname, nodename: String(decoding: nodename, as: UTF8.self), release: release,
            version: version, machine: machine, domainname: String(decoding: domainname, as: UTF8.self))
    }
}
