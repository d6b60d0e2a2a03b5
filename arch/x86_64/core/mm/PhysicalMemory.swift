/// Reads and writes of physical memory through the direct map (Linux: __va()
/// plus plain loads and stores). Every raw pointer in the kernel starts here.
/// Reads are public: they cannot corrupt anything. Writes go wherever the
/// address points, so they are @unsafe and Core's own: the kernel writes
/// through a Frame, whose accesses are checked. Before paging_init() only
/// the first 1 GiB is mapped (by head.S).
public enum PhysicalMemory {
    @inline(__always)
    static func pointer<T>(_ address: PhysAddr, as type: T.Type) -> UnsafeMutablePointer<T> {
        unsafe UnsafeMutablePointer<T>(bitPattern: UInt(address.directMapped.value))!
    }

    public static func read8(_ address: PhysAddr) -> UInt8 { unsafe pointer(address, as: UInt8.self).pointee }
    public static func read16(_ address: PhysAddr) -> UInt16 {
        unsafe UnsafeRawPointer(pointer(address, as: UInt8.self)).loadUnaligned(as: UInt16.self)
    }
    public static func read32(_ address: PhysAddr) -> UInt32 {
        unsafe UnsafeRawPointer(pointer(address, as: UInt8.self)).loadUnaligned(as: UInt32.self)
    }
    public static func read64(_ address: PhysAddr) -> UInt64 {
        unsafe UnsafeRawPointer(pointer(address, as: UInt8.self)).loadUnaligned(as: UInt64.self)
    }
    @unsafe static func write64(_ address: PhysAddr, _ value: UInt64) {
        unsafe UnsafeMutableRawPointer(pointer(address, as: UInt8.self)).storeBytes(of: value, as: UInt64.self)
    }

    /// A copy of `count` bytes starting at `address`.
    public static func bytes(at address: PhysAddr, count: Int) -> [UInt8] {
        let source = unsafe UnsafeBufferPointer(start: pointer(address, as: UInt8.self), count: count)
        return unsafe Array(source)
    }

    /// Length of the NUL-terminated string at `address`, at most `limit`.
    public static func stringLength(at address: PhysAddr, limit: Int) -> Int {
        let base = unsafe pointer(address, as: UInt8.self)
        var length = 0
        while unsafe length < limit && base[length] != 0 { length += 1 }
        return length
    }

    @unsafe static func copy(_ bytes: [UInt8], to address: PhysAddr) {
        unsafe bytes.withUnsafeBytes { source in
            unsafe UnsafeMutableRawPointer(pointer(address, as: UInt8.self)).copyMemory(
                from: source.baseAddress!, byteCount: source.count)
        }
    }

    @unsafe static func fill(_ address: PhysAddr, count: Int, with byte: UInt8) {
        unsafe UnsafeMutableRawPointer(pointer(address, as: UInt8.self)).initializeMemory(
            as: UInt8.self, repeating: byte, count: count)
    }

    /// Copies one 4 KiB frame (Linux: copy_page).
    @unsafe static func copyPage(from source: PhysAddr, to destination: PhysAddr) {
        unsafe UnsafeMutableRawPointer(pointer(destination, as: UInt8.self))
            .copyMemory(
                from: UnsafeRawPointer(pointer(source, as: UInt8.self)), byteCount: Int(MemoryLayout64.pageSize))
    }

    /// Zeroes one 4 KiB frame (Linux: clear_page).
    @unsafe static func zeroPage(_ address: PhysAddr) {
        unsafe fill(address, count: Int(MemoryLayout64.pageSize), with: 0)
    }

    /// Adler-32 over a physical range: cheap enough to prove at boot that the
    /// initrd arrived intact (the harness compares it with the host's value).
    public static func adler32(at address: PhysAddr, count: Int) -> UInt32 {
        let bytes = unsafe UnsafeBufferPointer(start: pointer(address, as: UInt8.self), count: count)
        var a: UInt32 = 1, b: UInt32 = 0
        var index = 0
        while index < count {
            // 5552 is the largest run that cannot overflow before the modulo (zlib's NMAX).
            let end = min(index + 5552, count)
            while index < end { unsafe a &+= UInt32(bytes[index]); b &+= a; index += 1 }
            a %= 65521; b %= 65521
        }
        return (b << 16) | a
    }
}

/// Loads and stores of kernel virtual memory that Swift did not allocate —
/// slab objects, vmalloc areas — one machine word at a time. A store is
/// checked: the word must lie in a Frame the page allocator handed out.
public enum KernelMemory {
    @inline(__always)
    static func pointer(_ address: VirtAddr) -> UnsafeMutablePointer<UInt64> {
        unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(address.value))!
    }
    public static func load(_ address: VirtAddr) -> UInt64 { unsafe pointer(address).pointee }

    /// Stores through `address` itself (so a test sees its own mapping at
    /// work), after checking that the word it reaches is allocated memory.
    public static func store(_ value: UInt64, _ address: VirtAddr) {
        let physical = address.physical ?? PageTable.active.translate(address)?.physical
        guard let physical, let frame = Frame(containing: physical), frame.offset(of: physical) + 8 <= frame.size else {
            fatalError("store to 0x\(String(address.value, radix: 16)), which is not allocated memory")
        }
        unsafe pointer(address).pointee = value
    }

    /// Stores to `address` if the active page table maps nothing there, so
    /// the store must fault: the oops self-test's way to reach the page-fault
    /// handler. Returns (false) without storing when the address is mapped.
    public static func storeFaulting(_ value: UInt64, _ address: VirtAddr) -> Bool {
        guard PageTable.active.translate(address) == nil else { return false }
        unsafe pointer(address).pointee = value
        return true
    }
}
