/// A sparse array indexed by any UInt64 (Linux: the xarray of lib/xarray.c,
/// the radix tree behind a file's i_pages). Nodes of 64 slots form a tree
/// just tall enough for the largest index stored, so an entry costs a few
/// nodes wherever it lies: one page at byte offset 2^40 of a file needs five
/// small nodes, not an array of 2^28 slots. Empty nodes are freed as entries
/// go. A lone entry at index 0 (a one-page file) needs no node at all: it
/// is kept in the head, as Linux keeps it in xa_head. A class, not a struct:
/// nodes are shared references, and a copy that shared them would see the
/// other's changes. Not synchronised: the owner locks around it.
public final class XArray<Element> {
    private final class Node {
        /// An inner node's children, or nil in a leaf.
        var children: [Node?]
        /// A leaf's entries, or empty in an inner node.
        var entries: [Element?]
        /// Non-nil slots, so an empty node is seen without a scan.
        var used = 0

        init(leaf: Bool) {
            children = leaf ? [] : Array(repeating: nil, count: xarraySlots)
            entries = leaf ? Array(repeating: nil, count: xarraySlots) : []
        }
    }

    private var root: Node?
    /// The entry at index 0 while it is the only one and there is no tree.
    private var head: Element?
    /// Levels below and including the root; the leaves are level 1; 0
    /// with no tree.
    private var height = 0
    /// How many entries are stored.
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// The entry at `index`, nil for none. Setting nil erases it.
    public subscript(index: UInt64) -> Element? {
        get {
            if index == 0, let head { return head }
            guard var node = root, Self.fits(index, height: height) else { return nil }
            var level = height
            while level > 1 {
                guard let child = node.children[Self.slot(index, level: level)] else { return nil }
                node = child
                level -= 1
            }
            return node.entries[Self.slot(index, level: 1)]
        }
        set {
            if let newValue { store(newValue, at: index) } else { erase(index) }
        }
    }

    /// The first entry at `index` or after, with its index (Linux: xa_find).
    public func first(from index: UInt64) -> (index: UInt64, element: Element)? {
        var found: (index: UInt64, element: Element)? = nil
        forEach(from: index) { at, element in
            found = (at, element)
            return false
        }
        return found
    }

    /// The first index at `index` or after that holds no entry (Linux:
    /// xas_find_marked's counterpart for holes, as SEEK_HOLE needs); nil
    /// only if every index from there to UInt64.max is taken.
    public func firstHole(from index: UInt64) -> UInt64? {
        var candidate = index
        var full = false
        forEach(from: index) { at, _ in
            guard at == candidate else { return false }
            if at == UInt64.max { full = true }
            candidate &+= 1
            return !full
        }
        return full ? nil : candidate
    }

    /// Removes and returns, in index order, every entry at `index` or after
    /// (truncation of a file's pages).
    public func removeAll(from index: UInt64) -> [Element] {
        var indices: [UInt64] = []
        var removed: [Element] = []
        forEach(from: index) { at, element in
            indices.append(at)
            removed.append(element)
            return true
        }
        for at in indices { erase(at) }
        return removed
    }

    /// Calls `body` with each entry at `index` or after, in index order,
    /// until it returns false.
    public func forEach(from index: UInt64, _ body: (UInt64, Element) -> Bool) {
        if index == 0, let head {
            _ = body(0, head)
            return
        }
        guard let root else { return }
        if !Self.fits(index, height: height) { return }
        _ = Self.visit(root, level: height, base: 0, from: index, body)
    }

    // MARK: Inside the tree

    /// Slot of `index` in a node at `level`.
    private static func slot(_ index: UInt64, level: Int) -> Int {
        Int(truncatingIfNeeded: (index >> UInt64(xarrayShift * (level - 1))) & UInt64(xarraySlots - 1))
    }

    /// Whether a tree of `height` levels reaches `index`.
    private static func fits(_ index: UInt64, height: Int) -> Bool {
        let bits = xarrayShift * height
        return bits >= UInt64.bitWidth || index >> UInt64(bits) == 0
    }

    /// Indices one slot of a node at `level` covers.
    private static func span(level: Int) -> UInt64 {
        1 << UInt64(xarrayShift * (level - 1))
    }

    private static func visit(
        _ node: Node, level: Int, base: UInt64, from index: UInt64,
        _ body: (UInt64, Element) -> Bool
    ) -> Bool {
        let span = span(level: level)
        let firstSlot = index > base ? Int((index - base) / span) : 0
        for slot in firstSlot..<xarraySlots {
            // Only slots that hold something lie below 2^64, so the wrapping
            // arithmetic is exact wherever it is used.
            let start = base &+ UInt64(slot) &* span
            if level == 1 {
                if let element = node.entries[slot], !body(start, element) { return false }
            } else if let child = node.children[slot],
                !visit(child, level: level - 1, base: start, from: index, body)
            {
                return false
            }
        }
        return true
    }

    private func store(_ element: Element, at index: UInt64) {
        if root == nil {
            if index == 0 && (head != nil || count == 0) {
                if head == nil { count += 1 }
                head = element
                return
            }
            height = 1
            while !Self.fits(index, height: height) { height += 1 }
            root = Node(leaf: height == 1)
            // A second entry: the lone one moves from the head into the tree.
            if let lone = head {
                head = nil
                count -= 1
                store(lone, at: 0)
            }
        }
        // Grow upwards: the old root becomes the first child of a new one.
        while !Self.fits(index, height: height), let old = root {
            let top = Node(leaf: false)
            top.children[0] = old
            top.used = 1
            root = top
            height += 1
        }
        guard var node = root else { return }
        var level = height
        while level > 1 {
            let slot = Self.slot(index, level: level)
            if let child = node.children[slot] {
                node = child
            } else {
                let child = Node(leaf: level == 2)
                node.children[slot] = child
                node.used += 1
                node = child
            }
            level -= 1
        }
        let slot = Self.slot(index, level: 1)
        if node.entries[slot] == nil {
            node.used += 1
            count += 1
        }
        node.entries[slot] = element
    }

    /// Removes the entry at `index`, freeing the nodes it leaves empty and
    /// shrinking the tree while only its first slot is in use.
    private func erase(_ index: UInt64) {
        if index == 0, head != nil {
            head = nil
            count -= 1
            return
        }
        guard var node = root, Self.fits(index, height: height) else { return }
        var path: [(node: Node, slot: Int)] = []
        var level = height
        while level > 1 {
            let slot = Self.slot(index, level: level)
            guard let child = node.children[slot] else { return }
            path.append((node, slot))
            node = child
            level -= 1
        }
        let slot = Self.slot(index, level: 1)
        guard node.entries[slot] != nil else { return }
        node.entries[slot] = nil
        node.used -= 1
        count -= 1
        var emptied = node.used == 0
        while emptied, let (parent, slot) = path.popLast() {
            parent.children[slot] = nil
            parent.used -= 1
            emptied = parent.used == 0
        }
        if emptied {
            root = nil
            height = 0
            return
        }
        while height > 1, let top = root, top.used == 1, let only = top.children[0] {
            root = only
            height -= 1
        }
    }
}

/// Bits of the index each level takes, and so slots per node (Linux:
/// XA_CHUNK_SHIFT, XA_CHUNK_SIZE).
private let xarrayShift = 6
private let xarraySlots = 1 << xarrayShift
