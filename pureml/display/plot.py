"""Training curves as a standalone SVG file, drawn with the standard library.

Seed 004 ends with two matplotlib plots side by side: accuracy per epoch on
the left, cost on the right.  ``curves`` builds the same figure as a
pureml.display.charts Figure, ``render_svg`` returns its SVG text and
``training_curves`` writes it to a file that any web browser opens.

Each series is one ``<polyline>`` that carries ``data-series="NAME"``, the
class ``series``, its points in the ``points`` attribute (in SVG pixel
coordinates, left to right) and its numbers in ``data-x`` and ``data-y``,
so that tests, and curious learners, can find them again.  The panels are
``<g>`` elements with ``data-panel="accuracy"`` and ``data-panel="cost"``.

Values that are NaN or infinite (a run that diverged), or beyond 1e100 in
size, are left out of the lines and counted in the legend.  Cost recorded
per mini-batch can hold hundreds of thousands of values; beyond
``MAX_POINTS`` they are averaged in equal runs of consecutive mini-batches,
and the legend says how many.
"""

import collections
import math

from pureml.arguments import check_choice
from pureml.data.fileio import atomic_write_text
from pureml.display.charts import Figure
from pureml.display.svg import HUGE, PALETTE, check_values
from pureml.errors import ArgumentError

__all__ = ["ArgumentError", "MAX_POINTS", "PALETTE", "curves", "render_svg",
           "training_curves"]

#: The most points one polyline gets; longer series are averaged down.
MAX_POINTS = 2000

_COST_UNITS = ("epoch", "mini-batch")
_ACCURACY_UNITS = ("fraction", "count")
_MARKER_LIMIT = 60         # series with at most this many points get dots too
_PLURAL = {"epoch": "epochs", "mini-batch": "mini-batches"}
_Thinned = collections.namedtuple("_Thinned", "xs ys notes")


def curves(accuracy=None, cost=None, *, title="Training curves", cost_unit="epoch",
           accuracy_unit="fraction"):
    """Return the training-curves Figure: accuracy on the left, cost on the right.

    ``accuracy`` maps a series name (such as ``"training"``, ``"validation"``
    or ``"test"``) to a list of accuracies per epoch: fractions in [0, 1],
    drawn as percentages, or with ``accuracy_unit="count"`` numbers of
    correct answers (what network2's SGD returns), drawn as they are.
    ``cost`` maps a series name to a list of costs, one per epoch, or one
    per mini-batch when ``cost_unit`` is ``"mini-batch"``.  Epochs (and
    mini-batches) are numbered from 0, as the seed prints them.  Either
    mapping may be None or empty, and then its panel says "not monitored".
    NaN and infinite values are skipped, and so are values beyond 1e100 in
    size, whose differences could overflow.

    Raises ``ArgumentError`` (a ``ValueError``) when a mapping is not a
    mapping, a series is not a list of real numbers, an accuracy fraction
    lies outside [0, 1], or a unit is unknown.
    """
    if not isinstance(title, str):
        raise ArgumentError("title must be a string, not %s" % type(title).__name__)
    check_choice(cost_unit, _COST_UNITS, "cost_unit")
    check_choice(accuracy_unit, _ACCURACY_UNITS, "accuracy_unit")
    acc_series = _check_series("accuracy", accuracy)
    cost_series = _check_series("cost", cost)
    if accuracy_unit == "fraction":
        for name, values in acc_series:
            for i, v in enumerate(values):
                if math.isfinite(v) and not 0.0 <= v <= 1.0:
                    raise ArgumentError(
                        "accuracy series %r has %r at epoch %d; expected a fraction in "
                        "[0, 1] (the number correct divided by the number of images)"
                        % (name, v, i))
        acc_series = [(name, [100.0 * v for v in values]) for name, values in acc_series]

    colours = {}
    for name, _ in acc_series + cost_series:
        if name not in colours:
            colours[name] = PALETTE[len(colours) % len(PALETTE)]

    figure = Figure(columns=2, title=title, width=960, height=260)
    acc = figure.panel("Accuracy", xlabel="Epoch", name="accuracy",
                       empty="accuracy not monitored",
                       ylabel="Accuracy (%)" if accuracy_unit == "fraction" else "Correct answers")
    acc.xdomain(0)
    if accuracy_unit == "fraction":
        acc.ydomain(0.0, 100.0)
    cost_panel = figure.panel("Cost per %s" % cost_unit, name="cost", ylabel="Cost",
                              xlabel="Epoch" if cost_unit == "epoch" else "Mini-batch",
                              empty="cost not monitored")
    cost_panel.xdomain(0)
    for panel, series in ((acc, acc_series), (cost_panel, cost_series)):
        for name, values in series:
            t = _thin(values, _PLURAL[cost_unit if panel is cost_panel else "epoch"])
            panel.line(t.xs, t.ys, label=name, color=colours[name], note=t.notes,
                       markers="o" if 0 < len(t.xs) <= _MARKER_LIMIT else None)
    return figure


def render_svg(accuracy=None, cost=None, *, title="Training curves", cost_unit="epoch"):
    """Return the training-curves figure (see ``curves``) as the text of a standalone SVG."""
    return curves(accuracy, cost, title=title, cost_unit=cost_unit).svg()


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
    return [(str(name), check_values(values, "%s series %r" % (what, str(name))))
            for name, values in mapping.items()]


def _thin(values, unit, limit=MAX_POINTS):
    """Return a ``_Thinned`` series, ready to draw: its xs, ys and notes for the legend.

    Up to ``limit`` values are kept as they are, ``x`` being the index (the
    line leaves out the non-finite ones, and says so).  Past ``limit``,
    consecutive runs of values are averaged into one point at the mean of
    their indices, leaving out the values that are not finite or beyond
    1e100, and the note says how many were averaged and skipped.
    """
    n = len(values)
    if n <= limit:
        return _Thinned([float(i) for i in range(n)], values, None)
    bucket = -(-n // limit)
    xs, ys = [], []
    for start in range(0, n, bucket):
        kept = [(i, values[i]) for i in range(start, min(start + bucket, n))
                if math.isfinite(values[i]) and abs(values[i]) <= HUGE]
        if kept:
            xs.append(sum(i for i, _ in kept) / len(kept))
            ys.append(math.fsum(v for _, v in kept) / len(kept))
    notes = ["each point: mean of %d %s" % (bucket, unit)]
    nonfinite = sum(1 for v in values if not math.isfinite(v))
    huge = sum(1 for v in values if math.isfinite(v) and abs(v) > HUGE)
    for count, what in ((nonfinite, "non-finite value%s"), (huge, "value%s beyond 1e100")):
        if count:
            notes.append(("%d " + what + " skipped") % (count, "" if count == 1 else "s"))
    return _Thinned(xs, ys, notes)
