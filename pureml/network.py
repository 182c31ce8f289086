"""The network of Nielsen's network.py and network2.py, in pure Python.

A module to implement the stochastic gradient descent learning algorithm
for a feedforward neural network.  Gradients are calculated using
backpropagation.  The names are the book's: ``sizes``, ``weights``,
``biases``, ``zs``, ``activations``, ``delta``, ``nabla_b``, ``nabla_w``,
``eta`` and ``lmbda``.

Vectors are lists of floats and a weight matrix is a list of rows, so
``weights[l][j][k]`` is the weight from neuron k in layer l to neuron j in
layer l+1, and ``biases[l][j]`` is the bias of neuron j in layer l+1.  The
arithmetic lives in ``pureml.matrix``.

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
import time

from pureml import matrix
from pureml.data import modelfile
from pureml.parallel import sgd, processes
from pureml.activations import (ACTIVATIONS, ReLU, Sigmoid, Tanh,  # noqa: F401
                                sigmoid, sigmoid_prime)
from pureml.costs import (COSTS, CrossEntropyCost, LogLikelihoodCost,  # noqa: F401
                          QuadraticCost)
from pureml.arguments import (check_count, check_input, check_labelled_data,
                              check_measured_data, check_mini_batch, check_momentum,
                              check_nonnegative, check_positive, check_sizes, check_target,
                              check_training_data, lookup, one_hot)
from pureml.errors import DivergenceError, ModelFileError, ArgumentError
from pureml.monitor import History, Monitor

__all__ = ["Network", "load", "sigmoid", "sigmoid_prime", "QuadraticCost",
           "CrossEntropyCost", "LogLikelihoodCost", "Sigmoid", "Tanh", "ReLU",
           "ArgumentError", "DivergenceError", "ModelFileError", "History",
           "WEIGHT_INITIALIZERS"]


#: The weight initialisers, by the name the constructor's keyword takes.
WEIGHT_INITIALIZERS = ("large", "default", "he")


class Network:
    """A feedforward network of fully connected layers, trained by SGD."""

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
        copied, and "sizes" follows from them.  This is how ``load`` builds
        a network: from the file's own numbers.
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
            raise ArgumentError("rng must be a random.Random, not %s"
                               % type(rng).__name__)
        self.rng = rng if rng is not None else random.Random(seed)
        self._velocities = None

    # -- initialisation (network2's names) ---------------------------------

    def large_weight_initializer(self):
        """Draw every weight and bias from N(0, 1), as network.py does; return None.

        Large weights saturate the sigmoid neurons and slow learning down
        (chapter 3); this is kept as the seed's behaviour.
        """
        self.biases = [matrix.gaussian(self.rng, y) for y in self.sizes[1:]]
        self.weights = [matrix.gaussian(self.rng, y, x)
                        for x, y in zip(self.sizes[:-1], self.sizes[1:])]
        self._velocities = None

    def default_weight_initializer(self):
        """Draw weights from N(0, 1/n_in) and biases from N(0, 1), as network2 does; return None."""
        self.biases = [matrix.gaussian(self.rng, y) for y in self.sizes[1:]]
        self.weights = [matrix.gaussian(self.rng, y, x, sigma=1.0 / math.sqrt(x))
                        for x, y in zip(self.sizes[:-1], self.sizes[1:])]
        self._velocities = None

    def he_weight_initializer(self):
        """Draw weights from N(0, 2/n_in) with zero biases (He et al., 2015); return None.

        This keeps the variance of ReLU layers' outputs steady from layer to layer.
        """
        self.biases = [matrix.zeros(y) for y in self.sizes[1:]]
        self.weights = [matrix.gaussian(self.rng, y, x, sigma=math.sqrt(2.0 / x))
                        for x, y in zip(self.sizes[:-1], self.sizes[1:])]
        self._velocities = None

    # -- the forward pass --------------------------------------------------

    def _layers(self):
        """Return (b, w, sigma) for each layer after the input: hidden layers, then the output layer."""
        sigmas = [self.activation] * (self.num_layers - 2) + [self.cost.output_activation]
        return zip(self.biases, self.weights, sigmas)

    def feedforward(self, a):
        """Return the output of the network if ``a`` is input.

        Each layer computes a' = sigma(w a + b): chapter 1's equation 22,
        a^l = sigma(w^l a^{l-1} + b^l) in chapter 2's notation.
        """
        check_input(self.sizes, a)
        for b, w, sigma in self._layers():
            a = sigma.fn(matrix.affine(w, a, b))
        return a

    # -- learning ----------------------------------------------------------

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None, *,
            lmbda=0.0, mu=0.0, evaluation_data=None,
            monitor_evaluation_cost=False, monitor_evaluation_accuracy=False,
            monitor_training_cost=False, monitor_training_accuracy=False,
            early_stopping_n=0, eta_schedule_n=0,
            verbose=True, on_epoch=None, on_batch=None, workers=1):
        """Train the network using mini-batch stochastic gradient descent.

        ``training_data`` is any iterable of pairs ``(x, y)``: the input x
        and the desired output y, a one-hot list.  ``test_data``, if given,
        is pairs ``(x, label)`` with an int label; the network is evaluated
        on it after each epoch and "Epoch j: correct / n" printed, exactly
        as network.py does (otherwise "Epoch j complete").  The caller's
        data is never shuffled in place.

        From network2: ``lmbda`` is the L2 regularisation parameter;
        ``evaluation_data`` (pairs with int labels, like test_data, which it
        defaults to) and the four ``monitor_*`` flags choose what is
        measured each epoch.  The return value is network2's four lists
        (evaluation cost, evaluation accuracy, training cost, training
        accuracy), as a ``History`` namedtuple; accuracies are counts of
        correct examples, as in network2.

        Beyond network2: ``mu`` is the momentum coefficient (chapter 3's
        momentum-based gradient descent); ``early_stopping_n`` stops when
        the evaluation accuracy has not improved for that many epochs;
        ``eta_schedule_n`` halves eta whenever the evaluation accuracy has
        not improved for that many epochs, and stops when eta has fallen to
        eta/128 (chapter 3's learning-rate schedule).

        ``verbose=False`` silences the printing.  ``on_epoch(record)`` is
        called after each epoch with a dict of what was measured and
        decided: "epoch", "eta" (used in the epoch), "seconds",
        "test_correct" and "test_total" (with test_data),
        "evaluation_accuracy", "history" (the lists so far), "notes" (the
        lines about early stopping or eta, as printed), "stopped",
        "stop_reason" (None, or why training stops) and "next_eta".
        ``on_batch(done, total, cost)`` is called after each mini-batch
        with the images done so far in the epoch, the epoch's total, and
        the mini-batch's mean cost before its update.

        ``workers`` (an int, or "auto" for the usable cores where that pays)
        shares the first layer's neurons among that many processes
        (pureml.parallel.sgd): the weights come out the same, bit for bit.

        Raises DivergenceError naming the epoch if the weights become NaN
        or infinite.
        """
        training_data = check_training_data(self.sizes, training_data)
        workers = processes.resolve_workers(workers, self.sizes)
        epochs = check_count(epochs, "epochs", minimum=0)
        mini_batch_size = check_count(mini_batch_size, "mini_batch_size", minimum=1)
        eta = check_positive(eta, "eta")
        lmbda = check_nonnegative(lmbda, "lmbda")
        mu = check_momentum(mu)
        early_stopping_n = check_count(early_stopping_n, "early_stopping_n", minimum=0)
        eta_schedule_n = check_count(eta_schedule_n, "eta_schedule_n", minimum=0)
        if test_data is not None:
            test_data = check_labelled_data(self.sizes, test_data, "test_data")
        if evaluation_data is not None:
            evaluation_data = check_labelled_data(self.sizes, evaluation_data, "evaluation_data")
        else:
            evaluation_data = test_data
        needs_evaluation = (monitor_evaluation_cost or monitor_evaluation_accuracy
                            or early_stopping_n or eta_schedule_n)
        if needs_evaluation and evaluation_data is None:
            raise ArgumentError("monitoring, early stopping and the eta schedule "
                               "need evaluation_data (or test_data)")

        monitor = Monitor(self, training_data, test_data, evaluation_data, eta, lmbda,
                          monitor_evaluation_cost, monitor_evaluation_accuracy,
                          monitor_training_cost, monitor_training_accuracy,
                          early_stopping_n, eta_schedule_n, verbose, on_epoch)
        n = len(training_data)
        self._velocities = None
        # The inputs never change, so pureml.matrix finds their nonzero entries
        # once; with workers, the processes share the first layer's neurons.
        inputs = (x for data in (training_data, test_data, evaluation_data)
                  if data is not None for x, _ in data)
        with matrix.fixed_inputs(inputs), sgd.training(
                self, training_data, epochs, mini_batch_size, eta, lmbda, mu, workers) as split:
            for j in range(epochs):
                start = time.perf_counter()
                eta = monitor.eta               # the eta schedule may have halved it
                self.rng.shuffle(training_data)
                mini_batches = [
                    training_data[k:k + mini_batch_size]
                    for k in range(0, n, mini_batch_size)]
                done = 0
                for number, mini_batch in enumerate(mini_batches):
                    # The data and arguments were checked once, above.
                    batch_cost = self._update_mini_batch(
                        [x for x, _ in mini_batch], [y for _, y in mini_batch],
                        eta, lmbda, n, mu, on_batch is not None, split)
                    if not math.isfinite(sum(self.biases[-1])):
                        self._diverged(j, eta, "mini-batch %d" % number)
                    done += len(mini_batch)
                    if on_batch is not None:
                        on_batch(done, n, batch_cost)
                if split is not None:
                    split.gather(self)          # the whole network, before it is measured
                if not self._is_finite():
                    self._diverged(j, eta, "the end of the epoch")
                stop = monitor.end_of_epoch(j, start)      # measure, report, decide
                if split is not None:
                    split.decide(stop, monitor.eta)
                if stop:
                    break
        return monitor.history

    def update_mini_batch(self, mini_batch, eta, lmbda=0.0, n=None, mu=0.0,
                          return_cost=False):
        """Update the weights and biases by gradient descent on one mini-batch.

        ``mini_batch`` is a list of pairs ``(x, y)`` and ``eta`` the
        learning rate.  This is network.py's update, computed the way the
        book's chapter 2 suggests: the whole mini-batch at once, as matrix
        products, rather than one ``backprop`` per example.  The result is
        the same (the tests prove it): each weight moves by
        -(eta/m) * sum_x nabla_w^x.

        ``lmbda`` and ``n`` (the size of the whole training set) add
        network2's L2 weight decay; ``mu`` adds momentum, keeping a velocity
        for every weight: v -> mu*v - eta*grad C, w -> w + v.

        Returns None, or the mini-batch's mean cost (without the
        regularisation term) when ``return_cost`` is true.
        """
        xs, ys = check_mini_batch(self.sizes, mini_batch)
        eta = check_positive(eta, "eta")
        lmbda = check_nonnegative(lmbda, "lmbda")
        mu = check_momentum(mu)
        if lmbda and not (isinstance(n, int) and n > 0):
            raise ArgumentError("L2 regularisation needs n, the size of the "
                               "training set, as a positive int; got %r" % (n,))
        return self._update_mini_batch(xs, ys, eta, lmbda, n, mu, return_cost)

    def _update_mini_batch(self, xs, ys, eta, lmbda, n, mu, return_cost, split=None):
        """Do update_mini_batch's work for the inputs xs and targets ys, already checked.

        SGD calls this directly, having checked its data and arguments once
        rather than once per mini-batch.  Returns what update_mini_batch does.
        With ``split`` (pureml.parallel.sgd), layer 1's neurons are shared out
        among processes: this one computes its neurons' z and activations,
        the split collects everyone's activations, and this one carries the
        error back to (BP2) and moves only its own neurons.
        """
        m = len(xs)
        # Feedforward, every example at once: zs[l] and activations[l] hold
        # one vector per example.
        activations = [xs]
        zs = []
        for b, w, sigma in self._layers():
            if split is not None and not zs:
                z, a = split.first_layer(w, activations[-1], b, sigma)    # z: its neurons'
            else:
                z = matrix.affine_rows(w, activations[-1], b)
                a = [sigma.fn(zx) for zx in z]
            zs.append(z)
            activations.append(a)
        # BP1, for every example.
        deltas = [self.cost.delta(z, a, y) for z, a, y in zip(zs[-1], activations[-1], ys)]
        # Backward pass.  Before layer l's weights move, they carry the
        # error back to layer l-1 (BP2); then BP3 and BP4, summed over the
        # mini-batch, move them.
        velocities = self._momentum_velocities(mu)
        for l in range(1, self.num_layers):
            w, b = self.weights[-l], self.biases[-l]
            if l < self.num_layers - 1:
                to = split.columns(w) if split is not None and l == self.num_layers - 2 else w
                back = matrix.transpose_matvec_rows(to, deltas)
                previous = [matrix.hadamard(wd, self.activation.prime(z))
                            for wd, z in zip(back, zs[-l - 1])]
            step = split.step if split is not None and l == self.num_layers - 1 else self._step
            step(w, b, deltas, activations[-l - 1], eta / m,
                 eta * lmbda / n if lmbda else 0.0, mu, velocities[-l] if velocities else None)
            if l < self.num_layers - 1:
                deltas = previous
        if return_cost:
            return math.fsum(map(self.cost.fn, activations[-1], ys)) / m
        return None

    def _step(self, w, b, deltas, inputs, rate, decay, mu, velocity):
        """Move one layer's w and b by gradient descent; return None.

        Without momentum: w -> (1 - decay) w - rate * sum_x delta_x a_x^T and
        b -> b - rate * sum_x delta_x.  With momentum mu, the velocities
        take that step instead and the weights move by them.
        """
        if velocity is None:
            if decay:
                matrix.scale_in_place(w, 1.0 - decay)
            matrix.add_outer_products(w, -rate, deltas, inputs)
            matrix.add_row_sums(b, -rate, deltas)
            return
        v_w, v_b = velocity
        matrix.scale_in_place(v_w, mu)
        matrix.scale_in_place([v_b], mu)
        if decay:
            matrix.add_scaled_in_place(v_w, -decay, w)
        matrix.add_outer_products(v_w, -rate, deltas, inputs)
        matrix.add_row_sums(v_b, -rate, deltas)
        matrix.add_scaled_in_place(w, 1.0, v_w)
        matrix.add_scaled_in_place([b], 1.0, [v_b])

    def _momentum_velocities(self, mu):
        """Return the per-layer (v_w, v_b) velocities, created at zero if needed, or None without momentum."""
        if not mu:
            return None
        if self._velocities is None:
            self._velocities = [(matrix.zeros(len(w), len(w[0])), matrix.zeros(len(b)))
                                for w, b in zip(self.weights, self.biases)]
        return self._velocities

    def backprop(self, x, y):
        """Return a tuple ``(nabla_b, nabla_w)`` representing the gradient of
        the cost function C_x for the single example (x, y).

        ``nabla_b`` and ``nabla_w`` are layer-by-layer lists shaped like
        ``self.biases`` and ``self.weights``.  This is the book's
        per-example backpropagation, equations BP1 to BP4.
        """
        check_input(self.sizes, x)
        check_target(self.sizes, y)
        nabla_b = [None] * (self.num_layers - 1)
        nabla_w = [None] * (self.num_layers - 1)
        # feedforward
        activation = x
        activations = [x]  # list to store all the activations, layer by layer
        zs = []  # list to store all the z vectors, layer by layer
        for b, w, sigma in self._layers():
            z = matrix.affine(w, activation, b)
            zs.append(z)
            activation = sigma.fn(z)
            activations.append(activation)
        # backward pass
        delta = self.cost.delta(zs[-1], activations[-1], y)            # BP1
        nabla_b[-1] = delta                                             # BP3
        nabla_w[-1] = matrix.outer(delta, activations[-2])              # BP4
        # Here l = 1 means the last layer of neurons, l = 2 the
        # second-last, and so on, as in the book's code.
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = self.activation.prime(z)
            delta = matrix.hadamard(
                matrix.transpose_matvec(self.weights[-l + 1], delta), sp)  # BP2
            nabla_b[-l] = delta                                         # BP3
            nabla_w[-l] = matrix.outer(delta, activations[-l - 1])      # BP4
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        """Return the vector of partial derivatives dC_x/da for the output
        activations, for the quadratic cost: a - y."""
        return matrix.sub(output_activations, y)

    # -- measuring ----------------------------------------------------------

    def evaluate(self, test_data, workers=1):
        """Return the number of test inputs for which the network outputs
        the correct result.

        ``test_data`` is pairs ``(x, label)``; the network's answer is the
        index of the output neuron with the highest activation.
        ``workers`` > 1 shares the data out among processes (exact).
        """
        test_data = check_labelled_data(self.sizes, test_data, "test_data")
        if workers != 1:
            return self.accuracy(test_data, workers=workers)
        return sum(int(matrix.argmax(self.feedforward(x)) == label)
                   for (x, label) in test_data)

    def accuracy(self, data, convert=False, workers=1):
        """Return the number of inputs in ``data`` for which the network outputs the correct result.

        As in network2: ``convert`` should be False for validation or test
        data (int labels) and True for training data (one-hot labels).
        Either kind of label is understood whatever the flag says.
        ``workers`` > 1 shares the data out among processes (exact).
        """
        data = check_measured_data(self.sizes, data, "data")     # here, not in a worker
        hits = processes.measure(self._hits, data, processes.resolve_data_workers(workers))
        return int(sum(hits))

    def _hits(self, data):
        """Return 1.0 for each example (x, label or one-hot y) the network gets right, else 0.0."""
        return [float(matrix.argmax(self.feedforward(x)) ==
                      (y if isinstance(y, int) else matrix.argmax(y))) for x, y in data]

    def total_cost(self, data, lmbda=0.0, convert=False, workers=1):
        """Return the total cost for ``data``: the mean of cost.fn over the
        examples plus the L2 term 0.5 * (lmbda/n) * sum w^2, as in
        chapter 3's regularised cost C = C0 + (lmbda/2n) sum_w w^2.

        As in network2: ``convert`` should be False for training data
        (one-hot labels) and True for validation or test data (int
        labels); either kind of label is understood.  ``workers`` > 1
        shares the examples out among processes; their costs are added in
        the same order, so the result is the same float.
        """
        data = check_measured_data(self.sizes, data, "data")     # here, not in a worker
        if not data:
            raise ArgumentError("total_cost needs at least one example")
        lmbda = check_nonnegative(lmbda, "lmbda")
        cost = 0.0
        for c in processes.measure(self._costs, data, processes.resolve_data_workers(workers)):
            cost += c
        cost /= len(data)
        squares = math.fsum(matrix.sumprod(row, row) for w in self.weights for row in w)
        return cost + 0.5 * (lmbda / len(data)) * squares

    def _costs(self, data):
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
        data = {"sizes": self.sizes,
                "weights": self.weights,
                "biases": [[[bj] for bj in b] for b in self.biases],
                "cost": self.cost.name,
                "activation": self.activation.name}
        if metadata is not None:
            data["metadata"] = metadata
        modelfile.write_json(filename, data)

    # -- checking -------------------------------------------------------------

    def _is_finite(self):
        """Return True if every weight and bias is a finite number."""
        return all(math.isfinite(sum(row)) for w in self.weights for row in w) and \
            all(math.isfinite(sum(b)) for b in self.biases)

    def _diverged(self, epoch, eta, where):
        """Raise DivergenceError for training that went non-finite in ``epoch``."""
        raise DivergenceError(
            "training diverged in epoch {0} (at {1}): the weights became NaN or "
            "infinite with eta={2}; try a smaller eta".format(epoch, where, eta))


# ---------------------------------------------------------------------------
# Loading a saved network
# ---------------------------------------------------------------------------

def load(filename, network_class=None):
    """Load a network saved by ``Network.save`` (or by the book's network2.save).

    Returns a ``Network`` (or an instance of ``network_class``, a subclass
    such as ``pureml.network2.Network``), built from the file's own
    numbers: the keys, the shape of every layer's weights and biases
    against "sizes" and every number are checked before anything is
    allocated in proportion to "sizes", and nothing is drawn at random.
    Biases may be column vectors ([[b0], [b1], ...], as network2 writes
    them) or flat lists.  Anything else raises ModelFileError naming the
    file, the layer, what the file holds and what "sizes" claims.
    """
    name = str(filename)
    data = modelfile.read_json(filename)
    modelfile.require_keys(data, ("sizes", "weights", "biases", "cost"), name)
    sizes = data["sizes"]
    if not isinstance(sizes, list):
        raise ModelFileError("%s: 'sizes' should be a list of layer sizes such as [784, 30, 10], "
                             "not %s" % (name, modelfile.kind(sizes)))
    odd = [size for size in sizes if isinstance(size, bool) or not isinstance(size, int)]
    if odd:
        raise ModelFileError("%s: 'sizes' should be a list of layer sizes such as [784, 30, 10]; "
                             "layer sizes must be ints, not %s" % (name, modelfile.kind(odd[0])))
    try:
        sizes = check_sizes(sizes)
    except ArgumentError as e:
        raise ModelFileError("%s: %s" % (name, e)) from None
    cost = modelfile.name_in(data["cost"], COSTS, "cost", "cost", name)
    activation = modelfile.name_in(data.get("activation", "sigmoid"), ACTIVATIONS,
                                   "activation", "activation", name)
    layers = len(sizes) - 1
    for key in ("weights", "biases"):
        if not isinstance(data[key], list) or len(data[key]) != layers:
            raise ModelFileError("%s: %r should be a list of %d layers for sizes %s, not %s"
                                 % (name, key, layers, sizes, "a list of %d" % len(data[key])
                                    if isinstance(data[key], list) else modelfile.kind(data[key])))
    weights, biases = [], []
    for l in range(layers):
        claim = "sizes %s says layer %%d has" % (sizes,)
        weights.append(modelfile.matrix(
            data["weights"][l], "weights[%d]" % l, name, shape=(sizes[l + 1], sizes[l]),
            claims=(claim % (l + 1), claim % l)))
        biases.append(modelfile.vector(data["biases"][l], "biases[%d]" % l, name,
                                       length=sizes[l + 1], columns=True,
                                       claim=claim % (l + 1)))
    return (network_class or Network).from_parameters(weights, biases, cost,
                                                     activation=activation)
