import ABI
import Core
import Lib

/// Process groups as job control sees them (Linux: kernel/exit.c's
/// will_become_orphaned_pgrp, has_stopped_jobs and kill_orphaned_pgrp, and
/// kill_pgrp from kernel/signal.c).
public enum ProcessGroups {
    /// The processes of group `id`, by their thread group.
    static func members(_ id: Int32) -> [ThreadGroup] {
        PidAllocation.allTasks.filter { $0.isGroupLeader && $0.isProcess && $0.group.processGroup == id }
            .map { $0.group }
    }

    /// Whether any process is in group `id` — within `session`, if given.
    static func exists(_ id: Int32, inSession session: Int32? = nil) -> Bool {
        members(id).contains { member in session.map { member.session == $0 } ?? true }
    }

    /// A signal from the kernel to every process of group `id` (Linux:
    /// kill_pgrp with priv 1: the terminal sends ^C's SIGINT, whoever owns
    /// the processes).
    static func send(_ signal: Signal, to id: Int32) {
        for member in members(id) { Signals.send(signal, toProcess: member, from: nil) }
    }

    /// A group is orphaned when no member has a parent in another group of
    /// the same session — nobody left who could continue it with job
    /// control. `ignoring` is a process about to leave, and members whose
    /// parent is init do not count, nor those of `ignoring`, which init is
    /// about to adopt (Linux: will_become_orphaned_pgrp, after
    /// forget_original_parent).
    static func isOrphaned(_ id: Int32, ignoring: ThreadGroup? = nil) -> Bool {
        for member in members(id) where member !== ignoring && !member.isExiting {
            guard let parent = member.leader?.parent, parent.group !== Scheduler.childReaper?.group,
                parent.group !== ignoring
            else { continue }
            if parent.group.processGroup != id && parent.group.session == member.session { return false }
        }
        return true
    }

    /// Whether a member of group `id` is stopped (Linux: has_stopped_jobs).
    static func hasStoppedJobs(_ id: Int32) -> Bool {
        members(id).contains { $0.threads.contains { $0.state.contains(.stopped) } }
    }

    /// The groups that `exiting`'s end orphans while they have stopped
    /// members: its own (seen from its parent) and each of its children's.
    /// POSIX has them sent SIGHUP and then SIGCONT, so they are not left
    /// stopped forever (Linux: kill_orphaned_pgrp in exit_notify and
    /// forget_original_parent).
    static func orphanedByExit(of exiting: ThreadGroup) -> [Int32] {
        var related: [ThreadGroup] = []
        if let parent = exiting.leader?.parent { related.append(parent.group) }
        related += exiting.threads.flatMap { $0.children }.map { $0.group }
        var orphaned: [Int32] = []
        for other in related {
            // The group left behind: the child's, or (for the parent) our own.
            let id = other === exiting.leader?.parent?.group ? exiting.processGroup : other.processGroup
            guard other.processGroup != exiting.processGroup, other.session == exiting.session,
                !orphaned.contains(id), isOrphaned(id, ignoring: exiting), hasStoppedJobs(id)
            else { continue }
            orphaned.append(id)
        }
        return orphaned
    }

    /// SIGHUP then SIGCONT to each group that `orphanedByExit` found.
    static func hangUpOrphaned(_ ids: [Int32]) {
        for id in ids {
            send(.SIGHUP, to: id)
            send(.SIGCONT, to: id)
        }
    }
}
