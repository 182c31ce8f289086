"""Tests for pureml.display.marks: histogram counts, markers, notes."""

import unittest
import xml.etree.ElementTree as ET

from pureml.display import marks


class HistogramCountsTest(unittest.TestCase):

    def test_counts_as_numpy(self):
        counts, edges, outside, nonfinite = marks.histogram_counts(
            [0.0, 0.1, 0.25, 0.5, 0.99, 1.0, 1.5, -0.1, float("nan")], 4, (0.0, 1.0))
        self.assertEqual(counts, [2, 1, 1, 2])      # 0.25 in the second bin, 1.0 in the last
        self.assertEqual(edges, [0.0, 0.25, 0.5, 0.75, 1.0])
        self.assertEqual((outside, nonfinite), (2, 1))

    def test_default_range_is_the_values(self):
        counts, edges, _, _ = marks.histogram_counts([2.0, 4.0, 3.0, 4.0], 2)
        self.assertEqual((counts, edges), ([1, 3], [2.0, 3.0, 4.0]))

    def test_equal_values_widen_the_range(self):
        counts, edges, _, _ = marks.histogram_counts([5.0, 5.0], 1)
        self.assertEqual((counts, edges), ([2], [4.5, 5.5]))


class MarkerTest(unittest.TestCase):

    def test_every_marker_is_an_svg_element(self):
        for kind in marks.MARKERS:
            for legend in (False, True):
                element = ET.fromstring(marks.marker_svg(kind, 10.0, 20.0, 3.0, legend))
                self.assertIn(element.tag, ("circle", "path"))

    def test_legend_circles_are_paths(self):
        self.assertEqual(ET.fromstring(marks.marker_svg("o", 1, 2, 3, legend=True)).tag, "path")
        self.assertEqual(ET.fromstring(marks.marker_svg("o", 1, 2, 3)).tag, "circle")


class LineNotesTest(unittest.TestCase):

    def line(self, xs, ys):
        line = marks.Line(xs, ys, "s", "#000000", "-", None, None, 2.0)
        return line

    def test_values_left_out_are_counted(self):
        nan, inf = float("nan"), float("inf")
        line = self.line([0.0, 1.0, 2.0, 3.0, 4.0], [1.0, nan, inf, 1e200, -1.0])
        line.prepare(False, True)
        self.assertEqual(line.points, [(0.0, 1.0)])
        self.assertEqual(line.notes(), ["2 non-finite values skipped",
                                        "1 value beyond 1e100 skipped",
                                        "1 value <= 0 skipped on the log axis"])

    def test_an_empty_line_says_so(self):
        line = self.line([], [])
        line.prepare(False, False)
        self.assertEqual(line.notes(), ["no values"])


if __name__ == "__main__":
    unittest.main()
