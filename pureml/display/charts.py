"""Charts as SVG: a Figure of Panels, each with axes, marks and a legend.

The vocabulary follows matplotlib's, so that a book's plotting lines have a
twin line by line::

    fig = Figure(columns=2, title="Optimizers")      # plt.figure()
    ax = fig.panel(title="SGD")                      # plt.subplot(2, 2, 1); plt.title("SGD")
    ax.line(xs, ys, "o-", color="red", label="SGD")  # plt.plot(xs, ys, "o-", color="red")
    ax.contour(f, grid_x, grid_y, levels=8)          # plt.contour(X, Y, Z)
    ax.xlim(-10, 10); ax.ylim(-10, 10)               # plt.xlim(-10, 10); plt.ylim(-10, 10)
    ax.xlabel("x"); ax.ylabel("y")                   # plt.xlabel("x"); plt.ylabel("y")
    fig.save("optimizers.svg")                       # plt.savefig(...), as SVG

A panel's marks are ``line`` (with a matplotlib format string such as
"k--" or "o-", ``dash``, ``markers`` and ``markevery``), ``scatter``,
``path`` (a list of points), ``contour``, ``arrows`` (a quiver),
``histogram`` and ``bars``; its settings are ``title``, ``xlabel``,
``ylabel``, ``xlim``, ``ylim``, ``xscale("log")``, ``yscale("log")``,
``xticks``, ``yticks``, ``grid`` and ``legend``.  Each returns the panel,
so calls can be chained.  Axes left unset fit the data, with 5% to spare.

``figure.svg()`` returns the SVG text and ``figure.save(path)`` writes it
atomically.  A Figure (or a Panel) in the last line of a notebook cell draws
itself: Jupyter calls its ``_repr_svg_``.  The drawing itself (ticks,
margins, the legend) is pureml.display.layout's.
"""

import math

from pureml.arguments import check_choice, check_count, check_number, check_positive
from pureml.display import layout
from pureml.display.contour import Contour, contour_levels
from pureml.display.marks import DASHES, MARKERS, Arrows, Bars, Histogram, Line
from pureml.display.svg import (COLOUR_LETTERS, PALETTE, Picture, check_colour, check_range,
                                check_text, check_values, document, fmt, text)
from pureml.errors import ArgumentError

__all__ = ["Figure", "Panel", "parse_format", "LEGEND_PLACES", "SCALES"]

#: Where a legend can go: under the panel (the default), in a corner, or nowhere.
LEGEND_PLACES = ("below", "upper right", "upper left", "lower right", "lower left", "none")

#: The kinds of axis.
SCALES = ("linear", "log")


def parse_format(fmt):
    """Return (colour, marker, dash, line) from a matplotlib format string like "ro-" or "k--".

    ``line`` is False when the string names a marker and no line style
    ("o" draws dots only), as in matplotlib.
    """
    if not isinstance(fmt, str):
        raise ArgumentError("a format must be a string such as 'o-' or 'k--', not %r" % (fmt,))
    rest, colour, marker, dash = fmt, None, None, None
    for style in ("--", "-.", "-", ":"):
        if style in rest:
            dash, rest = style, rest.replace(style, "", 1)
            break
    for c in rest:
        if c in COLOUR_LETTERS and colour is None:
            colour = COLOUR_LETTERS[c]
        elif c in MARKERS and marker is None:
            marker = c
        else:
            raise ArgumentError("format %r: %r is not a colour (bgrcmykw), a marker (%s) or "
                                "a line style (- -- : -.)" % (fmt, c, " ".join(MARKERS)))
    return colour, marker, dash or "-", dash is not None or marker is None


class Axis:
    """One axis' settings: linear or log, its limits, its ticks, its label."""

    def __init__(self, name):
        self.name = name
        self.scale = "linear"
        self.lim = None
        self.ticks = self.tick_labels = None
        self.domain = (None, None)
        self.label = None

    @property
    def log(self):
        return self.scale == "log"

    def set_lim(self, lo, hi):
        lo, hi = check_range((lo, hi), "%slim" % self.name)
        if self.log and lo <= 0:
            raise ArgumentError("%slim must be above 0 on a log axis, not (%r, %r)"
                                % (self.name, lo, hi))
        self.lim = (lo, hi)

    def set_scale(self, scale):
        self.scale = check_choice(scale, SCALES, "%sscale" % self.name)
        if self.log and self.lim and self.lim[0] <= 0:
            raise ArgumentError("%slim %r must be above 0 on a log axis" % (self.name, self.lim))

    def set_ticks(self, values, labels):
        values = check_values(values, "%sticks" % self.name)
        if labels is not None:
            if isinstance(labels, str) or len(list(labels)) != len(values):
                raise ArgumentError("%sticks: give one label per tick (%d), not %r"
                                    % (self.name, len(values), labels))
            labels = [str(label) for label in labels]
        self.ticks, self.tick_labels = values, labels


class Panel(Picture):
    """One plot: its marks, its two axes, its title and legend.  See the module's docstring.

    The keywords are the settings' (``title``, ``xlabel``, ``ylabel``,
    ``xlim``, ``ylim``, ``xscale``, ``yscale``, ``grid``, ``legend``), and
    ``name``, the panel's ``data-panel`` in the SVG (by default its number
    in the figure), and ``empty``, what the panel says when it has no marks.
    """

    def __init__(self, title=None, xlabel=None, ylabel=None, xlim=None, ylim=None,
                 xscale="linear", yscale="linear", grid=True, legend="below", name=None,
                 empty=None):
        self.x, self.y = Axis("x"), Axis("y")
        self.marks = []
        self._title = self._grid = self._legend = None
        self.name = check_text(name, "name")
        self.empty = check_text(empty, "empty") or "nothing to plot"
        self.title(title).xlabel(xlabel).ylabel(ylabel).xscale(xscale).yscale(yscale)
        self.grid(grid).legend(legend)
        if xlim is not None:
            self.xlim(xlim)
        if ylim is not None:
            self.ylim(ylim)

    # Settings.

    def title(self, label):
        """Set the panel's title (plt.title); return the panel."""
        self._title = check_text(label, "title")
        return self

    def xlabel(self, label):
        """Set the x axis' title (plt.xlabel); return the panel."""
        self.x.label = check_text(label, "xlabel")
        return self

    def ylabel(self, label):
        """Set the y axis' title (plt.ylabel); return the panel."""
        self.y.label = check_text(label, "ylabel")
        return self

    def xlim(self, lo, hi=None):
        """Show x from lo to hi (plt.xlim(lo, hi) or ([lo, hi])); marks beyond are cut off."""
        self.x.set_lim(*((lo, hi) if hi is not None else check_range(lo, "xlim")))
        return self

    def ylim(self, lo, hi=None):
        """Show y from lo to hi (plt.ylim(lo, hi) or ([lo, hi])); marks beyond are cut off."""
        self.y.set_lim(*((lo, hi) if hi is not None else check_range(lo, "ylim")))
        return self

    def xscale(self, scale):
        """Make the x axis "linear" or "log" (ax.set_xscale); return the panel."""
        self.x.set_scale(scale)
        return self

    def yscale(self, scale):
        """Make the y axis "linear" or "log" (ax.set_yscale); return the panel."""
        self.y.set_scale(scale)
        return self

    def xticks(self, values, labels=None):
        """Put x ticks at ``values`` (plt.xticks), labelled; [] hides them; return the panel."""
        self.x.set_ticks(values, labels)
        return self

    def yticks(self, values, labels=None):
        """Put y ticks at ``values`` (plt.yticks), labelled; [] hides them; return the panel."""
        self.y.set_ticks(values, labels)
        return self

    def xdomain(self, lo=None, hi=None):
        """Say x cannot lie outside [lo, hi] (epochs from 0): no ticks beyond; return the panel."""
        self.x.domain = tuple(None if v is None else check_number(v, "xdomain")
                              for v in (lo, hi))
        return self

    def ydomain(self, lo=None, hi=None):
        """Say y cannot lie outside [lo, hi] (accuracy 0 to 100%): no ticks beyond."""
        self.y.domain = tuple(None if v is None else check_number(v, "ydomain")
                              for v in (lo, hi))
        return self

    def grid(self, on=True):
        """Draw light gridlines at the ticks (the default), or not; return the panel."""
        if not isinstance(on, bool):
            raise ArgumentError("grid takes True or False, not %r" % (on,))
        self._grid = on
        return self

    def legend(self, loc="below"):
        """Place the legend (plt.legend(loc=...)): below, a corner, or "none"; return the panel."""
        self._legend = check_choice(loc, LEGEND_PLACES, "the legend's loc")
        return self

    # Marks.

    def line(self, xs, ys=None, fmt=None, *, label=None, color=None, dash=None, markers=None,
             markevery=None, width=2.0, note=None):
        """Draw ys against xs (plt.plot(xs, ys, fmt)); with one list, against 0, 1, 2 ...

        ``fmt`` is a matplotlib format string ("o-", "k--", "r+"); ``dash``
        a line style ("--" dashed, ":" dotted, "-." or True for dashed);
        ``markers`` a marker code (one of MARKERS), drawn at every
        ``markevery``-th point; ``note`` a remark for the legend (such as
        "smoothed"), or a list of them.  Return the panel.
        """
        if isinstance(ys, str) and fmt is None:
            ys, fmt = None, ys
        ys_given = ys is not None
        ys = check_values(ys if ys_given else xs, "line's ys")
        xs = check_values(xs, "line's xs") if ys_given else [float(i) for i in range(len(ys))]
        line = True
        if fmt is not None:
            fmt_colour, fmt_marker, fmt_dash, line = parse_format(fmt)
            color, markers = color or fmt_colour, markers or fmt_marker
            dash = dash or (fmt_dash if fmt_dash != "-" else None)
        notes = [] if note is None else [note] if isinstance(note, str) else list(note)
        return self._add_line(xs, ys, label, color, dash, markers, markevery, width, line,
                              [check_text(n, "note") for n in notes])

    def scatter(self, xs, ys, *, label=None, color=None, marker="o", width=2.0):
        """Draw a marker at each (x, y) (plt.scatter); return the panel."""
        return self._add_line(check_values(xs, "scatter's xs"), check_values(ys, "scatter's ys"),
                              label, color, None, marker, None, width, False, [])

    def path(self, points, fmt=None, **options):
        """Draw a path through ``points``, a list of (x, y) pairs; options as ``line``'s."""
        pairs = list(points) if not isinstance(points, (str, bytes)) else None
        if pairs is None or any(not hasattr(p, "__len__") or len(p) != 2 for p in pairs):
            raise ArgumentError("path's points must be a list of (x, y) pairs, not %r"
                                % (points,))
        return self.line([p[0] for p in pairs], [p[1] for p in pairs], fmt, **options)

    def _add_line(self, xs, ys, label, color, dash, markers, markevery, width, line, notes):
        if len(xs) != len(ys):
            raise ArgumentError("a line needs as many xs as ys, not %d and %d"
                                % (len(xs), len(ys)))
        if dash is True:
            dash = "--"
        dash = check_choice(dash or "-", tuple(DASHES), "dash")
        if markers is not None:
            check_choice(markers, MARKERS, "markers")
        if markevery is not None:
            markevery = check_count(markevery, "markevery", minimum=1)
        mark = Line(xs, ys, check_text(label, "label"), check_colour(color), dash, markers,
                    markevery, check_positive(width, "width"), line)
        mark.extra_notes = notes
        mark.integer_x = all(x == int(x) for x in xs if math.isfinite(x))
        return self._add(mark, "line" if line else "scatter")

    def contour(self, f, xs, ys, levels=None, *, color=None, label=None, width=1.5):
        """Draw contour lines of ``f`` over the grid xs x ys (plt.contour(X, Y, Z, levels)).

        ``f`` is a function f(x, y) or a list of rows, ``f[j][i]`` being the
        value at (xs[i], ys[j]).  ``levels`` is a list of values, a number
        of levels, or None for about seven.  Return the panel.
        """
        xs, ys = check_values(xs, "contour's xs"), check_values(ys, "contour's ys")
        for name, values in (("xs", xs), ("ys", ys)):
            if len(values) < 2 or any(not math.isfinite(v) for v in values) or \
                    any(b <= a for a, b in zip(values, values[1:])):
                raise ArgumentError("contour's %s must be at least two finite numbers in "
                                    "increasing order" % name)
        if callable(f):
            z = [check_values([f(x, y) for x in xs], "contour's f(x, y)") for y in ys]
        else:
            rows = f if isinstance(f, (list, tuple)) else None
            if rows is None or len(rows) != len(ys):
                raise ArgumentError("contour takes a function f(x, y) or %d rows of values "
                                    "(one per y), not %s" % (len(ys), type(f).__name__))
            z = [check_values(row, "contour's row %d" % j) for j, row in enumerate(rows)]
            if any(len(row) != len(xs) for row in z):
                raise ArgumentError("each row of contour's values must hold %d values, "
                                    "one per x" % len(xs))
        levels = self._levels(levels, z)
        return self._add(Contour(xs, ys, z, levels, check_text(label, "label"),
                                 check_colour(color), check_positive(width, "width")),
                         "contour")

    @staticmethod
    def _levels(levels, z):
        """Return contour levels: the given list sorted, or nice values inside the range of z."""
        if levels is None or isinstance(levels, int) and not isinstance(levels, bool):
            return contour_levels(7 if levels is None else check_count(levels, "levels", 1), z)
        levels = check_values(levels, "levels")
        if not levels or any(not math.isfinite(v) for v in levels):
            raise ArgumentError("levels must be finite numbers, a count, or None")
        return sorted(levels)

    def arrows(self, xs, ys, us, vs, *, scale=None, color="#444444", label=None, width=1.2):
        """Draw an arrow from each (x, y) along (u, v) (plt.quiver(X, Y, U, V)).

        Each arrow is (u, v) times ``scale`` long in the data's units; by
        default the longest fits in the space between neighbouring arrows.
        Return the panel.
        """
        values = [check_values(v, "arrows' %s" % n)
                  for n, v in (("xs", xs), ("ys", ys), ("us", us), ("vs", vs))]
        if len({len(v) for v in values}) != 1:
            raise ArgumentError("arrows need as many xs, ys, us and vs, not %s"
                                % ", ".join(str(len(v)) for v in values))
        if scale is not None:
            scale = check_positive(scale, "scale")
        return self._add(Arrows(*values, scale, check_text(label, "label"),
                                check_colour(color), check_positive(width, "width")), "arrows")

    def histogram(self, values, bins=10, range=None, *, label=None, color=None):
        """Draw the counts of ``values`` in ``bins`` equal bins over ``range`` (plt.hist)."""
        values = check_values(values, "histogram's values")
        bins = check_count(bins, "bins", minimum=1)
        if range is not None:
            range = check_range(range, "range")
        return self._add(Histogram(values, bins, range, check_text(label, "label"),
                                   check_colour(color)), "histogram")

    def bars(self, values, labels=None, *, label=None, color=None, highlight=None,
             highlight_color="#D55E00"):
        """Draw one bar per value (plt.bar), named by ``labels`` (0, 1, 2 ... by default).

        ``highlight`` is the index of a bar drawn in ``highlight_color``.
        """
        values = check_values(values, "bars' values")
        if not values:
            raise ArgumentError("bars need at least one value")
        labels = [str(i) for i in range(len(values))] if labels is None \
            else list(labels)
        if len(labels) != len(values):
            raise ArgumentError("bars need one label per value: %d values, %d labels"
                                % (len(values), len(labels)))
        if highlight is not None:
            highlight = check_count(highlight, "highlight")
            if highlight >= len(values):
                raise ArgumentError("highlight must be a bar's index, 0 to %d, not %d"
                                    % (len(values) - 1, highlight))
        return self._add(Bars(values, [str(label_) for label_ in labels],
                              check_text(label, "label"), check_colour(color), highlight,
                              check_colour(highlight_color, "highlight_color")), "bars")

    def _add(self, mark, kind):
        """Give ``mark`` its name and colour, add it, and return the panel."""
        mark.name = mark.label or "%s %d" % (kind, len(self.marks) + 1)
        if mark.colour is None and kind != "contour":
            cycled = sum(1 for m in self.marks if m.cycled)
            mark.colour, mark.cycled = PALETTE[cycled % len(PALETTE)], True
        self.marks.append(mark)
        return self

    # Drawing.

    def svg(self):
        """Return this panel alone as the text of an SVG file."""
        figure = Figure()
        figure.add(self)
        return figure.svg()


class Figure(Picture):
    """Panels side by side in ``columns``, row after row, under an optional title.

    ``width`` is the whole figure's in pixels (by default 640 for one
    column, 480 a column for two, up to 1200); ``height`` is each panel's
    plotting area's (by default a little over half a panel's width, 160 to
    400 pixels).
    """

    def __init__(self, columns=1, title=None, width=None, height=None):
        self.columns = check_count(columns, "columns", minimum=1)
        self.title = check_text(title, "title")
        if width is None:
            width = 640 if self.columns == 1 else min(1200, 480 * self.columns)
        self.width = check_positive(width, "width")
        cell = self.width / self.columns
        self.height = check_positive(height, "height") if height is not None else \
            max(160.0, min(400.0, round(0.55 * cell)))
        self.panels = []

    def panel(self, title=None, **settings):
        """Add a new Panel (plt.subplot) with ``title`` and Panel's settings; return it."""
        return self.add(Panel(title, **settings))

    def add(self, panel):
        """Add ``panel``; return it."""
        if not isinstance(panel, Panel):
            raise ArgumentError("a Figure holds Panels, not %s" % type(panel).__name__)
        self.panels.append(panel)
        return panel

    def svg(self):
        """Return the figure as the text of a standalone SVG file."""
        cell = self.width / self.columns
        top = 44.0 if self.title else 8.0
        body = []
        if self.title:
            body.append('<text class="title" x="%s" y="30" font-size="18" font-weight="bold" '
                        'text-anchor="middle" fill="#222222">%s</text>'
                        % (fmt(self.width / 2), text(self.title)))
        panels = self.panels
        for start in range(0, len(panels), self.columns):
            row = panels[start:start + self.columns]
            plans = [layout.plan(p, cell, self.height, start + k + 1) for k, p in enumerate(row)]
            row_plan = layout.align(plans)
            for k, plan in enumerate(plans):
                body.extend(layout.render(plan, row_plan, k * cell, top))
            top += row_plan.height
        return document(self.width, top + 4, self.title, body)
