"""What a chart's panel draws: lines, markers, arrows, histograms and bars.

Each mark keeps the numbers it was given and draws itself on two scales
(pureml.display.svg.Scale).  A panel (pureml.display.charts.Panel) asks
every mark first to ``prepare`` for its axes (which values can be drawn:
finite, at most 1e100 in size, positive on a log axis), then for its
``extent`` (the values the axes must show), and last to ``render``.

Every mark's SVG element has the class ``series``, its name in
``data-series`` and its numbers in ``data-`` attributes (``data-x``,
``data-y``, ``data-counts`` ...), so that the numbers can be found again in
the file.  Values that cannot be drawn are counted in ``notes``, which the
legend shows.  (Contour lines are pureml.display.contour's.)
"""

import math

from pureml.display.svg import attr, class_name, fmt, numbers_attr, plottable, text

__all__ = ["MARKERS", "DASHES", "Mark", "Line", "Arrows", "Histogram", "Bars",
           "histogram_counts", "marker_svg", "plural"]

#: Marker codes (matplotlib's): circle, point, square, diamond, triangles, plus, cross.
MARKERS = ("o", ".", "s", "D", "^", "v", "+", "x")

#: Line styles (matplotlib's codes) and their SVG dash patterns.
DASHES = {"-": None, "--": "7 4", ":": "2 3", "-.": "7 3 2 3"}


def plural(count, word):
    """Return "1 value" or "3 values"."""
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def _skipped_notes(nonfinite, huge, nonpositive, word="value"):
    """Return the legend's notes on values left out."""
    notes = []
    if nonfinite:
        notes.append("%s skipped" % plural(nonfinite, "non-finite " + word))
    if huge:
        notes.append("%s beyond 1e100 skipped" % plural(huge, word))
    if nonpositive:
        notes.append("%s <= 0 skipped on the log axis" % plural(nonpositive, word))
    return notes


def marker_svg(kind, cx, cy, size, legend=False):
    """Return one marker of ``kind`` centred at (cx, cy), ``size`` pixels from centre to edge.

    Circles are ``<circle>`` elements; in a legend (``legend=True``) they are
    paths, so that a panel's circles are its data points only.
    """
    s = size
    if kind in ("o", ".") and not legend:
        return '<circle cx="%s" cy="%s" r="%s"/>' % (fmt(cx), fmt(cy), fmt(s))
    if kind in ("o", "."):
        d = "M%s %sa%s %s 0 1 0 %s 0a%s %s 0 1 0 %s 0" % (
            fmt(cx - s), fmt(cy), fmt(s), fmt(s), fmt(2 * s), fmt(s), fmt(s), fmt(-2 * s))
    elif kind == "s":
        d = "M%s %sh%sv%sh%sz" % (fmt(cx - s), fmt(cy - s), fmt(2 * s), fmt(2 * s), fmt(-2 * s))
    elif kind == "D":
        r = 1.3 * s
        d = "M%s %sl%s %sl%s %sl%s %sz" % (fmt(cx), fmt(cy - r), fmt(r), fmt(r), fmt(-r),
                                          fmt(r), fmt(-r), fmt(-r))
    elif kind in ("^", "v"):
        k = -1 if kind == "^" else 1
        d = "M%s %sL%s %sL%s %sz" % (fmt(cx), fmt(cy + k * 1.2 * s), fmt(cx + 1.1 * s),
                                     fmt(cy - k * 0.8 * s), fmt(cx - 1.1 * s),
                                     fmt(cy - k * 0.8 * s))
    elif kind == "+":
        r = 1.3 * s
        d = "M%s %sh%sM%s %sv%s" % (fmt(cx - r), fmt(cy), fmt(2 * r), fmt(cx), fmt(cy - r),
                                    fmt(2 * r))
    else:  # "x"
        d = "M%s %sl%s %sM%s %sl%s %s" % (fmt(cx - s), fmt(cy - s), fmt(2 * s), fmt(2 * s),
                                          fmt(cx - s), fmt(cy + s), fmt(2 * s), fmt(-2 * s))
    return '<path d="%s"/>' % d


def _marker_group(kind, colour, width, head='"markers"'):
    """Return the opening tag of a group of markers: filled shapes, or stroked + and x.

    ``head`` is the start of the tag's attributes: its classes, and any more.
    """
    if kind in ("+", "x"):
        return '<g class=%s fill="none" stroke="%s" stroke-width="%s">' % (
            head, colour, fmt(max(1.5, width * 0.75)))
    return '<g class=%s fill="%s">' % (head, colour)


class Mark:
    """What every mark has: a label (or None), a colour, notes, and a legend sample."""

    label = None
    colour = None
    name = ""
    layer = 1                       # drawn after (over) the marks of lower layers
    cycled = False                  # its colour came from the panel's palette
    integer_x = False               # every x is a whole number (epochs): whole-number ticks
    sticky_x = sticky_y = ()        # values the axes' padding stops at (bars start at 0)

    def notes(self):
        """Return the legend's notes about this mark (values skipped ...)."""
        return self._notes

    def ticks(self):
        """Return (positions, labels) the x axis should use, or None."""
        return None

    def swatch(self, x, y):
        """Return the SVG of this mark's legend sample, 26 pixels wide, centred on y."""
        return ['<rect x="%s" y="%s" width="18" height="10" fill="%s"/>'
                % (fmt(x + 4), fmt(y - 5), self.colour)]


class Line(Mark):
    """A series of (x, y) points: a polyline, markers, or both."""

    def __init__(self, xs, ys, label, colour, dash, marker, markevery, width, line=True):
        self.xs, self.ys, self.label, self.colour = xs, ys, label, colour
        self.dash, self.marker, self.markevery = dash, marker, markevery
        self.width, self.line = width, line
        self.extra_notes = []

    def prepare(self, xlog, ylog):
        self.points = []
        nonfinite = huge = nonpositive = 0
        for x, y in zip(self.xs, self.ys):
            if not (math.isfinite(x) and math.isfinite(y)):
                nonfinite += 1
            elif not (plottable(x) and plottable(y)):
                huge += 1
            elif not (plottable(x, xlog) and plottable(y, ylog)):
                nonpositive += 1
            else:
                self.points.append((x, y))
        self._notes = self.extra_notes + _skipped_notes(nonfinite, huge, nonpositive)
        if not (self.xs or self._notes):
            self._notes = ["no values"]

    def extent(self):
        return [p[0] for p in self.points], [p[1] for p in self.points]

    def render(self, sx, sy):
        pixels = [(sx(x), sy(y)) for x, y in self.points]
        data = 'data-series=%s data-x="%s" data-y="%s"' % (
            attr(self.name), numbers_attr(self.xs), numbers_attr(self.ys))
        out = []
        if self.line:
            dash = DASHES[self.dash]
            out.append('<polyline class="series line %s" %s points="%s" fill="none" '
                       'stroke="%s" stroke-width="%s"%s stroke-linejoin="round" '
                       'stroke-linecap="round"><title>%s</title></polyline>'
                       % (class_name(self.name), data, " ".join("%s,%s" % (fmt(px), fmt(py))
                                                            for px, py in pixels),
                          self.colour, fmt(self.width),
                          ' stroke-dasharray="%s"' % dash if dash else "", text(self.name)))
            data = ""
        marker = self.marker or ("o" if len(pixels) == 1 else None)
        if marker:
            head = '"markers"' if self.line else '"series scatter markers %s" %s' % (
                class_name(self.name), data)
            size = 1.8 if marker == "." else max(3.0, self.width * 1.5)
            out.append(_marker_group(marker, self.colour, self.width, head))
            out.extend(marker_svg(marker, px, py, size)
                       for px, py in pixels[::self.markevery or 1])
            out.append("</g>")
        return out

    def swatch(self, x, y):
        out = []
        if self.line:
            dash = DASHES[self.dash]
            out.append('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>'
                       % (fmt(x), fmt(y), fmt(x + 26), fmt(y), self.colour, fmt(self.width),
                          ' stroke-dasharray="%s"' % dash if dash else ""))
        if self.marker:
            out.append(_marker_group(self.marker, self.colour, self.width))
            out.append(marker_svg(self.marker, x + 13, y, 3.5, legend=True))
            out.append("</g>")
        return out



class Arrows(Mark):
    """A quiver: an arrow from each (x, y) along (u, v), scaled to fit between the tails."""

    def __init__(self, xs, ys, us, vs, scale, label, colour, width):
        self.xs, self.ys, self.us, self.vs = xs, ys, us, vs
        self.given_scale, self.label, self.colour, self.width = scale, label, colour, width

    def prepare(self, xlog, ylog):
        self.kept, bad = [], 0
        for x, y, u, v in zip(self.xs, self.ys, self.us, self.vs):
            if all(plottable(w) for w in (x, y, u, v)) and plottable(x, xlog) and \
                    plottable(y, ylog):
                self.kept.append((x, y, u, v))
            else:
                bad += 1
        self.scale = s = self.given_scale or self._auto_scale()
        self.arrows = []            # ((tail x, tail y), (head x, head y)) in data units
        for x, y, u, v in self.kept:
            hx, hy = x + s * u, y + s * v
            if plottable(hx, xlog) and plottable(hy, ylog):
                self.arrows.append(((x, y), (hx, hy)))
            else:
                bad += 1
        self._notes = ["%s skipped" % plural(bad, "arrow")] if bad else []

    def _auto_scale(self):
        """Return the scale that makes the longest arrow 0.9 of the spacing between tails."""
        if not self.kept:
            return 1.0
        xs, ys = [k[0] for k in self.kept], [k[1] for k in self.kept]
        width, height = max(xs) - min(xs), max(ys) - min(ys)
        n = len(self.kept)
        if width > 0 and height > 0:
            spacing = math.sqrt(width * height / n)
        else:
            spacing = max(width, height) / max(1, n - 1) or 1.0
        longest = max(math.hypot(k[2], k[3]) for k in self.kept)
        return 0.9 * spacing / longest if longest > 0 else 1.0

    def extent(self):
        return ([p[0] for arrow in self.arrows for p in arrow],
                [p[1] for arrow in self.arrows for p in arrow])

    def render(self, sx, sy):
        out = ['<g class="series arrows %s" data-series=%s data-x="%s" data-y="%s" '
               'data-u="%s" data-v="%s" data-scale="%r" stroke="%s" fill="%s" '
               'stroke-width="%s">'
               % (class_name(self.name), attr(self.name), numbers_attr(self.xs),
                  numbers_attr(self.ys), numbers_attr(self.us), numbers_attr(self.vs),
                  self.scale, self.colour, self.colour, fmt(self.width))]
        for (x, y), (hx, hy) in self.arrows:
            out.extend(_arrow(sx(x), sy(y), sx(hx), sy(hy)))
        out.append("</g>")
        return out

    def swatch(self, x, y):
        return ['<g stroke="%s" fill="%s" stroke-width="%s">' % (self.colour, self.colour,
                                                                 fmt(self.width))] + \
            _arrow(x, y, x + 26, y) + ["</g>"]


def _arrow(x0, y0, x1, y1):
    """Return an arrow from pixel (x0, y0) to (x1, y1): a shaft and a filled head."""
    length = math.hypot(x1 - x0, y1 - y0)
    if length < 0.5:
        return []
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head = min(7.0, 0.4 * length)
    bx, by = x1 - ux * head, y1 - uy * head
    half = head * 0.45
    return ['<path d="M%s %sL%s %s"/>' % (fmt(x0), fmt(y0), fmt(bx), fmt(by)),
            '<path stroke="none" d="M%s %sL%s %sL%s %sz"/>'
            % (fmt(x1), fmt(y1), fmt(bx - uy * half), fmt(by + ux * half),
               fmt(bx + uy * half), fmt(by - ux * half))]


def histogram_counts(values, bins, value_range=None):
    """Return (counts, edges, outside, nonfinite): numpy.histogram's counts of ``values``.

    ``bins`` equal bins cover ``value_range`` (lo, hi), by default the
    values' smallest to largest (widened by 0.5 each side when they are all
    equal); each bin holds lo <= v < hi, the last also v == hi.  Values
    outside the range are counted in ``outside``, NaN and infinities in
    ``nonfinite``; neither is in any bin.
    """
    finite = [v for v in values if plottable(v)]
    nonfinite = len(values) - len(finite)
    if value_range is None:
        lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
    else:
        lo, hi = value_range
    width = (hi - lo) / bins
    edges = [lo + k * (hi - lo) / bins for k in range(bins)] + [hi]
    counts = [0] * bins
    outside = 0
    for v in finite:
        if v < lo or v > hi:
            outside += 1
        else:
            k = min(bins - 1, int((v - lo) / width))
            if v < edges[k]:                        # rounding put it one bin too far
                k -= 1
            elif v >= edges[k + 1] and k < bins - 1:
                k += 1
            counts[k] += 1
    return counts, edges, outside, nonfinite


class Histogram(Mark):
    """Counts of values in equal bins, drawn as adjoining bars."""

    layer = 0
    sticky_y = (0.0,)

    def __init__(self, values, bins, value_range, label, colour):
        self.values, self.label, self.colour = values, label, colour
        self.counts, self.edges, outside, nonfinite = histogram_counts(values, bins,
                                                                       value_range)
        self._notes = []
        if nonfinite:
            self._notes.append("%s skipped" % plural(nonfinite, "non-finite value"))
        if outside:
            self._notes.append("%s outside the range left out" % plural(outside, "value"))

    def prepare(self, xlog, ylog):
        self.ylog = ylog

    def extent(self):
        counts = [c for c in self.counts if c > 0 or not self.ylog]
        return [self.edges[0], self.edges[-1]], counts + ([] if self.ylog else [0.0])

    @property
    def sticky_x(self):
        return (self.edges[0], self.edges[-1])

    def render(self, sx, sy):
        out = ['<g class="series histogram %s" data-series=%s data-edges="%s" '
               'data-counts="%s" fill="%s" stroke="#ffffff" stroke-width="0.5">'
               % (class_name(self.name), attr(self.name), numbers_attr(self.edges),
                  " ".join(map(str, self.counts)), self.colour)]
        base = sy(sy.lo if self.ylog else 0.0)
        for count, lo, hi in zip(self.counts, self.edges, self.edges[1:]):
            if count == 0:
                continue
            top = sy(count)
            out.append('<rect x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>'
                       % (fmt(sx(lo)), fmt(min(top, base)), fmt(max(0.0, sx(hi) - sx(lo))),
                          fmt(abs(base - top)), text("%g to %g: %d" % (lo, hi, count))))
        out.append("</g>")
        return out


class Bars(Mark):
    """One bar per value at x = 0, 1, 2 ..., each named by a label on the x axis."""

    layer = 0
    sticky_y = (0.0,)

    def __init__(self, values, labels, label, colour, highlight, highlight_colour):
        self.values, self.labels, self.label, self.colour = values, labels, label, colour
        self.highlight, self.highlight_colour = highlight, highlight_colour

    def prepare(self, xlog, ylog):
        self.ylog = ylog
        self.kept = [(i, v) for i, v in enumerate(self.values) if plottable(v, ylog)]
        bad = len(self.values) - len(self.kept)
        self._notes = ["%s not drawn" % plural(bad, "bar")] if bad else []

    def extent(self):
        n, ys = len(self.values), [v for _, v in self.kept]
        room = [1.1 * max(ys)] if ys and max(ys) > 0 else []    # for the values over the bars
        return [-0.5, n - 0.5], ys + room + ([] if self.ylog else [0.0])

    @property
    def sticky_x(self):
        return (-0.5, len(self.values) - 0.5)

    def ticks(self):
        return list(range(len(self.values))), self.labels

    def render(self, sx, sy):
        out = ['<g class="series bars %s" data-series=%s data-values="%s" fill="%s">'
               % (class_name(self.name), attr(self.name), numbers_attr(self.values), self.colour)]
        base = sy(sy.lo if self.ylog else 0.0)
        for i, v in self.kept:
            left, right, top = sx(i - 0.4), sx(i + 0.4), sy(v)
            colour = ' fill="%s"' % self.highlight_colour if i == self.highlight else ""
            out.append('<rect class="bar" data-index="%d" x="%s" y="%s" width="%s" height="%s"'
                       '%s><title>%s</title></rect>'
                       % (i, fmt(left), fmt(min(top, base)), fmt(right - left),
                          fmt(abs(base - top)), colour,
                          text("%s: %.4g" % (self.labels[i], v))))
            if right - left >= 7 * 4.5:
                out.append('<text class="bar-value" x="%s" y="%s" font-size="10" '
                           'text-anchor="middle" fill="#333333">%s</text>'
                           % (fmt((left + right) / 2), fmt(min(top, base) - 4),
                              text("%.3g" % v)))
        out.append("</g>")
        return out
