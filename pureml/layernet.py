"""Deep Learning from Scratch's layered networks: TwoLayerNet and MultiLayerNet.

``TwoLayerNet`` is chapter 5's ch05/two_layer_net.py: Affine -> Relu ->
Affine -> SoftmaxWithLoss, with ``params``, ``layers``, ``lastLayer``,
``predict``, ``loss``, ``accuracy``, ``numerical_gradient`` and
``gradient``.  ``MultiLayerNet`` is chapter 6's common/multi_layer_net.py
and multi_layer_net_extend.py in one class: any number of hidden layers,
ReLU or sigmoid, weight decay, dropout and batch normalisation.

The book's chapter 5 script, with only the imports, the batch selection
and the update step changed::

    import random
    from pureml.layernet import TwoLayerNet
    from pureml.mnist import load_mnist
    from pureml.optimizers import SGD

    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    for i in range(10000):
        batch_mask = random.choices(range(len(x_train)), k=100)
        x_batch = [x_train[k] for k in batch_mask]
        t_batch = [t_train[k] for k in batch_mask]
        grads = network.gradient(x_batch, t_batch)
        SGD(lr=0.1).update(network.params, grads)

Both networks keep their parameters in ``params`` ("W1", "b1", ...; and
"gamma1", "beta1" with batch normalisation), the same lists the layers
hold.  ``save_params`` writes them as JSON (atomically) and
``load_params`` reads them back, checked like every file pureml reads.
"""

import math
import numbers
import random
import re
from collections import OrderedDict

from pureml import matrix
from pureml.data import modelfile
from pureml.errors import ModelFileError
from pureml.functions import labels_of, numerical_gradient
from pureml.layers import (Affine, BatchNormalization, Dropout, ArgumentError, Relu,
                           Sigmoid, SoftmaxWithLoss, Tanh)

__all__ = ["TwoLayerNet", "MultiLayerNet", "ACTIVATION_LAYERS", "ArgumentError", "load",
           "ModelFileError", "FORMAT"]

#: The "format" key of a params file.
FORMAT = "pureml.layernet"

#: The hidden activations MultiLayerNet takes, by name.
ACTIVATION_LAYERS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}

#: How many examples predict() pushes through the layers at once in accuracy().
ACCURACY_BATCH = 1000


def _check_size(value, name):
    """Return value if it is an int >= 1; ArgumentError otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ArgumentError("%s must be a whole number of at least 1, not %r" % (name, value))
    return int(value)


def _rng(seed):
    """Return a random.Random seeded with ``seed`` (None: from the system)."""
    if isinstance(seed, random.Random):
        return seed
    return random.Random(seed)


def _init_scale(weight_init_std, n_in):
    """Return the standard deviation of the initial weights for a layer with n_in inputs.

    A number is used as it is; "relu"/"he" give sqrt(2/n_in) (He) and
    "sigmoid"/"xavier" sqrt(1/n_in) (Xavier), as the book's MultiLayerNet.
    """
    name = str(weight_init_std).lower()
    if name in ("relu", "he"):
        return math.sqrt(2.0 / n_in)
    if name in ("sigmoid", "xavier"):
        return math.sqrt(1.0 / n_in)
    if isinstance(weight_init_std, bool) or not isinstance(weight_init_std, (int, float)) \
            or not math.isfinite(weight_init_std) or weight_init_std < 0:
        raise ArgumentError("weight_init_std must be a number of at least 0, or 'relu', 'he', "
                         "'sigmoid' or 'xavier'; not %r" % (weight_init_std,))
    return float(weight_init_std)


def _innermost(W):
    """Yield the innermost lists (rows) of a matrix or of a conv layer's filters."""
    if W and isinstance(W[0], list):
        for part in W:
            yield from _innermost(part)
    else:
        yield W


def _plus_scaled(d, c, w):
    """Return d + c * w for nested lists of the same shape (weight decay's gradient)."""
    if d and isinstance(d[0], list):
        return [_plus_scaled(dp, c, wp) for dp, wp in zip(d, w)]
    return [dv + c * wv for dv, wv in zip(d, w)]


def _check_chain(params, depth, what):
    """Return the layer sizes of the W1 ... W<depth>, b1 ... b<depth> in params; ArgumentError if they do not chain.

    W<k> must have as many rows as W<k-1> has columns, and b<k> as many
    entries as W<k> has columns.
    """
    sizes = []
    for idx in range(1, depth + 1):
        W, b = params.get("W%d" % idx), params.get("b%d" % idx)
        if not isinstance(W, list) or len(matrix.nested_shape(W)) != 2 or not W[0] or \
                not isinstance(b, list):
            raise ArgumentError("%s needs W%d (a matrix) and b%d (a vector)" % (what, idx, idx))
        if not sizes:
            sizes.append(len(W))
        if len(W) != sizes[-1] or len(b) != len(W[0]) or \
                any(len(row) != len(b) for row in W):
            raise ArgumentError("%s: W%d must be %d rows of %d numbers (as W%d's columns and "
                             "b%d say), with b%d as long" % (what, idx, sizes[-1], len(b),
                                                              idx - 1, idx, idx))
        sizes.append(len(b))
    return sizes


class _LayeredNet:
    """What the layered networks share: predict, loss, accuracy, gradients, files.

    A subclass builds ``self.params``, ``self.layers`` (an OrderedDict, in
    order) and the loss layer, and names the Affine layers' keys in
    ``self.param_layers`` (their parameters are "W1"/"b1", "W2"/"b2", ...:
    Affine and Convolution layers).
    """

    weight_decay_lambda = 0.0
    last_loss = None

    def _last(self):
        """Return the loss layer (TwoLayerNet calls it lastLayer, MultiLayerNet last_layer)."""
        raise NotImplementedError

    def _forward_layer(self, key, layer, x, train_flg):
        """Return one layer's output; Dropout and BatchNorm take the train flag."""
        if isinstance(layer, (Dropout, BatchNormalization)):
            return layer.forward(x, train_flg)
        return layer.forward(x)

    def predict(self, x, train_flg=False):
        """Return the output scores (before softmax) for the batch x, one row per example."""
        for key, layer in self.layers.items():
            x = self._forward_layer(key, layer, x, train_flg)
        return x

    def loss(self, x, t, train_flg=False):
        """Return the loss for the batch x with labels t (one-hot lists or ints).

        It is the mean cross-entropy error, plus the weight decay
        0.5 * lambda * sum W^2 over every W when weight_decay_lambda is set.
        """
        y = self.predict(x, train_flg)
        weight_decay = 0.0
        if self.weight_decay_lambda:
            for key in self.param_layers:
                W = self.layers[key].W
                weight_decay += 0.5 * self.weight_decay_lambda * \
                    math.fsum(matrix.sumprod(row, row) for row in _innermost(W))
        return self._last().forward(y, t) + weight_decay

    def accuracy(self, x, t, batch_size=ACCURACY_BATCH):
        """Return the fraction of x the network labels right, a float from 0 to 1.

        ``t`` holds int labels or one-hot lists.  The examples are pushed
        through ``batch_size`` at a time, so memory stays small.
        """
        if len(x) != len(t):
            raise ArgumentError("x holds %d examples but t holds %d labels; they must agree"
                             % (len(x), len(t)))
        if not x:
            raise ArgumentError("accuracy needs at least one example")
        classes = len(self.params["b%d" % len(self.param_layers)])
        labels = labels_of(t, classes)
        correct = 0
        for start in range(0, len(x), batch_size):
            y = self.predict(x[start:start + batch_size])
            correct += sum(matrix.argmax(row) == label
                           for row, label in zip(y, labels[start:start + batch_size]))
        return correct / float(len(x))

    def numerical_gradient(self, x, t):
        """Return the gradient of the loss by central differences, a dict shaped like params.

        Slow (two passes over the batch per parameter): it is the book's
        check on ``gradient``.  The training flag is on, as in gradient().
        """
        loss_W = lambda W: self.loss(x, t, train_flg=True)     # noqa: E731 (the book's)
        return {key: numerical_gradient(loss_W, value) for key, value in self.params.items()}

    def gradient(self, x, t):
        """Return the gradient of the loss by backpropagation, a dict shaped like params.

        The loss its forward pass computed is kept in ``self.last_loss``
        (Trainer records it, rather than running the network again).
        """
        # forward
        self.last_loss = self.loss(x, t, train_flg=True)
        # backward
        dout = 1
        dout = self._last().backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
            if dout is None:        # the first parameter layer: nothing below needs a gradient
                break
        # the gradients the layers kept
        grads = {}
        lmbda = self.weight_decay_lambda
        for idx, key in enumerate(self.param_layers, start=1):
            layer = self.layers[key]
            grads["W%d" % idx] = layer.dW if not lmbda else _plus_scaled(layer.dW, lmbda, layer.W)
            grads["b%d" % idx] = layer.db
            batch_norm = self.layers.get("BatchNorm%d" % idx)
            if batch_norm is not None:
                grads["gamma%d" % idx] = batch_norm.dgamma
                grads["beta%d" % idx] = batch_norm.dbeta
        return grads

    # -- files ---------------------------------------------------------------

    def save_params(self, file_name="params.json", metadata=None):
        """Save the parameters to ``file_name`` as JSON, atomically; return None.

        The book pickles ``params``; this writes them as JSON with what it
        takes to rebuild the network (its class, settings and batch
        normalisation's running averages), and ``metadata`` if given.
        """
        data = {"format": FORMAT, "network": type(self).__name__, "config": self.config(),
                "params": self.params, "running": self._running()}
        if metadata is not None:
            data["metadata"] = metadata
        modelfile.write_json(file_name, data, "params file")

    def load_params(self, file_name="params.json"):
        """Load parameters saved by save_params into this network's own lists, in place; return None.

        The file must hold exactly this network's parameters, each of this
        network's whole shape (every dimension of a conv layer's filters;
        the layers keep working on the same lists, as the book's keep their
        arrays), and any running averages must be valid.  Anything else
        raises ModelFileError naming the file, the parameter and what was
        expected, before the network is changed.
        """
        name = str(file_name)
        data = modelfile.read_json(file_name, "params file")
        params = _read_params(data, name)
        if sorted(params) != sorted(self.params):
            raise ModelFileError("%s: holds the parameters %s; this network has %s"
                                 % (name, ", ".join(sorted(params)),
                                    ", ".join(sorted(self.params))))
        for key, value in params.items():
            shape, mine = matrix.nested_shape(value), matrix.nested_shape(self.params[key])
            if shape != mine:
                raise ModelFileError("%s: %s is %s in the file but %s in this network"
                                     % (name, key, _shape_text(shape), _shape_text(mine)))
        running = self._read_running(data.get("running", {}), name)
        # Everything is checked: only now is the network changed.
        for key, value in params.items():
            mine = self.params[key]
            if mine and isinstance(mine[0], list):
                for row, new in zip(mine, value):
                    row[:] = new
            else:
                mine[:] = value
        self._set_running(running)

    def _running(self):
        """Return batch normalisation's running averages, by layer name."""
        return {key: {"running_mean": layer.running_mean, "running_var": layer.running_var}
                for key, layer in self.layers.items()
                if isinstance(layer, BatchNormalization) and layer.running_mean is not None}

    def _read_running(self, running, name):
        """Return {layer name: (running_mean, running_var)} read from file ``name``, each checked.

        Each layer must be one of this network's BatchNorm layers, both
        lists as long as its gamma, and every variance finite and at least
        0 (the square root of a negative one fails only when predicting).
        """
        if not isinstance(running, dict):
            raise ModelFileError("%s: 'running' should be an object, not %s"
                                 % (name, modelfile.kind(running)))
        averages = {}
        for key, stats in running.items():
            layer = self.layers.get(key)
            if not isinstance(layer, BatchNormalization):
                raise ModelFileError("%s: running averages for %s, which is not a "
                                     "BatchNormalization layer of this network"
                                     % (name, modelfile.short(key)))
            if not isinstance(stats, dict):
                raise ModelFileError("%s: running.%s should be an object holding running_mean "
                                     "and running_var, not %s"
                                     % (name, key, modelfile.kind(stats)))
            n = len(layer.gamma)
            mean = modelfile.vector(stats.get("running_mean"), key + ".running_mean", name,
                                    length=n)
            var = modelfile.vector(stats.get("running_var"), key + ".running_var", name, length=n)
            for j, v in enumerate(var):
                if v < 0:
                    raise ModelFileError("%s: %s.running_var[%d] is %r; a variance is at least 0"
                                         % (name, key, j, v))
            averages[key] = mean, var
        return averages

    def _set_running(self, averages):
        """Give the BatchNorm layers the running averages ``_read_running`` returned."""
        for key, (mean, var) in averages.items():
            self.layers[key].running_mean = mean
            self.layers[key].running_var = var


def _shape_text(shape):
    """Return a shape (nested_shape's tuple) for messages: "784x50", "30x1x5x5" or "50"."""
    return "x".join(map(str, shape))


#: The name of a parameter in a params file: W1 (a matrix or filters), b1, gamma1, beta1, ...
_PARAM_NAME = re.compile(r"(W|b|gamma|beta)[1-9][0-9]{0,2}")


def _read_params(data, name):
    """Return the dict of parameters in a params file's JSON ``data``, each checked.

    W1, W2, ... are matrices (or a conv layer's filters); b, gamma and beta
    are vectors.
    Every size comes from the file's own lists.
    """
    modelfile.require_keys(data, ("format", "network", "params"), name)
    if data["format"] != FORMAT:
        raise ModelFileError("%s: the format is %s; expected %r (a file written by "
                             "save_params)" % (name, modelfile.kind(data["format"]), FORMAT))
    raw = data["params"]
    if not isinstance(raw, dict) or not raw:
        raise ModelFileError("%s: 'params' should be an object of named parameters, not %s"
                             % (name, "an empty one" if raw == {} else modelfile.kind(raw)))
    params = {}
    for key, value in raw.items():
        kind = _PARAM_NAME.fullmatch(key)
        if kind and kind.group(1) == "W":
            params[key] = modelfile.tensor(value, key, name)
        elif kind:
            params[key] = modelfile.vector(value, key, name)
        else:
            raise ModelFileError("%s: unknown parameter %s; expected W1, b1, ... (and gamma1, "
                                 "beta1, ... with batch normalisation)"
                                 % (name, modelfile.short(key)))
    return params


class TwoLayerNet(_LayeredNet):
    """Chapter 5's two-layer network: Affine -> Relu -> Affine -> SoftmaxWithLoss.

    The weights start as weight_init_std times N(0, 1) draws and the biases
    at zero, as in the book; ``seed`` (or a random.Random) makes them
    repeatable.
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01,
                 seed=None):
        input_size = _check_size(input_size, "input_size")
        hidden_size = _check_size(hidden_size, "hidden_size")
        output_size = _check_size(output_size, "output_size")
        rng = _rng(seed)
        # initialise the weights
        self.params = {}
        self.params["W1"] = matrix.gaussian(rng, input_size, hidden_size,
                                            sigma=_init_scale(weight_init_std, input_size))
        self.params["b1"] = matrix.zeros(hidden_size)
        self.params["W2"] = matrix.gaussian(rng, hidden_size, output_size,
                                            sigma=_init_scale(weight_init_std, hidden_size))
        self.params["b2"] = matrix.zeros(output_size)
        self._build_layers()

    def _build_layers(self):
        """Build the layers on self.params: Affine1, Relu1, Affine2, and the loss."""
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()
        self.layers["Affine1"].compute_dx = False      # nobody needs dL/dx of the data
        self.layers["Affine2"].dx_of_zero_inputs = False    # Relu1 drops them
        self.param_layers = ("Affine1", "Affine2")

    @classmethod
    def from_params(cls, params):
        """Return a TwoLayerNet on exactly these params (W1, b1, W2, b2), drawing nothing."""
        _check_chain(params, 2, "TwoLayerNet")
        net = cls.__new__(cls)
        net.params = params
        net._build_layers()
        return net

    def config(self):
        """Return the settings, beyond the weights, that rebuild this network: none."""
        return {}

    def _last(self):
        return self.lastLayer


class MultiLayerNet(_LayeredNet):
    """Chapter 6's fully connected network of any depth (MultiLayerNet and MultiLayerNetExtend).

    Each hidden layer is Affine, then BatchNorm (``use_batchnorm``), then
    the activation ("relu", "sigmoid" or "tanh"), then Dropout
    (``use_dropout``); the output layer is Affine and SoftmaxWithLoss.
    ``weight_init_std`` is a number, "relu"/"he" (sqrt(2/n)) or
    "sigmoid"/"xavier" (sqrt(1/n)); ``weight_decay_lambda`` adds
    0.5 * lambda * sum W^2 to the loss and lambda * W to each W's gradient.
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0, use_dropout=False,
                 dropout_ratio=0.5, use_batchnorm=False, seed=None):
        self.input_size = _check_size(input_size, "input_size")
        self.output_size = _check_size(output_size, "output_size")
        if isinstance(hidden_size_list, (str, bytes)) or not hasattr(hidden_size_list, "__iter__"):
            raise ArgumentError("hidden_size_list must be a list of layer sizes such as "
                             "[100, 100], not %r" % (hidden_size_list,))
        self.hidden_size_list = [_check_size(size, "each hidden size")
                                 for size in hidden_size_list]
        self.hidden_layer_num = len(self.hidden_size_list)
        self._configure(activation, weight_decay_lambda, use_dropout, dropout_ratio,
                        use_batchnorm)
        rng = _rng(seed)
        self.params = {}
        self.__init_weight(weight_init_std, rng)
        if self.use_batchnorm:
            for idx, size in enumerate(self.hidden_size_list, start=1):
                self.params["gamma%d" % idx] = [1.0] * size
                self.params["beta%d" % idx] = [0.0] * size
        self._build_layers(rng)

    def _configure(self, activation, weight_decay_lambda, use_dropout, dropout_ratio,
                   use_batchnorm):
        """Check and keep the settings other than the sizes and weights."""
        if not isinstance(activation, str) or activation.lower() not in ACTIVATION_LAYERS:
            raise ArgumentError("unknown activation %r; expected one of %s"
                             % (activation, ", ".join(ACTIVATION_LAYERS)))
        if isinstance(weight_decay_lambda, bool) or \
                not isinstance(weight_decay_lambda, (int, float)) or \
                not math.isfinite(weight_decay_lambda) or weight_decay_lambda < 0:
            raise ArgumentError("weight_decay_lambda must be a number of at least 0, not %r"
                             % (weight_decay_lambda,))
        self.activation = activation.lower()
        self.weight_decay_lambda = float(weight_decay_lambda)
        self.use_dropout = bool(use_dropout)
        self.dropout_ratio = dropout_ratio
        self.use_batchnorm = bool(use_batchnorm)

    def _build_layers(self, rng):
        """Build the layers on self.params, in the book's order; ``rng`` feeds dropout."""
        activation_layer = ACTIVATION_LAYERS[self.activation]
        self.layers = OrderedDict()
        for idx in range(1, self.hidden_layer_num + 1):
            self.layers["Affine%d" % idx] = Affine(self.params["W%d" % idx],
                                                   self.params["b%d" % idx])
            if self.use_batchnorm:
                self.layers["BatchNorm%d" % idx] = BatchNormalization(
                    self.params["gamma%d" % idx], self.params["beta%d" % idx])
            self.layers["Activation_function%d" % idx] = activation_layer()
            if self.use_dropout:
                self.layers["Dropout%d" % idx] = Dropout(self.dropout_ratio, rng=rng)
        idx = self.hidden_layer_num + 1
        self.layers["Affine%d" % idx] = Affine(self.params["W%d" % idx],
                                               self.params["b%d" % idx])
        self.last_layer = SoftmaxWithLoss()
        self.layers["Affine1"].compute_dx = False       # nobody needs dL/dx of the data
        if self.activation in ("relu", "sigmoid"):
            # An input of 0 came from a ReLU (or dropout, or a sigmoid that
            # underflowed), whose backward drops its gradient; tanh(0) is 0 too,
            # but its slope there is 1.
            for i in range(2, idx + 1):
                self.layers["Affine%d" % i].dx_of_zero_inputs = False
        self.param_layers = tuple("Affine%d" % i for i in range(1, idx + 1))

    @classmethod
    def from_params(cls, params, activation="relu", weight_decay_lambda=0, use_dropout=False,
                    dropout_ratio=0.5, use_batchnorm=False, seed=None):
        """Return a MultiLayerNet on exactly these params, drawing no weights.

        The sizes come from the matrices W1, W2, ... themselves; gamma and
        beta must be there with use_batchnorm.
        """
        depth = sum(1 for key in params if key.startswith("W"))
        sizes = _check_chain(params, depth, "MultiLayerNet")
        net = cls.__new__(cls)
        net.input_size, net.output_size = sizes[0], sizes[-1]
        net.hidden_size_list = sizes[1:-1]
        net.hidden_layer_num = len(net.hidden_size_list)
        net._configure(activation, weight_decay_lambda, use_dropout, dropout_ratio,
                       use_batchnorm)
        if net.use_batchnorm:
            for idx, size in enumerate(net.hidden_size_list, start=1):
                for key in ("gamma%d" % idx, "beta%d" % idx):
                    if len(params.get(key, ())) != size:
                        raise ArgumentError("batch normalisation needs %s of %d numbers"
                                         % (key, size))
        net.params = params
        net._build_layers(_rng(seed))
        return net

    def config(self):
        """Return the settings, beyond the weights, that rebuild this network."""
        return {"activation": self.activation, "weight_decay_lambda": self.weight_decay_lambda,
                "use_dropout": self.use_dropout, "dropout_ratio": self.dropout_ratio,
                "use_batchnorm": self.use_batchnorm}

    def __init_weight(self, weight_init_std, rng):
        """Draw every W from N(0, scale^2) and set every b to zero."""
        all_size_list = [self.input_size] + self.hidden_size_list + [self.output_size]
        for idx in range(1, len(all_size_list)):
            scale = _init_scale(weight_init_std, all_size_list[idx - 1])
            self.params["W%d" % idx] = matrix.gaussian(
                rng, all_size_list[idx - 1], all_size_list[idx], sigma=scale)
            self.params["b%d" % idx] = matrix.zeros(all_size_list[idx])

    def _last(self):
        return self.last_layer


#: The layered networks a params file can hold, by the name save_params writes.
NETWORKS = {"TwoLayerNet": TwoLayerNet, "MultiLayerNet": MultiLayerNet}


def load(file_name, networks=None):
    """Return the network saved by save_params in ``file_name``, built from the file's numbers.

    ``networks`` maps the names a file may give to the classes that build
    them (default NETWORKS; pureml.convnet adds its own).

    No weight is drawn at random and nothing is allocated beyond what the
    file holds: the sizes come from the matrices in the file, which must
    chain (W2 has as many rows as W1 has columns, and so on).  Raises
    ModelFileError naming the file and what was wrong.
    """
    name = str(file_name)
    data = modelfile.read_json(file_name, "params file")
    params = _read_params(data, name)
    kind = data["network"]
    cls = modelfile.name_in(kind, NETWORKS if networks is None else networks, "network",
                            "network", name)
    config = data.get("config", {})
    if not isinstance(config, dict):
        raise ModelFileError("%s: 'config' should be an object, not %s"
                             % (name, modelfile.kind(config)))
    try:
        net = cls.from_params(params, **config)
    except TypeError as exc:
        raise ModelFileError("%s: bad config for %s: %s" % (name, kind, exc)) from None
    except ArgumentError as exc:
        raise ModelFileError("%s: %s" % (name, exc)) from None
    net._set_running(net._read_running(data.get("running", {}), name))
    return net
