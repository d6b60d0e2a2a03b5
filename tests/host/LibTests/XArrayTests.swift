import Testing

@testable import Lib

@Suite struct XArrayTests {
    @Test func emptyReadsNothing() {
        let array = XArray<Int>()
        #expect(array[0] == nil)
        #expect(array[UInt64.max] == nil)
        #expect(array.first(from: 0) == nil)
        #expect(array.firstHole(from: 7) == 7)
        #expect(array.isEmpty)
    }

    @Test func farIndicesStoreAndErase() {
        let array = XArray<Int>()
        let far: UInt64 = 1 << 28  // the page of byte offset 2^40
        array[far] = 1
        array[3] = 2
        array[UInt64.max] = 3
        #expect(array.count == 3)
        #expect(array[far] == 1 && array[3] == 2 && array[UInt64.max] == 3)
        #expect(array[far + 1] == nil && array[far - 1] == nil && array[0] == nil)
        array[far] = 4
        #expect(array.count == 3 && array[far] == 4)
        array[UInt64.max] = nil
        array[far] = nil
        #expect(array.count == 1 && array[3] == 2 && array[far] == nil)
        array[3] = nil
        #expect(array.isEmpty && array.first(from: 0) == nil)
    }

    @Test func findsEntriesAndHolesInOrder() {
        let array = XArray<Int>()
        for index: UInt64 in [5, 6, 7, 64, 4096, 1 << 40] { array[index] = Int(index % 1000) }
        #expect(array.first(from: 0)?.index == 5)
        #expect(array.first(from: 8)?.index == 64)
        #expect(array.first(from: 65)?.index == 4096)
        #expect(array.first(from: 4097)?.index == 1 << 40)
        #expect(array.first(from: (1 << 40) + 1) == nil)
        #expect(array.firstHole(from: 0) == 0)
        #expect(array.firstHole(from: 5) == 8)
        #expect(array.firstHole(from: 64) == 65)
        #expect(array.firstHole(from: 1 << 40) == (1 << 40) + 1)
        array[UInt64.max] = 0
        #expect(array.firstHole(from: UInt64.max) == nil)
    }

    @Test func removeAllFromAnIndex() {
        let array = XArray<UInt64>()
        for index: UInt64 in [1, 63, 64, 65, 1000, 1 << 33] { array[index] = index }
        #expect(array.removeAll(from: 64) == [64, 65, 1000, 1 << 33])
        #expect(array.count == 2 && array[63] == 63 && array[64] == nil)
        #expect(array.removeAll(from: 0) == [1, 63])
        #expect(array.isEmpty)
        array[1 << 33] = 9
        #expect(array[1 << 33] == 9 && array.count == 1)
    }

    /// A lone entry at 0 lives in the head; a second one builds the tree
    /// around it, and either can go again.
    @Test func loneEntryAtZero() {
        let array = XArray<Int>()
        array[0] = 1
        #expect(array.count == 1 && array[0] == 1 && array[1] == nil && array.first(from: 0)?.index == 0)
        #expect(array.firstHole(from: 0) == 1 && array.first(from: 1) == nil)
        array[0] = 2
        #expect(array.count == 1 && array[0] == 2)
        array[1 << 30] = 3
        #expect(array.count == 2 && array[0] == 2 && array[1 << 30] == 3)
        #expect(array.removeAll(from: 1) == [3])
        array[0] = nil
        #expect(array.isEmpty && array[0] == nil)
        array[5] = 4
        array[0] = 5
        #expect(array.count == 2 && array.removeAll(from: 0) == [5, 4] && array.isEmpty)
    }

    /// Random stores and erases agree with a dictionary.
    @Test func matchesADictionary() {
        var generator = SystemRandomNumberGenerator()
        let array = XArray<UInt64>()
        var model: [UInt64: UInt64] = [:]
        for step in 0..<5000 {
            let index: UInt64 =
                switch step % 4 {
                case 0: UInt64.random(in: 0..<200, using: &generator)
                case 3: 0
                case 1: UInt64.random(in: 0..<(1 << 20), using: &generator)
                default: UInt64.random(in: 0...UInt64.max, using: &generator)
                }
            if Bool.random(using: &generator) {
                array[index] = UInt64(step)
                model[index] = UInt64(step)
            } else {
                array[index] = nil
                model[index] = nil
            }
        }
        #expect(array.count == model.count)
        var seen: [UInt64] = []
        array.forEach(from: 0) { index, element in
            #expect(model[index] == element)
            seen.append(index)
            return true
        }
        #expect(seen == model.keys.sorted())
    }
}
