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
    @Test func bytesComeOutInOrderAcrossTheWrap() {
        var ring = ByteRing(capacity: 8)
        #expect(ring.isEmpty && ring.freeSpace == 8)
        #expect(ring.append([1, 2, 3, 4, 5, 6][...]) == 6)
        #expect(ring.removeFirst(upTo: 4) == [1, 2, 3, 4])
        #expect(ring.append([7, 8, 9, 10, 11, 12, 13][...]) == 6)
        #expect(ring.count == 8 && ring.freeSpace == 0)
        #expect(ring.append([14][...]) == 0)
        #expect(ring.removeFirst(upTo: 100) == [5, 6, 7, 8, 9, 10, 11, 12])
        #expect(ring.isEmpty && ring.removeFirst(upTo: 3).isEmpty)
    }

    @Test func matchesAnArrayModel() {
        var random = TestRandom(seed: 0x51DE)
        var ring = ByteRing(capacity: 100)
        var model: [UInt8] = []
        var next: UInt8 = 0
        for _ in 0..<2000 {
            if random.below(2) == 0 {
                let bytes = (0..<random.below(60)).map { _ -> UInt8 in
                    next &+= 1; return next
                }
                let taken = ring.append(bytes[...])
                #expect(taken == min(bytes.count, 100 - model.count))
                model.append(contentsOf: bytes.prefix(taken))
            } else {
                let limit = random.below(70)
                #expect(ring.removeFirst(upTo: limit) == Array(model.prefix(limit)))
                model.removeFirst(min(limit, model.count))
            }
            #expect(ring.count == model.count)
        }
    }
}
