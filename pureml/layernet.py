"""Deep Learning from Scratch's layered networks: TwoLayerNet and MultiLayerNet.

``TwoLayerNet`` is chapter 5's ch05/two_layer_net.py: Affine -> Relu ->
Affine -> SoftmaxWithLoss, with ``params``, ``layers``, ``lastLayer``,
``predict``, ``loss``, ``accuracy``, ``numerical_gradient`` and
``gradient``.  ``MultiLayerNet`` is chapter 6's common/multi_layer_net.py
with multi_layer_net_extend.py's dropout and batch normalisation (also
under the book's name, ``MultiLayerNetExtend``, with its keyword
``dropout_ration``): any number of hidden layers, ReLU, sigmoid or tanh,
weight decay.

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

Beyond the book: ``seed`` makes the initial weights repeatable;
``gradient`` keeps the loss its forward pass computed in ``last_loss``;
``save_params`` and ``load_params`` write and read checked JSON
(pureml.data.paramsfile), and ``load(file)`` builds the network a file
holds.  Each builder ends with ``shortcuts.skip_unread``, pureml's one
change to the book's backward pass (pureml.engine.shortcuts).
"""

import math
import random
from collections import OrderedDict

from pureml.arguments import check_choice, check_count, check_nonnegative, check_number
from pureml.data import paramsfile
from pureml.engine import shortcuts
from pureml.engine.vectors import argmax, gaussian, nested_shape, sumprod, zeros
from pureml.errors import ArgumentError
from pureml.functions import labels_of, numerical_gradient
from pureml.layers import (Affine, BatchNormalization, Dropout, Relu, Sigmoid,
                           SoftmaxWithLoss, Tanh)

__all__ = ["TwoLayerNet", "MultiLayerNet", "MultiLayerNetExtend", "NETWORKS", "load",
           "init_scale", "accuracy_of"]

#: The hidden activations MultiLayerNet takes, by name.
ACTIVATION_LAYERS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}


def init_scale(weight_init_std, n_in):
    """Return the standard deviation of the initial weights for a layer with n_in inputs.

    A number is used as it is; "relu"/"he" give sqrt(2/n_in) (He) and
    "sigmoid"/"xavier" sqrt(1/n_in) (Xavier), as the book's MultiLayerNet.
    """
    name = str(weight_init_std).lower()
    if name in ("relu", "he"):
        return math.sqrt(2.0 / n_in)
    if name in ("sigmoid", "xavier"):
        return math.sqrt(1.0 / n_in)
    if isinstance(weight_init_std, str):
        raise ArgumentError("weight_init_std must be a number of at least 0, or 'relu', 'he', "
                            "'sigmoid' or 'xavier'; not %r" % (weight_init_std,))
    return check_nonnegative(weight_init_std, "weight_init_std")


def accuracy_of(net, x, t, batch_size=1000):
    """Return the fraction of x that ``net.predict`` labels as t says, ``batch_size`` at a time.

    The book's accuracy (np.argmax of the scores against t, as int labels
    or one-hot rows), in batches so that memory stays small.
    """
    if len(x) != len(t) or not x:
        raise ArgumentError("accuracy needs as many labels as examples, at least one; got %d "
                            "examples and %d labels" % (len(x), len(t)))
    correct = 0
    for start in range(0, len(x), batch_size):
        y = net.predict(x[start:start + batch_size])
        labels = labels_of(t[start:start + batch_size], len(y[0]))
        correct += sum(argmax(row) == label for row, label in zip(y, labels))
    return correct / float(len(x))


class TwoLayerNet:
    """Chapter 5's two-layer network: Affine -> Relu -> Affine -> SoftmaxWithLoss."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, seed=None):
        rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        sizes = [check_count(size, name, 1) for size, name in (
            (input_size, "input_size"), (hidden_size, "hidden_size"), (output_size, "output_size"))]
        std = check_nonnegative(weight_init_std, "weight_init_std")
        # initialise the weights
        self.params = {}
        self.params['W1'] = gaussian(rng, sizes[0], sizes[1], sigma=std)   # weight_init_std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = zeros(sizes[1])                                # np.zeros(hidden_size)
        self.params['W2'] = gaussian(rng, sizes[1], sizes[2], sigma=std)
        self.params['b2'] = zeros(sizes[2])
        self.build_layers()

    def build_layers(self):
        """Make the layers on self.params."""
        self.layers = OrderedDict()
        self.layers['Affine1'] = Affine(self.params['W1'], self.params['b1'])
        self.layers['Relu1'] = Relu()
        self.layers['Affine2'] = Affine(self.params['W2'], self.params['b2'])
        self.lastLayer = SoftmaxWithLoss()
        shortcuts.skip_unread(self.layers, on_data=['Affine1'], behind_relu=['Affine2'])

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    # x: input data, t: labels
    def loss(self, x, t):
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def accuracy(self, x, t):
        return accuracy_of(self, x, t)      # np.sum(np.argmax(y, axis=1) == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)  # noqa: E731 (the book's)
        grads = {}
        grads['W1'] = numerical_gradient(loss_W, self.params['W1'])
        grads['b1'] = numerical_gradient(loss_W, self.params['b1'])
        grads['W2'] = numerical_gradient(loss_W, self.params['W2'])
        grads['b2'] = numerical_gradient(loss_W, self.params['b2'])
        return grads

    def gradient(self, x, t):
        # forward
        self.last_loss = self.loss(x, t)
        # backward
        dout = 1
        dout = self.lastLayer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        # the gradients the layers kept
        grads = {}
        grads['W1'], grads['b1'] = self.layers['Affine1'].dW, self.layers['Affine1'].db
        grads['W2'], grads['b2'] = self.layers['Affine2'].dW, self.layers['Affine2'].db
        return grads

    # -- pureml's: files -------------------------------------------------------

    def config(self):
        """Return the settings, beyond the weights, that rebuild this network: none."""
        return {}

    @classmethod
    def from_params(cls, params):
        """Return a TwoLayerNet on exactly these params (W1, b1, W2, b2), drawing nothing."""
        _check_chain(params, 2, "TwoLayerNet")
        net = cls.__new__(cls)
        net.params = params
        net.build_layers()
        return net

    def save_params(self, file_name="params.json", metadata=None):
        """Save the parameters to ``file_name`` as JSON, atomically; return None."""
        paramsfile.write(file_name, self, metadata)

    def load_params(self, file_name="params.json"):
        """Load parameters save_params wrote into this network's own lists; return None."""
        paramsfile.load_into(self, file_name)


def _check_chain(params, depth, what):
    """Return the layer sizes of W1 ... W<depth>, b1 ... b<depth>; ArgumentError if they do not chain."""
    sizes = []
    for idx in range(1, depth + 1):
        W, b = params.get("W%d" % idx), params.get("b%d" % idx)
        if not isinstance(W, list) or len(nested_shape(W)) != 2 or not W[0] or \
                not isinstance(b, list):
            raise ArgumentError("%s needs W%d (a matrix) and b%d (a vector)" % (what, idx, idx))
        if not sizes:
            sizes.append(len(W))
        if len(W) != sizes[-1] or len(b) != len(W[0]) or any(len(row) != len(b) for row in W):
            raise ArgumentError("%s: W%d must be %d rows of %d numbers (as W%d's columns and "
                                "b%d say), with b%d as long" % (what, idx, sizes[-1], len(b),
                                                                 idx - 1, idx, idx))
        sizes.append(len(b))
    return sizes


class MultiLayerNet:
    """Chapter 6's fully connected network of any depth, with multi_layer_net_extend's options.

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
        if isinstance(hidden_size_list, (str, bytes)) or not hasattr(hidden_size_list, "__iter__"):
            raise ArgumentError("hidden_size_list must be a list of layer sizes such as "
                                "[100, 100], not %r" % (hidden_size_list,))
        self.input_size = check_count(input_size, "input_size", 1)
        self.hidden_size_list = [check_count(size, "each hidden size", 1)
                                 for size in hidden_size_list]
        self.output_size = check_count(output_size, "output_size", 1)
        self.hidden_layer_num = len(self.hidden_size_list)
        self._configure(activation, weight_decay_lambda, use_dropout, dropout_ratio, use_batchnorm)
        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        self.params = {}
        # initialise the weights
        all_size_list = [self.input_size] + self.hidden_size_list + [self.output_size]
        for idx in range(1, len(all_size_list)):
            scale = init_scale(weight_init_std, all_size_list[idx - 1])
            self.params['W' + str(idx)] = gaussian(self.rng, all_size_list[idx - 1],
                                                   all_size_list[idx], sigma=scale)
            self.params['b' + str(idx)] = zeros(all_size_list[idx])
        for idx in range(1, self.hidden_layer_num + 1) if self.use_batchnorm else ():
            self.params['gamma' + str(idx)] = [1.0] * self.hidden_size_list[idx - 1]  # np.ones
            self.params['beta' + str(idx)] = [0.0] * self.hidden_size_list[idx - 1]   # np.zeros
        self.build_layers()

    def _configure(self, activation, weight_decay_lambda, use_dropout, dropout_ratio,
                   use_batchnorm):
        """Check and keep the settings other than the sizes and weights."""
        name = activation.lower() if isinstance(activation, str) else activation
        self.activation = check_choice(name, ACTIVATION_LAYERS, "activation")
        self.weight_decay_lambda = check_nonnegative(weight_decay_lambda, "weight_decay_lambda")
        self.use_dropout = bool(use_dropout)
        self.dropout_ratio = check_number(dropout_ratio, "dropout_ratio")
        self.use_batchnorm = bool(use_batchnorm)

    def build_layers(self):
        """Make the layers on self.params, in the book's order."""
        activation_layer = ACTIVATION_LAYERS[self.activation]
        self.layers = OrderedDict()
        for idx in range(1, self.hidden_layer_num + 1):
            self.layers['Affine' + str(idx)] = Affine(self.params['W' + str(idx)],
                                                      self.params['b' + str(idx)])
            if self.use_batchnorm:
                self.layers['BatchNorm' + str(idx)] = BatchNormalization(
                    self.params['gamma' + str(idx)], self.params['beta' + str(idx)])
            self.layers['Activation_function' + str(idx)] = activation_layer()
            if self.use_dropout:
                self.layers['Dropout' + str(idx)] = Dropout(self.dropout_ratio, rng=self.rng)
        idx = self.hidden_layer_num + 1
        self.layers['Affine' + str(idx)] = Affine(self.params['W' + str(idx)],
                                                  self.params['b' + str(idx)])
        self.last_layer = SoftmaxWithLoss()
        # A zero input came from a ReLU (or dropout, or a sigmoid that underflowed),
        # whose backward drops its gradient; tanh(0) is 0 too, but its slope there is 1.
        behind = ['Affine%d' % i for i in range(2, idx + 1)] \
            if self.activation in ("relu", "sigmoid") else []
        shortcuts.skip_unread(self.layers, on_data=['Affine1'], behind_relu=behind)

    def predict(self, x, train_flg=False):
        for key, layer in self.layers.items():
            if "Dropout" in key or "BatchNorm" in key:
                x = layer.forward(x, train_flg)
            else:
                x = layer.forward(x)
        return x

    def loss(self, x, t, train_flg=False):
        """Return the loss: the cross-entropy error, plus 0.5 * lambda * sum W^2 (weight decay)."""
        y = self.predict(x, train_flg)
        weight_decay = 0
        for idx in range(1, self.hidden_layer_num + 2) if self.weight_decay_lambda else ():
            W = self.params['W' + str(idx)]
            weight_decay += 0.5 * self.weight_decay_lambda * math.fsum(
                sumprod(row, row) for row in W)             # 0.5 * lambda * np.sum(W**2)
        return self.last_layer.forward(y, t) + weight_decay

    def accuracy(self, x, t):
        return accuracy_of(self, x, t)

    def numerical_gradient(self, x, t):
        """Return the gradient by central differences, a dict shaped like params (slow: the book's check)."""
        loss_W = lambda W: self.loss(x, t, train_flg=True)     # noqa: E731 (the book's)
        return {key: numerical_gradient(loss_W, value) for key, value in self.params.items()}

    def gradient(self, x, t):
        # forward
        self.last_loss = self.loss(x, t, train_flg=True)
        # backward
        dout = 1
        dout = self.last_layer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        # the gradients the layers kept
        grads = {}
        lmbda = self.weight_decay_lambda
        for idx in range(1, self.hidden_layer_num + 2):
            layer = self.layers['Affine' + str(idx)]
            grads['W' + str(idx)] = layer.dW if not lmbda else [
                [d + lmbda * w for d, w in zip(drow, wrow)]
                for drow, wrow in zip(layer.dW, layer.W)]           # dW + lambda * W
            grads['b' + str(idx)] = layer.db
            if self.use_batchnorm and idx != self.hidden_layer_num + 1:
                grads['gamma' + str(idx)] = self.layers['BatchNorm' + str(idx)].dgamma
                grads['beta' + str(idx)] = self.layers['BatchNorm' + str(idx)].dbeta
        return grads

    # -- pureml's: files -------------------------------------------------------

    def config(self):
        """Return the settings, beyond the weights, that rebuild this network."""
        return {"activation": self.activation, "weight_decay_lambda": self.weight_decay_lambda,
                "use_dropout": self.use_dropout, "dropout_ratio": self.dropout_ratio,
                "use_batchnorm": self.use_batchnorm}

    @classmethod
    def from_params(cls, params, activation="relu", weight_decay_lambda=0, use_dropout=False,
                    dropout_ratio=0.5, use_batchnorm=False, seed=None):
        """Return a MultiLayerNet on exactly these params, drawing no weights."""
        depth = sum(1 for key in params if key.startswith("W"))
        sizes = _check_chain(params, depth, cls.__name__)
        net = cls.__new__(cls)
        net.input_size, net.output_size = sizes[0], sizes[-1]
        net.hidden_size_list = sizes[1:-1]
        net.hidden_layer_num = len(net.hidden_size_list)
        net._configure(activation, weight_decay_lambda, use_dropout, dropout_ratio, use_batchnorm)
        for idx, size in enumerate(net.hidden_size_list, start=1):
            for key in ("gamma%d" % idx, "beta%d" % idx):
                if net.use_batchnorm and len(params.get(key, ())) != size:
                    raise ArgumentError("batch normalisation needs %s of %d numbers" % (key, size))
        if len(params) != depth * 2 + (2 * (depth - 1) if net.use_batchnorm else 0):
            raise ArgumentError("%s: params hold %s, not the parameters of this network"
                                % (cls.__name__, ", ".join(sorted(params))))
        net.rng = random.Random(seed)
        net.params = params
        net.build_layers()
        return net

    def save_params(self, file_name="params.json", metadata=None):
        """Save the parameters to ``file_name`` as JSON, atomically; return None."""
        paramsfile.write(file_name, self, metadata)

    def load_params(self, file_name="params.json"):
        """Load parameters save_params wrote into this network's own lists; return None."""
        paramsfile.load_into(self, file_name)


class MultiLayerNetExtend(MultiLayerNet):
    """multi_layer_net_extend.py under its own name and keywords (``dropout_ration``, the book's spelling)."""

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0, use_dropout=False,
                 dropout_ration=0.5, use_batchnorm=False, seed=None):
        super().__init__(input_size, hidden_size_list, output_size, activation, weight_init_std,
                         weight_decay_lambda, use_dropout, dropout_ration, use_batchnorm, seed)


#: The layered networks a params file can hold, by the name save_params writes.
NETWORKS = {"TwoLayerNet": TwoLayerNet, "MultiLayerNet": MultiLayerNet,
            "MultiLayerNetExtend": MultiLayerNetExtend}


def load(file_name, networks=None):
    """Return the network saved by save_params in ``file_name``, built from the file's numbers.

    ``networks`` maps the names a file may give to the classes that build
    them (default NETWORKS; pureml.convnet adds its own).  Raises
    ModelFileError naming the file and what was wrong.
    """
    return paramsfile.build(paramsfile.read(file_name), str(file_name),
                            NETWORKS if networks is None else networks)
