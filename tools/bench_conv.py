"""Time the convolutional networks: SimpleConvNet's training on 1 and N processes, beside numpy's.

    PUREML_DATA=DIR pypy3 -m tools.bench_conv --workers 2 --numpy-python python3
    PUREML_DATA=DIR python3 -m tools.bench_conv --images 300

The workload is DLFS's train_convnet.py: SimpleConvNet (30 5x5 filters,
2x2 max pooling, 100 hidden ReLUs) trained by Adam (lr 0.001) on batches
of 100 drawn at random, through pureml.parallel.blocks' Pool (as
Trainer.train runs a conv net) with CPython's collector paused.  After a
warm-up (PyPy's JIT compiles the loops in the first images), ``--images``
training images are timed ``--repeat`` times in turn: one process, then
``--workers`` processes (their weights checked equal to one process's),
then the book's own code in numpy (tools/conv_numpy.py, one BLAS thread,
in the interpreter ``--numpy-python`` names, or here when numpy imports).
The medians are reported as images per second and as ratios to numpy's
time; evaluation is timed on the first ``--eval-images`` test images.
tools/bench.py runs this too.
"""

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import time

from pureml.convnet import SimpleConvNet
from pureml.engine import collector, conv
from pureml.engine.vectors import PYPY
from pureml.mnist import load_mnist
from pureml.optimizers import Adam
from pureml.parallel.blocks import Pool

EPOCH = 60000


def train_images(data, count, workers, warmup):
    """Train a fresh SimpleConvNet (seed 1) on ``count`` images after ``warmup``; return (seconds, params)."""
    (x_train, t_train), _ = data
    net, optimizer, rng = SimpleConvNet(seed=1), Adam(lr=0.001), random.Random(1)
    indices = range(len(x_train))
    with Pool(net, workers, 100) as pool, collector.paused():
        def steps(n):
            for _ in range(max(n // 100, 1)):
                batch = rng.choices(indices, k=100)
                grads = pool.gradient([x_train[i] for i in batch], [t_train[i] for i in batch])
                optimizer.update(net.params, grads)
        steps(warmup)
        start = time.perf_counter()
        steps(count)
        return time.perf_counter() - start, net.params


def numpy_seconds(data_root, images, numpy_python):
    """Return the seconds the numpy SimpleConvNet takes for ``images`` images, or None without numpy."""
    command = [numpy_python or sys.executable, "-m", "tools.conv_numpy", "--images", str(images),
               "--json"] + (["--data", data_root] if data_root else [])
    if numpy_python is None:
        try:
            import numpy  # noqa: F401  (only to know whether to run the yardstick here)
        except ImportError:
            return None
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["seconds"][0]


def measure(data_root=None, images=None, repeat=3, eval_images=None, workers=1,
            numpy_python=None):
    """Time training (1 and ``workers`` processes, numpy) in turn and evaluation; return the figures."""
    images = images or (3000 if PYPY else 300)
    eval_images = eval_images or (2000 if PYPY else 300)
    warmup = 1000 if PYPY else 100
    data = load_mnist(data_root, flatten=False)
    one, many, numpy = [], [], []
    for _ in range(repeat):
        seconds, params_one = train_images(data, images, 1, warmup)
        one.append(images / seconds)
        if workers > 1:
            seconds, params_many = train_images(data, images, workers, warmup)
            if params_many != params_one:
                raise AssertionError("%d processes gave another network than one" % workers)
            many.append(images / seconds)
        seconds = numpy_seconds(data_root, images, numpy_python)
        if seconds is not None:
            numpy.append(images / seconds)
    net = SimpleConvNet(seed=1)
    (_, _), (x_test, t_test) = data
    eval_rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        with collector.paused():
            net.accuracy(x_test[:eval_images], t_test[:eval_images], batch_size=100)
        eval_rates.append(eval_images / (time.perf_counter() - start))
    figures = {"workload": "SimpleConvNet (30 5x5 filters, 100 hidden), Adam lr 0.001, batches "
                           "of 100", "images_timed": images, "workers": workers,
               "train_images_per_second": one, "train_median": statistics.median(one),
               "seconds_per_60000": EPOCH / statistics.median(one),
               "eval_images_per_second": eval_rates, "eval_median": statistics.median(eval_rates)}
    if many:
        figures.update(many_images_per_second=many, many_median=statistics.median(many))
    if numpy:
        figures.update(numpy_images_per_second=numpy, numpy_median=statistics.median(numpy))
    return figures


def describe(figures):
    """Return the report's lines for the figures ``measure`` gave."""
    lines = ["SimpleConvNet: train %.1f images/s on 1 process (median of %s), so %.0f s for "
             "60,000; evaluate %.0f images/s"
             % (figures["train_median"],
                ", ".join("%.1f" % r for r in figures["train_images_per_second"]),
                figures["seconds_per_60000"], figures["eval_median"])]
    if "many_median" in figures:
        lines.append("  %d processes: %.1f images/s (median of %s), %.2fx one process, the same "
                     "weights" % (figures["workers"], figures["many_median"],
                                  ", ".join("%.1f" % r for r in figures["many_images_per_second"]),
                                  figures["many_median"] / figures["train_median"]))
    if "numpy_median" in figures:
        numpy = figures["numpy_median"]
        line = ("  the book's numpy code, in turn with it: %.1f images/s; pureml takes %.2fx numpy's "
                "time on 1 process" % (numpy, numpy / figures["train_median"]))
        if "many_median" in figures:
            line += ", %.2fx on %d" % (numpy / figures["many_median"], figures["workers"])
        lines.append(line)
    return lines


def main(argv=None):
    """Time the conv net and print the report; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--images", type=int, help="training images per run "
                                                   "(default 300; 3000 on PyPy)")
    parser.add_argument("--eval-images", type=int, help="test images evaluated per run "
                                                        "(default 300; 2000 on PyPy)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="also time N processes, in turn with one")
    parser.add_argument("--numpy-python", metavar="PYTHON",
                        help="an interpreter with numpy, to time the book's code in turn")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.data, args.images, args.repeat, args.eval_images, args.workers,
                      args.numpy_python)
    figures.update(implementation=platform.python_implementation(),
                   version=platform.python_version(), kernels=conv.convolve.__name__,
                   date=time.strftime("%Y-%m-%d %H:%M"))
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print("%(implementation)s %(version)s, convolution kernels %(kernels)s, %(date)s" % figures)
    print("\n".join(describe(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
