"""Tests for pureml.network3: chapter 6's script, as the book writes it, on small data."""

import contextlib
import io
import os
import random
import tempfile
import unittest

from pureml import mnist, network3
from pureml.data import idx
from pureml.convnet import ConvNetwork
from pureml.layers import Relu


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
        self.assertIs(network3.Network, ConvNetwork)
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


if __name__ == "__main__":
    unittest.main()
