"""Rerun the book's published experiments and compare pureml's results.

Run it from the project's root (PyPy is the quickest interpreter for it):

    PUREML_DATA=DIR pypy3 -m tools.reproduce
    PUREML_DATA=DIR python3 -m tools.reproduce --quick
    python3 -m tools.reproduce --only ch1-30 --seeds 1

Each experiment is one of the book's runs, with the book's settings (its
network, cost, initialisation, eta, lambda, epochs and data).  Every
experiment is run once per seed (the seed fixes the initial weights and
the shuffles), and the table prints the book's figure beside pureml's
mean over the seeds, the range, and the time taken.  ``--quick`` runs the
two 1,000-image experiments of chapter 3 (70 s on PyPy, 17 minutes on
CPython 3.11); the full set takes about 20 minutes on PyPy for three seeds.

The figures compared are the ones the book reports: the best test
accuracy over the epochs for chapter 1, and the accuracy after the last
epoch for chapter 3.
"""

import argparse
import collections
import json
import os
import platform
import statistics
import sys
import time

from pureml import mnist
from pureml.engine import dense
from pureml.engine.vectors import PYPY
from pureml.parallel import processes
from pureml.costs import CrossEntropyCost, QuadraticCost
from pureml.network import Network
from tools import reproduce_dlfs

Experiment = collections.namedtuple(
    "Experiment", "name chapter what sizes cost init eta lmbda epochs train_limit "
                  "evaluate_on metric published")

EXPERIMENTS = [
    Experiment("ch1-30", 1, "network.py, 30 hidden neurons", [784, 30, 10], QuadraticCost,
               "large", 3.0, 0.0, 30, None, "test", "best", 95.42),
    Experiment("ch1-100", 1, "network.py, 100 hidden neurons", [784, 100, 10], QuadraticCost,
               "large", 3.0, 0.0, 30, None, "test", "best", 96.59),
    Experiment("ch3-overfit", 3, "overfitting: 1,000 training images, 400 epochs",
               [784, 30, 10], CrossEntropyCost, "large", 0.5, 0.0, 400, 1000, "test",
               "final", 82.23),
    Experiment("ch3-overfit-l2", 3, "the same with L2 regularisation, lambda = 0.1",
               [784, 30, 10], CrossEntropyCost, "large", 0.5, 0.1, 400, 1000, "test",
               "final", 86.95),
    Experiment("ch3-full", 3, "cross-entropy, all 50,000 images", [784, 30, 10],
               CrossEntropyCost, "large", 0.5, 0.0, 30, None, "test", "final", 95.31),
    Experiment("ch3-full-l2", 3, "the same with lambda = 5.0", [784, 30, 10],
               CrossEntropyCost, "large", 0.5, 5.0, 30, None, "test", "final", 96.49),
    Experiment("ch3-100-l2", 3, "100 hidden neurons, lambda = 5.0 (validation)",
               [784, 100, 10], CrossEntropyCost, "large", 0.5, 5.0, 30, None,
               "validation", "final", 97.92),
]

QUICK = ("ch3-overfit", "ch3-overfit-l2")


def run(experiment, seed, data):
    """Train one experiment with one seed; return a dict of what happened.

    The network is evaluated after every epoch when the book's figure is
    the best over the epochs, and only after the last one otherwise.
    """
    training, validation, test = data
    if experiment.train_limit:
        training = training[:experiment.train_limit]
    evaluation = validation if experiment.evaluate_on == "validation" else test
    net = Network(experiment.sizes, cost=experiment.cost,
                  weight_initializer=experiment.init, seed=seed)
    per_epoch = []
    start = time.perf_counter()
    if experiment.metric == "best":
        net.SGD(training, experiment.epochs, 10, experiment.eta, lmbda=experiment.lmbda,
                evaluation_data=evaluation, monitor_evaluation_accuracy=True,
                verbose=False,
                on_epoch=lambda record: per_epoch.append(record["evaluation_accuracy"]))
        final = per_epoch[-1]
    else:
        net.SGD(training, experiment.epochs, 10, experiment.eta, lmbda=experiment.lmbda,
                verbose=False)
        final = net.accuracy(evaluation)
    seconds = time.perf_counter() - start
    n = len(evaluation)
    return {"seed": seed,
            "final": 100.0 * final / n,
            "best": 100.0 * max(per_epoch) / n if per_epoch else None,
            "per_epoch": [100.0 * c / n for c in per_epoch],
            "seconds": seconds}


def summarise(experiment, runs):
    """Return the table row for an experiment: the book's figure and pureml's mean and range."""
    values = [r[experiment.metric] for r in runs]
    mean = statistics.fmean(values) if hasattr(statistics, "fmean") else statistics.mean(values)
    return {"name": experiment.name, "chapter": experiment.chapter, "what": experiment.what,
            "settings": settings(experiment), "metric": experiment.metric,
            "published": experiment.published, "pureml_mean": mean,
            "pureml_min": min(values), "pureml_max": max(values),
            "difference": mean - experiment.published,
            "seconds": sum(r["seconds"] for r in runs), "runs": runs}


def settings(experiment):
    """Return a one-line description of an experiment's settings."""
    text = "%s, %s, %s init, eta=%g, lambda=%g, %d epochs, mini-batch 10, %s images" % (
        experiment.sizes, experiment.cost.name, experiment.init, experiment.eta,
        experiment.lmbda, experiment.epochs,
        "{:,}".format(experiment.train_limit) if experiment.train_limit else "50,000")
    return text + "; %s accuracy on %s" % (experiment.metric, experiment.evaluate_on)


def print_row(row):
    """Print one experiment's result as a line of the table."""
    values = ", ".join("%.2f" % r[row["metric"]] for r in row["runs"])
    print("%-15s book %6.2f%%  pureml %6.2f%% (seeds %s: %s)  diff %+5.2f  %5.0f s"
          % (row["name"], row["published"], row["pureml_mean"],
             ",".join(str(r["seed"]) for r in row["runs"]), values, row["difference"],
             row["seconds"]), flush=True)
    print("%15s %s" % ("", row["settings"]), flush=True)


def run_all(tasks, data, jobs):
    """Return {(experiment name, seed): run's result} for every task, ``jobs`` at a time.

    With jobs > 1 each run is a forked process that writes its result back
    as JSON through a pipe (nothing is pickled); a run is deterministic
    given its seed, so the results do not depend on ``jobs``.
    """
    if jobs <= 1 or processes.fork_context() is None:
        return {(e.name, seed): run(e, seed, data) for e, seed in tasks}
    context = processes.fork_context()
    results, running, pending = {}, [], list(tasks)
    while pending or running:
        while pending and len(running) < jobs:
            experiment, seed = pending.pop(0)
            read_end, write_end = os.pipe()
            proc = context.Process(target=_run_child, args=(experiment, seed, data, write_end))
            proc.start()
            os.close(write_end)
            running.append((experiment, seed, proc, os.fdopen(read_end, "rb")))
        experiment, seed, proc, pipe = running.pop(0)
        with pipe:
            text = pipe.read()
        proc.join()
        if proc.exitcode != 0 or not text:
            raise SystemExit("reproduce: the run of %s with seed %d failed (exit code %s)"
                             % (experiment.name, seed, proc.exitcode))
        results[(experiment.name, seed)] = json.loads(text.decode("utf-8"))
    return results


def _run_child(experiment, seed, data, write_end):
    """In a forked process: run one experiment and write its result as JSON to the pipe."""
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(json.dumps(run(experiment, seed, data)).encode("utf-8"))
    os._exit(0)


def main(argv=None):
    """Run the chosen experiments and print the comparison; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/ (default: as pureml finds it)")
    parser.add_argument("--quick", action="store_true",
                        help="only the 1,000-image experiments (%s)" % ", ".join(QUICK))
    parser.add_argument("--only", action="append", choices=[e.name for e in EXPERIMENTS],
                        help="run only this experiment (repeatable)")
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds (default 1,2,3)")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="run N experiments or seeds at once, each in a process of its "
                             "own (the results are the same as one at a time)")
    parser.add_argument("--dlfs", action="store_true",
                        help="run Deep Learning from Scratch's experiments instead "
                             "(tools/reproduce_dlfs.py; its own options follow --dlfs)")
    args, rest = parser.parse_known_args(argv)
    if args.dlfs:
        return reproduce_dlfs.main(rest + (["--data", args.data] if args.data else []))
    if rest:
        parser.error("unrecognized arguments: %s" % " ".join(rest))
    seeds = [int(s) for s in args.seeds.split(",")]
    names = args.only or (QUICK if args.quick else [e.name for e in EXPERIMENTS])
    chosen = [e for e in EXPERIMENTS if e.name in names]

    print("%s %s, kernels %s, seeds %s, %s" % (
        platform.python_implementation(), platform.python_version(), dense.vecmat_each.__name__,
        ",".join(map(str, seeds)), time.strftime("%Y-%m-%d")), flush=True)
    data = mnist.load_data_wrapper(args.data)
    tasks = [(experiment, seed) for experiment in chosen for seed in seeds]
    results = run_all(tasks, data, args.jobs)
    rows = []
    for experiment in chosen:
        runs = [results[(experiment.name, seed)] for seed in seeds]
        row = summarise(experiment, runs)
        rows.append(row)
        print_row(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"implementation": platform.python_implementation(),
                       "version": platform.python_version(), "seeds": seeds,
                       "date": time.strftime("%Y-%m-%d"), "experiments": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
