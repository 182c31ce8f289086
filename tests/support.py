"""Helpers shared by the tests: approximate equality for nested lists, kernel sets, data."""

import contextlib
import math
import os
import tempfile
import unittest
from unittest import mock

from pureml.engine import conv, dense, reference


def _first_difference(actual, expected, rel_tol, abs_tol, path=()):
    """Return ``(path, actual, expected)`` for the first element that differs, or None.

    ``actual`` and ``expected`` may be numbers or arbitrarily nested
    sequences of numbers.  Lengths must agree at every level.
    """
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if math.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol):
            return None
        if math.isnan(actual) and math.isnan(expected):
            return None
        return path, actual, expected
    try:
        n_actual, n_expected = len(actual), len(expected)
    except TypeError:
        return path, actual, expected
    if n_actual != n_expected:
        return path, "length %d" % n_actual, "length %d" % n_expected
    for i, (a, e) in enumerate(zip(actual, expected)):
        found = _first_difference(a, e, rel_tol, abs_tol, path + (i,))
        if found is not None:
            return found
    return None


class NestedAlmostEqual:
    """Mixin for ``unittest.TestCase``: ``assertNestedAlmostEqual``."""

    def assertNestedAlmostEqual(self, actual, expected, rel_tol=1e-12,
                                abs_tol=0.0, msg=None):
        """Fail unless ``actual`` and ``expected`` agree element by element.

        The failure message names the first index that differs, e.g.
        ``[1][0][3]: 0.25 != 0.5``.
        """
        found = _first_difference(actual, expected, rel_tol, abs_tol)
        if found is not None:
            path, a, e = found
            where = "".join("[%d]" % i for i in path) or "value"
            text = "%s: %r != %r (rel_tol=%g, abs_tol=%g)" % (
                where, a, e, rel_tol, abs_tol)
            self.fail(self._formatMessage(msg, text))


class FileErrors:
    """Mixin for ``unittest.TestCase``: ``assertReadError`` for damaged files."""

    def assertReadError(self, read, error, data, file_name, *fragments):
        """Write ``data`` to a file called ``file_name``, fail unless ``read(path)``
        raises ``error`` naming the path and each of ``fragments``; return the message."""
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, file_name)
            with open(path, "wb") as f:
                f.write(data)
            with self.assertRaises(error) as caught:
                read(path)
        message = str(caught.exception)
        self.assertIn(path, message)
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message


def _kernel_set(pick):
    """Return {(module, name): function} choosing one form of every engine kernel by ``pick``."""
    chosen = {}
    for module in (dense, conv):
        for name, forms in module.VARIANTS.items():
            chosen[(module, name)] = pick(name, forms)
    return chosen


#: The engine's kernel sets: as chosen at import ("fast"), every kernel's
#: first form ("loops": the loops, scatter and loop forms), every kernel's
#: last form ("builtin": the sumprod, im2col, gather, map and comprehension
#: forms), and pureml.engine.reference's definitions ("reference").
KERNEL_SETS = {
    "fast": {},
    "loops": _kernel_set(lambda name, forms: forms[0]),
    "builtin": _kernel_set(lambda name, forms: forms[-1]),
    "reference": _kernel_set(lambda name, forms: getattr(reference, name)),
}


def using(kernels):
    """Return a context manager running its block with the kernel set ``kernels`` patched in."""
    stack = contextlib.ExitStack()
    for (module, name), function in KERNEL_SETS[kernels].items():
        stack.enter_context(mock.patch.object(module, name, function))
    return stack


class UsesKernels:
    """Mixin for ``unittest.TestCase``: each test runs with the engine's kernel set ``self.kernels``.

    Subclasses set ``kernels`` to a name of KERNEL_SETS, so that one test
    class proves the same numbers on every set.  The kernels are patched
    into pureml.engine.dense and pureml.engine.conv for the test.
    """

    kernels = "fast"

    def setUp(self):
        super().setUp()
        for (module, name), function in KERNEL_SETS[self.kernels].items():
            patcher = mock.patch.object(module, name, function)
            patcher.start()
            self.addCleanup(patcher.stop)


def real_data_root():
    """Return the data root named by ``PUREML_DATA``, or None when it is unset."""
    return os.environ.get("PUREML_DATA") or None


def requires_real_data(test_item):
    """Skip a test or class unless ``PUREML_DATA`` names a folder holding mnist/."""
    root = real_data_root()
    if root is None:
        return unittest.skip("PUREML_DATA is not set")(test_item)
    if not os.path.isdir(os.path.join(root, "mnist")):
        return unittest.skip("PUREML_DATA=%s has no mnist/ folder" % root)(test_item)
    return test_item


def numeric_gradient(f, values, h=1e-5):
    """Return df/dv for every number v in the nested lists ``values``, by central differences.

    ``f()`` takes no arguments and reads ``values`` (changed in place one
    entry at a time and restored).  The result is nested like ``values``.
    """
    grad = []
    for i, v in enumerate(values):
        if isinstance(v, list):
            grad.append(numeric_gradient(f, v, h))
            continue
        values[i] = v + h
        up = f()
        values[i] = v - h
        down = f()
        values[i] = v
        grad.append((up - down) / (2 * h))
    return grad


def weighted_sum(out, weights):
    """Return sum(out * weights) over nested lists of the same shape: a scalar loss for gradient checks."""
    if isinstance(out, list):
        return math.fsum(weighted_sum(o, w) for o, w in zip(out, weights))
    return out * weights


def random_like(rng, values, low=-1.0, high=1.0):
    """Return nested lists shaped like ``values`` of uniform draws from [low, high)."""
    if isinstance(values, list):
        return [random_like(rng, v, low, high) for v in values]
    return rng.uniform(low, high)
