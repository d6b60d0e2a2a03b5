import Core
import Lib

/// Pages the kernel owns, shown to user space as they are: the vDSO's
/// (Linux: struct vm_special_mapping with its pages array). Each page keeps
/// the reference its owner took, so no unmap ever frees it.
final class SpecialMapping: VMABacking, Sendable {
    let frames: [PhysAddr]

    init(frames: [PhysAddr]) { self.frames = frames }

    func frame(forPage index: UInt64) throws(VMFault) -> PFN {
        guard index < UInt64(frames.count) else { throw .beyondObject }
        UserFrames.share(frames[Int(index)])
        return frames[Int(index)].pageFrameNumber
    }

    var objectIdentity: UInt64 { frames[0].value }
}
