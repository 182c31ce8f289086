"""Time Nielsen's epoch on one process and on several, and the book's numpy code, in turn.

    PUREML_DATA=DIR npvenv/bin/python -m tools.bench_workers --workers 2
    PUREML_DATA=DIR pypy3 -m tools.bench_workers --workers 2 --numpy-python npvenv/bin/python

For each network (default [784, 30, 10] and [784, 100, 10]; the book's
chapter-1 settings: sigmoid, quadratic cost, mini-batches of 10, eta 3.0)
it trains on ``--images`` MNIST images with ``workers=1``, with
``workers=N``, and (when numpy is importable here, or ``--numpy-python``
names an interpreter that has it) with the book's own numpy network.py
(tools/compare_numpy.py's BookNetwork), ``--repeat`` times in turn, so that
all three see the same machine.  It reports each median as seconds per
50,000-image epoch and the ratios, then times evaluating the 10,000 test
images with 1 and N processes.  The N-process weights are checked equal
to the one-process weights, bit for bit, in every round.
"""

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time

from pureml import mnist
from pureml.engine import dense
from pureml.engine.vectors import PYPY
from pureml.parallel import processes
from pureml.network import Network

try:                                    # numpy is optional: only to time the book's code
    from tools import compare_numpy
except ImportError:
    compare_numpy = None

EPOCH = 50000


def time_pureml(sizes, data, workers, warmup):
    """Train a fresh network (seed 2) on ``data`` with ``workers``; return (seconds, weights)."""
    net = Network(sizes, seed=2)
    if warmup:
        net.SGD(warmup, 1, 10, 3.0, verbose=False, workers=workers)
        net = Network(sizes, seed=2)
    start = time.perf_counter()
    net.SGD(data, 1, 10, 3.0, verbose=False, workers=workers)
    return time.perf_counter() - start, (net.weights, net.biases)


def time_numpy(sizes, images, data_root, numpy_python):
    """Return the seconds the book's numpy network.py takes on the first ``images`` images, or None."""
    if compare_numpy is not None and numpy_python is None:
        return compare_numpy.time_book_epoch(sizes, images, data_root)
    if numpy_python is None:
        return None
    command = [numpy_python, "-m", "tools.compare_numpy", "--sizes", ",".join(map(str, sizes)),
               "--images", str(images), "--time-epoch"] + (["--data", data_root]
                                                           if data_root else [])
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["seconds"]


def measure(data_root, sizes_list, images, workers, repeat, numpy_python=None):
    """Time everything in turn; return the report's dict."""
    training, _validation, test = mnist.load_data_wrapper(data_root)
    data = training[:images]
    warmup = training[-2000:] if PYPY else None
    report = {"workers": workers, "images": images, "networks": []}
    for sizes in sizes_list:
        one, many, book = [], [], []
        for _ in range(repeat):
            seconds, weights_one = time_pureml(sizes, data, 1, warmup)
            one.append(seconds)
            seconds, weights_many = time_pureml(sizes, data, workers, warmup)
            many.append(seconds)
            if weights_many != weights_one:
                raise AssertionError("workers=%d gave other weights than workers=1" % workers)
            numpy_seconds = time_numpy(sizes, images, data_root, numpy_python)
            if numpy_seconds is not None:
                book.append(numpy_seconds)
        entry = {"sizes": sizes, "one": [EPOCH * s / images for s in one],
                 "many": [EPOCH * s / images for s in many],
                 "numpy": [EPOCH * s / images for s in book]}
        entry["one_median"] = statistics.median(entry["one"])
        entry["many_median"] = statistics.median(entry["many"])
        entry["speedup"] = entry["one_median"] / entry["many_median"]
        if book:
            entry["numpy_median"] = statistics.median(entry["numpy"])
            entry["one_vs_numpy"] = entry["one_median"] / entry["numpy_median"]
            entry["many_vs_numpy"] = entry["many_median"] / entry["numpy_median"]
        report["networks"].append(entry)
    net = Network([784, 30, 10], seed=2)
    evaluations = {1: [], workers: []}
    for _ in range(repeat):
        for w in (1, workers):
            start = time.perf_counter()
            net.evaluate(test, workers=w)
            evaluations[w].append(time.perf_counter() - start)
    report["evaluate_one"] = statistics.median(evaluations[1])
    report["evaluate_many"] = statistics.median(evaluations[workers])
    return report


def describe(report):
    """Return the report's lines."""
    n = report["workers"]
    lines = []
    for e in report["networks"]:
        line = ("%-12s epoch: 1 process %6.1f s, %d processes %6.1f s (%.2fx, the same weights)"
                % (",".join(map(str, e["sizes"])), e["one_median"], n, e["many_median"],
                   e["speedup"]))
        if "numpy_median" in e:
            line += "; numpy %.1f s: 1 process %.1fx numpy, %d processes %.1fx" % (
                e["numpy_median"], e["one_vs_numpy"], n, e["many_vs_numpy"])
        lines.append(line)
    lines.append("evaluate 10,000: 1 process %.2f s, %d processes %.2f s (%.2fx)"
                 % (report["evaluate_one"], n, report["evaluate_many"],
                    report["evaluate_one"] / report["evaluate_many"]))
    return lines


def main(argv=None):
    """Run the timing and print the report; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sizes", action="append", metavar="784,30,10")
    parser.add_argument("--images", type=int, help="training images per run (default "
                                                   "10000; 50000 on PyPy)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--numpy-python", metavar="PYTHON",
                        help="an interpreter with numpy, to time the book's code in")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes_list = [[int(v) for v in s.split(",")] for s in (args.sizes or
                                                           ["784,30,10", "784,100,10"])]
    images = args.images or (EPOCH if PYPY else 10000)
    report = measure(args.data, sizes_list, images, args.workers, args.repeat,
                     args.numpy_python)
    report.update(implementation=platform.python_implementation(),
                  version=platform.python_version(), cores=processes.usable_cores(),
                  date=time.strftime("%Y-%m-%d %H:%M"))
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print("%(implementation)s %(version)s, %(cores)d usable cores, %(date)s" % report)
    print("\n".join(describe(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
