"""Tests for pureml.network2: network2's defaults on the one Network."""

import contextlib
import io
import math
import os
import tempfile
import unittest

from pureml import network, network2
from tests.test_network import XOR, XOR_TEST


class Network2Test(unittest.TestCase):
    def test_defaults_are_network2s(self):
        net = network2.Network([400, 30, 10], seed=1)
        self.assertIs(net.cost, network2.CrossEntropyCost)
        self.assertIsInstance(net, network.Network)
        # N(0, 1/n_in): the weights' standard deviation is about 1/20.
        weights = [v for row in net.weights[0] for v in row]
        sd = math.sqrt(math.fsum(v * v for v in weights) / len(weights))
        self.assertAlmostEqual(sd, 0.05, delta=0.005)

    def test_large_weights_can_still_be_asked_for(self):
        net = network2.Network([400, 30, 10], seed=1)
        net.large_weight_initializer()
        weights = [v for row in net.weights[0] for v in row]
        sd = math.sqrt(math.fsum(v * v for v in weights) / len(weights))
        self.assertAlmostEqual(sd, 1.0, delta=0.05)
        self.assertEqual(network2.Network([2, 3, 2], seed=4, weight_initializer="large").weights,
                         network.Network([2, 3, 2], seed=4).weights)

    def test_sgd_takes_lmbda_fifth_and_returns_the_four_lists(self):
        net = network2.Network([2, 4, 2], seed=3)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            history = net.SGD(XOR * 20, 3, 4, 0.5, 0.1, XOR_TEST,
                              monitor_evaluation_cost=True, monitor_evaluation_accuracy=True,
                              monitor_training_cost=True, monitor_training_accuracy=True)
        evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = history
        for values in history:
            self.assertEqual(len(values), 3)
        self.assertTrue(all(0 <= a <= 4 for a in evaluation_accuracy))
        self.assertTrue(all(0 <= a <= 80 for a in training_accuracy))
        self.assertIn("Accuracy on evaluation data: ", out.getvalue())
        self.assertIn("Cost on training data: ", out.getvalue())

    def test_load_gives_a_network2_network(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "net.json")
            network2.Network([2, 3, 2], seed=1).save(path)
            self.assertIsInstance(network2.load(path), network2.Network)

    def test_vectorized_result(self):
        self.assertEqual(network2.vectorized_result(3)[3], 1.0)


if __name__ == "__main__":
    unittest.main()
