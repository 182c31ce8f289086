"""The layers of Deep Learning from Scratch, each with forward and backward.

As in the book's common/layers.py, a network is built "like Lego" from
small layer objects.  ``forward`` computes the layer's output and keeps
what ``backward`` will need in named attributes (``self.x``,
``self.mask``, ``self.out``); ``backward(dout)`` takes the gradient of the
loss with respect to the layer's output and returns the gradient with
respect to its input, keeping the parameters' gradients (``self.dW``,
``self.db``) for the optimizer.

The shapes are the book's, in lists.  A batch ``x`` is a list of examples
and an example a flat list of floats (784 for MNIST), or, for chapter 7's
Convolution and Pooling, an image: a list of channels, each a list of rows
(the book's N x C x H x W).  ``W`` is a list of input_size rows of
output_size floats, so ``W[i][j]`` is the book's ``W[i, j]`` (a
Convolution's is FN x C x FH x FW); a bias is a flat list.  A layer holds
the caller's own lists, as the book's layers hold its numpy arrays, so
when an optimizer updates ``params['W1']`` in place the layer sees it at
once.

The arithmetic of Affine is ``pureml.matrix``'s, the same kernels that
Nielsen's network uses, and that of Convolution and Pooling is
``pureml.convolution``'s: nothing is computed twice over.
"""

import math
import random
from itertools import chain

from pureml import convolution, matrix
from pureml.activations import sigmoid
from pureml.functions import DELTA, labels_of, softmax
from pureml.errors import ArgumentError

__all__ = ["Affine", "Relu", "ReLU", "Sigmoid", "Tanh", "SoftmaxWithLoss", "Dropout",
           "BatchNormalization", "Convolution", "Pooling", "ArgumentError"]


# ---------------------------------------------------------------------------
# Element-wise layers work on any nesting (a batch of vectors, or of images
# made of channels of rows): ``_matrices`` applies a function to each list of
# rows (the batch itself, or one channel of an image), and the functions are
# nested list comprehensions over those rows: one call per channel, not one
# per row (the conv net's ReLU ran 1.6x faster so on CPython 3.12, 1.7x on PyPy).


def _matrices(f, x, *others):
    """Return f applied to each list of rows in x (and the matching lists of ``others``).

    A batch of vectors is one list of rows, a batch of images one per
    channel; a lone vector is taken as a list of one row.
    """
    if not (x and isinstance(x[0], list)):
        return f([x], *[[other] for other in others])[0]
    if x[0] and isinstance(x[0][0], list):
        return [_matrices(f, *items) for items in zip(x, *others)]
    return f(x, *others)


class Relu:
    """The rectified linear unit: out = x where x > 0, else 0.

    ``self.mask`` marks the entries where x <= 0; backward passes dout
    through everywhere else (the derivative is 1 for x > 0 and 0 otherwise).
    As in the book, a NaN is not <= 0, so it passes through (and a run
    that diverges shows it in its loss).
    """

    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = _matrices(matrix.relu_mask, x)          # self.mask = (x <= 0)
        out = _matrices(matrix.zero_where, x, self.mask)    # out = x.copy(); out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = _matrices(matrix.zero_where, dout, self.mask)  # dout[self.mask] = 0; dx = dout
        return dx


#: The spelling some of the book's listings use.
ReLU = Relu


def _sigmoid_forward(rows):
    return [list(map(sigmoid, row)) for row in rows]


def _sigmoid_backward(drows, orows):
    return [[d * (1.0 - y) * y for d, y in zip(drow, orow)] for drow, orow in zip(drows, orows)]


class Sigmoid:
    """The sigmoid layer: out = 1 / (1 + exp(-x)); backward is dout * (1 - out) * out."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        out = _matrices(_sigmoid_forward, x)
        self.out = out
        return out

    def backward(self, dout):
        dx = _matrices(_sigmoid_backward, dout, self.out)
        return dx


def _tanh_forward(rows):
    return [list(map(math.tanh, row)) for row in rows]


def _tanh_backward(drows, orows):
    return [[d * (1.0 - y * y) for d, y in zip(drow, orow)] for drow, orow in zip(drows, orows)]


class Tanh:
    """The tanh layer: out = tanh(x); backward is dout * (1 - out^2)."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        out = _matrices(_tanh_forward, x)
        self.out = out
        return out

    def backward(self, dout):
        dx = _matrices(_tanh_backward, dout, self.out)
        return dx


# ---------------------------------------------------------------------------
# Affine


def _flatten(example, depth):
    """Return a nested example as one flat list (``depth`` is its number of levels)."""
    for _ in range(depth - 1):
        example = list(chain.from_iterable(example))
    return example


def _unflatten(flat, shape):
    """Return the flat list ``flat`` nested into ``shape``, the inverse of _flatten."""
    for size in reversed(shape[1:]):
        flat = [flat[i:i + size] for i in range(0, len(flat), size)]
    return flat


class Affine:
    """The fully connected layer: out = x W + b, the book's "Affine" transformation.

    ``W`` (input_size rows of output_size floats) and ``b`` (output_size
    floats) are the caller's lists, shared, not copied.  A batch of images
    (channels of rows) is flattened first, as the book's reshape does, and
    dx is given back in the images' shape.

    Backward keeps ``self.dW`` = x^T dout and ``self.db`` = the sum of dout
    over the batch.  The network's first Affine sets ``compute_dx = False``:
    dx would be the gradient with respect to the data, which nobody needs,
    and costs as much as dW; backward then returns None.  A network whose
    Affine takes the output of a ReLU (or of dropout, or max pooling of a
    ReLU) sets ``dx_of_zero_inputs = False``: the gradient at an input
    that is 0 is thrown away by that layer's backward, so it is not
    computed (it is 0.0 in dx).
    """

    def __init__(self, W, b):
        if not W or not isinstance(W[0], list) or len(W[0]) != len(b):
            raise ArgumentError("Affine needs W as input_size rows of output_size numbers and "
                             "b of output_size numbers; got W of %s rows%s and b of %d"
                             % (len(W), " of %d" % len(W[0]) if W and isinstance(W[0], list)
                                else "", len(b)))
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None    # of one example, before flattening
        self.dW = None
        self.db = None
        self.compute_dx = True
        self.dx_of_zero_inputs = True

    def forward(self, x):
        self.original_x_shape = matrix.nested_shape(x[0]) if x else (len(self.W),)
        if len(self.original_x_shape) > 1:
            depth = len(self.original_x_shape)
            x = [_flatten(example, depth) for example in x]
        _check_batch(x, len(self.W), "Affine's input")
        self.x = x
        out = matrix.matmul(x, self.W, self.b)          # np.dot(x, W) + b
        return out

    def backward(self, dout):
        self.dW = matrix.transposed_matmul(self.x, dout)    # np.dot(x.T, dout)
        self.db = matrix.column_sums(dout)                  # np.sum(dout, axis=0)
        if not self.compute_dx:
            return None
        dx = matrix.matmul_transposed(                      # np.dot(dout, W.T)
            dout, self.W, None if self.dx_of_zero_inputs else self.x)
        if len(self.original_x_shape) > 1:
            dx = [_unflatten(row, self.original_x_shape) for row in dx]
        return dx


def _check_batch(x, size, what):
    """Raise ArgumentError unless x is a non-empty list of vectors of ``size`` numbers."""
    if not isinstance(x, list) or not x:
        raise ArgumentError("%s must be a non-empty batch (a list of examples)" % what)
    for i, example in enumerate(x):
        if not isinstance(example, list) or len(example) != size:
            raise ArgumentError("%s: example %d has %s; expected a list of %d numbers"
                             % (what, i, "%d entries" % len(example)
                                if isinstance(example, list) else type(example).__name__,
                                size))


# ---------------------------------------------------------------------------
# The output layer and the loss


class SoftmaxWithLoss:
    """The softmax output and the cross-entropy error, as one layer.

    ``forward(x, t)`` keeps the softmax outputs ``self.y`` and the labels
    ``self.t`` (one-hot lists or int labels, as the book accepts both) and
    returns the loss, the mean of -log(y[t] + 1e-7).  ``backward`` returns
    (y - t) / batch_size, the simple gradient that makes the pair worth
    fusing: the softmax's Jacobian cancels against the log.
    """

    def __init__(self):
        self.loss = None
        self.y = None       # output of softmax
        self.t = None       # labels (one-hot vectors or ints)
        self.labels = None  # t as int labels

    def forward(self, x, t):
        if len(t) != len(x):
            raise ArgumentError("the batch holds %d examples but t holds %d labels; they "
                             "must agree" % (len(x), len(t)))
        self.labels = labels_of(t, len(x[0]))
        self.t = t
        self.y = softmax(x)
        self.loss = -math.fsum(math.log(y[label] + DELTA)
                               for y, label in zip(self.y, self.labels)) / len(x)
        return self.loss

    def backward(self, dout=1):
        batch_size = len(self.t)
        if isinstance(self.t[0], list):     # one-hot labels
            dx = [[(yj - tj) / batch_size for yj, tj in zip(y, t)]
                  for y, t in zip(self.y, self.t)]
        else:
            dx = [list(y) for y in self.y]
            for row, label in zip(dx, self.labels):
                row[label] -= 1
            dx = [[v / batch_size for v in row] for row in dx]
        return dx


# ---------------------------------------------------------------------------
# Chapter 6: Dropout and Batch Normalization


def _check_ratio(dropout_ratio):
    """Return dropout_ratio as a float in [0, 1); ArgumentError otherwise."""
    if isinstance(dropout_ratio, bool) or not isinstance(dropout_ratio, (int, float)) \
            or not 0.0 <= dropout_ratio < 1.0:
        raise ArgumentError("dropout_ratio must be a number from 0 up to (not including) 1, "
                         "not %r" % (dropout_ratio,))
    return float(dropout_ratio)


class Dropout:
    """Dropout (Srivastava et al.): in training, each neuron is dropped with probability dropout_ratio.

    ``forward(x, train_flg=True)`` draws ``self.mask`` (True where a neuron
    is kept) and returns x * mask; with ``train_flg=False`` it returns
    x * (1 - dropout_ratio), the expected value, as the book does.  The
    mask comes from ``rng`` (a random.Random; the network's, so that a
    seed repeats a run).  ``freeze_mask = True`` keeps the last mask for
    later forwards, which a gradient check needs.
    """

    def __init__(self, dropout_ratio=0.5, rng=None):
        self.dropout_ratio = _check_ratio(dropout_ratio)
        self.rng = rng if rng is not None else random.Random()
        self.mask = None
        self.train_flg = True
        self.freeze_mask = False

    def forward(self, x, train_flg=True):
        self.train_flg = train_flg
        if train_flg:
            if not (self.freeze_mask and self.mask is not None):
                rand, ratio = self.rng.random, self.dropout_ratio
                self.mask = _matrices(lambda rows: [[rand() > ratio for _ in row]
                                                    for row in rows], x)
            return _matrices(_times_mask, x, self.mask)
        keep = 1.0 - self.dropout_ratio
        return _matrices(lambda rows: [[v * keep for v in row] for row in rows], x)

    def backward(self, dout):
        if not self.train_flg:
            keep = 1.0 - self.dropout_ratio
            return _matrices(lambda rows: [[d * keep for d in row] for row in rows], dout)
        return _matrices(_times_mask, dout, self.mask)


def _times_mask(rows, masks):
    return [[v if m else 0.0 for v, m in zip(row, mask)] for row, mask in zip(rows, masks)]


class BatchNormalization:
    """Batch normalisation (Ioffe and Szegedy, 2015), as in the book's chapter 6.

    In training, each feature is normalised over the batch,
    xn = (x - mu) / sqrt(var + 10e-7) and out = gamma * xn + beta, and the running mean and variance move towards the batch's
    (``momentum``).  In testing (``train_flg=False``) the running mean and
    variance are used instead.  Backward keeps ``self.dgamma`` and
    ``self.dbeta`` and returns dx, by the book's computational graph.
    Images (channels of rows) are flattened, each entry one feature, as the
    book's reshape does.
    """

    EPS = 10e-7     # the book's constant, 1e-6

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None):
        if len(gamma) != len(beta):
            raise ArgumentError("gamma has %d entries but beta has %d; they must agree"
                             % (len(gamma), len(beta)))
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.input_shape = None
        self.running_mean = running_mean
        self.running_var = running_var
        # kept for backward
        self.batch_size = None
        self.xc = None
        self.xn = None
        self.std = None
        self.train_flg = True
        self.dgamma = None
        self.dbeta = None

    def forward(self, x, train_flg=True):
        self.input_shape = matrix.nested_shape(x[0]) if x else ()
        if len(self.input_shape) > 1:
            x = [_flatten(example, len(self.input_shape)) for example in x]
        _check_batch(x, len(self.gamma), "BatchNormalization's input")
        out = self.__forward(x, train_flg)
        if len(self.input_shape) > 1:
            out = [_unflatten(row, self.input_shape) for row in out]
        return out

    def __forward(self, x, train_flg):
        D = len(x[0])
        if self.running_mean is None:
            self.running_mean = [0.0] * D
            self.running_var = [0.0] * D
        self.train_flg = train_flg
        if train_flg:
            N = len(x)
            mu = [s / N for s in matrix.column_sums(x)]
            xc = [[v - m for v, m in zip(row, mu)] for row in x]
            var = [s / N for s in matrix.column_sums([[v * v for v in row] for row in xc])]
            std = [math.sqrt(v + self.EPS) for v in var]
            xn = [[v / s for v, s in zip(row, std)] for row in xc]
            self.batch_size, self.xc, self.xn, self.std = N, xc, xn, std
            m = self.momentum
            self.running_mean[:] = [m * r + (1 - m) * v for r, v in zip(self.running_mean, mu)]
            self.running_var[:] = [m * r + (1 - m) * v for r, v in zip(self.running_var, var)]
        else:
            std = [math.sqrt(v + self.EPS) for v in self.running_var]
            xn = [[(v - m) / s for v, m, s in zip(row, self.running_mean, std)] for row in x]
            self.std = std
        out = [[g * v + b for g, v, b in zip(self.gamma, row, self.beta)] for row in xn]
        return out

    def backward(self, dout):
        if len(self.input_shape) > 1:
            dout = [_flatten(row, len(self.input_shape)) for row in dout]
        dx = self.__backward(dout)
        if len(self.input_shape) > 1:
            dx = [_unflatten(row, self.input_shape) for row in dx]
        return dx

    def __backward(self, dout):
        gamma, std = self.gamma, self.std
        if not self.train_flg:          # out = gamma * (x - running_mean) / std + beta
            return [[d * g / s for d, g, s in zip(row, gamma, std)] for row in dout]
        N, xc = self.batch_size, self.xc
        dbeta = matrix.column_sums(dout)
        dgamma = matrix.column_sums([[v * d for v, d in zip(xn, row)]
                                     for xn, row in zip(self.xn, dout)])
        dxn = [[g * d for g, d in zip(gamma, row)] for row in dout]
        dxc = [[v / s for v, s in zip(row, std)] for row in dxn]
        dstd = [-v for v in matrix.column_sums(
            [[(d * c) / (s * s) for d, c, s in zip(drow, crow, std)]
             for drow, crow in zip(dxn, xc)])]
        dvar = [0.5 * d / s for d, s in zip(dstd, std)]
        dxc = [[v + (2.0 / N) * c * dv for v, c, dv in zip(row, crow, dvar)]
               for row, crow in zip(dxc, xc)]
        dmu = matrix.column_sums(dxc)
        dx = [[v - m / N for v, m in zip(row, dmu)] for row in dxc]
        self.dgamma = dgamma
        self.dbeta = dbeta
        return dx


# ---------------------------------------------------------------------------
# Chapter 7: Convolution and Pooling.  A batch of images is a list of
# images, an image a list of channels, a channel a list of rows (the book's
# N x C x H x W).  The arithmetic is pureml.convolution's.


def _check_count(value, name, minimum):
    """Return value if it is an int >= minimum; ArgumentError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ArgumentError("%s must be a whole number of at least %d, not %r"
                         % (name, minimum, value))
    return value


def _check_images(x, channels, what):
    """Raise ArgumentError unless x is a non-empty batch of images of ``channels`` equal-sized channels."""
    if not isinstance(x, list) or not x:
        raise ArgumentError("%s must be a non-empty batch (a list of images)" % what)
    shape = matrix.nested_shape(x[0])
    if len(shape) != 3 or shape[0] != channels:
        raise ArgumentError("%s: an image must be %d channels of rows, not of shape %s"
                         % (what, channels, "x".join(map(str, shape)) or "a number"))
    for n, image in enumerate(x):
        if not isinstance(image, list) or len(image) != channels or any(
                not isinstance(ch, list) or len(ch) != shape[1] or
                any(not isinstance(row, list) or len(row) != shape[2] for row in ch)
                for ch in image):
            raise ArgumentError("%s: image %d is not %d x %d x %d like the first"
                             % (what, n, shape[0], shape[1], shape[2]))
    return shape


class Convolution:
    """The convolution layer of chapter 7: FN filters of C x FH x FW slide over each image.

    ``W`` is FN filters x C channels x FH rows x FW columns and ``b`` one
    bias per filter, the caller's lists (shared, not copied).  ``forward``
    returns N x FN x OH x OW feature maps; ``backward`` keeps ``self.dW``
    and ``self.db`` and returns dx, unless ``compute_dx`` is False (the
    network's first layer: nobody needs the gradient of the data).
    """

    def __init__(self, W, b, stride=1, pad=0):
        if not (W and isinstance(W, list) and len(matrix.nested_shape(W)) == 4):
            raise ArgumentError("Convolution needs W as FN filters x C channels x FH x FW")
        if len(b) != len(W):
            raise ArgumentError("Convolution has %d filters but %d biases" % (len(W), len(b)))
        self.W = W
        self.b = b
        self.stride = _check_count(stride, "stride", 1)
        self.pad = _check_count(pad, "pad", 0)
        self.x = None
        self.dW = None
        self.db = None
        self.compute_dx = True

    def forward(self, x):
        _check_images(x, len(self.W[0]), "Convolution's input")
        self.x = x
        out = convolution.conv_forward(x, self.W, self.b, self.stride, self.pad)
        return out

    def backward(self, dout):
        dx, self.dW, self.db = convolution.conv_backward(
            self.x, self.W, dout, self.stride, self.pad, self.compute_dx)
        return dx


class Pooling:
    """Max pooling: each pool_h x pool_w window of each channel becomes its largest value.

    ``self.arg_max`` keeps where each maximum was (the first, on a tie), and
    ``backward`` sends each output's gradient there.
    """

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h = _check_count(pool_h, "pool_h", 1)
        self.pool_w = _check_count(pool_w, "pool_w", 1)
        self.stride = _check_count(stride, "stride", 1)
        self.pad = _check_count(pad, "pad", 0)
        self.x_shape = None
        self.arg_max = None

    def forward(self, x):
        self.x_shape = _check_images(x, len(x[0]) if x and isinstance(x[0], list) else 0,
                                     "Pooling's input")
        out, self.arg_max = convolution.pool_forward(x, self.pool_h, self.pool_w, self.stride,
                                                     self.pad)
        return out

    def backward(self, dout):
        dx = convolution.pool_backward(dout, self.arg_max, self.x_shape, self.pad)
        return dx
