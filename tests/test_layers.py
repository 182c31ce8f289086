"""Tests for pureml.layers: each layer's backward against central differences of its forward.

For a layer with output ``out = forward(x)`` the check uses the scalar
loss L = sum(out * R) with R fixed and random, so that dL/dout = R and
``backward(R)`` must equal dL/dx (and the parameter gradients dL/dW ...).
Every layer is checked in training and test mode where it has both, and
on every kernel set.
"""

import math
import random
import unittest

from pureml import functions, layers
from pureml.engine import dense
from pureml.engine.vectors import gaussian
from pureml.errors import ArgumentError
from tests.support import (NestedAlmostEqual, UsesKernels, numeric_gradient, random_like,
                           weighted_sum)

TOLERANCE = dict(rel_tol=1e-6, abs_tol=1e-8)


def away_from_zero(rng, rows, cols, margin=0.05):
    """Return a batch of values at least ``margin`` from 0 (ReLU's kink), signs mixed."""
    return [[rng.choice((-1.0, 1.0)) * rng.uniform(margin, 1.0) for _ in range(cols)]
            for _ in range(rows)]


class GradientCheck(UsesKernels, NestedAlmostEqual):
    """Shared checks; subclasses choose the kernel set."""

    def setUp(self):
        super().setUp()
        self.rng = random.Random(5)

    def check_dx(self, layer, x, forward, **kwargs):
        """Check backward's dx against central differences of forward at x; return R."""
        out = forward(x)
        R = random_like(self.rng, out)
        dx = layer.backward(R)
        expected = numeric_gradient(lambda: weighted_sum(forward(x), R), x)
        self.assertNestedAlmostEqual(dx, expected, **dict(TOLERANCE, **kwargs))
        return R

    def test_relu(self):
        layer = layers.Relu()
        x = away_from_zero(self.rng, 3, 5)
        self.check_dx(layer, x, layer.forward)
        self.assertEqual(layer.mask[0], [v <= 0.0 for v in x[0]])

    def test_relu_keeps_nan_as_the_books_mask_does(self):
        # mask = (x <= 0) is False for NaN, so the book's out[mask] = 0 leaves it:
        # a diverged network shows NaN in its loss instead of hiding it.
        layer = layers.Relu()
        out = layer.forward([[-1.0, math.nan, 2.0, 0.0]])
        self.assertEqual(out[0][0], 0.0)
        self.assertTrue(math.isnan(out[0][1]))
        self.assertEqual(out[0][2:], [2.0, 0.0])
        self.assertEqual(layer.mask, [[True, False, False, True]])
        self.assertEqual(layer.backward([[1.0, 2.0, 3.0, 4.0]]), [[0.0, 2.0, 3.0, 0.0]])

    def test_relu_is_also_spelled_ReLU(self):
        self.assertIs(layers.ReLU, layers.Relu)

    def test_sigmoid(self):
        layer = layers.Sigmoid()
        self.check_dx(layer, random_like(self.rng, [[0.0] * 4] * 3, -3, 3), layer.forward)

    def test_tanh(self):
        layer = layers.Tanh()
        self.check_dx(layer, random_like(self.rng, [[0.0] * 4] * 3, -2, 2), layer.forward)

    def test_affine_dx_dW_db(self):
        W = gaussian(self.rng, 6, 4)
        b = gaussian(self.rng, 4)
        layer = layers.Affine(W, b)
        x = [[self.rng.random() if self.rng.random() < 0.4 else 0.0 for _ in range(6)]
             for _ in range(3)]
        R = self.check_dx(layer, x, layer.forward)
        self.assertNestedAlmostEqual(
            layer.dW, numeric_gradient(lambda: weighted_sum(layer.forward(x), R), W),
            **TOLERANCE)
        layer.forward(x)
        layer.backward(R)
        self.assertNestedAlmostEqual(
            layer.db, numeric_gradient(lambda: weighted_sum(layer.forward(x), R), b),
            **TOLERANCE)

    def test_affine_flattens_images_and_gives_dx_back_in_their_shape(self):
        W = gaussian(self.rng, 2 * 3 * 2, 3)
        layer = layers.Affine(W, [0.1, 0.2, 0.3])
        x = [random_like(self.rng, [[[0.0] * 2] * 3] * 2) for _ in range(2)]  # 2 x (2, 3, 2)
        flat = [[v for channel in image for row in channel for v in row] for image in x]
        self.assertNestedAlmostEqual(layer.forward(x), dense.vecmat_each(flat, W, [0.1, 0.2, 0.3]))
        self.check_dx(layer, x, layer.forward)
        self.assertEqual(layer.original_x_shape, (2, 2, 3, 2))

    def test_softmax_with_loss_int_and_one_hot_labels(self):
        x = random_like(self.rng, [[0.0] * 4] * 3, -2, 2)

        def cross_entropy():
            # The exact loss, without the 1e-7 the book adds inside the log
            # (which changes its slope by a relative 1e-7 / y).
            return -math.fsum(math.log(y[k]) for y, k in
                              zip(functions.softmax(x), [2, 0, 3])) / 3
        for t in ([2, 0, 3], [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]]):
            layer = layers.SoftmaxWithLoss()
            loss = layer.forward(x, t)
            dx = layer.backward()
            self.assertNestedAlmostEqual(dx, numeric_gradient(cross_entropy, x), **TOLERANCE)
            self.assertAlmostEqual(
                loss, -math.fsum(math.log(y[k] + 1e-7) for y, k in zip(layer.y, [2, 0, 3])) / 3)

    def test_dropout_train_mode_with_the_same_mask_each_time(self):
        layer = layers.Dropout(0.4, rng=random.Random(3))
        x = random_like(self.rng, [[0.0] * 6] * 4)

        def forward(x):
            layer.rng.seed(3)           # the same draws, so the same mask, every time
            return layer.forward(x, train_flg=True)
        self.check_dx(layer, x, forward)
        out = layer.forward(x, train_flg=True)
        self.assertEqual([[o == 0.0 for o in row] for row in out],
                         [[not m for m in row] for row in layer.mask])

    def test_dropout_test_mode_scales_by_the_kept_fraction(self):
        layer = layers.Dropout(0.25)
        x = random_like(self.rng, [[0.0] * 3] * 2)
        self.assertNestedAlmostEqual(layer.forward(x, train_flg=False),
                                     [[0.75 * v for v in row] for row in x])

    def test_batch_normalization_train_mode(self):
        gamma = random_like(self.rng, [0.0] * 4, 0.5, 1.5)
        beta = random_like(self.rng, [0.0] * 4)
        layer = layers.BatchNormalization(gamma, beta)
        x = random_like(self.rng, [[0.0] * 4] * 5, -2, 2)

        def forward(x):
            return layer.forward(x, train_flg=True)
        R = self.check_dx(layer, x, forward)
        forward(x)
        layer.backward(R)
        dgamma, dbeta = layer.dgamma, layer.dbeta
        self.assertNestedAlmostEqual(
            dgamma, numeric_gradient(lambda: weighted_sum(forward(x), R), gamma), **TOLERANCE)
        self.assertNestedAlmostEqual(
            dbeta, numeric_gradient(lambda: weighted_sum(forward(x), R), beta), **TOLERANCE)

    def test_batch_normalization_normalises_each_feature(self):
        layer = layers.BatchNormalization([1.0, 1.0], [0.0, 0.0])
        out = layer.forward([[1.0, 10.0], [3.0, 20.0]], train_flg=True)
        self.assertNestedAlmostEqual(out, [[-1.0, -1.0], [1.0, 1.0]], rel_tol=1e-5)
        self.assertNestedAlmostEqual(layer.running_mean, [0.2, 1.5])      # 0.1 * the mean
        self.assertNestedAlmostEqual(layer.running_var, [0.1, 2.5])       # 0.1 * the variance

    def test_batch_normalization_test_mode_uses_the_running_averages(self):
        layer = layers.BatchNormalization([2.0, 1.0], [0.5, 0.0])
        layer.running_mean, layer.running_var = [1.0, -1.0], [4.0, 1.0]
        x = random_like(self.rng, [[0.0] * 2] * 3)
        expected = [[2.0 * (v - 1.0) / math.sqrt(4.0 + 1e-6) + 0.5,
                     (w + 1.0) / math.sqrt(1.0 + 1e-6)] for v, w in x]
        self.assertNestedAlmostEqual(layer.forward(x, train_flg=False), expected)
        self.check_dx(layer, x, lambda x: layer.forward(x, train_flg=False))

    def test_batch_normalization_of_images(self):
        layer = layers.BatchNormalization([1.0] * 4, [0.0] * 4)
        x = [random_like(self.rng, [[[0.0] * 2] * 2]) for _ in range(3)]    # 3 x (1, 2, 2)
        self.check_dx(layer, x, lambda x: layer.forward(x, train_flg=True))


class PlainGradientTest(GradientCheck, unittest.TestCase):
    kernels = "loops"


class FastGradientTest(GradientCheck, unittest.TestCase):
    kernels = "fast"


class BuiltinGradientTest(GradientCheck, unittest.TestCase):
    kernels = "builtin"


class ConvGradientCheck(UsesKernels, NestedAlmostEqual):
    """Convolution and Pooling against central differences, on each kernel set."""

    def setUp(self):
        super().setUp()
        self.rng = random.Random(9)

    def check(self, layer, x, params=()):
        """Check dx, and each (parameter, name of its gradient attribute), for L = sum(out * R)."""
        out = layer.forward(x)
        R = random_like(self.rng, out)
        dx = layer.backward(R)
        grads = {name: getattr(layer, name) for _, name in params}
        loss = lambda: weighted_sum(layer.forward(x), R)     # noqa: E731
        if dx is not None:
            self.assertNestedAlmostEqual(dx, numeric_gradient(loss, x), **TOLERANCE)
        for value, name in params:
            self.assertNestedAlmostEqual(grads[name], numeric_gradient(loss, value),
                                         **TOLERANCE)

    def test_convolution(self):
        for stride, pad in ((1, 0), (2, 1)):
            with self.subTest(stride=stride, pad=pad):
                W = random_like(self.rng, [[[[0.0] * 3] * 3] * 2] * 3)      # 3 filters, 2 channels
                b = random_like(self.rng, [0.0] * 3)
                layer = layers.Convolution(W, b, stride=stride, pad=pad)
                x = [[[[self.rng.uniform(-1, 1) if self.rng.random() < 0.6 else 0.0
                        for _ in range(6)] for _ in range(5)] for _ in range(2)]
                     for _ in range(2)]
                self.check(layer, x, [(W, "dW"), (b, "db")])

    def test_pooling(self):
        layer = layers.Pooling(2, 2, stride=2)
        # Distinct values, so that no window's maximum is a tie (a kink).
        values = self.rng.sample(range(1000), 2 * 3 * 4 * 6)
        x = [[[[values.pop() / 100.0 for _ in range(6)] for _ in range(4)] for _ in range(3)]
             for _ in range(2)]
        self.check(layer, x)


class LoopsConvGradientTest(ConvGradientCheck, unittest.TestCase):
    kernels = "loops"


class BuiltinConvGradientTest(ConvGradientCheck, unittest.TestCase):
    kernels = "builtin"


class ReferenceConvGradientTest(ConvGradientCheck, unittest.TestCase):
    kernels = "reference"


class ConvolutionLayerTest(unittest.TestCase):
    def test_the_books_shapes(self):
        W = [[[[1.0, 0.0], [0.0, 1.0]]], [[[0.0, 0.0], [0.0, 2.0]]]]    # 2 filters, 1 channel
        layer = layers.Convolution(W, [0.0, 1.0])
        out = layer.forward([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]])
        self.assertEqual(out, [[[[6.0, 8.0], [12.0, 14.0]], [[11.0, 13.0], [17.0, 19.0]]]])

    def test_images_of_the_wrong_channel_count(self):
        layer = layers.Convolution([[[[1.0]], [[1.0]]]], [0.0])        # expects 2 channels
        with self.assertRaises(ArgumentError) as caught:
            layer.forward([[[[1.0, 2.0]]]])
        self.assertIn("2 channels", str(caught.exception))

    def test_images_of_different_sizes(self):
        layer = layers.Convolution([[[[1.0]]]], [0.0])
        with self.assertRaises(ArgumentError):
            layer.forward([[[[1.0, 2.0]]], [[[1.0]]]])

    def test_bad_stride_and_pad(self):
        for kwargs in ({"stride": 0}, {"pad": -1}, {"stride": 1.5}):
            with self.subTest(**kwargs):
                with self.assertRaises(ArgumentError):
                    layers.Convolution([[[[1.0]]]], [0.0], **kwargs)

    def test_pooling_arguments(self):
        with self.assertRaises(ArgumentError):
            layers.Pooling(0, 2)


class AffineTest(NestedAlmostEqual, unittest.TestCase):
    def test_shares_the_callers_lists(self):
        W, b = [[1.0, 2.0]], [0.5, 0.5]
        layer = layers.Affine(W, b)
        W[0][0] = 10.0
        b[1] = -1.0
        self.assertEqual(layer.forward([[1.0]]), [[10.5, 1.0]])

    def test_the_books_shapes(self):
        # W is input_size rows of output_size: x (2 x 3) W (3 x 2) + b (2).
        layer = layers.Affine([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 10.0])
        self.assertEqual(layer.forward([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]),
                         [[4.0, 15.0], [1.0, 11.0]])
        self.assertEqual(layer.backward([[1.0, 0.0], [0.0, 1.0]]),
                         [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])

    def test_an_example_of_the_wrong_length(self):
        layer = layers.Affine([[1.0], [2.0]], [0.0])
        with self.assertRaises(ArgumentError) as caught:
            layer.forward([[1.0, 2.0], [1.0, 2.0, 3.0]])
        self.assertIn("example 1 has 3 entries, where 2 fit the matrix", str(caught.exception))

    def test_an_empty_batch(self):
        with self.assertRaises(ArgumentError):
            layers.Affine([[1.0]], [0.0]).forward([])

    def test_W_and_b_that_disagree(self):
        with self.assertRaises(ArgumentError):
            layers.Affine([[1.0, 2.0]], [0.0]).forward([[1.0]])


class SoftmaxWithLossTest(unittest.TestCase):
    def test_huge_scores_do_not_overflow(self):
        layer = layers.SoftmaxWithLoss()
        loss = layer.forward([[1000.0, 0.0], [0.0, -1000.0]], [1, 0])
        self.assertTrue(math.isfinite(loss))
        self.assertAlmostEqual(loss, -(math.log(1e-7) + math.log(1.0 + 1e-7)) / 2, 6)

    def test_labels_and_batch_of_different_sizes(self):
        with self.assertRaises(ArgumentError):
            layers.SoftmaxWithLoss().forward([[0.0, 1.0]], [0, 1])

    def test_a_label_out_of_range(self):
        with self.assertRaises(ValueError) as caught:
            layers.SoftmaxWithLoss().forward([[0.0, 1.0]], [5])
        self.assertIn("t[0] is the label 5", str(caught.exception))


class DropoutTest(unittest.TestCase):
    def test_keeps_about_one_minus_the_ratio(self):
        layer = layers.Dropout(0.3, rng=random.Random(0))
        layer.forward([[1.0] * 1000], train_flg=True)
        kept = sum(layer.mask[0])
        self.assertTrue(650 < kept < 750, kept)

    def test_a_seeded_rng_repeats_the_mask(self):
        masks = []
        for _ in range(2):
            layer = layers.Dropout(0.5, rng=random.Random(9))
            layer.forward([[1.0] * 20], train_flg=True)
            masks.append(layer.mask)
        self.assertEqual(masks[0], masks[1])

    def test_bad_ratios(self):
        for ratio in (-0.1, 1.0, "0.5", float("nan")):
            with self.subTest(ratio=ratio):
                with self.assertRaises(ArgumentError):
                    layers.Dropout(ratio)


class BatchNormalizationTest(unittest.TestCase):
    def test_gamma_and_beta_of_different_lengths(self):
        with self.assertRaises(ArgumentError):
            layers.BatchNormalization([1.0, 1.0], [0.0])

    def test_input_of_the_wrong_width(self):
        with self.assertRaises(ArgumentError):
            layers.BatchNormalization([1.0, 1.0], [0.0, 0.0]).forward([[1.0, 2.0, 3.0]])


if __name__ == "__main__":
    unittest.main()
