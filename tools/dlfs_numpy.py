"""Deep Learning from Scratch's own numpy TwoLayerNet, to time and check pureml against.

This is one of the two scripts in the project that use numpy, and only to
run the book's code beside pureml's; numpy is never a dependency of
pureml.  Run it from the project's root in a throwaway virtual
environment that has numpy:

    python3 -m venv npvenv && npvenv/bin/pip install numpy
    PUREML_DATA=DIR npvenv/bin/python -m tools.dlfs_numpy --iters 10000

It runs chapter 5's train_neuralnet.py (TwoLayerNet(784, 50, 10), batches
of 100 drawn with replacement, SGD with lr 0.1) and prints the time and the
final train and test accuracy.  ``tools.bench --dlfs`` imports
``train_neuralnet`` from here to time numpy in the same run as pureml.

The classes below are the book's ch05/two_layer_net.py and
common/layers.py (MIT licence, github.com/oreilly-japan/deep-learning-from-scratch),
with only what train_neuralnet.py uses; their arithmetic is untouched.
The data is pureml's load_mnist turned into arrays.
"""

import argparse
import json
import os
import sys
import time
from collections import OrderedDict

# One thread, as the README's comparison states: numpy's BLAS reads these
# when it is first imported, and would otherwise use both cores.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402  (after the thread settings above)

from pureml.mnist import load_mnist


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)   # overflow guard
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        dx = dout
        return dx


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x
        out = np.dot(self.x, self.W) + self.b
        return out

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        dx = dx.reshape(*self.original_x_shape)
        return dx


class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:
            dx = (self.y - self.t) / batch_size
        else:
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
            dx = dx / batch_size
        return dx


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)
        self.layers = OrderedDict()
        self.layers['Affine1'] = Affine(self.params['W1'], self.params['b1'])
        self.layers['Relu1'] = Relu()
        self.layers['Affine2'] = Affine(self.params['W2'], self.params['b2'])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        accuracy = np.sum(y == t) / float(x.shape[0])
        return accuracy

    def gradient(self, x, t):
        self.loss(x, t)
        dout = 1
        dout = self.lastLayer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        grads = {}
        grads['W1'], grads['b1'] = self.layers['Affine1'].dW, self.layers['Affine1'].db
        grads['W2'], grads['b2'] = self.layers['Affine2'].dW, self.layers['Affine2'].db
        return grads


def as_arrays(data):
    """Return pureml's load_mnist(one_hot_label=True) lists as the book's float32 arrays."""
    (x_train, t_train), (x_test, t_test) = data
    return ((np.array(x_train, dtype=np.float32), np.array(t_train, dtype=np.float32)),
            (np.array(x_test, dtype=np.float32), np.array(t_test, dtype=np.float32)))


def numerical_gradient(f, x):
    """common/gradient.py's numerical_gradient: central differences, h = 1e-4."""
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


def gradient_check(arrays, seed=1):
    """Run ch05/gradient_check.py; return {key: mean |backprop - numerical|}."""
    (x_train, t_train), _ = arrays
    np.random.seed(seed)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    x_batch, t_batch = x_train[:3], t_train[:3]
    grad_backprop = network.gradient(x_batch, t_batch)
    loss_W = lambda W: network.loss(x_batch, t_batch)      # noqa: E731 (the book's)
    return {key: float(np.average(np.abs(grad_backprop[key]
                                         - numerical_gradient(loss_W, network.params[key]))))
            for key in ('W1', 'b1', 'W2', 'b2')}


def train_neuralnet(arrays, iters_num=10000, seed=1, evaluate=True):
    """Run ch05/train_neuralnet.py's loop; return (seconds for the iterations, train acc, test acc).

    The per-epoch accuracy prints are left out and the accuracy measured
    once at the end, so that the time is the training's alone.
    """
    (x_train, t_train), (x_test, t_test) = arrays
    np.random.seed(seed)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1
    start = time.perf_counter()
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ('W1', 'b1', 'W2', 'b2'):
            network.params[key] -= learning_rate * grad[key]
    seconds = time.perf_counter() - start
    if not evaluate:
        return seconds, None, None
    return seconds, network.accuracy(x_train, t_train), network.accuracy(x_test, t_test)


def main(argv=None):
    """Train the book's numpy TwoLayerNet and print its time and accuracy; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--iters", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1,
                        help="train this many times, timing each (default 1)")
    parser.add_argument("--json", action="store_true",
                        help="print the times (and accuracies) as JSON, for tools.bench_dlfs")
    parser.add_argument("--gradient-check", action="store_true",
                        help="run ch05/gradient_check.py instead and print its four differences")
    args = parser.parse_args(argv)
    arrays = as_arrays(load_mnist(args.data, one_hot_label=True))
    if args.gradient_check:
        print(" ".join("%s:%.2g" % item for item in gradient_check(arrays, args.seed).items()))
        return 0
    runs = [train_neuralnet(arrays, args.iters, args.seed + r, evaluate=not args.json)
            for r in range(args.repeat)]
    if args.json:
        print(json.dumps({"numpy": np.__version__, "iters": args.iters,
                          "seconds": [seconds for seconds, _, _ in runs]}))
        return 0
    for seconds, train_acc, test_acc in runs:
        print("numpy %s: %d iterations in %.2f s; train acc %.4f, test acc %.4f"
              % (np.__version__, args.iters, seconds, train_acc, test_acc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
