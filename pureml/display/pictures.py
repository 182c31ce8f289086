"""pureml's pictures: each function returns an object that draws itself.

    digits(images)        a row (or grid) of MNIST images, ink dark on white
    image(pixels)         one image
    weight_maps(net)      a layer's weights, one small map per unit or filter
    confusion(matrix)     a confusion matrix: rows the true labels, columns the predictions
    outputs(vector)       a network's outputs for one image, the largest highlighted
    curves(history)       network2's History or a DLFS Trainer: accuracy and cost per epoch

Each returns a Figure, ImageGrid or Heatmap (pureml.display.charts,
grids), which has ``svg()``, ``save(path)`` and ``_repr_svg_``: a
notebook cell ending in one draws it, with nothing to install::

    from pureml.display import pictures
    pictures.weight_maps(net)       # the last line of a cell: the maps appear
"""

import math

from pureml.arguments import check_count
from pureml.display.charts import Figure
from pureml.display.grids import Heatmap, ImageGrid
from pureml.display.plot import curves as curves_figure
from pureml.engine.vectors import nested_shape
from pureml.errors import ArgumentError

__all__ = ["digits", "image", "weight_maps", "confusion", "outputs", "curves"]


def _pixel_range(images):
    """Return the gray range of MNIST-like images: (0, 1), (0, 255), or None (each its own)."""
    values = []
    for img in images:
        while img and isinstance(img[0], (list, tuple)):
            img = [v for row in img for v in row]
        values.extend(v for v in img if isinstance(v, (int, float)) and math.isfinite(v))
    if values and 0 <= min(values) and max(values) <= 1:
        return 0.0, 1.0
    if values and 0 <= min(values) and max(values) <= 255:
        return 0.0, 255.0
    return None, None


def digits(images, columns=10, captions=None, *, title=None):
    """Return MNIST images as an ImageGrid: ink dark on white, ``columns`` to a row.

    Each image is a flat list of 784 pixels (both books' flat images), a
    list of 28 rows, or DLFS's unflattened (1, 28, 28).  Pixels in [0, 1]
    or [0, 255] keep that scale; others use each image's own range.
    ``captions`` (labels, say) go under the images.
    """
    images = list(images) if not isinstance(images, (str, bytes)) else images
    vmin, vmax = _pixel_range(images) if isinstance(images, list) else (None, None)
    return ImageGrid(images, columns, captions, cmap="gray_r", vmin=vmin, vmax=vmax,
                     title=title)


def image(pixels, caption=None, *, title=None):
    """Return one image (as ``digits`` takes them) as an ImageGrid, drawn larger."""
    return digits([pixels], 1, None if caption is None else [caption], title=title)


def _maps_of(net, layer):
    """Return (maps, what) for a layer of ``net``: each map a list of rows or a flat list."""
    if hasattr(net, "weights") and hasattr(net, "sizes"):            # Nielsen's Network
        weights = net.weights
        if not 0 <= layer < len(weights):
            raise ArgumentError("layer must be 0 to %d for this network, not %r"
                                % (len(weights) - 1, layer))
        return list(weights[layer]), "rows"
    if hasattr(net, "params"):                                      # DLFS's networks
        key = "W%d" % (layer + 1)
        if key not in net.params:
            raise ArgumentError("this network has no %s (layer %r)" % (key, layer))
        weights = net.params[key]
        kind = "filters" if len(nested_shape(weights)) == 4 else "columns"
    elif isinstance(net, list) and net:
        weights = net
        kind = "filters" if len(nested_shape(weights)) == 4 else "rows"
    else:
        raise ArgumentError("weight_maps takes a network (Nielsen's Network, a DLFS network) "
                            "or a weight matrix, not %s" % type(net).__name__)
    shape = nested_shape(weights)
    if kind == "filters":
        return [f[0] for f in weights], "filters"                   # filters[i, 0], as the book
    if len(shape) != 2:
        raise ArgumentError("weights must be a matrix (a list of rows) or filters "
                            "(FN, C, FH, FW), not of shape %r" % (shape,))
    if kind == "columns":                                           # W[:, k] feeds unit k
        return [[row[k] for row in weights] for k in range(shape[1])], "columns"
    return list(weights), "rows"


def weight_maps(net, layer=0, *, columns=10, title=None, cmap="signed"):
    """Return a layer's weights as an ImageGrid, one map per unit (or filter).

    Nielsen's ``Network``: the rows of ``net.weights[layer]``, each unit's
    incoming weights (784 of them: a 28 x 28 map).  DLFS's networks
    (TwoLayerNet, MultiLayerNet, SimpleConvNet, network3's Network): the
    columns of ``params["W1"]`` (``layer`` 0), or for a convolution the
    first channel of each filter, as the book's ``filter_show`` draws it.
    A matrix (a list of rows) or filters (FN, C, FH, FW) may be given
    instead of a network.  With the default ``cmap="signed"`` positive
    weights are blue and negative red; "gray" and "gray_r" as the books.
    """
    if isinstance(layer, bool) or not isinstance(layer, int):
        raise ArgumentError("layer must be a whole number, not %r" % (layer,))
    maps, kind = _maps_of(net, layer)
    first = maps[0]
    if not first or isinstance(first[0], (list, tuple)):
        shape = None
    else:
        side = math.isqrt(len(first))
        shape = (side, side) if side * side == len(first) else (1, len(first))
    heading = title or ("%d filters" % len(maps) if kind == "filters" else
                        "Weights into each of %d units" % len(maps))
    return ImageGrid(maps, columns, shape=shape, cmap=cmap, title=heading)


def confusion(matrix, labels=None, *, title="Confusion matrix"):
    """Return a confusion matrix as a Heatmap: rows the true labels, columns the predictions.

    Each cell is shaded by its share of its row, so the mistakes show
    beside the diagonal's large counts.
    """
    if not isinstance(matrix, (list, tuple)) or not matrix:
        raise ArgumentError("a confusion matrix must be a non-empty list of rows of counts")
    n = len(matrix)
    labels = list(labels) if labels is not None else list(range(n))
    return Heatmap(matrix, labels, labels, xlabel="Predicted", ylabel="True", title=title,
                   shade="row")


def outputs(vector, labels=None, *, title="The network's outputs"):
    """Return a network's outputs for one input as bars, the largest highlighted.

    ``vector`` is the output list (ten numbers for MNIST), or a batch of
    one ([[...]], what DLFS's predict returns for one image).
    """
    if isinstance(vector, (list, tuple)) and len(vector) == 1 and \
            isinstance(vector[0], (list, tuple)):
        vector = vector[0]
    if not isinstance(vector, (list, tuple)) or not vector:
        raise ArgumentError("outputs takes a non-empty list of numbers, not %r" % (vector,))
    finite = [(v, i) for i, v in enumerate(vector)
              if isinstance(v, (int, float)) and math.isfinite(v)]
    figure = Figure(title=title, height=240)
    panel = figure.panel(xlabel="Output", ylabel="Value", grid=True)
    panel.bars(vector, labels, highlight=max(finite)[1] if finite else None)
    return figure


def curves(source, *, title=None, evaluation_size=None, training_size=None):
    """Return a training run's curves as a Figure: accuracy per epoch, and cost.

    ``source`` is network2's ``History`` (what SGD returns: accuracies are
    counts of correct answers, drawn as counts unless ``evaluation_size``
    and ``training_size`` are given, then as percentages) or a DLFS
    ``Trainer`` after ``train()`` (train_acc_list, test_acc_list per epoch;
    train_loss_list per mini-batch).
    """
    if all(hasattr(source, a) for a in ("train_loss_list", "train_acc_list", "test_acc_list")):
        return curves_figure({"train": source.train_acc_list, "test": source.test_acc_list},
                             {"training": source.train_loss_list}, cost_unit="mini-batch",
                             title=title or "Training curves")
    fields = ("evaluation_cost", "evaluation_accuracy", "training_cost", "training_accuracy")
    if not all(hasattr(source, f) for f in fields):
        raise ArgumentError("curves takes network2's History or a DLFS Trainer, not %s"
                            % type(source).__name__)
    sizes = {"evaluation": evaluation_size, "training": training_size}
    for name, size in sizes.items():
        if size is not None:
            check_count(size, "%s_size" % name, minimum=1)
    monitored = [name for name in sizes if getattr(source, name + "_accuracy")]
    unit = "fraction" if monitored and all(sizes[n] for n in monitored) else "count"
    accuracy = {}
    for name in monitored:
        values = getattr(source, name + "_accuracy")
        accuracy[name] = [v / sizes[name] for v in values] if unit == "fraction" else values
    cost = {name: getattr(source, name + "_cost") for name in ("evaluation", "training")
            if getattr(source, name + "_cost")}
    return curves_figure(accuracy, cost, title=title or "Training history", accuracy_unit=unit)
