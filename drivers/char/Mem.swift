import ABI
import Core

/// The memory devices, major 1 (Linux: drivers/char/mem.c, with
/// /dev/random and /dev/urandom from drivers/char/random.c, /dev/kmsg from
/// kernel/printk): registered with their device nodes at boot, as Linux's
/// chr_dev_init walks devlist.
enum MemDevices {
    static let major: UInt32 = 1

    static func initialize() {
        // Linux's devlist: minor, name, mode of the node.
        let devices: [(minor: UInt32, name: String, mode: UInt32, driver: any FileOperations)] = [
            (3, "null", 0o666, NullDevice()),
            (5, "zero", 0o666, ZeroDevice()),
            (7, "full", 0o666, FullDevice()),
            (8, "random", 0o666, RandomDevice()),
            (9, "urandom", 0o666, RandomDevice()),
            (DevKmsg.minor, "kmsg", 0o644, DevKmsg()),
        ]
        for device in devices {
            do throws(Errno) {
                try CharDevices.register(major: major, minor: device.minor, name: "mem", device.driver)
            } catch {
                pr_err("mem: cannot register \(device.name): error -\(error.rawValue)")
                continue
            }
            DeviceModel.createDevice(
                device.name, className: "mem", mode: device.mode, major: major, minor: device.minor)
        }
    }
}

/// /dev/null: reads are end-of-file, writes vanish (Linux: read_null,
/// write_null).
final class NullDevice: FileOperations {
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] { [] }
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int { bytes.count }
}

/// /dev/zero: reads give zeros, writes vanish (Linux: read_iter_zero);
/// a private mapping is anonymous memory, a shared one shared anonymous
/// memory (Linux: mmap_zero → shmem_zero_setup).
final class ZeroDevice: FileOperations {
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        [UInt8](repeating: 0, count: count)
    }
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int { bytes.count }
    func mmap(_ file: File, shared: Bool, length: UInt64) throws(Errno) -> File? {
        shared ? try SharedAnonymous.file(size: length) : nil
    }
}

/// /dev/full: reads give zeros, writes find the device full (Linux:
/// write_full's ENOSPC).
final class FullDevice: FileOperations {
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        [UInt8](repeating: 0, count: count)
    }
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int { throw .ENOSPC }
}

/// /dev/random and /dev/urandom: the kernel's random bytes, as getrandom
/// gives them; writes are accepted, as Linux mixes them into its pool
/// (Linux: random_read_iter, urandom_read_iter, random_write_iter).
final class RandomDevice: FileOperations {
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] { Entropy.bytes(count) }
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int { bytes.count }
}
