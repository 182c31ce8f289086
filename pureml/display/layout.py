"""How a Panel is drawn: its ranges, ticks, margins, frame, marks and legend.

``plan`` works out everything that depends on one panel alone: the axes'
ranges (set, or fitted to the marks with 5% to spare, stopping at edges
such as a histogram's 0), the ticks, the margins their labels need, and
the legend's lines.  ``align`` makes the panels of one row of a Figure
share their top, bottom and legend space, so that their plots line up.
``render`` writes the SVG.

What the SVG holds, for a reader or a test: each panel is a ``<g
class="panel" data-panel="NAME">``; its plotting area is the ``<rect
class="frame">``; tick labels are ``<text class="x-tick">`` (and
``y-tick``) with the tick's value in ``data-value``; the titles are of
class ``panel-title`` and ``axis-title``; each legend entry is a ``<g
class="legend-entry" data-legend="NAME">`` with ``<text class="legend">``
lines; a panel with nothing to draw says why in a ``<text class="empty">``.
"""

import math
import textwrap

from pureml.display.svg import (ID, Scale, attr, fmt, linear_ticks, log_tick_label,
                                log_ticks, text, text_width, tick_label)

__all__ = ["plan", "align", "render"]

_TICK_FONT = 11
_LEGEND_LINE = 18


class Plan:
    """What ``plan`` works out for one panel (a plain record of attributes)."""


class RowPlan:
    """The space the panels of one row share: top, bottom and legend heights."""

    def __init__(self, top, plot_h, bottom, legend):
        self.top, self.plot_h, self.bottom, self.legend = top, plot_h, bottom, legend
        self.height = top + plot_h + bottom + legend + 16


def _fit(axis, values, sticky):
    """Return the (lo, hi) an axis shows: its limits, or the values' range padded by 5%."""
    if axis.lim is not None:
        return axis.lim
    if not values:
        return None
    log = axis.log
    lo, hi = min(values), max(values)
    a, b = (math.log10(lo), math.log10(hi)) if log else (lo, hi)
    if b > a:
        pad = 0.05 * (b - a)
    else:
        pad = 0.5 if log or a == 0 else 0.05 * abs(a)
    a2, b2 = a - pad, b + pad
    for s in sticky:
        if log and s <= 0:
            continue
        s = math.log10(s) if log else s
        if a2 < s <= a:
            a2 = s
        if b <= s < b2:
            b2 = s
    return (10.0 ** a2, 10.0 ** b2) if log else (a2, b2)


def _auto_ticks(axis, lo, hi, max_ticks, integer):
    """Return (values, labels) of an axis' ticks chosen from its range."""
    if axis.log:
        values = log_ticks(lo, hi, max_ticks)
        labels = [log_tick_label(v) for v in values]
    else:
        values, step = linear_ticks(lo, hi, max_ticks, integer)
        labels = [tick_label(v, step) for v in values]
    d_lo, d_hi = axis.domain
    keep = [(v, t) for v, t in zip(values, labels)
            if (d_lo is None or v >= d_lo - 1e-9) and (d_hi is None or v <= d_hi + 1e-9)]
    return [v for v, _ in keep], [t for _, t in keep]


def _ticks(axis, lo, hi, room, integer, categories, along):
    """Return (values, labels) for an axis: the ones set, the marks' categories, or nice ones.

    ``room`` is the axis' length in pixels; along x (``along="x"``) as many
    ticks are chosen as fit without their labels touching.
    """
    if axis.ticks is not None:
        labels = axis.tick_labels or ["%g" % v for v in axis.ticks]
        inside = [(v, t) for v, t in zip(axis.ticks, labels) if lo - 1e-9 <= v <= hi + 1e-9]
        return [v for v, _ in inside], [t for _, t in inside]
    if categories is not None and along == "x":
        values, labels = categories
        widest = max(text_width(t, _TICK_FONT) for t in labels) + 8
        every = max(1, math.ceil(widest * len(values) / max(room, 1.0)))
        return values[::every], labels[::every]
    if along == "y":
        return _auto_ticks(axis, lo, hi, max(2, int(room // 36)), False)
    max_ticks = max(2, int(room // 40))
    while True:
        values, labels = _auto_ticks(axis, lo, hi, max_ticks, integer)
        widest = max((text_width(t, _TICK_FONT) for t in labels), default=0) + 16
        if len(values) * widest <= room or max_ticks <= 2:
            return values, labels
        max_ticks -= 1


def _empty_message(panel):
    """Return what a panel with nothing to draw says."""
    if not panel.marks:
        return panel.empty
    if all(m.notes() in ([], ["no values"]) for m in panel.marks):
        return "no values to plot yet"
    return "no finite values to plot"


def _legend_entries(panel, room):
    """Return [(mark, lines)] for the legend: labelled marks, and any with notes."""
    entries = []
    for mark in panel.marks:
        notes = mark.notes()
        if mark.label is None and not notes:
            continue
        one_line = "%s (%s)" % (mark.name, "; ".join(notes)) if notes else mark.name
        if not notes or text_width(one_line, 12) <= room:
            entries.append((mark, [one_line]))
        else:
            chars = max(12, int(room / text_width("m", 12)))
            lines = [mark.name]
            for note in notes:
                lines.extend(textwrap.wrap("(%s)" % note, chars))
            entries.append((mark, lines))
    return entries


def plan(panel, cell_w, plot_h, index):
    """Return the Plan of ``panel`` drawn in a cell ``cell_w`` wide, its plot ``plot_h`` high."""
    p = Plan()
    p.panel, p.index, p.cell_w, p.plot_h = panel, index, cell_w, plot_h
    xs, ys, sticky_x, sticky_y = [], [], [], []
    categories = None
    for mark in panel.marks:
        mark.prepare(panel.x.log, panel.y.log)
        mx, my = mark.extent()
        if mx and my:
            xs.extend(mx)
            ys.extend(my)
            sticky_x.extend(mark.sticky_x)
            sticky_y.extend(mark.sticky_y)
        categories = categories or mark.ticks()
    p.xrange = _fit(panel.x, xs, sticky_x)
    p.yrange = _fit(panel.y, ys, sticky_y)
    p.axes = p.xrange is not None or p.yrange is not None
    p.categorical = categories is not None and panel.x.ticks is None
    p.message = None if xs else _empty_message(panel)
    if p.axes:
        p.xrange = p.xrange or ((1.0, 10.0) if panel.x.log else (0.0, 1.0))
        p.yrange = p.yrange or ((1.0, 10.0) if panel.y.log else (0.0, 1.0))
        p.yticks = _ticks(panel.y, *p.yrange, plot_h, False, None, "y")
    else:
        p.yticks = ([], [])
    widest = max((text_width(t, _TICK_FONT) for t in p.yticks[1]), default=0)
    p.left = 12 + (22 if panel.y.label else 0) + widest + (10 if widest else 0)
    p.plot_w = max(40.0, cell_w - p.left - 18)
    if p.axes:
        integer = bool(panel.marks) and all(m.integer_x for m in panel.marks)
        p.xticks = _ticks(panel.x, *p.xrange, p.plot_w, integer, categories, "x")
    else:
        p.xticks = ([], [])
    p.top = 30 if panel._title else 12
    p.bottom = 8 + (18 if p.xticks[0] else 0) + (22 if panel.x.label else 0)
    p.legend_place = panel._legend
    p.legend = _legend_entries(panel, cell_w - p.left - 34 if p.legend_place in ("below", "none")
                               else p.plot_w - 58)
    if not p.legend:
        p.legend_place = "none"
    if p.legend and p.legend_place == "none" and any(m.notes() for m, _ in p.legend):
        p.legend_place = "below"        # what was left out is always said
    p.legend_lines = sum(len(lines) for _, lines in p.legend) \
        if p.legend_place == "below" else 0
    return p


def align(plans):
    """Return the RowPlan the panels of one row share."""
    lines = max(p.legend_lines for p in plans)
    return RowPlan(max(p.top for p in plans), plans[0].plot_h, max(p.bottom for p in plans),
                   _LEGEND_LINE * lines + (8 if lines else 0))


def render(p, row, x0, y0):
    """Return the SVG lines of the panel planned as ``p``, its cell's corner at (x0, y0)."""
    panel = p.panel
    left, top, width, height = x0 + p.left, y0 + row.top, p.plot_w, row.plot_h
    bottom = top + height
    name = panel.name or str(p.index)
    out = ['<g class="panel" data-panel=%s>' % attr(name)]
    if panel._title:
        out.append('<text class="panel-title" x="%s" y="%s" font-size="14" font-weight="bold" '
                   'text-anchor="middle" fill="#222222">%s</text>'
                   % (fmt(left + width / 2), fmt(top - 10), text(panel._title)))
    sx = sy = None
    if p.axes:
        sx = Scale(p.xrange[0], p.xrange[1], left, left + width, panel.x.log)
        sy = Scale(p.yrange[0], p.yrange[1], bottom, top, panel.y.log)
        out.extend(_axes(p, sx, sy, left, top, width, bottom))
    if p.message:
        out.append('<text class="empty" x="%s" y="%s" font-size="14" font-style="italic" '
                   'text-anchor="middle" fill="#777777">%s</text>'
                   % (fmt(left + width / 2), fmt(top + height / 2 + 5), text(p.message)))
    out.append('<rect class="frame" x="%s" y="%s" width="%s" height="%s" fill="none" '
               'stroke="#333333" stroke-width="1"/>' % (fmt(left), fmt(top), fmt(width),
                                                         fmt(height)))
    if panel.x.label:
        out.append('<text class="axis-title" x="%s" y="%s" font-size="12" text-anchor="middle" '
                   'fill="#222222">%s</text>' % (fmt(left + width / 2),
                                                 fmt(bottom + (38 if p.xticks[0] else 20)),
                                                 text(panel.x.label)))
    if panel.y.label:
        ty, tx = fmt(top + height / 2), fmt(x0 + 16)
        out.append('<text class="axis-title" x="%s" y="%s" font-size="12" text-anchor="middle" '
                   'fill="#222222" transform="rotate(-90 %s %s)">%s</text>'
                   % (tx, ty, tx, ty, text(panel.y.label)))
    if sx is None:                  # nothing can be drawn: the marks' elements stay empty
        sx = sy = Scale(0.0, 1.0, left, left + width)
    clip = "%s-c%d" % (ID, p.index)
    out.append('<clipPath id="%s"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>'
               % (clip, fmt(left - 2), fmt(top - 2), fmt(width + 4), fmt(height + 4)))
    out.append('<g class="marks" clip-path="url(#%s)">' % clip)
    for mark in sorted(panel.marks, key=lambda m: m.layer):   # contours under the paths
        out.extend(mark.render(sx, sy))
    out.append("</g>")
    out.extend(_legend(p, left, top, width, height, bottom + row.bottom + 14))
    out.append("</g>")
    return out


def _axes(p, sx, sy, left, top, width, bottom):
    """Return the gridlines, tick marks and tick labels of a panel's two axes."""
    out = []
    if p.panel._grid:
        out.append('<g class="grid" stroke="#e0e0e0" stroke-width="1">')
        out.extend('<line x1="%s" y1="%s" x2="%s" y2="%s"/>' % (fmt(sx(v)), fmt(top),
                                                                fmt(sx(v)), fmt(bottom))
                   for v in ([] if p.categorical else p.xticks[0]))
        out.extend('<line x1="%s" y1="%s" x2="%s" y2="%s"/>' % (fmt(left), fmt(sy(v)),
                                                                fmt(left + width), fmt(sy(v)))
                   for v in p.yticks[0])
        out.append("</g>")
    out.append('<g class="ticks" stroke="#333333" stroke-width="1">')
    out.extend('<line x1="%s" y1="%s" x2="%s" y2="%s"/>' % (fmt(sx(v)), fmt(bottom),
                                                            fmt(sx(v)), fmt(bottom + 5))
               for v in p.xticks[0])
    out.extend('<line x1="%s" y1="%s" x2="%s" y2="%s"/>' % (fmt(left - 5), fmt(sy(v)),
                                                            fmt(left), fmt(sy(v)))
               for v in p.yticks[0])
    out.append("</g>")
    out.append('<g class="tick-labels" font-size="%d" fill="#333333">' % _TICK_FONT)
    out.extend('<text class="x-tick" data-value="%r" x="%s" y="%s" text-anchor="middle">%s</text>'
               % (v, fmt(sx(v)), fmt(bottom + 18), text(t)) for v, t in zip(*p.xticks))
    out.extend('<text class="y-tick" data-value="%r" x="%s" y="%s" text-anchor="end">%s</text>'
               % (v, fmt(left - 8), fmt(sy(v) + 4), text(t)) for v, t in zip(*p.yticks))
    out.append("</g>")
    return out


def _legend(p, left, top, width, height, below_y):
    """Return the legend: entries under the panel from ``below_y``, or in a corner box."""
    if p.legend_place == "none":
        return []
    out = ['<g class="legend">']
    if p.legend_place == "below":
        x, y, step = left, below_y, _LEGEND_LINE
    else:
        step = 16
        box_w = 42 + max(text_width(line, 12) for _, lines in p.legend for line in lines)
        box_h = 8 + step * sum(len(lines) for _, lines in p.legend)
        bx = left + 8 if "left" in p.legend_place else left + width - 8 - box_w
        by = top + 8 if "upper" in p.legend_place else top + height - 8 - box_h
        out.append('<rect class="legend-box" x="%s" y="%s" width="%s" height="%s" '
                   'fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>'
                   % (fmt(bx), fmt(by), fmt(box_w), fmt(box_h)))
        x, y = bx + 8, by + 4 + step * 0.75
    for mark, lines in p.legend:
        out.append('<g class="legend-entry" data-legend=%s>' % attr(mark.name))
        out.extend(mark.swatch(x, y - 4))
        for k, line in enumerate(lines):
            out.append('<text class="legend" x="%s" y="%s" font-size="12" fill="%s">%s</text>'
                       % (fmt(x + 34), fmt(y + k * step), "#222222" if k == 0 else "#555555",
                          text(line)))
        out.append("</g>")
        y += step * len(lines)
    out.append("</g>")
    return out
