"""Tests for pureml.engine.dense: every form of every kernel held to pureml.engine.reference.

One test class runs each kernel's every form (the loops and the C-call
forms, whichever this interpreter chose at import) over dense, sparse
(MNIST-like), single-entry and all-zero batches, and compares it with the
reference definition; the import-time choice and a few exact behaviours
(in place, NaN, -0.0, zero inputs skipped exactly) have tests of their own.
"""

import doctest
import math
import random
import unittest

from pureml.engine import dense, reference
from pureml.engine.vectors import LOOPS_ARE_FAST, PYPY, SUMPROD_IS_C, gaussian
from pureml.errors import ArgumentError
from tests.support import NestedAlmostEqual


def load_tests(loader, tests, ignore):
    """Add dense.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(dense))
    return tests


def sparse_rows(rng, m, n, density):
    """Return m vectors of length n, each entry nonzero with the given probability."""
    return [[rng.random() if rng.random() < density else 0.0 for _ in range(n)]
            for _ in range(m)]


def copied(value):
    """Return a copy of nested lists."""
    return [copied(v) for v in value] if isinstance(value, list) else value


class EveryFormTest(NestedAlmostEqual, unittest.TestCase):
    """Each form of each kernel computes what pureml.engine.reference defines."""

    def setUp(self):
        self.rng = random.Random(11)

    def cases(self):
        """Yield (w, xs): dense, MNIST-like, an odd count of rows, one nonzero entry, all zero."""
        rng = self.rng
        yield gaussian(rng, 3, 5), sparse_rows(rng, 4, 5, 1.0)
        yield gaussian(rng, 30, 784), sparse_rows(rng, 10, 784, 0.19)
        yield gaussian(rng, 7, 40), sparse_rows(rng, 5, 40, 0.5)
        single = [[0.0] * 20 for _ in range(3)]
        single[1][7] = 0.5
        yield gaussian(rng, 4, 20), single
        yield gaussian(rng, 4, 6), [[0.0] * 6, [0.0] * 6]

    def forms(self, name):
        """Yield each form of the kernel ``name``, as subtests."""
        for form in dense.VARIANTS[name]:
            with self.subTest(kernel=form.__name__):
                yield form

    def test_matvec_plus_and_each(self):
        for w, xs in self.cases():
            b = gaussian(self.rng, len(w))
            expected = reference.matvec_each(w, xs, b)
            for form in self.forms("matvec_each"):
                self.assertNestedAlmostEqual(form(w, xs, b), expected)
                self.assertNestedAlmostEqual(form(w, xs), reference.matvec_each(w, xs))
            for form in self.forms("matvec_plus"):
                self.assertNestedAlmostEqual([form(w, x, b) for x in xs], expected)

    def test_matvec_each_where(self):
        rng = self.rng
        w = gaussian(rng, 40, 12)
        for x_density, mask_density in ((1.0, 0.3), (0.2, 1.0), (0.5, 0.0)):
            xs = sparse_rows(rng, 5, 12, x_density)
            masks = sparse_rows(rng, 5, 40, mask_density)
            expected = reference.matvec_each_where(w, xs, masks)
            for form in self.forms("matvec_each_where"):
                self.assertNestedAlmostEqual(form(w, xs, masks), expected)

    def test_vecmat_each(self):
        rng = self.rng
        long = (gaussian(rng, 300, 7), sparse_rows(rng, 3, 300, 0.9) + sparse_rows(rng, 2, 300, 0.1))
        for w, xs in list(self.cases()) + [([list(c) for c in zip(*long[0])], long[1])]:
            W = [list(column) for column in zip(*w)]     # len(x) rows, as x W needs
            b = gaussian(self.rng, len(W[0]))
            for form in self.forms("vecmat_each"):
                self.assertNestedAlmostEqual(form(xs, W, b), reference.vecmat_each(xs, W, b))
                self.assertNestedAlmostEqual(form(xs, W), reference.vecmat_each(xs, W))

    def test_outer_sum(self):
        rng = self.rng
        for w, xs in self.cases():
            ds = sparse_rows(rng, len(xs), len(w), 0.6)
            for form in self.forms("outer_sum"):
                self.assertNestedAlmostEqual(form(xs, ds), reference.outer_sum(xs, ds))
        # both of the loops' ways, and columns of every kind in one batch
        for x_density, d_density in ((0.2, 1.0), (1.0, 0.3)):
            xs, ds = sparse_rows(rng, 6, 30, x_density), sparse_rows(rng, 6, 8, d_density)
            for form in self.forms("outer_sum"):
                self.assertNestedAlmostEqual(form(xs, ds), reference.outer_sum(xs, ds))

    def test_add_outer_sum(self):
        for w, xs in self.cases():
            ds = [gaussian(self.rng, len(w)) for _ in xs]
            expected = copied(w)
            reference.add_outer_sum(expected, -0.3, ds, xs)
            for form in self.forms("add_outer_sum"):
                got = copied(w)
                form(got, -0.3, ds, xs)
                self.assertNestedAlmostEqual(got, expected)
                # where every input is zero the weights are not merely close: unchanged
                for j in range(len(w)):
                    for k in range(len(w[0])):
                        if not any(x[k] for x in xs):
                            self.assertEqual(got[j][k], w[j][k])

    def test_column_sums(self):
        ds = sparse_rows(self.rng, 7, 9, 0.7)
        for form in self.forms("column_sums"):
            self.assertNestedAlmostEqual(form(ds), reference.column_sums(ds))
        for form in self.forms("add_column_sums"):
            b, expected = [1.0] * 9, [1.0] * 9
            form(b, -2.0, ds)
            reference.add_column_sums(expected, -2.0, ds)
            self.assertNestedAlmostEqual(b, expected)

    def test_scale_and_add_scaled_in_place(self):
        w, v = gaussian(self.rng, 4, 6), gaussian(self.rng, 4, 6)
        for name, args in (("scale_in_place", (0.5,)), ("add_scaled_in_place", (2.0, v))):
            expected = copied(w)
            getattr(reference, name)(expected, *args)
            for form in self.forms(name):
                got = copied(w)
                rows = list(got)
                form(got, *args)
                self.assertNestedAlmostEqual(got, expected)
                self.assertIs(got[0], rows[0], "rows are updated in place")

    def test_nonpositive_and_zero_where(self):
        nan, inf = math.nan, math.inf
        rows = [[1.5, -2.0, 0.0, -0.0, nan], [-inf, inf, 3.0, -1e-300, 2.0]]
        for form in self.forms("nonpositive"):
            self.assertEqual(form(rows), [[False, True, True, True, False],
                                          [True, False, False, True, False]], "NaN is not <= 0")
            self.assertEqual(form(rows), reference.nonpositive(rows))
        mask = reference.nonpositive(rows)
        for form in self.forms("zero_where"):
            out = form(rows, mask)
            self.assertEqual(out[1], [0.0, inf, 3.0, 0.0, 2.0])
            self.assertEqual(out[0][:4], [1.5, 0.0, 0.0, 0.0])
            self.assertEqual(math.copysign(1.0, out[0][3]), 1.0, "-0.0 becomes 0.0")
            self.assertTrue(math.isnan(out[0][4]), "a NaN passes, as in numpy")
            self.assertEqual(rows[0][1], -2.0, "the input is not changed")
            self.assertIsNot(out[1], rows[1])


class WeightsFixedTest(unittest.TestCase):
    def test_a_matrix_is_transposed_once_inside_the_block_and_afresh_outside(self):
        w = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
        self.assertEqual(dense.transposed(w), [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
        self.assertIsNot(dense.transposed(w), dense.transposed(w))
        with dense.weights_fixed():
            first = dense.transposed(w)
            self.assertIs(dense.transposed(w), first)
            self.assertIsNot(dense.transposed([row[:] for row in w]), first)
        w[0][0] = 10.0
        self.assertEqual(dense.transposed(w)[0][0], 10.0, "nothing is kept after the block")


class ShapeTest(unittest.TestCase):
    """Kernels refuse batches whose lengths do not fit the matrix, as numpy's dot does."""

    def test_vecmat_each_of_a_short_row(self):
        for form in dense.VARIANTS["vecmat_each"]:
            with self.subTest(kernel=form.__name__), self.assertRaises(ArgumentError):
                form([[1.0, 2.0]], [[1.0], [2.0], [3.0]])

    def test_matvec_each_of_a_long_row(self):
        for form in dense.VARIANTS["matvec_each"]:
            with self.subTest(kernel=form.__name__), self.assertRaises(ArgumentError):
                form([[1.0, 2.0]], [[1.0, 2.0, 3.0]])

    def test_outer_sum_of_batches_of_two_sizes(self):
        for form in dense.VARIANTS["outer_sum"]:
            with self.subTest(kernel=form.__name__), self.assertRaises(ArgumentError):
                form([[1.0], [2.0]], [[1.0]])


class ChoiceTest(unittest.TestCase):
    """The form chosen at import is the one the measurements favour on this interpreter."""

    def test_dot_products_in_c_only_where_they_win(self):
        self.assertEqual(dense.DOTS_IN_C, SUMPROD_IS_C or not LOOPS_ARE_FAST)
        self.assertIs(dense.matvec_each, dense.matvec_each_sumprod if dense.DOTS_IN_C
                      else dense.matvec_each_loops)
        self.assertIs(dense.vecmat_each, dense.vecmat_each_dots if PYPY
                      else dense.vecmat_each_sumprod if dense.DOTS_IN_C
                      else dense.vecmat_each_loops)
        self.assertIs(dense.outer_sum, dense.outer_sum_sumprod if dense.DOTS_IN_C
                      else dense.outer_sum_loops)

    def test_element_wise_updates_loop_where_loops_are_fast(self):
        self.assertIs(dense.scale_in_place, dense.scale_in_place_loop if LOOPS_ARE_FAST
                      else dense.scale_in_place_map)
        self.assertIs(dense.nonpositive, dense.nonpositive_loop if PYPY
                      else dense.nonpositive_comprehension)

    def test_every_chosen_kernel_is_one_of_its_forms(self):
        for name, forms in dense.VARIANTS.items():
            self.assertIn(getattr(dense, name), forms, name)


if __name__ == "__main__":
    unittest.main()
