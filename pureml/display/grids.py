"""Pictures made of cells: a grid of small images, and a table of numbers shaded by size.

``ImageGrid`` draws images (MNIST digits, a layer's weights, convolution
filters) side by side in rows, each pixel a gray square, with an optional
caption under each::

    ImageGrid(x_test[:20], columns=5, captions=labels, cmap="gray_r")
    # for i in range(20): ax = fig.add_subplot(4, 5, i + 1)
    #                     ax.imshow(x_test[i].reshape(28, 28), cmap=plt.cm.gray_r)

An image is a flat list of pixels (square, or of ``shape`` (rows,
columns)), a list of rows, or one channel of rows ([[row, row ...]]).
Gray levels run over each image's own range (as imshow's), or over
``vmin`` to ``vmax`` when given: with ``cmap="gray"`` the smallest value is
black, with ``"gray_r"`` (or ``"binary"``, the same) white; ``"signed"``
draws negative values red, 0 white and positive values blue, over a range
symmetric about 0.  Pixels that are NaN or infinite are drawn magenta, and
a note under the grid says how many.

In the SVG each image is a ``<g class="image" data-index="K">`` holding a
``<rect class="background">`` (the image's most common colour) and, for
each other colour, one ``<path>`` of the runs of pixels of that colour, a
run ``M i j h n v1 h -n z`` being n pixels from column i of row j, in the
image's own pixel units; ``data-vmin`` and ``data-vmax`` give the range
its grays span.

``Heatmap`` draws a matrix (a confusion matrix) as a table of numbers,
each cell shaded by its value, or by its share of its row.
"""

import math
from collections import Counter

from pureml.arguments import check_choice, check_count, check_positive
from pureml.display.svg import (Picture, attr, check_text, check_values, document, fmt, gray,
                                numbers_attr, text, text_width)
from pureml.errors import ArgumentError

__all__ = ["ImageGrid", "Heatmap", "CMAPS", "as_rows", "pixel_colour"]

#: The colour maps an ImageGrid knows.
CMAPS = ("gray", "gray_r", "binary", "signed")

_NONFINITE = "#ff00ff"


def as_rows(image, shape=None, what="an image"):
    """Return ``image`` as a list of rows of floats, checked.

    ``image`` is a list of rows, one channel of rows ([[row, ...]]), or a
    flat list of pixels: of ``shape`` (rows, columns) if given, else square.
    """
    if isinstance(image, (str, bytes)) or not hasattr(image, "__len__") or not len(image):
        raise ArgumentError("%s must be a non-empty list of pixels or of rows, not %r"
                            % (what, image if not hasattr(image, "__len__") else
                               type(image).__name__))
    if hasattr(image[0], "__len__") and len(image) == 1 and len(image[0]) and \
            hasattr(image[0][0], "__len__"):
        image = image[0]                                    # one channel: (1, H, W)
    if hasattr(image[0], "__len__"):
        rows = [check_values(row, "%s's row %d" % (what, j)) for j, row in enumerate(image)]
        if len({len(row) for row in rows}) != 1 or not rows[0]:
            raise ArgumentError("%s's rows must all hold the same number of pixels (at least "
                                "one)" % what)
        return rows
    flat = check_values(image, what)
    if shape is not None:
        height, width = shape
    else:
        width = height = math.isqrt(len(flat))
    if height * width != len(flat):
        raise ArgumentError("%s has %d pixels, which is not %s; give shape=(rows, columns)"
                            % (what, len(flat), "%d x %d" % (height, width) if shape else
                               "a square number"))
    return [flat[j * width:(j + 1) * width] for j in range(height)]


def pixel_colour(v, lo, hi, cmap):
    """Return the colour of pixel value ``v`` on a gray scale from lo to hi, as #rrggbb."""
    if not math.isfinite(v):
        return _NONFINITE
    if cmap == "signed":
        t = max(-1.0, min(1.0, v / hi)) if hi > 0 else 0.0
        fade = int(round(255 * (1 - abs(t))))
        return "#%02x%02x%02x" % ((fade, fade, 255) if t > 0 else (255, fade, fade))
    t = (v - lo) / (hi - lo) if hi > lo else 0.0
    level = int(round(255 * max(0.0, min(1.0, t))))
    return gray(level if cmap == "gray" else 255 - level)


class ImageGrid(Picture):
    """Images in a grid, ``columns`` to a row.  See the module's docstring."""

    def __init__(self, images, columns=None, captions=None, *, shape=None, cmap="gray",
                 vmin=None, vmax=None, title=None, scale=None):
        if isinstance(images, (str, bytes)) or not hasattr(images, "__len__") or not images:
            raise ArgumentError("an ImageGrid needs a non-empty list of images")
        if shape is not None:
            try:
                shape = (check_count(shape[0], "shape's rows", 1),
                         check_count(shape[1], "shape's columns", 1))
            except (TypeError, IndexError):
                raise ArgumentError("shape must be (rows, columns), not %r" % (shape,)) from None
        self.images = [as_rows(image, shape, "image %d" % k) for k, image in enumerate(images)]
        n = len(self.images)
        self.columns = check_count(columns, "columns", 1) if columns is not None else min(n, 10)
        if captions is not None:
            captions = [str(c) for c in captions]
            if len(captions) != n:
                raise ArgumentError("an ImageGrid needs one caption per image: %d images, "
                                    "%d captions" % (n, len(captions)))
        self.captions = captions
        self.cmap = check_choice(cmap, CMAPS, "cmap")
        self.vmin = None if vmin is None else check_values([vmin], "vmin")[0]
        self.vmax = None if vmax is None else check_values([vmax], "vmax")[0]
        if self.vmin is not None and self.vmax is not None and not self.vmin < self.vmax:
            raise ArgumentError("vmin must be below vmax, not %r and %r" % (vmin, vmax))
        self.title = check_text(title, "title")
        self.cell_h = max(len(rows) for rows in self.images)
        self.cell_w = max(len(rows[0]) for rows in self.images)
        if scale is None:
            target = 168 if n == 1 else 112 if n <= 6 else 56
            scale = max(1, round(target / max(self.cell_h, self.cell_w)))
        self.scale = check_positive(scale, "scale")

    def value_range(self, rows):
        """Return the (lo, hi) an image's grays span: vmin/vmax, or its own smallest and largest."""
        finite = [v for row in rows for v in row if math.isfinite(v)] or [0.0]
        lo = self.vmin if self.vmin is not None else min(finite)
        hi = self.vmax if self.vmax is not None else max(finite)
        if self.cmap == "signed":
            hi = max(abs(lo), abs(hi))
            lo = -hi
        return lo, hi

    def svg(self):
        """Return the grid as the text of a standalone SVG file."""
        s, gap = self.scale, 6
        cw, ch = self.cell_w * s, self.cell_h * s
        caption_h = 16 if self.captions else 0
        columns = min(self.columns, len(self.images))
        rows = -(-len(self.images) // columns)
        top = 36 if self.title else gap
        width = max(columns * (cw + gap) + gap, text_width(self.title or "", 16) + 20)
        body = []
        if self.title:
            body.append('<text class="title" x="%s" y="24" font-size="16" font-weight="bold" '
                        'text-anchor="middle" fill="#222222">%s</text>'
                        % (fmt(width / 2), text(self.title)))
        bad = 0
        for k, image in enumerate(self.images):
            x = gap + (k % columns) * (cw + gap)
            y = top + (k // columns) * (ch + gap + caption_h)
            body.extend(self._cell(k, image, x, y))
            bad += sum(1 for row in image for v in row if not math.isfinite(v))
        height = top + rows * (ch + gap + caption_h)
        if bad:
            body.append('<text class="note" x="%d" y="%s" font-size="12" fill="#555555">%s'
                        '</text>' % (gap, fmt(height + 12), text(
                            "%d non-finite pixel%s, drawn magenta" % (bad, "" if bad == 1
                                                                      else "s"))))
            height += 20
        return document(width, height, self.title, body)

    def _cell(self, k, image, x, y):
        """Return the SVG of image ``k`` with its top-left corner at (x, y)."""
        s = self.scale
        h, w = len(image), len(image[0])
        dx, dy = (self.cell_w - w) * s / 2, (self.cell_h - h) * s / 2
        lo, hi = self.value_range(image)
        colours = [[pixel_colour(v, lo, hi, self.cmap) for v in row] for row in image]
        background = Counter(c for row in colours for c in row).most_common(1)[0][0]
        out = ['<g class="image" data-index="%d" data-shape="%d %d" data-vmin="%s" '
               'data-vmax="%s" transform="translate(%s %s) scale(%s)" '
               'shape-rendering="crispEdges">'
               % (k, h, w, numbers_attr([lo]), numbers_attr([hi]), fmt(x + dx), fmt(y + dy),
                  fmt(s))]
        if self.captions:
            out.append("<title>%s</title>" % text(self.captions[k]))
        out.append('<rect class="background" x="0" y="0" width="%d" height="%d" fill="%s"/>'
                   % (w, h, background))
        runs = {}                   # colour -> "M x y h length v1 h -length z" for each run
        for j, row in enumerate(colours):
            i = 0
            while i < w:
                end = i + 1
                while end < w and row[end] == row[i]:
                    end += 1
                if row[i] != background:
                    runs.setdefault(row[i], []).append("M%d %dh%dv1h-%dz" % (i, j, end - i,
                                                                              end - i))
                i = end
        out.extend('<path fill="%s" d="%s"/>' % (colour, "".join(parts))
                   for colour, parts in sorted(runs.items()))
        out.append("</g>")
        out.append('<rect class="cell-frame" x="%s" y="%s" width="%s" height="%s" fill="none" '
                   'stroke="#bbbbbb" stroke-width="1"/>'
                   % (fmt(x + dx - 0.5), fmt(y + dy - 0.5), fmt(w * s + 1), fmt(h * s + 1)))
        if self.captions:
            out.append('<text class="caption" x="%s" y="%s" font-size="12" text-anchor="middle" '
                       'fill="#222222">%s</text>' % (fmt(x + self.cell_w * s / 2),
                                                     fmt(y + self.cell_h * s + 14),
                                                     text(self.captions[k])))
        return out


class Heatmap(Picture):
    """A matrix drawn as a table of its numbers, each cell shaded by its size.

    ``shade="value"`` shades each cell by its value over the largest;
    ``shade="row"`` by its share of its row's total, square-rooted so that
    the few mistakes of a confusion matrix still show.
    """

    def __init__(self, matrix, row_labels=None, column_labels=None, *, xlabel=None,
                 ylabel=None, title=None, shade="value"):
        if isinstance(matrix, (str, bytes)) or not hasattr(matrix, "__len__") or not matrix:
            raise ArgumentError("a Heatmap needs a non-empty list of rows")
        self.rows = [check_values(row, "the matrix's row %d" % j) for j, row in enumerate(matrix)]
        n, m = len(self.rows), len(self.rows[0])
        if m == 0 or any(len(row) != m for row in self.rows):
            raise ArgumentError("a Heatmap's rows must all hold the same number of values")
        self.row_labels = [str(v) for v in (row_labels if row_labels is not None else range(n))]
        self.column_labels = [str(v) for v in (column_labels if column_labels is not None
                                               else range(m))]
        if len(self.row_labels) != n or len(self.column_labels) != m:
            raise ArgumentError("a Heatmap needs one label per row (%d) and per column (%d)"
                                % (n, m))
        self.xlabel, self.ylabel = check_text(xlabel, "xlabel"), check_text(ylabel, "ylabel")
        self.title = check_text(title, "title")
        self.shade = check_choice(shade, ("value", "row"), "shade")

    def shades(self):
        """Return each cell's shade, 0 (white) to 1 (darkest)."""
        if self.shade == "row":
            totals = [math.fsum(v for v in row if math.isfinite(v)) for row in self.rows]
            return [[math.sqrt(max(0.0, v / t)) if t > 0 and math.isfinite(v) else 0.0
                     for v in row] for row, t in zip(self.rows, totals)]
        top = max((abs(v) for row in self.rows for v in row if math.isfinite(v)), default=0)
        return [[abs(v) / top if top > 0 and math.isfinite(v) else 0.0 for v in row]
                for row in self.rows]

    def svg(self):
        """Return the table as the text of a standalone SVG file."""
        labels = ["%g" % v for row in self.rows for v in row]
        cell = max(30.0, max(text_width(t, 11) for t in labels) + 10)
        left = 10 + (24 if self.ylabel else 0) + \
            max(text_width(t, 12) for t in self.row_labels) + 8
        top = (36 if self.title else 8)
        n, m = len(self.rows), len(self.column_labels)
        bottom = top + n * cell
        width = max(left + m * cell + 12, text_width(self.title or "", 16) + 20)
        body = []
        if self.title:
            body.append('<text class="title" x="%s" y="24" font-size="16" font-weight="bold" '
                        'text-anchor="middle" fill="#222222">%s</text>'
                        % (fmt(width / 2), text(self.title)))
        for j, (row, shades) in enumerate(zip(self.rows, self.shades())):
            y = top + j * cell
            body.append('<text class="row-label" x="%s" y="%s" font-size="12" '
                        'text-anchor="end" fill="#222222">%s</text>'
                        % (fmt(left - 6), fmt(y + cell / 2 + 4), text(self.row_labels[j])))
            for i, (v, t) in enumerate(zip(row, shades)):
                x = left + i * cell
                fill = "#%02x%02x%02x" % tuple(int(round(255 - t * (255 - c)))
                                               for c in (0x08, 0x45, 0x94))
                body.append('<rect class="cell" data-row="%d" data-column="%d" data-value=%s '
                            'x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff">'
                            '<title>%s</title></rect>'
                            % (j, i, attr(repr(v)), fmt(x), fmt(y), fmt(cell), fmt(cell), fill,
                               text("%s, %s: %g" % (self.row_labels[j], self.column_labels[i],
                                                    v))))
                body.append('<text class="value" x="%s" y="%s" font-size="11" '
                            'text-anchor="middle" fill="%s">%s</text>'
                            % (fmt(x + cell / 2), fmt(y + cell / 2 + 4),
                               "#ffffff" if t > 0.55 else "#222222", text("%g" % v)))
        for i, label in enumerate(self.column_labels):
            body.append('<text class="column-label" x="%s" y="%s" font-size="12" '
                        'text-anchor="middle" fill="#222222">%s</text>'
                        % (fmt(left + (i + 0.5) * cell), fmt(bottom + 16), text(label)))
        height = bottom + 24
        if self.xlabel:
            body.append('<text class="axis-title" x="%s" y="%s" font-size="12" '
                        'text-anchor="middle" fill="#222222">%s</text>'
                        % (fmt(left + m * cell / 2), fmt(bottom + 38), text(self.xlabel)))
            height += 22
        if self.ylabel:
            ty = fmt(top + n * cell / 2)
            body.append('<text class="axis-title" x="18" y="%s" font-size="12" '
                        'text-anchor="middle" fill="#222222" transform="rotate(-90 18 %s)">%s'
                        '</text>' % (ty, ty, text(self.ylabel)))
        return document(width, height, self.title, body)
