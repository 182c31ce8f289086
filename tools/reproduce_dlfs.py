"""Rerun Deep Learning from Scratch's chapter 5 and 6 experiments on pureml.

    PUREML_DATA=DIR pypy3 -m tools.reproduce_dlfs --svg curves/
    PUREML_DATA=DIR pypy3 -m tools.reproduce_dlfs --only ch5-train

Each experiment is one of the book's scripts with its settings (network,
optimizer, learning rate, batch size, iterations, data), written against
pureml with the book's names.  Each prints the book's result beside
pureml's, with the settings and the time taken; ``--svg DIR`` also writes
each learning curve as an SVG through pureml.display.plot, and ``--json FILE``
keeps every number.  The book's chapter 5 run is repeated for every seed
(``--seeds``); each chapter 6 comparison runs once, with the first seed.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time

from pureml.engine import dense
from pureml.engine.vectors import PYPY
from pureml.display import plot
from pureml.layernet import MultiLayerNet, TwoLayerNet
from pureml.mnist import load_mnist
from pureml.optimizers import SGD, AdaGrad, Adam, Momentum
from pureml.trainer import Trainer


def batches(rng, train_size, batch_size):
    """Yield index lists of ``batch_size`` drawn with replacement, as np.random.choice does."""
    indices = range(train_size)
    while True:
        yield rng.choices(indices, k=batch_size)


def take(x, t, mask):
    """Return the examples and labels at the indices ``mask``."""
    return [x[i] for i in mask], [t[i] for i in mask]


# --------------------------------------------------------------------- chapter 5

def ch5_train(data, seed):
    """ch05/train_neuralnet.py: TwoLayerNet(784, 50, 10), 10,000 iterations of 100, SGD lr 0.1."""
    (x_train, t_train), (x_test, t_test) = data
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=seed)
    optimizer = SGD(lr=0.1)
    iters_num, batch_size = 10000, 100
    iter_per_epoch = max(len(x_train) / batch_size, 1)
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    draw = batches(random.Random(seed), len(x_train), batch_size)
    for i in range(iters_num):
        x_batch, t_batch = take(x_train, t_train, next(draw))
        grad = network.gradient(x_batch, t_batch)
        optimizer.update(network.params, grad)
        train_loss_list.append(network.last_loss)
        if i % iter_per_epoch == 0:
            train_acc_list.append(network.accuracy(x_train, t_train))
            test_acc_list.append(network.accuracy(x_test, t_test))
    train_acc_list.append(network.accuracy(x_train, t_train))
    test_acc_list.append(network.accuracy(x_test, t_test))
    return {"train_acc": train_acc_list[-1], "test_acc": test_acc_list[-1],
            "curves": {"accuracy": {"train": train_acc_list, "test": test_acc_list},
                       "cost": {"training (each mini-batch)": train_loss_list},
                       "cost_unit": "mini-batch"}}


def ch5_gradient_check(data, seed):
    """ch05/gradient_check.py: backprop against numerical_gradient on x_train[:3]."""
    (x_train, t_train), _ = data
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=seed)
    x_batch, t_batch = x_train[:3], t_train[:3]
    grad_numerical = network.numerical_gradient(x_batch, t_batch)
    grad_backprop = network.gradient(x_batch, t_batch)
    diffs = {}
    for key in grad_numerical:
        numerical = _flat(grad_numerical[key])
        backprop = _flat(grad_backprop[key])
        diffs[key] = statistics.fmean(abs(a - b) for a, b in zip(backprop, numerical))
    return {"mean_abs_difference": diffs}


def _flat(value):
    """Return a vector or matrix as one flat list."""
    return [v for row in value for v in row] if value and isinstance(value[0], list) else value


# --------------------------------------------------------------------- chapter 6

def _compare(data, seed, networks, optimizers, max_iterations=2000, batch_size=128):
    """Train several networks on the same mini-batches; return each one's loss per iteration."""
    (x_train, t_train), _ = data
    train_loss = {key: [] for key in networks}
    draw = batches(random.Random(seed), len(x_train), batch_size)
    for _ in range(max_iterations):
        x_batch, t_batch = take(x_train, t_train, next(draw))
        for key, network in networks.items():
            grads = network.gradient(x_batch, t_batch)
            optimizers[key].update(network.params, grads)
            train_loss[key].append(network.last_loss)
    return train_loss


def _loss_summary(train_loss):
    """Return the result dict of a comparison: the mean of each one's last 100 losses, and curves."""
    final = {key: statistics.fmean(losses[-100:]) for key, losses in train_loss.items()}
    return {"final_loss": final, "curves": {"cost": train_loss, "cost_unit": "mini-batch"}}


def ch6_optimizers(data, seed):
    """ch06/optimizer_compare_mnist.py: five layers of 100 ReLUs, batches of 128, 2,000 iterations."""
    optimizers = {"SGD": SGD(), "Momentum": Momentum(), "AdaGrad": AdaGrad(), "Adam": Adam()}
    networks = {key: MultiLayerNet(784, [100, 100, 100, 100], 10, seed=seed + k)
                for k, key in enumerate(optimizers)}
    return _loss_summary(_compare(data, seed, networks, optimizers))


def ch6_weight_init(data, seed):
    """ch06/weight_init_compare.py: std 0.01, Xavier and He on the same net, SGD lr 0.01."""
    weight_init_types = {"std=0.01": 0.01, "Xavier": "sigmoid", "He": "relu"}
    networks = {key: MultiLayerNet(784, [100, 100, 100, 100], 10, weight_init_std=weight_type,
                                   seed=seed + k)
                for k, (key, weight_type) in enumerate(weight_init_types.items())}
    optimizers = {key: SGD(lr=0.01) for key in networks}
    return _loss_summary(_compare(data, seed, networks, optimizers))


def ch6_batch_norm(data, seed):
    """ch06/batch_norm_test.py: 1,000 images, six layers, 20 epochs, with and without batch norm.

    Run for 16 weight scales from 1 down to 1e-4, as the book's Figure 6-19.
    """
    (x_train, t_train), _ = data
    x_train, t_train = x_train[:1000], t_train[:1000]
    train_size, batch_size, max_epochs = 1000, 100, 20
    iter_per_epoch = max(train_size / batch_size, 1)
    results = {}
    for k in range(16):
        weight_init_std = 10 ** (-4 * k / 15)        # np.logspace(0, -4, num=16)
        bn_network = MultiLayerNet(784, [100] * 5, 10, weight_init_std=weight_init_std,
                                   use_batchnorm=True, seed=seed + 2 * k)
        network = MultiLayerNet(784, [100] * 5, 10, weight_init_std=weight_init_std,
                                seed=seed + 2 * k + 1)
        optimizer = SGD(lr=0.01)
        draw = batches(random.Random(seed + k), train_size, batch_size)
        train_acc, bn_train_acc = [], []
        epoch_cnt, i = 0, 0
        while True:
            x_batch, t_batch = take(x_train, t_train, next(draw))
            for _network in (bn_network, network):
                grads = _network.gradient(x_batch, t_batch)
                optimizer.update(_network.params, grads)
            if i % iter_per_epoch == 0:
                train_acc.append(network.accuracy(x_train, t_train))
                bn_train_acc.append(bn_network.accuracy(x_train, t_train))
                epoch_cnt += 1
                if epoch_cnt >= max_epochs:
                    break
            i += 1
        results["%.4g" % weight_init_std] = {"batch_norm": bn_train_acc, "normal": train_acc}
    better = sum(r["batch_norm"][-1] > r["normal"][-1] for r in results.values())
    shown = "%.4g" % 10 ** (-4 * 3 / 15)             # 0.1585, one of the book's panels
    return {"final_train_acc": {scale: {"with": r["batch_norm"][-1], "without": r["normal"][-1]}
                                for scale, r in results.items()},
            "batch_norm_better": better, "scales": len(results),
            "curves": {"accuracy": {"with batch norm, scale " + shown:
                                    results[shown]["batch_norm"],
                                    "without, scale " + shown: results[shown]["normal"]}}}


def _overfit(data, seed, epochs=201, **net_options):
    """ch06/overfit_*.py: 300 images, six layers of 100, SGD lr 0.01, batches of 100."""
    (x_train, t_train), (x_test, t_test) = data
    x_train, t_train = x_train[:300], t_train[:300]
    network = MultiLayerNet(784, [100] * 6, 10, seed=seed, **net_options)
    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=epochs,
                      mini_batch_size=100, optimizer="sgd", optimizer_param={"lr": 0.01},
                      verbose=False, seed=seed)
    trainer.train()
    return {"train_acc": trainer.train_acc_list[-1], "test_acc": trainer.test_acc_list[-1],
            "gap": trainer.train_acc_list[-1] - trainer.test_acc_list[-1],
            "curves": {"accuracy": {"train": trainer.train_acc_list,
                                    "test": trainer.test_acc_list}}}


def ch6_overfit(data, seed):
    """ch06/overfit_weight_decay.py with weight_decay_lambda = 0: overfitting, 201 epochs."""
    return _overfit(data, seed)


def ch6_weight_decay(data, seed):
    """ch06/overfit_weight_decay.py: the same with weight_decay_lambda = 0.1, 201 epochs."""
    return _overfit(data, seed, weight_decay_lambda=0.1)


def ch6_dropout(data, seed):
    """ch06/overfit_dropout.py: the same network with dropout_ratio 0.2, 301 epochs."""
    return _overfit(data, seed, epochs=301, use_dropout=True, dropout_ratio=0.2)


# --------------------------------------------------------------------- the table

#: name -> (function, the book's result in words, how pureml's result is summarised)
EXPERIMENTS = {
    "ch5-train": (ch5_train, "train acc about 0.98, test acc about 0.97 (the book's numpy "
                             "code here, seeds 1-3: test 0.969-0.972)"),
    "ch5-gradcheck": (ch5_gradient_check, "tiny mean differences; the book's numpy code "
                                          "here (seed 1): W1 4.5e-10, b1 2.6e-09, W2 6.2e-09, "
                                          "b2 1.4e-07"),
    "ch6-optimizers": (ch6_optimizers, "Figure 6-9: SGD learns slowest; Momentum, AdaGrad "
                                       "and Adam far faster, AdaGrad a little the fastest"),
    "ch6-weight-init": (ch6_weight_init, "Figure 6-15: std 0.01 does not learn at all; "
                                         "Xavier and He do, He faster"),
    "ch6-batch-norm": (ch6_batch_norm, "Figure 6-19: batch norm learns faster at almost "
                                       "every weight scale; without it many scales never learn"),
    "ch6-overfit": (ch6_overfit, "Figure 6-20: train acc reaches 1.0, test acc stays far "
                                 "below (about 0.7)"),
    "ch6-weight-decay": (ch6_weight_decay, "Figure 6-21: the gap narrows; train acc no "
                                           "longer reaches 1.0"),
    "ch6-dropout": (ch6_dropout, "Figure 6-23: with dropout 0.2 the gap narrows and train "
                                 "acc no longer reaches 1.0"),
}


def summary(name, result):
    """Return pureml's result for the table, in a few words."""
    if "train_acc" in result:
        return "train acc %.4f, test acc %.4f" % (result["train_acc"], result["test_acc"])
    if "mean_abs_difference" in result:
        return ", ".join("%s %.1e" % item for item in result["mean_abs_difference"].items())
    if "final_loss" in result:
        return "mean loss over the last 100 iterations: " + ", ".join(
            "%s %.3f" % item for item in result["final_loss"].items())
    if "final_train_acc" in result:
        final = result["final_train_acc"].values()
        return ("final train acc ahead with batch norm at %d of %d weight scales; with: %.3f "
                "to %.3f, without: %.3f to %.3f"
                % (result["batch_norm_better"], result["scales"],
                   min(r["with"] for r in final), max(r["with"] for r in final),
                   min(r["without"] for r in final), max(r["without"] for r in final)))
    return json.dumps(result)


def write_curves(folder, name, seed, result):
    """Write the result's learning curves to ``folder/name-seed.svg``; return the path."""
    curves = result.get("curves", {})
    path = os.path.join(folder, "%s-seed%d.svg" % (name, seed))
    plot.training_curves(path, curves.get("accuracy"), curves.get("cost"),
                         title="%s (pureml, seed %d)" % (name, seed),
                         cost_unit=curves.get("cost_unit", "epoch"))
    return path


def main(argv=None):
    """Run the chosen experiments and print each beside the book's result; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--only", action="append", choices=sorted(EXPERIMENTS),
                        help="run only this experiment (repeatable)")
    parser.add_argument("--seeds", default="1,2,3",
                        help="seeds for chapter 5's run; chapter 6 uses the first (default 1,2,3)")
    parser.add_argument("--svg", metavar="DIR", help="write each learning curve as an SVG here")
    parser.add_argument("--json", metavar="FILE", help="also write every result to FILE")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    names = args.only or list(EXPERIMENTS)
    if args.svg:
        os.makedirs(args.svg, exist_ok=True)
    print("%s %s, kernels %s, seeds %s, %s" % (
        platform.python_implementation(), platform.python_version(), dense.vecmat_each.__name__,
        ",".join(map(str, seeds)), time.strftime("%Y-%m-%d %H:%M")), flush=True)
    data = load_mnist(args.data, normalize=True)
    results = {}
    for name in names:
        function, book = EXPERIMENTS[name]
        runs = []
        for seed in (seeds if name == "ch5-train" else seeds[:1]):
            start = time.perf_counter()
            result = function(data, seed)
            result["seconds"] = time.perf_counter() - start
            result["seed"] = seed
            runs.append(result)
            print("%-16s seed %d: %s  (%.0f s)" % (name, seed, summary(name, result),
                                                   result["seconds"]), flush=True)
            if args.svg and result.get("curves"):
                print("%16s curves: %s" % ("", write_curves(args.svg, name, seed, result)))
        print("%16s the book: %s" % ("", book))
        print("%16s %s" % ("", " ".join(function.__doc__.split())), flush=True)
        results[name] = runs
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"implementation": platform.python_implementation(),
                       "version": platform.python_version(), "seeds": seeds,
                       "date": time.strftime("%Y-%m-%d"), "experiments": results}, f, indent=1,
                      allow_nan=True)
    if "ch5-train" in results and len(results["ch5-train"]) > 1:
        tests = [r["test_acc"] for r in results["ch5-train"]]
        print("ch5-train over %d seeds: test acc %.4f to %.4f (mean %.4f)"
              % (len(tests), min(tests), max(tests), statistics.fmean(tests)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
