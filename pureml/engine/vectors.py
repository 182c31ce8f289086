"""Vectors and matrices as lists, and the one primitive: the sum of products.

A vector is a list of floats.  A matrix is a list of rows, each a vector;
``w[j][k]`` is row ``j``, column ``k``, so a layer's weight matrix has one
row per neuron, as in Nielsen's book.  These are the operations on one
example (the book's per-example ``backprop`` and ``feedforward``, and the
small sums everything else needs); pureml.engine.dense holds the batch
kernels.

The one primitive, ``sumprod``, is ``math.sumprod`` where it exists
(CPython 3.12+): a single C loop that makes no float object per term.
Elsewhere it is ``sumprod_map``, ``sum(map(mul, p, q))``.

>>> w = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
>>> matvec(w, [1.0, 1.0])
[3.0, 7.0, 11.0]
>>> transpose(w)
[[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]
>>> transpose_matvec(w, [1.0, 0.0, 1.0])
[6.0, 8.0]
"""

import math
import operator
import platform
import sys
from itertools import chain, repeat
from operator import mul

__all__ = ["sumprod", "sumprod_map", "matvec", "transpose", "transpose_matvec", "outer",
           "hadamard", "add", "sub", "scale", "zeros", "gaussian", "argmax", "shape",
           "nested_shape", "flatten", "unflatten", "SUMPROD_IS_C", "PYPY", "LOOPS_ARE_FAST"]

#: True on PyPy, whose JIT compiles plain loops into machine code.
PYPY = platform.python_implementation() == "PyPy"

#: True where an indexed loop beats a chain of builtins: PyPy, and CPython
#: 3.11+ (whose specialising interpreter runs float arithmetic fast).
LOOPS_ARE_FAST = PYPY or sys.version_info >= (3, 11)

#: True when ``sumprod`` is CPython's ``math.sumprod`` (3.12 and later).
SUMPROD_IS_C = hasattr(math, "sumprod")


def sumprod_map(p, q):
    """Return the sum of products p[0]*q[0] + p[1]*q[1] + ... of two vectors.

    Raises ValueError if the lengths differ, as ``math.sumprod`` does.
    """
    if len(p) != len(q):
        raise ValueError("Inputs are not the same length")
    return sum(map(mul, p, q))


# math.sumprod rounds once, in extended precision, where sum(map(mul))
# rounds at every step: the same value to within that rounding.
if SUMPROD_IS_C:
    sumprod = math.sumprod
else:
    sumprod = sumprod_map


def shape(m):
    """Return (rows, columns) of the matrix m, a list of equal-length rows.

    >>> shape([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    (2, 3)
    """
    return (len(m), len(m[0]) if m else 0)


def nested_shape(value):
    """Return the lengths along the first entries of nested lists: (rows, columns) of a
    matrix, (C, H, W) of an image, (FN, C, FH, FW) of a conv layer's filters.

    >>> nested_shape([[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]])
    (2, 1, 3)
    """
    lengths = []
    while isinstance(value, list):
        lengths.append(len(value))
        value = value[0] if value else None
    return tuple(lengths)


def flatten(example):
    """Return an example (a vector, or an image of channels of rows) as one flat list.

    >>> flatten([[[1.0, 2.0], [3.0, 4.0]]])
    [1.0, 2.0, 3.0, 4.0]
    """
    while example and isinstance(example[0], list):
        example = list(chain.from_iterable(example))
    return example


def unflatten(flat, shape):
    """Return the flat list ``flat`` nested into ``shape`` (nested_shape's), the inverse of flatten.

    >>> unflatten([1.0, 2.0, 3.0, 4.0], (1, 2, 2))
    [[[1.0, 2.0], [3.0, 4.0]]]
    """
    for size in reversed(shape[1:]):
        flat = [flat[i:i + size] for i in range(0, len(flat), size)]
    return flat


def zeros(rows, cols=None):
    """Return a vector of ``rows`` zeros, or a rows x cols matrix of zeros.

    >>> zeros(3)
    [0.0, 0.0, 0.0]
    >>> zeros(2, 1)
    [[0.0], [0.0]]
    """
    if cols is None:
        return [0.0] * rows
    return [[0.0] * cols for _ in range(rows)]


def gaussian(rng, rows, cols=None, sigma=1.0):
    """Return a vector (or rows x cols matrix) of draws from N(0, sigma**2).

    ``rng`` is a ``random.Random``; the draws are taken row by row, so the
    same seed always gives the same matrix.

    >>> import random
    >>> gaussian(random.Random(0), 2, 2) == gaussian(random.Random(0), 2, 2)
    True
    """
    gauss = rng.gauss
    if cols is None:
        return [gauss(0.0, sigma) for _ in range(rows)]
    return [[gauss(0.0, sigma) for _ in range(cols)] for _ in range(rows)]


def matvec(w, a):
    """Return the matrix-vector product w a, a vector with one entry per row of w."""
    return [sumprod(row, a) for row in w]


def transpose(m):
    """Return the transpose of the matrix m, as a new list of rows."""
    return [list(column) for column in zip(*m)]


def transpose_matvec(w, d):
    """Return w^T d, the vector with entries sum_j w[j][k] * d[j] (as in BP2).

    Computed as sum_j d[j] * (row j of w), which needs no transpose.
    """
    if len(w) != len(d):
        raise ValueError("w has %d rows but d has %d entries" % (len(w), len(d)))
    total = [0.0] * len(w[0])
    for row, dj in zip(w, d):
        total = list(map(operator.add, total, map(mul, row, repeat(dj))))
    return total


def outer(u, v):
    """Return the outer product u v^T: the matrix with entries u[j] * v[k].

    >>> outer([1.0, 2.0], [3.0, 4.0])
    [[3.0, 4.0], [6.0, 8.0]]
    """
    return [list(map(mul, v, repeat(uj))) for uj in u]


def hadamard(u, v):
    """Return the Hadamard (element-wise) product u * v of two vectors."""
    return list(map(mul, u, v))


def add(u, v):
    """Return the element-wise sum u + v of two vectors."""
    return list(map(operator.add, u, v))


def sub(u, v):
    """Return the element-wise difference u - v of two vectors."""
    return list(map(operator.sub, u, v))


def scale(c, v):
    """Return the vector c * v."""
    return list(map(mul, v, repeat(c)))


def argmax(v):
    """Return the index of the largest entry of v (the first, if tied).

    >>> argmax([0.1, 0.7, 0.2, 0.7])
    1
    """
    return max(range(len(v)), key=v.__getitem__)
