"""Tests for pureml.gradcheck: every correct network passes, every broken backprop fails.

The correct networks are every cost x activation x initialiser on the
book's [784, 30, 10] (a sample of its weights) and on small deep networks;
the broken ones are the same networks with backprop patched: a sign
flipped, a factor or a term dropped.  The layered networks of DLFS are
judged by the same rule (``check_gradient``).
"""

import doctest
import math
import random
import unittest
from unittest import mock

from pureml import convnet, gradcheck, layernet
from pureml.activations import ACTIVATIONS
from pureml.costs import COSTS
from pureml.engine import dense
from pureml.network import WEIGHT_INITIALIZERS, Network


def load_tests(loader, tests, ignore):
    """Add gradcheck.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(gradcheck))
    return tests


def example(sizes, seed, label=None):
    """Return an input of pixels uniform in [0, 1) and a one-hot desired output, as gradcheck's."""
    rng = random.Random(seed)
    x = [rng.random() for _ in range(sizes[0])]
    y = [0.0] * sizes[-1]
    y[rng.randrange(sizes[-1]) if label is None else label] = 1.0
    return x, y


def every_network(sizes, seed):
    """Yield (name, network) for every cost x activation x initialiser of ``sizes``."""
    for cost in COSTS.values():
        for activation in ACTIVATIONS.values():
            for init in WEIGHT_INITIALIZERS:
                net = Network(sizes, cost=cost, activation=activation,
                              weight_initializer=init, seed=seed)
                yield "%s %s %s" % (cost.name, activation.name, init), net


def alive(net, x, y):
    """Return True when every hidden layer passes some gradient back (no layer of dead ReLUs)."""
    nabla_b, _nabla_w = net.backprop(x, y)
    return all(any(v != 0.0 for v in b) for b in nabla_b[:-1])


def infinite_cost(net, x, y):
    """Return True when the network's cost at (x, y) is itself infinite or NaN."""
    return not math.isfinite(net.cost.fn(net.feedforward(x), y))


#: The networks tried: the book's, with a sample of its 23,820 weights, and small deep ones.
NETWORKS = (([784, 30, 10], 4), ([6, 8, 8, 4], None), ([3, 5, 5, 5, 2], None))
DEEP = NETWORKS[1:]


class CorrectBackpropTest(unittest.TestCase):
    """Every cost x activation x initialiser passes, unless its cost is itself infinite."""

    def test_every_combination_on_the_books_network_and_deep_ones(self):
        for sizes, samples in NETWORKS:
            x, y = example(sizes, 1)
            for name, net in every_network(sizes, seed=3):
                with self.subTest(sizes=sizes, network=name):
                    result = gradcheck.check(net, x, y, samples=samples,
                                             rng=random.Random(3))
                    if infinite_cost(net, x, y):
                        # an output rounds to exactly 0 or 1 under a log: nothing to check
                        self.assertFalse(result.passed)
                        self.assertEqual(result.not_finite, result.checked)
                    else:
                        self.assertTrue(result.passed, result)
                        self.assertEqual(result.failed, 0)

    def test_every_combination_with_l2(self):
        sizes = [4, 5, 3, 3]
        x, y = example(sizes, 3)
        for name, net in every_network(sizes, seed=7):
            with self.subTest(network=name):
                result = gradcheck.check(net, x, y, lmbda=0.5, n=10)
                self.assertTrue(result.passed, result)

    def test_the_issues_false_alarm_passes(self):
        # [784, 30, 10], train's defaults: a gradient of 2.4e-8 that h = 1e-5
        # resolves to three digits was called a backprop failure.
        rng = random.Random(0)
        net = Network([784, 30, 10], weight_initializer="large", rng=rng)
        x = [rng.random() for _ in range(784)]
        y = [0.0] * 10
        y[rng.randrange(10)] = 1.0
        result = gradcheck.check(net, x, y, samples=40, rng=rng)
        self.assertTrue(result.passed, result)

    def test_the_network_is_left_unchanged(self):
        net = Network([3, 4, 2], seed=1)
        weights = [[row[:] for row in w] for w in net.weights]
        biases = [b[:] for b in net.biases]
        gradcheck.check(net, *example([3, 4, 2], 2))
        self.assertEqual(net.weights, weights)
        self.assertEqual(net.biases, biases)

    def test_samples_limits_the_weights_checked(self):
        net = Network([5, 4, 2], seed=1)
        result = gradcheck.check(net, *example([5, 4, 2], 2), samples=3)
        self.assertEqual(result.checked, 3 + 3)
        result = gradcheck.check(net, *example([5, 4, 2], 2), samples=7)
        self.assertEqual(result.checked, 6 + 7)

    def test_gradients_too_small_to_compare_are_counted_not_failed(self):
        # large weights saturate sigmoid neurons: some gradients are ~1e-12
        net = Network([784, 30, 10], cost="CrossEntropyCost", weight_initializer="large",
                      seed=0)
        result = gradcheck.check(net, *example([784, 30, 10], 0), samples=20)
        self.assertGreater(result.too_small, 0)
        self.assertEqual(result.failed, 0)
        self.assertTrue(result.passed, result)

    def test_an_infinite_cost_is_reported_as_such(self):
        # ReLU with N(0, 1) weights: outputs of exactly 1.0 for y = 0 make
        # the cross-entropy ln(1 - a) infinite; backprop is still right.
        net = Network([784, 30, 10], cost="CrossEntropyCost", activation="relu",
                      weight_initializer="large", seed=0)
        x, y = example([784, 30, 10], 0)
        self.assertTrue(infinite_cost(net, x, y))
        result = gradcheck.check(net, x, y, samples=5)
        self.assertEqual(result.not_finite, result.checked)
        self.assertEqual(result.failed, 0)
        self.assertFalse(result.passed)

    def test_bad_h(self):
        with self.assertRaises(gradcheck.ArgumentError):
            gradcheck.check(Network([2, 2], seed=1), [0.0, 0.0], [1.0, 0.0], h=0)

    def test_lmbda_without_n(self):
        with self.assertRaises(gradcheck.ArgumentError):
            gradcheck.check(Network([2, 2], seed=1), [0.0, 0.0], [1.0, 0.0], lmbda=1.0, n=0)


def flipped_bp2(delta_part, prime):
    """BP2 with its sign flipped: -((w^T delta) * sigma'(z))."""
    return [-d * p for d, p in zip(delta_part, prime)]


def bp2_without_prime(delta_part, prime):
    """BP2 with the factor sigma'(z) dropped."""
    return list(delta_part)


def largest_term_dropped(vecmat_each):
    """Return (w^T delta) with the term of the largest delta left out of each sum."""
    def dropped(deltas, w):
        kept = []
        for d in deltas:
            largest = max(range(len(d)), key=lambda j: abs(d[j]))
            kept.append([0.0 if j == largest else dj for j, dj in enumerate(d)])
        return vecmat_each(kept, w)
    return dropped


class BrokenBackpropTest(unittest.TestCase):
    """Backprop with one mistake fails on every network whose cost is finite."""

    def assertEveryNetworkFails(self, patch, networks=NETWORKS):
        for sizes, samples in networks:
            x, y = example(sizes, 1, label=0)
            for name, net in every_network(sizes, seed=3):
                if infinite_cost(net, x, y):
                    continue
                self.assertTrue(alive(net, x, y), name)     # else BP2 is never used
                with self.subTest(sizes=sizes, network=name), patch():
                    result = gradcheck.check(net, x, y, samples=samples,
                                             rng=random.Random(3))
                    self.assertFalse(result.passed, result)
                    self.assertGreater(result.failed, 0)
                    self.assertGreater(result.worst, 1e-3)

    def test_bp2_with_its_sign_flipped(self):
        self.assertEveryNetworkFails(lambda: mock.patch("pureml.network.hadamard", flipped_bp2))

    def test_bp2_without_sigma_prime(self):
        self.assertEveryNetworkFails(
            lambda: mock.patch("pureml.network.hadamard", bp2_without_prime), DEEP)

    def test_one_term_of_bp2s_sum_dropped(self):
        self.assertEveryNetworkFails(lambda: mock.patch.object(
            dense, "vecmat_each", largest_term_dropped(dense.vecmat_each)), DEEP)

    def test_bp1_with_its_sign_flipped(self):
        def flipped():
            for cost in COSTS.values():
                def delta(z, a, y, _delta=cost.delta):
                    return [-d for d in _delta(z, a, y)]
                yield mock.patch.object(cost, "delta", staticmethod(delta))

        class Patches:
            def __enter__(self):
                self.patches = list(flipped())
                for p in self.patches:
                    p.start()

            def __exit__(self, *exc):
                for p in self.patches:
                    p.stop()
        self.assertEveryNetworkFails(Patches, DEEP)

    def test_one_wrong_weight_is_named(self):
        class Broken(Network):
            def backprop(self, x, y):
                nabla_b, nabla_w = super().backprop(x, y)
                nabla_w[0][1][0] *= 1.01
                return nabla_b, nabla_w

        net = Broken([2, 3, 2], seed=1, weight_initializer="default")
        result = gradcheck.check(net, *example([2, 3, 2], 1))
        self.assertFalse(result.passed)
        self.assertEqual(result.failed, 1)
        self.assertEqual(result.where, ("weights", 0, 1, 0))
        self.assertGreater(result.worst, 1e-3)


class CompareTest(unittest.TestCase):
    """compare: the one rule, on numbers, nested lists and dicts."""

    def test_within_the_differences_own_error(self):
        result = gradcheck.compare([2.4458e-8], [2.4425e-8], error=1e-10)
        self.assertTrue(result.passed)
        self.assertEqual(result.worst, 0.0)

    def test_beyond_it(self):
        result = gradcheck.compare([1.0, 2.0], [1.0, 2.1], error=1e-8)
        self.assertFalse(result.passed)
        self.assertEqual(result.where, (1,))
        self.assertAlmostEqual(result.worst, (0.1 - 1e-8) / 4.1, places=12)

    def test_too_small_to_compare(self):
        result = gradcheck.compare({"W1": [[1e-12, -3e-12], [0.5, 0.0]]},
                                   {"W1": [[-2e-12, 1e-12], [0.5, 0.0]]}, error=1e-10)
        self.assertEqual(result.too_small, 2)
        self.assertEqual(result.checked, 4)
        self.assertEqual(result.compared, 2)
        self.assertTrue(result.passed)

    def test_nothing_comparable_does_not_pass(self):
        result = gradcheck.compare([1e-12], [2e-12], error=1e-10)
        self.assertEqual(result.too_small, 1)
        self.assertFalse(result.passed)

    def test_an_infinite_numerical_value_is_not_a_failure(self):
        result = gradcheck.compare([1.0, 2.0], [1.0, math.inf], error=1e-8)
        self.assertEqual((result.not_finite, result.failed), (1, 0))
        self.assertFalse(result.passed)

    def test_a_nan_gradient_is_a_failure(self):
        result = gradcheck.compare([1.0, math.nan], [1.0, 2.0])
        self.assertEqual(result.failed, 1)
        self.assertEqual(result.where, (1,))

    def test_a_place_key_is_the_whole_place(self):
        result = gradcheck.compare({("weights", 0, 3, 17): 1.0}, {("weights", 0, 3, 17): 2.0})
        self.assertEqual(result.where, ("weights", 0, 3, 17))
        self.assertEqual(gradcheck.place_text(result.where), "weights[0][3][17]")

    def test_per_entry_errors(self):
        result = gradcheck.compare([1.0, 1.0], [1.1, 1.1], error=[0.2, 0.0])
        self.assertEqual(result.failed, 1)
        self.assertEqual(result.where, (1,))

    def test_different_keys(self):
        with self.assertRaises(gradcheck.ArgumentError):
            gradcheck.compare({"W1": [1.0]}, {"W2": [1.0]})

    def test_different_shapes(self):
        with self.assertRaises(gradcheck.ArgumentError):
            gradcheck.compare({"W1": [1.0, 2.0]}, {"W1": [1.0]})

    def test_bad_tolerance(self):
        with self.assertRaises(gradcheck.ArgumentError):
            gradcheck.compare([1.0], [1.0], tolerance=-1)

    def test_differences_restore_the_values_and_measure_a_parabola(self):
        values = [0.5, -2.0]
        numeric, error = gradcheck.differences(
            lambda: values[0] ** 2 + 3 * values[1], [(values, 0), (values, 1)])
        self.assertEqual(values, [0.5, -2.0])
        self.assertAlmostEqual(numeric[0], 1.0, places=9)
        self.assertAlmostEqual(numeric[1], 3.0, places=9)
        self.assertTrue(all(0.0 < e < 1e-9 for e in error), error)


def off_the_kinks(net, rng):
    """Give every bias a random value, so that no ReLU input sits at exactly 0."""
    for key, value in net.params.items():
        if key.startswith("b"):
            value[:] = [rng.uniform(-0.5, 0.5) for _ in value]


class LayeredNetworkTest(unittest.TestCase):
    """check_gradient: DLFS's networks, by compare's rule."""

    def setUp(self):
        self.rng = random.Random(21)
        self.x = [[self.rng.random() for _ in range(7)] for _ in range(3)]
        self.t = [1, 3, 0]

    def test_two_layer_net(self):
        net = layernet.TwoLayerNet(7, 5, 4, weight_init_std=0.5, seed=1)
        off_the_kinks(net, self.rng)
        result = gradcheck.check_gradient(net, self.x, self.t)
        self.assertTrue(result.passed, result)
        self.assertEqual(result.checked, 7 * 5 + 5 + 5 * 4 + 4)

    def test_the_books_two_layer_net(self):
        # ch05/gradient_check.py's settings (weight_init_std 0.01, three
        # images), on 16 pixels and 10 hidden neurons instead of 784 and 50
        net = layernet.TwoLayerNet(16, 10, 10, seed=0)
        x = [[self.rng.random() for _ in range(16)] for _ in range(3)]
        result = gradcheck.check_gradient(net, x, [7, 2, 1])
        self.assertTrue(result.passed, result)

    def test_multi_layer_net_every_activation_with_weight_decay(self):
        for activation in ("relu", "sigmoid", "tanh"):
            with self.subTest(activation=activation):
                net = layernet.MultiLayerNet(7, [5, 6], 4, activation=activation,
                                             weight_decay_lambda=0.1, seed=3)
                off_the_kinks(net, self.rng)
                self.assertTrue(gradcheck.check_gradient(net, self.x, self.t).passed)

    def test_batch_normalisation_uses_the_training_loss(self):
        net = layernet.MultiLayerNetExtend(7, [5, 6], 4, use_batchnorm=True,
                                           activation="sigmoid", seed=5)
        result = gradcheck.check_gradient(net, self.x, self.t)
        self.assertTrue(result.passed, result)
        self.assertTrue(any(where[0].startswith("gamma") for where in [result.where]) or
                        result.checked > 7 * 5 + 5 * 6 + 6 * 4)

    def test_simple_conv_net(self):
        net = convnet.SimpleConvNet(input_dim=(1, 6, 6),
                                    conv_param={"filter_num": 2, "filter_size": 3},
                                    hidden_size=4, output_size=3, weight_init_std=0.3,
                                    seed=4)
        off_the_kinks(net, self.rng)
        x = [[[[self.rng.random() for _ in range(6)] for _ in range(6)]] for _ in range(2)]
        result = gradcheck.check_gradient(net, x, [0, 2])
        self.assertTrue(result.passed, result)

    def test_a_broken_layer_fails(self):
        net = layernet.TwoLayerNet(7, 5, 4, weight_init_std=0.5, seed=1)
        off_the_kinks(net, self.rng)
        relu = net.layers["Relu1"]
        backward = relu.backward
        with mock.patch.object(relu, "backward",
                               lambda dout: [[-v for v in row] for row in backward(dout)]):
            result = gradcheck.check_gradient(net, self.x, self.t)
        self.assertFalse(result.passed)
        self.assertIn(result.where[0], ("W1", "b1"))

    def test_the_books_numerical_gradient_by_the_same_rule(self):
        net = layernet.TwoLayerNet(7, 5, 4, weight_init_std=0.5, seed=1)
        off_the_kinks(net, self.rng)
        result = gradcheck.compare(net.gradient(self.x, self.t),
                                   net.numerical_gradient(self.x, self.t),
                                   error=1e-8, tolerance=1e-4)
        self.assertTrue(result.passed, result)


if __name__ == "__main__":
    unittest.main()
