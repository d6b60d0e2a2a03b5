import ABI
import Testing

@testable import Lib

/// The VFS's access rules (lib/fs/FilePermission.swift, AttributeChange,
/// ExecCredentials) for root, an ordinary user (1000, group 100, also in
/// group 50) and a stranger (2000, group 200).
@Suite struct FilePermissionTests {
    private let root = Credentials.root
    private let user = Credentials(uid: IDSet(all: 1000), gid: IDSet(all: 100), groups: [50])
    private let stranger = Credentials(uid: IDSet(all: 2000), gid: IDSet(all: 200))

    private func file(_ mode: UInt32, uid: UInt32 = 1000, gid: UInt32 = 100) -> FileOwnership {
        FileOwnership(mode: FileMode.S_IFREG | mode, uid: uid, gid: gid)
    }

    private func directory(_ mode: UInt32, uid: UInt32 = 1000, gid: UInt32 = 100) -> FileOwnership {
        FileOwnership(mode: FileMode.S_IFDIR | mode, uid: uid, gid: gid)
    }

    private func expectRefusal(
        _ expected: Errno, _ change: AttributeChange, for file: FileOwnership,
        by credentials: Credentials, _ sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectError(expected, sourceLocation) { () throws(Errno) in
            _ = try change.prepared(for: file, by: credentials)
        }
    }

    @Test func ownerGroupAndOtherBitsEachDecideAlone() {
        // The owner is judged by the owner bits, even when others may do more.
        #expect(!user.mayAccess(file(0o077), .R_OK))
        #expect(user.mayAccess(file(0o400), .R_OK))
        #expect(!user.mayAccess(file(0o400), .W_OK))
        // A member of the group (primary or supplementary) by the group bits.
        #expect(user.mayAccess(file(0o040, uid: 0, gid: 100), .R_OK))
        #expect(user.mayAccess(file(0o060, uid: 0, gid: 50), [.R_OK, .W_OK]))
        #expect(!user.mayAccess(file(0o704, uid: 0, gid: 50), .R_OK))
        // Anyone else by the other bits.
        #expect(stranger.mayAccess(file(0o604), .R_OK))
        #expect(!stranger.mayAccess(file(0o660), .R_OK))
        #expect(stranger.mayAccess(file(0o000), []))
        #expect(!stranger.mayAccess(directory(0o754), .X_OK))
    }

    @Test func filesystemIDsDecideNotTheEffectiveOnes() {
        var credentials = user
        credentials.uid.filesystem = 2000
        #expect(!credentials.mayAccess(file(0o600), .R_OK))
        #expect(credentials.mayAccess(file(0o600, uid: 2000), .R_OK))
        // Root's override follows the filesystem ID: setfsuid(1000) gives it up.
        var fsUser = root
        fsUser.uid.filesystem = 1000
        #expect(!fsUser.mayAccess(file(0o600, uid: 0), .R_OK))
        #expect(fsUser.isPrivileged && !fsUser.capable(.CAP_DAC_OVERRIDE) && fsUser.capable(.CAP_SYS_CHROOT))
    }

    @Test func rootOverridesAllButExecuteWithoutAnyExecuteBit() {
        #expect(root.mayAccess(file(0o000), [.R_OK, .W_OK]))
        #expect(!root.mayAccess(file(0o644), .X_OK))
        #expect(root.mayAccess(file(0o001), .X_OK))
        #expect(root.mayAccess(directory(0o000), [.R_OK, .W_OK, .X_OK]))
    }

    @Test func accessChecksWithTheRealIDs() {
        // A set-user-ID-root program run by 1000.
        let program = Credentials(uid: IDSet(real: 1000, effective: 0, saved: 0, filesystem: 0), gid: IDSet(all: 100))
        #expect(program.mayAccess(file(0o600, uid: 0), .R_OK))
        #expect(!program.withRealIDsForAccess.mayAccess(file(0o600, uid: 0), .R_OK))
    }

    @Test func stickyDirectoriesKeepOthersFilesFromBeingRemoved() {
        let sticky = directory(0o1777, uid: 0, gid: 0)
        #expect(user.mayRemove(file(0o644), fromSticky: sticky))
        #expect(!stranger.mayRemove(file(0o644), fromSticky: sticky))
        #expect(root.mayRemove(file(0o644), fromSticky: sticky))
        #expect(user.mayRemove(file(0o644, uid: 2000), fromSticky: directory(0o1777)))
        #expect(stranger.mayRemove(file(0o644), fromSticky: directory(0o777)))
    }

    @Test func writingTakesSetIDBitsOffProgramsUnlessRoot() {
        #expect(user.setIDBitsRemovedByWriting(file(0o6755)) == FileMode.S_ISUID | FileMode.S_ISGID)
        #expect(root.setIDBitsRemovedByWriting(file(0o6755)) == 0)
        // Without group execute the set-group-ID bit marks locking: kept by a group member.
        #expect(user.setIDBitsRemovedByWriting(file(0o2644)) == 0)
        #expect(stranger.setIDBitsRemovedByWriting(file(0o2666)) == FileMode.S_ISGID)
        #expect(user.setIDBitsRemovedByWriting(directory(0o4755)) == 0)
    }

    @Test func newFilesBelongToTheCreatorOrTheSetGroupIDDirectorysGroup() {
        #expect(
            user.newFileOwnership(mode: FileMode.S_IFREG | 0o644, in: directory(0o755, uid: 0, gid: 0))
                == file(0o644))
        let shared = directory(0o2775, uid: 0, gid: 300)
        #expect(user.newFileOwnership(mode: FileMode.S_IFREG | 0o644, in: shared) == file(0o644, gid: 300))
        #expect(user.newFileOwnership(mode: FileMode.S_IFDIR | 0o755, in: shared) == directory(0o2755, gid: 300))
        #expect(user.newFileOwnership(mode: FileMode.S_IFDIR | 0o755, in: nil) == directory(0o755))
        // A set-group-ID program for a group the creator is not in loses the bit.
        #expect(user.newFileMode(FileMode.S_IFREG | 0o2755, in: shared) == FileMode.S_IFREG | 0o755)
        #expect(
            user.newFileMode(FileMode.S_IFREG | 0o2755, in: directory(0o2775, gid: 50))
                == FileMode.S_IFREG | 0o2755)
        #expect(root.newFileMode(FileMode.S_IFREG | 0o2755, in: shared) == FileMode.S_IFREG | 0o2755)
    }

    @Test func chmodIsForTheOwnerAndKeepsSetGroupIDOnlyForMembers() throws {
        expectRefusal(.EPERM, AttributeChange(mode: 0o644), for: file(0o600), by: stranger)
        #expect(try AttributeChange(mode: 0o2755).prepared(for: file(0o755), by: user).mode == 0o2755)
        #expect(try AttributeChange(mode: 0o2755).prepared(for: file(0o755, gid: 300), by: user).mode == 0o755)
        let others = file(0o755, uid: 2000, gid: 300)
        #expect(try AttributeChange(mode: 0o2755).prepared(for: others, by: root).mode == 0o2755)
    }

    @Test func chownIsForRootAndChgrpForTheOwnerIntoItsGroups() throws {
        expectRefusal(.EPERM, AttributeChange(uid: 2000), for: file(0o644), by: user)
        _ = try AttributeChange(uid: 1000).prepared(for: file(0o644), by: user)
        _ = try AttributeChange(gid: 50).prepared(for: file(0o644), by: user)
        expectRefusal(.EPERM, AttributeChange(gid: 300), for: file(0o644), by: user)
        expectRefusal(.EPERM, AttributeChange(gid: 200), for: file(0o644), by: stranger)
        _ = try AttributeChange(uid: 2000, gid: 300).prepared(for: file(0o644), by: root)
        // Set-ID bits go on chown, even root's; a set-group-ID bit without group execute stays for root.
        let change = AttributeChange(gid: 50, dropsSetID: true)
        #expect(try change.prepared(for: file(0o6755), by: user).mode == 0o755)
        #expect(try AttributeChange(uid: 0, dropsSetID: true).prepared(for: file(0o6755), by: root).mode == 0o755)
        #expect(try AttributeChange(uid: 0, dropsSetID: true).prepared(for: file(0o2644), by: root).mode == nil)
        #expect(try AttributeChange(gid: 100, dropsSetID: true).prepared(for: directory(0o2755), by: user).mode == nil)
    }

    @Test func explicitTimesAreForTheOwnerAndNowForWriters() throws {
        let writable = file(0o666)
        expectRefusal(.EPERM, AttributeChange(mtime: 5), for: writable, by: stranger)
        _ = try AttributeChange(mtime: 5, setsTimesToNow: true).prepared(for: writable, by: stranger)
        expectRefusal(.EACCES, AttributeChange(mtime: 5, setsTimesToNow: true), for: file(0o644), by: stranger)
        _ = try AttributeChange(atime: 1, mtime: 5).prepared(for: file(0o444), by: user)
        _ = try AttributeChange(atime: 1, mtime: 5).prepared(for: file(0o000), by: root)
    }

    @Test func setIDProgramsChangeTheEffectiveIDsAndMakeTheExecSecure() {
        let (asRoot, secure) = user.executing(file(0o4755, uid: 0, gid: 0))
        #expect(asRoot.uid == IDSet(real: 1000, effective: 0, saved: 0, filesystem: 0))
        #expect(asRoot.gid == IDSet(all: 100))
        #expect(secure)
        let (inGroup, groupSecure) = user.executing(file(0o2755, uid: 0, gid: 300))
        #expect(inGroup.gid == IDSet(real: 100, effective: 300, saved: 300, filesystem: 300))
        #expect(inGroup.uid == IDSet(all: 1000) && groupSecure)
        // Without group execute the set-group-ID bit does nothing.
        #expect(user.executing(file(0o2745, uid: 0, gid: 300)) == (user, false))
        #expect(user.executing(file(0o755, uid: 0, gid: 0)) == (user, false))
        // Root running its own set-user-ID-root program gains nothing and is not secure.
        #expect(root.executing(file(0o4755, uid: 0, gid: 0)) == (root, false))
        // A process whose effective ID already differs stays secure, and the saved ID follows.
        let halfway = Credentials(
            uid: IDSet(real: 1000, effective: 0, saved: 1000, filesystem: 0),
            gid: IDSet(all: 100))
        let (after, stillSecure) = halfway.executing(file(0o755))
        #expect(after.uid.saved == 0 && stillSecure)
    }
}
