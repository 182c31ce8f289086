"""Tests for pureml.display.plot: the training-curves SVG."""

import math
import os
import tempfile
import unittest
import xml.etree.ElementTree as ET

from pureml.display import plot

SVG = "{http://www.w3.org/2000/svg}"


def parse(text):
    """Return the root element of an SVG document given as text."""
    return ET.fromstring(text.encode("utf-8"))


def panel(root, key):
    """Return the <g> of the panel named ``key`` ("accuracy" or "cost")."""
    found = root.findall(".//%sg[@data-panel='%s']" % (SVG, key))
    if len(found) != 1:
        raise AssertionError("expected one %s panel, found %d" % (key, len(found)))
    return found[0]


def polylines(element):
    """Return ``{series name: [(x, y), ...]}`` for the polylines under ``element``, in order."""
    out = {}
    for line in element.iter(SVG + "polyline"):
        text = line.get("points").strip()
        points = [tuple(float(c) for c in pair.split(",")) for pair in text.split()] if text else []
        out[line.get("data-series")] = points
    return out


def texts(element, cls=None):
    """Return the text of every <text> under ``element`` (of class ``cls`` if given)."""
    return ["".join(t.itertext()) for t in element.iter(SVG + "text")
            if cls is None or cls in (t.get("class") or "").split()]


class DocumentTest(unittest.TestCase):

    def setUp(self):
        self.accuracy = {"training": [0.5, 0.9, 0.7, 0.95], "test": [0.4, 0.8, 0.85, 0.9]}
        self.cost = {"training": [2.0, 1.0, 0.5, 0.25]}
        self.root = parse(plot.render_svg(self.accuracy, self.cost, title="My run"))

    def test_is_standalone_svg(self):
        self.assertEqual(self.root.tag, SVG + "svg")
        width, height = float(self.root.get("width")), float(self.root.get("height"))
        self.assertEqual(self.root.get("viewBox").split(), ["0", "0", "%g" % width, "%g" % height])

    def test_title_is_shown(self):
        self.assertIn("My run", texts(self.root, "title"))
        self.assertEqual(self.root.find(SVG + "title").text, "My run")

    def test_one_polyline_per_series_in_each_panel(self):
        acc = polylines(panel(self.root, "accuracy"))
        cost = polylines(panel(self.root, "cost"))
        self.assertEqual(list(acc), ["training", "test"])
        self.assertEqual(list(cost), ["training"])
        self.assertEqual([len(p) for p in acc.values()], [4, 4])
        self.assertEqual(len(cost["training"]), 4)

    def test_series_carry_class_and_data_attribute(self):
        lines = self.root.findall(".//%spolyline[@data-series='test']" % SVG)
        self.assertEqual(len(lines), 1)
        self.assertIn("series", lines[0].get("class").split())
        self.assertIn("series-test", lines[0].get("class").split())

    def test_x_increases_with_the_epoch(self):
        for points in polylines(self.root).values():
            xs = [x for x, _ in points]
            self.assertEqual(xs, sorted(xs))
            self.assertEqual(len(set(xs)), len(xs))

    def test_higher_accuracy_is_drawn_higher(self):
        ys = [y for _, y in polylines(panel(self.root, "accuracy"))["training"]]
        # accuracies 0.5, 0.9, 0.7, 0.95: smaller y is higher on the page
        self.assertGreater(ys[0], ys[2])
        self.assertGreater(ys[2], ys[1])
        self.assertGreater(ys[1], ys[3])

    def test_lower_cost_is_drawn_lower(self):
        ys = [y for _, y in polylines(panel(self.root, "cost"))["training"]]
        self.assertEqual(ys, sorted(ys))

    def test_points_lie_inside_the_figure(self):
        width, height = float(self.root.get("width")), float(self.root.get("height"))
        for points in polylines(self.root).values():
            for x, y in points:
                self.assertTrue(0 <= x <= width and 0 <= y <= height, (x, y))

    def test_legend_names_every_series(self):
        self.assertEqual(texts(panel(self.root, "accuracy"), "legend"), ["training", "test"])
        self.assertEqual(texts(panel(self.root, "cost"), "legend"), ["training"])

    def test_axis_titles(self):
        self.assertEqual(texts(panel(self.root, "accuracy"), "axis-title"),
                         ["Epoch", "Accuracy (%)"])
        self.assertEqual(texts(panel(self.root, "cost"), "axis-title"), ["Epoch", "Cost"])

    def test_same_series_same_colour_in_both_panels(self):
        stroke = {}
        for key in ("accuracy", "cost"):
            for line in panel(self.root, key).iter(SVG + "polyline"):
                stroke[key, line.get("data-series")] = line.get("stroke")
        self.assertEqual(stroke["accuracy", "training"], stroke["cost", "training"])
        self.assertNotEqual(stroke["accuracy", "training"], stroke["accuracy", "test"])
        self.assertIn(stroke["accuracy", "test"], plot.PALETTE)

    def test_text_is_escaped(self):
        root = parse(plot.render_svg({'a<b & "c"': [0.5]}, None, title="x < y & z"))
        self.assertIn("x < y & z", texts(root, "title"))
        self.assertEqual(list(polylines(root)), ['a<b & "c"'])


    def test_control_characters_are_dropped(self):
        root = parse(plot.render_svg({"a\x00b": [0.5]}, title="t\x01x"))
        self.assertIn("tx", texts(root, "title"))
        self.assertEqual(list(polylines(root)), ["ab"])


class TicksTest(unittest.TestCase):

    def tick_values(self, root, key, cls):
        return [float(t) for t in texts(panel(root, key), cls)]

    def assertNiceSteps(self, ticks):
        self.assertGreaterEqual(len(ticks), 2)
        steps = [b - a for a, b in zip(ticks, ticks[1:])]
        for s in steps:
            self.assertAlmostEqual(s, steps[0], delta=1e-9 * abs(steps[0]))
        mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]))
        self.assertTrue(any(math.isclose(mantissa, m) for m in (1, 2, 5)), steps[0])

    def test_accuracy_ticks_are_nice_percentages(self):
        root = parse(plot.render_svg({"test": [0.0, 0.5, 1.0]}))
        ticks = self.tick_values(root, "accuracy", "y-tick")
        self.assertNiceSteps(ticks)
        self.assertEqual(ticks[0], 0.0)
        self.assertEqual(ticks[-1], 100.0)

    def test_accuracy_ticks_zoom_in_on_the_data(self):
        root = parse(plot.render_svg({"test": [0.91, 0.93, 0.95]}))
        ticks = self.tick_values(root, "accuracy", "y-tick")
        self.assertNiceSteps(ticks)
        self.assertGreaterEqual(ticks[0], 90.0)
        self.assertLessEqual(ticks[-1], 96.0)

    def test_epoch_ticks_are_whole_numbers_from_zero(self):
        root = parse(plot.render_svg({"test": [0.5] * 30}))
        labels = texts(panel(root, "accuracy"), "x-tick")
        self.assertEqual(labels[0], "0")
        self.assertTrue(all(label.isdigit() for label in labels), labels)
        self.assertNiceSteps([float(label) for label in labels])
        self.assertLessEqual(float(labels[-1]), 30)

    def test_cost_ticks_are_nice(self):
        root = parse(plot.render_svg(None, {"training": [0.0123, 0.0456, 0.0031]}))
        self.assertNiceSteps(self.tick_values(root, "cost", "y-tick"))

    def test_tick_labels_have_no_float_noise(self):
        root = parse(plot.render_svg(None, {"training": [0.1, 0.7]}))
        for label in texts(panel(root, "cost"), "y-tick"):
            self.assertLessEqual(len(label), 4, label)


    def test_tiny_and_huge_costs_keep_short_labels(self):
        for values in ([1e-5, 2e-5], [3e7, 1e8]):
            root = parse(plot.render_svg(None, {"training": values}))
            labels = texts(panel(root, "cost"), "y-tick")
            self.assertGreaterEqual(len(labels), 2)
            for label in labels:
                self.assertLessEqual(len(label), 7, label)
                float(label)


class AwkwardDataTest(unittest.TestCase):

    def test_nothing_monitored(self):
        for accuracy, cost in ((None, None), ({}, {})):
            root = parse(plot.render_svg(accuracy, cost))
            self.assertEqual(polylines(root), {})
            self.assertEqual(texts(panel(root, "accuracy"), "empty"), ["accuracy not monitored"])
            self.assertEqual(texts(panel(root, "cost"), "empty"), ["cost not monitored"])

    def test_one_panel_only(self):
        root = parse(plot.render_svg(None, {"training": [1.0, 0.5]}))
        self.assertEqual(texts(panel(root, "accuracy"), "empty"), ["accuracy not monitored"])
        self.assertEqual(len(polylines(panel(root, "cost"))["training"]), 2)

    def test_empty_series(self):
        root = parse(plot.render_svg({"test": []}, {"training": []}))
        self.assertEqual(polylines(root), {"test": [], "training": []})
        self.assertEqual(texts(panel(root, "accuracy"), "empty"), ["no values to plot yet"])

    def test_single_point(self):
        root = parse(plot.render_svg({"test": [0.9]}, {"training": [0.3]}))
        acc = panel(root, "accuracy")
        self.assertEqual(len(polylines(acc)["test"]), 1)
        self.assertEqual(len(acc.findall(".//%scircle" % SVG)), 1)  # a dot, since a line can't show
        self.assertEqual(texts(acc, "x-tick"), ["0"])

    def test_all_values_equal(self):
        root = parse(plot.render_svg({"test": [0.5, 0.5, 0.5]}, {"training": [2.0, 2.0]}))
        for key in ("accuracy", "cost"):
            ys = {y for points in polylines(panel(root, key)).values() for _, y in points}
            self.assertEqual(len(ys), 1)
            self.assertTrue(all(math.isfinite(y) for y in ys))
            self.assertGreaterEqual(len(texts(panel(root, key), "y-tick")), 2)

    def test_all_zero_cost(self):
        root = parse(plot.render_svg(None, {"training": [0.0, 0.0]}))
        self.assertEqual(len(polylines(root)["training"]), 2)

    def test_non_finite_values_are_skipped(self):
        nan, inf = float("nan"), float("inf")
        root = parse(plot.render_svg({"test": [0.5, nan, 0.7]}, {"training": [inf, 1.0, -inf, 0.5]}))
        self.assertEqual(len(polylines(panel(root, "accuracy"))["test"]), 2)
        self.assertEqual(len(polylines(panel(root, "cost"))["training"]), 2)
        self.assertEqual(texts(panel(root, "cost"), "legend"),
                         ["training (2 non-finite values skipped)"])

    def test_huge_values_are_skipped_rather_than_overflowing(self):
        root = parse(plot.render_svg(None, {"training": [1e308, -1e308, 1.0, 2.0]}))
        points = polylines(root)["training"]
        self.assertEqual(len(points), 2)
        self.assertTrue(all(math.isfinite(c) for point in points for c in point))
        self.assertEqual(texts(panel(root, "cost"), "legend"),
                         ["training (2 values beyond 1e100 skipped)"])

    def test_only_non_finite_values(self):
        root = parse(plot.render_svg(None, {"training": [float("nan")] * 3}))
        self.assertEqual(polylines(root), {"training": []})
        self.assertEqual(texts(panel(root, "cost"), "empty"), ["no finite values to plot"])

    def test_long_mini_batch_cost_is_averaged_down(self):
        values = [1.0 + (i % 7) for i in range(10 * plot.MAX_POINTS)]
        root = parse(plot.render_svg(None, {"training": values}, cost_unit="mini-batch"))
        points = polylines(root)["training"]
        self.assertLessEqual(len(points), plot.MAX_POINTS)
        xs = [x for x, _ in points]
        self.assertEqual(xs, sorted(xs))
        cost = panel(root, "cost")
        self.assertIn("(each point: mean of 10 mini-batches)", " ".join(texts(cost, "legend")))
        self.assertEqual(texts(cost, "axis-title")[0], "Mini-batch")
        self.assertEqual(texts(cost, "panel-title"), ["Cost per mini-batch"])

    def test_series_at_the_limit_is_kept_whole(self):
        values = [1.0 / (i + 1) for i in range(plot.MAX_POINTS)]
        root = parse(plot.render_svg(None, {"training": values}, cost_unit="mini-batch"))
        self.assertEqual(len(polylines(root)["training"]), plot.MAX_POINTS)
        self.assertEqual(texts(panel(root, "cost"), "legend"), ["training"])

    def test_more_series_than_colours(self):
        series = {"s%d" % i: [0.1 * i, 0.05 * i] for i in range(len(plot.PALETTE) + 2)}
        root = parse(plot.render_svg(series))
        self.assertEqual(len(polylines(root)), len(series))


class BadInputTest(unittest.TestCase):

    def test_accuracy_must_be_a_fraction(self):
        with self.assertRaisesRegex(plot.ArgumentError, "fraction"):
            plot.render_svg({"test": [9123]})

    def test_plot_error_is_a_value_error(self):
        self.assertTrue(issubclass(plot.ArgumentError, ValueError))

    def test_unknown_cost_unit(self):
        with self.assertRaisesRegex(plot.ArgumentError, "cost_unit"):
            plot.render_svg(None, {"training": [1.0]}, cost_unit="batch")

    def test_series_must_be_a_mapping(self):
        with self.assertRaisesRegex(plot.ArgumentError, "dict"):
            plot.render_svg([0.5, 0.6])

    def test_values_must_be_numbers(self):
        with self.assertRaisesRegex(plot.ArgumentError, "index 1"):
            plot.render_svg(None, {"training": [1.0, "0.5"]})

    def test_series_must_be_a_list(self):
        with self.assertRaisesRegex(plot.ArgumentError, "list of numbers"):
            plot.render_svg(None, {"training": 0.5})

    def test_title_must_be_text(self):
        with self.assertRaisesRegex(plot.ArgumentError, "title"):
            plot.render_svg(title=None)


class WriteTest(unittest.TestCase):

    def test_writes_the_svg_and_returns_the_path(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "curves.svg")
            accuracy, cost = {"test": [0.8, 0.9]}, {"training": [1.0, 0.5]}
            self.assertEqual(plot.training_curves(path, accuracy, cost, title="t"), path)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.assertEqual(text, plot.render_svg(accuracy, cost, title="t"))
            self.assertEqual(os.listdir(folder), ["curves.svg"])
            self.assertEqual(ET.parse(path).getroot().tag, SVG + "svg")

    def test_bad_data_leaves_no_file(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "curves.svg")
            with self.assertRaises(plot.ArgumentError):
                plot.training_curves(path, {"test": [2.0]})
            self.assertEqual(os.listdir(folder), [])


if __name__ == "__main__":
    unittest.main()
