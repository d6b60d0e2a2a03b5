/// Why a page fault could not be resolved (Linux: the error bits of
/// vm_fault_t, VM_FAULT_SIGSEGV/SIGBUS/OOM, and bad_area's choice between
/// SEGV_MAPERR and SEGV_ACCERR). A user access turns it into its signal; a
/// kernel copy into EFAULT.
public enum VMFault: Error, Sendable, Equatable {
    /// No area maps the address (SIGSEGV, SEGV_MAPERR).
    case noMapping
    /// An area maps it, but not for this kind of access (SIGSEGV, SEGV_ACCERR).
    case accessDenied
    /// The page lies past the end of the mapped object (SIGBUS, BUS_ADRERR).
    case beyondObject
    /// No memory for the page or its page tables: the OOM killer's case.
    case outOfMemory
}
