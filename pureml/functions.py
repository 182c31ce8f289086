"""The functions of Deep Learning from Scratch's common/functions.py and gradient.py.

Chapters 3 and 4 of the book build a network from these before chapter 5
turns them into layers:

    sigmoid(x), relu(x), softmax(x)     activations of a vector or a batch
    cross_entropy_error(y, t)           the loss, with t one-hot or int labels
    numerical_gradient(f, x)            central differences, h = 1e-4

A vector is a list of floats and a batch a list of vectors, as everywhere
in pureml.  The activations are pureml.activations' (overflow-safe), not
a second copy.

>>> softmax([0.3, 2.9, 4.0])
[0.01821127329554753, 0.24519181293507392, 0.7365969137693786]
>>> round(cross_entropy_error([[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]], [2]), 6)
0.510825
"""

import math
import numbers

from pureml.activations import ReLU, Sigmoid, Softmax
from pureml.errors import ArgumentError

__all__ = ["sigmoid", "relu", "softmax", "cross_entropy_error", "numerical_gradient",
           "labels_of", "ArgumentError", "DELTA", "H"]

#: Added to y inside the log, as the book does, so that the loss never takes log(0).
DELTA = 1e-7

#: The step of the central differences in numerical_gradient, the book's h.
H = 1e-4


def _is_batch(x):
    """Return True if x is a batch (a list of vectors) rather than one vector."""
    return bool(x) and isinstance(x[0], (list, tuple))


def sigmoid(x):
    """Return 1 / (1 + e^-x) of a vector, or of each vector of a batch."""
    if _is_batch(x):
        return [Sigmoid.fn(row) for row in x]
    return Sigmoid.fn(x)


def relu(x):
    """Return max(0, x) of a vector, or of each vector of a batch."""
    if _is_batch(x):
        return [ReLU.fn(row) for row in x]
    return ReLU.fn(x)


def softmax(x):
    """Return exp(x - max x) / sum exp(x - max x) of a vector, or of each vector of a batch.

    Subtracting the largest entry keeps exp from overflowing, as the book's
    version does.
    """
    if _is_batch(x):
        return [Softmax.fn(row) for row in x]
    return Softmax.fn(x)


def labels_of(t, classes, what="t"):
    """Return the int labels of t: t itself if it holds ints, else each one-hot row's argmax.

    ``classes`` is the number of outputs.  Raises ArgumentError naming
    ``what`` when a label is out of range or a one-hot row has the wrong
    length.
    """
    labels = []
    for i, ti in enumerate(t):
        if isinstance(ti, numbers.Integral) and not isinstance(ti, bool):
            if not 0 <= ti < classes:
                raise ArgumentError("%s[%d] is the label %d; labels must be from 0 to %d"
                                    % (what, i, ti, classes - 1))
            labels.append(int(ti))
        elif isinstance(ti, (list, tuple)):
            if len(ti) != classes:
                raise ArgumentError("%s[%d] is a one-hot label of %d entries; expected %d"
                                    % (what, i, len(ti), classes))
            labels.append(max(range(classes), key=ti.__getitem__))
        else:
            raise ArgumentError("%s[%d] must be an int label or a one-hot list, not %r"
                                % (what, i, ti))
    return labels


def cross_entropy_error(y, t):
    """Return the mean over the batch of -log(y[t] + 1e-7): the book's cross-entropy error.

    ``y`` is a batch of output vectors (or one vector) and ``t`` the labels,
    as int labels or one-hot lists (the book takes the argmax of a one-hot
    t, and so does this).  DELTA inside the log keeps it finite when an
    output is exactly 0.
    """
    if not _is_batch(y):            # one output vector, one label
        y, t = [y], [t]
    if len(y) != len(t):
        raise ArgumentError("y holds %d outputs but t holds %d labels; they must agree"
                            % (len(y), len(t)))
    labels = labels_of(t, len(y[0]))
    batch_size = len(y)
    return -math.fsum(math.log(yi[ti] + DELTA) for yi, ti in zip(y, labels)) / batch_size


def numerical_gradient(f, x):
    """Return the gradient of f at x by central differences: (f(x+h) - f(x-h)) / 2h.

    ``x`` is a vector, a matrix (a list of rows) or deeper nested lists (a
    conv layer's filters), changed in place one entry at a time and
    restored, as in the book: ``f`` is called with the whole x and should
    read the network's parameters (the book passes a lambda that ignores
    its argument).  Returns lists shaped like x.  h is 1e-4.
    """
    return _numerical_gradient(f, x, x)


def _numerical_gradient(f, whole, x):
    """Return the central differences for the entries of ``x``, a part of ``whole``."""
    if x and isinstance(x[0], list):
        return [_numerical_gradient(f, whole, part) for part in x]
    grad = [0.0] * len(x)
    for idx in range(len(x)):
        tmp_val = x[idx]
        x[idx] = tmp_val + H
        fxh1 = f(whole)         # f(x+h)
        x[idx] = tmp_val - H
        fxh2 = f(whole)         # f(x-h)
        grad[idx] = (fxh1 - fxh2) / (2 * H)
        x[idx] = tmp_val        # restore
    return grad
