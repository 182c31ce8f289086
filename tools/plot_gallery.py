"""Write one SVG of every kind of picture pureml draws, into a folder, for looking at them.

    python -m tools.plot_gallery --out gallery/
    python -m tools.plot_gallery --out gallery/ --data DIR     # real MNIST digits too

Each file is a figure of the kind the books draw (the sigmoid and step
curves, optimizers' paths over contour lines, a quiver, histograms in a
row, a grid of 16 small panels, a log axis, digits, filters, weight maps, a
confusion matrix, a prediction's outputs, training curves), made from small
computed or made-up numbers in a few seconds: a picture to check by eye,
not a result.  Without ``--data`` (or ``PUREML_DATA``) the digits are drawn
from simple strokes.
"""

import argparse
import math
import os
import random

from pureml.display import pictures, plot
from pureml.display.charts import Figure
from pureml.display.grids import ImageGrid
from pureml.layernet import TwoLayerNet
from pureml.mnist import MissingDataError, load_test_data
from pureml.monitor import History
from pureml.network import Network


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def functions():
    """DLFS sig_step_compare and Nielsen's sigmoid, step, tanh and ReLU, as two panels."""
    xs = [i / 10 for i in range(-50, 51)]
    fig = Figure(columns=2, title="Activation functions")
    ax = fig.panel("sigmoid and step", xlabel="x")
    ax.line(xs, [sigmoid(x) for x in xs], label="sigmoid")              # plt.plot(x, y1)
    ax.line(xs, [1.0 if x > 0 else 0.0 for x in xs], "k--", label="step")  # plt.plot(x, y2, 'k--')
    ax.ylim(-0.1, 1.1)                                                   # plt.ylim(-0.1, 1.1)
    ax = fig.panel("tanh and ReLU", xlabel="z", legend="upper left")
    ax.line(xs, [math.tanh(x) for x in xs], label="tanh")
    ax.line(xs, [max(0.0, x) for x in xs], dash=":", label="ReLU")
    ax.ylim(-1.0, 2.0)
    return fig


def smooth_curve(x):
    """A moving average (DLFS's smooth_curve uses a Kaiser window; this one is plain)."""
    k = 5
    return [sum(x[max(0, i - k):i + k + 1]) / len(x[max(0, i - k):i + k + 1])
            for i in range(len(x))]


def optimizer_losses():
    """DLFS optimizer_compare_mnist's figure shape: four losses with markers every 100."""
    rng = random.Random(1)
    fig = Figure(title="optimizer_compare_mnist (made-up losses)")
    ax = fig.panel(xlabel="iterations", ylabel="loss")
    markers = {"SGD": "o", "Momentum": "x", "AdaGrad": "s", "Adam": "D"}
    for k, (key, marker) in enumerate(markers.items()):
        rate = (0.001, 0.004, 0.006, 0.005)[k]
        loss = [2.3 * math.exp(-rate * i) + 0.05 + 0.08 * rng.random() for i in range(2000)]
        # plt.plot(x, smooth_curve(train_loss[key]), marker=markers[key], markevery=100, ...)
        ax.line(range(2000), smooth_curve(loss), markers=marker, markevery=100, label=key)
    ax.ylim(0, 1)
    return fig


def optimizer_paths():
    """DLFS optimizer_compare_naive: each optimizer's path over f(x, y) = x^2/20 + y^2."""
    def f(x, y):
        return x ** 2 / 20.0 + y ** 2

    def df(x, y):
        return x / 10.0, 2.0 * y

    def run(step):
        p, state, path = [-7.0, 2.0], {}, []
        for i in range(30):
            path.append(tuple(p))
            step(p, df(*p), state, i + 1)
        return path

    def sgd(p, g, s, t):
        for k in range(2):
            p[k] -= 0.95 * g[k]

    def momentum(p, g, s, t):
        v = s.setdefault("v", [0.0, 0.0])
        for k in range(2):
            v[k] = 0.9 * v[k] - 0.1 * g[k]
            p[k] += v[k]

    def adagrad(p, g, s, t):
        h = s.setdefault("h", [0.0, 0.0])
        for k in range(2):
            h[k] += g[k] * g[k]
            p[k] -= 1.5 * g[k] / (math.sqrt(h[k]) + 1e-7)

    def adam(p, g, s, t):
        m, v = s.setdefault("m", [0.0, 0.0]), s.setdefault("v", [0.0, 0.0])
        lr_t = 0.3 * math.sqrt(1.0 - 0.999 ** t) / (1.0 - 0.9 ** t)
        for k in range(2):
            m[k] += (1 - 0.9) * (g[k] - m[k])
            v[k] += (1 - 0.999) * (g[k] ** 2 - v[k])
            p[k] -= lr_t * m[k] / (math.sqrt(v[k]) + 1e-7)

    xs = [i / 10 for i in range(-100, 101)]
    ys = [i / 10 for i in range(-50, 51)]
    fig = Figure(columns=2, title="optimizer_compare_naive")
    for key, step in (("SGD", sgd), ("Momentum", momentum), ("AdaGrad", adagrad),
                      ("Adam", adam)):
        ax = fig.panel(key, xlabel="x", ylabel="y")              # plt.subplot(2, 2, idx)
        path = run(step)
        ax.path(path, "o-", color="red")                  # plt.plot(x_history, y_history, 'o-')
        ax.contour(lambda x, y: f(x, y) if f(x, y) <= 7 else 0.0, xs, ys)   # plt.contour(X, Y, Z)
        ax.line([0], [0], "+", color="k")                        # plt.plot(0, 0, '+')
        ax.xlim(-10, 10).ylim(-10, 10)
    return fig


def misleading_contours():
    """Nielsen fig/misleading_gradient_contours: x^2 + 10 y^2 at nine levels."""
    grid = [i / 50 for i in range(-50, 51)]
    ax = Figure(title="misleading_gradient_contours").panel(xlabel="w1", ylabel="w2")
    ax.contour(lambda x, y: x * x + 10 * y * y, grid, grid,
               levels=[0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    return ax


def quiver():
    """DLFS gradient_2d: the field of -grad f for f = x0^2 + x1^2."""
    points = [i * 0.25 - 2 for i in range(18)]
    X = [x for y in points for x in points]
    Y = [y for y in points for x in points]
    ax = Figure(title="gradient_2d").panel(xlabel="x0", ylabel="x1")
    # plt.quiver(X, Y, -grad[0], -grad[1], angles="xy", color="#666666")
    ax.arrows(X, Y, [-2 * x for x in X], [-2 * y for y in Y], color="#666666")
    ax.xlim(-2, 2).ylim(-2, 2)                                   # plt.xlim([-2, 2]) ...
    return ax


def activation_histograms():
    """DLFS weight_init_activation_histogram: five layers' sigmoid outputs, std 1."""
    rng = random.Random(0)
    x = [[rng.gauss(0, 1) for _ in range(100)] for _ in range(100)]
    fig = Figure(columns=5, title="weight_init_activation_histogram (100 inputs)")
    for i in range(5):
        w = [[rng.gauss(0, 1) for _ in range(100)] for _ in range(100)]
        x = [[sigmoid(sum(a * w[k][j] for k, a in enumerate(row))) for j in range(100)]
             for row in x]
        ax = fig.panel(str(i + 1) + "-layer")                      # plt.title(str(i+1) + "-layer")
        if i != 0:
            ax.yticks([])                                          # plt.yticks([], [])
        # plt.hist(a.flatten(), 30, range=(0,1))
        ax.histogram([a for row in x for a in row], 30, range=(0, 1))
    return fig


def sixteen_panels():
    """DLFS batch_norm_test's 4 x 4 grid of small panels, with made-up accuracies."""
    fig = Figure(columns=4, title="batch_norm_test (made-up curves)")
    for i in range(16):
        w = 10 ** (-4 * i / 15)
        ax = fig.panel("W:" + "%.3g" % w)
        bn = [1 - 0.9 * math.exp(-(e + 1) * 0.3 * (1 + i % 4)) for e in range(20)]
        normal = [min(1.0, 0.1 + 0.04 * e * (i % 5) / 2) for e in range(20)]
        ax.line(range(20), bn, label="Batch Normalization" if i == 15 else None)
        ax.line(range(20), normal, dash="--",
                label="Normal(without BatchNorm)" if i == 15 else None)
        ax.ylim(0, 1.0)
        if i % 4:
            ax.yticks([])
        else:
            ax.ylabel("accuracy")
        if i < 12:
            ax.xticks([])
        else:
            ax.xlabel("epochs")
        ax.legend("lower right")
    return fig


def log_axes():
    """Nielsen more_data (log x) and generate_gradient (log y)."""
    sizes = [100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000]
    fig = Figure(columns=2, title="Log axes")
    ax = fig.panel("Accuracy (%) on the validation data", xlabel="Training set size",
                   legend="lower right")
    ax.line(sizes, [62 + 8 * math.log10(s) for s in sizes], "o-", color="#2A6EA6",
            label="Neural network")
    ax.line(sizes, [40 + 12 * math.log10(s) for s in sizes], "o-", color="#FFA933",
            label="SVM")
    ax.xscale("log").xlim(100, 50000).ylim(25, 100)
    ax = fig.panel("Speed of learning: 3 hidden layers", xlabel="Number of epochs of training")
    for j, colour in enumerate(["#2A6EA6", "#FFA933", "#FF5555"]):
        ax.line(range(30), [0.5 * 10 ** (-j) * math.exp(-e / 8) + 1e-4 for e in range(30)],
                color=colour, label="Hidden layer %d" % (j + 1))
    ax.yscale("log")
    return fig


def awkward():
    """A line with NaN and infinite values, an empty panel, values <= 0 on a log axis."""
    fig = Figure(columns=3, title="Awkward data")
    nan, inf = float("nan"), float("inf")
    fig.panel("NaN and inf left out").line([1, 2, nan, 3, inf, 2.5], label="diverging")
    fig.panel("Empty", empty="nothing monitored")
    fig.panel("Log axis, zeros", legend="upper left").line(
        [0, 1, 10, 100, 0], "o-", label="counts").yscale("log")
    return fig


def stroke_digits():
    """Ten 28x28 'digits' drawn from strokes (for a gallery without MNIST)."""
    images = []
    for d in range(10):
        img = [0.0] * 784
        for t in range(200):
            a = 2 * math.pi * t / 200
            r = 8 + (d % 3) * 1.5
            x = 14 + r * math.cos(a) * (0.5 + 0.05 * d)
            y = 14 + r * math.sin(a * (1 + d % 2))
            i, j = int(round(x)), int(round(y))
            if 0 <= i < 28 and 0 <= j < 28:
                img[j * 28 + i] = min(1.0, img[j * 28 + i] + 0.5)
        images.append(img)
    return images, list(range(10))


def mnist_digits(data):
    """The first 20 test digits and their labels, or None without the data."""
    try:
        images, labels = load_test_data(data)
    except MissingDataError:
        return None
    return images[:20], labels[:20]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="gallery", help="the folder to write into")
    parser.add_argument("--data", help="the data folder (or PUREML_DATA) for real digits")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    found = mnist_digits(args.data) if args.data or os.environ.get("PUREML_DATA") else None
    images, labels = found or stroke_digits()
    rng = random.Random(3)
    confusion = [[(900 + rng.randrange(100) if i == j else rng.randrange(12) ** 2 // 10)
                  for j in range(10)] for i in range(10)]
    history = History([0.9 - 0.3 * math.exp(-e / 3) for e in range(12)],
                      [9000 + int(500 * (1 - math.exp(-e / 3))) for e in range(12)],
                      [0.8 * math.exp(-e / 4) for e in range(12)], [])
    gallery = {
        "functions": functions(),
        "optimizer_losses": optimizer_losses(),
        "optimizer_paths": optimizer_paths(),
        "misleading_contours": misleading_contours(),
        "quiver": quiver(),
        "histograms": activation_histograms(),
        "sixteen_panels": sixteen_panels(),
        "log_axes": log_axes(),
        "awkward": awkward(),
        "digits": pictures.digits(images, 10, labels, title="Digits"),
        "digit": pictures.image(images[0], caption=str(labels[0])),
        "filters": ImageGrid([[[rng.gauss(0, 1) for _ in range(5)] for _ in range(5)]
                              for _ in range(30)], 8, cmap="gray_r", title="30 filters, 5x5"),
        "weight_maps_nielsen": pictures.weight_maps(Network([784, 30, 10], seed=1)),
        "weight_maps_dlfs": pictures.weight_maps(TwoLayerNet(784, 20, 10, seed=1)),
        "confusion": pictures.confusion(confusion),
        "outputs": pictures.outputs([0.01, 0.02, 0.05, 0.01, 0.0, 0.03, 0.01, 0.85, 0.01, 0.01]),
        "history": pictures.curves(history),
        "training_curves": plot.curves({"test": [0.5, 0.8, 0.9, 0.93]},
                                       {"training": [2.0 / (1 + i / 50) for i in range(5000)]},
                                       cost_unit="mini-batch"),
    }
    for name, picture in gallery.items():
        path = picture.save(os.path.join(args.out, name + ".svg"))
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
