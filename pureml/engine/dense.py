"""The batch kernels of fully connected layers: both books' products, a mini-batch at a time.

A *batch* is a list of vectors, one per example (the rows of chapter 2's
matrix X, DLFS's x); a matrix is a list of rows.  Each kernel is named by
its mathematics, and pureml.engine's docstring maps each book's
expression to it (Nielsen's w a + b and w^T delta, DLFS's np.dot(x, W) and
np.dot(x.T, dout) ...).  pureml.engine.reference defines every one of
them the obvious way, and the tests hold each form here to that.

Most kernels come in two forms, and one is chosen at import:

* ``*_loops``: indexed loops that visit only the nonzero entries (an MNIST
  image is 81% zeros, a ReLU layer about half).  PyPy's JIT compiles them
  to machine code, and CPython 3.11+ runs their float arithmetic fast.
* ``*_sumprod``: each dot product one C call (``math.sumprod`` on 3.12+,
  ``sum(map(mul, ...))`` before), over the nonzero entries gathered in C.

The measurements behind each choice are in tools/README.md ("Kernels").

>>> column_sums([[1.0, 2.0], [3.0, 4.0]])
[4.0, 6.0]
"""

import contextlib
import operator
from itertools import compress, repeat
from operator import mul

from pureml.engine import sparse
from pureml.engine.vectors import LOOPS_ARE_FAST, PYPY, SUMPROD_IS_C, sumprod
from pureml.errors import ArgumentError

__all__ = ["weights_fixed", "transposed", "fits", "matvec_plus", "matvec_each", "matvec_each_where", "vecmat_each", "outer_sum",
           "add_outer_sum", "column_sums", "add_column_sums", "scale_in_place",
           "add_scaled_in_place", "nonpositive", "zero_where", "DOTS_IN_C", "VARIANTS"]


_TRANSPOSES = []        # inside weights_fixed(): [ {id(w): (w, its transpose)} ]


@contextlib.contextmanager
def weights_fixed():
    """Run a ``with`` block in which no weight matrix changes, so each is transposed once.

    The kernels that transpose a matrix (vecmat_each_dots, the transposed
    path of matvec_each_where_loops) keep the transpose of each matrix they
    see for the rest of the block.  pureml.parallel.blocks runs each
    mini-batch's blocks inside one, where the same weights meet ten blocks.
    Nothing may change a matrix's entries inside the block.
    """
    _TRANSPOSES.append({})
    try:
        yield
    finally:
        _TRANSPOSES.pop()


def transposed(w):
    """Return the transpose of the matrix w as a new list of rows (kept, inside weights_fixed())."""
    if not _TRANSPOSES:
        return [list(column) for column in zip(*w)]
    kept = _TRANSPOSES[-1].get(id(w))
    if kept is None or kept[0] is not w:
        kept = _TRANSPOSES[-1][id(w)] = (w, [list(column) for column in zip(*w)])
    return kept[1]


def fits(xs, n, what, b=None):
    """Raise ArgumentError unless the batch xs holds vectors of n entries, as numpy's dot would.

    ``b``, when given, is a bias vector that must have ``len(b) == m`` for
    ``what``'s m outputs: pass (b, m).
    """
    if not xs:
        raise ArgumentError("%s: the batch is empty; it must hold at least one example" % what)
    if b is not None and b[0] is not None and len(b[0]) != b[1]:
        raise ArgumentError("%s + b: b has %d entries, where the matrix gives %d"
                            % (what, len(b[0]), b[1]))
    for i, x in enumerate(xs):
        if len(x) != n:
            raise ArgumentError("%s: example %d has %d entries, where %d fit the matrix"
                                % (what, i, len(x), n))


# --- w a + b: Nielsen's z = w a + b, DLFS's dx = np.dot(dout, W.T) ---------------

def matvec_plus_loop(w, a, b):
    """Return w a + b for one vector a, visiting only a's nonzero entries."""
    nonzeros = sparse.pairs(a)
    z = []
    # Two rows per pass over the inputs: half the loop's own overhead.
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


def matvec_plus_sumprod(w, a, b):
    """Return w a + b for one vector a, each entry a sumprod over a's nonzero entries."""
    support, a_support = sparse.nonzeros_compress(a)
    if len(support) * 20 > len(a) * 9:
        # Nearly half nonzero or more (a hidden layer): gathering would not pay.
        return [sumprod(row, a) + bj for row, bj in zip(w, b)]
    gather = sparse.gatherer(support)
    return [sumprod(gather(row), a_support) + bj for row, bj in zip(w, b)]


def matvec_each_loops(w, xs, b=None):
    """Return [w x + b for x in xs] (no b: w x), by matvec_plus_loop."""
    fits(xs, len(w[0]), "w x", (b, len(w)))
    if b is None:
        b = [0.0] * len(w)
    return [matvec_plus_loop(w, x, b) for x in xs]


def matvec_each_sumprod(w, xs, b=None):
    """Return [w x + b for x in xs] (no b: w x), by matvec_plus_sumprod.

    Example by example rather than over the batch's union of nonzeros: ten
    MNIST images together ink 2.5 times as many pixels as one.
    """
    fits(xs, len(w[0]), "w x", (b, len(w)))
    if b is None:
        b = [0.0] * len(w)
    return [matvec_plus_sumprod(w, x, b) for x in xs]


# --- w x only where a mask is nonzero: DLFS's dx behind a ReLU ----------------------

def _matvec_each_where_rows(w, xs, masks):
    """Return [w x where mask else 0.0 for ...], one dot product per kept entry."""
    out = []
    n = len(xs[0]) if xs else 0
    for x, mask in zip(xs, masks):
        z = [0.0] * len(w)
        for j in sparse.support(mask):
            row, total = w[j], 0.0
            for k in range(n):
                total += row[k] * x[k]
            z[j] = total
        out.append(z)
    return out


def matvec_each_where_loops(w, xs, masks):
    """Return [w x for x in xs], entry j computed only where mask[j] != 0 (else 0.0).

    The gradient at an input that a ReLU zeroed is thrown away by that
    ReLU's backward, so it need not be computed.  Row by row this costs
    (kept entries) x len(x) products; through w's transpose, as a sum of
    w's columns weighted by x, it costs (nonzeros of x) x len(w): the
    cheaper way is taken for each batch.
    """
    fits(xs, len(w[0]), "w x")
    fits(masks, len(w), "w x where the mask is nonzero")
    kept = sum(map(sparse.count_nonzero, masks))
    inked = sum(map(sparse.count_nonzero, xs))
    if kept * len(xs[0]) <= inked * len(w):
        return _matvec_each_where_rows(w, xs, masks)
    wT = transposed(w)
    return [[v if m else 0.0 for v, m in zip(z, mask)]
            for z, mask in zip(vecmat_each_loops(xs, wT), masks)]


def matvec_each_where_rows(w, xs, masks):
    """Return what matvec_each_where_loops does, always row by row (a dot product per kept entry)."""
    fits(xs, len(w[0]), "w x")
    fits(masks, len(w), "w x where the mask is nonzero")
    return _matvec_each_where_rows(w, xs, masks)


def matvec_each_where_sumprod(w, xs, masks):
    """Return what matvec_each_where_loops does, one sumprod per kept entry."""
    fits(xs, len(w[0]), "w x")
    fits(masks, len(w), "w x where the mask is nonzero")
    w = [list(map(mul, row, repeat(1.0))) for row in w]     # fresh floats: see vecmat_each_sumprod
    return [[sumprod(row, x) if m else 0.0 for row, m in zip(w, mask)]
            for x, mask in zip(xs, masks)]


# --- x w + b: Nielsen's BP2 (w^T delta), DLFS's np.dot(x, W) + b --------------------

def _vecmat_plus_loop(x, w, b):
    """Return x w + b (b a list, or None for none), adding the rows of w that x's nonzeros weight."""
    n = len(w[0])
    total = [0.0] * n if b is None else list(b)
    # One row at a time: pairing rows, as matvec_plus_loop does, is slower
    # on PyPy for BP2's short rows.
    for j in sparse.support(x):
        row, xj = w[j], x[j]
        for k in range(n):
            total[k] += row[k] * xj
    return total


def vecmat_each_loops(xs, w, b=None):
    """Return [x w + b for x in xs] (no b: x w), visiting only each x's nonzero entries.

    One call per example: PyPy's JIT then keeps apart the loops of
    differently shaped layers.
    """
    fits(xs, len(w), "x w", (b, len(w[0])))
    return [_vecmat_plus_loop(x, w, b) for x in xs]


def vecmat_each_dots(xs, w, b=None):
    """Return [x w + b for x in xs], a dot product per entry where x is dense, as vecmat_each_loops where sparse.

    Where x is nearly half nonzero or more (a hidden layer's outputs), each
    entry is a loop of multiply-adds down one column of w (transposed once
    per call), which a JIT runs faster than adding whole rows of w into the
    result; a sparse x (an MNIST image) goes through the rows it weights.
    """
    fits(xs, len(w), "x w", (b, len(w[0])))
    n = len(w)
    if n < 200:                 # short columns (BP2's): transposing w costs more than it saves
        return [_vecmat_plus_loop(x, w, b) for x in xs]
    columns = None
    out = []
    for x in xs:
        if sparse.count_nonzero(x) * 20 <= n * 9:
            out.append(_vecmat_plus_loop(x, w, b))
            continue
        if columns is None:
            columns = transposed(w)
        z = [0.0] * len(columns) if b is None else list(b)
        for k in range(len(columns)):
            column, total = columns[k], 0.0
            for j in range(n):
                total += column[j] * x[j]
            z[k] += total
        out.append(z)
    return out


def vecmat_each_sumprod(xs, w, b=None):
    """Return [x w + b for x in xs] (no b: x w), as sumprods down the columns of w.

    Where x is mostly zeros (an MNIST image), each column is first gathered
    at x's nonzero entries, as in matvec_plus_sumprod.
    """
    fits(xs, len(w), "x w", (b, len(w[0])))
    # The columns as new floats: multiplying by 1.0 lays each column's
    # floats out side by side in memory, where an optimizer's updates leave
    # w's scattered, and sumprod runs faster over them.
    columns = [list(map(mul, column, repeat(1.0))) for column in zip(*w)]
    if b is None:
        b = [0.0] * len(columns)
    out = []
    for x in xs:
        support = tuple(compress(sparse.indices(len(x)), x))
        if len(support) * 20 > len(x) * 9:
            out.append([sumprod(column, x) + bk for column, bk in zip(columns, b)])
        else:
            gather = sparse.gatherer(support)
            x_support = gather(x)
            out.append([sumprod(gather(column), x_support) + bk
                        for column, bk in zip(columns, b)])
    return out


# --- sum_i x_i d_i^T as a new matrix: DLFS's dW = np.dot(x.T, dout) ------------------

def _outer_sum_rows(xs, ds):
    """Return sum_i outer(xs[i], ds[i]) row by row: row k is sum_i xs[i][k] ds[i], skipping zero xs[i][k]."""
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
    # Two rows per pass, each x[k] loaded once for both.
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


def outer_sum_loops(xs, ds):
    """Return sum_i outer(xs[i], ds[i]), skipping the zeros of whichever side has more.

    Row by row (_outer_sum_rows) costs (nonzeros of x) x len(d) products
    per example; building the transpose, row j = sum_i d_i[j] x_i, costs
    (nonzeros of d) x len(x), with long inner loops.  The cheaper is taken.
    """
    fits([xs], len(ds), "the sum of outer products of two batches")
    inked = sum(map(sparse.count_nonzero, xs))
    nonzero_d = sum(map(sparse.count_nonzero, ds))
    if inked * len(ds[0]) <= nonzero_d * len(xs[0]):
        return _outer_sum_rows(xs, ds)
    totalT = [[0.0] * len(xs[0]) for _ in range(len(ds[0]))]
    for x, d in zip(xs, ds):
        _add_weighted_rows(totalT, d, x)        # one call per example, for PyPy's JIT
    return [list(column) for column in zip(*totalT)]


def outer_sum_sumprod(xs, ds):
    """Return sum_i outer(xs[i], ds[i]): entry [k][j] one sumprod down the batch.

    Where fewer than 40% of the examples have x[k] != 0 (an MNIST pixel),
    the sumprods run over only those, gathered first; elsewhere (a dense
    layer's inputs) a gathered term costs more than the zero it skips.
    """
    fits([xs], len(ds), "the sum of outer products of two batches")
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


# --- w += c sum_i d_i x_i^T, in place: Nielsen's BP4 and the step in one -------------

def add_outer_sum(w, c, ds, xs):
    """Add c * sum_i outer(ds[i], xs[i]) to the matrix w, in place; return None.

    w[j][k] += c * ds[i][j] * xs[i][k], example by example; zero inputs add
    nothing and are skipped.  One weight gets only a few products from a
    mini-batch of 10 (an MNIST pixel is inked in 4 images of 10), too few
    to pay for a sumprod call, so there is one form, a loop.
    """
    fits([ds], len(xs), "the sum of outer products of two batches")
    for d, x in zip(ds, xs):
        nonzeros = sparse.pairs(x)
        for j in range(0, len(w) - 1, 2):       # two rows per pass, as matvec_plus_loop
            row1, row2 = w[j], w[j + 1]
            s1, s2 = c * d[j], c * d[j + 1]
            for k, xk in nonzeros:
                row1[k] += s1 * xk
                row2[k] += s2 * xk
        if len(w) % 2:
            row, s = w[-1], c * d[-1]
            for k, xk in nonzeros:
                row[k] += s * xk


# --- sums down the batch: Nielsen's BP3 and the step, DLFS's np.sum(dout, axis=0) -----

def add_column_sums(b, c, ds):
    """Add c * sum_i ds[i] to the vector b, in place; return None."""
    for j in range(len(b)):
        total = 0.0
        for d in ds:
            total += d[j]
        b[j] += c * total


def column_sums(ds):
    """Return sum_i ds[i], one entry per column: np.sum(ds, axis=0).

    >>> column_sums([[1.0, 2.0], [3.0, 4.0]])
    [4.0, 6.0]
    """
    total = [0.0] * len(ds[0])
    add_column_sums(total, 1.0, ds)
    return total


# --- whole-matrix updates: weight decay, momentum, the optimizers ---------------------

def scale_in_place_loop(w, c):
    """Multiply every entry of the matrix w by c, in place; return None."""
    for row in w:
        for k in range(len(row)):
            row[k] *= c


def scale_in_place_map(w, c):
    """Multiply every entry of the matrix w by c, in place, a row at a time in C; return None."""
    for row in w:
        row[:] = map(mul, row, repeat(c))


def add_scaled_in_place_loop(w, c, v):
    """Add c * v to the matrix w in place (v has w's shape); return None."""
    for row, vrow in zip(w, v):
        for k in range(len(row)):
            row[k] += c * vrow[k]


def add_scaled_in_place_map(w, c, v):
    """Add c * v to the matrix w in place (v has w's shape), a row at a time in C; return None."""
    for row, vrow in zip(w, v):
        row[:] = map(operator.add, row, map(mul, vrow, repeat(c)))


# --- ReLU: the mask x <= 0 and out[mask] = 0, row by row -----------------------------

def nonpositive_loop(rows):
    """Return each row's mask, True where the entry is <= 0 (a NaN is not): the book's x <= 0."""
    masks = []
    for row in rows:
        mask = [False] * len(row)
        for k in range(len(row)):
            if row[k] <= 0.0:
                mask[k] = True
        masks.append(mask)
    return masks


def nonpositive_comprehension(rows):
    """Return nonpositive_loop(rows), each mask one comprehension."""
    return [[v <= 0.0 for v in row] for row in rows]


def zero_where_loop(rows, masks):
    """Return copies of the rows with 0.0 wherever the mask is true: the book's out[mask] = 0."""
    out = []
    for row, mask in zip(rows, masks):
        row = row[:]
        for k in range(len(row)):
            if mask[k]:
                row[k] = 0.0
        out.append(row)
    return out


def zero_where_comprehension(rows, masks):
    """Return zero_where_loop(rows, masks), each row one comprehension over zip()."""
    return [[0.0 if m else v for v, m in zip(row, mask)] for row, mask in zip(rows, masks)]


# --- the choice, once --------------------------------------------------------------

#: Whether dot products run as C calls here: math.sumprod beats any loop
#: (CPython 3.12+), and sum(map(mul)) beats the slow loops before 3.11.
DOTS_IN_C = SUMPROD_IS_C or not LOOPS_ARE_FAST

if DOTS_IN_C:
    matvec_plus, matvec_each = matvec_plus_sumprod, matvec_each_sumprod
    matvec_each_where, vecmat_each = matvec_each_where_sumprod, vecmat_each_sumprod
    outer_sum = outer_sum_sumprod
else:
    matvec_plus, matvec_each = matvec_plus_loop, matvec_each_loops
    matvec_each_where, vecmat_each = matvec_each_where_loops, vecmat_each_loops
    outer_sum = outer_sum_loops
# PyPy's JIT runs a dot product down a column faster than adding rows into the result.
if PYPY:
    vecmat_each = vecmat_each_dots

# Element-wise updates: loops where loops are fast, map() elsewhere.
if LOOPS_ARE_FAST:
    scale_in_place, add_scaled_in_place = scale_in_place_loop, add_scaled_in_place_loop
    zero_where = zero_where_loop
else:
    scale_in_place, add_scaled_in_place = scale_in_place_map, add_scaled_in_place_map
    zero_where = zero_where_comprehension

# PyPy fills a mask fastest by an indexed loop; CPython, by a comprehension of bools.
nonpositive = nonpositive_loop if PYPY else nonpositive_comprehension

#: Every form of each kernel, for the tests to hold to pureml.engine.reference.
VARIANTS = {
    "matvec_plus": (matvec_plus_loop, matvec_plus_sumprod),
    "matvec_each": (matvec_each_loops, matvec_each_sumprod),
    "matvec_each_where": (matvec_each_where_loops, matvec_each_where_rows,
                          matvec_each_where_sumprod),
    "vecmat_each": (vecmat_each_loops, vecmat_each_dots, vecmat_each_sumprod),
    "outer_sum": (outer_sum_loops, outer_sum_sumprod),
    "add_outer_sum": (add_outer_sum,),
    "column_sums": (column_sums,),
    "add_column_sums": (add_column_sums,),
    "scale_in_place": (scale_in_place_loop, scale_in_place_map),
    "add_scaled_in_place": (add_scaled_in_place_loop, add_scaled_in_place_map),
    "nonpositive": (nonpositive_loop, nonpositive_comprehension),
    "zero_where": (zero_where_loop, zero_where_comprehension),
}
