"""Tests for pureml.display.svg: escaping, numbers, scales, ticks and the document."""

import math
import unittest
import xml.etree.ElementTree as ET

from pureml.display import svg
from pureml.errors import ArgumentError


class TextTest(unittest.TestCase):

    def test_text_and_attributes_are_escaped(self):
        self.assertEqual(svg.text('a<b & "c"'), 'a&lt;b &amp; "c"')
        self.assertEqual(ET.fromstring("<t v=%s/>" % svg.attr('a<"b">\x00')).get("v"), 'a<"b">')

    def test_numbers_read_back_exactly(self):
        values = [0.1, 1 / 3, -2.5e-300, float("nan"), float("inf"), 7]
        back = [float(t) for t in svg.numbers_attr(values).split()]
        self.assertEqual(back[:3] + back[4:], [0.1, 1 / 3, -2.5e-300, float("inf"), 7.0])
        self.assertTrue(math.isnan(back[3]))

    def test_pixel_coordinates_are_short(self):
        self.assertEqual([svg.fmt(v) for v in (12.5, 3.0, -0.001, 2.345)],
                         ["12.5", "3", "0", "2.35"])

    def test_class_name(self):
        self.assertEqual(svg.class_name("Test set (η=3)"), "series-test-set----3")
        self.assertEqual(svg.class_name("!!"), "series-unnamed")


class ChecksTest(unittest.TestCase):

    def test_values_allow_nan_and_convert_to_float(self):
        values = svg.check_values(iter([1, 2.5, float("nan")]), "xs")
        self.assertEqual(values[:2], [1.0, 2.5])
        self.assertIsInstance(values[0], float)

    def test_values_must_be_a_list_of_numbers(self):
        with self.assertRaisesRegex(ArgumentError, "xs must be a list of numbers"):
            svg.check_values("123", "xs")

    def test_values_must_be_numbers(self):
        with self.assertRaisesRegex(ArgumentError, "xs has '2' at index 1"):
            svg.check_values([1, "2"], "xs")

    def test_values_must_not_be_bools(self):
        with self.assertRaises(ArgumentError):
            svg.check_values([True], "xs")

    def test_range_must_be_a_pair(self):
        with self.assertRaisesRegex(ArgumentError, "pair"):
            svg.check_range(5, "ylim")

    def test_range_must_increase(self):
        with self.assertRaisesRegex(ArgumentError, "low end below its high end"):
            svg.check_range((1, 1), "ylim")

    def test_range_must_be_finite(self):
        with self.assertRaisesRegex(ArgumentError, "finite"):
            svg.check_range((0, float("inf")), "ylim")

    def test_colours(self):
        self.assertEqual(svg.check_colour("#0072B2"), "#0072B2")
        self.assertEqual(svg.check_colour("k"), "#000000")
        self.assertEqual(svg.check_colour("red"), "red")
        self.assertIsNone(svg.check_colour(None))

    def test_colour_must_be_a_colour(self):
        with self.assertRaisesRegex(ArgumentError, "colour"):
            svg.check_colour('red" onload="x')


class ScaleTest(unittest.TestCase):

    def test_linear_maps_ends_and_back(self):
        s = svg.Scale(0.0, 10.0, 100.0, 0.0)
        self.assertEqual((s(0.0), s(10.0), s(2.5)), (100.0, 0.0, 75.0))
        self.assertAlmostEqual(s.inverse(75.0), 2.5)

    def test_log_maps_decades_evenly(self):
        s = svg.Scale(1.0, 1000.0, 0.0, 300.0, log=True)
        self.assertAlmostEqual(s(10.0), 100.0)
        self.assertAlmostEqual(s(100.0), 200.0)
        self.assertAlmostEqual(s.inverse(200.0), 100.0)

    def test_far_values_are_held_near(self):
        s = svg.Scale(0.0, 1.0, 0.0, 100.0)
        self.assertEqual(s(1e90), 1000.0)
        self.assertEqual(s(-1e90), -1000.0)


class TicksTest(unittest.TestCase):

    def test_linear_ticks_are_nice_multiples(self):
        ticks, step = svg.linear_ticks(0.03, 0.97, 5)
        self.assertEqual(step, 0.2)
        self.assertEqual([round(t, 9) for t in ticks], [0.2, 0.4, 0.6, 0.8])

    def test_integer_ticks_step_at_least_one(self):
        ticks, step = svg.linear_ticks(-0.2, 2.2, 20, integer=True)
        self.assertEqual((ticks, step), ([0.0, 1.0, 2.0], 1.0))

    def test_log_ticks_are_powers_of_ten(self):
        self.assertEqual(svg.log_ticks(50.0, 60000.0, 10), [100.0, 1000.0, 10000.0])

    def test_many_decades_skip_some(self):
        ticks = svg.log_ticks(1e-30, 1e30, 7)
        self.assertLessEqual(len(ticks), 7)
        exponents = [round(math.log10(t)) for t in ticks]
        self.assertEqual(len({b - a for a, b in zip(exponents, exponents[1:])}), 1)

    def test_narrow_log_range_adds_two_and_five(self):
        self.assertEqual(svg.log_ticks(1.5, 8.0, 10), [2.0, 5.0])

    def test_log_labels(self):
        self.assertEqual(svg.log_tick_label(1000.0), "10\u00b3")
        self.assertEqual(svg.log_tick_label(1e-5), "10\u207b\u2075")
        self.assertEqual(svg.log_tick_label(20.0), "20")

    def test_tick_labels_have_the_decimals_needed(self):
        self.assertEqual(svg.tick_label(0.30000000000000004, 0.1), "0.3")
        self.assertEqual(svg.tick_label(1e-17, 0.5), "0.0")
        self.assertEqual(svg.tick_label(2e-6, 1e-6), "2e-06")


class DocumentTest(unittest.TestCase):

    def test_document_parses_with_title_and_size(self):
        root = ET.fromstring(svg.document(100.5, 50, "a & b", ["<g/>"]))
        self.assertEqual((root.get("width"), root.get("height")), ("101", "50"))
        self.assertEqual(root.find("{http://www.w3.org/2000/svg}title").text, "a & b")

    def test_ids_are_unique_to_the_content(self):
        one = svg.document(10, 10, None, ['<clipPath id="%s-c1"/>' % svg.ID, "<g/>"])
        two = svg.document(10, 10, None, ['<clipPath id="%s-c1"/>' % svg.ID, "<g></g>"])
        self.assertNotIn(svg.ID, one)
        id_one = ET.fromstring(one).find("{http://www.w3.org/2000/svg}clipPath").get("id")
        id_two = ET.fromstring(two).find("{http://www.w3.org/2000/svg}clipPath").get("id")
        self.assertNotEqual(id_one, id_two)
        self.assertEqual(one, svg.document(10, 10, None, ['<clipPath id="%s-c1"/>' % svg.ID,
                                                          "<g/>"]))


if __name__ == "__main__":
    unittest.main()
