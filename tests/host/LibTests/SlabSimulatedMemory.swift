@testable import Lib

/// Simulated RAM and page allocator for slab and kmalloc tests. Pages are
/// handed out as naturally aligned blocks (first fit), filled with garbage
/// so the allocator cannot rely on zeroed memory. Every access outside a
/// live block, every unaligned access and every bad free is counted in
/// `violations`: the allocator must leave it at 0.
final class SlabSimulatedMemory: SlabMemory {
    static let base: UInt = 0x4000_0000_0000
    let pageCount: Int
    private var words: [UInt]
    /// Start of the live block each page belongs to, or nil if free.
    private var blockOfPage: [UInt?]
    private var blocks: [UInt: SlabPageBlock] = [:]
    private(set) var violations = 0
    /// When set, allocatePages fails: out of memory.
    var exhausted = false

    init(pages: Int) {
        pageCount = pages
        words = Array(repeating: 0, count: pages * 512)
        blockOfPage = Array(repeating: nil, count: pages)
    }

    var liveBlocks: Int { blocks.count }
    var freePages: Int { blockOfPage.count { $0 == nil } }
    var end: UInt { Self.base + UInt(pageCount * 4096) }

    func allocatePages(order: Int, for owner: SlabPageOwner) -> UInt? {
        let count = 1 << min(order, 40)
        guard !exhausted, order >= 0, count <= pageCount else { return nil }
        for first in stride(from: 0, to: pageCount, by: count) where isFree(first..<first + count) {
            let address = Self.base + UInt(first * 4096)
            for page in first..<first + count { blockOfPage[page] = address }
            for word in first * 512..<(first + count) * 512 { words[word] = 0xDEAD_BEEF_0BAD_F00D }
            blocks[address] = SlabPageBlock(address: address, order: order, owner: owner)
            return address
        }
        return nil
    }

    func freePages(_ address: UInt, order: Int) {
        guard let block = blocks[address], block.order == order else {
            violations += 1
            return
        }
        blocks[address] = nil
        let first = Int((address - Self.base) / 4096)
        for page in first..<first + (1 << order) { blockOfPage[page] = nil }
    }

    func pageBlock(containing address: UInt) -> SlabPageBlock? {
        guard address >= Self.base, address < end,
            let start = blockOfPage[Int((address - Self.base) / 4096)]
        else { return nil }
        return blocks[start]
    }

    func load(_ address: UInt) -> UInt {
        guard let word = checkedWord(address) else { return 0 }
        return words[word]
    }

    func store(_ value: UInt, _ address: UInt) {
        guard let word = checkedWord(address) else { return }
        words[word] = value
    }

    private func isFree(_ pages: Range<Int>) -> Bool {
        for page in pages where blockOfPage[page] != nil { return false }
        return true
    }

    private func checkedWord(_ address: UInt) -> Int? {
        guard address % 8 == 0, address >= Self.base, address < end,
            blockOfPage[Int((address - Self.base) / 4096)] != nil
        else {
            violations += 1
            return nil
        }
        return Int((address - Self.base) / 8)
    }
}
