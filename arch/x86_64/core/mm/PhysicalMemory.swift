/// Reads and writes of physical memory through the direct map (Linux: __va()
/// plus plain loads and stores). The only way code outside Core reaches memory
/// it did not get from Swift, so every raw pointer in the kernel starts here.
/// Before paging_init() only the first 1 GiB is mapped (by head.S).
public enum PhysicalMemory {
    @inline(__always)
    static func pointer<T>(_ address: PhysAddr, as type: T.Type) -> UnsafeMutablePointer<T> {
        unsafe UnsafeMutablePointer<T>(bitPattern: UInt(address.directMapped.value))!
    }

    public static func read8(_ address: PhysAddr) -> UInt8 { unsafe pointer(address, as: UInt8.self).pointee }
    public static func read16(_ address: PhysAddr) -> UInt16 { unsafe UnsafeRawPointer(pointer(address, as: UInt8.self)).loadUnaligned(as: UInt16.self) }
    public static func read32(_ address: PhysAddr) -> UInt32 { unsafe UnsafeRawPointer(pointer(address, as: UInt8.self)).loadUnaligned(as: UInt32.self) }
    public static func read64(_ address: PhysAddr) -> UInt64 { unsafe UnsafeRawPointer(pointer(address, as: UInt8.self)).loadUnaligned(as: UInt64.self) }
    public static func write64(_ address: PhysAddr, _ value: UInt64) {
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

    public static func copy(_ bytes: [UInt8], to address: PhysAddr) {
        unsafe bytes.withUnsafeBytes { source in
            unsafe UnsafeMutableRawPointer(pointer(address, as: UInt8.self)).copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
    }

    public static func fill(_ address: PhysAddr, count: Int, with byte: UInt8) {
        unsafe UnsafeMutableRawPointer(pointer(address, as: UInt8.self)).initializeMemory(as: UInt8.self, repeating: byte, count: count)
    }

    /// Copies one 4 KiB frame (Linux: copy_page).
    public static func copyPage(from source: PhysAddr, to destination: PhysAddr) {
        unsafe UnsafeMutableRawPointer(pointer(destination, as: UInt8.self))
            .copyMemory(from: UnsafeRawPointer(pointer(source, as: UInt8.self)), byteCount: Int(MemoryLayout64.pageSize))
    }

    /// Zeroes one 4 KiB frame (Linux: clear_page).
    public static func zeroPage(_ address: PhysAddr) {
        fill(address, count: Int(MemoryLayout64.pageSize), with: 0)
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
/// slab objects, vmalloc areas — one machine word at a time.
public enum KernelMemory {
    @inline(__always)
    static func pointer(_ address: VirtAddr) -> UnsafeMutablePointer<UInt64> {
        unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(address.value))!
    }
    public static func load(_ address: VirtAddr) -> UInt64 { unsafe pointer(address).pointee }
    public static func store(_ value: UInt64, _ address: VirtAddr) { unsafe pointer(address).pointee = value }
    public static func fill(_ address: VirtAddr, count: Int, with byte: UInt8) {
        unsafe UnsafeMutableRawPointer(pointer(address)).initializeMemory(as: UInt8.self, repeating: byte, count: count)
    }
}
