import ABI
import Core
import Lib

/// How configuration space is reached on this machine (Linux: struct
/// pci_raw_ops, arch/x86/pci/direct.c and mmconfig_64.c implement it):
/// reads and writes of 1, 2 or 4 naturally aligned bytes of one
/// function's space. Callers hold `PCIConfig`'s lock.
public protocol PCIRawOps: AnyObject {
    /// "type 1" or "ECAM", for the log.
    var name: String { get }
    /// The bytes of configuration space each function has through it.
    var configSpaceSize: Int { get }
    func read(_ address: PCIAddress, offset: Int, width: Int) -> UInt32
    func write(_ address: PCIAddress, offset: Int, width: Int, _ value: UInt32)
}

/// Configuration-space access for the rest of the kernel (Linux:
/// drivers/pci/access.c pci_bus_read_config_* and pci_lock): one
/// mechanism chosen at boot, accesses serialised by an interrupt-safe lock
/// because the port mechanism is an address write then a data access,
/// and misaligned or out-of-range accesses refused as Linux refuses them
/// (PCIBIOS_BAD_REGISTER_NUMBER), reading as all-ones.
enum PCIConfig {
    private static let ops = IRQSafeLocked<(any PCIRawOps)?>(nil)

    static func use(_ chosen: any PCIRawOps) { ops.withLock { $0 = chosen } }

    /// Whether there is a mechanism at all.
    static var isAvailable: Bool { ops.withLock { $0 != nil } }

    /// The bytes of configuration space a function has (256, or 4096 through ECAM).
    static var spaceSize: Int { ops.withLock { $0?.configSpaceSize } ?? PCIRegs.configSpaceSize }

    static func read(_ address: PCIAddress, offset: Int, width: Int) -> UInt32 {
        ops.withLock { ops in
            guard let ops, isValid(offset, width, in: ops) else { return UInt32.max >> (32 - 8 * UInt32(width)) }
            return ops.read(address, offset: offset, width: width)
        }
    }

    static func write(_ address: PCIAddress, offset: Int, width: Int, _ value: UInt32) {
        ops.withLock { ops in
            guard let ops, isValid(offset, width, in: ops) else { return }
            ops.write(address, offset: offset, width: width, value)
        }
    }

    private static func isValid(_ offset: Int, _ width: Int, in ops: any PCIRawOps) -> Bool {
        (width == 1 || width == 2 || width == 4) && offset >= 0 && offset % width == 0
            && offset + width <= ops.configSpaceSize
    }
}
