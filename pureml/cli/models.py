"""Any saved network, behind one face: what evaluate, predict and serve need of a model.

pureml saves two kinds of file: Nielsen's network2 format (``Network.save``:
"sizes", "weights", "biases", "cost") and the layered networks' params
files (``save_params``: TwoLayerNet, MultiLayerNet, SimpleConvNet).
``load(path)`` reads either and returns a ``Model``:

    model.kind          "Network", "TwoLayerNet", "MultiLayerNet" or "SimpleConvNet"
    model.n_inputs      784 for an MNIST network
    model.n_outputs     10
    model.describe()    one line: the architecture
    model.metadata      what training saved beside the weights (a dict)
    model.outputs(xs)   the output activations for a batch of flat inputs
                        (the softmax of the scores for a layered network)
    model.trace(x)      (output, [each hidden layer's activations]) for one input
                        (a conv net's feature maps are left out)
    model.input_maps()  each first-layer unit's incoming weights, one list of
                        784 numbers (or a filter) per unit, for drawing

Every file goes through the readers' checks (pureml.data.modelfile): one
ModelFileError naming the file for anything malformed.
"""

from pureml import convnet, network, network3
from pureml.activations import ACTIVATIONS, Softmax
from pureml.costs import COSTS
from pureml.data import modelfile, networkfile, paramsfile
from pureml.engine import collector, dense
from pureml.errors import ModelFileError
from pureml.layers import Relu, Sigmoid, Tanh

__all__ = ["Model", "load", "NETWORKS"]

#: Every layered network a params file can name, by that name.
NETWORKS = dict(convnet.CONV_NETWORKS, **network3.NETWORKS)


def _weighted(net):
    """Return the layers of a layered network that hold weights, in order."""
    return [layer for layer in net.layers.values() if hasattr(layer, "W")]


class Model:
    """A loaded network with the operations the commands use; see the module's docstring."""

    def __init__(self, net, metadata):
        self.net = net
        self.metadata = metadata if isinstance(metadata, dict) else {}
        self.layered = not isinstance(net, network.Network)
        self.kind = type(net).__name__ if self.layered else "Network"
        if self.layered:
            self.n_inputs = _layered_inputs(net)
            self.n_outputs = len(_weighted(net)[-1].b)
        else:
            self.n_inputs, self.n_outputs = net.sizes[0], net.sizes[-1]

    def describe(self):
        """Return one line saying what the network is."""
        net = self.net
        if not self.layered:
            return "[%s], %s, %s neurons" % (", ".join(map(str, net.sizes)), net.cost.name,
                                              net.activation.name)
        if isinstance(net, convnet.SimpleConvNet):
            c = net.conv_param
            return ("SimpleConvNet: %d filters of %dx%d, pooling 2x2, %d hidden ReLUs, %d "
                    "outputs" % (c["filter_num"], c["filter_size"], c["filter_size"],
                                 len(net.params["b2"]), self.n_outputs))
        if isinstance(net, network3.Network):
            return "network3 Network: %s" % ", ".join(
                type(layer).__name__ for layer in net.net_layers)
        sizes = [self.n_inputs] + [len(layer.b) for layer in _weighted(net)]
        return "%s [%s], %s hidden units" % (
            self.kind, ", ".join(map(str, sizes)), getattr(net, "activation", "relu"))

    def outputs(self, xs):
        """Return the output activations for each flat input in the batch ``xs``."""
        if not self.layered:
            return [self.net.feedforward(x) for x in xs]
        with collector.paused():            # CPython's cyclic collector: see pureml.engine.collector
            return [Softmax.fn(scores) for scores in self.net.predict(xs)]

    def trace(self, x):
        """Return (output activations, [each hidden layer's activations, flattened]) for one input."""
        if not self.layered:
            net, a, hidden = self.net, x, []
            for b, w, sigma in net.layers():
                a = sigma.fn(dense.matvec_plus(w, a, b))
                hidden.append(a)
            return a, hidden[:-1]
        net = self.net
        shape = getattr(net, "input_dim", None) or getattr(net, "input_shape", None)
        value = convnet.as_images([x], shape) if shape else [x]
        hidden = []
        for key, layer in net.layers.items():
            value = layer.forward(value, False) if "Dropout" in key or "BatchNorm" in key \
                else layer.forward(value)
            # The hidden units' activations; a conv layer's feature maps
            # (thousands of numbers) are left out.
            if isinstance(layer, (Relu, Sigmoid, Tanh)) and not isinstance(value[0][0], list):
                hidden.append(list(value[0]))
        return Softmax.fn(value[0]), hidden

    def input_maps(self):
        """Return each first-layer unit's incoming weights, flattened, one list per unit."""
        if not self.layered:
            return [list(row) for row in self.net.weights[0]]
        first = _weighted(self.net)[0]
        if hasattr(first, "stride"):                # a Convolution's filters
            return [_flat(f) for f in first.W]
        return [list(column) for column in zip(*first.W)]


def _flat(value):
    """Return nested lists of numbers as one flat list."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [v for part in value for v in _flat(part)]
    return list(value)


def _layered_inputs(net):
    """Return how many numbers a layered network takes per example."""
    shape = getattr(net, "input_dim", None) or getattr(net, "input_shape", None)
    if shape:
        c, h, w = shape
        return c * h * w
    return len(_weighted(net)[0].W)


def load(path):
    """Return the Model saved in ``path``: a network2-format model or a params file.

    The file is read and parsed once.  Raises ModelFileError (naming the
    file) for anything that is neither, and OSError when the file cannot
    be read.
    """
    name = str(path)
    data = modelfile.read_json(path)
    metadata = data.get("metadata", {})
    if "sizes" in data:
        weights, biases, cost, activation = networkfile.parse(data, name, COSTS, ACTIVATIONS)
        del data
        return Model(network.Network.from_parameters(weights, biases, cost,
                                                     activation=activation), metadata)
    if "params" in data:
        saved = paramsfile.parse(data, name)
        del data
        return Model(paramsfile.build(saved, name, NETWORKS), metadata)
    raise ModelFileError("%s: not a pureml model: expected network2's keys (sizes, weights, "
                         "biases, cost) or a params file's (format, network, params)" % name)
