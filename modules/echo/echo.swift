// An echo device in Swift: /dev/apus_echo gives back what was written to it.
// The device keeps one buffer of `EchoBuffer.capacity` bytes for all its open
// files, in order: a read takes the oldest bytes, a write appends what fits
// (-ENOSPC when it is full), and a read of an empty buffer is end-of-file (the
// device never blocks). Bad user pointers are -EFAULT, with nothing moved.
import Linux
import Synchronization

let moduleInfo = ModuleInfo(
    license: "GPL",
    author: "Apus",
    description: "An echo misc device: what is written is read back",
    version: "1.0"
)

/// What was written and not yet read: its length, then the bytes, in one
/// kmalloc'd block; `busy` is the spin lock that guards both.
struct EchoBuffer: ~Copyable, Sendable {
    static let capacity = 4096
    let block = Atomic<UInt>(0)
    let busy = Atomic<Bool>(false)

    func allocate() -> Bool {
        guard let memory = swift_kzalloc(MemoryLayout<Int>.size + Self.capacity) else { return false }
        block.store(UInt(bitPattern: Int(bitPattern: memory)), ordering: .releasing)
        return true
    }

    func free() {
        kfree(UnsafeRawPointer(bitPattern: block.exchange(0, ordering: .acquiringAndReleasing)))
    }

    /// Runs `body` on the length and the bytes, with the lock held.
    func withLock(_ body: (inout Int, UnsafeMutablePointer<UInt8>) -> Int) -> Int {
        while busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged == false {}
        defer { busy.store(false, ordering: .releasing) }
        guard let memory = UnsafeMutableRawPointer(bitPattern: block.load(ordering: .acquiring)) else {
            return -Int(ENODEV)
        }
        let length = memory.assumingMemoryBound(to: Int.self)
        return body(&length.pointee, (memory + MemoryLayout<Int>.size).assumingMemoryBound(to: UInt8.self))
    }
}

let buffer = EchoBuffer()

let echo = MiscDevice(
    "apus_echo", mode: 0o666,
    read: { _, user, count, _ in
        buffer.withLock { length, bytes in
            let taken = min(count, length)
            guard _copy_to_user(user, bytes, UInt(taken)) == 0 else { return -Int(EFAULT) }
            (bytes).update(from: bytes + taken, count: length - taken)
            length -= taken
            return taken
        }
    },
    write: { _, user, count, _ in
        buffer.withLock { length, bytes in
            let taken = min(count, EchoBuffer.capacity - length)
            guard taken > 0 || count == 0 else { return -Int(ENOSPC) }
            guard _copy_from_user(bytes + length, user, UInt(taken)) == 0 else { return -Int(EFAULT) }
            length += taken
            return taken
        }
    })

@c(init_module)
func echoInit() -> Int32 {
    guard buffer.allocate() else { return -ENOMEM }
    let result = echo.register()
    guard result == 0 else {
        buffer.free()
        return result
    }
    printk(.info, "echo: /dev/apus_echo is misc minor \(echo.minor)")
    return 0
}

@c(cleanup_module)
func echoExit() {
    echo.deregister()
    buffer.free()
    printk(.info, "echo: unloaded")
}
