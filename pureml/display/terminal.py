"""Terminal output: digits drawn in text, and aligned tables.

``render_digit`` turns a flat list of pixel values (MNIST's convention: 0 is
the black background, 1 is the ink) into lines of text, in one of three
styles:

    blocks   Unicode half blocks; one character holds two pixel rows
    shades   " ░▒▓█", each pixel two characters wide so the digit is not squashed
    ascii    a plain ASCII ramp, two characters a pixel, for any terminal

``pick_style`` chooses between "blocks" and "ascii" from what a stream can
encode.  ``format_confusion`` and ``format_per_class`` lay out what
``evaluate`` prints.  (The progress bar is pureml.display.progress.)
"""

import io
import math
import numbers
import os
import shutil
import sys
import time
import unicodedata
from pureml.errors import ArgumentError

__all__ = [
    "ArgumentError", "STYLES", "render_digit", "pick_style", "side_by_side",
    "with_caption", "display_width", "format_table",
    "format_confusion", "format_per_class",
]

#: The styles ``render_digit`` knows.
STYLES = ("blocks", "shades", "ascii")

_SHADES = " ░▒▓█"
_ASCII_RAMP = " .:-=+*#%@"
_UPPER, _LOWER, _FULL = "▀", "▄", "█"


# ---------------------------------------------------------------------------
# Digits


def render_digit(pixels, width=28, style="blocks"):
    """Return the image ``pixels`` drawn as lines of text, joined by newlines.

    ``pixels`` is a flat sequence of numbers, row after row, ``width`` to a
    row; 0 is background and 1 is ink (values outside [0, 1] are clamped).
    With ``style="blocks"`` each character covers two pixel rows, so a
    28x28 image takes 14 lines of 28 characters; "shades" and "ascii" take
    one line per pixel row and two characters per pixel (28 lines of 56).
    Every line has the same width (trailing background is spaces) and there
    is no final newline.

    Raises ``ArgumentError`` (a ``ValueError``) when ``width`` is not a
    positive integer, ``style`` is unknown, there are no pixels, their
    number is not a multiple of ``width`` or one of them is not a finite
    number.
    """
    if isinstance(width, bool) or not isinstance(width, numbers.Integral) or width <= 0:
        raise ArgumentError("width must be a positive integer, not %r" % (width,))
    if style not in STYLES:
        raise ArgumentError("style must be one of %s, not %r"
                            % (", ".join(repr(s) for s in STYLES), style))
    values = _checked_pixels(pixels, width)
    rows = [values[i:i + width] for i in range(0, len(values), width)]
    if style == "blocks":
        if len(rows) % 2:
            rows.append([0.0] * width)
        lines = ["".join(_half_block(top, bottom) for top, bottom in zip(rows[i], rows[i + 1]))
                 for i in range(0, len(rows), 2)]
    else:
        ramp = _SHADES if style == "shades" else _ASCII_RAMP
        last = len(ramp) - 1
        lines = ["".join(ramp[min(last, int(v * len(ramp)))] * 2 for v in row)
                 for row in rows]
    return "\n".join(lines)


def _checked_pixels(pixels, width):
    """Return ``pixels`` as a list of floats clamped to [0, 1], after checking them."""
    if isinstance(pixels, (str, bytes)) or not hasattr(pixels, "__iter__"):
        raise ArgumentError("pixels must be a sequence of numbers, not %s"
                            % type(pixels).__name__)
    values = []
    for i, v in enumerate(pixels):
        if not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ArgumentError("pixel %d is %r; expected a finite number in [0, 1]" % (i, v))
        values.append(min(1.0, max(0.0, float(v))))
    if not values:
        raise ArgumentError("there are no pixels to draw")
    if len(values) % width:
        raise ArgumentError("%d pixels do not fill rows of width %d; expected a multiple "
                            "of %d (28x28 = 784 for MNIST)" % (len(values), width, width))
    return values


def _half_block(top, bottom):
    """Return the character for a cell whose upper pixel is ``top`` and lower ``bottom``.

    Where one pixel is ink and the other background, a half block shows
    which.  Where both are alike, a shade shows their mean, so the soft
    edges of a digit stay soft.
    """
    top_on, bottom_on = top >= 0.5, bottom >= 0.5
    if top_on and not bottom_on:
        return _UPPER
    if bottom_on and not top_on:
        return _LOWER
    mean = (top + bottom) / 2
    if top_on:
        return _FULL if mean >= 0.75 else "▓"
    return "░" if mean >= 0.25 else " "


def pick_style(stream):
    """Return "blocks" if ``stream`` can encode the block characters, else "ascii".

    The stream's ``encoding`` attribute decides; a stream that names no
    encoding (or an unknown one) gets "ascii", the choice that never fails.
    """
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return "ascii"
    try:
        (_SHADES + _UPPER + _LOWER).encode(encoding)
    except (LookupError, UnicodeError, TypeError):
        return "ascii"
    return "blocks"


def display_width(text):
    """Return how many terminal columns ``text`` (one line) takes.

    East Asian wide and full-width characters count two, combining marks
    none, everything else one.
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(line, width):
    """Return ``line`` padded with spaces to ``width`` columns."""
    return line + " " * (width - display_width(line))


def side_by_side(blocks, gap=4):
    """Return several multi-line strings laid out left to right, as one string.

    Each block keeps its own lines, padded to its widest line; shorter
    blocks are padded with blank lines at the bottom.  ``gap`` spaces
    separate neighbouring blocks.  Trailing spaces are trimmed from every
    line, and there is no final newline.  No blocks give the empty string.

    Raises ``ArgumentError`` when a block is not a string or ``gap`` is not
    a non-negative integer.
    """
    if isinstance(gap, bool) or not isinstance(gap, numbers.Integral) or gap < 0:
        raise ArgumentError("gap must be a non-negative integer, not %r" % (gap,))
    split = []
    for i, block in enumerate(blocks):
        if not isinstance(block, str):
            raise ArgumentError("block %d is %s; expected a string" % (i, type(block).__name__))
        lines = block.split("\n")
        split.append((lines, max(display_width(line) for line in lines)))
    if not split:
        return ""
    height = max(len(lines) for lines, _ in split)
    out = []
    for row in range(height):
        parts = [_pad(lines[row] if row < len(lines) else "", w) for lines, w in split]
        out.append((" " * gap).join(parts).rstrip())
    return "\n".join(out)


def with_caption(block, caption):
    """Return ``block`` with ``caption`` centred on a line beneath it.

    The caption may be wider than the block; the block's lines are then
    centred over it.  ``caption`` is converted with ``str``.
    """
    if not isinstance(block, str):
        raise ArgumentError("block is %s; expected a string" % type(block).__name__)
    caption = str(caption)
    lines = block.split("\n") + [caption]
    width = max(display_width(line) for line in lines)
    centred = []
    for line in lines:
        left = (width - display_width(line)) // 2
        centred.append(_pad(" " * left + line, width))
    return "\n".join(centred)


def _cell(value):
    """Return ``value`` as table text: integers plainly, other numbers to 4 digits."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return "%.4g" % value
    return str(value)


def format_table(rows, headers=None):
    """Return ``rows`` (a list of lists) as an aligned text table, one line per row.

    Numbers are right-aligned, other cells left-aligned; columns are two
    spaces apart.  ``headers``, when given, make a first line and a line of
    dashes beneath it.  Trailing spaces are trimmed; there is no final
    newline.  Raises ``ArgumentError`` when the rows differ in length from
    each other or from ``headers``.
    """
    rows = [list(row) for row in rows]
    all_rows = ([list(headers)] if headers is not None else []) + rows
    if not all_rows:
        return ""
    n = len(all_rows[0])
    for i, row in enumerate(all_rows):
        if len(row) != n:
            raise ArgumentError("row %d has %d cells; expected %d like the first"
                                % (i, len(row), n))
    text = [[_cell(v) for v in row] for row in all_rows]
    numeric = [all(isinstance(row[c], numbers.Real) for row in rows) if rows else False
               for c in range(n)]
    widths = [max(display_width(row[c]) for row in text) for c in range(n)]
    lines = []
    for r, row in enumerate(text):
        cells = []
        for c, cell in enumerate(row):
            fill = " " * (widths[c] - display_width(cell))
            cells.append(fill + cell if numeric[c] else cell + fill)
        lines.append("  ".join(cells).rstrip())
        if r == 0 and headers is not None:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _check_counts(name, values, allow_float=False):
    """Return ``values`` as a list after checking they are finite non-negative numbers."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ArgumentError("%s must be a sequence of numbers, not %s"
                            % (name, type(values).__name__))
    out = list(values)
    for i, v in enumerate(out):
        kind = numbers.Real if allow_float else numbers.Integral
        if (isinstance(v, bool) or not isinstance(v, kind) or not math.isfinite(v)
                or v < 0):
            raise ArgumentError("%s[%d] is %r; expected a non-negative %s"
                                % (name, i, v, "number" if allow_float else "integer"))
    return out


def format_confusion(matrix, labels=range(10)):
    """Return a square confusion matrix as an aligned text table.

    Row ``i`` is the true label ``labels[i]`` and column ``j`` the predicted
    label ``labels[j]``, so ``matrix[i][j]`` counts the images of class i
    that the network called j and the diagonal holds the correct ones.
    Entries are non-negative numbers, usually counts.  The table has a
    header row of predicted labels and a header column of true labels;
    there is no final newline.

    Raises ``ArgumentError`` when the matrix is not square, ``labels`` does
    not have one label per row, or an entry is negative or not a number.
    """
    labels = [str(label) for label in labels]
    if isinstance(matrix, (str, bytes)) or not hasattr(matrix, "__iter__"):
        raise ArgumentError("matrix must be a list of rows, not %s" % type(matrix).__name__)
    rows = list(matrix)
    if len(rows) != len(labels):
        raise ArgumentError("the matrix has %d rows but there are %d labels; expected "
                            "one label per row" % (len(rows), len(labels)))
    checked = []
    for i, row in enumerate(rows):
        row = _check_counts("matrix[%d]" % i, row, allow_float=True)
        if len(row) != len(rows):
            raise ArgumentError("matrix row %d has %d entries; expected %d for a square "
                                "matrix" % (i, len(row), len(rows)))
        checked.append([_cell(v) for v in row])
    corner = "true\\pred"
    label_width = max([display_width(corner)] + [display_width(s) for s in labels])
    cell_width = max([display_width(s) for s in labels]
                     + [display_width(v) for row in checked for v in row] + [1])
    lines = [_pad(corner, label_width) + "".join(
        " " * (cell_width + 2 - display_width(s)) + s for s in labels)]
    for label, row in zip(labels, checked):
        lines.append(" " * (label_width - display_width(label)) + label + "".join(
            " " * (cell_width + 2 - display_width(v)) + v for v in row))
    return "\n".join(line.rstrip() for line in lines)


def format_per_class(correct, total, labels=None):
    """Return per-class accuracy as text, one line per class.

    ``correct[i]`` of ``total[i]`` images of class ``labels[i]`` were
    classified correctly; ``labels`` defaults to 0, 1, 2, ...  Each line
    reads like ``3:   991 / 1010   98.12%``; a class with no images shows
    "n/a" instead of a percentage.  There is no final newline.

    Raises ``ArgumentError`` when the sequences differ in length, a count
    is not a non-negative integer, or a class has more correct than total.
    """
    correct = _check_counts("correct", correct)
    total = _check_counts("total", total)
    if labels is None:
        labels = range(len(correct))
    labels = [str(label) for label in labels]
    if not len(correct) == len(total) == len(labels):
        raise ArgumentError("correct, total and labels have %d, %d and %d entries; "
                            "expected the same number"
                            % (len(correct), len(total), len(labels)))
    for i, (c, t) in enumerate(zip(correct, total)):
        if c > t:
            raise ArgumentError("class %s has %d correct out of %d; correct cannot exceed "
                                "total" % (labels[i], c, t))
    if not labels:
        return ""
    lw = max(display_width(s) for s in labels)
    cw = max(len(str(c)) for c in correct)
    tw = max(len(str(t)) for t in total)
    lines = []
    for label, c, t in zip(labels, correct, total):
        pct = "%6.2f%%" % (100.0 * c / t) if t else "    n/a"
        lines.append("%s:  %*d / %-*d  %s" % (_pad(label, lw), cw, c, tw, t, pct))
    return "\n".join(line.rstrip() for line in lines)
