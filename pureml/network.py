"""The network of Nielsen's network.py and network2.py, in pure Python.

A module to implement the stochastic gradient descent learning algorithm
for a feedforward neural network.  Gradients are calculated using
backpropagation.  The code is meant to be simple and easily readable
beside the book: the names are the book's (``sizes``, ``weights``,
``biases``, ``zs``, ``activations``, ``delta``, ``nabla_b``, ``nabla_w``,
``eta``, ``lmbda``), and one step of training is the book's call chain,
``SGD`` -> ``update_mini_batch`` -> backpropagation.

Vectors are lists of floats and a weight matrix is a list of rows, so
``weights[l][j][k]`` is the weight from neuron k in layer l to neuron j in
layer l+1, and ``biases[l][j]`` is the bias of neuron j in layer l+1.  The
arithmetic is pureml.engine's kernels, each named by what it computes
(``dense.matvec_each``: w a + b for each example) and defined the obvious
way in pureml.engine.reference.

The four equations of backpropagation (chapter 2), where ``*`` is the
element-wise (Hadamard) product:

    BP1  delta^L = grad_a C * sigma'(z^L)             cost.delta(z, a, y)
    BP2  delta^l = ((w^{l+1})^T delta^{l+1}) * sigma'(z^l)
    BP3  dC/db^l_j = delta^l_j                         nabla_b
    BP4  dC/dw^l_jk = a^{l-1}_k delta^l_j              nabla_w

and gradient descent over a mini-batch of m examples (chapter 1's
equations 20 and 21, with chapter 3's L2 weight decay):

    w -> (1 - eta*lmbda/n) w - (eta/m) sum_x nabla_w^x
    b -> b - (eta/m) sum_x nabla_b^x
"""

import math
import random

from pureml.activations import ACTIVATIONS, ReLU, Sigmoid, Tanh, sigmoid, sigmoid_prime
from pureml.arguments import (check_input, check_labelled_data, check_measured_data,
                              check_nonnegative, check_sizes, check_target, check_update,
                              lookup, one_hot)
from pureml.costs import COSTS, CrossEntropyCost, LogLikelihoodCost, QuadraticCost
from pureml.data import networkfile
from pureml.engine import dense
from pureml.engine.vectors import argmax, gaussian, hadamard, outer, sub, sumprod, zeros
from pureml.errors import ArgumentError, DivergenceError, ModelFileError
from pureml.monitor import History, Monitor
from pureml.parallel import processes, sgd

__all__ = ["Network", "load", "sigmoid", "sigmoid_prime", "QuadraticCost",
           "CrossEntropyCost", "LogLikelihoodCost", "Sigmoid", "Tanh", "ReLU",
           "ArgumentError", "DivergenceError", "ModelFileError", "History",
           "WEIGHT_INITIALIZERS"]


#: The weight initialisers, by the name the constructor's keyword takes.
WEIGHT_INITIALIZERS = ("large", "default", "he")


class Network:
    """A feedforward network of fully connected layers, trained by SGD."""

    #: What SGD measures and decides after each epoch: network2's monitoring.
    Monitor = Monitor

    def __init__(self, sizes, cost=QuadraticCost, *, activation=Sigmoid,
                 weight_initializer="large", seed=None, rng=None):
        """Build a network with ``sizes[l]`` neurons in layer l.

        For example [2, 3, 1] is a three-layer network with two inputs, a
        hidden layer of three neurons and one output.  The first layer is
        the input and has no biases.

        The defaults are the book's network.py: quadratic cost, sigmoid
        neurons, weights and biases drawn from N(0, 1).  ``cost`` may be
        any cost class (or its name), as in network2; ``activation`` is the
        hidden layers' activation (Sigmoid, Tanh, ReLU or "sigmoid",
        "tanh", "relu"); ``weight_initializer`` is "large" (N(0, 1), the
        default here as in network.py), "default" (N(0, 1/n_in), network2's
        default) or "he" (N(0, 2/n_in), zero biases, for ReLU).

        ``seed`` (or a ``random.Random`` as ``rng``) makes a run repeatable:
        the initial weights and every shuffle come from it.
        """
        self._setup(sizes, cost, activation, seed, rng)
        if weight_initializer not in WEIGHT_INITIALIZERS:
            raise ArgumentError("weight_initializer must be one of %s, not %r"
                                % (", ".join(WEIGHT_INITIALIZERS), weight_initializer))
        getattr(self, weight_initializer + "_weight_initializer")()

    @classmethod
    def from_parameters(cls, weights, biases, cost=QuadraticCost, *, activation=Sigmoid,
                        seed=None, rng=None):
        """Return a network with exactly these weights and biases, drawing nothing at random.

        ``weights[l]`` is layer l+1's matrix (one row per neuron) and
        ``biases[l]`` its vector; the lists are used as they are, not
        copied, and "sizes" follows from them.
        """
        if not weights or len(weights) != len(biases):
            raise ArgumentError("weights and biases must be lists of the same number (at "
                                "least 1) of layers; got %d and %d" % (len(weights), len(biases)))
        sizes = [len(weights[0][0]) if weights[0] else 0] + [len(w) for w in weights]
        for l, (w, b) in enumerate(zip(weights, biases)):
            if len(b) != len(w) or any(len(row) != sizes[l] for row in w):
                raise ArgumentError("layer %d's weights must be %d rows of %d numbers, with "
                                    "as many biases" % (l + 1, sizes[l + 1], sizes[l]))
        net = cls.__new__(cls)
        net._setup(sizes, cost, activation, seed, rng)
        net.weights, net.biases = weights, biases
        return net

    def _setup(self, sizes, cost, activation, seed, rng):
        """Check and keep everything but the weights: sizes, cost, activation, rng."""
        self.sizes = check_sizes(sizes)
        self.num_layers = len(self.sizes)
        self.cost = lookup(cost, COSTS, "cost")
        self.activation = lookup(activation, ACTIVATIONS, "activation")
        if rng is not None and seed is not None:
            raise ArgumentError("give a seed or an rng, not both")
        if rng is not None and not isinstance(rng, random.Random):
            raise ArgumentError("rng must be a random.Random, not %s" % type(rng).__name__)
        self.rng = rng if rng is not None else random.Random(seed)
        self.velocities = None          # momentum's, per layer (v_w, v_b); None at rest

    # -- initialisation (network2's names) ---------------------------------

    def large_weight_initializer(self):
        """Draw every weight and bias from N(0, 1), as network.py does; return None.

        Large weights saturate the sigmoid neurons and slow learning down
        (chapter 3); this is kept as the seed's behaviour.
        """
        self.biases = [gaussian(self.rng, y) for y in self.sizes[1:]]
        self.weights = [gaussian(self.rng, y, x)
                        for x, y in zip(self.sizes[:-1], self.sizes[1:])]

    def default_weight_initializer(self):
        """Draw weights from N(0, 1/n_in) and biases from N(0, 1), as network2 does; return None."""
        self.biases = [gaussian(self.rng, y) for y in self.sizes[1:]]
        self.weights = [gaussian(self.rng, y, x, sigma=1.0 / math.sqrt(x))
                        for x, y in zip(self.sizes[:-1], self.sizes[1:])]

    def he_weight_initializer(self):
        """Draw weights from N(0, 2/n_in) with zero biases (He et al., 2015); return None.

        This keeps the variance of ReLU layers' outputs steady from layer to layer.
        """
        self.biases = [zeros(y) for y in self.sizes[1:]]
        self.weights = [gaussian(self.rng, y, x, sigma=math.sqrt(2.0 / x))
                        for x, y in zip(self.sizes[:-1], self.sizes[1:])]

    # -- the forward pass --------------------------------------------------

    def layers(self):
        """Return (b, w, sigma) for each layer after the input: hidden layers, then the output layer."""
        sigmas = [self.activation] * (self.num_layers - 2) + [self.cost.output_activation]
        return zip(self.biases, self.weights, sigmas)

    def feedforward(self, a):
        """Return the output of the network if ``a`` is input.

        Each layer computes a' = sigma(w a + b): chapter 1's equation 22.
        """
        check_input(self.sizes, a)
        for b, w, sigma in self.layers():
            a = sigma.fn(dense.matvec_plus(w, a, b))
        return a

    # -- learning ----------------------------------------------------------

    @sgd.on_every_core
    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None, *,
            lmbda=0.0, mu=0.0, evaluation_data=None,
            monitor_evaluation_cost=False, monitor_evaluation_accuracy=False,
            monitor_training_cost=False, monitor_training_accuracy=False,
            early_stopping_n=0, eta_schedule_n=0, verbose=True, on_epoch=None, on_batch=None):
        """Train the network using mini-batch stochastic gradient descent.

        The ``training_data`` is a list of tuples ``(x, y)`` representing
        the training inputs and the desired outputs (one-hot lists).  If
        ``test_data`` (pairs ``(x, label)``) is provided then the network is
        evaluated against it after each epoch and "Epoch j: correct / n"
        printed, as network.py does.  The caller's list is never shuffled.

        The keywords are network2's (``lmbda``, ``evaluation_data``, the
        four ``monitor_*`` flags) and chapter 3's (``mu``, momentum;
        ``early_stopping_n``; ``eta_schedule_n``, halving eta); see
        pureml.monitor, which measures and decides after each epoch, for
        them and for ``verbose``, ``on_epoch`` and ``on_batch``.
        ``workers=N`` shares each mini-batch's work among N processes
        (pureml.parallel.sgd), with the same weights, bit for bit.

        Returns network2's four monitoring lists, as a History.
        """
        monitor = self.Monitor(self, training_data, epochs, mini_batch_size, eta, test_data,
                               lmbda, mu, evaluation_data, monitor_evaluation_cost,
                               monitor_evaluation_accuracy, monitor_training_cost,
                               monitor_training_accuracy, early_stopping_n, eta_schedule_n,
                               verbose, on_epoch, on_batch)     # checks every argument, once
        training_data = monitor.training_data                  # a copy, to shuffle
        n = len(training_data)
        self.velocities = None
        for j in range(epochs):
            self.rng.shuffle(training_data)
            mini_batches = [
                training_data[k:k + mini_batch_size]
                for k in range(0, n, mini_batch_size)]
            for mini_batch in mini_batches:
                outputs = self.update_mini_batch(mini_batch, monitor.eta, lmbda, n, mu)
                monitor.mini_batch_done(j, mini_batch, outputs)
            if monitor.end_of_epoch(j):         # report; early stopping, the eta schedule
                break
        return monitor.history

    def update_mini_batch(self, mini_batch, eta, lmbda=0.0, n=None, mu=0.0):
        """Update the network's weights and biases by applying gradient descent using
        backpropagation to a single mini batch.

        The ``mini_batch`` is a list of tuples ``(x, y)``, and ``eta`` is the
        learning rate.  The gradient comes from ``backprop_batch``, chapter
        2's matrix-based approach: every example at once.  ``lmbda`` and
        ``n`` (the size of the training set) add network2's L2 weight decay;
        ``mu`` adds momentum, a velocity for every weight: v -> mu v - eta
        grad C, w -> w + v.  Returns the network's outputs for the
        mini-batch, before the update (SGD reports their cost).
        """
        xs, ys = check_update(self.sizes, mini_batch, eta, lmbda, n, mu)
        nabla_b, nabla_w, outputs = self.backprop_batch(xs, ys)
        rate = eta / len(mini_batch)
        decay = eta * lmbda / n if lmbda else 0.0
        if mu and self.velocities is None:
            self.velocities = [(zeros(len(w), len(w[0])), zeros(len(b)))
                               for w, b in zip(self.weights, self.biases)]
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            deltas, inputs = nabla_w[l]         # nabla_w[l] = sum_x delta_x a_x^T, as its terms
            if not mu:
                if decay:
                    dense.scale_in_place(w, 1.0 - decay)                # (1 - eta lmbda/n) w
                dense.add_outer_sum(w, -rate, deltas, inputs)           # w - (eta/m) nabla_w
                dense.add_column_sums(b, -rate, nabla_b[l])             # b - (eta/m) nabla_b
                continue
            v_w, v_b = self.velocities[l]
            dense.scale_in_place(v_w, mu)                               # v -> mu v
            dense.scale_in_place([v_b], mu)
            if decay:
                dense.add_scaled_in_place(v_w, -decay, w)               # - (eta lmbda/n) w
            dense.add_outer_sum(v_w, -rate, deltas, inputs)             # - (eta/m) nabla_w
            dense.add_column_sums(v_b, -rate, nabla_b[l])
            dense.add_scaled_in_place(w, 1.0, v_w)                      # w -> w + v
            dense.add_scaled_in_place([b], 1.0, [v_b])
        return outputs

    def backprop_batch(self, xs, ys):
        """Return ``(nabla_b, nabla_w, outputs)`` for the mini-batch of inputs xs and desired outputs ys.

        This is ``backprop`` for every example at once, each line done for
        the whole batch: chapter 2's "fully matrix-based approach".
        ``nabla_b[l]`` and ``nabla_w[l]`` are the sums over the mini-batch of
        the examples' gradients, kept as their terms: ``nabla_b[l]`` is the
        list of the examples' delta, and ``nabla_w[l]`` the pair (deltas,
        activations) whose outer products add up to it (BP4), so that the
        update adds them into w without building the matrix.  ``outputs``
        are the output activations.
        """
        nabla_b = [None] * (self.num_layers - 1)
        nabla_w = [None] * (self.num_layers - 1)
        # feedforward, every example at once: one vector per example
        activation = xs
        activations = [xs]
        zs = []
        for b, w, sigma in self.layers():
            z = dense.matvec_each(w, activation, b)                     # w a + b
            zs.append(z)
            activation = [sigma.fn(zx) for zx in z]
            activations.append(activation)
        # backward pass
        delta = [self.cost.delta(z, a, y)
                 for z, a, y in zip(zs[-1], activations[-1], ys)]       # BP1
        nabla_b[-1] = delta                                             # BP3
        nabla_w[-1] = (delta, activations[-2])                          # BP4
        for l in range(2, self.num_layers):
            back = dense.vecmat_each(delta, self.weights[-l + 1])       # (w^{l+1})^T delta
            delta = [hadamard(wd, self.activation.prime(z))
                     for wd, z in zip(back, zs[-l])]                    # BP2
            nabla_b[-l] = delta                                         # BP3
            nabla_w[-l] = (delta, activations[-l - 1])                  # BP4
        return nabla_b, nabla_w, activations[-1]

    def backprop(self, x, y):
        """Return a tuple ``(nabla_b, nabla_w)`` representing the gradient of
        the cost function C_x for the single example (x, y).

        ``nabla_b`` and ``nabla_w`` are layer-by-layer lists shaped like
        ``self.biases`` and ``self.weights``: the book's per-example
        backpropagation, equations BP1 to BP4.
        """
        check_input(self.sizes, x)
        check_target(self.sizes, y)
        nabla_b = [None] * (self.num_layers - 1)
        nabla_w = [None] * (self.num_layers - 1)
        # feedforward
        activation = x
        activations = [x]  # list to store all the activations, layer by layer
        zs = []  # list to store all the z vectors, layer by layer
        for b, w, sigma in self.layers():
            z = dense.matvec_plus(w, activation, b)
            zs.append(z)
            activation = sigma.fn(z)
            activations.append(activation)
        # backward pass
        delta = self.cost.delta(zs[-1], activations[-1], y)            # BP1
        nabla_b[-1] = delta                                             # BP3
        nabla_w[-1] = outer(delta, activations[-2])                     # BP4
        # Here l = 1 means the last layer of neurons, l = 2 the
        # second-last, and so on, as in the book's code.
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = self.activation.prime(z)
            delta = hadamard(dense.vecmat_each([delta], self.weights[-l + 1])[0], sp)  # BP2
            nabla_b[-l] = delta                                         # BP3
            nabla_w[-l] = outer(delta, activations[-l - 1])             # BP4
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        """Return the vector of partial derivatives dC_x/da for the output
        activations, for the quadratic cost: a - y."""
        return sub(output_activations, y)

    # -- measuring ----------------------------------------------------------

    def evaluate(self, test_data, workers=1):
        """Return the number of test inputs for which the network outputs
        the correct result.

        ``test_data`` is pairs ``(x, label)``; the network's answer is the
        index of the output neuron with the highest activation.
        ``workers`` > 1 shares the data out among processes (exact).
        """
        test_data = check_labelled_data(self.sizes, test_data, "test_data")
        return int(sum(processes.each(self.hits, test_data, workers)))

    def accuracy(self, data, convert=False, workers=1):
        """Return the number of inputs in ``data`` for which the network outputs the correct result.

        As in network2: ``convert`` should be False for validation or test
        data (int labels) and True for training data (one-hot labels).
        Either kind of label is understood whatever the flag says.
        ``workers`` > 1 shares the data out among processes (exact).
        """
        data = check_measured_data(self.sizes, data, "data")
        return int(sum(processes.each(self.hits, data, workers)))

    def hits(self, data):
        """Return 1.0 for each example (x, label or one-hot y) the network gets right, else 0.0."""
        return [float(argmax(self.feedforward(x)) == (y if isinstance(y, int) else argmax(y)))
                for x, y in data]

    def total_cost(self, data, lmbda=0.0, convert=False, workers=1):
        """Return the total cost for ``data``: the mean of cost.fn over the
        examples plus the L2 term 0.5 * (lmbda/n) * sum w^2, as in
        chapter 3's regularised cost C = C0 + (lmbda/2n) sum_w w^2.

        As in network2: ``convert`` should be False for training data
        (one-hot labels) and True for validation or test data (int
        labels); either kind of label is understood.  ``workers`` > 1
        shares the examples out among processes; the same float comes out.
        """
        data = check_measured_data(self.sizes, data, "data")
        if not data:
            raise ArgumentError("total_cost needs at least one example")
        check_nonnegative(lmbda, "lmbda")
        cost = math.fsum(processes.each(self.costs, data, workers)) / len(data)
        squares = math.fsum(sumprod(row, row) for w in self.weights for row in w)
        return cost + 0.5 * (lmbda / len(data)) * squares

    def costs(self, data):
        """Return cost.fn for each example (x, y), y one-hot or an int label."""
        size = self.sizes[-1]
        return [self.cost.fn(self.feedforward(x), one_hot(y, size) if isinstance(y, int) else y)
                for x, y in data]

    # -- saving -------------------------------------------------------------

    def save(self, filename, metadata=None):
        """Save the network to ``filename`` as JSON, in network2's format; return None.

        The keys "sizes", "weights", "biases" (as one-element lists, numpy's
        column vectors) and "cost" are exactly network2.save's, so the
        book's ``network2.load`` reads the file.  pureml adds "activation"
        and, if given, a "metadata" dict.  The write is atomic.
        """
        networkfile.write(filename, self.sizes, self.weights, self.biases, self.cost.name,
                          self.activation.name, metadata)


def load(filename, network_class=None):
    """Load a network saved by ``Network.save`` (or by the book's network2.save).

    Returns a ``Network`` (or an instance of ``network_class``, a subclass
    such as ``pureml.network2.Network``) built from the file's own numbers,
    every one checked first (pureml.data.networkfile); nothing is drawn at
    random.  A malformed file raises ModelFileError naming the file.
    """
    weights, biases, cost, activation = networkfile.read(filename, COSTS, ACTIVATIONS)
    return (network_class or Network).from_parameters(weights, biases, cost,
                                                     activation=activation)
