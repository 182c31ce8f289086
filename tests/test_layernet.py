"""Tests for pureml.layernet: gradient against numerical_gradient, the book's shapes, errors."""

import math
import random
import statistics
import unittest

from pureml import layers, layernet, matrix
from tests.support import NestedAlmostEqual, UsesKernels


def sparse_batch(rng, rows, cols, density=0.5):
    """Return a batch of inputs in [0, 1), each nonzero with probability ``density``."""
    return [[rng.random() if rng.random() < density else 0.0 for _ in range(cols)]
            for _ in range(rows)]


def off_the_kinks(net, rng):
    """Give every bias a random value, so that no ReLU input sits at exactly 0."""
    for key, value in net.params.items():
        if key.startswith("b"):
            value[:] = [rng.uniform(-0.5, 0.5) for _ in value]


class GradientTests(UsesKernels, NestedAlmostEqual):
    """gradient (backprop) equals numerical_gradient (central differences, h = 1e-4).

    The tolerance is 1e-4 relative: the book's loss adds 1e-7 inside the log,
    which tilts the numerical gradient by about 1e-7 / y against the exact
    one that backprop computes (a wrong gradient is wrong by far more).
    """

    def setUp(self):
        super().setUp()
        self.rng = random.Random(21)
        self.x = sparse_batch(self.rng, 3, 7)
        self.t = [1, 3, 0]

    def assertGradientsAgree(self, net, x=None, t=None):
        x = self.x if x is None else x
        t = self.t if t is None else t
        grads = net.gradient(x, t)
        numerical = net.numerical_gradient(x, t)
        self.assertEqual(sorted(grads), sorted(net.params))
        for key in net.params:
            with self.subTest(param=key):
                self.assertNestedAlmostEqual(grads[key], numerical[key],
                                             rel_tol=1e-4, abs_tol=1e-8)

    def test_two_layer_net(self):
        net = layernet.TwoLayerNet(7, 5, 4, weight_init_std=0.5, seed=1)
        off_the_kinks(net, self.rng)
        self.assertGradientsAgree(net)

    def test_two_layer_net_with_one_hot_labels(self):
        net = layernet.TwoLayerNet(7, 5, 4, weight_init_std=0.5, seed=2)
        off_the_kinks(net, self.rng)
        one_hot = [[1.0 if k == label else 0.0 for k in range(4)] for label in self.t]
        self.assertGradientsAgree(net, t=one_hot)

    def test_multi_layer_net_every_activation_with_weight_decay(self):
        for activation in ("relu", "sigmoid", "tanh"):
            with self.subTest(activation=activation):
                net = layernet.MultiLayerNet(7, [5, 6], 4, activation=activation,
                                             weight_decay_lambda=0.1, seed=3)
                off_the_kinks(net, self.rng)
                self.assertGradientsAgree(net)

    def test_multi_layer_net_with_dropout(self):
        net = layernet.MultiLayerNet(7, [6, 5], 4, use_dropout=True, dropout_ratio=0.3,
                                     weight_init_std=0.5, seed=4)
        off_the_kinks(net, self.rng)
        net.loss(self.x, self.t, train_flg=True)        # draws the masks
        for layer in net.layers.values():
            if isinstance(layer, layers.Dropout):
                layer.freeze_mask = True
        self.assertGradientsAgree(net)

    def test_multi_layer_net_with_batch_normalization(self):
        net = layernet.MultiLayerNet(7, [5, 6], 4, use_batchnorm=True, activation="sigmoid",
                                     seed=5)
        off_the_kinks(net, self.rng)
        x = sparse_batch(self.rng, 5, 7, density=0.8)
        self.assertGradientsAgree(net, x=x, t=[0, 1, 2, 3, 0])
        self.assertIn("gamma1", net.params)


class PlainGradientTest(GradientTests, unittest.TestCase):
    kernels = "plain"


class FastGradientTest(GradientTests, unittest.TestCase):
    kernels = "fast"


class TwoLayerNetTest(NestedAlmostEqual, unittest.TestCase):
    def test_the_books_structure_and_shapes(self):
        net = layernet.TwoLayerNet(784, 50, 10, seed=0)
        self.assertEqual(list(net.layers), ["Affine1", "Relu1", "Affine2"])
        self.assertIsInstance(net.lastLayer, layers.SoftmaxWithLoss)
        self.assertEqual(matrix.shape(net.params["W1"]), (784, 50))
        self.assertEqual(matrix.shape(net.params["W2"]), (50, 10))
        self.assertEqual(net.params["b1"], [0.0] * 50)
        self.assertIs(net.layers["Affine1"].W, net.params["W1"])
        self.assertIs(net.layers["Affine2"].b, net.params["b2"])

    def test_initial_weights_are_scaled_gaussians(self):
        net = layernet.TwoLayerNet(784, 50, 10, weight_init_std=0.01, seed=0)
        values = [v for row in net.params["W1"] for v in row]
        self.assertAlmostEqual(statistics.pstdev(values), 0.01, 3)

    def test_a_seed_repeats_the_weights(self):
        a = layernet.TwoLayerNet(5, 4, 3, seed=7)
        b = layernet.TwoLayerNet(5, 4, 3, seed=7)
        self.assertEqual(a.params, b.params)
        self.assertNotEqual(a.params, layernet.TwoLayerNet(5, 4, 3, seed=8).params)

    def test_predict_loss_accuracy(self):
        net = layernet.TwoLayerNet(2, 3, 2, seed=0)
        net.params["W1"][:] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
        net.params["W2"][:] = [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
        x = [[2.0, 0.0], [0.0, 3.0], [1.0, 0.0]]
        self.assertEqual(net.predict(x), [[2.0, 0.0], [0.0, 3.0], [1.0, 0.0]])
        self.assertEqual(net.accuracy(x, [0, 1, 1]), 2 / 3)
        self.assertEqual(net.accuracy(x, [[1, 0], [0, 1], [1, 0]]), 1.0)
        expected = -(math.log(1 / (1 + math.exp(-2)) + 1e-7)
                     + math.log(1 / (1 + math.exp(-3)) + 1e-7)
                     + math.log(1 / (1 + math.exp(-1)) + 1e-7)) / 3
        self.assertAlmostEqual(net.loss(x, [0, 1, 0]), expected, 12)

    def test_first_layer_does_not_compute_dx(self):
        net = layernet.TwoLayerNet(4, 3, 2, seed=0)
        self.assertFalse(net.layers["Affine1"].compute_dx)
        self.assertTrue(net.layers["Affine2"].compute_dx)

    def test_bad_sizes(self):
        for args in ((0, 5, 2), (4, -1, 2), (4, 5, 2.0), ("784", 50, 10)):
            with self.subTest(args=args):
                with self.assertRaises(layers.LayerError):
                    layernet.TwoLayerNet(*args)

    def test_input_of_the_wrong_width(self):
        net = layernet.TwoLayerNet(4, 3, 2, seed=0)
        with self.assertRaises(layers.LayerError) as caught:
            net.predict([[1.0, 2.0, 3.0]])
        self.assertIn("expected a list of 4 numbers", str(caught.exception))

    def test_label_out_of_range(self):
        net = layernet.TwoLayerNet(4, 3, 2, seed=0)
        with self.assertRaises(ValueError) as caught:
            net.gradient([[1.0, 0.0, 0.0, 0.0]], [2])
        self.assertIn("labels must be from 0 to 1", str(caught.exception))

    def test_accuracy_of_data_and_labels_that_disagree(self):
        net = layernet.TwoLayerNet(4, 3, 2, seed=0)
        with self.assertRaises(layers.LayerError):
            net.accuracy([[0.0] * 4] * 3, [0, 1])


class MultiLayerNetTest(unittest.TestCase):
    def test_layers_in_order(self):
        net = layernet.MultiLayerNet(6, [5, 4], 3, use_batchnorm=True, use_dropout=True,
                                     seed=0)
        self.assertEqual(list(net.layers), [
            "Affine1", "BatchNorm1", "Activation_function1", "Dropout1",
            "Affine2", "BatchNorm2", "Activation_function2", "Dropout2", "Affine3"])
        self.assertEqual(sorted(net.params), ["W1", "W2", "W3", "b1", "b2", "b3",
                                              "beta1", "beta2", "gamma1", "gamma2"])

    def test_weight_init_names(self):
        for name, std in (("relu", math.sqrt(2 / 400)), ("he", math.sqrt(2 / 400)),
                          ("sigmoid", math.sqrt(1 / 400)), ("xavier", math.sqrt(1 / 400)),
                          (0.05, 0.05)):
            with self.subTest(weight_init_std=name):
                net = layernet.MultiLayerNet(400, [300], 2, weight_init_std=name, seed=1)
                values = [v for row in net.params["W1"] for v in row]
                self.assertAlmostEqual(statistics.pstdev(values) / std, 1.0, 2)

    def test_weight_decay_adds_to_the_loss(self):
        net = layernet.MultiLayerNet(3, [2], 2, weight_decay_lambda=0.5, seed=0)
        x, t = [[1.0, 0.0, 1.0]], [1]
        plain = net.last_layer.forward(net.predict(x), t)
        squares = sum(v * v for key in ("W1", "W2") for row in net.params[key] for v in row)
        self.assertAlmostEqual(net.loss(x, t), plain + 0.25 * squares, 12)

    def test_dropout_is_off_when_predicting(self):
        net = layernet.MultiLayerNet(5, [8], 3, use_dropout=True, dropout_ratio=0.5, seed=0)
        x = [[0.1, 0.2, 0.3, 0.4, 0.5]]
        self.assertEqual(net.predict(x), net.predict(x))

    def test_unknown_activation(self):
        with self.assertRaises(layers.LayerError) as caught:
            layernet.MultiLayerNet(4, [3], 2, activation="softplus")
        self.assertIn("relu", str(caught.exception))

    def test_bad_weight_init(self):
        with self.assertRaises(layers.LayerError):
            layernet.MultiLayerNet(4, [3], 2, weight_init_std="glorot")

    def test_bad_hidden_sizes(self):
        for hidden in ("100", [100, 0], None):
            with self.subTest(hidden=hidden):
                with self.assertRaises(layers.LayerError):
                    layernet.MultiLayerNet(4, hidden, 2)

    def test_negative_weight_decay(self):
        with self.assertRaises(layers.LayerError):
            layernet.MultiLayerNet(4, [3], 2, weight_decay_lambda=-1)


if __name__ == "__main__":
    unittest.main()
