"""Tests for pureml.optimizers: the first two steps of each, worked by hand.

The problem: params W1 = [[1, 2]], b1 = [0.5] and the same gradients at
both steps, g = [[0.1, -0.2]] for W1 and [0.4] for b1.  Each expected
value is written as the arithmetic the update rule prescribes.
"""

import math
import unittest

from pureml import optimizers
from pureml.errors import ArgumentError
from tests.support import NestedAlmostEqual


def problem():
    """Return fresh (params, grads) of the worked example."""
    return {"W1": [[1.0, 2.0]], "b1": [0.5]}, {"W1": [[0.1, -0.2]], "b1": [0.4]}


class WorkedStepsTest(NestedAlmostEqual, unittest.TestCase):
    def two_steps(self, optimizer):
        """Return the params after one and after two updates, and the W1 row object."""
        params, grads = problem()
        row = params["W1"][0]
        optimizer.update(params, grads)
        first = {"W1": [list(params["W1"][0])], "b1": list(params["b1"])}
        optimizer.update(params, grads)
        self.assertIs(params["W1"][0], row, "params are updated in place")
        return first, params

    def test_sgd(self):
        first, second = self.two_steps(optimizers.SGD(lr=0.1))
        # W <- W - 0.1 g
        self.assertNestedAlmostEqual(first["W1"], [[1.0 - 0.01, 2.0 + 0.02]])
        self.assertNestedAlmostEqual(first["b1"], [0.5 - 0.04])
        self.assertNestedAlmostEqual(second["W1"], [[0.98, 2.04]])
        self.assertNestedAlmostEqual(second["b1"], [0.42])

    def test_momentum(self):
        first, second = self.two_steps(optimizers.Momentum(lr=0.1, momentum=0.9))
        # v1 = -0.1 g = [-0.01, 0.02], W = W + v1;  v2 = 0.9 v1 - 0.1 g = [-0.019, 0.038]
        self.assertNestedAlmostEqual(first["W1"], [[0.99, 2.02]])
        self.assertNestedAlmostEqual(second["W1"], [[0.99 - 0.019, 2.02 + 0.038]])
        self.assertNestedAlmostEqual(second["b1"], [0.5 - 0.04 - (0.9 * 0.04 + 0.04)])

    def test_nesterov_is_the_books_repository_since_its_2021_fix(self):
        first, second = self.two_steps(optimizers.Nesterov(lr=0.1, momentum=0.9))
        # W moves with the old v (0 at first), then v = 0.9 v - 0.1 g.
        w1 = [1.0 - 0.19 * 0.1, 2.0 - 0.19 * -0.2]
        self.assertNestedAlmostEqual(first["W1"], [w1])
        # v1 = -0.1 g = [-0.01, 0.02]; W += 0.81 v1 - 0.19 g
        w2 = [w1[0] + 0.81 * -0.01 - 0.19 * 0.1, w1[1] + 0.81 * 0.02 - 0.19 * -0.2]
        self.assertNestedAlmostEqual(second["W1"], [w2])

    def test_nesterov_with_the_issues_numbers(self):
        # lr 0.1, momentum 0.9, g 0.1, W 1: the book gives 0.9810, then 0.9539.
        optimizer, params = optimizers.Nesterov(lr=0.1, momentum=0.9), {"W": [1.0]}
        optimizer.update(params, {"W": [0.1]})
        self.assertAlmostEqual(params["W"][0], 0.981, places=12)
        optimizer.update(params, {"W": [0.1]})
        self.assertAlmostEqual(params["W"][0], 0.9539, places=12)

    def test_adagrad(self):
        first, second = self.two_steps(optimizers.AdaGrad(lr=0.1))
        # h1 = g^2 = [0.01, 0.04]; W -= 0.1 g / (sqrt(h1) + 1e-7)
        w1 = [1.0 - 0.1 * 0.1 / (0.1 + 1e-7), 2.0 + 0.1 * 0.2 / (0.2 + 1e-7)]
        self.assertNestedAlmostEqual(first["W1"], [w1])
        # h2 = 2 g^2
        w2 = [w1[0] - 0.1 * 0.1 / (math.sqrt(0.02) + 1e-7),
              w1[1] + 0.1 * 0.2 / (math.sqrt(0.08) + 1e-7)]
        self.assertNestedAlmostEqual(second["W1"], [w2])

    def test_rmsprop(self):
        first, second = self.two_steps(optimizers.RMSprop(lr=0.1, decay_rate=0.99))
        # h1 = 0.01 g^2 = [1e-4, 4e-4]; W1[0] falls from 1 to about 1e-5, so
        # the comparison is absolute (1 - 0.99999 keeps only 11 digits).
        w1 = [1.0 - 0.1 * 0.1 / (0.01 + 1e-7), 2.0 + 0.1 * 0.2 / (0.02 + 1e-7)]
        self.assertNestedAlmostEqual(first["W1"], [w1], abs_tol=1e-15)
        # h2 = 0.99 h1 + 0.01 g^2 = 0.0199 g^2
        w2 = [w1[0] - 0.1 * 0.1 / (math.sqrt(0.0199 * 0.01) + 1e-7),
              w1[1] + 0.1 * 0.2 / (math.sqrt(0.0199 * 0.04) + 1e-7)]
        self.assertNestedAlmostEqual(second["W1"], [w2], abs_tol=1e-15)

    def test_adam(self):
        optimizer = optimizers.Adam(lr=0.001, beta1=0.9, beta2=0.999)
        first, second = self.two_steps(optimizer)
        self.assertEqual(optimizer.iter, 2)
        # m1 = 0.1 g, v1 = 0.001 g^2, lr_t = 0.001 sqrt(1 - 0.999) / (1 - 0.9)
        lr1 = 0.001 * math.sqrt(0.001) / 0.1
        w1 = [1.0 - lr1 * 0.01 / (math.sqrt(0.001 * 0.01) + 1e-7),
              2.0 + lr1 * 0.02 / (math.sqrt(0.001 * 0.04) + 1e-7)]
        self.assertNestedAlmostEqual(first["W1"], [w1])
        # m2 = 0.19 g, v2 = 0.001999 g^2, lr_t = 0.001 sqrt(1 - 0.999^2) / (1 - 0.9^2)
        lr2 = 0.001 * math.sqrt(1 - 0.999 ** 2) / (1 - 0.81)
        w2 = [w1[0] - lr2 * 0.019 / (math.sqrt(0.001999 * 0.01) + 1e-7),
              w1[1] + lr2 * 0.038 / (math.sqrt(0.001999 * 0.04) + 1e-7)]
        self.assertNestedAlmostEqual(second["W1"], [w2], rel_tol=1e-10)
        # Adam's first step is about lr in size, whatever the gradient's scale.
        self.assertAlmostEqual(1.0 - w1[0], 0.001, 5)


class CheckTest(unittest.TestCase):
    def test_learning_rates_must_be_positive_and_finite(self):
        for cls in (optimizers.SGD, optimizers.Momentum, optimizers.Nesterov,
                    optimizers.AdaGrad, optimizers.RMSprop, optimizers.Adam):
            for lr in (0, -0.1, float("nan"), float("inf"), "0.1", True):
                with self.subTest(cls=cls.__name__, lr=lr):
                    with self.assertRaises(ArgumentError) as caught:
                        cls(lr=lr)
                    self.assertIn("lr must be", str(caught.exception))

    def test_momentum_must_be_a_fraction(self):
        with self.assertRaises(ArgumentError):
            optimizers.Momentum(momentum=1.0)

    def test_decay_rate_must_be_a_fraction(self):
        with self.assertRaises(ArgumentError):
            optimizers.RMSprop(decay_rate=-0.5)

    def test_betas_must_be_fractions(self):
        with self.assertRaises(ArgumentError):
            optimizers.Adam(beta2=1.5)

    def test_a_missing_gradient(self):
        params, grads = problem()
        del grads["b1"]
        with self.assertRaises(ArgumentError) as caught:
            optimizers.SGD().update(params, grads)
        self.assertIn("'b1'", str(caught.exception))

    def test_a_gradient_of_the_wrong_shape(self):
        params, _ = problem()
        with self.assertRaises(ArgumentError):
            optimizers.SGD().update(params, {"W1": [[0.1]], "b1": [0.4]})

    def test_unknown_name(self):
        with self.assertRaises(ArgumentError) as caught:
            optimizers.make_optimizer("lbfgs")
        self.assertIn("Adam", str(caught.exception))

    def test_names_in_any_case(self):
        self.assertIsInstance(optimizers.make_optimizer("ADAM", {"lr": 0.01}), optimizers.Adam)
        self.assertIsInstance(optimizers.make_optimizer("RMSprop"), optimizers.RMSprop)

    def test_bad_optimizer_param(self):
        with self.assertRaises(ArgumentError):
            optimizers.make_optimizer("sgd", {"learning_rate": 0.1})

    def test_is_a_value_error(self):
        self.assertTrue(issubclass(ArgumentError, ValueError))


if __name__ == "__main__":
    unittest.main()
