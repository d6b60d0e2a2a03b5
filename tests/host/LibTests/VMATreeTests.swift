import ABI
import Testing

@testable import Lib

// MARK: Fixtures

/// A mapped file, told apart by `id`.
private final class TestFile: VMABacking {
    let id: Int
    init(id: Int) { self.id = id }
    func frame(forPage index: UInt64) throws(VMFault) -> PFN { throw .beyondObject }
    var objectIdentity: UInt64 { UInt64(id) }
}

/// Where the tests' mappings live; the tree itself does not care.
private let base: UInt64 = 0x4000_0000

/// The address of page `index` counted from `base`.
private func page(_ index: UInt64) -> UInt64 { base + index * pageSize }

private func pages(_ range: Range<UInt64>) -> Range<UInt64> { page(range.lowerBound)..<page(range.upperBound) }

private let readWrite: VMAProtection = [.read, .write]

private func anonymous(
    _ range: Range<UInt64>, _ protection: VMAProtection = readWrite,
    flags: VMAFlags = .mayAccess, label: VMALabel? = nil
) -> VMA {
    VMA(
        start: page(range.lowerBound), end: page(range.upperBound), protection: protection,
        flags: flags, label: label)
}

private func fileMapping(
    _ range: Range<UInt64>, _ file: TestFile, filePage: UInt64,
    _ protection: VMAProtection = [.read], flags: VMAFlags = .mayAccess
) -> VMA {
    VMA(
        start: page(range.lowerBound), end: page(range.upperBound), protection: protection,
        flags: flags, backing: file, filePageOffset: filePage)
}

/// The areas as (first page, end page) pairs, for compact expectations.
private func layout(_ tree: VMATree) -> [Range<UInt64>] {
    tree.map { ($0.start - base) / pageSize..<($0.end - base) / pageSize }
}

// MARK: The model

/// What one page is mapped as: the reference the tree is checked against.
private struct PageAttributes: Equatable {
    var protection: UInt32
    var flags: UInt32
    var fileID: Int?
    var filePage: UInt64?

    init(protection: VMAProtection, flags: VMAFlags, fileID: Int?, filePage: UInt64?) {
        self.protection = protection.rawValue
        self.flags = flags.rawValue
        self.fileID = fileID
        self.filePage = filePage
    }

    /// How `vma` maps `address`.
    init(_ vma: VMA, at address: UInt64) {
        let file = vma.backing.map { $0 as! TestFile }
        self.init(
            protection: vma.protection, flags: vma.flags, fileID: file?.id,
            filePage: file == nil ? nil : vma.filePage(at: address))
    }
}

/// A flat array of pages, one entry per page of the test window.
private struct PageModel {
    var pages: [PageAttributes?]

    init(pageCount: Int) { pages = Array(repeating: nil, count: pageCount) }

    func isFree(_ range: Range<UInt64>) -> Bool { range.allSatisfy { pages[Int($0)] == nil } }

    mutating func map(_ vma: VMA) {
        for address in stride(from: vma.start, to: vma.end, by: Int(pageSize)) {
            pages[Int((address - base) / pageSize)] = PageAttributes(vma, at: address)
        }
    }

    mutating func unmap(_ range: Range<UInt64>) {
        for index in range { pages[Int(index)] = nil }
    }

    /// mprotect's outcome: the first page in order that is unmapped or
    /// whose may-flags refuse decides the error.
    func protectError(_ range: Range<UInt64>, _ protection: VMAProtection) -> Errno? {
        for index in range {
            guard let attributes = pages[Int(index)] else { return .ENOMEM }
            if !VMAFlags(rawValue: attributes.flags).permits(protection) { return .EACCES }
        }
        return nil
    }

    mutating func protect(_ range: Range<UInt64>, _ protection: VMAProtection) {
        for index in range { pages[Int(index)]!.protection = protection.rawValue }
    }
}

/// Whether two areas should have been merged: written out independently of
/// the tree's own rule.
private func shouldHaveMerged(_ lower: VMA, _ upper: VMA) -> Bool {
    guard lower.end == upper.start, lower.protection == upper.protection, lower.flags == upper.flags,
        lower.label == upper.label
    else { return false }
    switch (lower.backing, upper.backing) {
    case (nil, nil): return true
    case (let a?, let b?): return a === b && lower.filePage(at: lower.end - pageSize) + 1 == upper.filePageOffset
    default: return false
    }
}

/// Checks the tree's structure and that every page maps as the model says.
private func expectMatches(_ tree: VMATree, _ model: PageModel, _ context: String) throws {
    try tree.areas.validate()
    var previous: VMA?
    var mapped: UInt64 = 0
    for vma in tree {
        #expect(vma.start < vma.end && vma.start % pageSize == 0 && vma.end % pageSize == 0, "\(context)")
        if let previous {
            #expect(previous.end <= vma.start, "overlap: \(context)")
            #expect(!shouldHaveMerged(previous, vma), "unmerged neighbours: \(context)")
        }
        mapped += vma.length
        previous = vma
    }
    #expect(tree.mappedBytes == mapped, "\(context)")
    for (index, expected) in model.pages.enumerated() {
        let address = page(UInt64(index))
        let actual = tree.vma(containing: address).map { PageAttributes($0, at: address) }
        #expect(actual == expected, "page \(index): \(context)")
    }
}

// MARK: Random operations against the model

@Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
func vmaTreeMatchesPageModelUnderRandomOperations(seed: UInt64) throws {
    let pageCount: UInt64 = 48
    var random = TestRandom(seed: seed)
    let tree = VMATree()
    var model = PageModel(pageCount: Int(pageCount))
    let files = [TestFile(id: 1), TestFile(id: 2)]
    // A file opened read-only and mapped shared: mprotect may not add write.
    let readOnlyFile = TestFile(id: 3)
    let protections: [VMAProtection] = [[], [.read], readWrite, [.read, .exec], [.read, .write, .exec]]

    func randomRange() -> Range<UInt64> {
        let start = UInt64(random.below(Int(pageCount)))
        let length = UInt64(1 + random.below(10))
        return start..<min(start + length, pageCount)
    }

    func randomMapping(_ range: Range<UInt64>) -> VMA {
        let protection = protections[random.below(protections.count)]
        switch random.below(4) {
        case 0, 1:
            return anonymous(range, protection)
        case 2:
            // Offsets follow the address half the time, so neighbours can merge.
            let shift: UInt64 = random.below(2) == 0 ? 0 : 7
            return fileMapping(range, files[random.below(2)], filePage: range.lowerBound + shift, protection)
        default:
            return fileMapping(
                range, readOnlyFile, filePage: range.lowerBound, [.read],
                flags: [.shared, .mayRead, .mayExec])
        }
    }

    for step in 0..<400 {
        let range = randomRange()
        let context = "seed \(seed) step \(step) pages \(range)"
        switch random.below(4) {
        case 0:
            let vma = randomMapping(range)
            let replacedPages = range.filter { model.pages[Int($0)] != nil }.count
            // The model first: once linked, `vma` may grow by merging.
            model.map(vma)
            let (_, replaced) = try tree.mapFixed(vma)
            #expect(replaced.reduce(0) { $0 + $1.length } == UInt64(replacedPages) * pageSize, "\(context)")
        case 1:
            let vma = randomMapping(range)
            if model.isFree(range) {
                model.map(vma)
                try tree.map(vma)
            } else {
                expectError(.EEXIST) { () throws(Errno) in try tree.map(vma) }
            }
        case 2:
            let removed = try tree.unmap(pages(range))
            // The pieces are exactly the mapped pages of the range, as they were.
            var expectedPieces: [PageAttributes] = []
            for index in range { if let attributes = model.pages[Int(index)] { expectedPieces.append(attributes) } }
            var actualPieces: [PageAttributes] = []
            for piece in removed {
                #expect(!tree.areas.contains(piece), "\(context)")
                for address in stride(from: piece.start, to: piece.end, by: Int(pageSize)) {
                    #expect(pages(range).contains(address), "\(context)")
                    actualPieces.append(PageAttributes(piece, at: address))
                }
            }
            #expect(actualPieces == expectedPieces, "\(context)")
            model.unmap(range)
        default:
            let protection = protections[random.below(protections.count)]
            if let error = model.protectError(range, protection) {
                expectError(error) { () throws(Errno) in try tree.protect(pages(range), to: protection) }
            } else {
                try tree.protect(pages(range), to: protection)
                model.protect(range, protection)
            }
        }
        try expectMatches(tree, model, context)
    }
}

// MARK: Mapping and merging

@Test func adjacentCompatibleMappingsMerge() throws {
    let tree = VMATree()
    let lower = try tree.map(anonymous(0..<4))
    let merged = try tree.map(anonymous(4..<6))
    #expect(merged === lower)
    #expect(layout(tree) == [0..<6])

    // Filling the hole between two compatible areas leaves one area.
    try tree.map(anonymous(8..<10))
    try tree.map(anonymous(6..<8))
    #expect(layout(tree) == [0..<10])
    #expect(tree.count == 1)
    #expect(tree.mappedBytes == 10 * pageSize)
}

@Test func fileMappingsMergeOnlyWhenTheFileContinues() throws {
    let tree = VMATree()
    let file = TestFile(id: 1)
    try tree.map(fileMapping(0..<4, file, filePage: 10))
    try tree.map(fileMapping(4..<6, file, filePage: 14))
    #expect(layout(tree) == [0..<6])

    // The same file, but not the pages that follow on.
    try tree.map(fileMapping(6..<8, file, filePage: 30))
    // Another file entirely; and anonymous memory with the same protection.
    try tree.map(fileMapping(8..<9, TestFile(id: 2), filePage: 31))
    try tree.map(anonymous(9..<10, [.read]))
    // A label keeps the heap apart from ordinary anonymous memory.
    try tree.map(anonymous(10..<11, [.read], label: .heap))
    #expect(layout(tree) == [0..<6, 6..<8, 8..<9, 9..<10, 10..<11])
}

@Test func mapRejectsOverlapAndBadRanges() throws {
    let tree = VMATree()
    try tree.map(anonymous(4..<8))
    expectError(.EEXIST) { () throws(Errno) in try tree.map(anonymous(7..<9)) }
    expectError(.EEXIST) { () throws(Errno) in try tree.map(anonymous(0..<20)) }
    let unaligned = VMA(start: page(10) + 1, end: page(12), protection: readWrite, flags: .mayAccess)
    expectError(.EINVAL) { () throws(Errno) in try tree.map(unaligned) }
    expectError(.EINVAL) { () throws(Errno) in try tree.map(anonymous(12..<12)) }
    expectError(.EINVAL) { () throws(Errno) in _ = try tree.unmap(page(1)..<page(2) + 8) }
    #expect(layout(tree) == [4..<8])
}

@Test func mapFixedReplacesWhatItOverlaps() throws {
    let tree = VMATree()
    let file = TestFile(id: 1)
    try tree.map(fileMapping(0..<10, file, filePage: 0))
    let (mapped, replaced) = try tree.mapFixed(anonymous(4..<6))
    #expect(layout(tree) == [0..<4, 4..<6, 6..<10])
    #expect(mapped.isAnonymous)
    #expect(replaced.count == 1)
    #expect(replaced[0].start == page(4) && replaced[0].end == page(6))
    #expect(replaced[0].filePageOffset == 4)
    #expect(tree.vma(containing: page(6))?.filePageOffset == 6)
}

// MARK: Unmapping

@Test func unmappingTheMiddleSplitsAnArea() throws {
    let tree = VMATree()
    let file = TestFile(id: 1)
    let original = try tree.map(fileMapping(0..<10, file, filePage: 100))
    let removed = try tree.unmap(pages(3..<5))
    #expect(layout(tree) == [0..<3, 5..<10])
    // The lower remainder is still the original area; the upper continues the file.
    #expect(tree.vma(containing: page(0)) === original)
    #expect(tree.vma(containing: page(5))?.filePageOffset == 105)
    #expect(removed.count == 1)
    #expect(removed[0].start == page(3) && removed[0].end == page(5) && removed[0].filePageOffset == 103)
    #expect(removed[0].backing === file)
    #expect(tree.mappedBytes == 8 * pageSize)
}

@Test func unmappingAcrossSeveralAreasTrimsTheEnds() throws {
    let tree = VMATree()
    try tree.map(anonymous(0..<4, [.read]))
    try tree.map(anonymous(4..<8, readWrite))
    try tree.map(anonymous(10..<14, [.read]))
    let removed = try tree.unmap(pages(2..<12))
    #expect(layout(tree) == [0..<2, 12..<14])
    #expect(removed.map { ($0.start - base) / pageSize..<($0.end - base) / pageSize } == [2..<4, 4..<8, 10..<12])
    #expect(removed.map(\.protection) == [[.read], readWrite, [.read]])

    // Unmapping nothing is fine.
    #expect(try tree.unmap(pages(20..<30)).isEmpty)
}

// MARK: Changing protection

@Test func protectSplitsAtTheRangeAndMergesBack() throws {
    let tree = VMATree()
    let original = try tree.map(anonymous(0..<10))
    try tree.protect(pages(3..<5), to: [.read])
    #expect(layout(tree) == [0..<3, 3..<5, 5..<10])
    #expect(tree.vma(containing: page(4))?.protection == [.read])
    #expect(tree.vma(containing: page(5))?.protection == readWrite)

    try tree.protect(pages(3..<5), to: readWrite)
    #expect(layout(tree) == [0..<10])
    #expect(tree.vma(containing: page(0)) === original)
}

@Test func protectOnExactBoundariesNeedsNoSplit() throws {
    let tree = VMATree(maxMapCount: 3)
    try tree.map(anonymous(0..<4, [.read]))
    try tree.map(anonymous(4..<8, readWrite))
    try tree.map(anonymous(8..<12, [.read]))
    // At the area limit, but changing whole areas splits nothing.
    try tree.protect(pages(4..<8), to: [.read])
    #expect(layout(tree) == [0..<12])
    // Nor does "changing" pages to the protection they have.
    try tree.protect(pages(2..<6), to: [.read])
    #expect(tree.count == 1)
}

@Test func protectFailsWithoutChangingAnything() throws {
    let tree = VMATree()
    let readOnly = TestFile(id: 1)
    try tree.map(anonymous(0..<4))
    try tree.map(fileMapping(4..<8, readOnly, filePage: 0, [.read], flags: [.shared, .mayRead]))
    try tree.map(anonymous(10..<12))

    // The hole comes first, so ENOMEM; and the first area is left as it was.
    expectError(.ENOMEM) { () throws(Errno) in try tree.protect(pages(2..<11), to: [.read]) }
    #expect(layout(tree) == [0..<4, 4..<8, 10..<12])
    #expect(tree.vma(containing: page(2))?.protection == readWrite)

    // A shared mapping of a read-only file cannot become writable...
    expectError(.EACCES) { () throws(Errno) in try tree.protect(pages(0..<8), to: readWrite) }
    // ...nor executable when its file forbids it, but can lose its access.
    expectError(.EACCES) { () throws(Errno) in try tree.protect(pages(4..<8), to: [.read, .exec]) }
    try tree.protect(pages(4..<8), to: [])
    // A private mapping of the same file may be made writable: writes are copied.
    try tree.map(fileMapping(20..<22, readOnly, filePage: 0, [.read]))
    try tree.protect(pages(20..<22), to: readWrite)
}

@Test func splittingPastTheAreaLimitFails() throws {
    let tree = VMATree(maxMapCount: 2)
    try tree.map(anonymous(0..<10))
    try tree.map(anonymous(20..<30))
    expectError(.ENOMEM) { () throws(Errno) in _ = try tree.unmap(pages(4..<5)) }
    expectError(.ENOMEM) { () throws(Errno) in try tree.protect(pages(4..<5), to: [.read]) }
    expectError(.ENOMEM) { () throws(Errno) in try tree.map(anonymous(40..<41)) }
    // Trimming an end does not add an area.
    #expect(try tree.unmap(pages(0..<1)).count == 1)
    #expect(layout(tree) == [1..<10, 20..<30])
    // Replacing the middle of an area would need three.
    expectError(.ENOMEM) { () throws(Errno) in _ = try tree.mapFixed(anonymous(4..<5, [.read])) }
    #expect(VMATree.defaultMaxMapCount == 65530)
}

// MARK: Finding free space

@Test func freeRangeSearchGoesTopDownFromTheMmapBase() throws {
    let tree = VMATree()
    let lowest = page(0)
    let mmapBase = page(1000)
    let highest = page(4000)
    func find(_ length: UInt64, hint: UInt64 = 0) throws(Errno) -> UInt64 {
        try tree.findFreeRange(
            length: length * pageSize, hint: hint, lowest: lowest, mmapBase: mmapBase,
            highest: highest)
    }
    #expect(try find(4) == page(996))

    try tree.map(anonymous(990..<1000))
    try tree.map(anonymous(950..<987))
    // The 3-page hole at 987 is too small for 4 pages; the next one down fits.
    #expect(try find(4) == page(946))
    #expect(try find(3) == page(987))

    // A free hint is taken, even above the mmap base; an unaligned one is rounded up.
    #expect(try find(4, hint: page(2000)) == page(2000))
    #expect(try find(4, hint: page(2000) + 1) == page(2001))
    // An occupied one, or one outside the limits, is ignored.
    #expect(try find(4, hint: page(985)) == page(946))
    #expect(try find(4, hint: page(3998)) == page(946))

    // Nothing of this size fits below the mmap base.
    expectError(.ENOMEM) { () throws(Errno) in _ = try find(1001) }
    expectError(.EINVAL) { () throws(Errno) in
        _ = try tree.findFreeRange(length: 10, lowest: lowest, mmapBase: mmapBase, highest: highest)
    }
}

@Test func freeRangeSearchKeepsClearOfAStackGuardGap() throws {
    let tree = VMATree()
    let guardPages = VMATree.defaultStackGuardGap / pageSize
    #expect(guardPages == 256)
    let stack = anonymous(500..<510, flags: [.mayRead, .mayWrite, .mayExec, .growsDown], label: .stack)
    try tree.map(stack)
    let found = try tree.findFreeRange(
        length: 100 * pageSize, lowest: page(0), mmapBase: page(600),
        highest: page(4000))
    // Above the stack there are only 90 pages; below it, the guard gap is kept.
    #expect(found == page(500 - guardPages - 100))
    // A hint inside the guard gap is not taken.
    let hinted = try tree.findFreeRange(
        length: pageSize, hint: page(400), lowest: page(0), mmapBase: page(600),
        highest: page(4000))
    #expect(hinted == page(599))
}

// MARK: Heap, stack, mremap

@Test func heapGrowsAsOneAreaAndShrinksByUnmapping() throws {
    let tree = VMATree()
    #expect(try tree.resizeHeap(from: page(100), to: page(102)).isEmpty)
    let heap = try #require(tree.vma(containing: page(100)))
    #expect(heap.label == .heap && heap.label?.name == "[heap]")
    #expect(heap.protection == readWrite && heap.isAnonymous)

    _ = try tree.resizeHeap(from: page(102), to: page(105))
    #expect(tree.count == 1 && tree.vma(containing: page(104)) === heap)

    let freed = try tree.resizeHeap(from: page(105), to: page(101))
    #expect(freed.count == 1 && freed[0].start == page(101) && freed[0].end == page(105))
    #expect(layout(tree) == [100..<101])

    // The heap keeps a page clear below the next mapping.
    try tree.map(anonymous(110..<111, [.read]))
    expectError(.ENOMEM) { () throws(Errno) in _ = try tree.resizeHeap(from: page(101), to: page(110)) }
    _ = try tree.resizeHeap(from: page(101), to: page(109))
    #expect(layout(tree) == [100..<109, 110..<111])
    expectError(.EINVAL) { () throws(Errno) in _ = try tree.resizeHeap(from: page(109), to: page(110) + 5) }
}

@Test func stackGrowthStopsAtTheGuardGap() throws {
    let tree = VMATree()
    let stackFlags: VMAFlags = [.mayRead, .mayWrite, .mayExec, .growsDown]
    let below = try tree.map(anonymous(0..<10))
    let stack = try tree.map(anonymous(1000..<1010, flags: stackFlags, label: .stack))

    try tree.expandDown(stack, to: page(300) + 123)
    #expect(stack.start == page(300))
    // 266 is exactly the guard gap above the area ending at 10; 265 is inside it.
    expectError(.ENOMEM) { () throws(Errno) in try tree.expandDown(stack, to: page(265)) }
    try tree.expandDown(stack, to: page(266))
    #expect(stack.start == page(266))
    // An address already inside the stack changes nothing.
    try tree.expandDown(stack, to: page(500))
    #expect(stack.start == page(266))
    #expect(tree.mappedBytes == (10 + 744) * pageSize)

    // An inaccessible area below (a PROT_NONE guard mapping) may be touched, not overlapped.
    try tree.protect(below.start..<below.end, to: [])
    try tree.expandDown(stack, to: page(10))
    expectError(.ENOMEM) { () throws(Errno) in try tree.expandDown(stack, to: page(9)) }

    // Only stacks grow down.
    expectError(.EFAULT) { () throws(Errno) in try tree.expandDown(below, to: page(0)) }
}

@Test func mremapGrowsInPlaceOrReportsItMustMove() throws {
    let tree = VMATree()
    let vma = try tree.map(anonymous(0..<4))
    try tree.map(anonymous(8..<10, [.read]))
    try tree.growInPlace(vma, to: page(6))
    #expect(layout(tree) == [0..<6, 8..<10])
    expectError(.ENOMEM) { () throws(Errno) in try tree.growInPlace(vma, to: page(9)) }

    // Growing up to a matching area merges the two.
    try tree.map(anonymous(20..<22))
    try tree.protect(pages(8..<10), to: readWrite)
    try tree.growInPlace(vma, to: page(8))
    #expect(layout(tree) == [0..<10, 20..<22])
}

@Test func mremapMoveKeepsTheFileContinuous() throws {
    let tree = VMATree()
    let file = TestFile(id: 1)
    try tree.map(fileMapping(0..<10, file, filePage: 50, readWrite))
    let moved = try tree.move(pages(2..<4), to: page(100), length: 3 * pageSize)
    #expect(layout(tree) == [0..<2, 4..<10, 100..<103])
    #expect(moved.start == page(100) && moved.filePageOffset == 52 && moved.backing === file)
    #expect(tree.mappedBytes == 11 * pageSize)

    // Moving back next to the rest of the file merges everything again.
    let back = try tree.move(pages(100..<102), to: page(2), length: 2 * pageSize)
    #expect(tree.vma(containing: page(0)) === back)
    #expect(layout(tree) == [0..<10, 102..<103])

    expectError(.EFAULT) { () throws(Errno) in _ = try tree.move(pages(8..<12), to: page(200), length: 4 * pageSize) }
    expectError(.EFAULT) { () throws(Errno) in _ = try tree.move(pages(50..<51), to: page(200), length: pageSize) }
    expectError(.EEXIST) { () throws(Errno) in _ = try tree.move(pages(0..<2), to: page(101), length: 2 * pageSize) }
    expectError(.EINVAL) { () throws(Errno) in _ = try tree.move(pages(0..<4), to: page(2), length: 4 * pageSize) }
    expectError(.EINVAL) { () throws(Errno) in _ = try tree.move(pages(0..<4), to: page(200), length: pageSize) }
}

// MARK: fork

@Test func forkCopyIsIndependentButSharesBackings() throws {
    let parent = VMATree()
    let file = TestFile(id: 1)
    try parent.map(fileMapping(0..<4, file, filePage: 7))
    try parent.map(anonymous(10..<12, readWrite, label: .stack))

    let child = parent.copy()
    #expect(layout(child) == layout(parent))
    #expect(child.mappedBytes == parent.mappedBytes)
    let parentArea = try #require(parent.vma(containing: page(0)))
    let childArea = try #require(child.vma(containing: page(0)))
    #expect(parentArea !== childArea)
    #expect(childArea.backing === file && childArea.filePageOffset == 7)
    #expect(child.vma(containing: page(10))?.label == .stack)

    _ = try child.unmap(pages(0..<4))
    #expect(layout(parent) == [0..<4, 10..<12])
    #expect(layout(child) == [10..<12])
}

@Test func forkAdviceFlagsSplitAndDontCopyAreasStayBehind() throws {
    let tree = VMATree()
    try tree.map(anonymous(0..<10))
    try tree.setFlag(.dontCopy, true, over: pages(2..<4)) { (_: VMA) throws(Errno) in }
    try tree.setFlag(.wipeOnFork, true, over: pages(6..<8)) { (_: VMA) throws(Errno) in }
    #expect(layout(tree) == [0..<2, 2..<4, 4..<6, 6..<8, 8..<10])
    let child = tree.copy()
    #expect(layout(child) == [0..<2, 4..<6, 6..<8, 8..<10])
    #expect(child.vma(containing: page(6))?.flags.contains(.wipeOnFork) == true)
    // A refusing check changes nothing; clearing the flags merges the areas back.
    expectError(.EINVAL) { () throws(Errno) in
        try tree.setFlag(.dontCopy, false, over: pages(0..<10)) { (_: VMA) throws(Errno) in throw .EINVAL }
    }
    #expect(tree.count == 5)
    try tree.setFlag(.dontCopy, false, over: pages(0..<10)) { (_: VMA) throws(Errno) in }
    try tree.setFlag(.wipeOnFork, false, over: pages(0..<10)) { (_: VMA) throws(Errno) in }
    #expect(layout(tree) == [0..<10])
}

@Test func lookupsFindTheRightArea() throws {
    let tree = VMATree()
    try tree.map(anonymous(4..<8))
    try tree.map(anonymous(10..<12, [.read]))
    #expect(tree.find(page(0))?.start == page(4))
    #expect(tree.find(page(8))?.start == page(10))
    #expect(tree.find(page(12)) == nil)
    #expect(tree.vma(containing: page(8)) == nil)
    #expect(tree.vma(containing: page(7) + 5)?.start == page(4))
    #expect(tree.firstIntersecting(pages(8..<10)) == nil)
    #expect(tree.firstIntersecting(pages(8..<11))?.start == page(10))
    let first = try #require(tree.find(0))
    #expect(tree.next(after: first)?.start == page(10))
    #expect(tree.previous(before: tree.next(after: first)!) === first)
}

@Test func lockingSplitsAreasAndCountsLockedBytes() throws {
    let tree = VMATree()
    try tree.map(anonymous(0..<10))
    try tree.setLocked(pages(2..<4), true)
    #expect(layout(tree) == [0..<2, 2..<4, 4..<10])
    #expect(tree.lockedBytes() == 2 * pageSize)
    #expect(tree.lockedBytes(in: pages(3..<8)) == pageSize)
    // Locking the rest merges everything back into one locked area.
    try tree.setLocked(pages(0..<10), true)
    #expect(layout(tree) == [0..<10] && tree.lockedBytes() == 10 * pageSize)
    #expect(throws: Errno.ENOMEM) { try tree.setLocked(pages(8..<12), false) }
    #expect(tree.lockedBytes() == 10 * pageSize)
    // A fork's copy holds no locks.
    #expect(tree.copy().lockedBytes() == 0)
    try tree.setLocked(pages(0..<10), false)
    #expect(layout(tree) == [0..<10] && tree.lockedBytes() == 0)
}
