import Testing

@testable import Lib

// MARK: Fixtures

/// A node ordered by `key`; `serial` identifies it in failure messages.
private final class Item: RBNode {
    var key: Int
    let serial: Int
    var rbLinks = RBLinks<Item>()

    init(key: Int, serial: Int) {
        self.key = key
        self.serial = serial
    }

    static func sortsBefore(_ lhs: Item, _ rhs: Item) -> Bool { lhs.key < rhs.key }
}

/// The reference: a plain array kept sorted, equal keys in insertion order.
private struct SortedArrayModel {
    var items: [Item] = []

    mutating func insert(_ item: Item) {
        let index = items.firstIndex { $0.key > item.key } ?? items.count
        items.insert(item, at: index)
    }

    mutating func remove(_ item: Item) { items.remove(at: items.firstIndex { $0 === item }!) }

    func lowerBound(_ key: Int) -> Item? { items.first { $0.key >= key } }
    func floor(_ key: Int) -> Item? { items.last { $0.key <= key } }
}

private func serials(_ items: some Sequence<Item>) -> [Int] { items.map { $0.serial } }

/// Full structural and content comparison of the tree against the model.
private func expectMatches(_ tree: RBTree<Item>, _ model: SortedArrayModel) throws {
    try tree.validate()
    #expect(tree.count == model.items.count)
    #expect(tree.isEmpty == model.items.isEmpty)
    #expect(serials(tree) == serials(model.items))
    #expect(tree.leftmost === model.items.first)
    #expect(tree.rightmost === model.items.last)
}

private func height(_ node: Item?) -> Int {
    guard let node else { return 0 }
    return 1 + max(height(node[child: .left]), height(node[child: .right]))
}

private func makeTree(keys: [Int]) -> (RBTree<Item>, [Item]) {
    let tree = RBTree<Item>()
    let items = keys.enumerated().map { Item(key: $0.element, serial: $0.offset) }
    for item in items { tree.insert(item) }
    return (tree, items)
}

// MARK: Property tests

@Test(arguments: [1, 2, 3, 0xDEAD_BEEF] as [UInt64])
func rbTreeRandomOperationsMatchSortedArrayModel(seed: UInt64) throws {
    var random = TestRandom(seed: seed)
    let tree = RBTree<Item>()
    var model = SortedArrayModel()
    var detached: [Item] = []
    var nextSerial = 0

    for step in 0..<1500 {
        // Alternate growing and shrinking phases so the tree is repeatedly
        // built up to several dozen nodes and emptied again.
        let freshInsertions = (step / 125) % 2 == 0 ? 5 : 1  // out of 10
        let roll = random.below(10)
        if roll < freshInsertions {
            // Few distinct keys, so many nodes compare equal.
            let item = Item(key: random.below(60), serial: nextSerial)
            nextSerial += 1
            tree.insert(item)
            model.insert(item)
        } else if roll == freshInsertions, !detached.isEmpty {
            // Re-enqueue a removed node with a new key, as CFS does.
            let item = detached.remove(at: random.below(detached.count))
            item.key = random.below(60)
            tree.insert(item)
            model.insert(item)
        } else if roll < 8, !model.items.isEmpty {
            let item = model.items[random.below(model.items.count)]
            tree.remove(item)
            model.remove(item)
            #expect(!tree.contains(item))
            detached.append(item)
        } else {
            let key = random.below(80) - 10
            #expect(tree.lowerBound { $0.key < key } === model.lowerBound(key))
            #expect(tree.floor { $0.key > key } === model.floor(key))
            if !model.items.isEmpty {
                let index = random.below(model.items.count)
                let item = model.items[index]
                #expect(tree.contains(item))
                let after = index + 1 < model.items.count ? model.items[index + 1] : nil
                let before = index > 0 ? model.items[index - 1] : nil
                #expect(tree.successor(of: item) === after)
                #expect(tree.predecessor(of: item) === before)
            }
        }
        try expectMatches(tree, model)

        if step % 50 == 0 {
            var backwards: [Item] = []
            var cursor = tree.rightmost
            while let node = cursor {
                backwards.append(node)
                cursor = tree.predecessor(of: node)
            }
            #expect(serials(backwards) == serials(model.items.reversed()))
        }
    }
}

// MARK: Edge cases

@Test func rbTreeEmpty() throws {
    let tree = RBTree<Item>()
    try tree.validate()
    #expect(tree.isEmpty)
    #expect(tree.count == 0)
    #expect(tree.leftmost == nil)
    #expect(tree.rightmost == nil)
    #expect(tree.lowerBound { _ in false } == nil)
    #expect(tree.floor { _ in false } == nil)
    #expect(Array(tree).isEmpty)
}

@Test func rbTreeSingleNode() throws {
    let (tree, items) = makeTree(keys: [7])
    let only = items[0]
    try tree.validate()
    #expect(tree.count == 1)
    #expect(tree.leftmost === only)
    #expect(tree.rightmost === only)
    #expect(tree.successor(of: only) == nil)
    #expect(tree.predecessor(of: only) == nil)
    #expect(tree.lowerBound { $0.key < 7 } === only)
    #expect(tree.lowerBound { $0.key < 8 } == nil)
    #expect(tree.floor { $0.key > 7 } === only)
    #expect(tree.floor { $0.key > 6 } == nil)
    tree.remove(only)
    try tree.validate()
    #expect(tree.isEmpty)
    #expect(tree.leftmost == nil)
    #expect(!tree.contains(only))
}

@Test func rbTreeRepeatedlyRemovingRoot() throws {
    let (tree, items) = makeTree(keys: Array(0..<100))
    var model = SortedArrayModel()
    for item in items { model.insert(item) }
    while let root = tree.root {
        tree.remove(root)
        model.remove(root)
        try expectMatches(tree, model)
    }
}

@Test func rbTreeEqualKeysKeepInsertionOrder() throws {
    let (tree, items) = makeTree(keys: Array(repeating: 5, count: 200))
    var model = SortedArrayModel()
    for item in items { model.insert(item) }
    try expectMatches(tree, model)
    #expect(serials(tree) == Array(0..<200))

    var random = TestRandom(seed: 42)
    for _ in 0..<150 {
        let item = model.items[random.below(model.items.count)]
        tree.remove(item)
        model.remove(item)
        try expectMatches(tree, model)
    }
    // With everything equal, lowerBound is the first and floor the last.
    #expect(tree.lowerBound { $0.key < 5 } === model.items.first)
    #expect(tree.floor { $0.key > 5 } === model.items.last)
}

@Test(arguments: [false, true])
func rbTreeSortedInsertionStaysBalanced(descending: Bool) throws {
    let keys = Array(0..<2047)
    let (tree, _) = makeTree(keys: descending ? keys.reversed() : keys)
    try tree.validate()
    #expect(serials(tree) == (descending ? keys.reversed() : keys))
    // 2·log2(n + 1) with n + 1 = 2048.
    #expect(height(tree.root) <= 2 * 11)
}

// MARK: The users' access patterns

@Test func rbTreeSchedulerPickNextIsRoundRobinAmongEquals() throws {
    // CFS: run the leftmost task, charge it runtime, re-enqueue it. Equal
    // vruntimes must be served first come, first served.
    let (tree, _) = makeTree(keys: Array(repeating: 0, count: 5))
    var picked: [Int] = []
    for _ in 0..<15 {
        let next = try #require(tree.leftmost)
        picked.append(next.serial)
        tree.remove(next)
        next.key += 10
        tree.insert(next)
        try tree.validate()
    }
    #expect(picked == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
}

@Test func rbTreeVMAStyleLookup() {
    // Ranges [start, start + 10) at 0, 100, 200; key = start.
    let (tree, items) = makeTree(keys: [100, 0, 200])
    let (at0, at100, at200) = (items[1], items[0], items[2])
    func findVMA(_ addr: Int) -> Item? { tree.lowerBound { $0.key + 10 <= addr } }
    func lastStartingAtOrBelow(_ addr: Int) -> Item? { tree.floor { $0.key > addr } }
    #expect(findVMA(0) === at0)
    #expect(findVMA(9) === at0)
    #expect(findVMA(10) === at100)
    #expect(findVMA(150) === at200)
    #expect(findVMA(210) == nil)
    #expect(lastStartingAtOrBelow(-1) == nil)
    #expect(lastStartingAtOrBelow(99) === at0)
    #expect(lastStartingAtOrBelow(100) === at100)
    #expect(lastStartingAtOrBelow(1000) === at200)
}

@Test func rbTreeNodeMovesBetweenTrees() throws {
    // Like a task migrating between two CPUs' run queues.
    let (source, items) = makeTree(keys: [3, 1, 2])
    let destination = RBTree<Item>()
    let moving = items[0]
    #expect(source.contains(moving))
    #expect(!destination.contains(moving))
    source.remove(moving)
    destination.insert(moving)
    #expect(!source.contains(moving))
    #expect(destination.contains(moving))
    try source.validate()
    try destination.validate()
    #expect(serials(source) == [1, 2])
    #expect(serials(destination) == [0])
}

@Test func rbTreeRemoveAllAndDeinitUnlinkNodes() throws {
    let (tree, items) = makeTree(keys: Array(0..<50))
    tree.removeAll()
    try tree.validate()
    #expect(tree.isEmpty)
    #expect(tree.leftmost == nil)
    for item in items {
        #expect(item.rbLinks.owner == nil && item.rbLinks.parent == nil)
        #expect(item.rbLinks.left == nil && item.rbLinks.right == nil)
    }

    weak var dropped: RBTree<Item>?
    do {
        let scoped = RBTree<Item>()
        for item in items { scoped.insert(item) }
        dropped = scoped
    }
    #expect(dropped == nil)
    for item in items { #expect(item.rbLinks.owner == nil && item.rbLinks.parent == nil) }
}

// MARK: validate() catches corruption

/// Keys 0...3 give root 1 (black), children 0 and 2 (black), and 3 (red) under 2.
private func fourNodeTree() throws -> (RBTree<Item>, [Item]) {
    let (tree, items) = makeTree(keys: [0, 1, 2, 3])
    try tree.validate()
    try #require(tree.root === items[1])
    try #require(!items[2].isRed && items[3].isRed)
    return (tree, items)
}

@Test func rbTreeValidateDetectsRedRoot() throws {
    let (tree, items) = try fourNodeTree()
    items[1].isRed = true
    #expect(throws: RBTreeViolation.redRoot) { try tree.validate() }
}

@Test func rbTreeValidateDetectsRedChildOfRed() throws {
    let (tree, items) = try fourNodeTree()
    items[2].isRed = true
    #expect(throws: RBTreeViolation.redChildOfRed) { try tree.validate() }
}

@Test func rbTreeValidateDetectsUnequalBlackHeight() throws {
    let (tree, items) = try fourNodeTree()
    items[3].isRed = false
    #expect(throws: RBTreeViolation.unequalBlackHeight) { try tree.validate() }
}

@Test func rbTreeValidateDetectsBrokenParentLink() throws {
    let (tree, items) = try fourNodeTree()
    items[3].parent = items[0]
    #expect(throws: RBTreeViolation.brokenParentLink) { try tree.validate() }
}

@Test func rbTreeValidateDetectsForeignNode() throws {
    let (tree, items) = try fourNodeTree()
    items[3].rbLinks.owner = nil
    #expect(throws: RBTreeViolation.foreignNode) { try tree.validate() }
}

@Test func rbTreeValidateDetectsOutOfOrderKeys() throws {
    let (tree, items) = try fourNodeTree()
    items[0].key = 10
    #expect(throws: RBTreeViolation.outOfOrder) { try tree.validate() }
}

@Test func rbTreeValidateDetectsStaleLeftmost() throws {
    // Swap the root's subtrees: the structure stays a valid red-black shape,
    // but the cached leftmost no longer is.
    let (tree, items) = try fourNodeTree()
    let root = items[1]
    let (left, right) = (root[child: .left], root[child: .right])
    root[child: .left] = right
    root[child: .right] = left
    #expect(throws: RBTreeViolation.staleLeftmost) { try tree.validate() }
}

@Test func rbTreeValidateDetectsWrongCount() throws {
    let (tree, items) = try fourNodeTree()
    items[2][child: .right] = nil
    items[3].isRed = false  // keep colours consistent so only the count is off
    #expect(throws: RBTreeViolation.wrongCount) { try tree.validate() }
}
