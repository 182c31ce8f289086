"""Tests for pureml.network: the book's equations, the batched update, and bad input."""

import contextlib
import io
import math
import random
import unittest

from pureml import gradcheck, mnist
from pureml.network import (CrossEntropyCost, DivergenceError, LogLikelihoodCost,
                            Network, ArgumentError, QuadraticCost, ReLU, Sigmoid, Tanh)
from tests.support import (KERNEL_SETS, NestedAlmostEqual, UsesKernels, using, real_data_root,
                           requires_real_data)

LN3 = math.log(3.0)


def hand_network():
    """Return the [2, 3, 1] network of HandWorkedTest, with its fixed weights."""
    net = Network([2, 3, 1], seed=0)
    net.weights = [[[1.0, -0.5], [0.0, 0.0], [0.0, 0.0]], [[1.0, 2.0, -2.0]]]
    net.biases = [[0.0, LN3, -LN3], [-1.5]]
    return net


class HandWorkedTest(NestedAlmostEqual, unittest.TestCase):
    """A [2, 3, 1] network worked through by hand.

    Input x = (1, 2), desired output y = (1), quadratic cost, sigmoid.
    The weights are chosen so that every sigmoid is a simple number:
    sigma(0) = 1/2, sigma(ln 3) = 1/(1 + 1/3) = 3/4, sigma(-ln 3) = 1/4,
    and sigma' = sigma (1 - sigma) is 1/4, 3/16, 3/16.

    Forward:
      z1 = w1 x + b1 = (1*1 - 0.5*2 + 0,  0 + ln 3,  0 - ln 3) = (0, ln 3, -ln 3)
      a1 = (1/2, 3/4, 1/4)
      z2 = 1*(1/2) + 2*(3/4) - 2*(1/4) - 1.5 = 0,  a2 = 1/2
    Backward:
      BP1  delta2 = (a2 - y) sigma'(z2) = (-1/2)(1/4) = -1/8
      BP4  nabla_w2 = delta2 a1^T = (-1/16, -3/32, -1/32);  BP3 nabla_b2 = (-1/8)
      BP2  w2^T delta2 = (-1/8, -1/4, 1/4)
           delta1 = (-1/8 * 1/4, -1/4 * 3/16, 1/4 * 3/16) = (-1/32, -3/64, 3/64)
      BP4  nabla_w1 = delta1 x^T = ((-1/32, -1/16), (-3/64, -3/32), (3/64, 3/32))
      BP3  nabla_b1 = delta1
    One step of gradient descent with eta = 2 on this single example moves
    every parameter by -2 times its gradient.
    """

    x, y = [1.0, 2.0], [1.0]
    nabla_w = [[[-1 / 32, -1 / 16], [-3 / 64, -3 / 32], [3 / 64, 3 / 32]],
               [[-1 / 16, -3 / 32, -1 / 32]]]
    nabla_b = [[-1 / 32, -3 / 64, 3 / 64], [-1 / 8]]

    def test_feedforward(self):
        self.assertNestedAlmostEqual(hand_network().feedforward(self.x), [0.5])

    def test_backprop(self):
        nabla_b, nabla_w = hand_network().backprop(self.x, self.y)
        self.assertNestedAlmostEqual(nabla_b, self.nabla_b)
        self.assertNestedAlmostEqual(nabla_w, self.nabla_w)

    def test_cost_derivative(self):
        self.assertEqual(hand_network().cost_derivative([0.5], [1.0]), [-0.5])

    def test_one_step_of_gradient_descent(self):
        for kernels in KERNEL_SETS:
            with self.subTest(kernels=kernels), using(kernels):
                net = hand_network()
                before_w, before_b = net.weights, net.biases
                expected_w = [[[w - 2.0 * g for w, g in zip(row, grow)]
                               for row, grow in zip(layer, glayer)]
                              for layer, glayer in zip(hand_network().weights, self.nabla_w)]
                expected_b = [[b - 2.0 * g for b, g in zip(layer, glayer)]
                              for layer, glayer in zip(hand_network().biases, self.nabla_b)]
                net.update_mini_batch([(self.x, self.y)], 2.0)
                self.assertNestedAlmostEqual(net.weights, expected_w)
                self.assertNestedAlmostEqual(net.biases, expected_b)
                self.assertIs(net.weights, before_w, "weights are updated in place")
                self.assertIs(net.biases, before_b)


def random_example(rng, sizes, sparse=False):
    """Return (x, y): a random input (MNIST-like and 81% zeros if sparse) and a one-hot y."""
    if sparse:
        x = [rng.random() if rng.random() < 0.19 else 0.0 for _ in range(sizes[0])]
    else:
        x = [rng.uniform(-1.0, 1.0) for _ in range(sizes[0])]
    y = [0.0] * sizes[-1]
    y[rng.randrange(sizes[-1])] = 1.0
    return x, y


class GradientCheckTest(unittest.TestCase):
    """backprop against central differences (pureml.gradcheck)."""

    def check(self, sizes, samples=None, **kwargs):
        rng = random.Random(sum(sizes))
        net = Network(sizes, seed=2, **kwargs)
        x, y = random_example(rng, sizes, sparse=sizes[0] > 100)
        result = gradcheck.check(net, x, y, samples=samples, rng=rng)
        self.assertLess(result.worst, 1e-6, result)
        self.assertGreater(result.checked, 0)

    def test_2_3_1(self):
        self.check([2, 3, 1])

    def test_3_5_4_2(self):
        self.check([3, 5, 4, 2])

    def test_784_30_10(self):
        # N(0, 1) weights saturate a 784-input layer (its gradients are
        # ~1e-8, at the level of rounding noise), so use network2's
        # initialiser here; every bias and 300 random weights are checked.
        self.check([784, 30, 10], samples=300, weight_initializer="default")


COSTS = (QuadraticCost, CrossEntropyCost, LogLikelihoodCost)
ACTIVATIONS = (Sigmoid, Tanh, ReLU)


class MiniBatchTests(UsesKernels, NestedAlmostEqual):
    """update_mini_batch (the batched matrix form) equals the book's per-example sum.

    The book's update is w -> w - (eta/m) sum_x nabla_w^x with nabla_w^x from
    ``backprop``; pureml computes the whole mini-batch at once.  Subclasses
    pick the kernel set.
    """

    def reference_update(self, net, batch, eta, lmbda=0.0, n=1):
        """Return (weights, biases) after the book's update, from per-example backprop."""
        m = len(batch)
        gradients = [net.backprop(x, y) for x, y in batch]
        weights, biases = [], []
        for l in range(len(net.weights)):
            weights.append([[(1 - eta * lmbda / n) * net.weights[l][j][k]
                             - (eta / m) * math.fsum(g[1][l][j][k] for g in gradients)
                             for k in range(len(net.weights[l][j]))]
                            for j in range(len(net.weights[l]))])
            biases.append([net.biases[l][j] - (eta / m) * math.fsum(g[0][l][j] for g in gradients)
                           for j in range(len(net.biases[l]))])
        return weights, biases

    def assert_same_update(self, sizes, cost, activation, lmbda=0.0, sparse=False, m=7):
        rng = random.Random(hash((tuple(sizes), cost.name, activation.name)) & 0xFFFF)
        init = "he" if activation is ReLU else "default"
        net = Network(sizes, cost=cost, activation=activation, seed=5, weight_initializer=init)
        batch = [random_example(rng, sizes, sparse) for _ in range(m)]
        eta, n = 3.0, 50
        weights, biases = self.reference_update(net, batch, eta, lmbda, n)
        before = [[row[:] for row in w] for w in net.weights]
        net.update_mini_batch(batch, eta, lmbda, n)
        self.assertNestedAlmostEqual(net.weights, weights, rel_tol=1e-12, abs_tol=1e-15)
        self.assertNestedAlmostEqual(net.biases, biases, rel_tol=1e-12, abs_tol=1e-15)
        moved = max(abs(a - b) for w0, w1 in zip(before, net.weights)
                    for r0, r1 in zip(w0, w1) for a, b in zip(r0, r1))
        self.assertGreater(moved, 1e-4, "the update should move the weights")

    def test_every_cost_and_activation(self):
        for cost in COSTS:
            for activation in ACTIVATIONS:
                with self.subTest(cost=cost.name, activation=activation.name):
                    self.assert_same_update([3, 5, 4, 2], cost, activation)

    def test_mnist_shaped_sparse_inputs(self):
        for cost in COSTS:
            with self.subTest(cost=cost.name):
                self.assert_same_update([784, 30, 10], cost, Sigmoid, sparse=True, m=10)

    def test_with_l2_regularisation(self):
        self.assert_same_update([784, 30, 10], CrossEntropyCost, Sigmoid, lmbda=5.0,
                                sparse=True, m=10)
        self.assert_same_update([3, 5, 4, 2], QuadraticCost, Tanh, lmbda=0.1)

    def test_momentum_velocity_is_the_gradient_step(self):
        """With momentum, v -> mu v - (eta/m) sum nabla - (eta lmbda / n) w and w -> w + v.

        From v = 0 the first velocity is exactly the plain step, so it can be
        compared with the per-example sum directly, at 1e-12.
        """
        rng = random.Random(8)
        sizes = [784, 30, 10]
        net = Network(sizes, cost=CrossEntropyCost, seed=3, weight_initializer="default")
        batch = [random_example(rng, sizes, sparse=True) for _ in range(10)]
        eta, lmbda, n, mu = 0.5, 2.0, 100, 0.9
        steps = []
        for _ in range(2):
            w0 = [[row[:] for row in w] for w in net.weights]
            b0 = [b[:] for b in net.biases]
            weights, biases = self.reference_update(net, batch, eta, lmbda, n)
            steps.append(([[[a - b for a, b in zip(r1, r0)] for r1, r0 in zip(w1, ww)]
                           for w1, ww in zip(weights, w0)],
                          [[a - b for a, b in zip(b1, bb)] for b1, bb in zip(biases, b0)]))
            net.update_mini_batch(batch, eta, lmbda, n, mu=mu)
            if len(steps) == 1:
                velocities = net.velocities
                self.assertNestedAlmostEqual([v[0] for v in velocities], steps[0][0],
                                             rel_tol=1e-12, abs_tol=1e-15)
                self.assertNestedAlmostEqual([v[1] for v in velocities], steps[0][1],
                                             rel_tol=1e-12, abs_tol=1e-15)
                first = [[row[:] for row in v[0]] for v in velocities]
        # Second step: v2 = mu v1 + (plain step at the new weights).
        expected = [[[mu * a + b for a, b in zip(r1, r2)] for r1, r2 in zip(v1, s2)]
                    for v1, s2 in zip(first, steps[1][0])]
        self.assertNestedAlmostEqual([v[0] for v in net.velocities], expected,
                                     rel_tol=1e-9, abs_tol=1e-15)


class PlainMiniBatchTest(MiniBatchTests, unittest.TestCase):
    kernels = "loops"


class BuiltinMiniBatchTest(MiniBatchTests, unittest.TestCase):
    kernels = "builtin"


class FastMiniBatchTest(MiniBatchTests, unittest.TestCase):
    kernels = "fast"


XOR = [([0.0, 0.0], [1.0, 0.0]), ([0.0, 1.0], [0.0, 1.0]),
       ([1.0, 0.0], [0.0, 1.0]), ([1.0, 1.0], [1.0, 0.0])]
XOR_TEST = [(x, y.index(1.0)) for x, y in XOR]


class LearningTest(unittest.TestCase):
    def train_xor(self, seed):
        net = Network([2, 4, 2], seed=seed)
        with contextlib.redirect_stdout(io.StringIO()):
            net.SGD(XOR * 50, 60, 4, 3.0)
        return net

    def test_learns_xor_perfectly(self):
        net = self.train_xor(3)
        self.assertEqual(net.evaluate(XOR_TEST), 4)

    def test_same_seed_same_weights(self):
        self.assertEqual(self.train_xor(3).weights, self.train_xor(3).weights)

    def test_different_seed_different_weights(self):
        self.assertNotEqual(self.train_xor(3).weights, self.train_xor(4).weights)

    def test_rng_can_be_given(self):
        a = Network([2, 3, 1], rng=random.Random(12))
        b = Network([2, 3, 1], seed=12)
        self.assertEqual(a.weights, b.weights)

    def test_seed_prints_like_network_py(self):
        net = Network([2, 4, 2], seed=3)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            net.SGD(XOR, 2, 2, 3.0, test_data=XOR_TEST)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertRegex(lines[0], r"^Epoch 0: [0-4] / 4$")
        self.assertRegex(lines[1], r"^Epoch 1: [0-4] / 4$")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            net.SGD(XOR, 1, 2, 3.0)
        self.assertEqual(out.getvalue(), "Epoch 0 complete\n")

    def test_zip_is_accepted_and_the_callers_list_is_not_shuffled(self):
        data = list(XOR * 5)
        copy = list(data)
        net = Network([2, 4, 2], seed=1)
        net.SGD(data, 3, 4, 3.0, verbose=False)
        self.assertEqual(data, copy)
        xs, ys = zip(*XOR)
        net.SGD(zip(xs, ys), 1, 2, 3.0, verbose=False,
                test_data=zip(xs, [y.index(1.0) for y in ys]))

    def test_zero_epochs_changes_nothing(self):
        net = Network([2, 3, 2], seed=1)
        before = [[row[:] for row in w] for w in net.weights]
        net.SGD(XOR, 0, 2, 3.0, verbose=False)
        self.assertEqual(net.weights, before)

    def test_last_mini_batch_may_be_short(self):
        net = Network([2, 3, 2], seed=1)
        done = []
        net.SGD(XOR[:3], 1, 2, 3.0, verbose=False,
                on_batch=lambda images, total, cost: done.append(images))
        self.assertEqual(done, [2, 3])

    def test_diverging_training_names_the_epoch(self):
        # Sigmoids saturate (sigma' = 0) long before their weights overflow;
        # ReLU neurons do not, so a huge eta drives them to inf and NaN.
        net = Network([2, 3, 2], seed=1, activation=ReLU, cost=CrossEntropyCost)
        with self.assertRaises(DivergenceError) as caught:
            net.SGD(XOR * 10, 3, 4, 1e300, verbose=False)
        self.assertIn("epoch 0", str(caught.exception))
        self.assertIn("smaller eta", str(caught.exception))


class Network2FeaturesTest(NestedAlmostEqual, unittest.TestCase):
    """Monitoring, L2, momentum, early stopping and the eta schedule inside SGD."""

    def test_monitoring_lists_mean_what_network2s_mean(self):
        net = Network([2, 4, 2], cost=CrossEntropyCost, seed=3, weight_initializer="default")
        training = XOR * 5
        history = net.SGD(training, 4, 4, 0.5, lmbda=0.1, evaluation_data=XOR_TEST,
                          monitor_evaluation_cost=True, monitor_evaluation_accuracy=True,
                          monitor_training_cost=True, monitor_training_accuracy=True,
                          verbose=False)
        self.assertEqual([len(values) for values in history], [4, 4, 4, 4])
        # The last entries describe the network as training left it.
        self.assertEqual(history.training_cost[-1], net.total_cost(training, 0.1))
        self.assertEqual(history.training_accuracy[-1], net.accuracy(training, convert=True))
        self.assertEqual(history.evaluation_cost[-1],
                         net.total_cost(XOR_TEST, 0.1, convert=True))
        self.assertEqual(history.evaluation_accuracy[-1], net.accuracy(XOR_TEST))

    def test_total_cost_adds_the_l2_term(self):
        net = Network([2, 3, 2], seed=1)
        squares = math.fsum(v * v for w in net.weights for row in w for v in row)
        self.assertAlmostEqual(net.total_cost(XOR, 2.0),
                               net.total_cost(XOR) + 0.5 * (2.0 / 4) * squares, places=12)

    def test_accuracy_takes_either_kind_of_label(self):
        net = Network([2, 3, 2], seed=1)
        self.assertEqual(net.accuracy(XOR, convert=True), net.accuracy(XOR_TEST))

    def test_momentum_changes_the_path_but_still_learns(self):
        plain = Network([2, 4, 2], seed=3)
        moving = Network([2, 4, 2], seed=3)
        plain.SGD(XOR * 50, 20, 4, 1.0, verbose=False)
        moving.SGD(XOR * 50, 20, 4, 1.0, mu=0.5, verbose=False)
        self.assertNotEqual(plain.weights, moving.weights)
        self.assertEqual(moving.evaluate(XOR_TEST), 4)

    def flat_run(self, **kwargs):
        """Train so little (eta = 1e-12) that the evaluation accuracy never changes."""
        net = Network([2, 3, 2], seed=1)
        records = []
        net.SGD(XOR, 200, 2, 1e-12, evaluation_data=XOR_TEST, verbose=False,
                on_epoch=records.append, **kwargs)
        return records

    def test_early_stopping(self):
        records = self.flat_run(early_stopping_n=3)
        # Epoch 0 is the best; epochs 1, 2 and 3 do not improve on it.
        self.assertEqual(len(records), 4)
        self.assertEqual(records[-1]["stop_reason"], "no improvement in 3 epochs")
        self.assertTrue(records[-1]["stopped"])
        self.assertFalse(records[-2]["stopped"])

    def test_eta_schedule_halves_then_stops_at_one_128th(self):
        records = self.flat_run(eta_schedule_n=2)
        etas = [record["eta"] for record in records]
        # eta is halved every 2 epochs without improvement; at 1e-12/128 it stops.
        self.assertEqual(etas[:5], [1e-12, 1e-12, 1e-12, 5e-13, 5e-13])
        self.assertEqual(len(records), 1 + 7 * 2)
        self.assertEqual(records[-1]["next_eta"], 1e-12 / 128)
        self.assertEqual(records[-1]["stop_reason"], "eta has fallen to 1/128 of its start")
        self.assertIn("eta halved", records[2]["notes"][0])


class BadInputTest(unittest.TestCase):
    """One assertRaises per kind of bad input; all are ValueErrors."""

    def setUp(self):
        self.net = Network([2, 3, 2], seed=0)

    def test_errors_are_value_errors(self):
        self.assertTrue(issubclass(ArgumentError, ValueError))

    def test_sizes_with_one_layer(self):
        with self.assertRaisesRegex(ArgumentError, "at least two layers"):
            Network([784])

    def test_sizes_empty(self):
        with self.assertRaises(ArgumentError):
            Network([])

    def test_sizes_not_a_list(self):
        with self.assertRaises(ArgumentError):
            Network(784)

    def test_sizes_zero(self):
        with self.assertRaisesRegex(ArgumentError, "at least 1"):
            Network([784, 0, 10])

    def test_sizes_negative(self):
        with self.assertRaises(ArgumentError):
            Network([784, -30, 10])

    def test_sizes_float(self):
        with self.assertRaisesRegex(ArgumentError, "must be ints"):
            Network([784, 30.0, 10])

    def test_sizes_bool(self):
        with self.assertRaises(ArgumentError):
            Network([True, 3])

    def test_unknown_cost(self):
        with self.assertRaises(ArgumentError):
            Network([2, 2], cost="HingeCost")

    def test_unknown_activation(self):
        with self.assertRaises(ArgumentError):
            Network([2, 2], activation="swish")

    def test_unknown_initializer(self):
        with self.assertRaises(ArgumentError):
            Network([2, 2], weight_initializer="zeros")

    def test_seed_and_rng_together(self):
        with self.assertRaises(ArgumentError):
            Network([2, 2], seed=1, rng=random.Random(1))

    def test_input_of_wrong_length_in_feedforward(self):
        with self.assertRaisesRegex(ArgumentError, "3 entries; this network expects 2"):
            self.net.feedforward([1.0, 2.0, 3.0])

    def test_input_of_wrong_length_in_backprop(self):
        with self.assertRaises(ArgumentError):
            self.net.backprop([1.0], [1.0, 0.0])

    def test_input_of_wrong_length_in_training_data(self):
        with self.assertRaises(ArgumentError):
            self.net.SGD([([1.0], [1.0, 0.0])], 1, 1, 1.0)

    def test_input_not_a_list(self):
        with self.assertRaises(ArgumentError):
            self.net.feedforward(3.0)

    def test_label_of_wrong_length(self):
        with self.assertRaisesRegex(ArgumentError, "label has 3 entries"):
            self.net.SGD([([1.0, 2.0], [1.0, 0.0, 0.0])], 1, 1, 1.0)

    def test_int_label_in_training_data(self):
        with self.assertRaisesRegex(ArgumentError, "one-hot"):
            self.net.SGD([([1.0, 2.0], 1)], 1, 1, 1.0)

    def test_label_of_wrong_length_in_backprop(self):
        with self.assertRaises(ArgumentError):
            self.net.backprop([1.0, 2.0], [1.0])

    def test_test_label_out_of_range(self):
        with self.assertRaisesRegex(ArgumentError, "from 0 to 1"):
            self.net.evaluate([([1.0, 2.0], 2)])

    def test_test_label_one_hot(self):
        with self.assertRaises(ArgumentError):
            self.net.SGD(XOR_TO_2, 1, 1, 1.0, test_data=[([1.0, 2.0], [1.0, 0.0])])

    def test_example_not_a_pair(self):
        with self.assertRaisesRegex(ArgumentError, "pair"):
            self.net.SGD([[1.0, 2.0, 3.0]], 1, 1, 1.0)

    def test_empty_training_data(self):
        with self.assertRaisesRegex(ArgumentError, "empty"):
            self.net.SGD([], 1, 1, 1.0)

    def test_empty_mini_batch(self):
        with self.assertRaisesRegex(ArgumentError, "at least one example"):
            self.net.update_mini_batch([], 1.0)

    def test_mini_batch_size_zero(self):
        with self.assertRaisesRegex(ArgumentError, "mini_batch_size must be a whole number of at least 1"):
            self.net.SGD(XOR_TO_2, 1, 0, 1.0)

    def test_mini_batch_size_float(self):
        with self.assertRaises(ArgumentError):
            self.net.SGD(XOR_TO_2, 1, 2.5, 1.0)

    def test_negative_epochs(self):
        with self.assertRaisesRegex(ArgumentError, "epochs must be a whole number of at least 0"):
            self.net.SGD(XOR_TO_2, -1, 1, 1.0)

    def test_eta_nan(self):
        with self.assertRaisesRegex(ArgumentError, "eta must be a finite number"):
            self.net.SGD(XOR_TO_2, 1, 1, math.nan)

    def test_eta_inf(self):
        with self.assertRaisesRegex(ArgumentError, "eta must be a finite number"):
            self.net.SGD(XOR_TO_2, 1, 1, math.inf)

    def test_eta_inf_in_update_mini_batch(self):
        with self.assertRaises(ArgumentError):
            self.net.update_mini_batch(XOR_TO_2, -math.inf)

    def test_eta_zero(self):
        with self.assertRaisesRegex(ArgumentError, "greater than 0"):
            self.net.SGD(XOR_TO_2, 1, 1, 0.0)

    def test_eta_string(self):
        with self.assertRaises(ArgumentError):
            self.net.SGD(XOR_TO_2, 1, 1, "3.0")

    def test_negative_lmbda(self):
        with self.assertRaises(ArgumentError):
            self.net.SGD(XOR_TO_2, 1, 1, 1.0, lmbda=-1.0)

    def test_lmbda_without_n(self):
        with self.assertRaisesRegex(ArgumentError, "needs n"):
            self.net.update_mini_batch(XOR_TO_2, 1.0, lmbda=1.0)

    def test_momentum_of_one(self):
        with self.assertRaises(ArgumentError):
            self.net.SGD(XOR_TO_2, 1, 1, 1.0, mu=1.0)

    def test_monitoring_without_evaluation_data(self):
        with self.assertRaisesRegex(ArgumentError, "evaluation_data"):
            self.net.SGD(XOR_TO_2, 1, 1, 1.0, monitor_evaluation_accuracy=True)

    def test_data_not_iterable(self):
        with self.assertRaises(ArgumentError):
            self.net.SGD(42, 1, 1, 1.0)


XOR_TO_2 = XOR


@requires_real_data
class SeedScriptTest(unittest.TestCase):
    """The book's chapter-1 script runs unchanged on pureml's list data."""

    def test_seed_script(self):
        training_data, validation_data, test_data = mnist.load_data_wrapper(real_data_root())
        net = Network([784, 30, 10], seed=2)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            net.SGD(training_data[:2000], 1, 10, 3.0, test_data=test_data[:1000])
        line = out.getvalue().strip()
        self.assertRegex(line, r"^Epoch 0: \d+ / 1000$")
        correct = int(line.split(":")[1].split("/")[0])
        # Chance is 100 / 1000; seeds 2-4 give 412-510 after 2,000 images.
        self.assertGreater(correct, 300, "2,000 images should already beat chance by far")


if __name__ == "__main__":
    unittest.main()
