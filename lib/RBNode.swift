/// A type whose instances can be linked into an `RBTree` — the counterpart of
/// embedding a `struct rb_node` in a Linux structure (include/linux/rbtree.h).
///
/// The tree is intrusive: the links live inside the element itself, so the
/// owner of an element (a scheduling entity, a VMA) already holds the handle
/// it needs to remove it in O(log n), and linking never allocates. One set of
/// links means one tree at a time; conforming classes must be `final` because
/// the links are typed by `Self`.
public protocol RBNode: AnyObject {
    /// Storage for the tree's bookkeeping; start it as `RBLinks()` and never
    /// touch it otherwise.
    var rbLinks: RBLinks<Self> { get set }

    /// The tree's order: a strict weak ordering, like Linux's `less` callback
    /// to `rb_add_cached`. It must not change while the node is in a tree.
    static func sortsBefore(_ lhs: Self, _ rhs: Self) -> Bool
}

/// The links of one node — Linux's `struct rb_node` (parent, children, colour),
/// plus the identity of the tree holding the node so membership and misuse
/// (inserting twice, removing from the wrong tree) are O(1) checks.
public struct RBLinks<Node: AnyObject> {
    var parent: Node?
    var left: Node?
    var right: Node?
    var isRed = false
    var owner: ObjectIdentifier?

    public init() {}
}

/// Which child of a node; the balancing code is written once for one side and
/// mirrored through `opposite` instead of being duplicated.
enum RBSide {
    case left, right

    var opposite: RBSide { self == .left ? .right : .left }
}

// Navigation shared by the tree and its iterator. These read only the links,
// so they work on any node without knowing its tree.
extension RBNode {
    var parent: Self? {
        get { rbLinks.parent }
        set { rbLinks.parent = newValue }
    }

    var isRed: Bool {
        get { rbLinks.isRed }
        set { rbLinks.isRed = newValue }
    }

    subscript(child side: RBSide) -> Self? {
        get { side == .left ? rbLinks.left : rbLinks.right }
        set {
            switch side {
            case .left: rbLinks.left = newValue
            case .right: rbLinks.right = newValue
            }
        }
    }

    /// Which child of its parent this node is; meaningless for the root.
    var sideInParent: RBSide {
        parent?[child: .left] === self ? .left : .right
    }

    /// The last node of this subtree in direction `side` (its minimum for `.left`).
    func extreme(_ side: RBSide) -> Self {
        var node = self
        while let next = node[child: side] { node = next }
        return node
    }

    /// The in-order neighbour in direction `side`: successor for `.right`,
    /// predecessor for `.left` (Linux's `rb_next` / `rb_prev`).
    func neighbor(_ side: RBSide) -> Self? {
        if let child = self[child: side] { return child.extreme(side.opposite) }
        // Otherwise climb until we leave a subtree from its `opposite` side.
        var node = self
        while let parent = node.parent {
            if parent[child: side.opposite] === node { return parent }
            node = parent
        }
        return nil
    }
}
