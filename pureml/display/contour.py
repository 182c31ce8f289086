"""Contour lines of a function on a grid, found by marching squares.

Each square of the grid whose corners lie on both sides of a level holds a
short segment between the two points where the level crosses its edges,
found by linear interpolation between the corners' values.  The segments
of one level together are its contour line, drawn as one ``<path
class="level" data-level="LEVEL">`` inside the mark's ``<g class="series
contour">``, whose ``data-levels`` lists the levels.  A grid of about 100 x
100 points draws smooth lines; a finer one only makes the file larger.
"""

import math

from pureml.display.marks import Mark, plural
from pureml.display.svg import attr, class_name, fmt, linear_ticks, numbers_attr, plottable, text

__all__ = ["Contour", "contour_segments", "contour_levels"]

#: A ramp for contour levels, low to high (samples of matplotlib's viridis).
_RAMP = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (189, 223, 38))


def contour_segments(xs, ys, z, level):
    """Return the segments ((x1, y1), (x2, y2)) of the contour line ``z == level``.

    ``z[j][i]`` is the function's value at (xs[i], ys[j]).  A square with a
    non-finite corner is left out.  Where a square's corners alternate
    (a saddle), its centre's value (the mean of the four) decides which
    corners the lines cut off.
    """
    segments = []
    for j in range(len(ys) - 1):
        y0, y1 = ys[j], ys[j + 1]
        row, above_row = z[j], z[j + 1]
        for i in range(len(xs) - 1):
            x0, x1 = xs[i], xs[i + 1]
            # corners a (x0, y0), b (x1, y0), c (x1, y1), d (x0, y1); edges 0 a-b, 1 b-c,
            # 2 c-d, 3 d-a
            a, b, c, d = row[i], row[i + 1], above_row[i + 1], above_row[i]
            up = (a > level, b > level, c > level, d > level)
            if all(up) or not any(up):
                continue
            if not all(math.isfinite(v) for v in (a, b, c, d)):
                continue
            corners = ((x0, y0, a), (x1, y0, b), (x1, y1, c), (x0, y1, d))
            crossing = {}
            for e in range(4):
                (xa, ya, za), (xb, yb, zb) = corners[e], corners[(e + 1) % 4]
                if (za > level) != (zb > level):
                    t = (level - za) / (zb - za)
                    crossing[e] = (xa + t * (xb - xa), ya + t * (yb - ya))
            if len(crossing) == 2:
                p, q = crossing.values()
                segments.append((p, q))
            else:                   # a saddle: cut off the corners unlike the centre
                centre = (a + b + c + d) / 4.0 > level
                for k, (e1, e2) in enumerate(((3, 0), (0, 1), (1, 2), (2, 3))):
                    if up[k] != centre:
                        segments.append((crossing[e1], crossing[e2]))
    return segments


def _ramp(t):
    """Return the colour at t (0 to 1) along the contour ramp, as #rrggbb."""
    t = min(1.0, max(0.0, t)) * (len(_RAMP) - 1)
    k = min(int(t), len(_RAMP) - 2)
    f = t - k
    return "#%02x%02x%02x" % tuple(int(round(p + f * (q - p)))
                                   for p, q in zip(_RAMP[k], _RAMP[k + 1]))


class Contour(Mark):
    """Contour lines of a function on a grid: one path per level."""

    layer = 0

    def __init__(self, xs, ys, z, levels, label, colour, width):
        self.xs, self.ys, self.z, self.levels = xs, ys, z, levels
        self.label, self.colour, self.width = label, colour, width
        self.lines = [(level, contour_segments(xs, ys, z, level)) for level in levels]
        bad = sum(1 for row in z for v in row if not math.isfinite(v))
        self._notes = ["%s left out" % plural(bad, "non-finite grid value")] if bad else []

    def prepare(self, xlog, ylog):
        self.keep = lambda p: plottable(p[0], xlog) and plottable(p[1], ylog)

    def extent(self):
        return [self.xs[0], self.xs[-1]], [self.ys[0], self.ys[-1]]

    @property
    def sticky_x(self):
        return (self.xs[0], self.xs[-1])

    @property
    def sticky_y(self):
        return (self.ys[0], self.ys[-1])

    def level_colour(self, k):
        """Return the colour of the k-th level."""
        if self.colour:
            return self.colour
        return _ramp(k / (len(self.levels) - 1) if len(self.levels) > 1 else 0.5)

    def render(self, sx, sy):
        out = ['<g class="series contour %s" data-series=%s data-levels="%s" fill="none" '
               'stroke-width="%s" stroke-linecap="round">'
               % (class_name(self.name), attr(self.name), numbers_attr(self.levels),
                  fmt(self.width))]
        for k, (level, segments) in enumerate(self.lines):
            d = "".join("M%s %sL%s %s" % (fmt(sx(p[0])), fmt(sy(p[1])), fmt(sx(q[0])),
                                          fmt(sy(q[1])))
                        for p, q in segments if self.keep(p) and self.keep(q))
            out.append('<path class="level" data-level="%r" stroke="%s" d="%s">'
                       '<title>%s</title></path>'
                       % (level, self.level_colour(k), d, text("%s = %g" % (self.name, level))))
        out.append("</g>")
        return out

    def swatch(self, x, y):
        return ['<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>'
                % (fmt(x), fmt(y), fmt(x + 26), fmt(y), self.level_colour(len(self.levels) // 2))]


def contour_levels(count, z):
    """Return about ``count`` nice levels strictly inside the range of the grid's values z."""
    finite = [v for row in z for v in row if math.isfinite(v)]
    if not finite or min(finite) == max(finite):
        return finite[:1]
    lo, hi = min(finite), max(finite)
    ticks, _ = linear_ticks(lo, hi, count + 1)
    return [t for t in ticks if lo < t < hi] or [(lo + hi) / 2]
