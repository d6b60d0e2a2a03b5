/// The tick profiler's report (kernel/Profile.swift; Linux: what readprofile(8)
/// prints from /proc/profile): samples per place, places of the same name
/// merged, the largest first, each with its share of all samples.
public struct ProfileHistogram: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var samples: UInt64

        public init(name: String, samples: UInt64) {
            self.name = name
            self.samples = samples
        }
    }

    /// The merged entries, the most samples first, equal counts by name.
    public let entries: [Entry]
    public let total: UInt64

    public init(_ places: [Entry]) {
        // Sorting by name puts equal names (a symbol's specialisations, say) side by side.
        var merged: [Entry] = []
        for place in places.sorted(by: { $0.name < $1.name }) where place.samples > 0 {
            if merged.last?.name == place.name {
                merged[merged.count - 1].samples += place.samples
            } else {
                merged.append(place)
            }
        }
        entries = merged.sorted { $0.samples != $1.samples ? $0.samples > $1.samples : $0.name < $1.name }
        total = merged.reduce(0) { $0 + $1.samples }
    }

    /// `   1234   12.3%  name` for the first `limit` entries, then one
    /// `(the rest)` line summing the others.
    public func lines(limit: Int) -> [String] {
        var lines = entries.prefix(limit).map { line($0.samples, $0.name) }
        let rest = entries.dropFirst(limit).reduce(0) { $0 + $1.samples }
        if rest > 0 { lines.append(line(rest, "(the rest)")) }
        return lines
    }

    private func line(_ samples: UInt64, _ name: String) -> String {
        let permille = total == 0 ? 0 : samples * 1000 / total
        let share = decimal(permille / 10, width: 3) + "." + decimal(permille % 10) + "%"
        return decimal(samples, width: 7) + "  " + share + "  " + name
    }
}
