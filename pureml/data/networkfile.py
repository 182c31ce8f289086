"""network2's model files: JSON holding "sizes", "weights", "biases" and "cost".

``write`` saves a network in exactly the keys of the book's
``network2.save`` (biases as numpy's column vectors, one-element lists),
so the book's ``network2.load`` reads the file, plus pureml's
"activation" and an optional "metadata" dict; the write is atomic.

``read`` treats the file as untrusted (pureml.data.modelfile): the keys,
the shape of every layer's weights and biases against "sizes" and every
number are checked before anything is allocated in proportion to
"sizes", and anything else is one ModelFileError naming the file, the
layer, what the file holds and what "sizes" claims.
"""

from pureml.arguments import check_sizes
from pureml.data import modelfile
from pureml.errors import ArgumentError, ModelFileError

__all__ = ["read", "write"]


def write(filename, sizes, weights, biases, cost_name, activation_name, metadata=None):
    """Save a network to ``filename`` in network2's format; return None."""
    data = {"sizes": sizes,
            "weights": weights,
            "biases": [[[bj] for bj in b] for b in biases],
            "cost": cost_name,
            "activation": activation_name}
    if metadata is not None:
        data["metadata"] = metadata
    modelfile.write_json(filename, data)


def read(filename, costs, activations):
    """Return (weights, biases, cost, activation) from a network2 model file, every part checked.

    ``costs`` and ``activations`` map the names a file may give to their
    classes.  Biases may be column vectors ([[b0], [b1], ...], as network2
    writes them) or flat lists.
    """
    name = str(filename)
    data = modelfile.read_json(filename)
    return parse(data, name, costs, activations)


def parse(data, name, costs, activations):
    """Return read's (weights, biases, cost, activation) from a model file's JSON ``data``."""
    modelfile.require_keys(data, ("sizes", "weights", "biases", "cost"), name)
    sizes = data["sizes"]
    if not isinstance(sizes, list):
        raise ModelFileError("%s: 'sizes' should be a list of layer sizes such as [784, 30, 10], "
                             "not %s" % (name, modelfile.kind(sizes)))
    odd = [size for size in sizes if isinstance(size, bool) or not isinstance(size, int)]
    if odd:
        raise ModelFileError("%s: 'sizes' should be a list of layer sizes such as [784, 30, 10]; "
                             "layer sizes must be ints, not %s" % (name, modelfile.kind(odd[0])))
    try:
        sizes = check_sizes(sizes)
    except ArgumentError as e:
        raise ModelFileError("%s: %s" % (name, e)) from None
    cost = modelfile.name_in(data["cost"], costs, "cost", "cost", name)
    activation = modelfile.name_in(data.get("activation", "sigmoid"), activations,
                                   "activation", "activation", name)
    layers = len(sizes) - 1
    for key in ("weights", "biases"):
        if not isinstance(data[key], list) or len(data[key]) != layers:
            raise ModelFileError("%s: %r should be a list of %d layers for sizes %s, not %s"
                                 % (name, key, layers, sizes, "a list of %d" % len(data[key])
                                    if isinstance(data[key], list) else modelfile.kind(data[key])))
    weights, biases = [], []
    for l in range(layers):
        claim = "sizes %s says layer %%d has" % (sizes,)
        weights.append(modelfile.matrix(
            data["weights"][l], "weights[%d]" % l, name, shape=(sizes[l + 1], sizes[l]),
            claims=(claim % (l + 1), claim % l)))
        biases.append(modelfile.vector(data["biases"][l], "biases[%d]" % l, name,
                                       length=sizes[l + 1], columns=True,
                                       claim=claim % (l + 1)))
    return weights, biases, cost, activation
