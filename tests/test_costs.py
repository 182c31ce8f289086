"""Tests for pureml.costs: each cost's value, and delta as the true dC/dz."""

import math
import unittest

from pureml.activations import Sigmoid, Softmax
from pureml.costs import COSTS, CrossEntropyCost, LogLikelihoodCost, QuadraticCost
from tests.support import NestedAlmostEqual


class ValueTest(unittest.TestCase):
    def test_quadratic(self):
        self.assertEqual(QuadraticCost.fn([0.5, 0.0], [1.0, 0.0]), 0.125)

    def test_cross_entropy(self):
        self.assertAlmostEqual(CrossEntropyCost.fn([0.5], [1.0]), math.log(2.0), places=15)
        self.assertAlmostEqual(CrossEntropyCost.fn([0.25, 0.5], [0.0, 1.0]),
                               -math.log(0.75) - math.log(0.5), places=15)

    def test_cross_entropy_at_the_edges(self):
        # 0 * ln 0 is 0 (numpy gives nan and network2 needs nan_to_num) ...
        self.assertEqual(CrossEntropyCost.fn([1.0, 0.0], [1.0, 0.0]), 0.0)
        # ... and certainty on the wrong side costs infinitely much.
        self.assertEqual(CrossEntropyCost.fn([0.0], [1.0]), math.inf)

    def test_log_likelihood(self):
        self.assertAlmostEqual(LogLikelihoodCost.fn([0.2, 0.8], [0.0, 1.0]),
                               -math.log(0.8), places=15)

    def test_names_are_network2s(self):
        self.assertEqual(sorted(COSTS), ["CrossEntropyCost", "LogLikelihoodCost", "QuadraticCost"])
        self.assertIs(QuadraticCost.output_activation, Sigmoid)
        self.assertIs(LogLikelihoodCost.output_activation, Softmax)


class DeltaTest(NestedAlmostEqual, unittest.TestCase):
    """delta(z, a, y) is dC/dz for C(z) = fn(sigma(z), y): checked by central differences."""

    def check(self, cost):
        z = [0.3, -1.2, 2.0, -0.1]
        y = [0.0, 1.0, 0.0, 0.0]
        sigma = cost.output_activation
        a = sigma.fn(z)
        h = 1e-6
        numeric = []
        for j in range(len(z)):
            up = z[:j] + [z[j] + h] + z[j + 1:]
            down = z[:j] + [z[j] - h] + z[j + 1:]
            numeric.append((cost.fn(sigma.fn(up), y) - cost.fn(sigma.fn(down), y)) / (2 * h))
        self.assertNestedAlmostEqual(cost.delta(z, a, y), numeric, rel_tol=1e-7, abs_tol=1e-9)

    def test_quadratic(self):
        self.check(QuadraticCost)

    def test_cross_entropy(self):
        self.check(CrossEntropyCost)

    def test_log_likelihood_with_softmax(self):
        self.check(LogLikelihoodCost)


if __name__ == "__main__":
    unittest.main()
