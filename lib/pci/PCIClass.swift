/// Names of PCI class codes, for the kernel log (the classes of the PCI
/// Code and ID Assignment Specification, spelt as lspci's pci.ids spells
/// them; Linux itself logs only the number).
public enum PCIClass {
    // Class codes Linux names in include/linux/pci_ids.h (PCI_CLASS_*).
    public static let storageSCSI: UInt32 = 0x0100
    public static let bridgeHost: UInt32 = 0x0600
    public static let bridgePCI: UInt32 = 0x0604

    /// The name of `classCode` (base class, subclass and programming
    /// interface, 24 bits): the subclass's name where it has one, else the
    /// base class's, else "Unclassified device".
    public static func name(_ classCode: UInt32) -> String {
        let base = (classCode >> 16) & 0xFF, subclass = (classCode >> 8) & 0xFF
        if let name = subclassNames.first(where: { $0.0 == base << 8 | subclass })?.1 { return name }
        return baseNames.first { $0.0 == base }?.1 ?? "Unclassified device"
    }

    private static let baseNames: [(UInt32, String)] = [
        (0x01, "Mass storage controller"), (0x02, "Network controller"), (0x03, "Display controller"),
        (0x04, "Multimedia controller"), (0x05, "Memory controller"), (0x06, "Bridge"),
        (0x07, "Communication controller"), (0x08, "Generic system peripheral"), (0x09, "Input device controller"),
        (0x0C, "Serial bus controller"), (0x0D, "Wireless controller"), (0xFF, "Unassigned class"),
    ]

    private static let subclassNames: [(UInt32, String)] = [
        (0x0000, "Non-VGA unclassified device"), (0x0001, "VGA compatible unclassified device"),
        (storageSCSI, "SCSI storage controller"), (0x0101, "IDE interface"), (0x0105, "ATA controller"),
        (0x0106, "SATA controller"), (0x0108, "Non-Volatile memory controller"),
        (0x0200, "Ethernet controller"), (0x0300, "VGA compatible controller"),
        (0x0401, "Multimedia audio controller"), (0x0403, "Audio device"), (0x0500, "RAM memory"),
        (bridgeHost, "Host bridge"), (0x0601, "ISA bridge"), (bridgePCI, "PCI bridge"), (0x0680, "Bridge"),
        (0x0700, "Serial controller"), (0x0780, "Communication controller"),
        (0x0C03, "USB controller"), (0x0C05, "SMBus"), (0xFF00, "Unassigned class"),
    ]
}
