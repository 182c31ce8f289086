"""Deep Learning from Scratch's convolutional network: chapter 7's SimpleConvNet.

``SimpleConvNet`` is the book's ch07/simple_convnet.py: Conv1 -> Relu1 ->
Pool1 -> Affine1 -> Relu2 -> Affine2 -> SoftmaxWithLoss, with ``params``
W1 (the filters, FN x C x FH x FW), b1, W2, b2, W3, b3, and the methods
``predict``, ``loss``, ``accuracy``, ``numerical_gradient``, ``gradient``,
``save_params`` and ``load_params``.  Trainer trains it.

Beyond the book: a batch of flat examples (load_mnist's default, C * H * W
numbers each) is taken as the images it flattens; ``seed`` makes the
initial weights repeatable; the params files are checked JSON
(pureml.data.paramsfile), not pickles; and the builder ends with
``shortcuts.skip_unread`` (pureml.engine.shortcuts).
"""

import random
from collections import OrderedDict

from pureml.arguments import check_count, check_nonnegative
from pureml.data import paramsfile
from pureml.engine import shortcuts
from pureml.engine.conv import output_size
from pureml.engine.vectors import gaussian, nested_shape, zeros
from pureml.errors import ArgumentError
from pureml.functions import numerical_gradient
from pureml.layernet import NETWORKS, accuracy_of
from pureml.layers import Affine, Convolution, Pooling, Relu, SoftmaxWithLoss

__all__ = ["SimpleConvNet", "DEFAULT_CONV_PARAM", "CONV_NETWORKS", "load", "as_images",
           "gaussian_filters"]

#: SimpleConvNet's conv_param, as the book's default.
DEFAULT_CONV_PARAM = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}


def gaussian_filters(rng, fn, c, fh, fw, sigma):
    """Return FN x C x FH x FW draws from N(0, sigma^2), filter by filter (np.random.randn's order)."""
    return [[gaussian(rng, fh, fw, sigma=sigma) for _ in range(c)] for _ in range(fn)]


def as_images(x, shape):
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


class SimpleConvNet:
    """A simple convolutional network: conv - relu - pool - affine - relu - affine - softmax.

    ``input_dim`` is (C, H, W); ``conv_param`` gives filter_num,
    filter_size, pad and stride (the book's defaults for any left out).
    Weights start as weight_init_std times N(0, 1) draws, biases at zero.
    """

    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100,
                 output_size=10, weight_init_std=0.01, seed=None):
        self._configure(input_dim, conv_param)
        filter_num, filter_size = self.conv_param['filter_num'], self.conv_param['filter_size']
        hidden_size = check_count(hidden_size, "hidden_size", 1)
        output_size = check_count(output_size, "output_size", 1)
        std = check_nonnegative(weight_init_std, "weight_init_std")
        rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        # initialise the weights
        self.params = {}
        self.params['W1'] = gaussian_filters(rng, filter_num, input_dim[0], filter_size,
                                             filter_size, std)
        self.params['b1'] = zeros(filter_num)
        self.params['W2'] = gaussian(rng, self.pool_output_size, hidden_size, sigma=std)
        self.params['b2'] = zeros(hidden_size)
        self.params['W3'] = gaussian(rng, hidden_size, output_size, sigma=std)
        self.params['b3'] = zeros(output_size)
        self.build_layers()

    def _configure(self, input_dim, conv_param):
        """Check and keep input_dim and conv_param; work out the pooled size."""
        conv_param = dict(DEFAULT_CONV_PARAM, **(conv_param or {}))
        for key, minimum in (("filter_num", 1), ("filter_size", 1), ("pad", 0), ("stride", 1)):
            check_count(conv_param[key], "conv_param[%r]" % key, minimum)
        if conv_param["pad"] >= conv_param["filter_size"]:
            # More padding than that only adds outputs that see nothing but zeros
            # (and a file could claim pad 10**6 to make backward allocate it).
            raise ArgumentError("conv_param['pad'] must be less than filter_size (%d), not %r"
                                % (conv_param["filter_size"], conv_param["pad"]))
        if len(input_dim) != 3:
            raise ArgumentError("input_dim must be (channels, height, width), not %r"
                                % (input_dim,))
        for value in input_dim:
            check_count(value, "each of input_dim", 1)
        conv_h, conv_w = (output_size(size, conv_param["filter_size"], conv_param["stride"],
                                      conv_param["pad"]) for size in input_dim[1:])
        if conv_h < 2 or conv_w < 2:
            raise ArgumentError("the convolution's output (%d x %d) is too small for 2 x 2 "
                                "pooling" % (conv_h, conv_w))
        self.input_dim = tuple(input_dim)
        self.conv_param = conv_param
        self.pool_output_size = conv_param["filter_num"] * (conv_h // 2) * (conv_w // 2)

    def build_layers(self):
        """Make the book's layers on self.params."""
        self.layers = OrderedDict()
        self.layers['Conv1'] = Convolution(self.params['W1'], self.params['b1'],
                                           self.conv_param['stride'], self.conv_param['pad'])
        self.layers['Relu1'] = Relu()
        self.layers['Pool1'] = Pooling(pool_h=2, pool_w=2, stride=2)
        self.layers['Affine1'] = Affine(self.params['W2'], self.params['b2'])
        self.layers['Relu2'] = Relu()
        self.layers['Affine2'] = Affine(self.params['W3'], self.params['b3'])
        self.last_layer = SoftmaxWithLoss()
        shortcuts.skip_unread(self.layers, on_data=['Conv1'], behind_relu=['Affine1', 'Affine2'])

    def predict(self, x):
        x = as_images(x, self.input_dim)
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.last_layer.forward(y, t)

    def accuracy(self, x, t, batch_size=100):
        return accuracy_of(self, x, t, batch_size)

    def numerical_gradient(self, x, t):
        loss_w = lambda w: self.loss(x, t)  # noqa: E731 (the book's)
        grads = {}
        for idx in (1, 2, 3):
            grads['W' + str(idx)] = numerical_gradient(loss_w, self.params['W' + str(idx)])
            grads['b' + str(idx)] = numerical_gradient(loss_w, self.params['b' + str(idx)])
        return grads

    def gradient(self, x, t):
        # forward
        self.last_loss = self.loss(x, t)
        # backward
        dout = 1
        dout = self.last_layer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        # the gradients the layers kept
        grads = {}
        grads['W1'], grads['b1'] = self.layers['Conv1'].dW, self.layers['Conv1'].db
        grads['W2'], grads['b2'] = self.layers['Affine1'].dW, self.layers['Affine1'].db
        grads['W3'], grads['b3'] = self.layers['Affine2'].dW, self.layers['Affine2'].db
        return grads

    def save_params(self, file_name="params.json", metadata=None):
        """Save the parameters to ``file_name`` as JSON, atomically (the book pickles them); return None."""
        paramsfile.write(file_name, self, metadata)

    def load_params(self, file_name="params.json"):
        """Load parameters save_params wrote into this network's own lists, in place; return None."""
        paramsfile.load_into(self, file_name)

    # -- pureml's: rebuilding from a file -------------------------------------------

    def config(self):
        """Return the settings, beyond the weights, that rebuild this network."""
        return {"input_dim": list(self.input_dim), "conv_param": dict(self.conv_param)}

    @classmethod
    def from_params(cls, params, input_dim=(1, 28, 28), conv_param=None):
        """Return a SimpleConvNet on exactly these params, drawing nothing; ArgumentError if they do not fit."""
        net = cls.__new__(cls)
        if not isinstance(input_dim, (list, tuple)) or not (
                conv_param is None or isinstance(conv_param, dict)):
            raise ArgumentError("SimpleConvNet's config needs input_dim as a list and "
                                "conv_param as an object")
        net._configure(tuple(input_dim), conv_param)
        fn, size = net.conv_param["filter_num"], net.conv_param["filter_size"]
        W2, W3 = params.get("W2"), params.get("W3")
        hidden = len(W2[0]) if isinstance(W2, list) and W2 and isinstance(W2[0], list) else 0
        outputs = len(W3[0]) if isinstance(W3, list) and W3 and isinstance(W3[0], list) else 0
        shapes = [("W1", (fn, net.input_dim[0], size, size)), ("b1", (fn,)),
                  ("W2", (net.pool_output_size, hidden)), ("b2", (hidden,)),
                  ("W3", (hidden, outputs)), ("b3", (outputs,))]
        if sorted(params) != sorted(key for key, _ in shapes):
            raise ArgumentError("SimpleConvNet needs the parameters W1, b1, W2, b2, W3, b3, "
                                "not %s" % ", ".join(sorted(params)))
        for key, shape in shapes:
            if nested_shape(params[key]) != shape or 0 in shape:
                raise ArgumentError("SimpleConvNet with input_dim %s and conv_param %s needs %s "
                                    "shaped %s" % (net.input_dim, net.conv_param, key,
                                                   "x".join(map(str, shape))))
        net.params = params
        net.build_layers()
        return net


#: The networks a params file can hold, by the name save_params writes.
CONV_NETWORKS = dict(NETWORKS, SimpleConvNet=SimpleConvNet)


def load(file_name, networks=CONV_NETWORKS):
    """Return the network (SimpleConvNet, TwoLayerNet or MultiLayerNet) saved in ``file_name``."""
    return paramsfile.build(paramsfile.read(file_name), str(file_name), networks)
