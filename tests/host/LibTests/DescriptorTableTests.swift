import ABI
import Testing

@testable import Lib

/// A stand-in for an open file.
private final class FakeFile {
    let name: String
    init(_ name: String) { self.name = name }
}

@Suite struct DescriptorTableTests {
    @Test func installTakesTheLowestFreeDescriptor() throws {
        var table = DescriptorTable<FakeFile>()
        let a = FakeFile("a"), b = FakeFile("b"), c = FakeFile("c")
        #expect(try table.install(a, closeOnExec: false) == 0)
        #expect(try table.install(b, closeOnExec: false) == 1)
        #expect(try table.install(c, closeOnExec: false) == 2)
        #expect(table.remove(1) === b)
        #expect(table.remove(1) == nil)
        #expect(try table.install(c, closeOnExec: false) == 1)
        #expect(try table.install(a, closeOnExec: false, minimum: 10) == 10)
        #expect(try table.install(a, closeOnExec: false, minimum: 2) == 3)
        #expect(table.openDescriptors == [0, 1, 2, 3, 10])
        #expect(table.entry(-1) == nil && table.entry(4) == nil && table.entry(1000) == nil)
    }

    @Test func theLimitIsEMFILEAndAMinimumPastItEINVAL() throws {
        var table = DescriptorTable<FakeFile>(limit: 3)
        let file = FakeFile("f")
        for expected: Int32 in 0..<3 { #expect(try table.install(file, closeOnExec: false) == expected) }
        #expect(throws: Errno.EMFILE) { try table.install(file, closeOnExec: false) }
        #expect(throws: Errno.EINVAL) { try table.install(file, closeOnExec: false, minimum: 3) }
        #expect(throws: Errno.EINVAL) { try table.install(file, closeOnExec: false, minimum: -1) }
        _ = table.remove(1)
        #expect(try table.install(file, closeOnExec: false) == 1)
    }

    @Test func replaceReturnsTheDisplacedEntry() throws {
        var table = DescriptorTable<FakeFile>(limit: 8)
        let a = FakeFile("a"), b = FakeFile("b")
        _ = try table.install(a, closeOnExec: false)
        _ = try table.install(b, closeOnExec: true)
        #expect(try table.replace(1, with: a, closeOnExec: false) === b)
        #expect(table.entry(1) === a && table.isCloseOnExec(1) == false)
        #expect(try table.replace(5, with: b, closeOnExec: true) == nil)
        #expect(table.entry(5) === b && table.isCloseOnExec(5) == true)
        #expect(try table.install(a, closeOnExec: false) == 2)
        #expect(throws: Errno.EBADF) { try table.replace(8, with: a, closeOnExec: false) }
        #expect(throws: Errno.EBADF) { try table.replace(-1, with: a, closeOnExec: false) }
    }

    @Test func closeOnExecDescriptorsGoAtExec() throws {
        var table = DescriptorTable<FakeFile>()
        let keep = FakeFile("keep"), drop = FakeFile("drop")
        _ = try table.install(keep, closeOnExec: false)
        _ = try table.install(drop, closeOnExec: true)
        _ = try table.install(keep, closeOnExec: false)
        try table.setCloseOnExec(2, true)
        #expect(throws: Errno.EBADF) { try table.setCloseOnExec(7, true) }
        #expect(table.isCloseOnExec(7) == nil)
        let removed = table.removeCloseOnExec()
        #expect(removed.count == 2 && removed[0] === drop && removed[1] === keep)
        #expect(table.openDescriptors == [0])
        #expect(try table.install(drop, closeOnExec: false) == 1)
        #expect(table.isCloseOnExec(1) == false)
    }

    @Test func aCopySharesEntriesButNotNumbers() throws {
        var parent = DescriptorTable<FakeFile>()
        let shared = FakeFile("shared")
        _ = try parent.install(shared, closeOnExec: false)
        var child = parent
        _ = child.remove(0)
        _ = try child.install(FakeFile("own"), closeOnExec: false, minimum: 4)
        #expect(parent.entry(0) === shared)
        #expect(parent.openDescriptors == [0] && child.openDescriptors == [4])
    }
}

@Suite struct ByteRingTests {
    /// A ring and the pieces of storage its bytes lie in, as a pipe keeps pages.
    struct Store {
        var ring: ByteRing
        var pieces: [[UInt8]]

        init(pieces count: Int, pieceSize: Int) {
            ring = ByteRing(pieces: count, pieceSize: pieceSize)
            pieces = Array(repeating: Array(repeating: 0, count: pieceSize), count: count)
        }

        /// Stores what fits of `bytes`, the copy failing after `limit` bytes
        /// (a fault part-way); returns the count stored.
        mutating func append(_ bytes: [UInt8], limit: Int = .max) -> Int {
            var pieces = pieces
            var source = 0
            let moved = ring.forEachRun(from: ring.count, count: min(bytes.count, ring.freeSpace)) {
                piece, offset, length in
                let run = min(length, max(0, limit - source))
                pieces[piece].replaceSubrange(offset..<offset + run, with: bytes[source..<source + run])
                source += run
                return run
            }
            self.pieces = pieces
            ring.append(count: moved)
            return moved
        }

        /// Takes up to `limit` of the oldest bytes.
        mutating func take(upTo limit: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            let moved = ring.forEachRun(from: 0, count: min(limit, ring.count)) { piece, offset, length in
                bytes += pieces[piece][offset..<offset + length]
                return length
            }
            ring.removeFirst(moved)
            return bytes
        }
    }

    @Test func bytesComeOutInOrderAcrossTheWrapAndThePieces() {
        var store = Store(pieces: 2, pieceSize: 4)
        #expect(store.ring.isEmpty && store.ring.freeSpace == 8)
        #expect(store.append([1, 2, 3, 4, 5, 6]) == 6)
        #expect(store.take(upTo: 4) == [1, 2, 3, 4])
        #expect(store.append([7, 8, 9, 10, 11, 12, 13]) == 6)
        #expect(store.ring.count == 8 && store.ring.freeSpace == 0)
        #expect(store.append([14]) == 0)
        #expect(store.take(upTo: 100) == [5, 6, 7, 8, 9, 10, 11, 12])
        #expect(store.ring.isEmpty && store.take(upTo: 3).isEmpty)
    }

    @Test func runsEndWithTheirPiecesAndAnEmptyRingStartsOver() {
        var ring = ByteRing(pieces: 4, pieceSize: 10)
        var runs: [[Int]] = []
        let moved = ring.forEachRun(from: 5, count: 30) { piece, offset, length in
            runs.append([piece, offset, length])
            return length
        }
        #expect(moved == 30 && runs == [[0, 5, 5], [1, 0, 10], [2, 0, 10], [3, 0, 5]])
        ring.append(count: 35)
        ring.removeFirst(33)
        runs = []
        _ = ring.forEachRun(from: 0, count: 7) { piece, offset, length in
            runs.append([piece, offset, length])
            return length
        }
        #expect(runs == [[3, 3, 7]], "the oldest bytes, at the end of the last piece")
        ring.removeFirst(2)
        runs = []
        _ = ring.forEachRun(from: 0, count: 1) { piece, offset, length in
            runs.append([piece, offset, length])
            return length
        }
        #expect(ring.isEmpty && runs == [[0, 0, 1]], "emptied, the ring starts again at the first piece")
    }

    @Test func aRunThatStopsShortEndsTheWalk() {
        var store = Store(pieces: 3, pieceSize: 4)
        #expect(store.append(Array(1...10), limit: 6) == 6, "a fault after 6 bytes stores those 6")
        #expect(store.take(upTo: 10) == [1, 2, 3, 4, 5, 6])
        var calls = 0
        let moved = store.ring.forEachRun(from: 0, count: 12) { _, _, length in
            calls += 1
            return length - 1
        }
        #expect(moved == 3 && calls == 1)
    }

    @Test func matchesAnArrayModel() {
        var random = TestRandom(seed: 0x51DE)
        var store = Store(pieces: 5, pieceSize: 20)
        var model: [UInt8] = []
        var next: UInt8 = 0
        for _ in 0..<2000 {
            if random.below(2) == 0 {
                let bytes = (0..<random.below(60)).map { _ -> UInt8 in
                    next &+= 1; return next
                }
                let taken = store.append(bytes)
                #expect(taken == min(bytes.count, 100 - model.count))
                model.append(contentsOf: bytes.prefix(taken))
            } else {
                let limit = random.below(70)
                #expect(store.take(upTo: limit) == Array(model.prefix(limit)))
                model.removeFirst(min(limit, model.count))
            }
            #expect(store.ring.count == model.count)
        }
    }
}
