"""Numerical gradient checking: backprop against central differences.

For one example (x, y) the cost of a network is

    C = cost.fn(feedforward(x), y) + (lmbda / (2n)) * sum_w w^2

and backpropagation claims dC/dw = nabla_w + (lmbda/n) w and dC/db = nabla_b.
The central difference (C(p + h) - C(p - h)) / 2h approximates each of
those partial derivatives with an error of order h^2, so if backprop is
right the two agree to many digits.  ``check`` returns the worst relative
disagreement.
"""

import collections
import math
import random
from pureml.errors import ArgumentError

__all__ = ["check", "relative_error", "Result", "ArgumentError"]


#: What ``check`` returns: the worst relative error, where it occurred, and how many parameters were compared.
Result = collections.namedtuple("Result", "worst where analytic numeric checked")


def relative_error(analytic, numeric, floor=1e-7):
    """Return |analytic - numeric| / max(|analytic| + |numeric|, floor).

    The floor keeps a parameter whose gradient is essentially zero from
    producing a huge ratio out of rounding noise: below it, the error is
    judged in absolute terms.

    >>> relative_error(1.0, 1.0)
    0.0
    >>> round(relative_error(1.0, 1.001), 6)
    0.0005
    """
    return abs(analytic - numeric) / max(abs(analytic) + abs(numeric), floor)


def _cost(net, x, y, lmbda, n):
    """Return the cost C of ``net`` on (x, y), with the L2 term for lmbda and n."""
    c = net.cost.fn(net.feedforward(x), y)
    if lmbda:
        c += 0.5 * (lmbda / n) * math.fsum(v * v for w in net.weights for row in w for v in row)
    return c


def check(net, x, y, lmbda=0.0, n=1, h=1e-5, samples=None, rng=None, floor=1e-7):
    """Compare ``net.backprop(x, y)`` with central differences; return a Result.

    Every bias and weight is checked, or, if ``samples`` is given, every
    bias and that many weights chosen at random (with ``rng``, a
    ``random.Random``).  ``lmbda`` and ``n`` add the L2 term as network2
    does.  ``Result.worst`` is the largest ``relative_error`` found, and
    ``Result.where`` names the parameter, e.g. ("weights", 0, 3, 17).

    The network is left exactly as it was.
    """
    if not (isinstance(h, float) and 0.0 < h < 1.0):
        raise ArgumentError("h must be a float between 0 and 1, not %r" % (h,))
    if lmbda and (not isinstance(n, int) or n < 1):
        raise ArgumentError("n, the training-set size, must be a positive int, not %r" % (n,))
    nabla_b, nabla_w = net.backprop(x, y)
    parameters = []
    for l, b in enumerate(net.biases):
        for j in range(len(b)):
            parameters.append(("biases", l, j, None))
    weights = [("weights", l, j, k)
               for l, w in enumerate(net.weights)
               for j in range(len(w)) for k in range(len(w[0]))]
    if samples is not None and samples < len(weights):
        weights = (rng or random.Random(0)).sample(weights, samples)
    parameters.extend(weights)

    worst = Result(0.0, None, 0.0, 0.0, len(parameters))
    for kind, l, j, k in parameters:
        if kind == "biases":
            vector, index = net.biases[l], j
            analytic = nabla_b[l][j]
        else:
            vector, index = net.weights[l][j], k
            analytic = nabla_w[l][j][k]
            if lmbda:
                analytic += (lmbda / n) * vector[index]
        original = vector[index]
        try:
            vector[index] = original + h
            plus = _cost(net, x, y, lmbda, n)
            vector[index] = original - h
            minus = _cost(net, x, y, lmbda, n)
        finally:
            vector[index] = original
        numeric = (plus - minus) / (2.0 * h)
        error = relative_error(analytic, numeric, floor)
        if error > worst.worst or worst.where is None:
            where = (kind, l, j) if k is None else (kind, l, j, k)
            worst = Result(error, where, analytic, numeric, len(parameters))
    return worst
