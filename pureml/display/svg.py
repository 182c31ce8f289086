"""The small pieces every SVG picture of pureml is built from.

An SVG file is text: elements such as ``<polyline points="...">`` and
``<text>`` inside one ``<svg>``.  This module holds what the charts
(pureml.display.charts, marks) and the image grids (pureml.display.grids)
share:

* escaping text for XML, and formatting numbers (``fmt`` for pixel
  coordinates, ``numbers`` for the exact values kept in ``data-``
  attributes so that a reader, or a test, can find the numbers again);
* ``Scale``: a linear or logarithmic map from data values to pixels;
* ticks: steps of 1, 2 or 5 times a power of ten on a linear axis, powers
  of ten on a log axis, and their labels;
* ``check_values``: a list of real numbers, checked, NaN and infinities
  allowed (the marks leave those out, and say so);
* ``document``: the whole file, with ids made unique to its content, so
  that several pictures in one notebook page never share a clip path.
"""

import math
import numbers
import re
import zlib

from pureml.data.fileio import atomic_write_text
from pureml.errors import ArgumentError

__all__ = ["PALETTE", "COLOUR_LETTERS", "FONT", "HUGE", "ID", "text", "attr", "fmt", "numbers_attr",
           "text_width", "class_name", "check_text", "check_colour", "check_values",
           "check_range", "plottable", "Picture", "Scale", "nice_step", "linear_ticks", "log_ticks",
           "tick_label", "log_tick_label", "document", "gray"]

#: Okabe and Ito's colour-blind-safe palette (yellow left out: too pale on white).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

#: Values larger than this are left out of a chart: their differences overflow.
HUGE = 1e100

#: Written where an element id belongs; ``document`` replaces it with an id
#: unique to the picture.  (It holds a NUL, which ``text`` and ``attr`` remove
#: from anything a caller gives, so no label can contain it.)
ID = "\x00id"

#: matplotlib's one-letter colours.
COLOUR_LETTERS = {"b": "#1f3fbf", "g": "#008000", "r": "#e02020", "c": "#00a0a0",
                  "m": "#b000b0", "y": "#b0a000", "k": "#000000", "w": "#ffffff"}

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{3,20}")
_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074"
                             "\u2075\u2076\u2077\u2078\u2079")


def text(value):
    """Return ``value`` escaped for XML, without the control characters XML forbids."""
    value = _XML_FORBIDDEN.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value):
    """Return ``value`` as a quoted, escaped XML attribute value: "a &quot;b&quot;"."""
    return '"%s"' % text(value).replace('"', "&quot;").replace("\n", "&#10;") \
        .replace("\t", "&#9;").replace("\r", "&#13;")


def fmt(v):
    """Return a pixel coordinate as short text: 12.5, 3, -0.25."""
    out = "%.2f" % v
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return "0" if out == "-0" else out


def numbers_attr(values):
    """Return numbers as the text of a ``data-`` attribute: exact, space separated.

    ``repr`` of a float is the shortest text that reads back as the same
    float, so ``float(t)`` of each piece gives the values given, NaN included.
    """
    return " ".join(repr(float(v)) for v in values)


def text_width(label, size):
    """Return a rough width in pixels of ``label`` in a sans-serif font of ``size``."""
    return 0.62 * size * len(label)


def class_name(name):
    """Return ``name`` as a CSS class: "series-" and lower case letters, digits and dashes."""
    chars = [c if c.isalnum() and c.isascii() else "-" for c in name.lower()]
    return "series-" + ("".join(chars).strip("-") or "unnamed")


def gray(level):
    """Return the colour of gray ``level`` (0 black to 255 white) as #rrggbb."""
    return "#%02x%02x%02x" % (level, level, level)


# Checks of what the pictures are given (the scalar checks are pureml.arguments').


def check_text(value, name):
    """Return ``value`` if it is a string or None."""
    if value is not None and not isinstance(value, str):
        raise ArgumentError("%s must be a string, not %s" % (name, type(value).__name__))
    return value


def check_colour(value, name="color"):
    """Return a colour: "#rgb", "#rrggbb", a name such as "red", or matplotlib's "k", "r" ...

    None stays None (the panel then picks one).
    """
    if value is None:
        return None
    if value in COLOUR_LETTERS:
        return COLOUR_LETTERS[value]
    if not isinstance(value, str) or not _COLOUR.fullmatch(value):
        raise ArgumentError("%s must be a colour such as '#0072B2' or 'red', not %r"
                            % (name, value))
    return value


def check_values(values, name):
    """Return ``values`` as a list of floats: any sequence of real numbers, NaN and inf allowed."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ArgumentError("%s must be a list of numbers, not %s"
                            % (name, type(values).__name__))
    out = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ArgumentError("%s has %r at index %d; expected a real number"
                                % (name, v, i))
        out.append(float(v))
    return out


def check_range(value, name):
    """Return ``value`` as a pair of finite floats (lo, hi) with lo < hi."""
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise ArgumentError("%s must be a pair (low, high), not %r" % (name, value)) from None
    for v in (lo, hi):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ArgumentError("%s must be two finite numbers, not %r" % (name, value))
    if not lo < hi:
        raise ArgumentError("%s must have its low end below its high end, not %r"
                            % (name, value))
    return float(lo), float(hi)


def plottable(v, log=False):
    """Return True when ``v`` can be drawn: finite, at most 1e100 in size, and > 0 on a log axis."""
    return math.isfinite(v) and abs(v) <= HUGE and (v > 0.0 or not log)


# Scales and ticks.


class Scale:
    """A map from data values in [lo, hi] to pixels in [start, end], linear or logarithmic.

    ``start`` may be larger than ``end`` (a y axis: larger values higher up,
    at smaller pixel y).  Values far outside are held a few plot sizes away,
    so that the numbers written stay short.
    """

    def __init__(self, lo, hi, start, end, log=False):
        self.lo, self.hi, self.start, self.end, self.log = lo, hi, start, end, log
        self._a = math.log10(lo) if log else lo
        self._b = math.log10(hi) if log else hi

    def __call__(self, v):
        u = math.log10(v) if self.log else v
        t = (u - self._a) / (self._b - self._a)
        t = min(10.0, max(-10.0, t))
        return self.start + t * (self.end - self.start)

    def inverse(self, pixel):
        """Return the data value drawn at ``pixel``."""
        u = self._a + (pixel - self.start) / (self.end - self.start) * (self._b - self._a)
        return 10.0 ** u if self.log else u


def nice_step(span, max_ticks, minimum=0.0):
    """Return a step of 1, 2 or 5 times a power of ten giving at most ``max_ticks`` steps."""
    raw = span / max(1, max_ticks)
    if raw <= 0 or not math.isfinite(raw):
        return max(1.0, minimum)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        step = m * magnitude
        if step >= raw * (1 - 1e-9):
            break
    return max(step, minimum)


def linear_ticks(lo, hi, max_ticks, integer=False):
    """Return ``(ticks, step)``: the multiples of a nice step within [lo, hi]."""
    step = nice_step(hi - lo, max_ticks, minimum=1.0 if integer else 0.0)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)], step


def log_ticks(lo, hi, max_ticks):
    """Return the ticks of a log axis over [lo, hi]: powers of ten, every one or every few.

    When fewer than two powers of ten lie in the range, 2 and 5 times each
    power are added, so that a narrow range still has ticks.
    """
    first, last = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
    count = last - first + 1
    if count >= 2:
        every = max(1, -(-count // max(1, max_ticks)))
        return [10.0 ** k for k in range(first, last + 1) if k % every == 0]
    ticks = []
    for k in range(first - 1, last + 1):
        for m in (1.0, 2.0, 5.0):
            v = m * 10.0 ** k
            if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9):
                ticks.append(v)
    return ticks


def tick_label(value, step):
    """Return ``value`` formatted with just the decimals that ``step`` needs."""
    if abs(value) < step * 1e-6:
        value = 0.0
    decimals = max(0, -int(math.floor(math.log10(step) + 1e-9)))
    out = "%.*f" % (decimals, value)
    if len(out) > 7:  # too wide beside the axis: 2e-05, 1.5e+08
        out = "%.3g" % value
    return out


def log_tick_label(value):
    """Return a log axis' tick label: 10 to a superscript power for powers of ten, else %g."""
    power = math.log10(value)
    if abs(power - round(power)) < 1e-9:
        return "10" + str(int(round(power))).translate(_SUPERSCRIPT)
    return "%g" % value


# The whole file.


class Picture:
    """What every picture does with its ``svg()``: a file, and a notebook's display.

    Jupyter shows any object that has a ``_repr_svg_`` method, so a
    notebook cell ending in a picture draws it.
    """

    def save(self, path):
        """Write the picture as an SVG file, atomically (pureml.data.fileio); return ``path``."""
        atomic_write_text(path, self.svg())
        return path

    def _repr_svg_(self):
        return self.svg()



def document(width, height, title, body):
    """Return a standalone SVG document of ``width`` x ``height`` pixels as text.

    ``title`` (or None) becomes its ``<title>``; ``body`` is a list of lines
    of SVG, in which ``ID`` stands for an id prefix unique to this picture
    (taken from a checksum of its content, so the same picture is the same text).
    """
    width, height = int(math.ceil(width)), int(math.ceil(height))
    head = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'viewBox="0 0 %d %d" font-family=%s style="max-width:100%%;height:auto">'
            % (width, height, width, height, attr(FONT))]
    if title:
        head.append("<title>%s</title>" % text(title))
    head.append('<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>' % (width, height))
    out = "\n".join(head + body + ["</svg>"]) + "\n"
    if ID in out:
        digest = zlib.crc32(out.encode("utf-8", "surrogatepass"))
        out = out.replace(ID, "p%08x" % digest)
    return out
