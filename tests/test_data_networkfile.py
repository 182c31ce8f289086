"""Tests for network.load and Network.save: network2's format, and files that lie or break.

A model file is untrusted input: every failure is one ModelFileError naming
the file, the key and what was expected, whatever the file holds.
"""

import json
import math
import os
import tempfile
import unittest

from pureml import network
from pureml.network import CrossEntropyCost, ModelFileError, Network, Sigmoid, Tanh
from tests.support import NestedAlmostEqual


class SaveLoadTest(NestedAlmostEqual, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name="net.json"):
        return os.path.join(self.tmp.name, name)

    def write(self, data, name="bad.json"):
        path = self.path(name)
        with open(path, "w") as f:
            f.write(data if isinstance(data, str) else json.dumps(data))
        return path

    def test_round_trip(self):
        net = Network([4, 3, 2], cost=CrossEntropyCost, activation=Tanh, seed=1)
        net.save(self.path(), metadata={"epochs": 3})
        loaded = network.load(self.path())
        self.assertEqual(loaded.sizes, [4, 3, 2])
        self.assertEqual(loaded.weights, net.weights)
        self.assertEqual(loaded.biases, net.biases)
        self.assertIs(loaded.cost, CrossEntropyCost)
        self.assertIs(loaded.activation, Tanh)
        x = [0.1, 0.2, 0.3, 0.4]
        self.assertEqual(loaded.feedforward(x), net.feedforward(x))

    def test_file_is_in_network2_format(self):
        net = Network([2, 3, 1], seed=1)
        net.save(self.path())
        with open(self.path()) as f:
            data = json.load(f)
        self.assertEqual(data["sizes"], [2, 3, 1])
        self.assertEqual(data["cost"], "QuadraticCost")
        self.assertEqual(data["weights"][0], net.weights[0])
        self.assertEqual(data["biases"][0], [[b] for b in net.biases[0]])

    def test_loads_a_file_written_by_the_books_network2(self):
        # As network2.save writes it: biases are numpy column vectors (.tolist()).
        path = self.write(
            '{"sizes": [2, 2, 1], "weights": [[[0.5, -0.25], [1.0, 2.0]], [[1.5, -1.0]]], '
            '"biases": [[[0.1], [-0.2]], [[0.3]]], "cost": "CrossEntropyCost"}',
            "network2.json")
        net = network.load(path)
        self.assertEqual(net.biases, [[0.1, -0.2], [0.3]])
        self.assertEqual(net.weights[1], [[1.5, -1.0]])
        self.assertIs(net.cost, CrossEntropyCost)
        self.assertIs(net.activation, Sigmoid)

    def test_save_is_atomic_and_leaves_no_temporary_file(self):
        Network([2, 2], seed=1).save(self.path())
        self.assertEqual(os.listdir(self.tmp.name), ["net.json"])

    def test_a_diverged_network_is_not_saved_and_the_error_names_the_file(self):
        net = Network([2, 2], seed=1)
        net.save(self.path())
        with open(self.path()) as f:
            before = f.read()
        net.weights[0][1][0] = math.nan
        with self.assertRaisesRegex(ModelFileError, r"net\.json: not saved: the model holds "
                                                    r"NaN or infinite numbers"):
            net.save(self.path())
        with open(self.path()) as f:
            self.assertEqual(f.read(), before, "the old file is untouched")
        self.assertEqual(os.listdir(self.tmp.name), ["net.json"])

    def good(self):
        return {"sizes": [2, 1], "weights": [[[1.0, 2.0]]], "biases": [[[0.5]]],
                "cost": "QuadraticCost"}

    def assert_bad(self, data, pattern):
        path = self.write(data)
        with self.assertRaisesRegex(ModelFileError, pattern) as caught:
            network.load(path)
        self.assertIn(path, str(caught.exception))

    def test_not_json(self):
        self.assert_bad("{sizes: oops", "not a valid model file")

    def test_not_an_object(self):
        self.assert_bad("[1, 2]", "JSON object")

    def test_missing_key(self):
        data = self.good()
        del data["weights"]
        self.assert_bad(data, "missing key 'weights'")

    def test_bad_sizes(self):
        data = self.good()
        data["sizes"] = [2]
        self.assert_bad(data, "at least two layers")

    def test_unknown_cost(self):
        data = self.good()
        data["cost"] = "HingeCost"
        self.assert_bad(data, "unknown cost 'HingeCost' in 'cost'; expected one of "
                              "CrossEntropyCost, LogLikelihoodCost, QuadraticCost")

    def test_a_cost_that_is_a_list(self):
        data = self.good()
        data["cost"] = ["QuadraticCost"]
        self.assert_bad(data, "'cost' should be one of the names CrossEntropyCost, "
                              "LogLikelihoodCost, QuadraticCost, not a list")

    def test_a_cost_that_is_an_object(self):
        data = self.good()
        data["cost"] = {"name": "QuadraticCost"}
        self.assert_bad(data, "'cost' should be one of the names .*, not an object")

    def test_an_unknown_activation(self):
        data = self.good()
        data["activation"] = "softplus"
        self.assert_bad(data, "unknown activation 'softplus' in 'activation'; expected one "
                              "of relu, sigmoid, tanh")

    def test_an_activation_that_is_a_list(self):
        data = self.good()
        data["activation"] = ["tanh"]
        self.assert_bad(data, "'activation' should be one of the names relu, sigmoid, tanh, "
                              "not a list")

    def test_an_activation_that_is_a_number(self):
        data = self.good()
        data["activation"] = 3
        self.assert_bad(data, "'activation' should be one of the names relu, sigmoid, tanh, "
                              "not 3")

    def test_sizes_that_are_not_a_list(self):
        data = self.good()
        data["sizes"] = {"layers": [2, 1]}
        self.assert_bad(data, "'sizes' should be a list of layer sizes such as "
                              r"\[784, 30, 10\], not an object")

    def test_sizes_holding_a_list(self):
        data = self.good()
        data["sizes"] = [2, [1]]
        self.assert_bad(data, "layer sizes must be ints, not a list")

    def test_wrong_number_of_layers(self):
        data = self.good()
        data["weights"] = []
        self.assert_bad(data, "'weights' should be a list of 1 layers for sizes \\[2, 1\\], "
                              "not a list of 0")

    def test_wrong_row_length(self):
        data = self.good()
        data["weights"] = [[[1.0, 2.0, 3.0]]]
        self.assert_bad(data, r"weights\[0\]\[0\] holds 3 numbers, but sizes \[2, 1\] says "
                              r"layer 0 has 2")

    def test_wrong_number_of_biases(self):
        data = self.good()
        data["biases"] = [[[0.5], [0.5]]]
        self.assert_bad(data, r"biases\[0\] holds 2 numbers, but sizes \[2, 1\] says "
                              r"layer 1 has 1")

    def test_nan(self):
        self.assert_bad('{"sizes": [2, 1], "weights": [[[NaN, 2.0]]], "biases": [[[0.5]]], '
                        '"cost": "QuadraticCost"}', "not a finite number")

    def test_infinity(self):
        self.assert_bad('{"sizes": [2, 1], "weights": [[[1.0, 2.0]]], '
                        '"biases": [[[Infinity]]], "cost": "QuadraticCost"}',
                        "not a finite number")

    def test_a_weight_that_overflows_a_float(self):
        self.assert_bad('{"sizes": [2, 1], "weights": [[[1.0, 1e400]]], "biases": [[[0.5]]], '
                        '"cost": "QuadraticCost"}', r"weights\[0\]\[0\]\[1\] is not finite")

    def test_an_integer_weight_too_large_for_a_float(self):
        self.assert_bad('{"sizes": [2, 1], "weights": [[[1%s, 2.0]]], "biases": [[[0.5]]], '
                        '"cost": "QuadraticCost"}' % ("0" * 400),
                        r"weights\[0\]\[0\]\[0\] is an integer too large for a float")

    def test_string_weight(self):
        data = self.good()
        data["weights"] = [[["1.0", 2.0]]]
        self.assert_bad(data, r"weights\[0\]\[0\]\[0\] should be a number")

    def test_long_bias_column(self):
        data = self.good()
        data["biases"] = [[[0.5, 0.5]]]
        self.assert_bad(data, "one-element list")

    def test_binary_file(self):
        path = self.path("bad.json")
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n\xff\xfe")
        with self.assertRaisesRegex(ModelFileError, "not UTF-8 JSON text") as caught:
            network.load(path)
        self.assertIn(path, str(caught.exception))

    def test_deeply_nested_json(self):
        self.assert_bad("[" * 100000 + "]" * 100000, "nested too deeply|not a valid model file")

    def test_missing_file_is_an_os_error(self):
        with self.assertRaises(OSError):
            network.load(self.path("nowhere.json"))


if __name__ == "__main__":
    unittest.main()
