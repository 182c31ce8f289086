"""Measure pureml's training and evaluation speed on this interpreter.

Run it from the project's root, on any interpreter:

    PUREML_DATA=DIR python3 -m tools.bench
    pypy3 -m tools.bench --data DIR --repeat 3 --json

The standard workload is the book's chapter-1 run: sigmoid neurons,
quadratic cost, mini-batches of 10, eta = 3.0.  For each network size it
trains on a slice of the training set, ``--repeat`` times from a fresh
network, and reports the median rate as images per second and as seconds
per 50,000-image epoch.  It also times evaluation of the 10,000 test
images, and, for comparison in the same run, the book-literal update: one
``backprop`` per example, the gradients summed over the mini-batch.

With no data (no --data, no PUREML_DATA, nothing in the cache) it makes
synthetic images with MNIST's sparsity (about 19% nonzero pixels) and says
so: the speed depends on the sparsity, not on what the pixels show.
"""

import argparse
import collections
import contextlib
import json
import math
import platform
import random
import statistics
import sys
import time

from pureml import activations, costs, mnist, network
from pureml.engine import conv, dense, vectors
from pureml.engine.vectors import PYPY, SUMPROD_IS_C
from pureml.network import Network
from tools import bench_conv, bench_dlfs, bench_workers
from tools.loadbench import peak_rss_mb

EPOCH = 50000
STANDARD = {"eta": 3.0, "mini_batch_size": 10}


def synthetic_data(n_train, n_test, seed=0):
    """Return (training_data, test_data) of MNIST-shaped synthetic examples.

    Each image inks 150 of its 784 pixels (19%, as MNIST does) in a blob
    near the centre, most of them near 1.0; the blobs wander so that ten
    images together ink about 380 pixels, as ten MNIST images do.
    """
    rng = random.Random(seed)
    table = [v / 255.0 for v in range(256)]

    def image():
        pixels = [0.0] * 784
        cx, cy = rng.gauss(14.0, 1.5), rng.gauss(14.0, 1.5)
        inked = set()
        while len(inked) < 150:
            x = min(27, max(0, int(rng.gauss(cx, 3.6))))
            y = min(27, max(0, int(rng.gauss(cy, 3.6))))
            inked.add(28 * y + x)
        for k in inked:
            pixels[k] = table[rng.choice((255, 254, 253, rng.randrange(1, 256)))]
        return pixels

    def one_hot(j):
        y = [0.0] * 10
        y[j] = 1.0
        return y

    training = [(image(), one_hot(rng.randrange(10))) for _ in range(n_train)]
    test = [(image(), rng.randrange(10)) for _ in range(n_test)]
    return training, test


def load(args):
    """Return (training_data, test_data, description) and fill in the load figures."""
    try:
        start = time.perf_counter()
        training, _, test = mnist.load_data_wrapper(args.data)
        seconds = time.perf_counter() - start
        return training, test, {"data": "MNIST", "load_seconds": seconds,
                                "load_peak_rss_mb": peak_rss_mb()}
    except mnist.MissingDataError as e:
        print("no MNIST data (%s): using synthetic MNIST-like images" % e.folder,
              file=sys.stderr)
        training, test = synthetic_data(max(args.images, args.literal_images) + 2000, 10000)
        return training, test, {"data": "synthetic (MNIST sparsity)",
                                "load_seconds": None, "load_peak_rss_mb": None}


def book_update_mini_batch(net, mini_batch, eta):
    """Update net as the book's network.py does: backprop per example, summed; return None."""
    nabla_b = [vectors.zeros(len(b)) for b in net.biases]
    nabla_w = [vectors.zeros(len(w), len(w[0])) for w in net.weights]
    for x, y in mini_batch:
        delta_nabla_b, delta_nabla_w = net.backprop(x, y)
        nabla_b = [vectors.add(nb, dnb) for nb, dnb in zip(nabla_b, delta_nabla_b)]
        nabla_w = [[vectors.add(row, drow) for row, drow in zip(nw, dnw)]
                   for nw, dnw in zip(nabla_w, delta_nabla_w)]
    c = eta / len(mini_batch)
    net.weights = [[vectors.sub(row, vectors.scale(c, nrow)) for row, nrow in zip(w, nw)]
                   for w, nw in zip(net.weights, nabla_w)]
    net.biases = [vectors.sub(b, vectors.scale(c, nb)) for b, nb in zip(net.biases, nabla_b)]


def time_training(sizes, data, repeat, warmup):
    """Return the training rates (images/s) of ``repeat`` runs on ``data``, each from a fresh network."""
    rates = []
    for run in range(repeat):
        net = Network(sizes, seed=run + 2)
        if warmup:
            net.SGD(warmup, 1, STANDARD["mini_batch_size"], STANDARD["eta"], verbose=False)
        start = time.perf_counter()
        net.SGD(data, 1, STANDARD["mini_batch_size"], STANDARD["eta"], verbose=False)
        rates.append(len(data) / (time.perf_counter() - start))
    return rates


def time_literal(sizes, data, repeat):
    """Return the rates (images/s) of the book-literal per-example update on ``data``."""
    rates = []
    m = STANDARD["mini_batch_size"]
    for run in range(repeat):
        net = Network(sizes, seed=run + 2)
        start = time.perf_counter()
        for k in range(0, len(data), m):
            book_update_mini_batch(net, data[k:k + m], STANDARD["eta"])
        rates.append(len(data) / (time.perf_counter() - start))
    return rates


def time_evaluation(sizes, test, repeat):
    """Return the evaluation rates (images/s) of a trained-shape network on ``test``."""
    rates = []
    net = Network(sizes, seed=2)
    for _ in range(repeat):
        start = time.perf_counter()
        net.evaluate(test)
        rates.append(len(test) / (time.perf_counter() - start))
    return rates


@contextlib.contextmanager
def timed_parts(totals):
    """Time the kernels and per-example functions training calls, adding seconds to ``totals``.

    Inside the block every dense batch kernel SGD calls, and the sigmoid's fn and
    prime and the quadratic cost's delta, are wrapped with a timer; they
    are restored afterwards.  Yields ``totals``.
    """
    def timer(name, f):
        def timed(*args):
            start = time.perf_counter()
            result = f(*args)
            totals[name] += time.perf_counter() - start
            return result
        return timed

    saved = []
    for owner, name in ((dense, "matvec_each"), (dense, "add_outer_sum"),
                        (dense, "vecmat_each"), (dense, "add_column_sums"),
                        (network, "hadamard")):
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, timer(owner.__name__.split(".")[-1] + "." + name,
                                   getattr(owner, name)))
    for owner, name, label in ((activations.Sigmoid, "fn", "Sigmoid.fn"),
                               (activations.Sigmoid, "prime", "Sigmoid.prime"),
                               (costs.QuadraticCost, "delta", "QuadraticCost.delta")):
        saved.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, staticmethod(timer(label, getattr(owner, name))))
    try:
        yield totals
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


def breakdown(sizes, data):
    """Train once on ``data`` with every part timed; return (total seconds, [(part, seconds)])."""
    totals = collections.Counter()
    net = Network(sizes, seed=2)
    with timed_parts(totals):
        start = time.perf_counter()
        net.SGD(data, 1, STANDARD["mini_batch_size"], STANDARD["eta"], verbose=False)
        total = time.perf_counter() - start
    parts = totals.most_common()
    parts.append(("everything else", total - sum(totals.values())))
    return total, parts


def kernels():
    """Return the forms of the engine's main kernels chosen on this interpreter, for the report."""
    return ", ".join(f.__name__ for f in (dense.matvec_each, dense.vecmat_each, dense.outer_sum,
                                          conv.convolve, conv.max_pool))


def main(argv=None):
    """Run the benchmark and print the report; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/ (default: as pureml finds it)")
    parser.add_argument("--sizes", action="append", metavar="784,30,10",
                        help="a network to time (repeatable; default 784,30,10 and 784,100,10)")
    parser.add_argument("--images", type=int, default=None,
                        help="training images timed per run (default 10000; 50000 on PyPy)")
    parser.add_argument("--literal-images", type=int, default=500,
                        help="images timed on the book-literal path (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is reported")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--breakdown", action="store_true",
                        help="also train once with each kernel timed, and print where the time goes")
    parser.add_argument("--dlfs-iters", type=int, default=None,
                        help="iterations of DLFS's chapter 5 loop (TwoLayerNet 784-50-10, batches "
                             "of 100) timed per run, projected to 10,000 (default 300; 3000 on "
                             "PyPy; 0 skips it); numpy's time beside it when numpy is importable")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="also time the epochs and the evaluation with N processes, in "
                             "turn with one (and with the book's numpy code, when numpy is "
                             "importable): tools/bench_workers.py")
    parser.add_argument("--conv-images", type=int, default=None,
                        help="training images of SimpleConvNet timed per run (default 300; "
                             "3000 on PyPy; 0 skips it)")
    args = parser.parse_args(argv)
    if args.images is None:
        args.images = EPOCH if PYPY else 10000
    sizes_list = [[int(v) for v in s.split(",")] for s in (args.sizes or ["784,30,10", "784,100,10"])]

    training, test, report = load(args)
    report.update(
        implementation=platform.python_implementation(),
        version=platform.python_version(),
        executable=sys.executable,
        sumprod="math.sumprod" if SUMPROD_IS_C else "sum(map(mul, p, q))",
        kernels=kernels(),
        date=time.strftime("%Y-%m-%d"),
        repeat=args.repeat,
        images=args.images,
        networks=[])
    if not args.json:
        print("%(implementation)s %(version)s  sumprod: %(sumprod)s  kernels: %(kernels)s" % report)
        print("data: %s" % report["data"], end="")
        if report["load_seconds"] is not None:
            print("; load_data_wrapper %.2f s, peak RSS %.0f MB"
                  % (report["load_seconds"], report["load_peak_rss_mb"] or math.nan), end="")
        print()
    data = training[:args.images]
    # PyPy's JIT compiles the loops during the first few thousand images.
    warmup = training[-2000:] if PYPY else None
    for sizes in sizes_list:
        train = time_training(sizes, data, args.repeat, warmup)
        literal = time_literal(sizes, training[:args.literal_images], 1 if args.repeat == 1 else 2)
        evaluation = time_evaluation(sizes, test, args.repeat)
        entry = {
            "sizes": sizes,
            "train_images_per_second": statistics.median(train),
            "train_runs": train,
            "seconds_per_epoch": EPOCH / statistics.median(train),
            "evaluate_images_per_second": statistics.median(evaluation),
            "evaluate_seconds_for_10000": 10000 / statistics.median(evaluation),
            "book_literal_images_per_second": statistics.median(literal),
            "book_literal_seconds_per_epoch": EPOCH / statistics.median(literal),
        }
        report["networks"].append(entry)
        if not args.json:
            print("%-12s train %7.0f img/s = %6.1f s/epoch (median of %d: %s)"
                  % (",".join(map(str, sizes)), entry["train_images_per_second"],
                     entry["seconds_per_epoch"], len(train),
                     ", ".join("%.1f" % (EPOCH / r) for r in train)))
            print("%-12s evaluate %5.0f img/s = %5.2f s for 10,000; book-literal "
                  "update %5.0f img/s = %6.1f s/epoch (%.1fx slower)"
                  % ("", entry["evaluate_images_per_second"],
                     entry["evaluate_seconds_for_10000"],
                     entry["book_literal_images_per_second"],
                     entry["book_literal_seconds_per_epoch"],
                     entry["book_literal_seconds_per_epoch"] / entry["seconds_per_epoch"]))
        if args.breakdown:
            total, parts = breakdown(sizes, data)
            entry["breakdown_us_per_image"] = {
                name: seconds / len(data) * 1e6 for name, seconds in parts}
            if not args.json:
                print("%-12s where the time goes (one run, per image; the timers add a little):"
                      % "")
                for name, seconds in parts:
                    print("%-12s   %-28s %7.1f us  %5.1f%%" % (
                        "", name, seconds / len(data) * 1e6, 100 * seconds / total))
    if args.workers > 1:
        report["workers"] = bench_workers.measure(args.data, sizes_list, args.images,
                                                  args.workers, args.repeat)
        if not args.json:
            print("\n".join(bench_workers.describe(report["workers"])))
    dlfs_iters = (3000 if PYPY else 300) if args.dlfs_iters is None else args.dlfs_iters
    if dlfs_iters:
        report["dlfs"] = bench_dlfs.measure(args.data, dlfs_iters, args.repeat)
        if not args.json:
            print("\n".join(bench_dlfs.describe(report["dlfs"])))
    if args.conv_images != 0:
        report["conv"] = bench_conv.measure(args.data, args.conv_images, args.repeat)
        if not args.json:
            print("\n".join(bench_conv.describe(report["conv"])))
    report["peak_rss_mb"] = peak_rss_mb()
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
