#!/usr/bin/env python3
"""Checks of tools/bench/bench.py's reading and reporting, on made-up samples (no QEMU, no
timing): figure lines parsed, the ratio's direction (below 1 is better for Apus whatever the
unit), medians and spreads, a missing figure shown as missing, the guest-clock comparison, and
a well-formed SVG chart.

    python3 tools/test/test_bench.py        (run-all.sh runs it in the harness tier)
"""
import os
import sys
import unittest
import xml.dom.minidom

sys.dont_write_bytecode = True        # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'bench'))
import bench  # noqa: E402


def kernel(name, samples):
    k = bench.Kernel(name, '/dev/null')
    k.samples = samples
    return k


class BenchReport(unittest.TestCase):
    def test_parses_only_figure_lines(self):
        text = 'bench: init\r\npipe_pingpong 1234.500 ns\r\n[ 1.0] noise 12 ns\nseq_read_16m 80.1 MB/s\n'
        self.assertEqual(bench.parse_figures(text),
                         {'pipe_pingpong': (1234.5, 'ns'), 'seq_read_16m': (80.1, 'MB/s')})

    def test_ratio_is_below_one_when_apus_is_better(self):
        self.assertEqual(bench.ratio('ns', 200.0, 100.0), 0.5)      # Apus takes half the time
        self.assertEqual(bench.ratio('MB/s', 100.0, 200.0), 0.5)    # Apus moves twice the bytes
        self.assertEqual(bench.ratio('MiB', 80.0, 40.0), 0.5)       # Apus needs half the memory

    def test_medians_spreads_and_missing(self):
        linux = kernel('Linux', {'null_syscall': [100.0, 300.0, 200.0], 'pipe_bandwidth': [50.0]})
        apus = kernel('Apus', {'null_syscall': [400.0, 400.0, 400.0]})
        rows = bench.table({'null_syscall': 'ns', 'pipe_bandwidth': 'MB/s'}, linux, apus)
        self.assertEqual(rows[0], ('null_syscall', 'ns', 200.0, 400.0, 2.0, 100.0, 0.0))
        self.assertEqual(rows[1][:5], ('pipe_bandwidth', 'MB/s', 50.0, None, None))
        text = bench.markdown(rows, ['header'])
        self.assertIn('| null_syscall | ns | 200 | 400 | 2.00× | 100% | 0% |', text)
        self.assertIn('| pipe_bandwidth | MB/s | 50 | missing | — |', text)
        chart = bench.svg(rows, 'title')
        xml.dom.minidom.parseString(chart)
        self.assertIn('missing', chart)
        self.assertIn('2.00×', chart)

    def test_guest_clock_against_the_host(self):
        run = bench.Run.__new__(bench.Run)
        run.lines = [(1000.0, 'bench: uptime 1.00'), (1500.0, 'x 1 ns'), (11000.0, 'bench: uptime 10.00')]
        self.assertAlmostEqual(run.clock_drift(), -10.0)
        run.lines = run.lines[:2]
        self.assertIsNone(run.clock_drift())


if __name__ == '__main__':
    unittest.main()
