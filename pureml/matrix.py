"""The kernels that make training fast: both books' networks, a batch at a time.

A *batch* is a list of vectors, one per training example (the rows of the
book's matrix ``X`` in chapter 2's "fully matrix-based approach"); vectors
and matrices are lists, as in pureml.vectors, whose per-example operations
(``sumprod``, ``matvec``, ``transpose``, ``outer`` ...) are also
importable from here.

This module (with pureml.convolution for images, and pureml.sparse,
which finds the nonzero entries the kernels skip to) is the only one that
knows about speed.  Everything else in pureml reads like its book and
calls the functions here.

The batch kernels that do the work of training each have a plain form, an
indexed loop that says what is computed, and where it pays a builtin form
that runs the inner loop in C.  Which is faster depends on the
interpreter, so the fastest set is chosen once, at import, from
measurements described beside the kernels.  ``use(name)`` switches sets
("plain", "builtin", or the default "fast") for a ``with`` block; the
tests run every set and prove that they compute the same numbers.

>>> column_sums([[1.0, 2.0], [3.0, 4.0]])
[4.0, 6.0]
"""

import contextlib
import sys
from itertools import compress, repeat
from operator import add as _add
from operator import mul

from pureml import sparse
from pureml.sparse import fixed_inputs  # noqa: F401  (the kernels' face: matrix.fixed_inputs)

# The per-example operations, importable from here too (matrix.sumprod ...).
from pureml.vectors import (PYPY, SUMPROD_IS_C, _sumprod_plain, add, argmax,  # noqa: F401
                            dot, gaussian, hadamard, matvec, nested_shape, outer, scale, shape,
                            sub, sumprod, transpose, transpose_matvec, zeros)

__all__ = [
    "sumprod", "dot", "matvec", "affine", "transpose", "transpose_matvec",
    "outer", "hadamard", "add", "sub", "scale", "zeros", "gaussian",
    "argmax", "shape", "nested_shape", "affine_rows", "affine_rows_at", "transpose_matvec_rows",
    "transpose_outer_products", "matmul", "matmul_transposed", "transposed_matmul",
    "column_sums", "add_outer_products", "add_row_sums", "scale_in_place",
    "add_scaled_in_place", "relu_mask", "zero_where", "fixed_inputs", "use", "kernel_sets",
    "KERNELS", "SUMPROD_IS_C", "PYPY", "LOOPS_ARE_FAST",
]

# ---------------------------------------------------------------------------
# Batch kernels: the mini-batch as matrix products.  ``rows`` is a list of
# vectors, one per example.
#
# Each kernel has a plain form (indexed loops: the reference, and what the
# PyPy JIT compiles best) and, where it pays somewhere, a builtin form that
# moves the inner loop into C (map, zip, itemgetter, sumprod).  Which is
# faster depends on the interpreter; it was measured (tools/bench.py and the
# README's Speed section) on CPython 3.9 to 3.13 and PyPy:
#
# * a builtin step such as map(operator.mul, ...) costs about 40 ns per
#   element on every CPython, one call and one new float each;
# * CPython 3.11+ specialises the float opcodes of a plain loop, so
#   ``row[k] += s * a[k]`` costs about 45 ns for a whole multiply-add;
#   before 3.11 it costs about 75 ns;
# * math.sumprod (3.12+) multiplies and adds in C at about 10 ns a term.
# ---------------------------------------------------------------------------

#: True where a plain loop beats chains of builtins: PyPy (a JIT) and
#: CPython 3.11+ (the specialising interpreter).
LOOPS_ARE_FAST = PYPY or sys.version_info >= (3, 11)


# --- z = w a + b, for one example and for every example ---------------

def _affine_plain(w, a, b):
    """Return w a + b, skipping zero inputs: the plain form."""
    nonzeros = sparse.pairs(a)
    z = []
    # Two rows per pass over the inputs halves the loop's own overhead:
    # 12% faster on CPython 3.11, 25% on PyPy.
    for j in range(0, len(w) - 1, 2):
        row1, row2 = w[j], w[j + 1]
        total1, total2 = b[j], b[j + 1]
        for k, ak in nonzeros:
            total1 += row1[k] * ak
            total2 += row2[k] * ak
        z.append(total1)
        z.append(total2)
    if len(w) % 2:
        row, total = w[-1], b[-1]
        for k, ak in nonzeros:
            total += row[k] * ak
        z.append(total)
    return z


def _affine_builtin(w, a, b):
    """Return w a + b by a C gather of each row's entries at a's nonzeros, then sumprod."""
    support, a_support = sparse.nonzeros(a)
    if len(support) * 20 > len(a) * 9:
        # Nearly half nonzero or more (hidden layers): a gathered term costs
        # 8 ns on top of the sumprod's 6.5, so gathering would not pay.
        return [sumprod(row, a) + bj for row, bj in zip(w, b)]
    gather = sparse.gatherer(support)
    return [sumprod(gather(row), a_support) + bj for row, bj in zip(w, b)]


def _affine_rows_plain(w, rows, b=None):
    """Return [w a + b for a in rows] (no b: w a): the plain form."""
    if b is None:
        b = [0.0] * len(w)
    return [_affine_plain(w, a, b) for a in rows]


def _affine_rows_builtin(w, rows, b=None):
    """Return [w a + b for a in rows] (no b: w a), each by the builtin form.

    Per example rather than per batch: ten MNIST images together ink 2.5
    times as many pixels as one, so a gather over the batch's union would
    multiply 2.5 times as many zeros.
    """
    if b is None:
        b = [0.0] * len(w)
    return [_affine_builtin(w, a, b) for a in rows]


# --- w a for every example, only where a mask is nonzero ------------------

def _affine_rows_at_plain(w, rows, masks):
    """Return [w a for a in rows], each entry j computed only where mask[j] != 0 (else 0.0).

    The plain form.  DLFS's dx = dout W^T needs no entry whose input was 0
    after a ReLU: ReLU's backward throws that gradient away.
    """
    out = []
    n = len(rows[0]) if rows else 0
    for a, mask in zip(rows, masks):
        z = [0.0] * len(w)
        for j in sparse.support(mask):
            row, total = w[j], 0.0
            for k in range(n):
                total += row[k] * a[k]
            z[j] = total
        out.append(z)
    return out


def _affine_rows_at_builtin(w, rows, masks):
    """Return [w a for a in rows] where the masks are nonzero, one sumprod per entry."""
    w = [list(map(mul, row, repeat(1.0))) for row in w]     # side by side: see below
    return [[sumprod(row, a) if m else 0.0 for row, m in zip(w, mask)]
            for a, mask in zip(rows, masks)]


def _affine_rows_at_loops(w, rows, masks):
    """Return what _affine_rows_at_plain does, skipping the zeros of whichever side has more.

    The plain form costs (nonzero mask entries) x len(a) products; going
    through w's transpose, as sums of its rows weighted by a, costs
    (nonzeros of a) x len(w).  After ReLUs both sides are sparse, and which
    is sparser depends on the layer: DLFS's conv net's dx (4,320 inputs,
    100 hidden units, half of them zero) costs half as much the second way.
    """
    masked = sum(map(sparse.count_nonzero, masks))
    inked = sum(map(sparse.count_nonzero, rows))
    if masked * len(rows[0]) <= inked * len(w):
        return _affine_rows_at_plain(w, rows, masks)
    wT = transpose(w)
    return [[v if m else 0.0 for v, m in zip(_transpose_matvec_plain(wT, a, None), mask)]
            for a, mask in zip(rows, masks)]


# --- BP2's w^T delta, and DLFS's x W + b, for every example ---------------

def _transpose_matvec_plain(w, d, b):
    """Return w^T d + b (b a list, or None for none), skipping zero entries of d: the plain form."""
    n = len(w[0])
    total = [0.0] * n if b is None else list(b)
    # One row at a time: pairing rows (as _affine_plain does) made PyPy's
    # [784, 30, 10] epoch 20% slower, its BP2 rows being 30 long.
    for j in sparse.support(d):
        row, dj = w[j], d[j]
        for k in range(n):
            total[k] += row[k] * dj
    return total


def _transpose_matvec_rows_plain(w, ds, b=None):
    """Return [w^T d + b for d in ds] (no b: w^T d): the plain form.

    One call per example, as in _affine_rows_plain: PyPy's JIT then keeps
    apart the loops of differently shaped layers (one function holding the
    whole batch's loops ran 3x slower after first meeting a small layer).
    """
    return [_transpose_matvec_plain(w, d, b) for d in ds]


def _transpose_matvec_rows_builtin(w, ds, b=None):
    """Return [w^T d + b for d in ds], as sumprods down the columns of w.

    Where d is mostly zeros (an MNIST image fed to DLFS's Affine), each
    column is first gathered at d's nonzero entries, as in _affine_builtin.
    """
    # One transpose per batch, into new floats: multiplying by 1.0 lays each
    # column's floats out side by side in memory, where an optimizer's
    # updates leave w's scattered; sumprod then ran 2.5x faster over them.
    columns = [list(map(mul, column, repeat(1.0))) for column in zip(*w)]
    if b is None:
        b = [0.0] * len(columns)
    out = []
    for d in ds:
        support = tuple(compress(sparse.indices(len(d)), d))
        if len(support) * 20 > len(d) * 9:         # as in _affine_builtin
            out.append([sumprod(column, d) + bk for column, bk in zip(columns, b)])
        else:
            gather = sparse.gatherer(support)
            d_support = gather(d)
            out.append([sumprod(gather(column), d_support) + bk
                        for column, bk in zip(columns, b)])
    return out


# --- DLFS's dW = x^T dout: the sum of outer products, as a new matrix -------

def _transpose_outer_products_plain(xs, ds):
    """Return sum_i outer(xs[i], ds[i]), skipping zero entries of each x: the plain form.

    Row k of the sum is sum_i xs[i][k] * ds[i], over the examples whose
    x[k] is not zero.  Built a row at a time, as the builtin form is: PyPy
    ran this twice as fast as adding one example's outer product at a time
    (in a training loop; not in a loop of its own, a warning about timing
    PyPy's JIT on its own).
    """
    n = len(ds[0]) if ds else 0
    total = []
    for k in range(len(xs[0]) if xs else 0):
        row = [0.0] * n
        for x, d in zip(xs, ds):
            xk = x[k]
            if xk != 0.0:
                for j in range(n):
                    row[j] += xk * d[j]
        total.append(row)
    return total


def _add_weighted_rows(total, d, x):
    """Add d[j] * x to row j of the matrix total, for each nonzero d[j], in place; return None."""
    n = len(x)
    support = list(sparse.support(d))
    # Two rows per pass, each x[k] loaded once for both: 20% faster on PyPy.
    for t in range(1, len(support), 2):
        row1, row2 = total[support[t - 1]], total[support[t]]
        d1, d2 = d[support[t - 1]], d[support[t]]
        for k in range(n):
            xk = x[k]
            row1[k] += d1 * xk
            row2[k] += d2 * xk
    if len(support) % 2:
        row, dj = total[support[-1]], d[support[-1]]
        for k in range(n):
            row[k] += dj * x[k]


def _transpose_outer_products_loops(xs, ds):
    """Return what _transpose_outer_products_plain does, skipping the zeros of whichever side has more.

    The plain form costs (nonzeros of x) x len(d) products per example;
    building the transpose instead, row j = sum_i d_i[j] x_i, costs
    (nonzeros of d) x len(x), with long inner loops.  For DLFS's conv net's
    dW (4,320 mostly nonzero inputs, 100 half-zero gradients) that is half
    the work; for an MNIST image (19% ink) the plain form is the cheaper.
    """
    inked = sum(map(sparse.count_nonzero, xs))
    nonzero_d = sum(map(sparse.count_nonzero, ds))
    if inked * len(ds[0]) <= nonzero_d * len(xs[0]):
        return _transpose_outer_products_plain(xs, ds)
    totalT = [[0.0] * len(xs[0]) for _ in range(len(ds[0]))]
    for x, d in zip(xs, ds):
        _add_weighted_rows(totalT, d, x)        # one call per example, for PyPy's JIT
    return [list(column) for column in zip(*totalT)]


def _transpose_outer_products_builtin(xs, ds):
    """Return sum_i outer(xs[i], ds[i]), one row at a time as sumprods over the batch.

    Row k is sum_i xs[i][k] * ds[i]: a sumprod down the batch for each of
    its entries.  Where fewer than 40% of the examples have x[k] != 0 (an
    MNIST pixel), the sumprods run over only those, gathered first;
    elsewhere (the pooled feature maps of DLFS's conv net, 90% nonzero) a
    gathered term costs more than the zero it skips, and the sumprods run
    down the whole batch (1.5x faster there).  With DLFS's batches of 100 a
    weight gets about 40 products, enough to pay for a call; Nielsen's
    batches of 10 give 4 (see add_outer_products).
    """
    n = len(ds[0]) if ds else 0
    d_columns = list(zip(*ds))
    batch = sparse.indices(len(xs))
    total = []
    for x_column in zip(*xs):
        support = tuple(compress(batch, x_column))
        if len(support) * 5 >= len(batch) * 2:
            total.append(list(map(sumprod, repeat(x_column), d_columns)))
        elif support:
            gather = sparse.gatherer(support)
            total.append(list(map(sumprod, repeat(gather(x_column)), map(gather, d_columns))))
        else:
            total.append([0.0] * n)
    return total


# --- BP4 and the step: w += c * sum_x delta_x a_x^T, in place ------------

def add_outer_products(w, c, ds, rows):
    """Add c * sum_i outer(ds[i], rows[i]) to the matrix w, in place; return None.

    This is BP4 summed over a mini-batch and the gradient-descent step in
    one: w[j][k] += c * ds[i][j] * rows[i][k].  Zero inputs add nothing and
    are skipped.  There is no builtin form: one weight gets only a few
    products from a mini-batch (an MNIST pixel is inked in 4 of 10 images on
    average), so a sumprod or map per weight costs more than this loop on
    every interpreter measured.
    """
    for d, a in zip(ds, rows):
        nonzeros = sparse.pairs(a)
        # Two rows per pass, as in _affine_plain: 10% faster on CPython,
        # 40% on PyPy.
        for j in range(0, len(w) - 1, 2):
            row1, row2 = w[j], w[j + 1]
            s1, s2 = c * d[j], c * d[j + 1]
            for k, ak in nonzeros:
                row1[k] += s1 * ak
                row2[k] += s2 * ak
        if len(w) % 2:
            row, s = w[-1], c * d[-1]
            for k, ak in nonzeros:
                row[k] += s * ak


# --- BP3 and the step: b += c * sum_x delta_x, in place ------------------

def add_row_sums(b, c, ds):
    """Add c * sum_i ds[i] to the vector b, in place; return None."""
    for j in range(len(b)):
        total = 0.0
        for d in ds:
            total += d[j]
        b[j] += c * total


# --- whole-matrix updates: weight decay and momentum ----------------------

def _scale_in_place_plain(w, factor):
    """Multiply every entry of the matrix w by factor, in place: the plain form."""
    for row in w:
        for k in range(len(row)):
            row[k] *= factor


def _scale_in_place_builtin(w, factor):
    """Multiply every entry of the matrix w by factor, in place, a row at a time in C."""
    for row in w:
        row[:] = map(mul, row, repeat(factor))


def _add_scaled_in_place_plain(w, c, v):
    """Add c * v to the matrix w in place (v has w's shape): the plain form."""
    for row, vrow in zip(w, v):
        for k in range(len(row)):
            row[k] += c * vrow[k]


def _add_scaled_in_place_builtin(w, c, v):
    """Add c * v to the matrix w in place (v has w's shape), a row at a time in C."""
    for row, vrow in zip(w, v):
        row[:] = map(_add, row, map(mul, vrow, repeat(c)))


# ---------------------------------------------------------------------------
# The same kernels under Deep Learning from Scratch's names.  DLFS stores a
# weight matrix the other way round, W[input][output], and writes a batch
# as the rows of x, so its three products are Nielsen's kernels with the
# arguments swapped: the forward pass x W is BP2's w^T delta, and so on.
# ---------------------------------------------------------------------------

def matmul(x, W, b=None):
    """Return np.dot(x, W) + b: the rows x[i] W + b, skipping x's zero entries.

    ``x`` is a batch (a list of rows of len(W)), ``W`` a matrix and ``b``
    (optional) a vector of len(W[0]).  It is the kernel of Nielsen's BP2,
    transpose_matvec_rows(W, x, b).
    """
    return transpose_matvec_rows(W, x, b)


def matmul_transposed(dout, W, where=None):
    """Return np.dot(dout, W.T): the rows W dout[i], one entry per row of W.

    It is the kernel of Nielsen's forward pass, affine_rows(W, dout).  With
    ``where`` (a batch shaped like the result), entry [i][k] is computed
    only where where[i][k] is not zero and is 0.0 elsewhere.
    """
    if where is not None:
        return affine_rows_at(W, dout, where)
    return affine_rows(W, dout)


def transposed_matmul(x, dout):
    """Return np.dot(x.T, dout): the sum over the batch of outer(x[i], dout[i]).

    Row k is sum_i x[i][k] * dout[i]; zero entries of x are skipped.  This
    is DLFS's dW.  (Nielsen's BP4 adds the transpose of the same sum straight
    into the weights: add_outer_products.)
    """
    return transpose_outer_products(x, dout)


def column_sums(ds):
    """Return np.sum(ds, axis=0): the sum of the rows of ds, one entry per column.

    >>> column_sums([[1.0, 2.0], [3.0, 4.0]])
    [4.0, 6.0]
    """
    total = [0.0] * len(ds[0])
    add_row_sums(total, 1.0, ds)
    return total


# --- ReLU's mask = (x <= 0) and the book's out[mask] = 0, row by row ------
#
# On PyPy an indexed loop that fills a copy runs these 3x faster than
# zip() in a comprehension (27 against 80 ns an entry, the conv net's
# 30 x 24 x 24 maps); CPython 3.11+ gains 15% from the loop for zero_where,
# but its comprehension of bools is 1.5x faster than the loop for the mask.

def _relu_mask_plain(rows):
    """Return each row's mask, True where the entry is <= 0 (a NaN is not): the book's x <= 0."""
    masks = []
    for row in rows:
        mask = [False] * len(row)
        for k in range(len(row)):
            if row[k] <= 0.0:
                mask[k] = True
        masks.append(mask)
    return masks


def _relu_mask_builtin(rows):
    """Return _relu_mask_plain(rows), each mask one comprehension."""
    return [[v <= 0.0 for v in row] for row in rows]


def _zero_where_plain(rows, masks):
    """Return copies of the rows with 0.0 wherever the mask is true: the book's out[mask] = 0."""
    out = []
    for row, mask in zip(rows, masks):
        row = row[:]
        for k in range(len(row)):
            if mask[k]:
                row[k] = 0.0
        out.append(row)
    return out


def _zero_where_builtin(rows, masks):
    """Return _zero_where_plain(rows, masks), each row one comprehension over zip()."""
    return [[0.0 if m else v for v, m in zip(row, mask)] for row, mask in zip(rows, masks)]


# ---------------------------------------------------------------------------
# Choosing the kernels, once.
# ---------------------------------------------------------------------------

_PLAIN = {
    "affine": _affine_plain,
    "affine_rows": _affine_rows_plain,
    "affine_rows_at": _affine_rows_at_plain,
    "transpose_matvec_rows": _transpose_matvec_rows_plain,
    "transpose_outer_products": _transpose_outer_products_plain,
    "scale_in_place": _scale_in_place_plain,
    "add_scaled_in_place": _add_scaled_in_place_plain,
    "relu_mask": _relu_mask_plain,
    "zero_where": _zero_where_plain,
}

_BUILTIN = {
    "affine": _affine_builtin,
    "affine_rows": _affine_rows_builtin,
    "affine_rows_at": _affine_rows_at_builtin,
    "transpose_matvec_rows": _transpose_matvec_rows_builtin,
    "transpose_outer_products": _transpose_outer_products_builtin,
    "scale_in_place": _scale_in_place_builtin,
    "add_scaled_in_place": _add_scaled_in_place_builtin,
    "relu_mask": _relu_mask_builtin,
    "zero_where": _zero_where_builtin,
}

# Dot products (affine, BP2): a C sumprod beats any loop; without one, the
# builtin twin sum(map(mul, p, q)) still beats an unspecialised loop.
_DOTS = _BUILTIN if SUMPROD_IS_C or not LOOPS_ARE_FAST else _PLAIN
# Element-wise updates: loops where they are fast, map() elsewhere.
_ELEMENTWISE = _PLAIN if LOOPS_ARE_FAST else _BUILTIN

# The loops that skip the sparser side's zeros, where loops are the kernels.
_LOOPS = {"affine_rows_at": _affine_rows_at_loops,
          "transpose_outer_products": _transpose_outer_products_loops}

_FAST = {
    "affine": _DOTS["affine"],
    "affine_rows": _DOTS["affine_rows"],
    "affine_rows_at": (_DOTS if _DOTS is _BUILTIN else _LOOPS)["affine_rows_at"],
    "transpose_matvec_rows": _DOTS["transpose_matvec_rows"],
    "transpose_outer_products": (_DOTS if _DOTS is _BUILTIN
                                 else _LOOPS)["transpose_outer_products"],
    "scale_in_place": _ELEMENTWISE["scale_in_place"],
    "add_scaled_in_place": _ELEMENTWISE["add_scaled_in_place"],
    "relu_mask": (_PLAIN if PYPY else _BUILTIN)["relu_mask"],
    "zero_where": _ELEMENTWISE["zero_where"],
}

#: The kernel sets, by name: all plain loops, all builtins, and the fastest
#: for this interpreter (the default).
KERNELS = {"plain": _PLAIN, "builtin": _BUILTIN, "fast": _FAST}


def kernel_sets(namespace, sets, default="fast"):
    """Bind a module's kernel names to ``sets[default]``; return its ``use(name)``.

    ``namespace`` is the module's globals() and ``sets`` maps each set's
    name to {kernel name: function}.  The returned context manager runs a
    ``with`` block with another set and restores the previous one; the
    name in use is the module's ``kernels``.  pureml.convolution uses it
    too.
    """
    def install(name):
        if name not in sets:
            raise ValueError("unknown kernels %r; expected one of %s"
                             % (name, ", ".join(sorted(sets))))
        namespace.update(sets[name])
        namespace["kernels"] = name

    @contextlib.contextmanager
    def use(name):
        """Run the ``with`` block with the kernel set ``name``; yield the name.

        The previous set is restored afterwards.
        """
        previous = namespace["kernels"]
        install(name)
        try:
            yield name
        finally:
            install(previous)

    install(default)
    return use


#: use("plain"), use("builtin") or use("fast") switches the kernels for a with block.
use = kernel_sets(globals(), KERNELS)
