"""Tests for pureml.display.layout: ranges, ticks, margins, legends and rows of panels."""

import unittest
import xml.etree.ElementTree as ET

from pureml.display.charts import Figure, Panel
from pureml.display.svg import text_width

NS = "{http://www.w3.org/2000/svg}"


def parse(picture):
    return ET.fromstring(picture.svg().encode("utf-8"))


def elements(root, cls, tag="text"):
    return [e for e in root.iter(NS + tag) if cls in (e.get("class") or "").split()]


def texts(root, cls):
    return ["".join(e.itertext()) for e in elements(root, cls)]


def tick_values(root, axis):
    return [float(e.get("data-value")) for e in elements(root, axis + "-tick")]


def frame(root, k=0):
    f = elements(root, "frame", "rect")[k]
    return tuple(float(f.get(a)) for a in ("x", "y", "width", "height"))


class RangeTest(unittest.TestCase):

    def test_fitted_axes_show_every_value_with_room(self):
        root = parse(Panel().line([0, 10], [5, 7], label="l"))
        x, y, w, h = frame(root)
        for pair in elements(root, "line", "polyline")[0].get("points").split():
            px, py = map(float, pair.split(","))
            self.assertTrue(x < px < x + w and y < py < y + h)

    def test_limits_set_the_ticks(self):
        root = parse(Panel().line([0.5], [0.5]).xlim(0, 1).ylim(-0.1, 1.1))
        self.assertEqual((tick_values(root, "x")[0], tick_values(root, "x")[-1]), (0.0, 1.0))
        self.assertEqual((tick_values(root, "y")[0], tick_values(root, "y")[-1]), (0.0, 1.0))

    def test_limits_as_a_pair(self):
        root = parse(Panel(ylim=(0, 2)).line([0.5], [0.5]).xlim([0, 1]))
        self.assertEqual((tick_values(root, "x")[0], tick_values(root, "x")[-1]), (0.0, 1.0))
        self.assertEqual((tick_values(root, "y")[0], tick_values(root, "y")[-1]), (0.0, 2.0))

    def test_whole_number_xs_get_whole_number_ticks(self):
        values = tick_values(parse(Panel().line([0.5, 0.7, 0.6])), "x")
        self.assertEqual(values, [0.0, 1.0, 2.0])

    def test_domain_keeps_ticks_inside(self):
        panel = Panel().line(list(range(1000))).xdomain(0).ydomain(None, 500)
        root = parse(panel)
        self.assertGreaterEqual(min(tick_values(root, "x")), 0)
        self.assertLessEqual(max(tick_values(root, "y")), 500)

    def test_set_ticks_and_labels(self):
        root = parse(Panel().line([1, 2, 3, 4], [1, 4, 9, 16]).xticks([1, 2, 3, 4], list("abcd")))
        self.assertEqual(texts(root, "x-tick"), ["a", "b", "c", "d"])

    def test_empty_ticks_hide_them(self):
        root = parse(Panel().line([1, 2]).yticks([]))
        self.assertEqual(texts(root, "y-tick"), [])
        self.assertGreater(len(texts(root, "x-tick")), 1)

    def test_x_tick_labels_do_not_touch(self):
        for width in (200, 320, 640):
            figure = Figure(width=width)
            figure.panel().line([123456.0 + k for k in range(50)], [0] * 50)
            root = parse(figure)
            labels = elements(root, "x-tick")
            xs = [float(e.get("x")) for e in labels]
            widths = [text_width("".join(e.itertext()), 11) for e in labels]
            for k in range(len(xs) - 1):
                self.assertLess(xs[k] + widths[k] / 2, xs[k + 1] - widths[k + 1] / 2)

    def test_bars_have_no_vertical_gridlines(self):
        root = parse(Panel().bars([1, 2, 3]))
        grid = elements(root, "grid", "g")[0]
        self.assertTrue(all(line.get("x1") != line.get("x2") or line.get("y1") == line.get("y2")
                            for line in grid.iter(NS + "line")))


class EmptyTest(unittest.TestCase):

    def test_no_marks(self):
        self.assertEqual(texts(parse(Panel()), "empty"), ["nothing to plot"])
        self.assertEqual(texts(parse(Panel(empty="cost not monitored")), "empty"),
                         ["cost not monitored"])

    def test_marks_without_values(self):
        self.assertEqual(texts(parse(Panel().line([])), "empty"), ["no values to plot yet"])

    def test_marks_with_only_non_finite_values(self):
        self.assertEqual(texts(parse(Panel().line([float("nan")])), "empty"),
                         ["no finite values to plot"])


class LegendTest(unittest.TestCase):

    def test_legend_below_the_plot(self):
        root = parse(Panel().line([1, 2], label="a"))
        x, y, w, h = frame(root)
        self.assertGreater(float(elements(root, "legend")[0].get("y")), y + h)

    def test_legend_in_a_corner(self):
        root = parse(Panel().line([1, 2], label="a").legend("lower right"))
        x, y, w, h = frame(root)
        box = elements(root, "legend-box", "rect")[0]
        bx, by = float(box.get("x")), float(box.get("y"))
        bw, bh = float(box.get("width")), float(box.get("height"))
        self.assertTrue(x + w / 2 < bx and bx + bw < x + w)
        self.assertTrue(y + h / 2 < by and by + bh < y + h)

    def test_no_legend(self):
        self.assertEqual(texts(parse(Panel().line([1, 2], label="a").legend("none")), "legend"),
                         [])

    def test_what_was_left_out_is_said_even_without_a_legend(self):
        root = parse(Panel().line([1, float("nan")], label="a").legend("none"))
        self.assertEqual(texts(root, "legend"), ["a (1 non-finite value skipped)"])

    def test_long_notes_wrap_inside_the_panel(self):
        figure = Figure(columns=4)
        figure.panel().line([1.0, float("nan"), float("inf"), 1e200], label="a rather long name")
        root = parse(figure)
        cell = figure.width / 4
        for e in elements(root, "legend"):
            self.assertLessEqual(float(e.get("x")) + text_width("".join(e.itertext()), 12),
                                 cell + 1)


class RowTest(unittest.TestCase):

    def test_panels_of_a_row_line_up(self):
        figure = Figure(columns=3)
        figure.panel("a title").line([1, 2], label="one")
        figure.panel().line([1, 2], label="x").line([2, 1], label="y").line([0, 3], label="z")
        figure.panel(xlabel="x", ylabel="y").line([1, 2])
        figure.panel("second row").line([1, 2])
        root = parse(figure)
        frames = [frame(root, k) for k in range(4)]
        self.assertEqual(len({(f[1], f[3]) for f in frames[:3]}), 1)
        # the second row starts below the tallest legend of the first
        lowest = max(float(e.get("y")) for e in elements(root, "legend"))
        self.assertGreater(frames[3][1], lowest)


if __name__ == "__main__":
    unittest.main()
