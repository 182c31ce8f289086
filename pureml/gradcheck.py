"""Numerical gradient checking: backpropagation against central differences.

Backpropagation claims the partial derivative dC/dp of the cost for every
weight and bias p.  The central difference

    D(h) = (C(p + h) - C(p - h)) / 2h

estimates the same number from the cost alone, and is wrong in two ways:

  truncation   D(h) - dC/dp is about h^2 C'''(p) / 6, so halving the step
               divides it by four;
  rounding     each C is computed in floating point and carries a little
               noise, about nu; divided by 2h, it becomes up to nu / h.

Neither is small for every network: a gradient of 1e-8 is resolved by h =
1e-5 to two or three digits at best, and an output that rounds to within
1e-10 of 0 or 1 makes a cross-entropy cost coarse.  So a difference is not
judged against a fixed relative tolerance but against its own error,
estimated for each parameter:

    error = |D(h) - D(2h)|  +  2 nu / h

The first term is three times the truncation at h (plus some noise): two
steps disagree by as much as either misses.  The second is the rounding,
with nu measured at the point itself: how far the cost strays from a
smooth curve over steps much smaller than h, or how much it moves when one
output is rounded differently, whichever is more, and never below the
cost's last digit.

``compare`` then applies one rule to any gradient and its differences: the
relative error beyond the difference's own error,

    max(0, |backprop - numerical| - error) / (|backprop| + |numerical|)

must not exceed the tolerance.  A gradient that is no larger than the error
on both sides cannot be told from zero, let alone checked: it is counted as
too small to compare, not judged.  A numerical value that is infinite or NaN
(the cost itself was) is counted as such: it says nothing about backprop.

``check`` checks Nielsen's Network (``backprop``); ``check_gradient`` the
layered networks of DLFS (``gradient`` against the loss: TwoLayerNet,
MultiLayerNet, SimpleConvNet), the book's ch05/gradient_check.py with a
verdict.  ``compare`` also takes the book's own ``numerical_gradient``
output, with a fixed ``error``.
"""

import collections
import inspect
import math
import random

from pureml.errors import ArgumentError

__all__ = ["check", "check_gradient", "compare", "differences", "relative_error",
           "place_text", "Result", "ArgumentError"]


class Result(collections.namedtuple(
        "Result", "worst where analytic numeric error checked too_small not_finite failed "
        "tolerance")):
    """What ``compare`` (and ``check``) found.

    ``worst`` is the largest relative error beyond the differences' own
    error, at the parameter ``where`` (such as ("weights", 0, 3, 17) or
    ("W1", 3, 2)), whose backprop and numerical values are ``analytic`` and
    ``numeric`` and whose difference's own error is ``error``.  ``checked``
    parameters were looked at; ``too_small`` of them had gradients too small
    to compare, ``not_finite`` had an infinite or NaN numerical value, and
    ``failed`` were judged and disagree by more than the tolerance.
    """

    __slots__ = ()

    @property
    def compared(self):
        """The number of parameters actually judged: not too small, not infinite."""
        return self.checked - self.too_small - self.not_finite

    @property
    def passed(self):
        """True when some gradient was judged, each within the tolerance, and none was infinite."""
        return self.not_finite == 0 and self.compared > 0 and self.worst <= self.tolerance


def relative_error(analytic, numeric, error=0.0):
    """Return the relative error of two estimates beyond ``error``, the difference's own error.

    That is max(0, |analytic - numeric| - error) / (|analytic| + |numeric|),
    and 0 when both are 0.  It is at most 1 unless the signs differ.

    >>> relative_error(1.0, 1.0)
    0.0
    >>> round(relative_error(1.0, 1.001), 6)
    0.0005
    >>> relative_error(1.0, 1.001, error=0.01)
    0.0
    """
    disagreement = abs(analytic - numeric) - error
    if disagreement <= 0.0:
        return 0.0
    return disagreement / (abs(analytic) + abs(numeric))


def differences(f, places, h=1e-5, noise=0.0):
    """Return ``(numeric, error)``: f's central difference for each place, and its own error.

    ``f()`` returns the cost at the current parameters; ``places`` is a
    list of ``(vector, index)`` pairs, each an entry that is changed in
    place (and restored) in turn.  ``numeric[i]`` is D(h) for place i and
    ``error[i]`` is |D(h) - D(2h)| + 2 nu / h, where the rounding noise nu
    is measured here (see the module's docstring) and is at least ``noise``,
    a bound the caller knows.  When the cost is infinite or NaN, so are
    the numerical values.
    """
    if not (isinstance(h, float) and 0.0 < h < 1.0):
        raise ArgumentError("h must be a float between 0 and 1, not %r" % (h,))
    base = f()
    rows = []
    for vector, index in places:
        original = vector[index]
        try:
            costs = []
            for step in (h, -h, 2.0 * h, -2.0 * h):
                vector[index] = original + step
                costs.append(f())
        finally:
            vector[index] = original
        plus, minus, plus2, minus2 = costs
        rows.append(((plus - minus) / (2.0 * h), (plus2 - minus2) / (4.0 * h), plus, minus))
    nu = max(noise, math.ulp(base) if math.isfinite(base) else 0.0,
             _measured_noise(f, base, places, rows, h))
    numeric = [d1 for d1, _d2, _plus, _minus in rows]
    error = [abs(d1 - d2) + 2.0 * nu / h for d1, d2, _plus, _minus in rows]
    return numeric, error


#: How many parameters, and which steps (as fractions of h), the noise is measured on.
_PROBES = 4
_PROBE_STEPS = (1 / 64, 2 / 64, 3 / 64, 5 / 64)


def _measured_noise(f, base, places, rows, h):
    """Return how far f strays from a smooth curve within h/10 of the point: its rounding noise.

    On the parameters with the largest differences, f is evaluated a
    little way off the point, where the parabola through C(p - h), C(p)
    and C(p + h) predicts it to far better than rounding does; the largest
    miss is the noise.
    """
    if not math.isfinite(base):
        return 0.0
    order = sorted(range(len(rows)), key=lambda i: -abs(rows[i][0]) if math.isfinite(rows[i][0])
                   else 0.0)
    nu = 0.0
    for i in order[:_PROBES]:
        vector, index = places[i]
        d1, _d2, plus, minus = rows[i]
        if not math.isfinite(d1):
            continue
        curvature = (plus + minus - 2.0 * base) / (h * h)
        original = vector[index]
        try:
            for fraction in _PROBE_STEPS:
                t = fraction * h
                vector[index] = original + t
                smooth = base + t * d1 + 0.5 * curvature * t * t
                nu = max(nu, abs(f() - smooth))
        finally:
            vector[index] = original
    return nu if math.isfinite(nu) else 0.0


def compare(analytic, numeric, error=0.0, tolerance=1e-6):
    """Judge a gradient against its numerical estimate by one rule; return a Result.

    ``analytic`` and ``numeric`` are numbers, lists (nested as deep as a
    conv layer's filters) or dicts of them, shaped alike, such as DLFS's
    ``grads`` and ``numerical_gradient``; a dict key that is a tuple is a
    parameter's whole place, such as ("weights", 0, 3, 17).  ``error`` is
    the numerical values' own error, shaped alike or one number for all
    (the book's ``numerical_gradient`` estimates none; 0 judges by the
    tolerance alone).  The rule is the module docstring's: the relative
    error beyond ``error`` must not exceed ``tolerance``; gradients no
    larger than ``error`` are too small to compare (unless both are exactly
    0, which agree).  The Result names the worst parameter or, when none
    fails, the one closest to its bound.
    """
    if not (isinstance(tolerance, (int, float)) and tolerance >= 0.0):
        raise ArgumentError("tolerance must be a number of at least 0, not %r" % (tolerance,))
    worst, at = (-1.0, -1.0), (None, math.nan, math.nan, math.nan)
    checked = too_small = not_finite = failed = 0
    for where, a, n, e in _pairs(analytic, numeric, error, ()):
        checked += 1
        if not math.isfinite(n):
            not_finite += 1
            continue
        if abs(a) <= e and abs(n) <= e and (a or n):
            too_small += 1
            continue
        judged = relative_error(a, n, e) if math.isfinite(a) else math.inf
        failed += judged > tolerance
        bound = e + tolerance * (abs(a) + abs(n))
        closeness = abs(a - n) / bound if bound else (0.0 if a == n else math.inf)
        if (judged, closeness) > worst:
            worst, at = (judged, closeness), (where, a, n, e)
    where, a, n, e = at
    return Result(max(worst[0], 0.0), where, a, n, e, checked, too_small, not_finite, failed,
                  tolerance)


def _pairs(analytic, numeric, error, where):
    """Yield (where, analytic, numeric, error) for every number of the alike-shaped structures."""
    if isinstance(analytic, dict):
        if (not isinstance(numeric, dict)
                or sorted(map(repr, analytic)) != sorted(map(repr, numeric))):
            raise ArgumentError("the gradient and its numerical estimate must have the same "
                                "keys; got %s and %s" % (_keys(analytic), _keys(numeric)))
        for key in analytic:
            place = where + (key if isinstance(key, tuple) else (key,))
            yield from _pairs(analytic[key], numeric[key],
                              error[key] if isinstance(error, dict) else error, place)
    elif isinstance(analytic, (list, tuple)):
        if not isinstance(numeric, (list, tuple)) or len(analytic) != len(numeric):
            raise ArgumentError("the gradient and its numerical estimate must have the same "
                                "shape; at %s they do not" % place_text(where))
        for i, (a, n) in enumerate(zip(analytic, numeric)):
            yield from _pairs(a, n, error[i] if isinstance(error, (list, tuple)) else error,
                              where + (i,))
    else:
        yield where, float(analytic), float(numeric), float(error)


def _keys(value):
    """Return a dict's keys, sorted, as text; or what the value is instead."""
    if isinstance(value, dict):
        return "{%s}" % ", ".join(sorted(map(repr, value)))
    return "a %s" % type(value).__name__


def place_text(where):
    """Return a place such as ("W1", 3, 2) as "W1[3][2]"."""
    if not where:
        return "the top"
    head, rest = (where[0], where[1:]) if isinstance(where[0], str) else ("", where)
    return head + "".join("[%r]" % (i,) for i in rest)


# -- Nielsen's Network ------------------------------------------------------

def _cost(net, x, y, lmbda, n):
    """Return the cost C of ``net`` on (x, y), with the L2 term for lmbda and n."""
    c = net.cost.fn(net.feedforward(x), y)
    if lmbda:
        c += 0.5 * (lmbda / n) * math.fsum(v * v for w in net.weights for row in w for v in row)
    return c


def _output_noise(cost, a, y):
    """Return how much the cost moves when each output is rounded one step differently, summed.

    A cross-entropy output within 1e-10 of 0 or 1 makes this large: the
    cost takes the log of a number with few digits left.
    """
    total = 0.0
    for j, aj in enumerate(a):
        up, down = a[:], a[:]
        up[j], down[j] = math.nextafter(aj, math.inf), math.nextafter(aj, -math.inf)
        moved = abs(cost.fn(up, y) - cost.fn(down, y))
        total += 0.5 * moved if math.isfinite(moved) else 0.0
    return total


def check(net, x, y, lmbda=0.0, n=1, h=1e-5, samples=None, rng=None, tolerance=1e-6):
    """Compare ``net.backprop(x, y)`` with central differences; return a Result.

    Every bias and weight is checked, or, if ``samples`` is given, that
    many weights and that many biases (all of them where there are fewer),
    chosen at random with ``rng``, a ``random.Random``.  ``lmbda`` and
    ``n`` add the L2 term as network2 does: dC/dw = nabla_w + (lmbda/n) w.
    ``Result.where`` names a parameter, e.g. ("weights", 0, 3, 17); the
    rule is ``compare``'s.

    The network is left exactly as it was.
    """
    if lmbda and (not isinstance(n, int) or n < 1):
        raise ArgumentError("n, the training-set size, must be a positive int, not %r" % (n,))
    nabla_b, nabla_w = net.backprop(x, y)
    biases = [("biases", l, j) for l, b in enumerate(net.biases) for j in range(len(b))]
    weights = [("weights", l, j, k)
               for l, w in enumerate(net.weights)
               for j in range(len(w)) for k in range(len(w[0]))]
    rng = rng or random.Random(0)
    names = [name for kind in (biases, weights)
             for name in (kind if samples is None or samples >= len(kind)
                          else sorted(rng.sample(kind, samples)))]

    places, analytic = [], {}
    for name in names:
        if name[0] == "biases":
            _kind, l, j = name
            places.append((net.biases[l], j))
            analytic[name] = nabla_b[l][j]
        else:
            _kind, l, j, k = name
            places.append((net.weights[l][j], k))
            analytic[name] = nabla_w[l][j][k] + ((lmbda / n) * net.weights[l][j][k]
                                                 if lmbda else 0.0)
    noise = _output_noise(net.cost, net.feedforward(x), y)
    numeric, error = differences(lambda: _cost(net, x, y, lmbda, n), places, h, noise)
    return compare(analytic, dict(zip(names, numeric)), dict(zip(names, error)), tolerance)


# -- DLFS's layered networks ------------------------------------------------

def check_gradient(net, x, t, h=1e-5, tolerance=1e-4):
    """Compare ``net.gradient(x, t)`` with central differences of its loss; return a Result.

    This is DLFS's ch05/gradient_check.py with a verdict, for any network
    with ``params``, ``loss`` and ``gradient`` (TwoLayerNet, MultiLayerNet,
    MultiLayerNetExtend, SimpleConvNet, network3's Network): every entry
    of every parameter is checked, with ``loss(x, t, train_flg=True)``
    where the loss takes it, as the book's ``numerical_gradient`` does.
    The loss must be the same function on every call: dropout needs its
    masks fixed.

    The tolerance is 1e-4 because the book's cross-entropy adds 1e-7
    inside the log, which tilts the loss's slope by about 1e-7 / y against
    the exact one backprop computes (y, the true class's probability).
    """
    if "train_flg" in inspect.signature(net.loss).parameters:
        loss = lambda: net.loss(x, t, train_flg=True)          # noqa: E731
    else:
        loss = lambda: net.loss(x, t)                          # noqa: E731
    grads = net.gradient(x, t)
    names, places = [], []
    for key, value in net.params.items():
        for where, vector, index in _entries(value, (key,)):
            names.append(where)
            places.append((vector, index))
    numeric, error = differences(loss, places, h)
    analytic = {where: _entry(grads, where) for where in names}
    return compare(analytic, dict(zip(names, numeric)), dict(zip(names, error)), tolerance)


def _entries(value, where):
    """Yield (where, vector, index) for every number in the nested lists ``value``."""
    if value and isinstance(value[0], list):
        for i, part in enumerate(value):
            yield from _entries(part, where + (i,))
    else:
        for i in range(len(value)):
            yield where + (i,), value, i


def _entry(grads, where):
    """Return the number at ``where``, such as ("W1", 3, 2), in a dict of nested lists."""
    value = grads[where[0]]
    for i in where[1:]:
        value = value[i]
    return value
