"""The bridge between the two books: Nielsen's Network and DLFS's MultiLayerNet compute the same numbers.

A [784, 50, 10] network with sigmoid hidden neurons, a softmax output and
the log-likelihood cost is built once as ``network.Network`` and once as
``layernet.MultiLayerNet`` from the same weights (DLFS stores each weight
matrix transposed: W1 = w^T).  Three mini-batches of SGD later, in each
book's own way (Nielsen's update_mini_batch; DLFS's gradient and
SGD.update), the weights agree to 1e-12.  Both faces run on the same
pureml.engine kernels, on every kernel set.
"""

import random
import unittest

from pureml.engine.vectors import transpose, zeros
from pureml.activations import Sigmoid
from pureml.costs import LogLikelihoodCost
from pureml.layernet import MultiLayerNet
from pureml.network import Network
from pureml.optimizers import SGD
from tests.support import NestedAlmostEqual, UsesKernels


def mnist_like_batch(rng, m):
    """Return m (image, one-hot label) pairs: 784 pixels, about 19% of them inked."""
    batch = []
    for _ in range(m):
        x = [rng.random() if rng.random() < 0.19 else 0.0 for _ in range(784)]
        y = [0.0] * 10
        y[rng.randrange(10)] = 1.0
        batch.append((x, y))
    return batch


class TwoBooksTests(UsesKernels, NestedAlmostEqual):
    def test_the_same_weights_after_three_mini_batches(self):
        rng = random.Random(2026)
        nielsen = Network([784, 50, 10], cost=LogLikelihoodCost, activation=Sigmoid,
                          weight_initializer="default", seed=1)
        dlfs = MultiLayerNet(784, [50], 10, activation="sigmoid", seed=2)
        for l in (0, 1):
            dlfs.params["W%d" % (l + 1)][:] = transpose(nielsen.weights[l])
            dlfs.params["b%d" % (l + 1)][:] = nielsen.biases[l]
        eta = 0.5
        optimizer = SGD(lr=eta)
        for _ in range(3):
            mini_batch = mnist_like_batch(rng, 10)
            nielsen.update_mini_batch(mini_batch, eta)
            grads = dlfs.gradient([x for x, _ in mini_batch], [y for _, y in mini_batch])
            optimizer.update(dlfs.params, grads)
        for l in (0, 1):
            with self.subTest(layer=l + 1):
                self.assertNestedAlmostEqual(dlfs.params["W%d" % (l + 1)],
                                             transpose(nielsen.weights[l]),
                                             rel_tol=1e-12, abs_tol=1e-15)
                self.assertNestedAlmostEqual(dlfs.params["b%d" % (l + 1)], nielsen.biases[l],
                                             rel_tol=1e-12, abs_tol=1e-15)
        # And they have moved: the comparison is not of untouched weights.
        self.assertNotEqual(nielsen.biases[1], zeros(10))

    def test_the_same_outputs(self):
        rng = random.Random(3)
        nielsen = Network([784, 20, 10], cost=LogLikelihoodCost, activation=Sigmoid, seed=4)
        dlfs = MultiLayerNet(784, [20], 10, activation="sigmoid", seed=5)
        for l in (0, 1):
            dlfs.params["W%d" % (l + 1)][:] = transpose(nielsen.weights[l])
            dlfs.params["b%d" % (l + 1)][:] = nielsen.biases[l]
        xs = [x for x, _ in mnist_like_batch(rng, 4)]
        scores = dlfs.predict(xs)
        self.assertNestedAlmostEqual([LogLikelihoodCost.output_activation.fn(s) for s in scores],
                                     [nielsen.feedforward(x) for x in xs], rel_tol=1e-12)


class PlainTwoBooksTest(TwoBooksTests, unittest.TestCase):
    kernels = "loops"


class BuiltinTwoBooksTest(TwoBooksTests, unittest.TestCase):
    kernels = "builtin"


class FastTwoBooksTest(TwoBooksTests, unittest.TestCase):
    kernels = "fast"


if __name__ == "__main__":
    unittest.main()
