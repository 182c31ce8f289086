"""Time the convolutional networks: SimpleConvNet's training and evaluation, in images per second.

    PUREML_DATA=DIR pypy3 -m tools.bench_conv
    PUREML_DATA=DIR python3 -m tools.bench_conv --images 300

The workload is DLFS's train_convnet.py: SimpleConvNet (30 5x5 filters,
2x2 max pooling, 100 hidden ReLUs) trained by Adam (lr 0.001) on batches
of 100 drawn at random.  After a warm-up (PyPy's JIT compiles the loops in
the first few hundred images), ``--images`` training images are timed
``--repeat`` times from one network, and the median rate is reported, with
the projected time for an epoch of 60,000 images; evaluation is timed on
the first ``--eval-images`` test images.  tools/bench.py runs this too.
"""

import argparse
import json
import platform
import random
import statistics
import sys
import time

from pureml.engine import collector, conv
from pureml.engine.vectors import PYPY
from pureml.convnet import SimpleConvNet
from pureml.mnist import load_mnist
from pureml.optimizers import Adam

EPOCH = 60000


def train_images(net, optimizer, data, count, rng, batch_size=100):
    """Train on ``count`` images drawn at random, in batches; return the seconds taken."""
    (x_train, t_train), _ = data
    indices = range(len(x_train))
    start = time.perf_counter()
    with collector.paused():            # as Trainer.train runs (pureml.engine.collector)
        for _ in range(max(count // batch_size, 1)):
            batch = rng.choices(indices, k=batch_size)
            grads = net.gradient([x_train[i] for i in batch], [t_train[i] for i in batch])
            optimizer.update(net.params, grads)
    return time.perf_counter() - start


def measure(data_root=None, images=None, repeat=3, eval_images=None):
    """Time training and evaluation; return a dict of the figures (rates in images per second)."""
    images = images or (3000 if PYPY else 300)
    eval_images = eval_images or (2000 if PYPY else 300)
    data = load_mnist(data_root, flatten=False)
    net = SimpleConvNet(seed=1)
    optimizer = Adam(lr=0.001)
    rng = random.Random(1)
    train_images(net, optimizer, data, 1000 if PYPY else 100, rng)      # warm-up
    rates = [images / train_images(net, optimizer, data, images, rng) for _ in range(repeat)]
    (_, _), (x_test, t_test) = data
    eval_rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        net.accuracy(x_test[:eval_images], t_test[:eval_images], batch_size=100)
        eval_rates.append(eval_images / (time.perf_counter() - start))
    rate = statistics.median(rates)
    return {"workload": "SimpleConvNet (30 5x5 filters, 100 hidden), Adam lr 0.001, batches "
                        "of 100", "images_timed": images, "train_images_per_second": rates,
            "train_median": rate, "seconds_per_60000": EPOCH / rate,
            "eval_images_per_second": eval_rates,
            "eval_median": statistics.median(eval_rates)}


def describe(figures):
    """Return the report's lines for the figures ``measure`` gave."""
    return ["SimpleConvNet: train %.1f images/s (median of %s), so %.0f s for 60,000; "
            "evaluate %.0f images/s"
            % (figures["train_median"],
               ", ".join("%.1f" % r for r in figures["train_images_per_second"]),
               figures["seconds_per_60000"], figures["eval_median"])]


def main(argv=None):
    """Time the conv net and print the report; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--images", type=int, help="training images per run "
                                                   "(default 300; 3000 on PyPy)")
    parser.add_argument("--eval-images", type=int, help="test images evaluated per run "
                                                        "(default 300; 2000 on PyPy)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.data, args.images, args.repeat, args.eval_images)
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
