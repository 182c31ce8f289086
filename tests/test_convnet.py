"""Tests for pureml.convnet: SimpleConvNet's gradient against numerical_gradient, its shapes, its files."""

import contextlib
import gc
import io
import json
import os
import random
import tempfile
import unittest

from pureml import convnet, layers
from pureml.errors import ArgumentError, ModelFileError
from tests.support import NestedAlmostEqual


def tiny_images(rng, n, size=8, density=0.4):
    return [[[[rng.random() if rng.random() < density else 0.0 for _ in range(size)]
              for _ in range(size)]] for _ in range(n)]


def tiny_net(seed=1):
    """A SimpleConvNet small enough for central differences: 3 filters of 3x3 on 8x8."""
    net = convnet.SimpleConvNet(input_dim=(1, 8, 8),
                                conv_param={"filter_num": 3, "filter_size": 3},
                                hidden_size=5, output_size=4, weight_init_std=0.3, seed=seed)
    rng = random.Random(seed)
    for key, value in net.params.items():       # biases off zero: no ReLU input at a kink
        if key.startswith("b"):
            value[:] = [rng.uniform(-0.3, 0.3) for _ in value]
    return net


class SimpleConvNetTest(NestedAlmostEqual, unittest.TestCase):
    def setUp(self):
        self.rng = random.Random(3)

    def test_gradient_equals_numerical_gradient(self):
        net = tiny_net()
        x, t = tiny_images(self.rng, 3), [0, 3, 1]
        grads = net.gradient(x, t)
        numerical = net.numerical_gradient(x, t)
        self.assertEqual(sorted(grads), ["W1", "W2", "W3", "b1", "b2", "b3"])
        for key in net.params:
            with self.subTest(param=key):
                # 1e-4 relative: the book's loss adds 1e-7 inside the log (see test_layernet).
                self.assertNestedAlmostEqual(grads[key], numerical[key], rel_tol=1e-4,
                                             abs_tol=1e-8)

    def test_the_books_structure(self):
        net = convnet.SimpleConvNet(seed=0)
        self.assertEqual(list(net.layers), ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2",
                                            "Affine2"])
        self.assertEqual((len(net.params["W1"]), len(net.params["W1"][0]),
                          len(net.params["W1"][0][0]), len(net.params["W1"][0][0][0])),
                         (30, 1, 5, 5))
        self.assertEqual((len(net.params["W2"]), len(net.params["W2"][0])), (4320, 100))
        self.assertIsInstance(net.last_layer, layers.SoftmaxWithLoss)
        self.assertIsInstance(net.layers["Conv1"], layers.Convolution)

    def test_flat_examples_are_taken_as_images(self):
        net = tiny_net()
        images = tiny_images(self.rng, 2)
        flat = [[v for row in image[0] for v in row] for image in images]
        self.assertEqual(net.predict(flat), net.predict(images))
        self.assertEqual(net.accuracy(flat, [0, 1]), net.accuracy(images, [0, 1]))

    def test_save_and_load(self):
        net = tiny_net()
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "conv.json")
            net.save_params(path)
            loaded = convnet.load(path)
            self.assertIsInstance(loaded, convnet.SimpleConvNet)
            x = tiny_images(self.rng, 2)
            self.assertEqual(loaded.predict(x), net.predict(x))
            other = tiny_net(seed=5)
            other.load_params(path)
            self.assertEqual(other.params, net.params)
            with open(path) as f:
                data = json.load(f)
            data["params"]["W1"][1][0][2] = [0.1, 0.2]          # a short filter row
            with open(path, "w") as f:
                json.dump(data, f)
            with self.assertRaisesRegex(ModelFileError, r"W1\[1\]\[0\]\[2\] holds 2 numbers"):
                convnet.load(path)
            data["params"]["W1"][1][0][2] = [0.1, 0.2, 0.3]
            data["config"]["conv_param"]["filter_size"] = 5      # claims 5x5 filters
            with open(path, "w") as f:
                json.dump(data, f)
            with self.assertRaisesRegex(ModelFileError, "needs W1 shaped 3x1x5x5"):
                convnet.load(path)

    def test_bad_settings(self):
        for kwargs in ({"input_dim": (1, 28)}, {"conv_param": {"filter_size": 0}},
                       {"input_dim": (1, 4, 4), "conv_param": {"filter_size": 5}},
                       {"input_dim": (1, 5, 5), "conv_param": {"filter_size": 5}}):
            with self.subTest(**kwargs):
                with self.assertRaises(ArgumentError):
                    convnet.SimpleConvNet(**kwargs)

    def test_padding_no_less_than_the_filter(self):
        with self.assertRaisesRegex(ArgumentError, r"conv_param\['pad'\] must be less than "
                                                       r"filter_size \(3\), not 1000000"):
            convnet.SimpleConvNet(input_dim=(1, 8, 8), conv_param={
                "filter_num": 2, "filter_size": 3, "pad": 10 ** 6, "stride": 10 ** 6})

    def test_an_input_of_the_wrong_size(self):
        with self.assertRaises(ArgumentError):
            tiny_net().predict([[0.0] * 10])


if __name__ == "__main__":
    unittest.main()
