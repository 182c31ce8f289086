"""Tests for pureml.network3: chapter 6's script, as the book writes it, on small data."""

import contextlib
import io
import json
import os
import random
import tempfile
import unittest

from pureml import layers, mnist, network3
from pureml.data import idx
from pureml.errors import ArgumentError, ModelFileError
from pureml.layers import Relu
from tests.support import NestedAlmostEqual
from tests.test_convnet import tiny_images


def write_bars(folder, n_train, n_test, seed=0):
    """Write an MNIST-shaped set whose class is a vertical bar's column (0-9)."""
    rng = random.Random(seed)
    os.makedirs(folder)
    for images_name, labels_name, n in ((mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS, n_train),
                                        (mnist.TEST_IMAGES, mnist.TEST_LABELS, n_test)):
        pixels, labels = bytearray(n * 784), bytearray(n)
        for i in range(n):
            label = rng.randrange(10)
            labels[i] = label
            column = 4 + 2 * label
            for row in range(4 + rng.randrange(3), 22 + rng.randrange(3)):
                pixels[i * 784 + row * 28 + column] = 255
        idx.write(os.path.join(folder, images_name), (n, 28, 28), bytes(pixels))
        idx.write(os.path.join(folder, labels_name), (n,), bytes(labels))


class Network3Test(unittest.TestCase):
    def test_the_books_names(self):
        self.assertIs(network3.ReLU, Relu)

    def test_chapter_6s_script_runs_and_learns(self):
        with tempfile.TemporaryDirectory() as root:
            write_bars(os.path.join(root, "mnist"), n_train=260, n_test=60)
            training_data, validation_data, test_data = mnist.load_data(
                root, validation_size=60)
            self.assertEqual(network3.size(training_data), 200)
            mini_batch_size = 10
            # The book draws its weights unseeded; some draws learn nothing in
            # 3 epochs (it failed on 2 of 6 interpreters in one CI run), so the
            # test seeds them.
            rng = random.Random(0)
            net = network3.Network([
                network3.ConvPoolLayer(image_shape=(mini_batch_size, 1, 28, 28),
                                       filter_shape=(4, 1, 5, 5), poolsize=(2, 2),
                                       activation_fn=network3.ReLU, rng=rng),
                network3.FullyConnectedLayer(n_in=4 * 12 * 12, n_out=20,
                                             activation_fn=network3.ReLU, rng=rng),
                network3.SoftmaxLayer(n_in=20, n_out=10, rng=rng)], mini_batch_size)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                best, test = net.SGD(training_data, 3, mini_batch_size, 0.03, validation_data,
                                     test_data, lmbda=0.1)
        self.assertIn("Epoch 2: validation accuracy", out.getvalue())
        self.assertGreater(best, 0.5, out.getvalue())


def network3_net(p_dropout=0.0, activation=layers.Sigmoid):
    """Return a small network3 Network: conv-pool, fully connected, softmax."""
    rng = random.Random(4)
    return network3.Network([
        network3.ConvPoolLayer(image_shape=(4, 1, 8, 8), filter_shape=(2, 1, 3, 3),
                              poolsize=(2, 2), activation_fn=activation, rng=rng),
        network3.FullyConnectedLayer(n_in=2 * 3 * 3, n_out=5, activation_fn=activation,
                                    p_dropout=p_dropout, rng=rng),
        network3.SoftmaxLayer(n_in=5, n_out=3, rng=rng)], 4)


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
        with self.assertRaises(ArgumentError):
            network3.Network([network3.FullyConnectedLayer(4, 2)], 1)

    def test_filters_and_images_that_disagree(self):
        with self.assertRaises(ArgumentError):
            network3.ConvPoolLayer(filter_shape=(2, 3, 3, 3), image_shape=(1, 1, 8, 8))



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
        back = network3.load(self.path)
        self.assertIsInstance(back, network3.Network)
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
            network3.load(self.path)

    def test_an_unknown_kind_of_layer(self):
        self.assertBad(lambda c, p: c[1].update(kind="LSTMLayer"),
                       "layer 2 should be one of ConvPoolLayer, FullyConnectedLayer, "
                       "SoftmaxLayer, not 'LSTMLayer'")

    def test_an_unknown_activation(self):
        self.assertBad(lambda c, p: c[0].update(activation_fn="swish"),
                       "layer 1's activation_fn should be one of relu, sigmoid, tanh, not 'swish'")

    def test_a_filter_shape_that_is_not_four_ints(self):
        self.assertBad(lambda c, p: c[0].update(filter_shape=[2, 1, 3]),
                       "filter_shape should be a list of 4 positive ints")

    def test_weights_of_another_shape_than_the_config_says(self):
        self.assertBad(lambda c, p: c[1].update(n_out=6),
                       "layer 2's w should be shaped 18x6, not 18x5")

    def test_layers_that_do_not_chain(self):
        def change(c, p):
            c[2].update(n_in=4)
            p["W3"] = p["W3"][:4]
        self.assertBad(change, "layer 2 gives 5 outputs but layer 3 takes 4 inputs")

    def test_a_dropout_ratio_out_of_range(self):
        self.assertBad(lambda c, p: c[1].update(p_dropout=1.5),
                       "layer 2's p_dropout must be a number from 0 up to .not including. 1, not 1.5")

    def test_a_last_layer_that_is_not_softmax(self):
        def change(c, p):
            del c[2]
            del p["W3"], p["b3"]
        self.assertBad(change, "last layer must be a SoftmaxLayer")

    def test_layers_that_are_not_a_list(self):
        self.assertBad(lambda c, p: c.clear(), "needs its layers, a non-empty list")


if __name__ == "__main__":
    unittest.main()
