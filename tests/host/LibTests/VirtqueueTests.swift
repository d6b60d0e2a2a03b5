import Testing

@testable import Lib

/// Queue memory over an array, little-endian, shared by the driver's queue
/// and the simulated device as DMA memory is.
final class SharedQueueMemory: VirtqueueMemory {
    var bytes: [UInt8]

    init(size: Int) { bytes = Array(repeating: 0, count: size) }

    func load(_ offset: Int, _ count: Int) -> UInt64 {
        (0..<count).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }
    func store(_ value: UInt64, _ offset: Int, _ count: Int) {
        for index in 0..<count { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
    func load16(at offset: Int) -> UInt16 { UInt16(load(offset, 2)) }
    func load32(at offset: Int) -> UInt32 { UInt32(load(offset, 4)) }
    func store16(_ value: UInt16, at offset: Int) { store(UInt64(value), offset, 2) }
    func store32(_ value: UInt32, at offset: Int) { store(UInt64(value), offset, 4) }
    func store64(_ value: UInt64, at offset: Int) { store(value, offset, 8) }
    func writeBarrier() {}
    func readBarrier() {}
    func fullBarrier() {}
}

/// The device's side of the queue, written from the specification
/// (2.7.13, 2.7.14): it reads new available entries, walks each chain's
/// descriptors and writes a used element per chain.
struct SimulatedDevice {
    let layout: VirtqueueLayout
    let memory: SharedQueueMemory
    var lastAvailable: UInt16 = 0
    var usedIndex: UInt16 = 0

    struct Chain: Equatable {
        var head: UInt16
        var readable: [VirtqueueSegment] = []
        var writable: [VirtqueueSegment] = []
    }

    /// The chains made available since the last call, in order.
    mutating func take() -> [Chain] {
        var chains: [Chain] = []
        let available = memory.load16(at: layout.availableIndexOffset)
        while lastAvailable != available {
            let head = memory.load16(at: layout.availableEntryOffset(Int(lastAvailable) & (layout.size - 1)))
            var chain = Chain(head: head)
            var index = Int(head)
            for _ in 0..<layout.size {
                let offset = layout.descriptorOffset(index)
                let segment = VirtqueueSegment(address: memory.load(offset, 8), length: memory.load32(at: offset + 8))
                let flags = memory.load16(at: offset + 12)
                if flags & VirtqueueLayout.descriptorWrite != 0 {
                    chain.writable.append(segment)
                } else {
                    #expect(chain.writable.isEmpty, "readable after writable")
                    chain.readable.append(segment)
                }
                guard flags & VirtqueueLayout.descriptorNext != 0 else { break }
                index = Int(memory.load16(at: offset + 14))
            }
            chains.append(chain)
            lastAvailable &+= 1
        }
        return chains
    }

    /// Writes a used element (any id and length, valid or not) and publishes it.
    mutating func complete(id: UInt32, length: UInt32) {
        let offset = layout.usedElementOffset(Int(usedIndex) & (layout.size - 1))
        memory.store32(id, at: offset)
        memory.store32(length, at: offset + 4)
        usedIndex &+= 1
        memory.store16(usedIndex, at: layout.usedIndexOffset)
    }

    /// Completes every available chain in order, writing all its writable bytes.
    mutating func completeAll() -> [Chain] {
        let chains = take()
        for chain in chains {
            complete(id: UInt32(chain.head), length: chain.writable.reduce(0) { $0 + $1.length })
        }
        return chains
    }
}

func makeQueue(size: Int, eventIndex: Bool = false) -> (Virtqueue<SharedQueueMemory>, SimulatedDevice) {
    let layout = VirtqueueLayout(size: size)!
    let memory = SharedQueueMemory(size: layout.totalSize)
    return (
        Virtqueue(layout: layout, memory: memory, eventIndex: eventIndex),
        SimulatedDevice(layout: layout, memory: memory)
    )
}

func segment(_ address: UInt64, _ length: UInt32) -> VirtqueueSegment {
    VirtqueueSegment(address: address, length: length)
}

@Suite struct VirtqueueTests {
    @Test func layoutFollowsTheSpecification() throws {
        #expect(VirtqueueLayout(size: 0) == nil && VirtqueueLayout(size: 3) == nil)
        #expect(VirtqueueLayout(size: 65536) == nil && VirtqueueLayout(size: 32768) != nil)
        // QEMU's virtio-blk queue: 256 entries.
        let layout = try #require(VirtqueueLayout(size: 256))
        #expect(layout.descriptorTableSize == 4096 && layout.availableOffset == 4096)
        #expect(layout.availableSize == 518 && layout.usedEventOffset == 4096 + 516)
        // 4096 + 518 = 4614, aligned up to 4.
        #expect(layout.usedOffset == 4616 && layout.usedSize == 6 + 8 * 256)
        #expect(layout.availableEventOffset == 4616 + 4 + 2048 && layout.totalSize == 4616 + 2054)
        #expect(layout.usedElementOffset(1) == 4616 + 12 && layout.availableEntryOffset(2) == 4096 + 8)
        // Linux's vring_size(8, 4): 128 + 22, aligned up to 152, + 70.
        #expect(VirtqueueLayout(size: 8)?.totalSize == 152 + 70)
        #expect(VirtqueueLayout(size: 1)?.usedOffset == 24)
    }

    @Test func chainsReachTheDeviceAndComeBack() throws {
        var (queue, device) = makeQueue(size: 8)
        // A virtio-blk request: header readable, data and status writable.
        let head = try queue.add(readable: [segment(0x1000, 16)], writable: [segment(0x2000, 512), segment(0x3000, 1)])
        #expect(queue.freeCount == 5 && queue.inFlight == 1)
        #expect(try queue.popUsed() == nil)
        let chains = device.take()
        #expect(
            chains == [
                .init(
                    head: head, readable: [segment(0x1000, 16)], writable: [segment(0x2000, 512), segment(0x3000, 1)])
            ])
        device.complete(id: UInt32(head), length: 513)
        #expect(try queue.popUsed() == VirtqueueUsedBuffer(id: head, length: 513))
        #expect(try queue.popUsed() == nil)
        #expect(queue.freeCount == 8 && queue.inFlight == 0)
        // A readable-only chain, used with length 0.
        let write = try queue.add(readable: [segment(0x4000, 4096)], writable: [])
        #expect(device.take() == [.init(head: write, readable: [segment(0x4000, 4096)])])
        device.complete(id: UInt32(write), length: 0)
        #expect(try queue.popUsed()?.length == 0)
    }

    @Test func aFullQueueRefusesAndRecovers() throws {
        var (queue, device) = makeQueue(size: 4)
        _ = try queue.add(readable: [segment(0x1000, 1), segment(0x1001, 1)], writable: [segment(0x2000, 8)])
        #expect(throws: VirtqueueError.noSpace) {
            try queue.add(readable: [], writable: [segment(0x3000, 1), segment(0x3001, 1)])
        }
        let last = try queue.add(readable: [], writable: [segment(0x3000, 1)])
        #expect(queue.freeCount == 0)
        #expect(throws: VirtqueueError.noSpace) { try queue.add(readable: [segment(0, 1)], writable: []) }
        #expect(throws: VirtqueueError.emptyBuffer) { try queue.add(readable: [], writable: []) }
        // Out of order: the device finishes the last chain first.
        let chains = device.take()
        device.complete(id: UInt32(last), length: 1)
        device.complete(id: UInt32(chains[0].head), length: 8)
        #expect(try queue.popUsed() == VirtqueueUsedBuffer(id: last, length: 1))
        #expect(queue.freeCount == 1)
        #expect(try queue.popUsed() == VirtqueueUsedBuffer(id: chains[0].head, length: 8))
        #expect(queue.freeCount == 4)
        // Every descriptor is reachable again: one chain of all four.
        let all = (0..<4).map { segment(UInt64($0) * 0x1000, 1) }
        _ = try queue.add(readable: all, writable: [])
        #expect(device.take().first?.readable == all)
    }

    @Test func indicesWrapAt65536() throws {
        var (queue, device) = makeQueue(size: 2)
        // 70000 requests of changing shapes through a two-entry queue.
        for round in 0..<70_000 {
            // Two readable segments, or one readable and one writable.
            let writable = round % 3 == 0 ? [] : [segment(UInt64(round), UInt32(round % 7 + 1))]
            let readable = Array(repeating: segment(0x100, 4), count: 2 - writable.count)
            let head = try queue.add(readable: readable, writable: writable)
            let chains = device.completeAll()
            #expect(chains == [.init(head: head, readable: readable, writable: writable)])
            let used = try #require(try queue.popUsed())
            #expect(used.id == head && used.length == writable.first?.length ?? 0)
        }
        #expect(queue.availableIndex == UInt16(70_000 % 65536) && queue.lastUsedIndex == queue.availableIndex)
        #expect(queue.freeCount == 2)
    }

    @Test func malformedUsedElementsAreRefused() throws {
        func broken(_ body: (inout SimulatedDevice, UInt16) -> Void) throws -> VirtqueueError? {
            var (queue, device) = makeQueue(size: 4)
            let head = try queue.add(readable: [segment(0x1000, 16)], writable: [segment(0x2000, 100)])
            _ = device.take()
            body(&device, head)
            do {
                _ = try queue.popUsed()
                return nil
            } catch {
                #expect(queue.isBroken)
                #expect(throws: VirtqueueError.broken) { try queue.popUsed() }
                #expect(throws: VirtqueueError.broken) { try queue.add(readable: [segment(0, 1)], writable: []) }
                return error
            }
        }
        #expect(try broken { device, _ in device.complete(id: 4, length: 0) } == .usedIDOutOfRange(id: 4))
        #expect(
            try broken { device, _ in device.complete(id: 0xFFFF_FFFF, length: 0) }
                == .usedIDOutOfRange(id: 0xFFFF_FFFF))
        // Descriptor 1 is the chain's second, not a head.
        #expect(try broken { device, _ in device.complete(id: 1, length: 0) } == .usedIDNotInFlight(id: 1))
        #expect(
            try broken { device, head in device.complete(id: UInt32(head), length: 101) }
                == .usedLengthTooLong(id: 0, length: 101, writable: 100))
        // Two used elements for the one chain in flight.
        var (queue, device) = makeQueue(size: 4)
        let head = try queue.add(readable: [segment(0x1000, 16)], writable: [])
        device.complete(id: UInt32(head), length: 0)
        device.complete(id: UInt32(head), length: 0)
        #expect(throws: VirtqueueError.usedIndexTooFar(usedIndex: 2)) { try queue.popUsed() }
        // A used index far ahead of what is in flight.
        var (other, otherDevice) = makeQueue(size: 4)
        _ = try other.add(readable: [segment(0x1000, 16)], writable: [])
        otherDevice.usedIndex = 0x8000
        otherDevice.complete(id: 0, length: 0)
        #expect(throws: VirtqueueError.usedIndexTooFar(usedIndex: 0x8001)) { try other.popUsed() }
        // A chain used a second time after it was returned: not in flight.
        var (again, againDevice) = makeQueue(size: 4)
        let first = try again.add(readable: [segment(0x1000, 16)], writable: [])
        _ = try again.add(readable: [segment(0x1000, 16)], writable: [])
        againDevice.complete(id: UInt32(first), length: 0)
        againDevice.complete(id: UInt32(first), length: 0)
        #expect(try again.popUsed()?.id == first)
        #expect(throws: VirtqueueError.usedIDNotInFlight(id: UInt32(first))) { try again.popUsed() }
    }

    @Test func notificationFollowsTheRingFlags() throws {
        var (queue, device) = makeQueue(size: 8)
        _ = try queue.add(readable: [segment(0, 1)], writable: [])
        let kick1 = queue.kickPrepare()
        #expect(kick1)
        device.memory.store16(VirtqueueLayout.usedNoNotify, at: queue.layout.usedFlagsOffset)
        _ = try queue.add(readable: [segment(0, 1)], writable: [])
        let kick2 = queue.kickPrepare()
        #expect(!kick2)
    }

    @Test func notificationFollowsEventIndices() throws {
        // vring_need_event: does moving from old to new pass event?
        typealias Queue = Virtqueue<SharedQueueMemory>
        #expect(Queue.needEvent(event: 0, new: 1, old: 0))
        #expect(!Queue.needEvent(event: 1, new: 1, old: 0))
        #expect(Queue.needEvent(event: 5, new: 8, old: 3) && !Queue.needEvent(event: 2, new: 8, old: 3))
        #expect(Queue.needEvent(event: 0xFFFF, new: 2, old: 0xFFFE))
        #expect(!Queue.needEvent(event: 0xFFFD, new: 2, old: 0xFFFE) && !Queue.needEvent(event: 0, new: 5, old: 5))

        var (queue, device) = makeQueue(size: 8, eventIndex: true)
        let layout = queue.layout
        // The device wants a notification when available index 2 is passed.
        device.memory.store16(2, at: layout.availableEventOffset)
        _ = try queue.add(readable: [segment(0, 1)], writable: [])
        _ = try queue.add(readable: [segment(0, 1)], writable: [])
        let kick3 = queue.kickPrepare()  // 0 -> 2 does not pass 2
        #expect(!kick3)
        _ = try queue.add(readable: [segment(0, 1)], writable: [])
        let kick4 = queue.kickPrepare()  // 2 -> 3 does
        #expect(kick4)
        let kick5 = queue.kickPrepare()  // nothing new
        #expect(!kick5)
        // The ring flag is ignored with event indices.
        device.memory.store16(VirtqueueLayout.usedNoNotify, at: layout.usedFlagsOffset)
        device.memory.store16(3, at: layout.availableEventOffset)
        _ = try queue.add(readable: [segment(0, 1)], writable: [])
        let kick6 = queue.kickPrepare()
        #expect(kick6)
        // Consuming used elements asks for an interrupt at the next one.
        _ = device.completeAll()
        #expect(try queue.popUsed() != nil && queue.memory.load16(at: layout.usedEventOffset) == 1)
        while try queue.popUsed() != nil {}
        #expect(queue.memory.load16(at: layout.usedEventOffset) == 4)
    }
}
