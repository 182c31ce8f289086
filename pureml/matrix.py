"""Vectors and matrices as lists, and the kernels that make training fast.

A vector is a list of floats.  A matrix is a list of rows, each a vector;
``w[j][k]`` is row ``j``, column ``k``, so a layer's weight matrix has one
row per neuron, exactly as in the book.  A *batch* is a list of vectors, one
per training example (the rows of the book's matrix ``X`` in chapter 2's
"fully matrix-based approach").

This module is the only one that knows about speed.  Everything else in
pureml reads like the book and calls the functions here.  Each function
that has a fast form has a plain twin: an ordinary indexed loop that says
what the fast one computes.  Which twin runs is chosen once, at import:

* ``sumprod`` is ``math.sumprod`` where it exists (CPython 3.12+), a single
  C loop with no float objects made along the way; elsewhere its plain twin
  ``sum(map(mul, p, q))``.
* On CPython the batch kernels use C-level loops (``map``, ``zip``,
  ``operator.itemgetter``), because a Python-level loop costs about ten times
  as much per element as the same loop run inside C.
* On PyPy the plain twins run, because its JIT compiles indexed loops to
  machine code and is slowed down, not sped up, by ``map`` and friends.

``use(name)`` switches the kernels (``"plain"`` or ``"fast"``) for a
``with`` block; the tests use it to prove that both give the same numbers.

>>> w = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
>>> matvec(w, [1.0, 1.0])
[3.0, 7.0, 11.0]
>>> transpose(w)
[[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]
>>> transpose_matvec(w, [1.0, 0.0, 1.0])
[6.0, 8.0]
"""

import contextlib
import itertools
import math
import operator
import platform
from itertools import compress, repeat
from operator import itemgetter, mul, setitem
from operator import add as _add  # the module defines its own add(u, v)

__all__ = [
    "sumprod", "dot", "matvec", "affine", "transpose", "transpose_matvec",
    "outer", "hadamard", "add", "sub", "scale", "zeros", "gaussian",
    "argmax", "shape", "affine_rows", "transpose_matvec_rows",
    "add_outer_products", "add_row_sums", "scale_in_place",
    "add_scaled_in_place", "use", "KERNELS", "SUMPROD_IS_C", "PYPY",
]

PYPY = platform.python_implementation() == "PyPy"


# ---------------------------------------------------------------------------
# The one primitive: the sum of products of two vectors.
# ---------------------------------------------------------------------------

def _sumprod_plain(p, q):
    """Return the sum of products of the vectors p and q: p[0]*q[0] + p[1]*q[1] + ...

    Raises ValueError if the lengths differ, as ``math.sumprod`` does.
    """
    if len(p) != len(q):
        raise ValueError("Inputs are not the same length")
    return sum(map(mul, p, q))


def _sumprod_c(p, q):
    """Return math.sumprod(p, q); it is defined only where math.sumprod exists."""
    return math.sumprod(p, q)


#: True when ``sumprod`` is CPython's ``math.sumprod`` (3.12 and later).
SUMPROD_IS_C = hasattr(math, "sumprod")

if SUMPROD_IS_C:
    # A C loop accumulating in extended precision; no float object per term.
    sumprod = math.sumprod
else:
    sumprod = _sumprod_plain


#: The dot product of two vectors; another name for ``sumprod``.
dot = sumprod


# ---------------------------------------------------------------------------
# Vectors and matrices.  These are used per example (the book's backprop,
# feedforward) and are written once: they are already C-level loops.
# ---------------------------------------------------------------------------

def shape(m):
    """Return (rows, columns) of the matrix m, a list of equal-length rows.

    >>> shape([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    (2, 3)
    """
    return (len(m), len(m[0]) if m else 0)


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


def affine(w, a, b):
    """Return w a + b: the weighted inputs z of a layer (the book's eq. 25).

    >>> affine([[1.0, 2.0]], [3.0, 4.0], [0.5])
    [11.5]
    """
    return [sumprod(row, a) + bj for row, bj in zip(w, b)]


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
        total = list(map(_add, total, map(mul, row, repeat(dj))))
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


# ---------------------------------------------------------------------------
# Batch kernels: the mini-batch as matrix products.  ``rows`` is a list of
# vectors, one per example.  Each kernel has a plain twin (indexed loops, run
# on PyPy and used as the reference) and a fast form for CPython.
# ---------------------------------------------------------------------------

def _gatherer(indices):
    """Return a function mapping a sequence s to the tuple (s[i] for i in indices).

    It is ``operator.itemgetter(*indices)`` (a gather in C), except that it
    returns a tuple for one index or none, where itemgetter would not.
    """
    if len(indices) > 1:
        return itemgetter(*indices)
    if len(indices) == 1:
        (index,) = indices
        return lambda s: (s[index],)
    return lambda s: ()


def _support(rows):
    """Return the sorted tuple of columns where at least one of ``rows`` is nonzero."""
    # any() over each column, all in C: MNIST images are 81% zeros.
    return tuple(compress(range(len(rows[0])), map(any, zip(*rows))))


# --- z = w a + b for every example --------------------------------------

def _affine_rows_plain(w, rows, b):
    """Return [w a + b for a in rows], skipping zero inputs: the plain twin."""
    zs = []
    for a in rows:
        support = [k for k in range(len(a)) if a[k] != 0.0]
        z = []
        for row, bj in zip(w, b):
            total = bj
            for k in support:
                total += row[k] * a[k]
            z.append(total)
        zs.append(z)
    return zs


def _affine_rows_fast(w, rows, b):
    """Return [w a + b for a in rows], gathering only the batch's nonzero columns."""
    support = _support(rows)
    if len(support) == len(rows[0]):
        # Dense inputs (hidden layers): nothing to gather.
        return [[sumprod(row, a) + bj for row, bj in zip(w, b)] for a in rows]
    gather = _gatherer(support)
    # Gathering each row once per batch beats gathering it once per example.
    w_support = [gather(row) for row in w]
    out = []
    for a in rows:
        a_support = gather(a)
        out.append([sumprod(row, a_support) + bj for row, bj in zip(w_support, b)])
    return out


# --- BP2's w^T delta for every example -------------------------------------

def _transpose_matvec_rows_plain(w, ds):
    """Return [w^T d for d in ds]: the plain twin."""
    n = len(w[0])
    out = []
    for d in ds:
        total = [0.0] * n
        for row, dj in zip(w, d):
            for k in range(n):
                total[k] += row[k] * dj
        out.append(total)
    return out


def _transpose_matvec_rows_fast(w, ds):
    """Return [w^T d for d in ds], as sums of products down the columns of w."""
    # One transpose per batch, then one C-level sumprod per output entry.
    columns = list(zip(*w))
    return [[sumprod(column, d) for column in columns] for d in ds]


# --- BP4 and the step: w += c * sum_x delta_x a_x^T, in place ------------

def _add_outer_products_plain(w, c, ds, rows):
    """Add c * sum_i outer(ds[i], rows[i]) to the matrix w in place: the plain twin.

    Zero inputs are skipped: they contribute nothing to the sum.
    """
    for d, a in zip(ds, rows):
        support = [k for k in range(len(a)) if a[k] != 0.0]
        for row, dj in zip(w, d):
            s = c * dj
            for k in support:
                row[k] += s * a[k]


def _add_outer_products_sumprod(w, c, ds, rows):
    """Add c * sum_i outer(ds[i], rows[i]) to w in place, one sumprod per weight.

    Each changed weight is w[j][k] + sum_i (c*ds[i][j]) * rows[i][k]: a
    sumprod over the batch, for the columns k where some input is nonzero.
    """
    support = _support(rows)
    gather = _gatherer(support)
    # Column k of the batch's inputs, as a tuple over the examples.
    columns = list(zip(*map(gather, rows)))
    scaled = [[c * dj for dj in column] for column in zip(*ds)]
    for row, u in zip(w, scaled):
        updated = map(_add, gather(row), map(sumprod, repeat(u), columns))
        # Write back only the changed columns; any() drains map() in C.
        any(map(setitem, repeat(row), support, updated))


def _add_outer_products_map(w, c, ds, rows):
    """Add c * sum_i outer(ds[i], rows[i]) to w in place, example by example.

    Without a C sumprod, a short dot product per weight costs more than an
    axpy per example over its nonzero inputs: row[k] += (c*d[j]) * a[k].
    """
    for d, a in zip(ds, rows):
        support = tuple(compress(range(len(a)), a))
        if not support:
            continue
        gather = _gatherer(support)
        values = gather(a)
        for row, dj in zip(w, d):
            updated = map(_add, gather(row), map(mul, values, repeat(c * dj)))
            any(map(setitem, repeat(row), support, updated))


# --- BP3 and the step: b += c * sum_x delta_x, in place ------------------

def _add_row_sums_plain(b, c, ds):
    """Add c * sum_i ds[i] to the vector b in place: the plain twin."""
    for j in range(len(b)):
        total = 0.0
        for d in ds:
            total += d[j]
        b[j] += c * total


def _add_row_sums_fast(b, c, ds):
    """Add c * sum_i ds[i] to the vector b in place, summing columns in C."""
    b[:] = map(_add, b, map(mul, map(sum, zip(*ds)), repeat(c)))


# --- whole-matrix updates: weight decay and momentum ----------------------

def _scale_in_place_plain(w, factor):
    """Multiply every entry of the matrix w by factor, in place: the plain twin."""
    for row in w:
        for k in range(len(row)):
            row[k] *= factor


def _scale_in_place_fast(w, factor):
    """Multiply every entry of the matrix w by factor, in place."""
    for row in w:
        row[:] = map(mul, row, repeat(factor))


def _add_scaled_in_place_plain(w, c, v):
    """Add c * v to the matrix w in place (v has w's shape): the plain twin."""
    for row, vrow in zip(w, v):
        for k in range(len(row)):
            row[k] += c * vrow[k]


def _add_scaled_in_place_fast(w, c, v):
    """Add c * v to the matrix w in place (v has w's shape)."""
    for row, vrow in zip(w, v):
        row[:] = map(_add, row, map(mul, vrow, repeat(c)))


# ---------------------------------------------------------------------------
# Choosing the kernels, once.
# ---------------------------------------------------------------------------

_PLAIN = {
    "affine_rows": _affine_rows_plain,
    "transpose_matvec_rows": _transpose_matvec_rows_plain,
    "add_outer_products": _add_outer_products_plain,
    "add_row_sums": _add_row_sums_plain,
    "scale_in_place": _scale_in_place_plain,
    "add_scaled_in_place": _add_scaled_in_place_plain,
}

_FAST = {
    "affine_rows": _affine_rows_fast,
    "transpose_matvec_rows": _transpose_matvec_rows_fast,
    # With a C sumprod, one short sumprod per weight is cheapest; without
    # one, an axpy per example over its nonzero inputs is.
    "add_outer_products": (_add_outer_products_sumprod if SUMPROD_IS_C
                           else _add_outer_products_map),
    "add_row_sums": _add_row_sums_fast,
    "scale_in_place": _scale_in_place_fast,
    "add_scaled_in_place": _add_scaled_in_place_fast,
}

#: The kernel sets, by name.
KERNELS = {"plain": _PLAIN, "fast": _FAST}

#: The name of the kernel set chosen at import.
DEFAULT_KERNELS = "plain" if PYPY else "fast"


def _install(name):
    """Bind the module-level kernel names to the set called ``name``; return None."""
    if name not in KERNELS:
        raise ValueError("unknown kernels %r; expected one of %s"
                         % (name, ", ".join(sorted(KERNELS))))
    globals().update(KERNELS[name])
    globals()["kernels"] = name


@contextlib.contextmanager
def use(name):
    """Run the ``with`` block with the kernel set ``name`` ("plain" or "fast").

    The previous set is restored afterwards.  Yields the name.
    """
    previous = kernels
    _install(name)
    try:
        yield name
    finally:
        _install(previous)


kernels = DEFAULT_KERNELS
_install(DEFAULT_KERNELS)
