/// A red-black tree of intrusive nodes with a cached leftmost node — Linux's
/// `struct rb_root_cached` with lib/rbtree.c's balancing.
///
/// Every node is red or black; the root is black, a red node has no red
/// child, and every path from a node down to a missing child passes the same
/// number of black nodes. Together these keep the height within
/// 2·log2(count + 1), so insert, remove and search are O(log n).
///
/// Nodes that compare equal keep their insertion order: a new node goes after
/// its equals, as with Linux's `rb_add_cached`. CFS relies on this so tasks
/// with the same vruntime run first-come, first-served.
///
/// The tree is a class because a copied struct would be a second root over
/// the same nodes, and the two would corrupt each other. Parent and child
/// links are strong references and so form cycles: removing a node clears
/// its links, and a dropped tree clears all of them, which is what lets
/// nodes be freed.
public final class RBTree<Node: RBNode> {
    var root: Node?

    /// The smallest node (`rb_first_cached`), kept up to date on every insert
    /// and remove so the scheduler's "pick next task" is O(1).
    public private(set) var leftmost: Node?

    public private(set) var count = 0

    public init() {}

    deinit { removeAll() }

    public var isEmpty: Bool { root == nil }

    /// The largest node, O(log n).
    public var rightmost: Node? { root?.extreme(.right) }

    /// Whether `node` is linked into this tree, O(1).
    public func contains(_ node: Node) -> Bool {
        node.rbLinks.owner == ObjectIdentifier(self)
    }

    /// The node after `node` in order (`rb_next`), or nil for the rightmost.
    public func successor(of node: Node) -> Node? {
        precondition(contains(node), "RBTree: node is not in this tree")
        return node.neighbor(.right)
    }

    /// The node before `node` in order (`rb_prev`), or nil for the leftmost.
    public func predecessor(of node: Node) -> Node? {
        precondition(contains(node), "RBTree: node is not in this tree")
        return node.neighbor(.left)
    }

    // MARK: Searching

    /// The leftmost node that is not below some target, or nil if all are.
    /// `isBelow` must hold for a prefix of the in-order sequence and fail for
    /// the rest; e.g. find_vma's "first VMA ending above addr" is
    /// `lowerBound { $0.end <= addr }`.
    public func lowerBound(isBelow: (Node) -> Bool) -> Node? {
        nearest(excludedEnd: .left, isExcluded: isBelow)
    }

    /// The rightmost node that is not above some target, or nil if all are.
    /// `isAbove` must fail for a prefix of the in-order sequence and hold for
    /// the rest; e.g. "last VMA starting at or below addr" is
    /// `floor { $0.start > addr }`.
    public func floor(isAbove: (Node) -> Bool) -> Node? {
        nearest(excludedEnd: .right, isExcluded: isAbove)
    }

    /// The excluded nodes form a run at the `excludedEnd` of the order; find
    /// the remaining node closest to them. Every node we keep is a candidate,
    /// and we then look for a closer one on its excluded side.
    private func nearest(excludedEnd: RBSide, isExcluded: (Node) -> Bool) -> Node? {
        var best: Node?
        var cursor = root
        while let node = cursor {
            if isExcluded(node) {
                cursor = node[child: excludedEnd.opposite]
            } else {
                best = node
                cursor = node[child: excludedEnd]
            }
        }
        return best
    }

    // MARK: Insertion

    /// Links `node` in after any nodes equal to it (`rb_add_cached`). O(log n);
    /// never allocates.
    public func insert(_ node: Node) {
        precondition(node.rbLinks.owner == nil, "RBTree: node is already in a tree")
        var parent: Node?
        var side = RBSide.left
        var isNewLeftmost = true
        var cursor = root
        while let current = cursor {
            parent = current
            // Ties go right, so the new node lands after its equals.
            side = Node.sortsBefore(node, current) ? .left : .right
            if side == .right { isNewLeftmost = false }
            cursor = current[child: side]
        }

        var links = RBLinks<Node>()
        links.parent = parent
        links.isRed = true
        links.owner = ObjectIdentifier(self)
        node.rbLinks = links
        if let parent { parent[child: side] = node } else { root = node }
        if isNewLeftmost { leftmost = node }
        count += 1
        repairAfterInsert(node)
    }

    /// A red node was added as a leaf; the only rule it can break is "no red
    /// child of a red node". Recolour while the uncle is red (pushing the
    /// problem two levels up), else fix it for good with one or two rotations.
    private func repairAfterInsert(_ inserted: Node) {
        var node = inserted
        while let parent = node.parent, parent.isRed {
            // A red node is never the root, so the grandparent exists.
            let grandparent = parent.parent!
            let uncleSide = parent.sideInParent.opposite
            if let uncle = grandparent[child: uncleSide], uncle.isRed {
                parent.isRed = false
                uncle.isRed = false
                grandparent.isRed = true
                node = grandparent
                continue
            }
            // Black uncle. If node is the inner grandchild, first rotate it
            // to the outside so one rotation at the grandparent finishes.
            var top = parent
            if node.sideInParent == uncleSide {
                rotate(parent, down: uncleSide.opposite)
                top = node
            }
            top.isRed = false
            grandparent.isRed = true
            rotate(grandparent, down: uncleSide)
            break
        }
        root!.isRed = false
    }

    // MARK: Removal

    /// Unlinks `node`, which must be in this tree (`rb_erase_cached`). O(log n),
    /// no search, no allocation; afterwards the node may be inserted again,
    /// into any tree.
    public func remove(_ node: Node) {
        precondition(contains(node), "RBTree: node is not in this tree")
        // The leftmost has no left child, so its successor is its right child
        // (a lone red leaf) or its parent: this update is O(1).
        if leftmost === node { leftmost = node.neighbor(.right) }
        count -= 1

        // Splice out a node with at most one child: `node` itself, or else
        // its successor, which then takes node's place and colour. Either
        // way the spliced-out position's colour is what the tree loses.
        let vacatedWasBlack: Bool
        let replacement: Node?  // what now sits where a node was spliced out
        let replacementParent: Node?  // its parent, needed because it may be nil
        if let left = node[child: .left], let right = node[child: .right] {
            let successor = right.extreme(.left)
            vacatedWasBlack = !successor.isRed
            replacement = successor[child: .right]
            if successor === right {
                replacementParent = successor
            } else {
                replacementParent = successor.parent
                replaceInParent(successor, with: replacement)
                successor[child: .right] = right
                right.parent = successor
            }
            replaceInParent(node, with: successor)
            successor[child: .left] = left
            left.parent = successor
            successor.isRed = node.isRed
        } else {
            vacatedWasBlack = !node.isRed
            replacement = node[child: .left] ?? node[child: .right]
            replacementParent = node.parent
            replaceInParent(node, with: replacement)
        }
        node.rbLinks = RBLinks()

        if vacatedWasBlack { repairAfterRemove(replacement, parent: replacementParent) }
    }

    /// Paths through `start` (which may be nil, with parent `parent`) lost one
    /// black node. A red `start` simply turns black. Otherwise borrow from the
    /// sibling's side: recolour the sibling red and move the deficit up, or
    /// rotate a red nephew across to restore the count for good.
    private func repairAfterRemove(_ start: Node?, parent startParent: Node?) {
        var node = start
        var parentOfNode = startParent
        while let parent = parentOfNode, !(node?.isRed ?? false) {
            // Only one child can be missing, so a nil `node` is the nil one.
            let side: RBSide = parent[child: .left] === node ? .left : .right
            // The other side carries at least one more black, so it exists.
            var sibling = parent[child: side.opposite]!
            if sibling.isRed {
                // Make the sibling black by rotating it above the parent.
                sibling.isRed = false
                parent.isRed = true
                rotate(parent, down: side)
                sibling = parent[child: side.opposite]!
            }
            let nearNephew = sibling[child: side]
            let farNephew = sibling[child: side.opposite]
            if !(nearNephew?.isRed ?? false) && !(farNephew?.isRed ?? false) {
                // Take one black off the sibling's side too; the deficit is now the parent's.
                sibling.isRed = true
                node = parent
                parentOfNode = parent.parent
                continue
            }
            if !(farNephew?.isRed ?? false) {
                // Only the near nephew is red: rotate it up to be the sibling,
                // so the old sibling becomes the far nephew. Textbooks recolour
                // here, but the step below overwrites both colours (as Linux
                // does, we skip that).
                rotate(sibling, down: side.opposite)
                sibling = parent[child: side.opposite]!
            }
            // Far nephew red: rotating the parent down to our side adds the
            // missing black there, and the recolouring keeps the far side's count.
            sibling.isRed = parent.isRed
            parent.isRed = false
            sibling[child: side.opposite]!.isRed = false
            rotate(parent, down: side)
            node = root
            break
        }
        node?.isRed = false
    }

    /// Unlinks every node, O(n) without recursion or allocation.
    public func removeAll() {
        // Descend, cutting each child pointer as we take it; a node with no
        // children left is finished, and its parent link leads back up.
        var cursor = root
        while let node = cursor {
            let side: RBSide = node[child: .left] != nil ? .left : .right
            if let child = node[child: side] {
                node[child: side] = nil
                cursor = child
            } else {
                cursor = node.parent
                node.rbLinks = RBLinks()
            }
        }
        root = nil
        leftmost = nil
        count = 0
    }

    // MARK: Restructuring

    /// Puts `replacement` where `node` hangs (under node's parent, or as the root).
    private func replaceInParent(_ node: Node, with replacement: Node?) {
        let parent = node.parent
        replacement?.parent = parent
        if let parent { parent[child: node.sideInParent] = replacement } else { root = replacement }
    }

    /// Moves `node` one level down toward `side`; its child on the other side
    /// rises into its place. In-order sequence is unchanged.
    private func rotate(_ node: Node, down side: RBSide) {
        let riser = node[child: side.opposite]!
        let movedSubtree = riser[child: side]
        node[child: side.opposite] = movedSubtree
        movedSubtree?.parent = node
        replaceInParent(node, with: riser)
        riser[child: side] = node
        node.parent = riser
    }
}

// MARK: In-order iteration

extension RBTree: Sequence {
    /// Walks nodes in order via successor links. Removing the node just
    /// returned is fine only if its successor was fetched first; prefer
    /// collecting nodes before mutating.
    public struct Iterator: IteratorProtocol {
        var upcoming: Node?

        public mutating func next() -> Node? {
            let current = upcoming
            upcoming = current?.neighbor(.right)
            return current
        }
    }

    public func makeIterator() -> Iterator { Iterator(upcoming: leftmost) }
}

// MARK: Self-check

/// A broken red-black tree invariant, as reported by `RBTree.validate()`.
public enum RBTreeViolation: Error, Equatable {
    case redRoot
    case redChildOfRed
    case unequalBlackHeight
    case brokenParentLink
    case foreignNode
    case outOfOrder
    case staleLeftmost
    case wrongCount
}

extension RBTree {
    /// Checks every invariant the tree relies on, O(n). For tests and debug
    /// assertions; Linux has no equivalent beyond its rbtree_test module.
    public func validate() throws(RBTreeViolation) {
        if let root {
            guard root.parent == nil else { throw .brokenParentLink }
            guard !root.isRed else { throw .redRoot }
        }
        var seen = 0
        _ = try checkedBlackHeight(of: root, parent: nil, seen: &seen)
        guard seen == count else { throw .wrongCount }
        guard leftmost === root?.extreme(.left) else { throw .staleLeftmost }
        // Parent links are sound by now, so successor walks are trustworthy.
        var previous: Node?
        for node in self {
            if let previous, Node.sortsBefore(node, previous) { throw .outOfOrder }
            previous = node
        }
    }

    /// The number of black nodes on every path down from `node`, counting
    /// the missing children below leaves as one.
    private func checkedBlackHeight(of node: Node?, parent: Node?, seen: inout Int) throws(RBTreeViolation) -> Int {
        guard let node else { return 1 }
        seen += 1
        // A cycle would revisit nodes; stop before recursing forever.
        guard seen <= count else { throw .wrongCount }
        guard node.parent === parent else { throw .brokenParentLink }
        guard contains(node) else { throw .foreignNode }
        if node.isRed, node[child: .left]?.isRed == true || node[child: .right]?.isRed == true {
            throw .redChildOfRed
        }
        let left = try checkedBlackHeight(of: node[child: .left], parent: node, seen: &seen)
        let right = try checkedBlackHeight(of: node[child: .right], parent: node, seen: &seen)
        guard left == right else { throw .unequalBlackHeight }
        return left + (node.isRed ? 0 : 1)
    }
}
