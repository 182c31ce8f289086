"""Tests for pureml.engine.vectors: sumprod in both forms, and one example's vectors and matrices."""

import doctest
import math
import random
import unittest

from pureml.engine import vectors
from pureml.engine.vectors import (argmax, flatten, gaussian, hadamard, matvec, nested_shape,
                                   outer, shape, transpose, transpose_matvec, unflatten, zeros)
from tests.support import NestedAlmostEqual


def load_tests(loader, tests, ignore):
    """Add vectors.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(vectors))
    return tests


class SumprodTests:
    """Tests shared by every form of sumprod; ``sumprod`` is set by subclasses."""

    sumprod = None

    def call(self, p, q):
        return type(self).sumprod(p, q)

    def test_small_vectors(self):
        self.assertEqual(self.call([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), 32.0)

    def test_tuples_and_lists_mix(self):
        self.assertEqual(self.call((1.0, 2.0), [3.0, 4.0]), 11.0)

    def test_empty_is_zero(self):
        self.assertEqual(self.call([], []), 0)

    def test_agrees_with_exact_sum_for_random_vectors(self):
        rng = random.Random(7)
        p = [rng.uniform(-1, 1) for _ in range(784)]
        q = [rng.uniform(-1, 1) for _ in range(784)]
        exact = math.fsum(a * b for a, b in zip(p, q))
        self.assertTrue(math.isclose(self.call(p, q), exact, rel_tol=1e-12, abs_tol=1e-12))

    def test_unequal_lengths_raise(self):
        with self.assertRaises(ValueError):
            self.call([1.0, 2.0], [1.0])

    def test_nan_propagates(self):
        self.assertTrue(math.isnan(self.call([1.0, math.nan], [1.0, 1.0])))


class MapSumprodTest(SumprodTests, unittest.TestCase):
    sumprod = staticmethod(vectors.sumprod_map)


@unittest.skipUnless(hasattr(math, "sumprod"), "math.sumprod needs Python 3.12+")
class CSumprodTest(SumprodTests, unittest.TestCase):
    sumprod = staticmethod(getattr(math, "sumprod", None))


class ChoiceTest(unittest.TestCase):
    def test_sumprod_is_math_sumprod_where_it_exists(self):
        self.assertEqual(vectors.SUMPROD_IS_C, hasattr(math, "sumprod"))
        self.assertIs(vectors.sumprod, getattr(math, "sumprod", vectors.sumprod_map))


class VectorTest(NestedAlmostEqual, unittest.TestCase):
    def test_matvec(self):
        self.assertEqual(matvec([[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0]), [-1.0, -1.0])

    def test_transpose_matvec_equals_transpose_then_matvec(self):
        rng = random.Random(4)
        w, d = gaussian(rng, 4, 6), gaussian(rng, 4)
        self.assertNestedAlmostEqual(transpose_matvec(w, d), matvec(transpose(w), d))

    def test_transpose_matvec_rejects_wrong_length(self):
        with self.assertRaises(ValueError):
            transpose_matvec([[1.0, 2.0]], [1.0, 2.0])

    def test_outer_hadamard_add_sub_scale(self):
        self.assertEqual(outer([2.0], [1.0, 3.0]), [[2.0, 6.0]])
        self.assertEqual(hadamard([2.0, 3.0], [4.0, 5.0]), [8.0, 15.0])
        self.assertEqual(vectors.add([2.0, 3.0], [4.0, 5.0]), [6.0, 8.0])
        self.assertEqual(vectors.sub([2.0, 3.0], [4.0, 5.0]), [-2.0, -2.0])
        self.assertEqual(vectors.scale(2.0, [4.0, 5.0]), [8.0, 10.0])

    def test_zeros_and_shape(self):
        self.assertEqual(zeros(2), [0.0, 0.0])
        m = zeros(2, 3)
        self.assertEqual(shape(m), (2, 3))
        m[0][0] = 1.0
        self.assertEqual(m[1][0], 0.0, "rows must not be shared")

    def test_gaussian_is_repeatable_and_scaled(self):
        self.assertEqual(gaussian(random.Random(9), 3, 4, sigma=0.5),
                         gaussian(random.Random(9), 3, 4, sigma=0.5))
        draws = gaussian(random.Random(1), 20000, sigma=0.5)
        sd = math.sqrt(math.fsum(v * v for v in draws) / len(draws))
        self.assertAlmostEqual(sd, 0.5, delta=0.02)

    def test_argmax_takes_the_first_of_ties(self):
        self.assertEqual(argmax([0.0, 2.0, 2.0, 1.0]), 1)

    def test_flatten_and_unflatten_are_inverses(self):
        image = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[7.0, 8.0, 9.0], [0.0, 1.0, 2.0]]]
        flat = flatten(image)
        self.assertEqual(len(flat), 12)
        self.assertEqual(unflatten(flat, nested_shape(image)), image)
        vector = [1.0, 2.0]
        self.assertIs(flatten(vector), vector, "a vector is already flat")
        self.assertEqual(unflatten(vector, (2,)), vector)


if __name__ == "__main__":
    unittest.main()
