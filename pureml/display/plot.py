"""Training curves as a standalone SVG file, drawn with the standard library.

Seed 004 ends with two matplotlib plots side by side: accuracy per epoch on
the left, cost on the right.  ``training_curves`` writes the same figure as
an SVG that any web browser opens, with no plotting library at all.

The SVG is plain text built here by hand.  Each series is one ``<polyline>``
that carries ``data-series="NAME"``, the class ``series``, and its points in
the ``points`` attribute (in SVG pixel coordinates, left to right), so that
tests, and curious learners, can find the numbers again.  The panels are
``<g>`` elements with ``data-panel="accuracy"`` and ``data-panel="cost"``.

Values that are NaN or infinite (a run that diverged), or beyond 1e100 in
size, are left out of the lines and counted in the legend.  Cost recorded per mini-batch can hold
hundreds of thousands of values; beyond ``MAX_POINTS`` they are averaged in
equal runs of consecutive mini-batches, and the legend says how many.
"""

import collections
import math
import numbers
import re
from xml.sax.saxutils import escape, quoteattr

from pureml.data.fileio import atomic_write_text
from pureml.errors import ArgumentError

__all__ = ["ArgumentError", "MAX_POINTS", "PALETTE", "render_svg", "training_curves"]

#: The most points one polyline gets; longer series are averaged down.
MAX_POINTS = 2000

#: Okabe and Ito's colour-blind-safe palette (yellow left out: too pale on white).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")

_COST_UNITS = ("epoch", "mini-batch")
_HUGE = 1e100              # larger values are left out: their differences overflow
_Thinned = collections.namedtuple("_Thinned", "points bucket nonfinite huge")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PLURAL = {"epoch": "epochs", "mini-batch": "mini-batches"}

# Layout, in SVG pixels.
_WIDTH = 960
_PANEL_WIDTH = _WIDTH // 2
_MARGIN_LEFT = 74          # room for y tick labels and the y axis title
_MARGIN_RIGHT = 22
_PLOT_TOP = 80
_PLOT_HEIGHT = 260
_LEGEND_LINE = 18
_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
_TICK_FONT_SIZE = 11
_MARKER_LIMIT = 60         # series with at most this many points get dots too


def render_svg(accuracy=None, cost=None, *, title="Training curves", cost_unit="epoch"):
    """Return the training-curves figure as the text of a standalone SVG.

    ``accuracy`` maps a series name (such as ``"training"``, ``"validation"``
    or ``"test"``) to a list of accuracies per epoch, as fractions in
    [0, 1]; they are drawn as percentages.  ``cost`` maps a series name to a
    list of costs, one per epoch, or one per mini-batch when ``cost_unit``
    is ``"mini-batch"``.  Epochs (and mini-batches) are numbered from 0, as
    the seed prints them.  Either mapping may be None or empty, and then its
    panel says "not monitored".  NaN and infinite values are skipped, and
    so are values beyond 1e100 in size, whose differences could overflow.

    Raises ``ArgumentError`` (a ``ValueError``) when a mapping is not a mapping,
    a series is not a list of real numbers, an accuracy lies outside [0, 1]
    or ``cost_unit`` is unknown.
    """
    if not isinstance(title, str):
        raise ArgumentError("title must be a string, not %s" % type(title).__name__)
    if cost_unit not in _COST_UNITS:
        raise ArgumentError("cost_unit must be %s, not %r"
                        % (" or ".join(repr(u) for u in _COST_UNITS), cost_unit))
    acc_series = _check_series("accuracy", accuracy)
    cost_series = _check_series("cost", cost)
    for name, values in acc_series:
        for i, v in enumerate(values):
            if math.isfinite(v) and not 0.0 <= v <= 1.0:
                raise ArgumentError(
                    "accuracy series %r has %r at epoch %d; expected a fraction in "
                    "[0, 1] (the number correct divided by the number of images)"
                    % (name, v, i))

    colours = {}
    for name, _ in acc_series + cost_series:
        if name not in colours:
            colours[name] = PALETTE[len(colours) % len(PALETTE)]

    acc_panel = _Panel(
        key="accuracy", heading="Accuracy", x_title="Epoch", y_title="Accuracy (%)",
        series=[(name, [100.0 * v for v in values]) for name, values in acc_series],
        y_domain=(0.0, 100.0), x_unit="epoch", colours=colours)
    cost_panel = _Panel(
        key="cost", heading="Cost per %s" % cost_unit,
        x_title="Epoch" if cost_unit == "epoch" else "Mini-batch", y_title="Cost",
        series=cost_series, y_domain=None, x_unit=cost_unit, colours=colours)

    legend_lines = max(1, acc_panel.legend_line_count(), cost_panel.legend_line_count())
    height = _PLOT_TOP + _PLOT_HEIGHT + 62 + _LEGEND_LINE * legend_lines
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
        'viewBox="0 0 %d %d" font-family=%s>' % (_WIDTH, height, _WIDTH, height,
                                                 quoteattr(_FONT)),
        "<title>%s</title>" % _text(title),
        '<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>' % (_WIDTH, height),
        '<text class="title" x="%d" y="32" font-size="18" font-weight="bold" '
        'text-anchor="middle" fill="#222222">%s</text>' % (_WIDTH // 2, _text(title)),
    ]
    out.extend(acc_panel.render(0))
    out.extend(cost_panel.render(_PANEL_WIDTH))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def training_curves(path, accuracy=None, cost=None, *, title="Training curves",
                    cost_unit="epoch"):
    """Write the training-curves SVG to ``path`` atomically and return ``path``.

    The arguments are those of ``render_svg``: a mapping of series name to
    accuracy fractions per epoch, a mapping of series name to costs (per
    epoch or per mini-batch, as ``cost_unit`` says), and the figure's title.
    The file is complete or absent, never half written.
    """
    text = render_svg(accuracy, cost, title=title, cost_unit=cost_unit)
    atomic_write_text(path, text)
    return path


def _check_series(what, mapping):
    """Return ``[(name, [float, ...]), ...]`` from a mapping of series, checked."""
    if mapping is None:
        return []
    if not hasattr(mapping, "items"):
        raise ArgumentError("%s must be a dict mapping a series name to a list of values, "
                        "not %s" % (what, type(mapping).__name__))
    checked = []
    for name, values in mapping.items():
        name = str(name)
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise ArgumentError("%s series %r must be a list of numbers, not %s"
                            % (what, name, type(values).__name__))
        floats = []
        for i, v in enumerate(values):
            if not isinstance(v, numbers.Real):
                raise ArgumentError("%s series %r has %r at index %d; expected a real number"
                                % (what, name, v, i))
            floats.append(float(v))
        checked.append((name, floats))
    return checked


def _plottable(v):
    """Return True when ``v`` is finite and small enough to do arithmetic on safely."""
    return math.isfinite(v) and abs(v) <= _HUGE


def _thin(values, limit=MAX_POINTS):
    """Return a ``_Thinned`` summary of one series, ready to draw.

    Its ``points`` are ``(x, y)`` pairs, ``x`` being the index in
    ``values``, for the values that are finite and at most 1e100 in size.
    Past ``limit`` values, consecutive runs of ``bucket`` values are
    averaged into one point at the mean of their indices.  ``nonfinite``
    and ``huge`` count the values left out.
    """
    nonfinite = sum(1 for v in values if not math.isfinite(v))
    huge = sum(1 for v in values if math.isfinite(v) and abs(v) > _HUGE)
    n = len(values)
    if n <= limit:
        points = [(i, v) for i, v in enumerate(values) if _plottable(v)]
        return _Thinned(points, 1, nonfinite, huge)
    bucket = -(-n // limit)
    points = []
    for start in range(0, n, bucket):
        xs, ys = [], []
        for i in range(start, min(start + bucket, n)):
            if _plottable(values[i]):
                xs.append(i)
                ys.append(values[i])
        if ys:
            points.append((sum(xs) / len(xs), math.fsum(ys) / len(ys)))
    return _Thinned(points, bucket, nonfinite, huge)


def _nice_step(span, max_ticks, minimum=0.0):
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


def _ticks(lo, hi, step):
    """Return the multiples of ``step`` within [lo, hi]."""
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)]


def _tick_label(value, step):
    """Return ``value`` formatted with just the decimals that ``step`` needs."""
    if abs(value) < step * 1e-6:
        value = 0.0
    decimals = max(0, -int(math.floor(math.log10(step) + 1e-9)))
    text = "%.*f" % (decimals, value)
    if len(text) > 7:  # too wide beside the axis: 2e-05, 1.5e+08
        text = "%.3g" % value
    return text


def _text_width(text, size):
    """Return a rough width in pixels of ``text`` in a sans-serif font of ``size``."""
    return 0.62 * size * len(text)


def _fmt(v):
    """Return a pixel coordinate as short text."""
    text = "%.2f" % v
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _padded_range(lo, hi, flat_pad):
    """Return ``(lo, hi)`` widened by 5% each side, or by ``flat_pad`` when lo == hi."""
    if hi > lo:
        pad = 0.05 * (hi - lo)
    else:
        pad = flat_pad(lo)
    return lo - pad, hi + pad


class _Panel:
    """One of the two plots: its series, axes and legend, drawn at an x offset."""

    def __init__(self, key, heading, x_title, y_title, series, y_domain, x_unit, colours):
        self.key = key
        self.heading = heading
        self.x_title = x_title
        self.y_title = y_title
        self.series = series
        self.y_domain = y_domain
        self.x_unit = x_unit
        self.colours = colours
        self.thinned = [(name, _thin(values)) for name, values in series]
        self.legends = [self._legend_lines(name, t) for name, t in self.thinned]

    def legend_line_count(self):
        """Return how many text lines this panel's legend takes."""
        return sum(len(lines) for lines in self.legends)

    def render(self, offset):
        """Return the SVG lines of this panel, its left edge at x = ``offset``."""
        left = offset + _MARGIN_LEFT
        width = _PANEL_WIDTH - _MARGIN_LEFT - _MARGIN_RIGHT
        top, height = _PLOT_TOP, _PLOT_HEIGHT
        bottom = top + height
        out = ['<g class="panel %s" data-panel="%s">' % (self.key, self.key)]
        out.append('<text class="panel-title" x="%s" y="%d" font-size="14" '
                   'font-weight="bold" text-anchor="middle" fill="#222222">%s</text>'
                   % (_fmt(left + width / 2), top - 12, _text(self.heading)))

        thinned = self.thinned
        all_points = [p for _, t in thinned for p in t.points]

        if all_points:
            xs = [p[0] for p in all_points]
            ys = [p[1] for p in all_points]
            x_lo, x_hi = _padded_range(min(xs), max(xs), lambda v: 0.5)
            y_lo, y_hi = _padded_range(min(ys), max(ys),
                                       lambda v: abs(v) * 0.05 if v else 1.0)
            if self.y_domain is not None:
                # Never pad past the domain by more than the padding itself.
                y_lo = max(y_lo, self.y_domain[0] - 0.05 * (y_hi - y_lo))
                y_hi = min(y_hi, self.y_domain[1] + 0.05 * (y_hi - y_lo))

            def px(x):
                return left + (x - x_lo) / (x_hi - x_lo) * width

            def py(y):
                return bottom - (y - y_lo) / (y_hi - y_lo) * height

            out.extend(self._grid_and_ticks(left, width, top, bottom, x_lo, x_hi,
                                            y_lo, y_hi, px, py))
        else:
            message = "%s not monitored" % self.heading.split()[0].lower()
            if any(t.nonfinite or t.huge for _, t in thinned):
                message = "no finite values to plot"
            elif self.series:
                message = "no values to plot yet"
            out.append('<text class="empty" x="%s" y="%s" font-size="14" '
                       'font-style="italic" text-anchor="middle" fill="#777777">%s</text>'
                       % (_fmt(left + width / 2), _fmt(top + height / 2 + 5),
                          _text(message)))
            px = py = None

        out.append('<rect class="frame" x="%s" y="%d" width="%s" height="%d" '
                   'fill="none" stroke="#333333" stroke-width="1"/>'
                   % (_fmt(left), top, _fmt(width), height))
        out.append('<text class="axis-title" x="%s" y="%d" font-size="12" '
                   'text-anchor="middle" fill="#222222">%s</text>'
                   % (_fmt(left + width / 2), bottom + 40, _text(self.x_title)))
        y_mid = top + height / 2
        out.append('<text class="axis-title" x="%d" y="%s" font-size="12" '
                   'text-anchor="middle" fill="#222222" '
                   'transform="rotate(-90 %d %s)">%s</text>'
                   % (offset + 18, _fmt(y_mid), offset + 18, _fmt(y_mid),
                      _text(self.y_title)))

        for name, t in thinned:
            out.extend(self._series(name, t.points, px, py))

        y = bottom + 62
        for (name, _), lines in zip(thinned, self.legends):
            out.extend(self._legend_entry(name, y, left, lines))
            y += _LEGEND_LINE * len(lines)
        out.append("</g>")
        return out

    def _grid_and_ticks(self, left, width, top, bottom, x_lo, x_hi, y_lo, y_hi, px, py):
        """Return the SVG lines of gridlines, tick marks and tick labels."""
        out = ['<g class="grid" stroke="#e0e0e0" stroke-width="1">']
        # x ticks: integers only (epochs, mini-batches), never negative; as many
        # as fit without their labels touching.
        widest = max(len("%d" % abs(math.floor(x_lo))), len("%d" % math.ceil(x_hi)))
        label_room = _text_width("0" * widest, _TICK_FONT_SIZE) + 14
        x_step = _nice_step(x_hi - x_lo, int(width // label_room), minimum=1.0)
        x_ticks = [x for x in _ticks(x_lo, x_hi, x_step) if x >= 0]
        y_step = _nice_step(y_hi - y_lo, 7)
        y_ticks = _ticks(y_lo, y_hi, y_step)
        if self.y_domain is not None:
            d_lo, d_hi = self.y_domain
            y_ticks = [y for y in y_ticks if d_lo - 1e-9 <= y <= d_hi + 1e-9]
        for x in x_ticks:
            out.append('<line x1="%s" y1="%d" x2="%s" y2="%d"/>'
                       % (_fmt(px(x)), top, _fmt(px(x)), bottom))
        for y in y_ticks:
            out.append('<line x1="%s" y1="%s" x2="%s" y2="%s"/>'
                       % (_fmt(left), _fmt(py(y)), _fmt(left + width), _fmt(py(y))))
        out.append("</g>")
        out.append('<g class="ticks" stroke="#333333" stroke-width="1">')
        for x in x_ticks:
            out.append('<line x1="%s" y1="%d" x2="%s" y2="%d"/>'
                       % (_fmt(px(x)), bottom, _fmt(px(x)), bottom + 5))
        for y in y_ticks:
            out.append('<line x1="%s" y1="%s" x2="%s" y2="%s"/>'
                       % (_fmt(left - 5), _fmt(py(y)), _fmt(left), _fmt(py(y))))
        out.append("</g>")
        out.append('<g class="tick-labels" font-size="%d" fill="#333333">' % _TICK_FONT_SIZE)
        for x in x_ticks:
            out.append('<text class="x-tick" x="%s" y="%d" text-anchor="middle">%s</text>'
                       % (_fmt(px(x)), bottom + 18, _text(_tick_label(x, x_step))))
        for y in y_ticks:
            out.append('<text class="y-tick" x="%s" y="%s" text-anchor="end">%s</text>'
                       % (_fmt(left - 8), _fmt(py(y) + 4), _text(_tick_label(y, y_step))))
        out.append("</g>")
        return out

    def _series(self, name, points, px, py):
        """Return the SVG lines of one series: its polyline, and dots when short."""
        colour = self.colours[name]
        coords = ""
        if points and px is not None:
            coords = " ".join("%s,%s" % (_fmt(px(x)), _fmt(py(y))) for x, y in points)
        out = ['<polyline class="series %s" data-series=%s points="%s" fill="none" '
               'stroke="%s" stroke-width="2" stroke-linejoin="round" '
               'stroke-linecap="round"><title>%s</title></polyline>'
               % (_class_name(name), _attr(name), coords, colour,
                  _text("%s %s" % (name, self.key)))]
        if points and px is not None and len(points) <= _MARKER_LIMIT:
            out.append('<g class="markers" fill="%s">' % colour)
            for x, y in points:
                out.append('<circle cx="%s" cy="%s" r="2.5"/>' % (_fmt(px(x)), _fmt(py(y))))
            out.append("</g>")
        return out

    def _legend_lines(self, name, thinned):
        """Return the text lines of one legend entry: the name, then any notes.

        Notes say how a long series was averaged and how many values were
        skipped; they share the name's line when it has room for them.
        """
        notes = []
        if thinned.bucket > 1:
            notes.append("each point: mean of %d %s"
                         % (thinned.bucket, _PLURAL[self.x_unit]))
        if not (thinned.points or thinned.nonfinite or thinned.huge):
            notes.append("no values")
        for count, what in ((thinned.nonfinite, "non-finite value%s"),
                            (thinned.huge, "value%s beyond 1e100")):
            if count:
                notes.append(("%d " + what + " skipped") % (count, "" if count == 1 else "s"))
        if not notes:
            return [name]
        room = _PANEL_WIDTH - _MARGIN_LEFT - 34
        one_line = "%s (%s)" % (name, "; ".join(notes))
        if _text_width(one_line, 12) <= room:
            return [one_line]
        return [name] + ["(%s)" % note for note in notes]

    def _legend_entry(self, name, y, left, lines):
        """Return the SVG lines of one legend entry: a line sample and its text."""
        colour = self.colours[name]
        out = [
            '<g class="legend-entry" data-legend=%s>' % _attr(name),
            '<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>'
            % (_fmt(left), _fmt(y - 4), _fmt(left + 26), _fmt(y - 4), colour),
        ]
        for k, line in enumerate(lines):
            out.append('<text class="legend" x="%s" y="%s" font-size="12" '
                       'fill="%s">%s</text>'
                       % (_fmt(left + 34), _fmt(y + k * _LEGEND_LINE),
                          "#222222" if k == 0 else "#555555", _text(line)))
        out.append("</g>")
        return out


def _text(text):
    """Return ``text`` escaped for XML, without the control characters XML forbids."""
    return escape(_XML_FORBIDDEN.sub("", text))


def _attr(text):
    """Return ``text`` as a quoted, escaped XML attribute value."""
    return quoteattr(_XML_FORBIDDEN.sub("", text))


def _class_name(name):
    """Return ``name`` as a CSS class: lower case letters, digits and dashes."""
    chars = [c if c.isalnum() and c.isascii() else "-" for c in name.lower()]
    return "series-" + ("".join(chars).strip("-") or "unnamed")
