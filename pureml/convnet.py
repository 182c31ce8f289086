"""Convolutional networks: DLFS chapter 7's SimpleConvNet and Nielsen's chapter 6 network3.

Both are built from pureml.layers' Convolution, Pooling, Affine, Relu,
Sigmoid, Dropout and SoftmaxWithLoss, so they share every line of
arithmetic with each other and with the fully connected networks.

``SimpleConvNet`` is the book's ch07/simple_convnet.py: Conv1 -> Relu1 ->
Pool1 -> Affine1 -> Relu2 -> Affine2 -> SoftmaxWithLoss, with ``params``
W1 (the filters, FN x C x FH x FW), b1, W2, b2, W3, b3, and the methods
``predict``, ``loss``, ``accuracy``, ``numerical_gradient``, ``gradient``,
``save_params`` and ``load_params``.  Trainer trains it.

``ConvPoolLayer``, ``FullyConnectedLayer`` and ``SoftmaxLayer`` are
network3.py's layers, and ``ConvNetwork(layers, mini_batch_size)`` its
Network, trained by ``SGD(training_data, epochs, mini_batch_size, eta,
validation_data, test_data, lmbda)`` as the book's is (see pureml.network3
for the book's own names).  Each network3 layer is a short stack of the
layers above: a ConvPoolLayer is Convolution, Pooling and the activation
(applied after pooling, as network3 does; for an increasing activation
that equals pooling the activations, on a quarter of the values).
"""

import math
import random
import time
from collections import OrderedDict

from pureml import convolution, matrix
from pureml.convolution import output_size
from pureml.layernet import NETWORKS, _LayeredNet, _rng
from pureml.layernet import load as _load_layered
from pureml.layers import (Affine, Convolution, Dropout, ArgumentError, Pooling, Relu, Sigmoid,
                           SoftmaxWithLoss, Tanh)

__all__ = ["SimpleConvNet", "ConvPoolLayer", "FullyConnectedLayer", "SoftmaxLayer",
           "ConvNetwork", "load", "DEFAULT_CONV_PARAM"]

#: SimpleConvNet's conv_param, as the book's default.
DEFAULT_CONV_PARAM = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}


def _gaussian_filters(rng, fn, c, fh, fw, sigma):
    """Return FN x C x FH x FW draws from N(0, sigma^2), filter by filter (np.random.randn's order)."""
    return [[matrix.gaussian(rng, fh, fw, sigma=sigma) for _ in range(c)] for _ in range(fn)]


def _as_images(x, shape):
    """Return a batch as images of ``shape`` (C, H, W): flat examples are reshaped, images kept."""
    c, h, w = shape
    if x and isinstance(x[0], list) and x[0] and not isinstance(x[0][0], list):
        if any(len(example) != c * h * w for example in x):
            raise ArgumentError("an input has %d numbers; expected %d (%d x %d x %d) or an image"
                             % (next(len(e) for e in x if len(e) != c * h * w), c * h * w,
                                c, h, w))
        return [[[example[(k * h + i) * w:(k * h + i + 1) * w] for i in range(h)]
                 for k in range(c)] for example in x]
    return x


# ---------------------------------------------------------------------------
# Deep Learning from Scratch, chapter 7


class SimpleConvNet(_LayeredNet):
    """The book's simple convolutional network: conv - relu - pool - affine - relu - affine - softmax.

    ``input_dim`` is (C, H, W); ``conv_param`` gives filter_num,
    filter_size, pad and stride (the book's defaults for any left out).
    Weights start as weight_init_std times N(0, 1) draws and biases at
    zero; ``seed`` makes them repeatable.  A flat example of C * H * W
    numbers (load_mnist's default) is taken as the image it flattens.
    """

    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100,
                 output_size=10, weight_init_std=0.01, seed=None):
        self._configure(input_dim, conv_param)
        filter_num, filter_size = self.conv_param["filter_num"], self.conv_param["filter_size"]
        rng = _rng(seed)
        # initialise the weights
        self.params = {}
        self.params["W1"] = _gaussian_filters(rng, filter_num, self.input_dim[0], filter_size,
                                              filter_size, weight_init_std)
        self.params["b1"] = matrix.zeros(filter_num)
        self.params["W2"] = matrix.gaussian(rng, self.pool_output_size, hidden_size,
                                            sigma=weight_init_std)
        self.params["b2"] = matrix.zeros(hidden_size)
        self.params["W3"] = matrix.gaussian(rng, hidden_size, output_size, sigma=weight_init_std)
        self.params["b3"] = matrix.zeros(output_size)
        self._build_layers()

    def _configure(self, input_dim, conv_param):
        """Check and keep input_dim and conv_param; work out the pooled size."""
        conv_param = dict(DEFAULT_CONV_PARAM, **(conv_param or {}))
        for key, minimum in (("filter_num", 1), ("filter_size", 1), ("pad", 0), ("stride", 1)):
            value = conv_param[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ArgumentError("conv_param[%r] must be a whole number of at least %d, not %r"
                                 % (key, minimum, value))
        if conv_param["pad"] >= conv_param["filter_size"]:
            # More padding than that only adds outputs that see nothing but zeros
            # (and a file could claim pad 10**6 to make backward allocate it).
            raise ArgumentError("conv_param['pad'] must be less than filter_size (%d), not %r"
                             % (conv_param["filter_size"], conv_param["pad"]))
        if len(input_dim) != 3 or any(isinstance(v, bool) or not isinstance(v, int) or v < 1
                                      for v in input_dim):
            raise ArgumentError("input_dim must be (channels, height, width), not %r"
                             % (input_dim,))
        try:
            conv_h = output_size(input_dim[1], conv_param["filter_size"], conv_param["stride"],
                                 conv_param["pad"])
            conv_w = output_size(input_dim[2], conv_param["filter_size"], conv_param["stride"],
                                 conv_param["pad"])
        except ValueError as exc:
            raise ArgumentError("input_dim %r and conv_param: %s" % (tuple(input_dim), exc)) from None
        if conv_h < 2 or conv_w < 2:
            raise ArgumentError("the convolution's output (%d x %d) is too small for 2 x 2 pooling"
                             % (conv_h, conv_w))
        self.input_dim = tuple(input_dim)
        self.conv_param = conv_param
        self.pool_output_size = conv_param["filter_num"] * (conv_h // 2) * (conv_w // 2)

    def _build_layers(self):
        """Build the book's layers on self.params."""
        self.layers = OrderedDict()
        self.layers["Conv1"] = Convolution(self.params["W1"], self.params["b1"],
                                           self.conv_param["stride"], self.conv_param["pad"])
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = Pooling(pool_h=2, pool_w=2, stride=2)
        self.layers["Affine1"] = Affine(self.params["W2"], self.params["b2"])
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W3"], self.params["b3"])
        self.last_layer = SoftmaxWithLoss()
        self.layers["Conv1"].compute_dx = False     # nobody needs dL/dx of the data
        for key in ("Affine1", "Affine2"):          # their zero inputs came out of a ReLU
            self.layers[key].dx_of_zero_inputs = False
        self.param_layers = ("Conv1", "Affine1", "Affine2")

    def predict(self, x, train_flg=False):
        """Return the output scores for a batch of images (or of flat C * H * W examples)."""
        with convolution.collector_paused():        # see pureml.convolution
            return super().predict(_as_images(x, self.input_dim), train_flg)

    def gradient(self, x, t):
        """Return the gradient of the loss by backpropagation, a dict shaped like params."""
        with convolution.collector_paused():
            return super().gradient(x, t)

    @classmethod
    def from_params(cls, params, input_dim=(1, 28, 28), conv_param=None):
        """Return a SimpleConvNet on exactly these params, drawing nothing; ArgumentError if they do not fit."""
        net = cls.__new__(cls)
        net._configure(tuple(input_dim), conv_param)
        fn, size = net.conv_param["filter_num"], net.conv_param["filter_size"]
        W1, W2, W3 = params.get("W1"), params.get("W2"), params.get("W3")
        shapes = [("W1", W1, (fn, net.input_dim[0], size, size)),
                  ("b1", params.get("b1"), (fn,)),
                  ("W2", W2, (net.pool_output_size, len(W2[0]) if W2 else 0)),
                  ("b2", params.get("b2"), (len(W2[0]) if W2 else 0,)),
                  ("W3", W3, (len(W2[0]) if W2 else 0, len(W3[0]) if W3 else 0)),
                  ("b3", params.get("b3"), (len(W3[0]) if W3 else 0,))]
        for key, value, shape in shapes:
            if value is None or matrix.nested_shape(value) != shape:
                raise ArgumentError("SimpleConvNet with input_dim %s and conv_param %s needs %s "
                                 "shaped %s" % (net.input_dim, net.conv_param, key,
                                                "x".join(map(str, shape))))
        net.params = params
        net._build_layers()
        return net

    def config(self):
        """Return the settings, beyond the weights, that rebuild this network."""
        return {"input_dim": list(self.input_dim), "conv_param": dict(self.conv_param)}

    def _last(self):
        return self.last_layer


# ---------------------------------------------------------------------------
# Nielsen, chapter 6: network3's layers, built from the layers above.


class ConvPoolLayer:
    """network3's convolutional and max-pooling layer.

    ``filter_shape`` is (number of filters, input feature maps, filter
    height, filter width) and ``image_shape`` (mini-batch size, input
    feature maps, image height, image width), as in the book.  The weights
    start as N(0, 1/n_out) draws, n_out = filters * filter area / pool
    area, and the biases as N(0, 1), as network3's.
    """

    def __init__(self, filter_shape, image_shape, poolsize=(2, 2), activation_fn=Sigmoid,
                 rng=None):
        if filter_shape[1] != image_shape[1]:
            raise ArgumentError("filter_shape %r has %d input maps but image_shape %r has %d"
                             % (filter_shape, filter_shape[1], image_shape, image_shape[1]))
        self.filter_shape, self.image_shape = tuple(filter_shape), tuple(image_shape)
        self.poolsize, self.activation_fn = tuple(poolsize), activation_fn
        rng = rng or random.Random()
        n_out = filter_shape[0] * filter_shape[2] * filter_shape[3] / (poolsize[0] * poolsize[1])
        self._assemble(_gaussian_filters(rng, *filter_shape, math.sqrt(1.0 / n_out)),
                       matrix.gaussian(rng, filter_shape[0]))

    def _assemble(self, w, b):
        """Build the layer's parts on the weights w and biases b."""
        self.w, self.b = w, b
        self.params = [self.w, self.b]
        self.layers = [("Conv", Convolution(self.w, self.b)),
                       ("Pool", Pooling(self.poolsize[0], self.poolsize[1],
                                        stride=self.poolsize[0])),
                       ("Activation", self.activation_fn())]
        self.input_shape = self.image_shape[1:]

    def config(self):
        """Return what rebuilds this layer around its weights: network3's arguments."""
        return {"kind": "ConvPoolLayer", "filter_shape": list(self.filter_shape),
                "image_shape": list(self.image_shape), "poolsize": list(self.poolsize),
                "activation_fn": _activation_name(self.activation_fn)}

    @classmethod
    def from_config(cls, config, w, b):
        """Return the layer a config describes, on the weights w and b (checked against it)."""
        layer = cls.__new__(cls)
        layer.filter_shape = _ints(config, "filter_shape", 4)
        layer.image_shape = _ints(config, "image_shape", 4)
        layer.poolsize = _ints(config, "poolsize", 2)
        layer.activation_fn = _activation(config)
        if layer.filter_shape[1] != layer.image_shape[1]:
            raise ArgumentError("filter_shape %r has %d input maps but image_shape %r has %d"
                             % (layer.filter_shape, layer.filter_shape[1], layer.image_shape,
                                layer.image_shape[1]))
        _check_shape("ConvPoolLayer's w", w, layer.filter_shape)
        _check_shape("ConvPoolLayer's b", b, layer.filter_shape[:1])
        layer._assemble(w, b)
        return layer


class FullyConnectedLayer:
    """network3's fully connected layer: dropout on its input in training, then activation(x w + b)."""

    def __init__(self, n_in, n_out, activation_fn=Sigmoid, p_dropout=0.0, rng=None):
        self.n_in, self.n_out = n_in, n_out
        self.activation_fn, self.p_dropout = activation_fn, p_dropout
        rng = rng or random.Random()
        self._assemble(matrix.gaussian(rng, n_in, n_out, sigma=math.sqrt(1.0 / n_out)),
                       matrix.gaussian(rng, n_out), rng)

    def _assemble(self, w, b, rng):
        """Build the layer's parts on the weights w and biases b."""
        self.w, self.b = w, b
        self.params = [self.w, self.b]
        self.layers = ([("Dropout", Dropout(self.p_dropout, rng=rng))] if self.p_dropout
                       else []) + [("Affine", Affine(self.w, self.b)),
                                   ("Activation", self.activation_fn())]

    def config(self):
        """Return what rebuilds this layer around its weights: network3's arguments."""
        return {"kind": "FullyConnectedLayer", "n_in": self.n_in, "n_out": self.n_out,
                "activation_fn": _activation_name(self.activation_fn),
                "p_dropout": self.p_dropout}

    @classmethod
    def from_config(cls, config, w, b):
        """Return the layer a config describes, on the weights w and b (checked against it)."""
        return _dense_from_config(cls, config, w, b, activation_fn=_activation(config))


class SoftmaxLayer:
    """network3's softmax output layer (weights and biases start at zero), for the log-likelihood cost."""

    def __init__(self, n_in, n_out, p_dropout=0.0, rng=None):
        self.n_in, self.n_out, self.p_dropout = n_in, n_out, p_dropout
        self._assemble(matrix.zeros(n_in, n_out), matrix.zeros(n_out), rng or random.Random())

    def _assemble(self, w, b, rng):
        """Build the layer's parts on the weights w and biases b."""
        self.w, self.b = w, b
        self.params = [self.w, self.b]
        self.layers = ([("Dropout", Dropout(self.p_dropout, rng=rng))]
                       if self.p_dropout else []) + [("Affine", Affine(self.w, self.b))]

    def config(self):
        """Return what rebuilds this layer around its weights: network3's arguments."""
        return {"kind": "SoftmaxLayer", "n_in": self.n_in, "n_out": self.n_out,
                "p_dropout": self.p_dropout}

    @classmethod
    def from_config(cls, config, w, b):
        """Return the layer a config describes, on the weights w and b (checked against it)."""
        return _dense_from_config(cls, config, w, b)


class ConvNetwork(_LayeredNet):
    """network3's Network: a list of its layers, trained by SGD on mini-batches.

    ``layers`` is a list of ConvPoolLayer, FullyConnectedLayer and
    SoftmaxLayer (the last), as in the book.  The network is a layered
    network like DLFS's (``params``, ``layers``, ``predict``, ``gradient``,
    ``accuracy``, ``save_params``), so a reader can look inside it the same
    way.
    """

    def __init__(self, layers, mini_batch_size):
        if not layers or not isinstance(layers[-1], SoftmaxLayer):
            raise ArgumentError("a network3 Network's last layer must be a SoftmaxLayer")
        self.net_layers = list(layers)
        self.mini_batch_size = mini_batch_size
        self.input_shape = getattr(layers[0], "input_shape", None)
        self.params = {}
        self.layers = OrderedDict()
        param_layers = []
        previous = None
        for idx, layer in enumerate(layers, start=1):
            self.params["W%d" % idx], self.params["b%d" % idx] = layer.params
            for name, part in layer.layers:
                key = "%s%d" % (name, idx)
                self.layers[key] = part
                if isinstance(part, (Affine, Convolution)):
                    param_layers.append(key)
                if isinstance(part, Affine) and previous in (Relu, Sigmoid):
                    part.dx_of_zero_inputs = False  # a zero input's gradient is dropped
            previous = getattr(layer, "activation_fn", None)
        self.param_layers = tuple(param_layers)
        first = self.layers[self.param_layers[0]]
        first.compute_dx = False                # nobody needs dL/dx of the data
        self.last_layer = SoftmaxWithLoss()

    def _last(self):
        return self.last_layer

    def config(self):
        """Return the settings, beyond the weights, that rebuild this network: its layers."""
        return {"layers": [layer.config() for layer in self.net_layers],
                "mini_batch_size": self.mini_batch_size}

    @classmethod
    def from_params(cls, params, layers=(), mini_batch_size=10):
        """Return the network ``layers`` (configs) describe, on exactly these params, drawing nothing."""
        if not isinstance(layers, list) or not layers:
            raise ArgumentError("a ConvNetwork needs its layers, a non-empty list; got %s"
                             % type(layers).__name__)
        built = []
        for idx, config in enumerate(layers, start=1):
            kind = config.get("kind") if isinstance(config, dict) else None
            if not isinstance(kind, str) or kind not in _NETWORK3_LAYERS:
                raise ArgumentError("layer %d should be one of %s, not %s" % (
                    idx, ", ".join(sorted(_NETWORK3_LAYERS)), _short(kind)))
            built.append(_NETWORK3_LAYERS[kind].from_config(
                config, params.get("W%d" % idx), params.get("b%d" % idx)))
        if len(params) != 2 * len(built):
            raise ArgumentError("%d layers have %d parameters, not %d"
                             % (len(built), 2 * len(built), len(params)))
        for idx, (layer, after) in enumerate(zip(built, built[1:]), start=1):
            if _outputs(layer) != after.n_in:
                raise ArgumentError("layer %d gives %d outputs but layer %d takes n_in=%d"
                                 % (idx, _outputs(layer), idx + 1, after.n_in))
        return cls(built, _ints({"mini_batch_size": mini_batch_size}, "mini_batch_size", None))

    def predict(self, x, train_flg=False):
        """Return the output scores for a batch (flat examples are reshaped for a ConvPoolLayer)."""
        if self.input_shape is not None:
            x = _as_images(x, self.input_shape)
        with convolution.collector_paused():        # see pureml.convolution
            return super().predict(x, train_flg)

    def gradient(self, x, t):
        """Return the gradient of the loss by backpropagation, a dict shaped like params."""
        with convolution.collector_paused():
            return super().gradient(x, t)

    def SGD(self, training_data, epochs, mini_batch_size, eta, validation_data, test_data=None,
            lmbda=0.0, verbose=True, on_batch=None, on_epoch=None):
        """Train by mini-batch SGD as network3.py does; return the best validation accuracy and its test accuracy.

        The data are (images, labels) pairs as ``mnist.load_data`` gives them
        (network3's load_data_shared): lists of 784 numbers and int labels.
        As in network3, the mini-batches are taken in order (not shuffled),
        the cost is the log-likelihood plus 0.5 * lmbda * sum w^2 /
        num_training_batches, and after each epoch the validation accuracy
        is printed and, when it is the best so far, the test accuracy.
        ``on_batch(done, total, cost)`` and ``on_epoch(record)`` report
        progress (record: epoch, validation_accuracy, test_accuracy, best).
        """
        training_x, training_y = training_data
        validation_x, validation_y = validation_data
        num_training_batches = len(training_x) // mini_batch_size
        if num_training_batches < 1:
            raise ArgumentError("there are fewer training images (%d) than a mini-batch (%d)"
                             % (len(training_x), mini_batch_size))
        self.weight_decay_lambda = lmbda / num_training_batches
        best_validation_accuracy, best_iteration, test_accuracy = 0.0, None, None
        for epoch in range(epochs):
            start = time.perf_counter()
            for minibatch_index in range(num_training_batches):
                iteration = num_training_batches * epoch + minibatch_index
                if verbose and iteration % 1000 == 0:
                    print("Training mini-batch number {0}".format(iteration))
                lo = minibatch_index * mini_batch_size
                grads = self.gradient(training_x[lo:lo + mini_batch_size],
                                      training_y[lo:lo + mini_batch_size])
                for key, grad in grads.items():
                    _step(self.params[key], -eta, grad)
                if not math.isfinite(self.last_loss):
                    raise ArgumentError("training diverged in epoch %d (the cost became %r); "
                                     "try a smaller eta" % (epoch, self.last_loss))
                if on_batch is not None:
                    on_batch((minibatch_index + 1) * mini_batch_size,
                             num_training_batches * mini_batch_size, self.last_loss)
            validation_accuracy = self.accuracy(validation_x, validation_y)
            best = validation_accuracy >= best_validation_accuracy
            if verbose:
                print("Epoch {0}: validation accuracy {1:.2%}".format(epoch, validation_accuracy))
            if best:
                best_validation_accuracy, best_iteration = validation_accuracy, iteration
                if verbose:
                    print("This is the best validation accuracy to date.")
                if test_data:
                    test_accuracy = self.accuracy(*test_data)
                    if verbose:
                        print("The corresponding test accuracy is {0:.2%}".format(test_accuracy))
            if on_epoch is not None:
                on_epoch({"epoch": epoch, "validation_accuracy": validation_accuracy,
                          "test_accuracy": test_accuracy if best else None, "best": best,
                          "seconds": time.perf_counter() - start})
        if verbose:
            print("Finished training network.")
            print("Best validation accuracy of {0:.2%} obtained at iteration {1}".format(
                best_validation_accuracy, best_iteration))
            if test_accuracy is not None:
                print("Corresponding test accuracy of {0:.2%}".format(test_accuracy))
        return best_validation_accuracy, test_accuracy


def _step(param, c, grad):
    """Add c * grad to a parameter (a vector, matrix or filter bank) in place."""
    if not (param and isinstance(param[0], list)):
        matrix.add_scaled_in_place([param], c, [grad])
    elif isinstance(param[0][0], list):
        for part, g in zip(param, grad):
            _step(part, c, g)
    else:
        matrix.add_scaled_in_place(param, c, grad)


def _short(value):
    """Return a short description of a value from a file, for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _ints(config, key, count):
    """Return config[key]: a positive int, or (count given) a tuple of that many; ArgumentError if not."""
    value = config.get(key)
    values = value if count is not None and isinstance(value, list) else [value]
    if (count is not None and (not isinstance(value, list) or len(value) != count)) or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values):
        raise ArgumentError("%s should be %s, not %s" % (
            key, "a positive int" if count is None else "a list of %d positive ints" % count,
            _short(value)))
    return tuple(values) if count is not None else values[0]


def _ratio(config):
    """Return config["p_dropout"], a number from 0 to less than 1; ArgumentError if not."""
    value = config.get("p_dropout", 0.0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ArgumentError("p_dropout should be a number from 0 to less than 1, not %s"
                         % _short(value))
    return value


#: network3's activation functions by the names its files write.
_ACTIVATIONS = {"sigmoid": Sigmoid, "relu": Relu, "tanh": Tanh}


def _activation_name(activation_fn):
    """Return the name a file gives an activation function class."""
    for name, cls in _ACTIVATIONS.items():
        if cls is activation_fn:
            return name
    raise ArgumentError("an activation_fn a file can hold is one of %s, not %r"
                     % (", ".join(sorted(_ACTIVATIONS)), activation_fn))


def _activation(config):
    """Return the activation class config["activation_fn"] names; ArgumentError if it names none."""
    name = config.get("activation_fn")
    if not isinstance(name, str) or name not in _ACTIVATIONS:
        raise ArgumentError("activation_fn should be one of %s, not %s"
                         % (", ".join(sorted(_ACTIVATIONS)), _short(name)))
    return _ACTIVATIONS[name]


def _dense_from_config(cls, config, w, b, **settings):
    """Return a FullyConnectedLayer or SoftmaxLayer (``cls``) from its config, on w and b."""
    layer = cls.__new__(cls)
    layer.n_in, layer.n_out = _ints(config, "n_in", None), _ints(config, "n_out", None)
    layer.p_dropout = _ratio(config)
    layer.__dict__.update(settings)
    _check_shape("%s's w" % cls.__name__, w, (layer.n_in, layer.n_out))
    _check_shape("%s's b" % cls.__name__, b, (layer.n_out,))
    layer._assemble(w, b, random.Random())
    return layer


def _outputs(layer):
    """Return how many numbers a network3 layer gives the next, per example."""
    if isinstance(layer, ConvPoolLayer):
        fn, _c, fh, fw = layer.filter_shape
        _n, _c, height, width = layer.image_shape
        ph, pw = layer.poolsize
        return fn * ((height - fh + 1) // ph) * ((width - fw + 1) // pw)
    return layer.n_out


def _check_shape(what, value, shape):
    """Raise ArgumentError unless value is nested lists of numbers shaped ``shape``."""
    if value is None or matrix.nested_shape(value) != tuple(shape):
        raise ArgumentError("%s should be shaped %s, not %s" % (
            what, "x".join(map(str, shape)),
            "missing" if value is None else "x".join(map(str, matrix.nested_shape(value)))))


_NETWORK3_LAYERS = {cls.__name__: cls for cls in (ConvPoolLayer, FullyConnectedLayer,
                                                  SoftmaxLayer)}

#: The networks a params file can hold, by the name save_params writes.
CONV_NETWORKS = dict(NETWORKS, SimpleConvNet=SimpleConvNet, ConvNetwork=ConvNetwork)


def load(file_name):
    """Return the network (SimpleConvNet, TwoLayerNet or MultiLayerNet) saved in ``file_name``."""
    return _load_layered(file_name, CONV_NETWORKS)

