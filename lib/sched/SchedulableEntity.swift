/// Something the scheduler can run. In Apus that is the task itself, as
/// Linux embeds `struct sched_entity` in `task_struct`:
///
///     final class Task: SchedulableEntity {
///         var rbLinks = RBLinks<Task>()
///         var sched = SchedState<Task>()
///     }
///
/// Both stored properties belong to the run queue: set them once at
/// creation and never write them afterwards. The `RBNode` order is CFS's
/// timeline order, provided here.
public protocol SchedulableEntity: RBNode {
    var sched: SchedState<Self> { get set }
}

extension SchedulableEntity {
    /// Smaller vruntime first; equal vruntimes keep their arrival order
    /// (Linux: entity_before).
    public static func sortsBefore(_ lhs: Self, _ rhs: Self) -> Bool {
        Vruntime.isBefore(lhs.sched.vruntime, rhs.sched.vruntime)
    }
}
