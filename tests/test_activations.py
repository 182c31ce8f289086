"""Tests for pureml.activations: values, derivatives, and no OverflowError anywhere."""

import doctest
import math
import sys
import unittest

from pureml import activations
from pureml.activations import ReLU, Sigmoid, Softmax, Tanh, sigmoid, sigmoid_prime
from tests.support import NestedAlmostEqual

EXTREMES = [0.0, -0.0, 1e-320, -1e-320, 1.0, -1.0, 36.0, 37.0, -37.0, 709.0, 710.0,
            -709.0, -710.0, 745.0, -745.0, 746.0, -746.0, 1000.0, -1000.0, 1e300,
            -1e300, sys.float_info.max, -sys.float_info.max]


def load_tests(loader, tests, ignore):
    """Add activations.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(activations))
    return tests


class SigmoidTest(unittest.TestCase):
    def test_known_values(self):
        self.assertEqual(sigmoid(0.0), 0.5)
        self.assertAlmostEqual(sigmoid(math.log(3.0)), 0.75, places=15)
        self.assertAlmostEqual(sigmoid(-math.log(3.0)), 0.25, places=15)

    def test_no_overflow_for_any_finite_float(self):
        for z in EXTREMES:
            with self.subTest(z=z):
                s = sigmoid(z)
                self.assertTrue(0.0 <= s <= 1.0)
                self.assertTrue(0.0 <= sigmoid_prime(z) <= 0.25)

    def test_saturation(self):
        self.assertEqual(sigmoid(1e300), 1.0)
        self.assertEqual(sigmoid(-1e300), 0.0)
        self.assertEqual(sigmoid_prime(-1e300), 0.0)

    def test_infinities_and_nan(self):
        self.assertEqual(sigmoid(math.inf), 1.0)
        self.assertEqual(sigmoid(-math.inf), 0.0)
        self.assertTrue(math.isnan(sigmoid(math.nan)))

    def test_symmetry(self):
        for z in (0.5, 3.0, 20.0):
            self.assertAlmostEqual(sigmoid(-z), 1.0 - sigmoid(z), places=15)


class ActivationTests(NestedAlmostEqual):
    """Shared by every element-wise activation class; subclasses set ``activation`` and ``scalar``."""

    activation = None
    scalar = None

    def test_fn_matches_the_formula(self):
        z = [-2.0, -0.5, 0.0, 0.5, 2.0]
        self.assertNestedAlmostEqual(self.activation.fn(z), [type(self).scalar(v) for v in z])

    def test_prime_matches_central_differences(self):
        h = 1e-6
        for z in (-2.0, -0.3, 0.4, 1.5):
            numeric = (self.activation.fn([z + h])[0] - self.activation.fn([z - h])[0]) / (2 * h)
            self.assertAlmostEqual(self.activation.prime([z])[0], numeric, places=8)

    def test_no_overflow_anywhere(self):
        out = self.activation.fn(EXTREMES)
        prime = self.activation.prime(EXTREMES)
        self.assertEqual(len(out), len(EXTREMES))
        self.assertTrue(all(math.isfinite(v) for v in out + prime))

    def test_returns_lists(self):
        self.assertIsInstance(self.activation.fn((1.0, 2.0)), list)
        self.assertIsInstance(self.activation.prime((1.0, 2.0)), list)


class SigmoidClassTest(ActivationTests, unittest.TestCase):
    activation = Sigmoid
    scalar = staticmethod(lambda z: 1.0 / (1.0 + math.exp(-z)))


class TanhTest(ActivationTests, unittest.TestCase):
    activation = Tanh
    scalar = staticmethod(math.tanh)


class ReLUTest(ActivationTests, unittest.TestCase):
    activation = ReLU
    scalar = staticmethod(lambda z: max(0.0, z))

    def test_no_overflow_anywhere(self):
        # ReLU is the identity above 0, so it is finite exactly where z is.
        self.assertEqual(ReLU.fn([-1e308, 1e308]), [0.0, 1e308])
        self.assertEqual(ReLU.prime([-1e308, 0.0, 1e308]), [0.0, 0.0, 1.0])

    def test_nan_stays_nan(self):
        self.assertTrue(math.isnan(ReLU.fn([math.nan])[0]))


class SoftmaxTest(NestedAlmostEqual, unittest.TestCase):
    def test_sums_to_one(self):
        a = Softmax.fn([1.0, 2.0, 3.0])
        self.assertAlmostEqual(math.fsum(a), 1.0, places=15)
        e = [math.exp(v) for v in (1.0, 2.0, 3.0)]
        self.assertNestedAlmostEqual(a, [v / sum(e) for v in e])

    def test_no_overflow_for_huge_inputs(self):
        self.assertNestedAlmostEqual(Softmax.fn([1e308, 0.0, -1e308]), [1.0, 0.0, 0.0])
        self.assertNestedAlmostEqual(Softmax.fn([1000.0, 1000.0]), [0.5, 0.5])

    def test_infinite_input_gives_nan_not_an_exception(self):
        self.assertTrue(all(math.isnan(v) for v in Softmax.fn([math.inf, 0.0])))

    def test_has_no_elementwise_prime(self):
        with self.assertRaises(TypeError):
            Softmax.prime([0.0])


if __name__ == "__main__":
    unittest.main()
