import ABI

extension Credentials {
    /// The credentials a program runs with, and whether it is a secure
    /// exec (AT_SECURE), after this task executes `file` (Linux:
    /// bprm_fill_uid and cap_bprm_creds_from_file). A set-user-ID file
    /// makes its owner the effective user ID; a set-group-ID file with group
    /// execute makes its group the effective group ID (without group execute
    /// the bit marks mandatory locking, not a program). The saved and
    /// filesystem IDs follow the effective ones. The exec is secure when the
    /// effective IDs differ from the real ones, which tells the C library
    /// not to trust the environment.
    public func executing(_ file: FileOwnership) -> (credentials: Credentials, isSecure: Bool) {
        var new = self
        if file.mode & FileMode.S_ISUID != 0 { new.uid.effective = file.uid }
        let setGroupProgram = FileMode.S_ISGID | FileMode.S_IXGRP
        if file.mode & setGroupProgram == setGroupProgram { new.gid.effective = file.gid }
        new.uid.saved = new.uid.effective
        new.uid.filesystem = new.uid.effective
        new.gid.saved = new.gid.effective
        new.gid.filesystem = new.gid.effective
        return (new, new.uid.effective != uid.real || new.gid.effective != gid.real)
    }
}
