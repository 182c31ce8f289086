"""Tests for pureml.display.contour: marching squares and the levels chosen."""

import math
import unittest

from pureml.display import contour


def grid(lo, hi, n):
    """Return n + 1 evenly spaced values from lo to hi."""
    return [lo + (hi - lo) * k / n for k in range(n + 1)]


class ContourSegmentsTest(unittest.TestCase):

    def test_unit_circle(self):
        xs = ys = grid(-2.0, 2.0, 80)
        z = [[x * x + y * y for x in xs] for y in ys]
        segments = contour.contour_segments(xs, ys, z, 1.0)
        self.assertGreater(len(segments), 40)
        for segment in segments:
            for x, y in segment:
                self.assertAlmostEqual(math.hypot(x, y), 1.0, delta=0.01)
        angles = {round(math.degrees(math.atan2(y, x)) / 30) for p in segments for x, y in p}
        self.assertEqual(len(angles), 13)           # all the way round (-180 and 180 both)

    def test_crossing_is_interpolated_on_the_edge(self):
        # z = x on a single square from 0 to 1: the level 0.25 is the line x = 0.25
        segments = contour.contour_segments([0.0, 1.0], [0.0, 1.0], [[0.0, 1.0], [0.0, 1.0]], 0.25)
        self.assertEqual(sorted(segments[0]), [(0.25, 0.0), (0.25, 1.0)])

    def test_saddle_is_cut_by_the_centre(self):
        xs = ys = [0.0, 1.0]
        # a and c high, b and d low; the centre (mean 0.5) is above 0.4: b and d are cut off
        segments = contour.contour_segments(xs, ys, [[1.0, 0.0], [0.0, 1.0]], 0.4)
        self.assertEqual(len(segments), 2)
        corners = sorted(tuple(round(v, 6) for v in (sum(p[0] for p in s) / 2,
                                                      sum(p[1] for p in s) / 2))
                         for s in segments)
        self.assertEqual(corners, [(0.2, 0.8), (0.8, 0.2)])     # beside d (0, 1) and b (1, 0)

    def test_no_line_where_the_level_is_not_crossed(self):
        self.assertEqual(contour.contour_segments([0, 1], [0, 1], [[1, 2], [3, 4]], 5.0), [])

    def test_non_finite_squares_are_left_out(self):
        nan = float("nan")
        z = [[0.0, 1.0, 0.0], [0.0, nan, 0.0]]
        self.assertEqual(contour.contour_segments([0, 1, 2], [0, 1], z, 0.5), [])


class LevelsTest(unittest.TestCase):

    def test_levels_are_nice_and_inside(self):
        z = [[0.0, 0.3], [0.7, 1.0]]
        levels = contour.contour_levels(4, z)
        self.assertEqual([round(v, 9) for v in levels], [0.2, 0.4, 0.6, 0.8])

    def test_flat_grid_has_one_level(self):
        self.assertEqual(contour.contour_levels(7, [[2.0, 2.0], [2.0, 2.0]]), [2.0])


if __name__ == "__main__":
    unittest.main()
