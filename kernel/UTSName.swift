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
    nonisolated(unsafe) static var nodename: [UInt8] = Array("(none)".utf8)
    nonisolated(unsafe) static var domainname: [UInt8] = Array("(none)".utf8)
    /// The longest name (Linux: __NEW_UTS_LEN).
    static let maximumLength = 64

    static var current: Utsname {
        Utsname(sysname: sysname, nodename: String(decoding: nodename, as: UTF8.self), release: release,
                version: version, machine: machine, domainname: String(decoding: domainname, as: UTF8.self))
    }
}
