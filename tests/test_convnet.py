"""Tests for pureml.convnet: SimpleConvNet's gradient against numerical_gradient, network3's layers."""

import contextlib
import gc
import io
import json
import os
import random
import tempfile
import unittest

from pureml import convnet, convolution, layers
from pureml.errors import ModelFileError
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

    def test_the_collector_is_paused_while_a_batch_goes_through(self):
        net = tiny_net()
        seen = []
        forward = net.layers["Relu1"].forward

        def recording(x):
            seen.append(gc.isenabled())
            return forward(x)

        net.layers["Relu1"].forward = recording
        self.addCleanup(gc.enable if gc.isenabled() else gc.disable)
        gc.enable()
        x, t = tiny_images(self.rng, 2), [0, 1]
        grads = {}
        for kernels in ("fast", "plain"):
            with convolution.use(kernels):
                paused = convolution.collector_paused is convolution._collector_paused
                seen.clear()
                grads[kernels] = net.gradient(x, t)
                net.predict(x)
                self.assertEqual(seen, [not paused] * 2)
                self.assertTrue(gc.isenabled())
        for key in net.params:
            self.assertNestedAlmostEqual(grads["fast"][key], grads["plain"][key])

    def test_the_books_structure(self):
        net = convnet.SimpleConvNet(seed=0)
        self.assertEqual(list(net.layers), ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2",
                                            "Affine2"])
        self.assertEqual((len(net.params["W1"]), len(net.params["W1"][0]),
                          len(net.params["W1"][0][0]), len(net.params["W1"][0][0][0])),
                         (30, 1, 5, 5))
        self.assertEqual((len(net.params["W2"]), len(net.params["W2"][0])), (4320, 100))
        self.assertIsInstance(net.last_layer, layers.SoftmaxWithLoss)
        self.assertFalse(net.layers["Conv1"].compute_dx)

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
                with self.assertRaises(layers.ArgumentError):
                    convnet.SimpleConvNet(**kwargs)

    def test_padding_no_less_than_the_filter(self):
        with self.assertRaisesRegex(layers.ArgumentError, r"conv_param\['pad'\] must be less than "
                                                       r"filter_size \(3\), not 1000000"):
            convnet.SimpleConvNet(input_dim=(1, 8, 8), conv_param={
                "filter_num": 2, "filter_size": 3, "pad": 10 ** 6, "stride": 10 ** 6})

    def test_an_input_of_the_wrong_size(self):
        with self.assertRaises(layers.ArgumentError):
            tiny_net().predict([[0.0] * 10])


def network3_net(p_dropout=0.0, activation=layers.Sigmoid):
    """Return a small network3 Network: conv-pool, fully connected, softmax."""
    rng = random.Random(4)
    return convnet.ConvNetwork([
        convnet.ConvPoolLayer(image_shape=(4, 1, 8, 8), filter_shape=(2, 1, 3, 3),
                              poolsize=(2, 2), activation_fn=activation, rng=rng),
        convnet.FullyConnectedLayer(n_in=2 * 3 * 3, n_out=5, activation_fn=activation,
                                    p_dropout=p_dropout, rng=rng),
        convnet.SoftmaxLayer(n_in=5, n_out=3, rng=rng)], 4)


class Network3Test(NestedAlmostEqual, unittest.TestCase):
    def make(self, p_dropout=0.0, activation=layers.Sigmoid):
        return network3_net(p_dropout, activation)

    def test_gradient_equals_numerical_gradient(self):
        for activation in (layers.Sigmoid, layers.Relu):
            with self.subTest(activation=activation.__name__):
                net = self.make(activation=activation)
                net.weight_decay_lambda = 0.05
                x = tiny_images(random.Random(5), 3)
                flat = [[v for row in image[0] for v in row] for image in x]
                grads = net.gradient(flat, [0, 2, 1])
                numerical = net.numerical_gradient(flat, [0, 2, 1])
                for key in net.params:
                    self.assertNestedAlmostEqual(grads[key], numerical[key], rel_tol=1e-4,
                                                 abs_tol=1e-7)

    def test_the_books_initialisation(self):
        net = self.make()
        self.assertEqual(net.params["W3"], [[0.0] * 3 for _ in range(5)])   # softmax: zeros
        self.assertEqual(list(net.layers)[:3], ["Conv1", "Pool1", "Activation1"])

    def test_sgd_learns_and_prints_the_books_lines(self):
        rng = random.Random(6)
        data = []
        for _ in range(3):
            x, y = [], []
            for _ in range(40):
                label = rng.randrange(3)
                image = [[0.0] * 8 for _ in range(8)]
                for i in range(8):
                    image[i][2 * label + 1] = 1.0           # a vertical bar per class
                x.append([v for row in image for v in row])
                y.append(label)
            data.append((x, y))
        net = self.make()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            best, test = net.SGD(data[0], 8, 4, 0.5, data[1], data[2])
        lines = out.getvalue().splitlines()
        self.assertEqual(lines[0], "Training mini-batch number 0")
        self.assertIn("Epoch 0: validation accuracy", lines[1])
        self.assertEqual(lines[-3], "Finished training network.")
        self.assertGreater(best, 0.9)
        self.assertIsNotNone(test)

    def test_the_last_layer_must_be_softmax(self):
        with self.assertRaises(layers.ArgumentError):
            convnet.ConvNetwork([convnet.FullyConnectedLayer(4, 2)], 1)

    def test_filters_and_images_that_disagree(self):
        with self.assertRaises(layers.ArgumentError):
            convnet.ConvPoolLayer(filter_shape=(2, 3, 3, 3), image_shape=(1, 1, 8, 8))



class Network3FileTest(unittest.TestCase):
    """network3's Network saved with save_params and read back, drawing nothing."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.path = os.path.join(tmp.name, "n3.json")
        self.net = network3_net(p_dropout=0.2, activation=layers.Relu)
        self.net.save_params(self.path)
        with open(self.path) as f:
            self.data = json.load(f)

    def test_the_network_comes_back_the_same(self):
        back = convnet.load(self.path)
        self.assertIsInstance(back, convnet.ConvNetwork)
        self.assertEqual(back.params, self.net.params)
        self.assertEqual(back.config(), self.net.config())
        x = tiny_images(random.Random(5), 3)
        self.assertEqual(back.predict(x), self.net.predict(x))
        self.assertEqual([c["kind"] for c in self.data["config"]["layers"]],
                         ["ConvPoolLayer", "FullyConnectedLayer", "SoftmaxLayer"])

    def assertBad(self, change, message):
        data = json.loads(json.dumps(self.data))
        change(data["config"]["layers"], data["params"])
        with open(self.path, "w") as f:
            json.dump(data, f)
        with self.assertRaisesRegex(ModelFileError, message):
            convnet.load(self.path)

    def test_an_unknown_kind_of_layer(self):
        self.assertBad(lambda c, p: c[1].update(kind="LSTMLayer"),
                       "layer 2 should be one of ConvPoolLayer, FullyConnectedLayer, "
                       "SoftmaxLayer, not 'LSTMLayer'")

    def test_an_unknown_activation(self):
        self.assertBad(lambda c, p: c[0].update(activation_fn="swish"),
                       "activation_fn should be one of relu, sigmoid, tanh, not 'swish'")

    def test_a_filter_shape_that_is_not_four_ints(self):
        self.assertBad(lambda c, p: c[0].update(filter_shape=[2, 1, 3]),
                       "filter_shape should be a list of 4 positive ints")

    def test_weights_of_another_shape_than_the_config_says(self):
        self.assertBad(lambda c, p: c[1].update(n_out=6),
                       "FullyConnectedLayer's w should be shaped 18x6, not 18x5")

    def test_layers_that_do_not_chain(self):
        def change(c, p):
            c[2].update(n_in=4)
            p["W3"] = p["W3"][:4]
        self.assertBad(change, "layer 2 gives 5 outputs but layer 3 takes n_in=4")

    def test_a_dropout_ratio_out_of_range(self):
        self.assertBad(lambda c, p: c[1].update(p_dropout=1.5),
                       "p_dropout should be a number from 0 to less than 1, not 1.5")

    def test_a_last_layer_that_is_not_softmax(self):
        def change(c, p):
            del c[2]
            del p["W3"], p["b3"]
        self.assertBad(change, "last layer must be a SoftmaxLayer")

    def test_layers_that_are_not_a_list(self):
        self.assertBad(lambda c, p: c.clear(), "needs its layers, a non-empty list")


if __name__ == "__main__":
    unittest.main()
