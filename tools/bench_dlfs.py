"""Time Deep Learning from Scratch's chapter 5 training loop on pureml, beside the book's numpy code.

    PUREML_DATA=DIR pypy3 -m tools.bench_dlfs --numpy-python npvenv/bin/python
    PUREML_DATA=DIR npvenv/bin/python -m tools.bench_dlfs

The workload is ch05/train_neuralnet.py: TwoLayerNet(784, 50, 10),
mini-batches of 100 drawn with replacement, SGD with lr 0.1.  pureml runs
``--iters`` iterations (after a warm-up on PyPy, whose JIT compiles the
loops during the first few hundred) and the time is projected to the
book's 10,000.  The book's numpy code (tools/dlfs_numpy.py) runs the whole
10,000, in this interpreter when it has numpy, or in ``--numpy-python``
(an interpreter that has it) as a subprocess.  The two are timed in
turn, ``--repeat`` times each, so that both see the same machine; the
report gives each median and their ratio.  numpy is never required: with
neither, only pureml is timed.
"""

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import time

from pureml.engine import dense
from pureml.engine.vectors import PYPY
from pureml.layernet import TwoLayerNet
from pureml.mnist import load_mnist
from pureml.optimizers import SGD
from pureml.trainer import Trainer

try:                                    # numpy is optional: only to time the book's code
    from tools import dlfs_numpy
except ImportError:
    dlfs_numpy = None

BOOK_ITERS = 10000
BATCH_SIZE = 100


def train_neuralnet(data, iters, seed=1):
    """Run chapter 5's loop for ``iters`` iterations on pureml; return the seconds taken."""
    (x_train, t_train), _ = data
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=seed)
    optimizer = SGD(lr=0.1)
    rng = random.Random(seed)
    indices = range(len(x_train))
    start = time.perf_counter()
    for _ in range(iters):
        batch_mask = rng.choices(indices, k=BATCH_SIZE)
        x_batch = [x_train[k] for k in batch_mask]
        t_batch = [t_train[k] for k in batch_mask]
        grads = network.gradient(x_batch, t_batch)
        optimizer.update(network.params, grads)
    return time.perf_counter() - start


def train_with_trainer(data, iters, workers, seed=1):
    """Run the same workload through Trainer with ``workers`` processes; return (seconds, params).

    Trainer draws its batches as chapter 5 does; its measurements (once an
    epoch, and at the end) are cut to 100 images, so that the time is the
    training's.
    """
    (x_train, t_train), (x_test, t_test) = data
    x_test, t_test = x_test[:100], t_test[:100]
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=seed)
    epochs = iters * BATCH_SIZE / len(x_train)
    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=epochs,
                      mini_batch_size=BATCH_SIZE, optimizer="sgd", optimizer_param={"lr": 0.1},
                      evaluate_sample_num_per_epoch=100, verbose=False, seed=seed,
                      workers=workers)
    start = time.perf_counter()
    trainer.train()
    return time.perf_counter() - start, network.params


def time_workers(data_root, iters, workers, repeat):
    """Time Trainer with 1 and ``workers`` processes in turn; return the figures.

    The networks must come out the same, bit for bit, in every round.
    """
    data = load_mnist(data_root, one_hot_label=True)
    if PYPY:
        train_with_trainer(data, 500, 1)
        train_with_trainer(data, 500, workers)
    one, many = [], []
    for _ in range(repeat):
        seconds, params_one = train_with_trainer(data, iters, 1)
        one.append(seconds * BOOK_ITERS / iters)
        seconds, params_many = train_with_trainer(data, iters, workers)
        many.append(seconds * BOOK_ITERS / iters)
        if params_many != params_one:
            raise AssertionError("workers=%d gave another network than one process" % workers)
    return {"workers": workers, "iters_timed": iters, "one": one, "many": many,
            "one_median": statistics.median(one), "many_median": statistics.median(many),
            "speedup": statistics.median(one) / statistics.median(many)}


def time_numpy(data_root, numpy_python, arrays):
    """Return the seconds the book's numpy code takes for BOOK_ITERS iterations, once.

    It runs here when numpy imports (``arrays`` holds the data), otherwise
    in the interpreter ``numpy_python`` as a subprocess.
    """
    if arrays is not None:
        return dlfs_numpy.train_neuralnet(arrays, BOOK_ITERS, evaluate=False)[0]
    command = [numpy_python, "-m", "tools.dlfs_numpy", "--iters", str(BOOK_ITERS),
               "--json"] + (["--data", data_root] if data_root else [])
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["seconds"][0]


def measure(data_root=None, iters=None, repeat=3, numpy_python=None):
    """Time pureml's loop and (where possible) numpy's in turn; return a dict of the figures.

    pureml's times are projected to BOOK_ITERS iterations from ``iters``
    (default 300; 3000 on PyPy, after a 500-iteration warm-up).
    """
    iters = iters or (3000 if PYPY else 300)
    data = load_mnist(data_root, one_hot_label=True)
    arrays = dlfs_numpy.as_arrays(data) if dlfs_numpy and not numpy_python else None
    with_numpy = arrays is not None or numpy_python
    if PYPY:
        train_neuralnet(data, 500)          # the JIT's warm-up
    pureml_runs, numpy_runs = [], []
    for run in range(repeat):
        pureml_runs.append(train_neuralnet(data, iters, seed=run + 1) * BOOK_ITERS / iters)
        if with_numpy:
            numpy_runs.append(time_numpy(data_root, numpy_python, arrays))
    figures = {"workload": "TwoLayerNet(784, 50, 10), batches of 100, SGD lr 0.1",
               "iters_timed": iters, "pureml_seconds_per_10000": pureml_runs,
               "pureml_median": statistics.median(pureml_runs),
               "numpy_seconds_per_10000": numpy_runs,
               "numpy_median": statistics.median(numpy_runs) if numpy_runs else None}
    if numpy_runs:
        figures["ratio"] = figures["pureml_median"] / figures["numpy_median"]
    return figures


def describe(figures):
    """Return the report's lines for the figures ``measure`` gave."""
    lines = ["DLFS ch. 5: %s: %.1f s per 10,000 iterations (median of %d: %s; %d timed, "
             "projected)" % (figures["workload"], figures["pureml_median"],
                             len(figures["pureml_seconds_per_10000"]),
                             ", ".join("%.1f" % v for v in figures["pureml_seconds_per_10000"]),
                             figures["iters_timed"])]
    if figures["numpy_seconds_per_10000"]:
        lines.append("  the book's numpy code, timed in turn with it: %.2f s (%s); "
                     "pureml / numpy = %.1fx"
                     % (figures["numpy_median"],
                        ", ".join("%.2f" % v for v in figures["numpy_seconds_per_10000"]),
                        figures["ratio"]))
    else:
        lines.append("  the book's numpy code: not timed (no numpy here; see --numpy-python)")
    return lines


def main(argv=None):
    """Time pureml (and numpy, where available) in turn; print the report; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--iters", type=int, default=None,
                        help="pureml iterations timed per run (default 300; 3000 on PyPy)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--numpy-python", metavar="PYTHON",
                        help="an interpreter with numpy, to time the book's code in")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="also time Trainer with 1 and with N processes, in turn")
    args = parser.parse_args(argv)
    figures = measure(args.data, args.iters, args.repeat, args.numpy_python)
    if args.workers > 1:
        figures["trainer"] = time_workers(args.data, args.iters or (3000 if PYPY else
                                                                     300),
                                          args.workers, args.repeat)
    figures.update(implementation=platform.python_implementation(),
                   version=platform.python_version(), kernels=dense.vecmat_each.__name__,
                   date=time.strftime("%Y-%m-%d %H:%M"))
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print("%(implementation)s %(version)s, kernels %(kernels)s, %(date)s" % figures)
    print("\n".join(describe(figures)))
    if "trainer" in figures:
        t = figures["trainer"]
        print("  Trainer, the same workload: 1 process %.1f s, %d processes %.1f s per 10,000 "
              "iterations (%.2fx; the same network)" % (t["one_median"], t["workers"],
                                                        t["many_median"], t["speedup"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
