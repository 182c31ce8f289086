"""Tests for ``pureml gradcheck``.

One command runs as ``python -m pureml`` in a subprocess; the others call
``cli.main`` in this process (see tests.cli_support), where backprop can be
broken on purpose.
"""

import re
import unittest
from unittest import mock

from tests import cli_support
from tests.cli_support import CommandCase, main_in_process, pureml


def setUpModule():
    cli_support.setUpModule()


def flipped_bp2(delta_part, prime):
    """BP2 with its sign flipped."""
    return [-d * p for d, p in zip(delta_part, prime)]


class GradcheckTest(CommandCase):

    def test_backprop_agrees_with_the_numbers(self):
        result = pureml("gradcheck", "--sizes", "5,4,3", "--cost", "cross-entropy",
                        "--activation", "tanh", "--lmbda", "0.5")
        self.assertSucceeded(result)
        self.assertIn("PASS: all 39 compared agree", result.stdout)
        worst = float(re.search(r"beyond the differences' own error: (\S+)",
                                result.stdout).group(1))
        self.assertLessEqual(worst, 1e-6)

    def test_the_books_network_with_large_weights_passes(self):
        # the false alarm: a 2.4e-8 gradient that h = 1e-5 cannot resolve
        status, out, _err = main_in_process("gradcheck", "--sizes", "784,30,10", "--init",
                                            "large", "--samples", "20")
        self.assertEqual(status, 0, out)
        self.assertIn("PASS", out)
        self.assertIn("too small to compare", out)

    def test_every_activation_and_cost_on_a_deep_network_passes(self):
        for activation in ("sigmoid", "tanh", "relu"):
            for cost in ("quadratic", "cross-entropy", "log-likelihood"):
                with self.subTest(activation=activation, cost=cost):
                    status, out, _err = main_in_process(
                        "gradcheck", "--sizes", "10,20,20,10", "--init", "default",
                        "--activation", activation, "--cost", cost)
                    self.assertEqual(status, 0, out)
                    self.assertIn("PASS", out)

    def test_a_broken_backprop_fails_with_status_1(self):
        with mock.patch("pureml.network.hadamard", flipped_bp2):
            status, out, _err = main_in_process("gradcheck", "--sizes", "5,6,6,3")
        self.assertEqual(status, 1)
        self.assertRegex(out, r"FAIL: \d+ of the 99 compared disagree by more than")
        self.assertRegex(out, r"Worst: (weights|biases)\[[01]\]")

    def test_an_infinite_cost_is_said_to_be_one(self):
        status, out, _err = main_in_process("gradcheck", "--sizes", "10,20,20,10", "--init",
                                            "large", "--activation", "relu", "--cost",
                                            "cross-entropy")
        self.assertEqual(status, 1)
        self.assertIn("CANNOT CHECK: the cost is inf or NaN a step away from all of them",
                      out)
        self.assertIn("is itself inf", out)
        self.assertNotIn("FAIL", out)


if __name__ == "__main__":
    unittest.main()
