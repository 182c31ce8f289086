"""Deep Learning from Scratch's chapter 7 SimpleConvNet in numpy: the yardstick for pureml's conv net.

    python3 -m tools.conv_numpy --images 3000 --json        (needs numpy; one BLAS thread)

The book's im2col layers (Convolution, Pooling), Affine, Relu and
SoftmaxWithLoss, SimpleConvNet (30 filters of 5x5, 100 hidden ReLUs) and
Adam, written again here in numpy, as the book's code computes them, to
time the same training as pureml's side by side: batches of 100 drawn at
random (seed 1) from load_mnist's 60,000 training images, Adam with lr
0.001.  Only the timing is used; the numbers are not compared with pureml's.
"""

import argparse
import json
import os
import sys
import time

# One thread, as the comparison states: numpy's BLAS reads these at import.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402  (after the thread settings above)

from pureml import mnist  # noqa: E402


def im2col(x, fh, fw, stride, pad):
    """Return the (N * OH * OW) x (C * FH * FW) matrix of x's receptive fields."""
    n, c, h, w = x.shape
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    col = np.zeros((n, c, fh, fw, oh, ow))
    for y in range(fh):
        for z in range(fw):
            col[:, :, y, z, :, :] = img[:, :, y:y + stride * oh:stride, z:z + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def col2im(col, shape, fh, fw, stride, pad):
    """Return the images whose im2col would be ``col``, overlapping fields added up."""
    n, c, h, w = shape
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1))
    for y in range(fh):
        for z in range(fw):
            img[:, :, y:y + stride * oh:stride, z:z + stride * ow:stride] += col[:, :, y, z, :, :]
    return img[:, :, pad:h + pad, pad:w + pad]


class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad

    def forward(self, x):
        fn, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        oh, ow = (h + 2 * self.pad - fh) // self.stride + 1, (w + 2 * self.pad - fw) // self.stride + 1
        self.x, self.col = x, im2col(x, fh, fw, self.stride, self.pad)
        self.col_W = self.W.reshape(fn, -1).T
        out = self.col @ self.col_W + self.b
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        fn, c, fh, fw = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = dout.sum(axis=0)
        self.dW = (self.col.T @ dout).transpose(1, 0).reshape(fn, c, fh, fw)
        return col2im(dout @ self.col_W.T, self.x.shape, fh, fw, self.stride, self.pad)


class Pooling:
    def __init__(self, ph, pw, stride):
        self.ph, self.pw, self.stride = ph, pw, stride

    def forward(self, x):
        n, c, h, w = x.shape
        oh, ow = (h - self.ph) // self.stride + 1, (w - self.pw) // self.stride + 1
        col = im2col(x, self.ph, self.pw, self.stride, 0).reshape(-1, self.ph * self.pw)
        self.x, self.arg_max = x, col.argmax(axis=1)
        return col.max(axis=1).reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        size = self.ph * self.pw
        dmax = np.zeros((dout.size, size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dcol = dmax.reshape(dout.shape + (size,)).reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return col2im(dcol, self.x.shape, self.ph, self.pw, self.stride, 0)


class Relu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.shape, self.x = x.shape, x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return (dout @ self.W.T).reshape(*self.shape)


class SoftmaxWithLoss:
    def forward(self, x, t):
        x = x - x.max(axis=1, keepdims=True)
        self.y = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
        self.t = t
        return -np.log(self.y[np.arange(len(t)), t] + 1e-7).mean()

    def backward(self):
        dx = self.y.copy()
        dx[np.arange(len(self.t)), self.t] -= 1
        return dx / len(self.t)


class SimpleConvNet:
    def __init__(self, rng, std=0.01):
        self.params = {"W1": std * rng.standard_normal((30, 1, 5, 5)), "b1": np.zeros(30),
                       "W2": std * rng.standard_normal((4320, 100)), "b2": np.zeros(100),
                       "W3": std * rng.standard_normal((100, 10)), "b3": np.zeros(10)}
        p = self.params
        self.layers = [Convolution(p["W1"], p["b1"]), Relu(), Pooling(2, 2, 2),
                       Affine(p["W2"], p["b2"]), Relu(), Affine(p["W3"], p["b3"])]
        self.last = SoftmaxWithLoss()

    def gradient(self, x, t):
        for layer in self.layers:
            x = layer.forward(x)
        self.last.forward(x, t)
        dout = self.last.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        conv, affine1, affine2 = self.layers[0], self.layers[3], self.layers[5]
        return {"W1": conv.dW, "b1": conv.db, "W2": affine1.dW, "b2": affine1.db,
                "W3": affine2.dW, "b3": affine2.db}


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2, self.iter, self.m, self.v = lr, beta1, beta2, 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = {k: np.zeros_like(v) for k, v in params.items()}
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for k in params:
            self.m[k] += (1 - self.beta1) * (grads[k] - self.m[k])
            self.v[k] += (1 - self.beta2) * (grads[k] ** 2 - self.v[k])
            params[k] -= lr_t * self.m[k] / (np.sqrt(self.v[k]) + 1e-7)


def train(x, t, images, seed=1, warmup=300):
    """Return the seconds SimpleConvNet takes to train on ``images`` images, after a warm-up."""
    rng = np.random.default_rng(seed)
    net, optimizer = SimpleConvNet(rng), Adam()

    def steps(count):
        for _ in range(max(count // 100, 1)):
            mask = rng.integers(0, len(x), 100)
            optimizer.update(net.params, net.gradient(x[mask], t[mask]))
    steps(warmup)
    start = time.perf_counter()
    steps(images)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--images", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    (x, t), _ = mnist.load_mnist(args.data, flatten=False)
    x, t = np.array(x, dtype=np.float64), np.array(t)
    seconds = [train(x, t, args.images) for _ in range(args.repeat)]
    if args.json:
        print(json.dumps({"images": args.images, "seconds": seconds}))
    else:
        print("numpy SimpleConvNet: %s s for %d images" % (", ".join("%.2f" % s for s in seconds),
                                                            args.images))
    return 0


if __name__ == "__main__":
    sys.exit(main())
