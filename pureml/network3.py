"""The book's network3.py: chapter 6's convolutional networks, in pure Python.

Code written for network3.py (which needs Theano) runs on this module with
its imports changed::

    from pureml import network3
    from pureml.network3 import ConvPoolLayer, FullyConnectedLayer, Network, ReLU, SoftmaxLayer
    training_data, validation_data, test_data = network3.load_data_shared()
    mini_batch_size = 10
    net = Network([
        ConvPoolLayer(image_shape=(mini_batch_size, 1, 28, 28),
                      filter_shape=(20, 1, 5, 5), poolsize=(2, 2), activation_fn=ReLU),
        FullyConnectedLayer(n_in=20*12*12, n_out=100, activation_fn=ReLU),
        SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size)
    net.SGD(training_data, 60, mini_batch_size, 0.03, validation_data, test_data, lmbda=0.1)

Theano works out the gradients of network3's symbolic cost; here each
network3 layer is a short stack of Deep Learning from Scratch's layers
(pureml.layers), whose backward passes give the same gradients.  A
ConvPoolLayer is Convolution, Pooling and the activation (network3 adds
the bias and applies the activation after pooling; for the increasing
activations it offers, that is the same as pooling the activations); a
FullyConnectedLayer is Dropout on its input (in training, with
``p_dropout``), Affine and the activation; the SoftmaxLayer is Dropout,
Affine and SoftmaxWithLoss (the log-likelihood cost).  ``params`` is a
dict W1, b1, W2, b2, ... (one pair per network3 layer), as DLFS's networks
keep theirs, and ``save_params``/``load_params`` write and read it.
"""

import math
import random
import time
from collections import OrderedDict

from pureml import mnist
from pureml.arguments import check_count, check_fraction
from pureml.convnet import as_images, gaussian_filters
from pureml.data import paramsfile
from pureml.engine import collector, dense, shortcuts
from pureml.engine.conv import output_size
from pureml.engine.vectors import gaussian, nested_shape, sumprod, zeros
from pureml.errors import ArgumentError, DivergenceError
from pureml.functions import numerical_gradient
from pureml.layernet import accuracy_of
from pureml.parallel import blocks
from pureml.layers import (Affine, Convolution, Dropout, Pooling, Relu, Sigmoid,
                           SoftmaxWithLoss, Tanh)

__all__ = ["Network", "ConvPoolLayer", "FullyConnectedLayer", "SoftmaxLayer", "sigmoid",
           "tanh", "ReLU", "load_data_shared", "size", "load", "NETWORKS"]

#: network3's activation functions, as pureml.layers' classes.
sigmoid, tanh, ReLU = Sigmoid, Tanh, Relu

#: The activations a file may name, by the names it writes.
_ACTIVATIONS = {"sigmoid": Sigmoid, "relu": Relu, "tanh": Tanh}


def load_data_shared(filename=None):
    """Return (training_data, validation_data, test_data) as network3's SGD takes them.

    Each is a pair (images, labels): lists of 784 floats and int labels,
    Nielsen's 50,000 / 10,000 / 10,000 split.  ``filename`` is the data
    folder (the book's was the path of its pickle).
    """
    return mnist.load_data(filename)


def size(data):
    """Return the size of the dataset ``data`` (images, labels)."""
    return len(data[0])


def _activation_name(activation_fn):
    """Return the name a file gives an activation class; ArgumentError for one it cannot hold."""
    for name, cls in _ACTIVATIONS.items():
        if cls is activation_fn:
            return name
    raise ArgumentError("activation_fn must be one of sigmoid, tanh, ReLU, not %r"
                        % (activation_fn,))


def _ints(config, key, count):
    """Return config[key] as a tuple of ``count`` positive ints; ArgumentError if it is not."""
    value = config.get(key)
    if not isinstance(value, (list, tuple)) or len(value) != count:
        raise ArgumentError("%s should be a list of %d positive ints, not %r" % (key, count, value))
    return tuple(check_count(v, key, 1) for v in value)


def _check_shape(what, value, shape):
    """Raise ArgumentError unless value is nested lists of numbers shaped ``shape``."""
    if value is None or nested_shape(value) != tuple(shape):
        raise ArgumentError("%s should be shaped %s, not %s" % (
            what, "x".join(map(str, shape)),
            "missing" if value is None else "x".join(map(str, nested_shape(value)))))


class ConvPoolLayer:
    """Combine a convolutional and a max-pooling layer into one layer.

    ``filter_shape`` is (number of filters, number of input feature maps,
    filter height, filter width); ``image_shape`` is (mini-batch size,
    number of input feature maps, image height, image width); ``poolsize``
    is the y, x pooling sizes.  The weights start as N(0, 1/n_out) draws,
    n_out = filters * filter area / pool area, the biases as N(0, 1).
    """

    def __init__(self, filter_shape, image_shape, poolsize=(2, 2), activation_fn=sigmoid,
                 rng=None):
        self.filter_shape = _ints({"filter_shape": filter_shape}, "filter_shape", 4)
        self.image_shape = _ints({"image_shape": image_shape}, "image_shape", 4)
        self.poolsize = _ints({"poolsize": poolsize}, "poolsize", 2)
        self.activation_fn = activation_fn
        self._check()
        rng = rng or random.Random()
        n_out = (filter_shape[0] * filter_shape[2] * filter_shape[3]
                 / (poolsize[0] * poolsize[1]))
        self.build(gaussian_filters(rng, *filter_shape, math.sqrt(1.0 / n_out)),
                   gaussian(rng, filter_shape[0]), rng)

    def _check(self):
        """Check that the shapes fit together: channels, and a filter and pool inside the image."""
        fn, channels, fh, fw = self.filter_shape
        _n, image_channels, height, width = self.image_shape
        if channels != image_channels:
            raise ArgumentError("filter_shape %r has %d input maps but image_shape %r has %d"
                                % (self.filter_shape, channels, self.image_shape, image_channels))
        conv_h, conv_w = output_size(height, fh, 1, 0), output_size(width, fw, 1, 0)
        if conv_h < self.poolsize[0] or conv_w < self.poolsize[1]:
            raise ArgumentError("a %dx%d convolution of %dx%d images leaves %dx%d, smaller than "
                                "the %dx%d pool" % (fh, fw, height, width, conv_h, conv_w,
                                                    *self.poolsize))
        _activation_name(self.activation_fn)
        self.n_in = image_channels * height * width
        self.n_out = fn * (conv_h // self.poolsize[0]) * (conv_w // self.poolsize[1])

    def build(self, w, b, rng):
        """Make the layer's parts on the weights w and biases b."""
        self.w, self.b = w, b
        self.params = [self.w, self.b]
        self.parts = [("Conv", Convolution(self.w, self.b)),
                      ("Pool", Pooling(self.poolsize[0], self.poolsize[1],
                                       stride=self.poolsize[0])),
                      ("Activation", self.activation_fn())]

    def config(self):
        """Return what rebuilds this layer around its weights: network3's arguments."""
        return {"kind": "ConvPoolLayer", "filter_shape": list(self.filter_shape),
                "image_shape": list(self.image_shape), "poolsize": list(self.poolsize),
                "activation_fn": _activation_name(self.activation_fn)}


class FullyConnectedLayer:
    """network3's fully connected layer: dropout on its input in training, then activation(x w + b)."""

    def __init__(self, n_in, n_out, activation_fn=sigmoid, p_dropout=0.0, rng=None):
        self.n_in, self.n_out = check_count(n_in, "n_in", 1), check_count(n_out, "n_out", 1)
        self.activation_fn = activation_fn
        self.p_dropout = check_fraction(p_dropout, "p_dropout")
        rng = rng or random.Random()
        self.build(gaussian(rng, n_in, n_out, sigma=math.sqrt(1.0 / n_out)),
                   gaussian(rng, n_out), rng)

    def build(self, w, b, rng):
        """Make the layer's parts on the weights w and biases b."""
        self.w, self.b = w, b
        self.params = [self.w, self.b]
        self.parts = ([("Dropout", Dropout(self.p_dropout, rng=rng))] if self.p_dropout
                      else []) + [("Affine", Affine(self.w, self.b)),
                                  ("Activation", self.activation_fn())]

    def config(self):
        """Return what rebuilds this layer around its weights: network3's arguments."""
        return {"kind": "FullyConnectedLayer", "n_in": self.n_in, "n_out": self.n_out,
                "activation_fn": _activation_name(self.activation_fn),
                "p_dropout": self.p_dropout}


class SoftmaxLayer:
    """network3's softmax output layer (weights and biases start at zero), for the log-likelihood cost."""

    def __init__(self, n_in, n_out, p_dropout=0.0, rng=None):
        self.n_in, self.n_out = check_count(n_in, "n_in", 1), check_count(n_out, "n_out", 1)
        self.p_dropout = check_fraction(p_dropout, "p_dropout")
        self.build(zeros(n_in, n_out), zeros(n_out), rng or random.Random())

    def build(self, w, b, rng):
        """Make the layer's parts on the weights w and biases b."""
        self.w, self.b = w, b
        self.params = [self.w, self.b]
        self.parts = ([("Dropout", Dropout(self.p_dropout, rng=rng))]
                      if self.p_dropout else []) + [("Affine", Affine(self.w, self.b))]

    def config(self):
        """Return what rebuilds this layer around its weights: network3's arguments."""
        return {"kind": "SoftmaxLayer", "n_in": self.n_in, "n_out": self.n_out,
                "p_dropout": self.p_dropout}


class Network:
    """network3's Network: a list of its layers, trained by SGD on mini-batches.

    ``layers`` is a list of ConvPoolLayer, FullyConnectedLayer and
    SoftmaxLayer (the last), as in the book; each layer's outputs must be
    the next one's inputs.
    """

    def __init__(self, layers, mini_batch_size):
        if not layers or not isinstance(layers[-1], SoftmaxLayer):
            raise ArgumentError("a network3 Network's last layer must be a SoftmaxLayer")
        for idx, (layer, after) in enumerate(zip(layers, layers[1:]), start=1):
            if layer.n_out != after.n_in:
                raise ArgumentError("layer %d gives %d outputs but layer %d takes %d inputs"
                                    % (idx, layer.n_out, idx + 1, after.n_in))
        self.net_layers = list(layers)
        self.mini_batch_size = check_count(mini_batch_size, "mini_batch_size", 1)
        first = layers[0]
        self.input_shape = first.image_shape[1:] if isinstance(first, ConvPoolLayer) else None
        self.params = {}
        self.layers = OrderedDict()
        on_data, behind_relu, previous = [], [], None
        for idx, layer in enumerate(layers, start=1):
            self.params["W%d" % idx], self.params["b%d" % idx] = layer.params
            for name, part in layer.parts:
                key = "%s%d" % (name, idx)
                self.layers[key] = part
                if idx == 1 and not any(k[:4] in ("Conv", "Affi") for k in on_data):
                    on_data.append(key)             # up to the first weights: they see the data
                if name == "Affine" and previous in (Relu, Sigmoid):
                    behind_relu.append(key)         # its zero inputs' gradient is dropped
            previous = getattr(layer, "activation_fn", None)
        self.last_layer = SoftmaxWithLoss()
        shortcuts.skip_unread(self.layers, on_data=on_data, behind_relu=behind_relu)
        self.weight_decay_lambda = 0.0

    def predict(self, x, train_flg=False):
        """Return the output scores for a batch (flat examples are reshaped for a ConvPoolLayer)."""
        if self.input_shape is not None:
            x = as_images(x, self.input_shape)
        for key, layer in self.layers.items():
            x = layer.forward(x, train_flg) if key.startswith("Dropout") else layer.forward(x)
        return x

    def loss(self, x, t, train_flg=False):
        """Return the log-likelihood cost, plus 0.5 * lambda * sum w^2 over every layer's w."""
        y = self.predict(x, train_flg)
        decay = 0.0
        if self.weight_decay_lambda:
            decay = 0.5 * self.weight_decay_lambda * math.fsum(
                sumprod(row, row) for layer in self.net_layers for row in _rows(layer.w))
        return self.last_layer.forward(y, t) + decay

    def accuracy(self, x, t):
        """Return the fraction of x the network labels right, a float from 0 to 1."""
        return accuracy_of(self, x, t)

    def numerical_gradient(self, x, t):
        """Return the gradient of the loss by central differences (pureml's check on gradient)."""
        loss_W = lambda W: self.loss(x, t, train_flg=True)     # noqa: E731
        return {key: numerical_gradient(loss_W, value) for key, value in self.params.items()}

    def gradient(self, x, t):
        """Return the gradient of the loss by backpropagation, a dict shaped like params."""
        self.last_loss = self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        grads, lmbda = {}, self.weight_decay_lambda
        for idx in range(1, len(self.net_layers) + 1):
            part = self.layers.get("Conv%d" % idx) or self.layers["Affine%d" % idx]
            grads["W%d" % idx] = _plus_scaled(part.dW, lmbda, part.W) if lmbda else part.dW
            grads["b%d" % idx] = part.db
        return grads

    @blocks.on_every_core
    @collector.paused_while
    def SGD(self, training_data, epochs, mini_batch_size, eta, validation_data, test_data=None,
            lmbda=0.0, verbose=True, on_batch=None, on_epoch=None):
        """Train the network using mini-batch stochastic gradient descent, as network3.py does.

        The data are (images, labels) pairs as ``load_data_shared`` gives
        them.  As in network3 the mini-batches are taken in order (not
        shuffled), the cost is the log-likelihood plus 0.5 * lmbda * sum w^2
        / num_training_batches, and after each epoch the validation
        accuracy is printed and, when it is the best so far, the test
        accuracy.  ``on_batch(done, total, cost)`` and ``on_epoch(record)``
        report progress (record: epoch, validation_accuracy, test_accuracy,
        best, seconds).  ``workers=N`` shares each mini-batch's gradient among
        N processes, in fixed blocks (pureml.parallel.blocks): any N, 1
        included, gives the same numbers.  Returns (best validation accuracy,
        its test accuracy).
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
                for key, grad in grads.items():                 # param - eta * grad
                    dense.add_scaled_in_place(_rows(self.params[key]), -eta, _rows(grad))
                if not math.isfinite(self.last_loss):
                    raise DivergenceError("training diverged in epoch %d (the cost became %r); "
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

    # -- pureml's: files -------------------------------------------------------------

    def save_params(self, file_name="params.json", metadata=None):
        """Save the layers' settings and weights to ``file_name`` as JSON, atomically; return None."""
        paramsfile.write(file_name, self, metadata)

    def load_params(self, file_name="params.json"):
        """Load weights save_params wrote into this network's own lists, in place; return None."""
        paramsfile.load_into(self, file_name)

    def config(self):
        """Return the settings, beyond the weights, that rebuild this network: its layers."""
        return {"layers": [layer.config() for layer in self.net_layers],
                "mini_batch_size": self.mini_batch_size}

    @classmethod
    def from_params(cls, params, layers=(), mini_batch_size=10):
        """Return the network ``layers`` (configs) describe, on exactly these params, drawing nothing."""
        if not isinstance(layers, list) or not layers:
            raise ArgumentError("a network3 Network needs its layers, a non-empty list; got %s"
                                % type(layers).__name__)
        if len(params) != 2 * len(layers):
            raise ArgumentError("%d layers have %d parameters, not %d"
                                % (len(layers), 2 * len(layers), len(params)))
        return cls([_layer_from_config(idx, config, params)
                    for idx, config in enumerate(layers, start=1)], mini_batch_size)


def _rows(param):
    """Return a parameter (a vector, a matrix or a filter bank) as a list of its innermost rows."""
    if not (param and isinstance(param[0], list)):
        return [param]
    if isinstance(param[0][0], list):
        return [row for part in param for row in _rows(part)]
    return param


def _plus_scaled(d, c, w):
    """Return d + c * w for nested lists of the same shape (weight decay's gradient)."""
    if d and isinstance(d[0], list):
        return [_plus_scaled(dp, c, wp) for dp, wp in zip(d, w)]
    return [dv + c * wv for dv, wv in zip(d, w)]


_LAYERS = {cls.__name__: cls for cls in (ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer)}


def _layer_from_config(idx, config, params):
    """Return layer ``idx`` as its config describes it, on params W<idx>, b<idx>, drawing nothing."""
    kind = config.get("kind") if isinstance(config, dict) else None
    if not isinstance(kind, str) or kind not in _LAYERS:
        raise ArgumentError("layer %d should be one of %s, not %r"
                            % (idx, ", ".join(sorted(_LAYERS)), kind))
    layer = _LAYERS[kind].__new__(_LAYERS[kind])
    w, b = params.get("W%d" % idx), params.get("b%d" % idx)
    if kind != "SoftmaxLayer":
        name = config.get("activation_fn")
        if not isinstance(name, str) or name not in _ACTIVATIONS:
            raise ArgumentError("layer %d's activation_fn should be one of %s, not %r"
                                % (idx, ", ".join(sorted(_ACTIVATIONS)), name))
        layer.activation_fn = _ACTIVATIONS[name]
    if kind == "ConvPoolLayer":
        layer.filter_shape = _ints(config, "filter_shape", 4)
        layer.image_shape = _ints(config, "image_shape", 4)
        layer.poolsize = _ints(config, "poolsize", 2)
        layer._check()
        _check_shape("layer %d's w" % idx, w, layer.filter_shape)
        _check_shape("layer %d's b" % idx, b, layer.filter_shape[:1])
    else:
        layer.n_in = check_count(config.get("n_in"), "layer %d's n_in" % idx, 1)
        layer.n_out = check_count(config.get("n_out"), "layer %d's n_out" % idx, 1)
        layer.p_dropout = check_fraction(config.get("p_dropout", 0.0),
                                         "layer %d's p_dropout" % idx)
        _check_shape("layer %d's w" % idx, w, (layer.n_in, layer.n_out))
        _check_shape("layer %d's b" % idx, b, (layer.n_out,))
    layer.build(w, b, random.Random())
    return layer


#: The networks a params file of network3's can hold ("ConvNetwork" in older files).
NETWORKS = {"Network": Network, "ConvNetwork": Network}


def load(file_name):
    """Return the network3 Network saved by save_params in ``file_name``."""
    return paramsfile.build(paramsfile.read(file_name), str(file_name), NETWORKS)
