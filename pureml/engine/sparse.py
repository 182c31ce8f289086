"""The nonzero entries of vectors, found by a loop or in C.

A zero input adds nothing to a dot product or to a weight's gradient, and
an MNIST image is 81% zeros, so pureml's kernels work only where their
inputs are not zero.  This module finds those entries:

    nonzeros(a)       (support, values): the indices k with a[k] != 0, and those a[k]
    pairs(a)          the same as one list of (k, a[k])
    support(a)        the indices alone
    count_nonzero(a)  how many there are

Each has a loop form, which PyPy's JIT compiles, and a form that finds the
entries in C (``itertools.compress`` and ``operator.itemgetter``), which
CPython runs faster; the choice is made once, at import.

>>> nonzeros_loop([0.0, 0.5, 0.0, 2.0])
([1, 3], [0.5, 2.0])
>>> pairs_loop([0.0, 0.5, 0.0, 2.0])
[(1, 0.5), (3, 2.0)]
"""

from itertools import compress
from operator import itemgetter

from pureml.engine.vectors import PYPY

__all__ = ["nonzeros", "pairs", "support", "count_nonzero", "gatherer", "indices",
           "nonzeros_loop", "nonzeros_compress", "pairs_loop", "pairs_compress",
           "support_loop", "support_compress"]


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
    """Return the tuple (0, 1, ..., n-1), made once for each n and then shared.

    Iterating range(784) makes a new int object for every index above 256;
    a shared tuple hands out the same objects each time.
    """
    made = _INDEX_TUPLES.get(n)
    if made is None:
        made = _INDEX_TUPLES[n] = tuple(range(n))
    return made


def nonzeros_loop(a):
    """Return (support, values): the indices k where a[k] is not zero, and those a[k]."""
    support = [k for k in range(len(a)) if a[k] != 0.0]
    return support, [a[k] for k in support]


def nonzeros_compress(a):
    """Return (support, values) as tuples, the indices found by compress() and the values gathered in C."""
    support = tuple(compress(indices(len(a)), a))
    return support, gatherer(support)(a)


def pairs_loop(a):
    """Return [(k, a[k]) for each k where a[k] is not zero], one comprehension."""
    return [(k, a[k]) for k in range(len(a)) if a[k] != 0.0]


def pairs_compress(a):
    """Return pairs_loop(a), the entries found in C and zipped into pairs."""
    support = tuple(compress(indices(len(a)), a))
    return list(zip(support, gatherer(support)(a)))


def support_loop(a):
    """Return the list of indices k where a[k] is not zero."""
    return [k for k in range(len(a)) if a[k] != 0.0]


def support_compress(a):
    """Return the indices k where a[k] is not zero, found by compress() in C (an iterator)."""
    return compress(indices(len(a)), a)


def count_nonzero(a):
    """Return how many entries of the vector a are not zero (list.count runs in C)."""
    return len(a) - a.count(0.0)


# CPython tests 784 pixels in C where its loop would take 20 us; PyPy's JIT
# compiles the loops and not compress().  Finding the indices first, rather
# than testing each a[k] inside the loop that uses it, also keeps PyPy from
# tracing that loop for the wrong case (mostly-zero images or dense layers).
if PYPY:
    nonzeros, pairs, support = nonzeros_loop, pairs_loop, support_loop
else:
    nonzeros, pairs, support = nonzeros_compress, pairs_compress, support_compress
