/// Which block group a new inode or block goes to (Linux: fs/ext2/ialloc.c's
/// find_group_orlov and find_group_other, balloc.c's ext2_new_blocks). The
/// aim is locality: a file's inode and blocks near its directory, a
/// directory's files together, and top-level directories spread over the
/// disk so that each subtree gets room to grow. Pure functions of the group
/// descriptors; the caller then searches the chosen group's bitmap.
public enum Ext2GroupPolicy {
    /// The groups to search for a new block, in order: the goal's group, then
    /// the following ones, wrapping around; groups with no free block are
    /// skipped (ext2_new_blocks' loop over groups).
    public static func blockGroups(goalGroup: UInt32, descriptors: [Ext2GroupDescriptor]) -> [UInt32] {
        let count = descriptors.count
        guard count > 0 else { return [] }
        let start = Int(goalGroup) < count ? Int(goalGroup) : 0
        return (0..<count).map { UInt32((start + $0) % count) }.filter { descriptors[Int($0)].freeBlocksCount > 0 }
    }

    /// The group for a new non-directory inode (find_group_other): the
    /// parent's group if it has a free inode and a free block; else a
    /// quadratic probe from a hash of the parent's inode number, so that
    /// files of one directory land together but apart from another
    /// directory's; else any group with a free inode. nil: no free inode.
    public static func groupForFile(
        parentGroup: UInt32, parentInode: UInt32, descriptors: [Ext2GroupDescriptor]
    ) -> UInt32? {
        let count = descriptors.count
        guard count > 0 else { return nil }
        let parent = Int(parentGroup) < count ? Int(parentGroup) : 0
        func roomy(_ group: Int) -> Bool {
            descriptors[group].freeInodesCount > 0 && descriptors[group].freeBlocksCount > 0
        }
        if roomy(parent) { return UInt32(parent) }
        var group = (parent + Int(parentInode) % count) % count
        var step = 1
        while step < count {
            group = (group + step) % count
            if roomy(group) { return UInt32(group) }
            step <<= 1
        }
        for offset in 1...count {
            let group = (parent + offset) % count
            if descriptors[group].freeInodesCount > 0 { return UInt32(group) }
        }
        return nil
    }

    /// The group for a new directory (find_group_orlov, without its
    /// per-group "debt" counters). A directory made in the root, or under
    /// one marked EXT2_TOPDIR_FL, goes to the group with the fewest
    /// directories among those with at least the average free inodes and
    /// blocks, searched from `randomStart` (Linux: get_random_bytes) so top
    /// directories spread. Another directory stays near its parent: the
    /// first group from the parent's that is not crowded with directories
    /// and has at least nearly average free inodes and blocks. Failing both,
    /// the first group with at least average free inodes, then with any.
    public static func groupForDirectory(
        parentGroup: UInt32, topLevel: Bool, randomStart: UInt32, superblock: Ext2Superblock,
        descriptors: [Ext2GroupDescriptor]
    ) -> UInt32? {
        let count = descriptors.count
        guard count > 0 else { return nil }
        let freeInodes = descriptors.reduce(0) { $0 + Int($1.freeInodesCount) }
        let freeBlocks = descriptors.reduce(0) { $0 + Int($1.freeBlocksCount) }
        let directories = max(1, descriptors.reduce(0) { $0 + Int($1.usedDirectoriesCount) })
        let averageFreeInodes = freeInodes / count
        let averageFreeBlocks = freeBlocks / count
        let inodesPerGroup = Int(superblock.inodesPerGroup)
        let blocksPerGroup = Int(superblock.blocksPerGroup)
        let start = topLevel ? Int(randomStart % UInt32(count)) : (Int(parentGroup) < count ? Int(parentGroup) : 0)
        let order = (0..<count).map { (start + $0) % count }

        if topLevel {
            var best: Int?
            for group in order {
                let descriptor = descriptors[group]
                guard descriptor.freeInodesCount > 0, Int(descriptor.freeInodesCount) >= averageFreeInodes,
                    Int(descriptor.freeBlocksCount) >= averageFreeBlocks
                else { continue }
                if best.map({ descriptor.usedDirectoriesCount < descriptors[$0].usedDirectoriesCount }) ?? true {
                    best = group
                }
            }
            if let best { return UInt32(best) }
        } else {
            let maxDirectories = directories / count + inodesPerGroup / 16
            let minInodes = averageFreeInodes - inodesPerGroup / 4
            let minBlocks = averageFreeBlocks - blocksPerGroup / 4
            for group in order {
                let descriptor = descriptors[group]
                if descriptor.freeInodesCount > 0, Int(descriptor.usedDirectoriesCount) < maxDirectories,
                    Int(descriptor.freeInodesCount) >= minInodes, Int(descriptor.freeBlocksCount) >= minBlocks
                {
                    return UInt32(group)
                }
            }
        }
        for minimum in [max(averageFreeInodes, 1), 1] {
            if let group = order.first(where: { Int(descriptors[$0].freeInodesCount) >= minimum }) {
                return UInt32(group)
            }
        }
        return nil
    }
}
