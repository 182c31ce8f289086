"""Train pureml and the book's own numpy network.py from the same start, and compare.

This is the one script in the project that uses numpy, and only to run the
book's code beside pureml's; numpy is never a dependency of pureml.  Run it
from the project's root in a throwaway virtual environment:

    python3 -m venv npvenv && npvenv/bin/pip install numpy
    PUREML_DATA=DIR npvenv/bin/python -m tools.compare_numpy --images 3000 --epochs 2

Both networks start from pureml's initial weights for ``--seed`` and see the
same mini-batches (each shuffles with its own copy of the same
``random.Random``).  After each epoch it prints both test accuracies, the
largest difference between their weights, and the time each took, so it is
also the measurement of the book's numpy code in tools/README.md's speed tables.

The ``BookNetwork`` class below is Michael Nielsen's network.py (MIT
licence, github.com/mnielsen/neural-networks-and-deep-learning), ported to
Python 3 with its arithmetic untouched; it takes given initial weights and
a given ``random.Random`` instead of drawing its own.
"""

import argparse
import json
import random
import sys
import time
import warnings

import numpy as np

from pureml import mnist, network


class BookNetwork:
    """network.py from the book: per-example backprop, summed over each mini-batch."""

    def __init__(self, sizes, weights, biases, rng):
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.biases = [np.array(b, dtype=float).reshape(-1, 1) for b in biases]
        self.weights = [np.array(w, dtype=float) for w in weights]
        self.rng = rng

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def SGD(self, training_data, epochs, mini_batch_size, eta):
        training_data = list(training_data)
        n = len(training_data)
        for _ in range(epochs):
            self.rng.shuffle(training_data)
            mini_batches = [training_data[k:k + mini_batch_size]
                            for k in range(0, n, mini_batch_size)]
            for mini_batch in mini_batches:
                self.update_mini_batch(mini_batch, eta)

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def evaluate(self, test_data):
        test_results = [(np.argmax(self.feedforward(x)), y) for (x, y) in test_data]
        return sum(int(x == y) for (x, y) in test_results)

    def cost_derivative(self, output_activations, y):
        return output_activations - y


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def time_book_epoch(sizes, images, data_root=None, seed=2):
    """Return the seconds the book's network.py takes for one epoch on the first ``images`` images.

    The same network (pureml's initial weights for ``seed``) and the same
    settings as tools/bench.py's: mini-batches of 10, eta 3.0.
    """
    warnings.simplefilter("ignore", RuntimeWarning)
    training, _validation, _test = mnist.load_data_wrapper(data_root)
    training = training[:images]
    pure = network.Network(sizes, seed=seed)
    book = BookNetwork(sizes, pure.weights, pure.biases, random.Random(seed))
    np_training = [(np.array(x).reshape(-1, 1), np.array(y).reshape(-1, 1))
                   for x, y in training]
    start = time.perf_counter()
    book.SGD(np_training, 1, 10, 3.0)
    return time.perf_counter() - start


def main(argv=None):
    """Train both networks epoch by epoch and print the comparison; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--sizes", default="784,30,10")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--images", type=int, default=50000, help="training images used")
    parser.add_argument("--eta", type=float, default=3.0)
    parser.add_argument("--book-only", action="store_true",
                        help="train only the book's network (from pureml's initial weights)")
    parser.add_argument("--time-epoch", action="store_true",
                        help="only time one epoch of the book's network on --images images "
                             "and print {\"seconds\": ...} (for tools.bench_workers)")
    args = parser.parse_args(argv)
    sizes = [int(v) for v in args.sizes.split(",")]
    if args.time_epoch:
        print(json.dumps({"seconds": time_book_epoch(sizes, args.images, args.data)}))
        return 0
    # The book's sigmoid overflows in np.exp for large negative z, as it always did.
    warnings.simplefilter("ignore", RuntimeWarning)

    training, _validation, test = mnist.load_data_wrapper(args.data)
    training = training[:args.images]
    pure = network.Network(sizes, seed=args.seed)
    rng = random.Random()
    rng.setstate(pure.rng.getstate())
    book = BookNetwork(sizes, pure.weights, pure.biases, rng)
    np_training = [(np.array(x).reshape(-1, 1), np.array(y).reshape(-1, 1)) for x, y in training]
    np_test = [(np.array(x).reshape(-1, 1), y) for x, y in test]
    print("%s, seed %d, %d training images, eta %g, mini-batches of 10; numpy %s"
          % (sizes, args.seed, len(training), args.eta, np.__version__))
    best = 0
    for j in range(args.epochs):
        start = time.perf_counter()
        book.SGD(np_training, 1, 10, args.eta)
        book_seconds = time.perf_counter() - start
        if args.book_only:
            correct = book.evaluate(np_test)
            best = max(best, correct)
            print("epoch %d: book %d / %d (best so far %d); book %.1f s"
                  % (j, correct, len(test), best, book_seconds), flush=True)
            continue
        start = time.perf_counter()
        pure.SGD(training, 1, 10, args.eta, verbose=False)
        pure_seconds = time.perf_counter() - start
        difference = max(float(np.max(np.abs(np.array(w) - bw)))
                         for w, bw in zip(pure.weights, book.weights))
        print("epoch %d: book %d, pureml %d / %d; max |w_pureml - w_book| = %.2g; "
              "book %.1f s, pureml %.1f s" % (j, book.evaluate(np_test), pure.evaluate(test),
                                              len(test), difference, book_seconds,
                                              pure_seconds), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
