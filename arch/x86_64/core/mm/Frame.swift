import Synchronization

/// What Core asks the kernel's page allocator (mm/PageAllocator.swift), which
/// registers itself once at boot: which allocated block holds an address.
/// Core trusts this one answer, as Asterinas's OSTD trusts the frame
/// allocator the kernel injects, and checks every Frame access against it.
public protocol FrameAllocator: AnyObject {
    /// The allocated block containing `address`; nil for free or reserved memory.
    /// The allocator calls `Frame.noteFree()` before it frees any block.
    func allocatedBlock(containing address: PhysAddr) -> (head: PhysAddr, order: Int)?
}

/// A block of 2^order physical pages the page allocator handed out (Linux: a
/// compound struct page; Asterinas: a Segment read and written through
/// VmReader/VmWriter). Memory outside Core is written only through a Frame,
/// and a Frame exists only for memory the allocator says is allocated, so no
/// write reaches the kernel image, page tables of the boot, or free memory;
/// every access is bounds-checked against the block.
public struct Frame: Hashable, Sendable {
    public let address: PhysAddr
    public let order: Int
    public var size: Int { Int(MemoryLayout64.pageSize) << order }

    private static let allocator = BootOnce<Registration>()
    /// A struct around the existential, as the lock types want (see SharedCell).
    private struct Registration { let allocator: any FrameAllocator }

    public static func register(allocator: any FrameAllocator) {
        Frame.allocator.set(Registration(allocator: allocator))
    }

    /// Each CPU remembers the last block it found: the slab writes word by
    /// word into the same page, and asking the allocator each time tripled
    /// the slab stress test's time. A block changes only when it is freed,
    /// so any free makes the remembered one stale.
    private struct Found { let frees: UInt64; let frame: Frame }
    private static let lastFound = PerCPU<Found?>(nil)
    private static let frees = Atomic<UInt64>(0)

    /// Called by the page allocator before it frees a block.
    public static func noteFree() { frees.wrappingAdd(1, ordering: .releasing) }

    /// The allocated block that contains `address`; nil if there is none.
    public init?(containing address: PhysAddr) {
        let frees = Frame.frees.load(ordering: .acquiring)
        // Interrupts off: a handler on this CPU must not see half of the remembered block.
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        if let found = Frame.lastFound.withCurrent({ $0 }), found.frees == frees,
            address >= found.frame.address, address.value - found.frame.address.value < UInt64(found.frame.size)
        {
            self = found.frame
            return
        }
        guard let block = Frame.allocator.valueIfSet?.allocator.allocatedBlock(containing: address) else { return nil }
        self.address = block.head
        self.order = block.order
        let frame = self
        Frame.lastFound.withCurrent { $0 = Found(frees: frees, frame: frame) }
    }

    /// Where `physical` lies in this block (it must lie in it).
    public func offset(of physical: PhysAddr) -> Int {
        precondition(physical >= address && physical.value - address.value < UInt64(size), "address outside the frame")
        return Int(physical.value - address.value)
    }

    private func checked(_ offset: Int, _ count: Int) -> PhysAddr {
        precondition(offset >= 0 && count >= 0 && count <= size - offset, "access outside the frame")
        return address + UInt64(offset)
    }

    /// Where bytes `offset..<offset + count` of the block are in the
    /// direct map, for Core's copies to and from user memory.
    @unsafe func pointer(at offset: Int, count: Int) -> UnsafeMutableRawPointer {
        unsafe UnsafeMutableRawPointer(PhysicalMemory.pointer(checked(offset, count), as: UInt8.self))
    }

    public func read(at offset: Int, count: Int) -> [UInt8] {
        PhysicalMemory.bytes(at: checked(offset, count), count: count)
    }

    public func write(_ bytes: [UInt8], at offset: Int) {
        unsafe PhysicalMemory.copy(bytes, to: checked(offset, bytes.count))
    }

    public func fill(_ byte: UInt8, at offset: Int, count: Int) {
        unsafe PhysicalMemory.fill(checked(offset, count), count: count, with: byte)
    }

    /// Zeroes the whole block (Linux: clear_page for each page).
    public func zero() { fill(0, at: 0, count: size) }

    public func load64(at offset: Int) -> UInt64 { PhysicalMemory.read64(checked(offset, 8)) }

    public func store64(_ value: UInt64, at offset: Int) {
        unsafe PhysicalMemory.write64(checked(offset, 8), value)
    }

    /// Copies one page into page `index` of this block (Linux: copy_page);
    /// reading `source` cannot corrupt anything.
    public func copyPage(from source: PhysAddr, toPage index: Int = 0) {
        let page = Int(MemoryLayout64.pageSize)
        unsafe PhysicalMemory.copyPage(from: source, to: checked(index * page, page))
    }
}
