"""Rerun the books' convolutional networks on pureml: DLFS's train_convnet and Nielsen's chapter 6.

    PUREML_DATA=DIR pypy3 -m tools.reproduce_conv --only dlfs-convnet
    PUREML_DATA=DIR pypy3 -m tools.reproduce_conv --only nielsen-ch6 --epochs 5

Each experiment is one of the books' runs with the books' settings and
prints the book's figure beside pureml's, with the time taken.  The books'
runs are long in pure Python (DLFS's 20 epochs, Nielsen's 60), so
``--epochs N`` runs the first N epochs only, and the report says how many
of the book's were run.  ``--svg DIR`` writes the learning curves and
``--json FILE`` keeps every number; ``--save DIR`` keeps each trained
network (save_params), which evaluate, predict and serve read.

* dlfs-convnet: ch07/train_convnet.py.  SimpleConvNet (30 5x5 filters,
  2x2 max pooling, 100 hidden ReLUs), Trainer with Adam (lr 0.001),
  batches of 100, 20 epochs, each measured on 1,000 images; the book's
  final test accuracy is about 0.99.
* nielsen-ch6: network3's first convolutional network: ConvPoolLayer of
  20 5x5 filters with 2x2 max pooling, FullyConnectedLayer of 100 sigmoid
  neurons, SoftmaxLayer; mini-batches of 10, eta 0.1, 60 epochs; 98.78%
  (the test accuracy at the best validation accuracy).
* nielsen-ch6-relu: the same with ReLUs, eta 0.03, lmbda 0.1: 99.23%.
* expanded-99: issue 13's documented run, the command line's
  ``train --net conv --expand ...`` with exactly the settings of
  EXPANDED_99 (DLFS's SimpleConvNet on all 60,000 training images,
  displaced as Nielsen's expand_mnist.py does, for a number of epochs
  fixed beforehand, measured on the test images after the last); beside
  it the book's figure for expanded data, 99.37% (Nielsen's deeper
  network of two conv-pool layers).
"""

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time

from pureml import cli
from pureml.engine import conv, dense
from pureml.engine.vectors import PYPY
from pureml.display import plot
from pureml.convnet import SimpleConvNet
from pureml.network3 import ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer
from pureml.network3 import Network as ConvNetwork
from pureml.layers import Relu, Sigmoid
from pureml.mnist import load_data, load_mnist
from pureml.trainer import Trainer


def dlfs_convnet(args, seed, epochs):
    """ch07/train_convnet.py with pureml; return its result dict."""
    (x_train, t_train), (x_test, t_test) = load_mnist(args.data, flatten=False)
    network = SimpleConvNet(input_dim=(1, 28, 28),
                            conv_param={"filter_num": 30, "filter_size": 5, "pad": 0,
                                        "stride": 1},
                            hidden_size=100, output_size=10, weight_init_std=0.01, seed=seed)
    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=epochs,
                      mini_batch_size=100, optimizer="Adam", optimizer_param={"lr": 0.001},
                      evaluate_sample_num_per_epoch=1000, verbose=args.verbose, seed=seed)
    test_acc = trainer.train()
    if args.save:
        network.save_params(os.path.join(args.save, "dlfs-convnet-seed%d.json" % seed),
                            metadata={"experiment": "dlfs-convnet", "epochs": epochs,
                                      "test_accuracy": test_acc})
    return {"test_acc": test_acc, "train_acc_list": trainer.train_acc_list,
            "test_acc_list": trainer.test_acc_list,
            "curves": {"accuracy": {"train (1,000)": trainer.train_acc_list,
                                    "test (1,000)": trainer.test_acc_list},
                       "cost": {"training (each mini-batch)": trainer.train_loss_list},
                       "cost_unit": "mini-batch"}}


def _network3(activation, rng_seed):
    """Return network3's first convolutional network with the given activation."""
    rng = random.Random(rng_seed)
    mini_batch_size = 10
    return ConvNetwork([
        ConvPoolLayer(image_shape=(mini_batch_size, 1, 28, 28), filter_shape=(20, 1, 5, 5),
                      poolsize=(2, 2), activation_fn=activation, rng=rng),
        FullyConnectedLayer(n_in=20 * 12 * 12, n_out=100, activation_fn=activation, rng=rng),
        SoftmaxLayer(n_in=100, n_out=10, rng=rng)], mini_batch_size)


def _nielsen(args, seed, epochs, activation, eta, lmbda):
    """Train network3's network with mini-batches of 10; return its result dict."""
    training_data, validation_data, test_data = load_data(args.data)
    net = _network3(activation, seed)
    per_epoch = []
    best, test_accuracy = net.SGD(training_data, epochs, 10, eta, validation_data, test_data,
                                  lmbda=lmbda, verbose=args.verbose,
                                  on_epoch=per_epoch.append)
    return {"test_acc": test_accuracy, "best_validation": best,
            "validation_per_epoch": [r["validation_accuracy"] for r in per_epoch],
            "curves": {"accuracy": {"validation": [r["validation_accuracy"]
                                                   for r in per_epoch]}}}


def nielsen_ch6(args, seed, epochs):
    """Chapter 6's first conv net: sigmoid neurons, eta 0.1."""
    return _nielsen(args, seed, epochs, Sigmoid, 0.1, 0.0)


def nielsen_ch6_relu(args, seed, epochs):
    """Chapter 6's conv net with ReLUs, eta 0.03 and lmbda 0.1."""
    return _nielsen(args, seed, epochs, Relu, 0.03, 0.1)


#: The documented 99% run (tools/README.md, "Convolutional networks"): the
#: options of ``pureml train``, all of them fixed before it ran.  It trains
#: on all 60,000 training images for a fixed number of epochs and is
#: measured on the test images once, after the last epoch; the first 1,000
#: test images measured after each epoch are shown, and choose nothing.
EXPANDED_99 = ["--net", "conv", "--expand", "1", "--epochs", "6", "--batch-size", "50",
               "--lr-decay", "0.7", "--validation-size", "0", "--evaluate-on", "test",
               "--evaluate-samples", "1000", "--seed", "2"]


def _option(options, name):
    """Return the value that follows ``name`` in a list of command-line options."""
    return options[options.index(name) + 1]


def expanded_99(args, seed, epochs):
    """Run ``pureml train`` with EXPANDED_99, but ``seed`` and ``epochs``; return its result."""
    options = list(EXPANDED_99)
    options[options.index("--epochs") + 1] = str(epochs)
    options[options.index("--seed") + 1] = str(seed)
    if args.data:
        options += ["--data", args.data]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(args.save or tmp, "expanded-99.json")
        status = cli.main(["train"] + options + ["--save", path] +
                          ([] if args.verbose else ["--quiet"]))
        if status != 0:
            raise SystemExit("pureml train %s exited %d" % (" ".join(options), status))
        with open(path) as f:
            metadata = json.load(f)["metadata"]
    n, name = metadata["evaluation_images"], metadata["evaluated_on"]
    per_epoch = [c / n for c in metadata["correct_per_epoch"]]
    if "kept_epoch" in metadata:        # --keep-best: the validation images chose an epoch
        test_acc, epoch = metadata["test_correct"] / metadata["test_images"], \
            metadata["kept_epoch"]
    elif "final_correct" in metadata:   # the last epoch, on the whole test set
        test_acc, epoch = metadata["final_correct"] / metadata["final_images"], \
            metadata["epochs_run"] - 1
    else:                               # the whole set was the per-epoch sample
        test_acc, epoch = per_epoch[-1], metadata["epochs_run"] - 1
    return {"test_acc": test_acc, "epoch_measured": epoch, "per_epoch": per_epoch,
            "command": "pureml train " + " ".join(options),
            "curves": {"accuracy": {"%s (first %d)" % (name, n): per_epoch}}}


#: name -> (function, the book's epochs (the run's, for expanded-99), the book's figure,
#: what it is)
EXPERIMENTS = {
    "dlfs-convnet": (dlfs_convnet, 20, 0.99, "DLFS ch. 7 train_convnet.py: final test accuracy"),
    "nielsen-ch6": (nielsen_ch6, 60, 0.9878, "Nielsen ch. 6, first conv net (sigmoid): test "
                                             "accuracy at the best validation accuracy"),
    "nielsen-ch6-relu": (nielsen_ch6_relu, 60, 0.9923, "Nielsen ch. 6, ReLU, eta 0.03, "
                                                       "lmbda 0.1: the same"),
    "expanded-99": (expanded_99, int(_option(EXPANDED_99, "--epochs")), 0.9937,
                    "SimpleConvNet, expanded data (pureml train %s), test accuracy after the "
                    "last epoch; the book: Nielsen ch. 6's two conv-pool layers on the "
                    "expanded data" % " ".join(EXPANDED_99)),
}


def main(argv=None):
    """Run the chosen experiments and print each beside the book's figure; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--only", action="append", choices=sorted(EXPERIMENTS))
    parser.add_argument("--epochs", type=int, help="run only this many of the book's epochs")
    parser.add_argument("--seed", type=int,
                        help="seed every run (default: 1; expanded-99: EXPANDED_99's)")
    parser.add_argument("--svg", metavar="DIR")
    parser.add_argument("--save", metavar="DIR", help="keep each trained network here")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--verbose", action="store_true", help="print the books' own lines")
    args = parser.parse_args(argv)
    for folder in (args.svg, args.save):
        if folder:
            os.makedirs(folder, exist_ok=True)
    print("%s %s, kernels %s/%s, seed %s, %s" % (
        platform.python_implementation(), platform.python_version(), dense.vecmat_each.__name__,
        conv.convolve.__name__, "as each run's" if args.seed is None else args.seed,
        time.strftime("%Y-%m-%d %H:%M")), flush=True)
    results = {}
    for name in args.only or list(EXPERIMENTS):
        function, book_epochs, book, what = EXPERIMENTS[name]
        epochs = min(args.epochs or book_epochs, book_epochs)
        start = time.perf_counter()
        seed = args.seed
        if seed is None:
            seed = int(_option(EXPANDED_99, "--seed")) if function is expanded_99 else 1
        result = function(args, seed, epochs)
        result.update(seconds=time.perf_counter() - start, epochs=epochs, seed=seed,
                      book_epochs=book_epochs, book=book)
        results[name] = result
        print("%-17s book %.2f%%  pureml %.2f%% after %d of the %s %d epochs  (%.0f s)"
              % (name, 100 * book, 100 * result["test_acc"], epochs,
                 "run's" if function is expanded_99 else "book's", book_epochs,
                 result["seconds"]), flush=True)
        print("%17s %s" % ("", what), flush=True)
        if args.svg:
            curves = result["curves"]
            path = os.path.join(args.svg, "%s-seed%d.svg" % (name, seed))
            plot.training_curves(path, curves.get("accuracy"), curves.get("cost"),
                                 title="%s (pureml, seed %d, %d epochs)" % (name, seed, epochs),
                                 cost_unit=curves.get("cost_unit", "epoch"))
            print("%17s curves: %s" % ("", path), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"implementation": platform.python_implementation(),
                       "version": platform.python_version(), "seed": args.seed,
                       "date": time.strftime("%Y-%m-%d"), "experiments": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
