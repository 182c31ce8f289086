"""Tests for pureml.matrix: the primitives, and every kernel against its plain twin."""

import doctest
import math
import random
import unittest

from pureml import matrix
from tests.support import NestedAlmostEqual, UsesKernels


def load_tests(loader, tests, ignore):
    """Add matrix.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(matrix))
    return tests


class SumprodTests:
    """Tests shared by every implementation of sumprod; ``sumprod`` is set by subclasses."""

    sumprod = None

    def call(self, p, q):
        return type(self).sumprod(p, q)

    def test_small_vectors(self):
        self.assertEqual(self.call([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), 32.0)

    def test_tuples_and_lists_mix(self):
        self.assertEqual(self.call((1.0, 2.0), [3.0, 4.0]), 11.0)

    def test_empty_is_zero(self):
        self.assertEqual(self.call([], []), 0)

    def test_ints(self):
        self.assertEqual(self.call([1, 2], [3, 4]), 11)

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


class PlainSumprodTest(SumprodTests, unittest.TestCase):
    sumprod = staticmethod(matrix._sumprod_plain)


@unittest.skipUnless(hasattr(math, "sumprod"), "math.sumprod needs Python 3.12+")
class CSumprodTest(SumprodTests, unittest.TestCase):
    sumprod = staticmethod(getattr(math, "sumprod", None))


class ChoiceTest(unittest.TestCase):
    def test_sumprod_is_math_sumprod_where_it_exists(self):
        if hasattr(math, "sumprod"):
            self.assertIs(matrix.sumprod, math.sumprod)
            self.assertTrue(matrix.SUMPROD_IS_C)
        else:
            self.assertIs(matrix.sumprod, matrix._sumprod_plain)
            self.assertFalse(matrix.SUMPROD_IS_C)

    def test_fast_is_the_default(self):
        self.assertEqual(matrix.kernels, "fast")

    def test_fast_picks_dot_products_in_c_only_where_they_win(self):
        dots_in_c = matrix.SUMPROD_IS_C or not matrix.LOOPS_ARE_FAST
        with matrix.use("fast"):
            self.assertIs(matrix.affine,
                          matrix._affine_builtin if dots_in_c else matrix._affine_plain)
            self.assertIs(matrix.scale_in_place,
                          matrix._scale_in_place_plain if matrix.LOOPS_ARE_FAST
                          else matrix._scale_in_place_builtin)
            self.assertIs(matrix.zero_where,
                          matrix._zero_where_plain if matrix.LOOPS_ARE_FAST
                          else matrix._zero_where_builtin)
            self.assertIs(matrix.relu_mask, matrix._relu_mask_plain if matrix.PYPY
                          else matrix._relu_mask_builtin)

    def test_use_restores_the_previous_kernels(self):
        before = matrix.affine_rows
        with matrix.use("plain"):
            self.assertIs(matrix.affine_rows, matrix._affine_rows_plain)
        self.assertIs(matrix.affine_rows, before)

    def test_use_rejects_unknown_names(self):
        with self.assertRaises(ValueError):
            with matrix.use("turbo"):
                pass


class VectorTest(NestedAlmostEqual, unittest.TestCase):
    def test_matvec_and_affine(self):
        w = [[1.0, 2.0], [3.0, 4.0]]
        self.assertEqual(matrix.matvec(w, [1.0, -1.0]), [-1.0, -1.0])
        self.assertEqual(matrix.affine(w, [1.0, -1.0], [0.5, 1.5]), [-0.5, 0.5])

    def test_affine_skips_zero_inputs_without_changing_the_answer(self):
        rng = random.Random(3)
        w = matrix.gaussian(rng, 5, 50)
        a = [rng.random() if k % 7 == 0 else 0.0 for k in range(50)]
        b = matrix.gaussian(rng, 5)
        expected = [math.fsum(wk * ak for wk, ak in zip(row, a)) + bj for row, bj in zip(w, b)]
        self.assertNestedAlmostEqual(matrix.affine(w, a, b), expected)

    def test_affine_of_an_all_zero_input_is_the_bias(self):
        self.assertEqual(matrix.affine([[1.0, 2.0]], [0.0, 0.0], [0.25]), [0.25])

    def test_transpose_matvec_equals_transpose_then_matvec(self):
        rng = random.Random(4)
        w = matrix.gaussian(rng, 4, 6)
        d = matrix.gaussian(rng, 4)
        self.assertNestedAlmostEqual(matrix.transpose_matvec(w, d),
                                     matrix.matvec(matrix.transpose(w), d))

    def test_transpose_matvec_rejects_wrong_length(self):
        with self.assertRaises(ValueError):
            matrix.transpose_matvec([[1.0, 2.0]], [1.0, 2.0])

    def test_outer_hadamard_add_sub_scale(self):
        self.assertEqual(matrix.outer([2.0], [1.0, 3.0]), [[2.0, 6.0]])
        self.assertEqual(matrix.hadamard([2.0, 3.0], [4.0, 5.0]), [8.0, 15.0])
        self.assertEqual(matrix.add([2.0, 3.0], [4.0, 5.0]), [6.0, 8.0])
        self.assertEqual(matrix.sub([2.0, 3.0], [4.0, 5.0]), [-2.0, -2.0])
        self.assertEqual(matrix.scale(2.0, [4.0, 5.0]), [8.0, 10.0])

    def test_zeros_and_shape(self):
        self.assertEqual(matrix.zeros(2), [0.0, 0.0])
        m = matrix.zeros(2, 3)
        self.assertEqual(matrix.shape(m), (2, 3))
        m[0][0] = 1.0
        self.assertEqual(m[1][0], 0.0, "rows must not be shared")

    def test_gaussian_is_repeatable_and_scaled(self):
        a = matrix.gaussian(random.Random(9), 3, 4, sigma=0.5)
        b = matrix.gaussian(random.Random(9), 3, 4, sigma=0.5)
        self.assertEqual(a, b)
        draws = matrix.gaussian(random.Random(1), 20000, sigma=0.5)
        sd = math.sqrt(math.fsum(v * v for v in draws) / len(draws))
        self.assertAlmostEqual(sd, 0.5, delta=0.02)

    def test_argmax_takes_the_first_of_ties(self):
        self.assertEqual(matrix.argmax([0.0, 2.0, 2.0, 1.0]), 1)


def _sparse_rows(rng, m, n, density):
    """Return m vectors of length n, each entry nonzero with the given probability."""
    return [[rng.random() if rng.random() < density else 0.0 for _ in range(n)]
            for _ in range(m)]


class KernelTests(UsesKernels, NestedAlmostEqual):
    """Each batch kernel against the plain arithmetic it stands for.

    Subclasses set ``kernels`` to a kernel set's name; the test runs with
    that set installed.  Expected values come from math.fsum, so both twins
    are held to the same answer.
    """

    def setUp(self):
        super().setUp()
        self.rng = random.Random(11)

    def cases(self):
        """Yield (w, rows) pairs: dense, sparse (MNIST-like), one nonzero column, all zero."""
        rng = self.rng
        yield matrix.gaussian(rng, 3, 5), _sparse_rows(rng, 4, 5, 1.0)
        yield matrix.gaussian(rng, 30, 784), _sparse_rows(rng, 10, 784, 0.19)
        single = [[0.0] * 20 for _ in range(3)]
        single[1][7] = 0.5
        yield matrix.gaussian(rng, 4, 20), single
        yield matrix.gaussian(rng, 4, 6), [[0.0] * 6, [0.0] * 6]
        yield matrix.gaussian(rng, 2, 3), [[1.0, 0.0, 2.0]]

    def test_affine(self):
        for w, rows in self.cases():
            b = matrix.gaussian(self.rng, len(w))
            for a in rows:
                expected = [math.fsum(wk * ak for wk, ak in zip(row, a)) + bj
                            for row, bj in zip(w, b)]
                self.assertNestedAlmostEqual(matrix.affine(w, a, b), expected)

    def test_affine_rows(self):
        for w, rows in self.cases():
            b = matrix.gaussian(self.rng, len(w))
            expected = [[math.fsum(wk * ak for wk, ak in zip(row, a)) + bj
                         for row, bj in zip(w, b)] for a in rows]
            self.assertNestedAlmostEqual(matrix.affine_rows(w, rows, b), expected)

    def test_transpose_matvec_rows(self):
        for w, _ in self.cases():
            ds = [matrix.gaussian(self.rng, len(w)) for _ in range(3)]
            expected = [[math.fsum(w[j][k] * d[j] for j in range(len(w)))
                         for k in range(len(w[0]))] for d in ds]
            self.assertNestedAlmostEqual(matrix.transpose_matvec_rows(w, ds), expected)

    def test_add_outer_products(self):
        for w, rows in self.cases():
            ds = [matrix.gaussian(self.rng, len(w)) for _ in rows]
            c = -0.3
            expected = [[w[j][k] + c * math.fsum(d[j] * a[k] for d, a in zip(ds, rows))
                         for k in range(len(w[0]))] for j in range(len(w))]
            untouched = [[w[j][k] for k in range(len(w[0])) if not any(a[k] for a in rows)]
                         for j in range(len(w))]
            matrix.add_outer_products(w, c, ds, rows)
            self.assertNestedAlmostEqual(w, expected)
            # Columns where every input is zero are not merely close: unchanged.
            self.assertEqual(
                [[w[j][k] for k in range(len(w[0])) if not any(a[k] for a in rows)]
                 for j in range(len(w))], untouched)

    def test_transpose_matvec_rows_with_bias_skips_zero_entries(self):
        # DLFS's forward pass x W + b, where x is an MNIST-like sparse batch.
        for w, rows in self.cases():
            W = matrix.transpose(w)         # rows of W: one per entry of x
            b = matrix.gaussian(self.rng, len(W[0]))
            expected = [[math.fsum(x[i] * W[i][j] for i in range(len(W))) + b[j]
                         for j in range(len(W[0]))] for x in rows]
            self.assertNestedAlmostEqual(matrix.transpose_matvec_rows(W, rows, b), expected)

    def test_transpose_outer_products(self):
        # DLFS's dW = x^T dout: row k is sum_i x[i][k] * dout[i].
        for w, rows in self.cases():
            ds = [matrix.gaussian(self.rng, len(w)) for _ in rows]
            expected = [[math.fsum(x[k] * d[j] for x, d in zip(rows, ds))
                         for j in range(len(w))] for k in range(len(rows[0]))]
            self.assertNestedAlmostEqual(matrix.transpose_outer_products(rows, ds), expected)

    def test_transpose_outer_products_dense_and_sparse_columns_in_one_batch(self):
        # The builtin form runs sumprods down the whole batch where x[k] is
        # mostly nonzero and gathers where it is mostly zero (and skips an
        # all-zero column): every column kind at once, every kernel set.
        rng = self.rng
        xs = _sparse_rows(rng, 10, 6, 1.0)
        for x, keep in zip(xs, (1, 1, 1, 0, 0, 0, 0, 0, 0, 0)):
            x[1] = x[1] if keep else 0.0    # column 1: 30% nonzero
            x[2] = 0.0                      # column 2: all zero
        ds = _sparse_rows(rng, 10, 7, 0.6)
        expected = [[math.fsum(x[k] * d[j] for x, d in zip(xs, ds)) for j in range(7)]
                    for k in range(6)]
        self.assertNestedAlmostEqual(matrix.transpose_outer_products(xs, ds), expected)
        self.assertEqual(matrix.transpose_outer_products(xs, ds)[2], [0.0] * 7)

    def test_transpose_matvec_rows_odd_and_even_nonzero_counts(self):
        # The plain form takes the nonzero rows two at a time.
        w = matrix.gaussian(self.rng, 5, 4)
        for d in ([1.0, 0.0, 2.0, 0.0, 0.0], [1.0, 0.5, 2.0, 0.0, 3.0], [0.0] * 5):
            expected = [math.fsum(w[j][k] * d[j] for j in range(5)) for k in range(4)]
            self.assertNestedAlmostEqual(matrix.transpose_matvec_rows(w, [d]), [expected])

    def test_transpose_outer_products_rows_of_all_zero_inputs_are_exactly_zero(self):
        rows = [[0.0, 1.0, 0.0], [0.0, 2.0, 0.0]]
        total = matrix.transpose_outer_products(rows, [[1.0, -1.0], [0.5, 0.5]])
        self.assertEqual(total, [[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]])

    def test_affine_rows_at_computes_only_where_the_mask_is_nonzero(self):
        rng = self.rng
        w = matrix.gaussian(rng, 40, 12)
        for a_density, mask_density in ((1.0, 0.3), (0.2, 1.0)):      # both of _LOOPS' ways
            rows = _sparse_rows(rng, 5, 12, a_density)
            masks = _sparse_rows(rng, 5, 40, mask_density)
            expected = [[math.fsum(wk * ak for wk, ak in zip(row, a)) if m else 0.0
                         for row, m in zip(w, mask)] for a, mask in zip(rows, masks)]
            self.assertNestedAlmostEqual(matrix.affine_rows_at(w, rows, masks), expected)
            self.assertNestedAlmostEqual(matrix.matmul_transposed(rows, w, masks), expected)
            self.assertNestedAlmostEqual(matrix._affine_rows_at_loops(w, rows, masks), expected)

    def test_the_loops_skip_the_sparser_sides_zeros_either_way(self):
        rng = self.rng
        for x_density, d_density in ((0.2, 1.0), (1.0, 0.3)):
            xs = _sparse_rows(rng, 6, 30, x_density)
            ds = _sparse_rows(rng, 6, 8, d_density)
            expected = [[math.fsum(x[k] * d[j] for x, d in zip(xs, ds)) for j in range(8)]
                        for k in range(30)]
            self.assertNestedAlmostEqual(matrix._transpose_outer_products_loops(xs, ds),
                                         expected)

    def test_dlfs_names_are_the_same_products(self):
        # np.dot(x, W) + b, np.dot(dout, W.T), np.dot(x.T, dout), dout.sum(axis=0)
        rng = self.rng
        x = _sparse_rows(rng, 5, 8, 0.4)
        W = matrix.gaussian(rng, 8, 3)
        b = matrix.gaussian(rng, 3)
        dout = matrix.gaussian(rng, 5, 3)
        self.assertNestedAlmostEqual(
            matrix.matmul(x, W, b),
            [[math.fsum(xi[k] * W[k][j] for k in range(8)) + b[j] for j in range(3)]
             for xi in x])
        self.assertNestedAlmostEqual(
            matrix.matmul_transposed(dout, W),
            [[math.fsum(d[j] * W[k][j] for j in range(3)) for k in range(8)] for d in dout])
        self.assertNestedAlmostEqual(
            matrix.transposed_matmul(x, dout),
            [[math.fsum(xi[k] * d[j] for xi, d in zip(x, dout)) for j in range(3)]
             for k in range(8)])
        self.assertNestedAlmostEqual(matrix.column_sums(dout),
                                     [math.fsum(d[j] for d in dout) for j in range(3)])

    def test_add_row_sums(self):
        b = [1.0, 2.0, 3.0]
        ds = [[0.5, 0.25, 1.0], [1.5, -0.25, 2.0]]
        matrix.add_row_sums(b, -2.0, ds)
        self.assertNestedAlmostEqual(b, [-3.0, 2.0, -3.0])

    def test_relu_mask_and_zero_where(self):
        nan, inf = float("nan"), float("inf")
        rows = [[1.5, -2.0, 0.0, -0.0, nan], [-inf, inf, 3.0, -1e-300, 2.0]]
        mask = matrix.relu_mask(rows)
        self.assertEqual(mask, [[False, True, True, True, False],
                                [True, False, False, True, False]], "a NaN is not <= 0")
        out = matrix.zero_where(rows, mask)
        self.assertEqual(out[1], [0.0, inf, 3.0, 0.0, 2.0])
        self.assertEqual(out[0][:4], [1.5, 0.0, 0.0, 0.0])
        self.assertEqual(math.copysign(1.0, out[0][3]), 1.0, "-0.0 becomes 0.0, as out[mask] = 0")
        self.assertTrue(math.isnan(out[0][4]), "a NaN passes, as in the book")
        self.assertEqual(rows[0][1], -2.0, "the input is not changed")
        self.assertIsNot(out[1], rows[1])

    def test_scale_in_place(self):
        w = [[1.0, 2.0], [3.0, 4.0]]
        rows = list(w)
        matrix.scale_in_place(w, 0.5)
        self.assertEqual(w, [[0.5, 1.0], [1.5, 2.0]])
        self.assertIs(w[0], rows[0], "rows are updated in place")

    def test_add_scaled_in_place(self):
        w = [[1.0, 2.0], [3.0, 4.0]]
        matrix.add_scaled_in_place(w, 2.0, [[1.0, 0.0], [0.0, -1.0]])
        self.assertEqual(w, [[3.0, 2.0], [3.0, 2.0]])


class PlainKernelTest(KernelTests, unittest.TestCase):
    kernels = "plain"


class BuiltinKernelTest(KernelTests, unittest.TestCase):
    kernels = "builtin"


class FastKernelTest(KernelTests, unittest.TestCase):
    kernels = "fast"


if __name__ == "__main__":
    unittest.main()
