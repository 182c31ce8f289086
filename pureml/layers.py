"""The layers of Deep Learning from Scratch (common/layers.py), each with forward and backward.

As in the book, a network is built "like Lego" from small layer objects.
``forward`` computes the layer's output and keeps what ``backward`` will
need in named attributes (``self.x``, ``self.mask``, ``self.out``);
``backward(dout)`` takes the gradient of the loss with respect to the
layer's output and returns the gradient with respect to its input,
keeping the parameters' gradients (``self.dW``, ``self.db``) for the
optimizer.  The book's numpy line stands beside each list operation.

The shapes are the book's, in lists.  A batch ``x`` is a list of examples
and an example a flat list of floats (784 for MNIST), or, for chapter 7's
Convolution and Pooling, an image: a list of channels, each a list of rows
(the book's N x C x H x W).  ``W`` is a list of input_size rows of
output_size floats, so ``W[i][j]`` is the book's ``W[i, j]`` (a
Convolution's is FN x C x FH x FW); a bias is a flat list.  A layer holds
the caller's own lists, as the book's layers hold its numpy arrays, so
when an optimizer updates ``params['W1']`` in place the layer sees it.

The arithmetic is pureml.engine's kernels (dense for Affine, conv for
Convolution and Pooling), the same ones Nielsen's network runs on.
"""

import math
import random

from pureml.activations import sigmoid
from pureml.arguments import check_count, check_fraction
from pureml.engine import conv, dense
from pureml.engine.vectors import flatten, nested_shape, unflatten
from pureml.errors import ArgumentError
from pureml.functions import cross_entropy_error, softmax

__all__ = ["Relu", "ReLU", "Sigmoid", "Tanh", "Affine", "SoftmaxWithLoss", "Dropout",
           "BatchNormalization", "Convolution", "Pooling"]


def each_matrix(f, x, *others):
    """Return f applied to each list of rows in x (and the matching lists of ``others``).

    An element-wise layer works on any nesting: a batch of vectors is one
    list of rows, a batch of images one per channel of each image, and a
    lone vector a list of one row.
    """
    if not (x and isinstance(x[0], list)):
        return f([x], *[[other] for other in others])[0]
    if x[0] and isinstance(x[0][0], list):
        return [each_matrix(f, *items) for items in zip(x, *others)]
    return f(x, *others)


class Relu:
    """The rectified linear unit: out = x where x > 0, else 0; a NaN passes, as in numpy."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = each_matrix(dense.nonpositive, x)           # self.mask = (x <= 0)
        out = each_matrix(dense.zero_where, x, self.mask)       # out = x.copy(); out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = each_matrix(dense.zero_where, dout, self.mask)     # dout[self.mask] = 0; dx = dout
        return dx


#: The spelling network3 and some of the book's listings use.
ReLU = Relu


class Sigmoid:
    """The sigmoid layer: out = 1 / (1 + exp(-x)); backward is dout * (1 - out) * out."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        out = each_matrix(lambda rows: [list(map(sigmoid, row)) for row in rows],
                          x)                                     # out = sigmoid(x)
        self.out = out
        return out

    def backward(self, dout):
        dx = each_matrix(lambda drows, orows: [[d * (1.0 - y) * y for d, y in zip(drow, orow)]
                                               for drow, orow in zip(drows, orows)],
                         dout, self.out)                         # dx = dout * (1.0 - self.out) * self.out
        return dx


class Tanh:
    """The tanh layer: out = tanh(x); backward is dout * (1 - out^2)."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        out = each_matrix(lambda rows: [list(map(math.tanh, row)) for row in rows],
                          x)                                     # out = np.tanh(x)
        self.out = out
        return out

    def backward(self, dout):
        dx = each_matrix(lambda drows, orows: [[d * (1.0 - y * y) for d, y in zip(drow, orow)]
                                               for drow, orow in zip(drows, orows)],
                         dout, self.out)                         # dx = dout * (1.0 - self.out ** 2)
        return dx


class Affine:
    """The fully connected layer: out = x W + b, the book's "Affine" transformation."""

    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None    # of the batch, for images
        # the gradients of the weights and the bias
        self.dW = None
        self.db = None

    def forward(self, x):
        # for a batch of images (a tensor)
        self.original_x_shape = nested_shape(x)                 # x.shape
        x = [flatten(example) for example in x]                 # x = x.reshape(x.shape[0], -1)
        self.x = x
        out = dense.vecmat_each(self.x, self.W, self.b)         # np.dot(self.x, self.W) + self.b
        return out

    def backward(self, dout):
        dx = dense.matvec_each(self.W, dout)                    # np.dot(dout, self.W.T)
        self.dW = dense.outer_sum(self.x, dout)                 # np.dot(self.x.T, dout)
        self.db = dense.column_sums(dout)                       # np.sum(dout, axis=0)
        dx = [unflatten(row, self.original_x_shape[1:])
              for row in dx]                                    # dx.reshape(*self.original_x_shape)
        return dx


class SoftmaxWithLoss:
    """The softmax output and the cross-entropy error, as one layer.

    ``t`` holds one-hot lists or int labels, as the book's accepts both.
    Backward is (y - t) / batch_size: the softmax's Jacobian cancels
    against the log, which is what makes the pair worth fusing.
    """

    def __init__(self):
        self.loss = None
        self.y = None       # output of softmax
        self.t = None       # labels (one-hot vectors or ints)

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = len(self.t)                                # self.t.shape[0]
        if isinstance(self.t[0], list):                         # if self.t.size == self.y.size
            dx = [[(yj - tj) / batch_size for yj, tj in zip(y, t)]
                  for y, t in zip(self.y, self.t)]              # dx = (self.y - self.t) / batch_size
        else:
            dx = [list(y) for y in self.y]                      # dx = self.y.copy()
            for row, label in zip(dx, self.t):
                row[label] -= 1                                 # dx[np.arange(batch_size), self.t] -= 1
            dx = [[v / batch_size for v in row] for row in dx]  # dx = dx / batch_size
        return dx


class Dropout:
    """Dropout (http://arxiv.org/abs/1207.0580): in training each neuron is dropped with probability dropout_ratio.

    The mask comes from ``rng`` (a random.Random; the network's, so that a
    seed repeats a run).  In testing the output is scaled by the kept
    fraction, as the book does.
    """

    def __init__(self, dropout_ratio=0.5, rng=None):
        self.dropout_ratio = check_fraction(dropout_ratio, "dropout_ratio")
        self.rng = rng if rng is not None else random.Random()
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            rand, ratio = self.rng.random, self.dropout_ratio
            self.mask = each_matrix(lambda rows: [[rand() > ratio for _ in row] for row in rows],
                                    x)                           # np.random.rand(*x.shape) > self.dropout_ratio
            return each_matrix(_times_mask, x, self.mask)        # x * self.mask
        keep = 1.0 - self.dropout_ratio
        return each_matrix(lambda rows: [[v * keep for v in row] for row in rows],
                           x)                                    # x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        return each_matrix(_times_mask, dout, self.mask)         # dout * self.mask


def _times_mask(rows, masks):
    """Return rows * masks, element by element: 0.0 where the mask is False."""
    return [[v if m else 0.0 for v, m in zip(row, mask)] for row, mask in zip(rows, masks)]


class BatchNormalization:
    """Batch normalisation (http://arxiv.org/abs/1502.03167), as in the book's chapter 6.

    In training, each feature is normalised over the batch,
    xn = (x - mu) / sqrt(var + 10e-7), and out = gamma * xn + beta; the
    running mean and variance move towards the batch's (``momentum``).  In
    testing the running averages are used instead.  Images are flattened,
    each entry a feature, as the book's reshape does.
    """

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None):
        if len(gamma) != len(beta):
            raise ArgumentError("gamma has %d entries but beta has %d; they must agree"
                                % (len(gamma), len(beta)))
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.input_shape = None         # of the batch, for images
        # the mean and variance used in testing
        self.running_mean = running_mean
        self.running_var = running_var
        # what backward needs
        self.batch_size = None
        self.xc = None
        self.xn = None
        self.std = None
        self.train_flg = True
        self.dgamma = None
        self.dbeta = None

    def forward(self, x, train_flg=True):
        self.input_shape = nested_shape(x)                       # x.shape
        x = [flatten(example) for example in x]                  # x = x.reshape(N, -1)
        dense.fits(x, len(self.gamma), "BatchNormalization's input")
        out = self.__forward(x, train_flg)
        return [unflatten(row, self.input_shape[1:])
                for row in out]                                  # out.reshape(*self.input_shape)

    def __forward(self, x, train_flg):
        if self.running_mean is None:
            D = len(x[0])
            self.running_mean = [0.0] * D                        # np.zeros(D)
            self.running_var = [0.0] * D
        self.train_flg = train_flg
        if train_flg:
            N = len(x)
            mu = [s / N for s in dense.column_sums(x)]           # mu = x.mean(axis=0)
            xc = [[v - m for v, m in zip(row, mu)] for row in x]  # xc = x - mu
            var = [s / N for s in dense.column_sums([[v * v for v in row] for row in xc])]
            std = [math.sqrt(v + 10e-7) for v in var]            # std = np.sqrt(var + 10e-7)
            xn = [[v / s for v, s in zip(row, std)] for row in xc]  # xn = xc / std
            self.batch_size, self.xc, self.xn, self.std = N, xc, xn, std
            m = self.momentum
            self.running_mean[:] = [m * r + (1 - m) * v for r, v in zip(self.running_mean, mu)]
            self.running_var[:] = [m * r + (1 - m) * v for r, v in zip(self.running_var, var)]
        else:
            std = [math.sqrt(v + 10e-7) for v in self.running_var]
            xn = [[(v - m) / s for v, m, s in zip(row, self.running_mean, std)]
                  for row in x]                                  # xc = x - self.running_mean; xn = xc / ...
            self.std = std
        out = [[g * v + b for g, v, b in zip(self.gamma, row, self.beta)]
               for row in xn]                                    # out = self.gamma * xn + self.beta
        return out

    def backward(self, dout):
        dout = [flatten(row) for row in dout]                    # dout = dout.reshape(N, -1)
        dx = self.__backward(dout)
        return [unflatten(row, self.input_shape[1:])
                for row in dx]                                   # dx.reshape(*self.input_shape)

    def __backward(self, dout):
        gamma, std = self.gamma, self.std
        if not self.train_flg:          # out = gamma * (x - running_mean) / std + beta
            return [[d * g / s for d, g, s in zip(row, gamma, std)] for row in dout]
        N, xc = self.batch_size, self.xc
        dbeta = dense.column_sums(dout)                                       # dout.sum(axis=0)
        dgamma = dense.column_sums([[v * d for v, d in zip(xn, row)]
                                    for xn, row in zip(self.xn, dout)])       # np.sum(self.xn * dout, axis=0)
        dxn = [[g * d for g, d in zip(gamma, row)] for row in dout]           # dxn = self.gamma * dout
        dxc = [[v / s for v, s in zip(row, std)] for row in dxn]              # dxc = dxn / self.std
        dstd = [-v for v in dense.column_sums(
            [[(d * c) / (s * s) for d, c, s in zip(drow, crow, std)]
             for drow, crow in zip(dxn, xc)])]             # dstd = -np.sum((dxn * self.xc) / (self.std * self.std), axis=0)
        dvar = [0.5 * d / s for d, s in zip(dstd, std)]                       # dvar = 0.5 * dstd / self.std
        dxc = [[v + (2.0 / N) * c * dv for v, c, dv in zip(row, crow, dvar)]
               for row, crow in zip(dxc, xc)]                                 # dxc += (2.0 / N) * self.xc * dvar
        dmu = dense.column_sums(dxc)                                          # dmu = np.sum(dxc, axis=0)
        dx = [[v - m / N for v, m in zip(row, dmu)] for row in dxc]          # dx = dxc - dmu / N
        self.dgamma = dgamma
        self.dbeta = dbeta
        return dx


class Convolution:
    """The convolution layer of chapter 7: FN filters of C x FH x FW slide over each image.

    ``W`` is FN filters x C channels x FH rows x FW columns and ``b`` one
    bias per filter; ``forward`` returns N x FN x OH x OW feature maps.
    The book's im2col and col2im are pureml.engine.conv's kernels.
    """

    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = check_count(stride, "stride", 1)
        self.pad = check_count(pad, "pad", 0)
        # what backward needs
        self.x = None
        # the gradients of the weights and the bias
        self.dW = None
        self.db = None

    def forward(self, x):
        self.x = x
        out = conv.convolve(x, self.W, self.b, self.stride,
                            self.pad)           # col = im2col(x, ...); out = np.dot(col, col_W) + self.b
        return out

    def backward(self, dout):
        self.dW, self.db = conv.filter_gradient(self.x, dout, nested_shape(self.W), self.stride,
                                                self.pad)       # self.dW = np.dot(self.col.T, dout) ...
        dx = conv.input_gradient(dout, self.W, nested_shape(self.x[0]), self.stride,
                                 self.pad)                      # dx = col2im(np.dot(dout, self.col_W.T), ...)
        return dx


class Pooling:
    """Max pooling: each pool_h x pool_w window of each channel becomes its largest value."""

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h = check_count(pool_h, "pool_h", 1)
        self.pool_w = check_count(pool_w, "pool_w", 1)
        self.stride = check_count(stride, "stride", 1)
        self.pad = check_count(pad, "pad", 0)
        self.x = None
        self.arg_max = None

    def forward(self, x):
        self.x = x
        out, self.arg_max = conv.max_pool(x, self.pool_h, self.pool_w, self.stride,
                                          self.pad)     # np.max(col, axis=1), np.argmax(col, axis=1)
        return out

    def backward(self, dout):
        dx = conv.max_pool_gradient(dout, self.arg_max, nested_shape(self.x[0]),
                                    self.pad)           # dmax[np.arange(...), self.arg_max.flatten()] = dout ...
        return dx
