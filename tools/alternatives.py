"""Time the kernel designs pureml tried and rejected, beside the ones it uses.

Run it from the project's root on any interpreter:

    PUREML_DATA=DIR python3 -m tools.alternatives

``pureml/engine/dense.py`` keeps only the fastest forms; this keeps the others,
so that tools/README.md's "what was tried" table can be checked on any machine
and interpreter.  Each alternative is first checked against pureml's own
kernel (the same numbers, to 1e-12), then timed on real mini-batches of
ten MNIST images against a [784, 30, 10] network's first layer.  Figures
are microseconds per training image.
"""

import argparse
import math
import platform
import random
import sys
import time
from itertools import compress, repeat
from operator import add, mul, setitem

from pureml import mnist
from pureml.engine import dense, sparse
from pureml.engine.sparse import gatherer as _gatherer
from pureml.engine.sparse import indices as _indices
from pureml.engine.vectors import SUMPROD_IS_C, gaussian, sumprod


def _support(rows):
    """Return the columns where any of ``rows`` is nonzero (the batch's union)."""
    return tuple(compress(_indices(len(rows[0])), map(any, zip(*rows))))


# --- the forward pass, z = w a + b for each example a ---------------------

def forward_batch_union(w, rows, b):
    """Gather each weight row once per batch, at the union of the batch's nonzero columns."""
    gather = _gatherer(_support(rows))
    w_support = [gather(row) for row in w]
    out = []
    for a in rows:
        a_support = gather(a)
        out.append([sumprod(row, a_support) + bj for row, bj in zip(w_support, b)])
    return out


def forward_transposed(w, rows, b):
    """Transpose w once per batch; per example gather its columns and zip them back into rows."""
    columns = list(zip(*w))
    out = []
    for a in rows:
        gather = _gatherer(tuple(compress(_indices(len(a)), a)))
        a_support = gather(a)
        out.append([sumprod(row, a_support) + bj
                    for row, bj in zip(zip(*gather(columns)), b)])
    return out


# --- the weight update, w += c * sum_i outer(ds[i], rows[i]) -------------

def update_sumprod_per_weight(w, c, ds, rows):
    """One sumprod over the batch for every weight in the batch's nonzero columns."""
    support = _support(rows)
    gather = _gatherer(support)
    columns = list(zip(*map(gather, rows)))
    for row, d_column in zip(w, zip(*ds)):
        u = [c * dj for dj in d_column]
        updated = map(add, gather(row), map(sumprod, repeat(u), columns))
        any(map(setitem, repeat(row), support, updated))


def update_map_axpy(w, c, ds, rows):
    """An axpy per example and row in C: gather, multiply, add, scatter."""
    for d, a in zip(ds, rows):
        support = tuple(compress(_indices(len(a)), a))
        gather = _gatherer(support)
        values = gather(a)
        for row, dj in zip(w, d):
            updated = map(add, gather(row), map(mul, values, repeat(c * dj)))
            any(map(setitem, repeat(row), support, updated))


def update_one_row_per_pass(w, c, ds, rows):
    """The plain loop without pairing rows."""
    for d, a in zip(ds, rows):
        nonzeros = sparse.pairs(a)
        for row, dj in zip(w, d):
            s = c * dj
            for k, ak in nonzeros:
                row[k] += s * ak


def update_three_rows_per_pass(w, c, ds, rows):
    """The plain loop with three rows per pass over the inputs instead of two."""
    for d, a in zip(ds, rows):
        nonzeros = sparse.pairs(a)
        rows_and_steps = [(row, c * dj) for row, dj in zip(w, d)]
        while len(rows_and_steps) % 3:
            row, s = rows_and_steps.pop()
            for k, ak in nonzeros:
                row[k] += s * ak
        for (r1, s1), (r2, s2), (r3, s3) in zip(rows_and_steps[::3], rows_and_steps[1::3],
                                                rows_and_steps[2::3]):
            for k, ak in nonzeros:
                r1[k] += s1 * ak
                r2[k] += s2 * ak
                r3[k] += s3 * ak


FORWARD = [("pureml: dense.matvec_each", None),
           ("one gather per batch (the union of its nonzero columns)", forward_batch_union),
           ("transposed weights, zip(*) per example", forward_transposed)]
UPDATE = [("pureml: dense.add_outer_sum", None),
          ("one math.sumprod per changed weight", update_sumprod_per_weight),
          ("map() axpy per example and row", update_map_axpy),
          ("plain loop, one row per pass", update_one_row_per_pass),
          ("plain loop, three rows per pass", update_three_rows_per_pass)]


def _close(a, b):
    """Return True if the nested lists a and b agree to 1e-12 relative."""
    return all(math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15)
               for ra, rb in zip(a, b) for x, y in zip(ra, rb))


def main(argv=None):
    """Check and time every alternative; print microseconds per image; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--images", type=int, default=3000, help="images timed (default 3000)")
    args = parser.parse_args(argv)
    training, _validation, _test = mnist.load_data_wrapper(args.data)
    rng = random.Random(1)
    w = gaussian(rng, 30, 784)
    b = gaussian(rng, 30)
    batches = [[x for x, _y in training[k:k + 10]] for k in range(0, args.images, 10)]
    deltas = [[gaussian(rng, 30) for _ in batch] for batch in batches]
    print("%s %s, math.sumprod: %s; microseconds per image, first layer of [784, 30, 10]"
          % (platform.python_implementation(), platform.python_version(), SUMPROD_IS_C))
    for title, table, reference in (("forward pass", FORWARD, dense.matvec_each),
                                    ("weight update", UPDATE, dense.add_outer_sum)):
        print(title)
        for name, f in table:
            f = f or reference
            if table is FORWARD:
                if not _close(f(w, batches[0], b)[0:1], reference(w, batches[0], b)[0:1]):
                    raise SystemExit("%s computes something else" % name)
                start = time.perf_counter()
                for batch in batches:
                    f(w, batch, b)
            else:
                mine, theirs = [r[:] for r in w], [r[:] for r in w]
                f(mine, -0.3, deltas[0], batches[0])
                reference(theirs, -0.3, deltas[0], batches[0])
                if not _close(mine, theirs):
                    raise SystemExit("%s computes something else" % name)
                work = [r[:] for r in w]
                start = time.perf_counter()
                for batch, ds in zip(batches, deltas):
                    f(work, -0.3, ds, batch)
            seconds = time.perf_counter() - start
            print("  %-58s %7.1f" % (name, seconds / (10 * len(batches)) * 1e6), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
