"""Tests for pureml.display.charts: Figure and Panel, their marks, and their bad arguments."""

import math
import os
import tempfile
import unittest
import xml.etree.ElementTree as ET

from pureml.display.charts import Figure, Panel, parse_format
from pureml.errors import ArgumentError

NS = "{http://www.w3.org/2000/svg}"


def parse(picture):
    """Return the root element of a picture's SVG."""
    return ET.fromstring(picture.svg().encode("utf-8"))


def series(root, name):
    """Return the one element whose data-series is ``name``."""
    found = [e for e in root.iter() if e.get("data-series") == name]
    if len(found) != 1:
        raise AssertionError("expected one series %r, found %d" % (name, len(found)))
    return found[0]


def numbers(element, attribute):
    """Return a data- attribute's numbers."""
    return [float(t) for t in element.get(attribute).split()]


def texts(root, cls):
    """Return the text of every <text> of class ``cls``."""
    return ["".join(t.itertext()) for t in root.iter(NS + "text")
            if cls in (t.get("class") or "").split()]


def frame_scales(root, xlim, ylim, panel=0):
    """Return functions from pixels back to data, from a panel's frame and its limits."""
    frame = [r for r in root.iter(NS + "rect") if r.get("class") == "frame"][panel]
    x, y = float(frame.get("x")), float(frame.get("y"))
    w, h = float(frame.get("width")), float(frame.get("height"))
    return (lambda px: xlim[0] + (px - x) / w * (xlim[1] - xlim[0]),
            lambda py: ylim[0] + (y + h - py) / h * (ylim[1] - ylim[0]))


class FormatTest(unittest.TestCase):

    def test_formats(self):
        self.assertEqual(parse_format("k--"), ("#000000", None, "--", True))
        self.assertEqual(parse_format("o-"), (None, "o", "-", True))
        self.assertEqual(parse_format("o"), (None, "o", "-", False))
        self.assertEqual(parse_format("--b")[2:], ("--", True))
        self.assertEqual(parse_format("r+")[1:], ("+", "-", False))

    def test_unknown_format_character(self):
        with self.assertRaisesRegex(ArgumentError, "'q' is not a colour"):
            parse_format("q-")


class LineTest(unittest.TestCase):

    def test_marks_carry_the_numbers_given(self):
        xs, ys = [0, 1.5, 3], [0.1, 1 / 3, -2.0]
        root = parse(Panel().line(xs, ys, label="a"))
        line = series(root, "a")
        self.assertEqual(line.tag, NS + "polyline")
        self.assertEqual(numbers(line, "data-x"), [0.0, 1.5, 3.0])
        self.assertEqual(numbers(line, "data-y"), ys)
        self.assertEqual(len(line.get("points").split()), 3)

    def test_one_list_is_drawn_against_its_index(self):
        line = series(parse(Panel().line([5, 6, 7], label="y")), "y")
        self.assertEqual(numbers(line, "data-x"), [0.0, 1.0, 2.0])
        self.assertEqual(numbers(line, "data-y"), [5.0, 6.0, 7.0])

    def test_format_without_ys(self):
        line = series(parse(Panel().line([5, 6], "k--", label="y")), "y")
        self.assertEqual(line.get("stroke"), "#000000")
        self.assertEqual(line.get("stroke-dasharray"), "7 4")

    def test_legend_names_the_series(self):
        panel = Panel().line([1, 2], label="train").line([2, 1], label="test").line([0, 0])
        root = parse(panel)
        self.assertEqual(texts(root, "legend"), ["train", "test"])
        entries = [g.get("data-legend") for g in root.iter(NS + "g") if g.get("data-legend")]
        self.assertEqual(entries, ["train", "test"])

    def test_colours_cycle_and_differ(self):
        root = parse(Panel().line([1, 2], label="a").line([2, 1], label="b"))
        self.assertNotEqual(series(root, "a").get("stroke"), series(root, "b").get("stroke"))

    def test_markers_every_nth_point(self):
        root = parse(Panel().line(list(range(10)), markers="s", markevery=3, label="m"))
        groups = [g for g in root.iter(NS + "g") if g.get("class") == "markers"]
        self.assertEqual(len(groups[0].findall(NS + "path")), 4)    # points 0, 3, 6, 9

    def test_scatter_is_markers_only(self):
        root = parse(Panel().scatter([1, 2, 3], [3, 1, 2], label="dots"))
        dots = series(root, "dots")
        self.assertEqual(dots.tag, NS + "g")
        self.assertEqual(len(dots.findall(NS + "circle")), 3)
        self.assertEqual(numbers(dots, "data-y"), [3.0, 1.0, 2.0])
        self.assertEqual(root.findall(".//%spolyline" % NS), [])

    def test_path_takes_pairs(self):
        line = series(parse(Panel().path([(0, 1), (2, 3)], "o-", label="p")), "p")
        self.assertEqual(numbers(line, "data-x"), [0.0, 2.0])
        self.assertEqual(numbers(line, "data-y"), [1.0, 3.0])

    def test_non_finite_values_are_left_out_and_said(self):
        root = parse(Panel().line([1.0, float("nan"), 2.0, float("inf")], label="run"))
        self.assertEqual(len(series(root, "run").get("points").split()), 2)
        self.assertEqual(texts(root, "legend"), ["run (2 non-finite values skipped)"])

    def test_an_unlabelled_line_with_gaps_is_named_in_the_legend(self):
        root = parse(Panel().line([1.0, float("nan")]))
        self.assertEqual(texts(root, "legend"), ["line 1 (1 non-finite value skipped)"])

    def test_notes_are_added_to_the_legend(self):
        root = parse(Panel().line([1, 2], label="loss", note="smoothed"))
        self.assertEqual(texts(root, "legend"), ["loss (smoothed)"])

    def test_limits_clip_the_marks(self):
        root = parse(Panel().line([0, 10], [0, 10], label="l").xlim(0, 5).ylim(0, 5))
        marks = [g for g in root.iter(NS + "g") if g.get("class") == "marks"][0]
        clip_id = marks.get("clip-path")[5:-1]
        self.assertEqual([c.get("id") for c in root.iter(NS + "clipPath")], [clip_id])
        to_x, to_y = frame_scales(root, (0, 5), (0, 5))
        first = series(root, "l").get("points").split()[0].split(",")
        self.assertAlmostEqual(to_x(float(first[0])), 0.0, places=1)
        self.assertAlmostEqual(to_y(float(first[1])), 0.0, places=1)


class LogAxisTest(unittest.TestCase):

    def test_log_ticks_are_powers_of_ten(self):
        panel = Panel().line([100, 1000, 50000], [60, 80, 95], label="acc").xscale("log")
        root = parse(panel)
        values = [float(t.get("data-value")) for t in root.iter(NS + "text")
                  if t.get("class") == "x-tick"]
        self.assertEqual(values, [100.0, 1000.0, 10000.0])
        self.assertEqual(texts(root, "x-tick"), ["10\u00b2", "10\u00b3", "10\u2074"])

    def test_log_axis_spaces_decades_evenly(self):
        root = parse(Panel().line([1, 10, 100], [0, 1, 2], label="l").xscale("log"))
        xs = [float(p.split(",")[0]) for p in series(root, "l").get("points").split()]
        self.assertAlmostEqual(xs[1] - xs[0], xs[2] - xs[1], places=1)

    def test_values_below_zero_are_left_out_on_a_log_axis(self):
        root = parse(Panel().line([0.0, 1.0, 10.0], label="l").yscale("log"))
        self.assertEqual(len(series(root, "l").get("points").split()), 2)
        self.assertIn("1 value <= 0 skipped on the log axis", texts(root, "legend")[0])


class ContourTest(unittest.TestCase):

    def test_level_one_of_x2_plus_y2_is_the_unit_circle(self):
        grid = [k / 20 for k in range(-40, 41)]
        panel = Panel().contour(lambda x, y: x * x + y * y, grid, grid, levels=[1.0])
        panel.xlim(-2, 2).ylim(-2, 2)
        root = parse(panel)
        path = [p for p in root.iter(NS + "path") if p.get("data-level") == "1.0"][0]
        to_x, to_y = frame_scales(root, (-2, 2), (-2, 2))
        pairs = path.get("d").replace("M", " ").replace("L", " ").split()
        points = [(to_x(float(a)), to_y(float(b))) for a, b in zip(pairs[::2], pairs[1::2])]
        self.assertGreater(len(points), 50)
        for x, y in points:
            self.assertAlmostEqual(math.hypot(x, y), 1.0, delta=0.02)

    def test_values_given_as_rows(self):
        panel = Panel().contour([[0, 1], [1, 2]], [0, 1], [0, 1], levels=[0.5, 1.5], label="z")
        levels = numbers(series(parse(panel), "z"), "data-levels")
        self.assertEqual(levels, [0.5, 1.5])

    def test_default_levels_lie_inside_the_values(self):
        grid = [k / 10 for k in range(11)]
        levels = numbers(series(parse(Panel().contour(lambda x, y: x + y, grid, grid, label="z")),
                                "z"), "data-levels")
        self.assertGreaterEqual(len(levels), 3)
        self.assertTrue(all(0 < v < 2 for v in levels))

    def test_contour_sets_the_axes_to_its_grid(self):
        root = parse(Panel().contour(lambda x, y: x * y, [-3, 0, 3], [-1, 0, 1]))
        values = [float(t.get("data-value")) for t in root.iter(NS + "text")
                  if t.get("class") == "x-tick"]
        self.assertEqual((values[0], values[-1]), (-3.0, 3.0))


class ArrowsHistogramBarsTest(unittest.TestCase):

    def test_arrows_carry_their_numbers(self):
        xs, ys = [0, 1, 0, 1], [0, 0, 1, 1]
        us, vs = [1, 0, -1, 0.5], [0, 1, 0, 0.5]
        root = parse(Panel().arrows(xs, ys, us, vs, label="grad"))
        group = series(root, "grad")
        self.assertEqual(numbers(group, "data-u"), [1.0, 0.0, -1.0, 0.5])
        self.assertEqual(numbers(group, "data-v"), [0.0, 1.0, 0.0, 0.5])
        self.assertEqual(len(group.findall(NS + "path")), 8)        # a shaft and a head each
        self.assertGreater(float(group.get("data-scale")), 0)

    def test_given_arrow_scale_is_kept(self):
        group = series(parse(Panel().arrows([0], [0], [1], [1], scale=0.25, label="a")), "a")
        self.assertEqual(float(group.get("data-scale")), 0.25)

    def test_histogram_counts(self):
        values = [0.05, 0.1, 0.15, 0.5, 0.95, 1.0, 2.0]
        group = series(parse(Panel().histogram(values, 10, range=(0, 1), label="h")), "h")
        # 0.1 starts the second bin, 1.0 ends the last
        self.assertEqual(numbers(group, "data-counts"), [1, 2, 0, 0, 0, 1, 0, 0, 0, 2])
        self.assertEqual(len(numbers(group, "data-edges")), 11)
        self.assertEqual(len(group.findall(NS + "rect")), 4)
        self.assertIn("h (1 value outside the range left out)", texts(parse(
            Panel().histogram(values, 10, range=(0, 1), label="h")), "legend"))

    def test_histogram_bars_start_at_zero(self):
        root = parse(Panel().histogram([1, 2, 2, 3], 3))
        values = [float(t.get("data-value")) for t in root.iter(NS + "text")
                  if t.get("class") == "y-tick"]
        self.assertEqual(values[0], 0.0)

    def test_bars_label_and_highlight(self):
        root = parse(Panel().bars([0.1, 0.7, 0.2], ["a", "b", "c"], highlight=1, label="out"))
        group = series(root, "out")
        self.assertEqual(numbers(group, "data-values"), [0.1, 0.7, 0.2])
        fills = [r.get("fill") for r in group.findall(NS + "rect")]
        self.assertEqual(fills, [None, "#D55E00", None])
        self.assertEqual(texts(root, "x-tick"), ["a", "b", "c"])


class FigureTest(unittest.TestCase):

    def test_panels_in_columns_and_rows(self):
        figure = Figure(columns=2, title="four")
        for k in range(4):
            figure.panel("p%d" % k).line([k, k + 1], label="s%d" % k)
        root = parse(figure)
        frames = [r for r in root.iter(NS + "rect") if r.get("class") == "frame"]
        xs = [float(f.get("x")) for f in frames]
        ys = [float(f.get("y")) for f in frames]
        self.assertEqual((xs[0] == xs[2], xs[1] == xs[3], xs[0] < xs[1]), (True, True, True))
        self.assertEqual((ys[0] == ys[1], ys[2] == ys[3], ys[0] < ys[2]), (True, True, True))
        self.assertEqual(texts(root, "panel-title"), ["p0", "p1", "p2", "p3"])
        self.assertEqual(texts(root, "title"), ["four"])

    def test_each_panel_has_its_own_clip_path(self):
        figure = Figure(columns=2)
        figure.panel().line([1, 2])
        figure.panel().line([1, 2])
        ids = [c.get("id") for c in parse(figure).iter(NS + "clipPath")]
        self.assertEqual(len(set(ids)), 2)

    def test_repr_svg_is_svg(self):
        figure = Figure()
        panel = figure.panel("t").line([1, 2, 3])
        self.assertEqual(figure._repr_svg_(), figure.svg())
        self.assertEqual(panel._repr_svg_(), panel.svg())

    def test_save_writes_the_svg(self):
        figure = Figure()
        figure.panel().bars([1, 2])
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "f.svg")
            self.assertEqual(figure.save(path), path)
            with open(path, encoding="utf-8") as f:
                self.assertEqual(f.read(), figure.svg())
            self.assertEqual(os.listdir(folder), ["f.svg"])


class BadArgumentsTest(unittest.TestCase):
    """Each bad argument raises one ArgumentError."""

    def test_line_lengths_differ(self):
        with self.assertRaisesRegex(ArgumentError, "as many xs as ys"):
            Panel().line([1, 2], [1])

    def test_line_values_not_numbers(self):
        with self.assertRaisesRegex(ArgumentError, "index 1"):
            Panel().line([1, "2"])

    def test_unknown_dash(self):
        with self.assertRaisesRegex(ArgumentError, "dash"):
            Panel().line([1, 2], dash="~")

    def test_unknown_marker(self):
        with self.assertRaisesRegex(ArgumentError, "markers"):
            Panel().line([1, 2], markers="@")

    def test_markevery_not_positive(self):
        with self.assertRaisesRegex(ArgumentError, "markevery"):
            Panel().line([1, 2], markers="o", markevery=0)

    def test_width_not_positive(self):
        with self.assertRaisesRegex(ArgumentError, "width"):
            Panel().line([1, 2], width=0)

    def test_label_not_text(self):
        with self.assertRaisesRegex(ArgumentError, "label"):
            Panel().line([1, 2], label=3)

    def test_bad_colour(self):
        with self.assertRaisesRegex(ArgumentError, "colour"):
            Panel().line([1, 2], color="#12")

    def test_note_not_text(self):
        with self.assertRaisesRegex(ArgumentError, "note"):
            Panel().line([1, 2], note=[1])

    def test_domain_not_a_number(self):
        with self.assertRaisesRegex(ArgumentError, "xdomain"):
            Panel().xdomain("0")

    def test_path_not_pairs(self):
        with self.assertRaisesRegex(ArgumentError, "pairs"):
            Panel().path([1, 2, 3])

    def test_xlim_backwards(self):
        with self.assertRaisesRegex(ArgumentError, "xlim"):
            Panel().xlim(5, 1)

    def test_xlim_not_a_pair(self):
        with self.assertRaisesRegex(ArgumentError, "pair"):
            Panel().xlim(5)

    def test_log_axis_with_negative_limit(self):
        with self.assertRaisesRegex(ArgumentError, "above 0"):
            Panel().xscale("log").xlim(-1, 10)

    def test_negative_limit_then_log(self):
        with self.assertRaisesRegex(ArgumentError, "above 0"):
            Panel().ylim(-1, 10).yscale("log")

    def test_unknown_scale(self):
        with self.assertRaisesRegex(ArgumentError, "xscale"):
            Panel().xscale("symlog")

    def test_unknown_legend_place(self):
        with self.assertRaisesRegex(ArgumentError, "legend"):
            Panel().legend("centre")

    def test_grid_not_a_bool(self):
        with self.assertRaisesRegex(ArgumentError, "grid"):
            Panel().grid("yes")

    def test_tick_labels_do_not_match(self):
        with self.assertRaisesRegex(ArgumentError, "one label per tick"):
            Panel().xticks([1, 2], ["a"])

    def test_contour_grid_not_increasing(self):
        with self.assertRaisesRegex(ArgumentError, "increasing"):
            Panel().contour(lambda x, y: x, [1, 0], [0, 1])

    def test_contour_rows_do_not_match(self):
        with self.assertRaisesRegex(ArgumentError, "one per x"):
            Panel().contour([[1, 2, 3], [1, 2, 3]], [0, 1], [0, 1])

    def test_contour_not_a_function_or_rows(self):
        with self.assertRaisesRegex(ArgumentError, "function"):
            Panel().contour(5, [0, 1], [0, 1])

    def test_contour_function_not_a_number(self):
        with self.assertRaisesRegex(ArgumentError, "f\\(x, y\\)"):
            Panel().contour(lambda x, y: "x", [0, 1], [0, 1])

    def test_contour_levels_not_finite(self):
        with self.assertRaisesRegex(ArgumentError, "levels"):
            Panel().contour(lambda x, y: x, [0, 1], [0, 1], levels=[float("nan")])

    def test_arrows_lengths_differ(self):
        with self.assertRaisesRegex(ArgumentError, "as many xs, ys, us and vs"):
            Panel().arrows([0, 1], [0, 1], [1], [1, 2])

    def test_arrow_scale_not_positive(self):
        with self.assertRaisesRegex(ArgumentError, "scale"):
            Panel().arrows([0], [0], [1], [1], scale=-1)

    def test_histogram_bins_not_positive(self):
        with self.assertRaisesRegex(ArgumentError, "bins"):
            Panel().histogram([1, 2], 0)

    def test_histogram_range_backwards(self):
        with self.assertRaisesRegex(ArgumentError, "range"):
            Panel().histogram([1, 2], 3, range=(1, 0))

    def test_bars_empty(self):
        with self.assertRaisesRegex(ArgumentError, "at least one"):
            Panel().bars([])

    def test_bars_labels_do_not_match(self):
        with self.assertRaisesRegex(ArgumentError, "one label per value"):
            Panel().bars([1, 2], ["a"])

    def test_bars_highlight_out_of_range(self):
        with self.assertRaisesRegex(ArgumentError, "highlight"):
            Panel().bars([1, 2], highlight=2)

    def test_figure_columns(self):
        with self.assertRaisesRegex(ArgumentError, "columns"):
            Figure(columns=0)

    def test_figure_holds_panels(self):
        with self.assertRaisesRegex(ArgumentError, "Panels"):
            Figure().add("panel")

    def test_figure_width(self):
        with self.assertRaisesRegex(ArgumentError, "width"):
            Figure(width=-5)


if __name__ == "__main__":
    unittest.main()
