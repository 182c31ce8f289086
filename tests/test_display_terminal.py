"""Tests for pureml.display.terminal: digits in text, the progress bar and tables."""

import io
import os
import unittest
from unittest import mock

from pureml.display import terminal
from pureml.errors import ArgumentError


class FakeTTY(io.StringIO):
    """A text stream that claims to be a UTF-8 terminal."""

    encoding = "utf-8"

    def isatty(self):
        return True


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class ClosedStream(io.StringIO):
    """A stream whose isatty fails, as a closed file's does."""

    def isatty(self):
        raise ValueError("I/O operation on closed file")


def screen_line(written):
    """Return what a terminal shows on the current line after ``written`` is printed.

    Carriage returns move the cursor back to column 0; other characters
    overwrite the line.  A newline in ``written`` is a failure by itself.
    """
    if "\n" in written:
        raise AssertionError("a newline was written: %r" % written)
    line, col = [], 0
    for ch in written:
        if ch == "\r":
            col = 0
            continue
        if col < len(line):
            line[col] = ch
        else:
            line.append(ch)
        col += 1
    return "".join(line)


def digit(rows):
    """Return the flat pixel list for rows written as strings of '#' (ink) and '.'."""
    return [1.0 if ch == "#" else 0.0 for row in rows for ch in row]


class RenderDigitTest(unittest.TestCase):

    def test_blocks_shape_of_an_mnist_image(self):
        lines = terminal.render_digit([0.0] * 784).split("\n")
        self.assertEqual(len(lines), 14)
        self.assertEqual({len(line) for line in lines}, {28})

    def test_shades_and_ascii_shape(self):
        for style in ("shades", "ascii"):
            lines = terminal.render_digit([0.5] * 784, style=style).split("\n")
            self.assertEqual(len(lines), 28, style)
            self.assertEqual({len(line) for line in lines}, {56}, style)

    def test_half_blocks(self):
        pixels = digit(["#..#",
                        ".#.#"])
        self.assertEqual(terminal.render_digit(pixels, width=4), "▀▄ █")

    def test_odd_number_of_rows(self):
        self.assertEqual(terminal.render_digit([1.0, 1.0, 1.0], width=1), "█\n▀")

    def test_blocks_soften_grey_edges(self):
        self.assertEqual(terminal.render_digit([0.3, 0.6, 0.3, 0.6], width=2), "░▓")

    def test_shades(self):
        self.assertEqual(terminal.render_digit([0.0, 0.3, 0.5, 0.7, 1.0], width=5, style="shades"),
                         "  ░░▒▒▓▓██")

    def test_ascii_is_plain_ascii(self):
        text = terminal.render_digit([i / 99 for i in range(100)], width=10, style="ascii")
        text.encode("ascii")
        self.assertEqual(text.split("\n")[0][:2], "  ")
        self.assertEqual(text.split("\n")[-1][-2:], "@@")

    def test_out_of_range_values_are_clamped(self):
        self.assertEqual(terminal.render_digit([-0.5, 1.5], width=2, style="shades"),
                         terminal.render_digit([0.0, 1.0], width=2, style="shades"))

    def test_length_not_a_multiple_of_width(self):
        with self.assertRaisesRegex(ArgumentError, "multiple of 28"):
            terminal.render_digit([0.0] * 783)

    def test_nan_pixel(self):
        with self.assertRaisesRegex(ArgumentError, "pixel 3"):
            terminal.render_digit([0.0, 0.0, 0.0, float("nan")], width=2)

    def test_infinite_pixel(self):
        with self.assertRaisesRegex(ArgumentError, "finite"):
            terminal.render_digit([float("inf"), 0.0], width=2)

    def test_non_number_pixel(self):
        with self.assertRaisesRegex(ArgumentError, "pixel 0"):
            terminal.render_digit(["1", 0.0], width=2)

    def test_no_pixels(self):
        with self.assertRaisesRegex(ArgumentError, "no pixels"):
            terminal.render_digit([])

    def test_bad_width(self):
        with self.assertRaisesRegex(ArgumentError, "width"):
            terminal.render_digit([0.0], width=0)

    def test_unknown_style(self):
        with self.assertRaisesRegex(ArgumentError, "style"):
            terminal.render_digit([0.0] * 784, style="braille")

    def test_pixels_not_a_sequence(self):
        with self.assertRaisesRegex(ArgumentError, "sequence"):
            terminal.render_digit("0101", width=2)

    def test_terminal_error_is_a_value_error(self):
        self.assertTrue(issubclass(ArgumentError, ValueError))


class Named:
    """An object with nothing but an ``encoding`` attribute."""

    def __init__(self, encoding):
        self.encoding = encoding


class PickStyleTest(unittest.TestCase):

    def stream(self, encoding):
        return io.TextIOWrapper(io.BytesIO(), encoding=encoding)

    def test_unicode_encodings_get_blocks(self):
        for encoding in ("utf-8", "UTF-8", "utf-16", "cp437"):
            self.assertEqual(terminal.pick_style(self.stream(encoding)), "blocks", encoding)

    def test_narrow_encodings_get_ascii(self):
        for encoding in ("ascii", "latin-1", "cp1252"):
            self.assertEqual(terminal.pick_style(self.stream(encoding)), "ascii", encoding)

    def test_unknown_encoding_gets_ascii(self):
        self.assertEqual(terminal.pick_style(Named("no-such-codec")), "ascii")

    def test_stream_without_an_encoding_gets_ascii(self):
        self.assertEqual(terminal.pick_style(io.StringIO()), "ascii")
        self.assertEqual(terminal.pick_style(object()), "ascii")


class LayoutTest(unittest.TestCase):

    def test_side_by_side(self):
        text = terminal.side_by_side(["ab\ncd\nef", "X\nY"], gap=2)
        self.assertEqual(text, "ab  X\ncd  Y\nef")

    def test_side_by_side_pads_narrow_lines(self):
        self.assertEqual(terminal.side_by_side(["a\nbbb", "c\nd"], gap=1), "a   c\nbbb d")

    def test_side_by_side_of_digits(self):
        one = terminal.render_digit([0.0] * 784)
        text = terminal.side_by_side([one, one, one])
        lines = text.split("\n")
        self.assertEqual(len(lines), 14)
        self.assertEqual(lines[0], "")  # blank digits leave only trimmed spaces

    def test_side_by_side_of_nothing(self):
        self.assertEqual(terminal.side_by_side([]), "")

    def test_side_by_side_rejects_non_strings(self):
        with self.assertRaisesRegex(ArgumentError, "block 1"):
            terminal.side_by_side(["a", 3])

    def test_side_by_side_rejects_negative_gap(self):
        with self.assertRaisesRegex(ArgumentError, "gap"):
            terminal.side_by_side(["a"], gap=-1)

    def test_with_caption(self):
        self.assertEqual(terminal.with_caption("####\n####", 7), "####\n####\n 7  ")
        self.assertEqual(terminal.with_caption("#", "abc"), " # \nabc")

    def test_display_width(self):
        self.assertEqual(terminal.display_width("▀▄█░"), 4)
        self.assertEqual(terminal.display_width("日本"), 4)
        self.assertEqual(terminal.display_width("e\u0301"), 1)


class TableTest(unittest.TestCase):

    def test_confusion_matrix(self):
        matrix = [[0] * 10 for _ in range(10)]
        for i in range(10):
            matrix[i][i] = 1000 + i
        matrix[4][9] = 17
        lines = terminal.format_confusion(matrix).split("\n")
        self.assertEqual(len(lines), 11)
        self.assertEqual(lines[0].split(), ["true\\pred"] + [str(i) for i in range(10)])
        self.assertEqual(lines[5].split(), ["4", "0", "0", "0", "0", "1004", "0", "0", "0", "0", "17"])
        # Every column's right edge lines up with its header.
        header = lines[0]
        for row in lines[1:]:
            self.assertEqual(len(row), len(header))
        self.assertEqual(lines[10][-4:], "1009")

    def test_confusion_with_own_labels(self):
        text = terminal.format_confusion([[5, 1], [0, 12]], labels=["cat", "dog"])
        self.assertEqual(text.split("\n"), ["true\\pred  cat  dog",
                                            "      cat    5    1",
                                            "      dog    0   12"])

    def test_confusion_not_square(self):
        with self.assertRaisesRegex(ArgumentError, "square"):
            terminal.format_confusion([[1, 2], [3]], labels="ab")

    def test_confusion_labels_mismatch(self):
        with self.assertRaisesRegex(ArgumentError, "label"):
            terminal.format_confusion([[1, 2], [3, 4]])

    def test_confusion_negative_entry(self):
        with self.assertRaisesRegex(ArgumentError, r"matrix\[1\]\[0\]"):
            terminal.format_confusion([[1, 2], [-3, 4]], labels="ab")

    def test_per_class(self):
        text = terminal.format_per_class([973, 1120, 0], [980, 1135, 0])
        self.assertEqual(text.split("\n"), ["0:   973 / 980    99.29%",
                                            "1:  1120 / 1135   98.68%",
                                            "2:     0 / 0         n/a"])

    def test_per_class_labels(self):
        text = terminal.format_per_class([1, 2], [2, 2], labels=["shirt", "bag"])
        self.assertEqual(text.split("\n"), ["shirt:  1 / 2   50.00%",
                                            "bag  :  2 / 2  100.00%"])

    def test_per_class_more_correct_than_total(self):
        with self.assertRaisesRegex(ArgumentError, "exceed"):
            terminal.format_per_class([3], [2])

    def test_per_class_lengths_differ(self):
        with self.assertRaisesRegex(ArgumentError, "same number"):
            terminal.format_per_class([1, 2], [2])

    def test_per_class_counts_are_integers(self):
        with self.assertRaisesRegex(ArgumentError, "integer"):
            terminal.format_per_class([0.5], [1])

    def test_table(self):
        text = terminal.format_table([["seven", 7, 0.5], ["one", 1, 0.123456]],
                                     headers=["name", "n", "p"])
        self.assertEqual(text.split("\n"), ["name   n       p",
                                            "-----  -  ------",
                                            "seven  7     0.5",
                                            "one    1  0.1235"])

    def test_table_rows_differ(self):
        with self.assertRaisesRegex(ArgumentError, "row 1"):
            terminal.format_table([[1, 2], [3]])


if __name__ == "__main__":
    unittest.main()
