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

from pureml import convnet, matrix, network
from pureml.data import modelfile
from pureml.activations import Softmax
from pureml.errors import ModelFileError
from pureml.layers import Affine, Convolution, Relu, Sigmoid, Tanh

__all__ = ["Model", "load"]


class Model:
    """A loaded network with the operations the commands use; see the module's docstring."""

    def __init__(self, net, metadata):
        self.net = net
        self.metadata = metadata if isinstance(metadata, dict) else {}
        self.layered = not isinstance(net, network.Network)
        self.kind = type(net).__name__ if self.layered else "Network"
        if self.layered:
            self.n_inputs = _layered_inputs(net)
            self.n_outputs = len(net.params["b%d" % len(net.param_layers)])
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
        sizes = [self.n_inputs] + [len(net.params["b%d" % i])
                                   for i in range(1, len(net.param_layers) + 1)]
        return "%s [%s], %s hidden units" % (
            self.kind, ", ".join(map(str, sizes)), getattr(net, "activation", "relu"))

    def outputs(self, xs):
        """Return the output activations for each flat input in the batch ``xs``."""
        if not self.layered:
            return [self.net.feedforward(x) for x in xs]
        return [Softmax.fn(scores) for scores in self.net.predict(xs)]

    def trace(self, x):
        """Return (output activations, [each hidden layer's activations, flattened]) for one input."""
        if not self.layered:
            net, a, hidden = self.net, x, []
            for b, w, sigma in net._layers():
                a = sigma.fn(matrix.affine(w, a, b))
                hidden.append(a)
            return a, hidden[:-1]
        net = self.net
        value = convnet._as_images([x], net.input_dim) if hasattr(net, "input_dim") else [x]
        hidden = []
        for layer in net.layers.values():
            value = layer.forward(value) if not hasattr(layer, "train_flg") \
                else layer.forward(value, False)
            # The hidden units' activations; a conv layer's feature maps
            # (thousands of numbers) are left out.
            if isinstance(layer, (Relu, Sigmoid, Tanh)) and not isinstance(value[0][0], list):
                hidden.append(list(value[0]))
        return Softmax.fn(value[0]), hidden

    def input_maps(self):
        """Return each first-layer unit's incoming weights, flattened, one list per unit."""
        if not self.layered:
            return [list(row) for row in self.net.weights[0]]
        first = self.net.layers[self.net.param_layers[0]]
        if isinstance(first, Convolution):
            return [_flat(f) for f in first.W]
        return [list(column) for column in zip(*first.W)]


def _flat(value):
    """Return nested lists of numbers as one flat list."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [v for part in value for v in _flat(part)]
    return list(value)


def _layered_inputs(net):
    """Return how many numbers a layered network takes per example."""
    if hasattr(net, "input_dim"):
        c, h, w = net.input_dim
        return c * h * w
    first = net.layers[net.param_layers[0]]
    return len(first.W) if isinstance(first, Affine) else None


def load(path):
    """Return the Model saved in ``path``: a network2-format model or a params file.

    Raises ModelFileError (naming the file) for anything that is neither,
    and OSError when the file cannot be read.
    """
    name = str(path)
    data = modelfile.read_json(path)
    metadata = data.get("metadata", {})
    if "sizes" in data:
        return Model(network.load(path), metadata)
    if "params" in data:
        return Model(convnet.load(path), metadata)
    raise ModelFileError("%s: not a pureml model: expected network2's keys (sizes, weights, "
                         "biases, cost) or a params file's (format, network, params)" % name)
