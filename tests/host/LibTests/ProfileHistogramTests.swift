import Testing

@testable import Lib

@Suite struct ProfileHistogramTests {
    typealias Entry = ProfileHistogram.Entry

    @Test func mergesEqualNamesAndPutsTheLargestFirst() {
        let histogram = ProfileHistogram([
            Entry(name: "thunk", samples: 3), Entry(name: "dispatch", samples: 5),
            Entry(name: "[user] pipe", samples: 1), Entry(name: "thunk", samples: 4),
            Entry(name: "idle", samples: 0),
        ])
        #expect(
            histogram.entries == [
                Entry(name: "thunk", samples: 7), Entry(name: "dispatch", samples: 5),
                Entry(name: "[user] pipe", samples: 1),
            ])
        #expect(histogram.total == 13)
    }

    @Test func equalCountsGoByName() {
        let histogram = ProfileHistogram([Entry(name: "b", samples: 2), Entry(name: "a", samples: 2)])
        #expect(histogram.entries.map(\.name) == ["a", "b"])
    }

    @Test func printsSharesAndSumsTheRest() {
        let histogram = ProfileHistogram([
            Entry(name: "a", samples: 700), Entry(name: "b", samples: 250), Entry(name: "c", samples: 45),
            Entry(name: "d", samples: 5),
        ])
        #expect(
            histogram.lines(limit: 2) == [
                "    700   70.0%  a",
                "    250   25.0%  b",
                "     50    5.0%  (the rest)",
            ])
        #expect(histogram.lines(limit: 4).last == "      5    0.5%  d")
    }

    @Test func emptyHasNoLines() {
        #expect(ProfileHistogram([]).lines(limit: 10).isEmpty)
        #expect(ProfileHistogram([Entry(name: "x", samples: 0)]).total == 0)
    }
}
