"""The nonzero entries of vectors: found in C or by a loop, and once per run for fixed inputs.

A zero input adds nothing to a dot product or to a weight's gradient, and
an MNIST image is 81% zeros, so pureml's kernels (pureml.matrix,
pureml.convolution) work only where their inputs are not zero.  This
module finds those entries: ``nonzeros(a)`` is (support, values), the
indices and the entries there; ``pairs(a)`` the same as a list of (k, a[k]);
``support(a)`` the indices alone.  Each has a plain form, the loop that
says what it finds, and a form that finds them in C (itertools.compress
and operator.itemgetter), chosen once for the interpreter.

``fixed_inputs(vectors)`` is a ``with`` block inside which the vectors'
nonzeros are found once, at first use, and then looked up: training hands
the same images to the kernels epoch after epoch.

>>> nonzeros_plain([0.0, 0.5, 0.0, 2.0])
([1, 3], [0.5, 2.0])
"""

import contextlib
from itertools import compress
from operator import itemgetter

from pureml.vectors import PYPY

__all__ = ["nonzeros", "pairs", "pairs_plain", "pairs_fixed", "support", "count_nonzero", "fixed_inputs", "gatherer",
           "indices", "nonzeros_plain", "nonzeros_builtin", "support_plain", "support_builtin"]


def gatherer(indices):
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


_INDEX_TUPLES = {}


def indices(n):
    """Return the tuple (0, 1, ..., n-1), made once for each n and then shared."""
    # Iterating range(784) makes a new int object for every index above 256;
    # a tuple hands out the same objects each time (compress() runs 2x faster).
    made = _INDEX_TUPLES.get(n)
    if made is None:
        made = _INDEX_TUPLES[n] = tuple(range(n))
    return made


def nonzeros_plain(a):
    """Return (support, values): the indices k where a[k] is not zero, and those a[k]: the plain form."""
    support = [k for k in range(len(a)) if a[k] != 0.0]
    return support, [a[k] for k in support]


def nonzeros_builtin(a):
    """Return (support, values) as tuples, the indices found by compress() and the values gathered in C."""
    support = tuple(compress(indices(len(a)), a))
    return support, gatherer(support)(a)


# compress() tests 784 pixels in C, where CPython's loop would take 20 us;
# PyPy's JIT compiles the plain loop but not compress(), which it runs 2x slower.
find = nonzeros_plain if PYPY else nonzeros_builtin

#: id(vector) -> [vector, support, values] for the vectors fixed_inputs holds
#: (support and values None until the vector is first used).
_FIXED = {}


def nonzeros(a):
    """Return (support, values) of the vector a: found once if fixed_inputs holds it, else each time."""
    fixed = _FIXED.get(id(a))
    if fixed is None or fixed[0] is not a:
        return find(a)
    if fixed[1] is None:
        fixed[1:] = find(a)
    return fixed[1], fixed[2]


def pairs_plain(a):
    """Return [(k, a[k]) for each k where a[k] is not zero]: the plain form, one comprehension."""
    return [(k, a[k]) for k in range(len(a)) if a[k] != 0.0]


def pairs_fixed(a):
    """Return pairs_plain(a), from nonzeros(a) (so found once for fixed inputs).

    A list of pairs, made anew for each call, because the loops that use it
    unpack pairs from a list faster than they step through zip(support,
    values): 4% fewer instructions in add_outer_products on CPython 3.12.
    """
    support, values = nonzeros(a)
    return list(zip(support, values))


# PyPy finds the pairs in one compiled comprehension as fast as it looks
# them up, and zipping two lists into pairs made its [784, 30, 10] epoch
# 15-25% slower: there the plain form runs (and fixed_inputs saves nothing).
pairs = pairs_plain if PYPY else pairs_fixed


@contextlib.contextmanager
def fixed_inputs(vectors):
    """Run a ``with`` block in which each of ``vectors`` has its nonzero entries found only once.

    Training hands the same inputs to affine_rows and add_outer_products
    epoch after epoch, and each used to find an MNIST image's 150 inked
    pixels among its 784 again; inside the block they are found at a
    vector's first use and looked up after that (4% fewer instructions an
    epoch for Nielsen's [784, 30, 10] on CPython 3.12).  The vectors
    must not change inside the block.  The table costs about 2.6 KB a
    vector on CPython (130 MB for MNIST's 50,000 training images) and
    0.8 KB on PyPy (where ``pairs`` finds afresh anyway, as fast as a
    look-up there), and is emptied on leaving the block.  Blocks nest: a
    vector held by an outer block stays until that block ends.
    """
    added = []
    try:
        for a in vectors:
            key = id(a)
            if key not in _FIXED:
                _FIXED[key] = [a, None, None]       # holding a keeps its id unique
                added.append(key)
        yield
    finally:
        for key in added:
            del _FIXED[key]


def support_plain(a):
    """Return the list of indices k where a[k] is not zero: the plain form."""
    return [k for k in range(len(a)) if a[k] != 0.0]


def support_builtin(a):
    """Return the indices k where a[k] is not zero, found by compress() in C."""
    return compress(indices(len(a)), a)


# As for find.  Finding the indices first, rather than testing each a[k]
# inside the loop that uses it, also keeps PyPy's JIT from tracing that loop
# for the wrong case: a kernel called on mostly-zero images and on dense
# hidden layers alike ran 3x slower on the images with the test inside.
support = support_plain if PYPY else support_builtin


def count_nonzero(a):
    """Return how many entries of the vector a are not zero (list.count runs in C)."""
    return len(a) - a.count(0.0)
