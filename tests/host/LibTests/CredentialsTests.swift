import ABI
import Testing

@testable import Lib

/// The set*id rules of Linux's kernel/sys.c, case by case, with the IDs a
/// root process and an ordinary user (1000) have.
@Suite struct CredentialsTests {
    private let unchanged = IDSet.unchanged

    private func expectError(_ expected: Errno, _ body: () throws(Errno) -> Void) {
        do throws(Errno) {
            try body()
            Issue.record("expected \(expected), got success")
        } catch {
            #expect(error == expected)
        }
    }

    @Test func setuidAsRootSetsAllFourAndIsFinal() throws {
        var ids = IDSet(all: 0)
        try ids.set(1000, privileged: true)
        #expect(ids == IDSet(all: 1000))
        // Now unprivileged, and 0 is neither its real nor its saved ID.
        expectError(.EPERM) { () throws(Errno) in try ids.set(0, privileged: false) }
        expectError(.EINVAL) { () throws(Errno) in try ids.set(unchanged, privileged: true) }
    }

    @Test func unprivilegedSetuidMovesOnlyTheEffectiveID() throws {
        // A set-user-ID-root program run by 1000 (real 1000, effective and saved 0) that dropped to 1000.
        var ids = IDSet(real: 1000, effective: 1000, saved: 0, filesystem: 1000)
        try ids.set(0, privileged: false)  // back to the saved ID
        #expect(ids == IDSet(real: 1000, effective: 0, saved: 0, filesystem: 0))
        try ids.set(1000, privileged: false)
        #expect(ids == IDSet(real: 1000, effective: 1000, saved: 0, filesystem: 1000))
        expectError(.EPERM) { () throws(Errno) in try ids.set(2000, privileged: false) }
    }

    @Test func setreuidSwapsAndUpdatesTheSavedID() throws {
        var ids = IDSet(real: 1000, effective: 2000, saved: 2000, filesystem: 2000)
        try ids.setRealEffective(2000, 1000, privileged: false)  // swap real and effective
        #expect(ids == IDSet(real: 2000, effective: 1000, saved: 1000, filesystem: 1000))
        // Only the effective ID, set to the real one: the saved ID stays.
        var other = IDSet(real: 1000, effective: 0, saved: 0, filesystem: 0)
        try other.setRealEffective(unchanged, 1000, privileged: false)
        #expect(other == IDSet(real: 1000, effective: 1000, saved: 0, filesystem: 1000))
        // The real ID may not become the saved one.
        expectError(.EPERM) { () throws(Errno) in try other.setRealEffective(0, unchanged, privileged: false) }
        // A failed call changes nothing.
        #expect(other == IDSet(real: 1000, effective: 1000, saved: 0, filesystem: 1000))
        expectError(.EPERM) { () throws(Errno) in try other.setRealEffective(unchanged, 3000, privileged: false) }
        try other.setRealEffective(unchanged, 0, privileged: false)  // the saved ID is allowed for the effective one
        #expect(other.effective == 0 && other.saved == 0)
    }

    @Test func setresuidAllowsOnlyCurrentIDsUnprivileged() throws {
        var ids = IDSet(real: 1000, effective: 0, saved: 0, filesystem: 0)
        try ids.setRealEffectiveSaved(unchanged, 1000, unchanged, privileged: false)
        #expect(ids == IDSet(real: 1000, effective: 1000, saved: 0, filesystem: 1000))
        expectError(.EPERM) { () throws(Errno) in
            try ids.setRealEffectiveSaved(5, unchanged, unchanged, privileged: false)
        }
        try ids.setRealEffectiveSaved(0, 0, 1000, privileged: false)
        #expect(ids == IDSet(real: 0, effective: 0, saved: 1000, filesystem: 0))
        try ids.setRealEffectiveSaved(5, 6, 7, privileged: true)
        #expect(ids == IDSet(real: 5, effective: 6, saved: 7, filesystem: 6))
    }

    @Test func setresuidNoOpKeepsTheFilesystemID() throws {
        var ids = IDSet(real: 0, effective: 0, saved: 0, filesystem: 7)
        try ids.setRealEffectiveSaved(0, unchanged, 0, privileged: true)
        #expect(ids.filesystem == 7)
        try ids.setRealEffectiveSaved(unchanged, 0, unchanged, privileged: true)  // effective == old, but fs differs
        #expect(ids.filesystem == 0)
    }

    @Test func setfsuidReturnsThePreviousID() {
        var ids = IDSet(real: 1000, effective: 1001, saved: 1002, filesystem: 1001)
        #expect(ids.setFilesystem(1002, privileged: false) == 1001)
        #expect(ids.filesystem == 1002)
        #expect(ids.setFilesystem(0, privileged: false) == 1002)  // refused, reported unchanged
        #expect(ids.filesystem == 1002)
        #expect(ids.setFilesystem(unchanged, privileged: true) == 1002)  // -1 only queries
        #expect(ids.setFilesystem(0, privileged: true) == 1002 && ids.filesystem == 0)
    }

    @Test func groupsAreSortedAndNeedPrivilege() throws {
        var credentials = Credentials.root
        try credentials.setGroups([30, 10, 20])
        #expect(credentials.groups == [10, 20, 30])
        expectError(.EINVAL) { () throws(Errno) in
            try credentials.setGroups(Array(repeating: 1, count: Credentials.maximumGroups + 1))
        }
        try credentials.uid.set(1000, privileged: true)
        #expect(!credentials.isPrivileged)
        expectError(.EPERM) { () throws(Errno) in try credentials.setGroups([]) }
        #expect(credentials.groups == [10, 20, 30])
    }

    @Test func permissionToSignalReniceAndChangeLimits() {
        let user = Credentials(uid: IDSet(all: 1000), gid: IDSet(all: 100))
        let setuidProgram = Credentials(
            uid: IDSet(real: 1000, effective: 0, saved: 0, filesystem: 0), gid: IDSet(all: 100))
        let other = Credentials(uid: IDSet(all: 2000), gid: IDSet(all: 100))
        #expect(Credentials.root.maySignal(other))
        #expect(user.maySignal(setuidProgram))  // the sender's uid is the target's real uid
        #expect(!user.maySignal(other))
        #expect(!user.maySignal(.root))
        #expect(user.mayRenice(setuidProgram) && !user.mayRenice(other))
        #expect(user.mayChangeLimits(of: user) && !user.mayChangeLimits(of: setuidProgram))
        #expect(Credentials.root.mayChangeLimits(of: other))
        // /proc/PID/environ and fd/: only the same user, and not a set-ID program.
        #expect(user.mayInspect(user) && !user.mayInspect(setuidProgram) && !user.mayInspect(other))
        #expect(Credentials.root.mayInspect(other) && !other.mayInspect(.root))
    }
}

@Suite struct ResourceLimitsTests {
    @Test func linuxDefaults() {
        let limits = ResourceLimits(maxThreads: 2048)
        #expect(sameBytes(limits[.RLIMIT_STACK], Rlimit(rlim_cur: 8 << 20, rlim_max: Rlimit.RLIM_INFINITY)))
        #expect(sameBytes(limits[.RLIMIT_NOFILE], Rlimit(rlim_cur: 1024, rlim_max: 4096)))
        #expect(sameBytes(limits[.RLIMIT_CORE], Rlimit(rlim_cur: 0, rlim_max: Rlimit.RLIM_INFINITY)))
        #expect(sameBytes(limits[.RLIMIT_NPROC], Rlimit(rlim_cur: 1024, rlim_max: 1024)))
        #expect(sameBytes(limits[.RLIMIT_SIGPENDING], Rlimit(rlim_cur: 1024, rlim_max: 1024)))
        #expect(sameBytes(limits[.RLIMIT_MEMLOCK], Rlimit(rlim_cur: 8 << 20, rlim_max: 8 << 20)))
        #expect(sameBytes(limits[.RLIMIT_NICE], Rlimit(rlim_cur: 0, rlim_max: 0)))
        #expect(limits.current(.RLIMIT_AS) == Rlimit.RLIM_INFINITY)
        #expect(limits.current(.RLIMIT_CPU) == Rlimit.RLIM_INFINITY)
    }

    @Test func maxThreadsFollowsMemory() {
        // 256 MiB with 32 KiB kernel stacks: an eighth of memory holds 1024 stacks.
        #expect(ResourceLimits.maxThreads(totalMemoryBytes: 256 << 20, threadStackBytes: 32 << 10) == 1024)
        #expect(ResourceLimits.maxThreads(totalMemoryBytes: 1 << 20, threadStackBytes: 32 << 10) == 20)
    }

    @Test func setrlimitRules() throws {
        var limits = ResourceLimits(maxThreads: 100)
        let old = try limits.set(.RLIMIT_NOFILE, to: Rlimit(rlim_cur: 64, rlim_max: 128), privileged: false)
        #expect(sameBytes(old, ResourceLimits.defaultOpenFiles))
        #expect(sameBytes(limits[.RLIMIT_NOFILE], Rlimit(rlim_cur: 64, rlim_max: 128)))
        #expect(throws: Errno.EPERM) {
            try limits.set(.RLIMIT_NOFILE, to: Rlimit(rlim_cur: 64, rlim_max: 256), privileged: false)
        }
        #expect(throws: Errno.EINVAL) {
            try limits.set(.RLIMIT_NOFILE, to: Rlimit(rlim_cur: 100, rlim_max: 50), privileged: true)
        }
        try limits.set(.RLIMIT_NOFILE, to: Rlimit(rlim_cur: 64, rlim_max: 256), privileged: true)
        #expect(throws: Errno.EPERM) {
            try limits.set(
                .RLIMIT_NOFILE, to: Rlimit(rlim_cur: 1, rlim_max: ResourceLimits.maximumOpenFiles + 1), privileged: true
            )
        }
        // The soft limit may rise up to the hard one without privilege.
        try limits.set(.RLIMIT_STACK, to: Rlimit(rlim_cur: 16 << 20, rlim_max: Rlimit.RLIM_INFINITY), privileged: false)
        #expect(limits.current(.RLIMIT_STACK) == 16 << 20)
    }
}
