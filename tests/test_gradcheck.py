"""Tests for pureml.gradcheck, and backprop checked for every cost, activation and initialiser."""

import doctest
import random
import unittest

from pureml import gradcheck
from pureml.costs import COSTS
from pureml.activations import ACTIVATIONS
from pureml.network import WEIGHT_INITIALIZERS, Network


def load_tests(loader, tests, ignore):
    """Add gradcheck.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(gradcheck))
    return tests


def example(sizes, seed):
    rng = random.Random(seed)
    x = [rng.uniform(-1.0, 1.0) for _ in range(sizes[0])]
    y = [0.0] * sizes[-1]
    y[rng.randrange(sizes[-1])] = 1.0
    return x, y


class EveryCombinationTest(unittest.TestCase):
    """Every cost x activation x initialiser passes the gradient check, with and without L2."""

    def test_every_combination(self):
        sizes = [4, 5, 3, 3]
        for cost in COSTS.values():
            for activation in ACTIVATIONS.values():
                for init in WEIGHT_INITIALIZERS:
                    for lmbda in (0.0, 0.5):
                        with self.subTest(cost=cost.name, activation=activation.name,
                                          init=init, lmbda=lmbda):
                            net = Network(sizes, cost=cost, activation=activation,
                                          weight_initializer=init, seed=7)
                            x, y = example(sizes, 3)
                            result = gradcheck.check(net, x, y, lmbda=lmbda, n=10)
                            self.assertLess(result.worst, 1e-6, result)


class CheckerTest(unittest.TestCase):
    def test_a_wrong_backprop_is_caught(self):
        class Broken(Network):
            def backprop(self, x, y):
                nabla_b, nabla_w = super().backprop(x, y)
                nabla_w[0][1][0] *= 1.01
                return nabla_b, nabla_w

        net = Broken([2, 3, 2], seed=1, weight_initializer="default")
        result = gradcheck.check(net, *example([2, 3, 2], 1))
        self.assertGreater(result.worst, 1e-3)
        self.assertEqual(result.where, ("weights", 0, 1, 0))

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
        self.assertEqual(result.checked, 4 + 2 + 3)

    def test_bad_h(self):
        with self.assertRaises(gradcheck.ArgumentError):
            gradcheck.check(Network([2, 2], seed=1), [0.0, 0.0], [1.0, 0.0], h=0)

    def test_lmbda_without_n(self):
        with self.assertRaises(gradcheck.ArgumentError):
            gradcheck.check(Network([2, 2], seed=1), [0.0, 0.0], [1.0, 0.0], lmbda=1.0, n=0)


if __name__ == "__main__":
    unittest.main()
