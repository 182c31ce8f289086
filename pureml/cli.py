"""The command line: ``python -m pureml`` (or the ``pureml`` script).

Six subcommands, each with ``--help``:

    train       train a network on MNIST, as the book's chapter 1 does by
                default, with network2's options on top
    evaluate    accuracy, per-class accuracy and a confusion matrix of a
                saved network, and the images it gets wrong
    predict     the digit a saved network sees in your own PNG or PGM files
    show        MNIST images drawn in the terminal, with their labels
    download    fetch MNIST (or Fashion-MNIST) and verify it
    gradcheck   compare backpropagation with numerical derivatives

``main(argv)`` returns the exit status: 0 for success, 1 for an error the
user can fix (the message says how, on one line starting ``pureml:``), 2 for
a wrong option (argparse's usage message) and 130 after Ctrl-C.  No
traceback is shown for anything the user can cause.
"""

import argparse
import datetime
import json
import math
import os
import platform
import random
import shutil
import signal
import sys
import threading
import time
import urllib.parse

from pureml import __version__, gradcheck, images, matrix, mnist, network, plot, terminal
from pureml.network import (CrossEntropyCost, LogLikelihoodCost, QuadraticCost, ReLU,
                            Sigmoid, Tanh)

__all__ = ["main", "build_parser", "CommandError"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130          # 128 + SIGINT, what shells report for Ctrl-C

#: The --cost choices and the cost classes they name.
COSTS = {"quadratic": QuadraticCost, "cross-entropy": CrossEntropyCost,
         "log-likelihood": LogLikelihoodCost}

#: The --activation choices and the activation classes they name.
ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}

#: The --init choices, network.WEIGHT_INITIALIZERS: N(0,1), N(0,1/n_in), He.
INITIALIZERS = tuple(network.WEIGHT_INITIALIZERS)

#: What the ten classes of Fashion-MNIST are.
FASHION_LABELS = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                  "Shirt", "Sneaker", "Bag", "Ankle boot")

#: The names of the three sets, as --set and --evaluate-on take them.
SET_NAMES = {"train": "training", "validation": "validation", "test": "test"}

_STYLES = ("auto",) + terminal.STYLES
_GAP = 4                        # columns between images drawn side by side


class CommandError(ValueError):
    """Something the user asked for cannot be done; the message says why."""


# ---------------------------------------------------------------------------
# Argument types: each returns the value or raises ArgumentTypeError, which
# argparse turns into a usage message and exit status 2.


def positive_int(text):
    """Return ``text`` as an int of at least 1."""
    return _int_at_least(text, 1, "a whole number of at least 1")


def nonnegative_int(text):
    """Return ``text`` as an int of at least 0."""
    return _int_at_least(text, 0, "a whole number of at least 0")


def _int_at_least(text, minimum, what):
    """Return ``text`` as an int >= ``minimum``; ArgumentTypeError saying ``what`` otherwise."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("expected %s, not %r" % (what, text)) from None
    if value < minimum:
        raise argparse.ArgumentTypeError("expected %s, not %r" % (what, text))
    return value


def finite_float(text):
    """Return ``text`` as a float that is neither NaN nor infinite."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number, not %r" % (text,)) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError("expected a finite number, not %r" % (text,))
    return value


def positive_float(text):
    """Return ``text`` as a finite float greater than 0."""
    value = finite_float(text)
    if value <= 0.0:
        raise argparse.ArgumentTypeError("expected a number greater than 0, not %r" % (text,))
    return value


def nonnegative_float(text):
    """Return ``text`` as a finite float of at least 0."""
    value = finite_float(text)
    if value < 0.0:
        raise argparse.ArgumentTypeError("expected a number of at least 0, not %r" % (text,))
    return value


def momentum(text):
    """Return ``text`` as a momentum coefficient: a float with 0 <= mu < 1."""
    value = finite_float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError("expected a number from 0 up to (not including) 1, "
                                         "not %r" % (text,))
    return value


def layer_sizes(text):
    """Return ``text``, such as "784,30,10", as a list of at least two positive ints."""
    parts = [part.strip() for part in text.split(",")]
    sizes = []
    for part in parts:
        if not part.isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(
                "layer sizes are whole numbers of at least 1 separated by commas, such as "
                "784,30,10; %r in %r is not one" % (part, text))
        sizes.append(int(part))
    if len(sizes) < 2:
        raise argparse.ArgumentTypeError(
            "a network needs at least two layers, inputs and outputs, such as 784,30,10; "
            "got %r" % (text,))
    return sizes


def mirror_url(text):
    """Return ``text`` if it is an http, https or file URL (a mirror's base URL)."""
    scheme = urllib.parse.urlsplit(text).scheme.lower()
    if scheme not in ("http", "https", "file"):
        raise argparse.ArgumentTypeError(
            "a mirror is an http://, https:// or file:// URL of the folder holding the "
            "four files, not %r" % (text,))
    return text


# ---------------------------------------------------------------------------
# The parser


_DESCRIPTION = """\
The neural networks of Michael Nielsen's "Neural Networks and Deep Learning",
in pure Python.  Run a command with --help for its options."""

_EPILOG = """\
examples:
  {prog} download                      fetch MNIST (train does it too)
  {prog} train --save net.json --plot curves.svg
  {prog} train --cost cross-entropy --init default --lmbda 5 --eta 0.5
  {prog} evaluate net.json --misclassified 6
  {prog} predict net.json my_digit.png --show
  {prog} show 0 1 2
  {prog} gradcheck --cost log-likelihood --activation relu --lmbda 0.1

The data folder is --data DIR, else $PUREML_DATA, else $XDG_CACHE_HOME/pureml
or ~/.cache/pureml."""


def build_parser(prog="pureml"):
    """Return the ``argparse.ArgumentParser`` of the whole command line."""
    parser = argparse.ArgumentParser(
        prog=prog, description=_DESCRIPTION, epilog=_EPILOG.format(prog=prog),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version="pureml " + __version__)
    parser.set_defaults(prog=prog)     # how the user runs pureml, for suggested commands
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     title="commands")
    commands.required = True

    _add_train(commands)
    _add_evaluate(commands)
    _add_predict(commands)
    _add_show(commands)
    _add_download(commands)
    _add_gradcheck(commands)
    return parser


def _subparser(commands, name, summary, description):
    """Add and return the parser of one subcommand."""
    parser = commands.add_parser(name, help=summary, description=description,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(parser=parser)
    return parser


def _add_data_options(parser, split=True):
    """Add --data, --dataset and, with ``split``, --validation-size; return their group."""
    group = parser.add_argument_group("data")
    group.add_argument("--data", metavar="DIR",
                       help="the data folder, holding mnist/ and fashion-mnist/ "
                            "(default: $PUREML_DATA, else ~/.cache/pureml)")
    group.add_argument("--dataset", choices=sorted(mnist.DATASETS), default="mnist",
                       help="which dataset (default: %(default)s)")
    if split:
        group.add_argument("--validation-size", type=nonnegative_int, metavar="N",
                           default=mnist.VALIDATION_SIZE,
                           help="hold out the last N training images as the validation "
                                "set (default: %(default)s, Nielsen's split)")
    return group


def _add_mirror_option(group):
    """Add --mirror to ``group``; return None."""
    group.add_argument("--mirror", metavar="URL", action="append", type=mirror_url,
                       help="try this base URL first, before $PUREML_MIRROR and "
                            "the public mirrors (repeat to give several)")


def _add_style_option(parser):
    """Add --style to ``parser``; return None."""
    parser.add_argument("--style", choices=_STYLES, default="auto",
                        help="how images are drawn: Unicode half blocks, shades, or "
                             "plain ASCII (default: auto, blocks when the output can "
                             "show them)")


def _add_network_options(parser, defaults):
    """Add --cost, --activation and --init to ``parser`` with ``defaults``; return None."""
    parser.add_argument("--cost", choices=sorted(COSTS), default=defaults["cost"],
                        help="the cost function; log-likelihood puts a softmax layer "
                             "at the output (default: %(default)s)")
    parser.add_argument("--activation", choices=sorted(ACTIVATIONS),
                        default="sigmoid",
                        help="the hidden neurons (default: %(default)s)")
    parser.add_argument("--init", choices=INITIALIZERS, default=defaults["init"],
                        help="initial weights: large is N(0,1) as in network.py, "
                             "default is N(0,1/n_in) as in network2, he is N(0,2/n_in) "
                             "for ReLU (default: %(default)s)")


def _add_train(commands):
    parser = _subparser(
        commands, "train", "train a network on MNIST",
        "Train a network by stochastic gradient descent, printing the book's\n"
        "\"Epoch j: correct / n\" line after each epoch.  The defaults are the\n"
        "book's chapter-1 run: [784, 30, 10], 30 epochs, mini-batches of 10,\n"
        "eta 3.0, quadratic cost, N(0, 1) weights, evaluated on the test set.\n"
        "If the data is missing it is downloaded first (see --no-download).\n"
        "Ctrl-C stops, saving the network trained so far when --save is given.")
    parser.set_defaults(func=cmd_train)
    data = _add_data_options(parser)
    data.add_argument("--no-download", action="store_true",
                      help="fail, saying where it looked, instead of downloading "
                           "missing data")
    _add_mirror_option(data)
    net = parser.add_argument_group("the network")
    net.add_argument("--sizes", type=layer_sizes, default=[784, 30, 10], metavar="N,N,...",
                     help="neurons per layer, inputs first; must start with 784 and "
                          "end with 10 (default: 784,30,10)")
    _add_network_options(net, {"cost": "quadratic", "init": "large"})
    net.add_argument("--seed", type=int, metavar="N",
                     help="seed the initial weights and the shuffles, to repeat a run "
                          "(default: a random seed, which is printed and saved)")
    sgd = parser.add_argument_group("training")
    sgd.add_argument("--epochs", type=positive_int, default=30, metavar="N",
                     help="passes over the training data (default: %(default)s)")
    sgd.add_argument("--batch-size", type=positive_int, default=10, metavar="N",
                     help="images per mini-batch (default: %(default)s)")
    sgd.add_argument("--eta", type=positive_float, default=3.0, metavar="ETA",
                     help="the learning rate (default: %(default)s)")
    sgd.add_argument("--lmbda", type=nonnegative_float, default=0.0, metavar="LMBDA",
                     help="L2 regularisation, network2's lmbda (default: %(default)s)")
    sgd.add_argument("--momentum", type=momentum, default=0.0, metavar="MU",
                     help="momentum coefficient mu, from 0 to 1 (default: %(default)s)")
    sgd.add_argument("--limit", type=positive_int, metavar="N",
                     help="train on the first N training images only")
    sgd.add_argument("--early-stopping", type=positive_int, default=0, metavar="N",
                     help="stop when accuracy has not improved for N epochs")
    sgd.add_argument("--eta-schedule", type=positive_int, default=0, metavar="N",
                     help="halve eta when accuracy has not improved for N epochs, and "
                          "stop when it reaches eta/128 (chapter 3)")
    sgd.add_argument("--evaluate-on", choices=("test", "validation"), default="test",
                     help="the images each epoch is measured on, and that early "
                          "stopping and the eta schedule watch (default: %(default)s)")
    sgd.add_argument("--monitor-training", action="store_true",
                     help="also measure accuracy and cost on the training data after "
                          "each epoch (slow)")
    output = parser.add_argument_group("output")
    output.add_argument("--save", metavar="FILE",
                        help="save the trained network as JSON (network2's format)")
    output.add_argument("--plot", metavar="FILE",
                        help="write the accuracy and cost curves as an SVG")
    output.add_argument("--quiet", "-q", action="store_true",
                        help="print only the final summary")


def _add_evaluate(commands):
    parser = _subparser(
        commands, "evaluate", "measure a saved network on MNIST",
        "Print a saved network's accuracy, its accuracy on each class and the\n"
        "10x10 confusion matrix (rows: true label, columns: predicted).")
    parser.set_defaults(func=cmd_evaluate)
    parser.add_argument("model", metavar="MODEL.json", help="a network saved by train --save")
    parser.add_argument("--set", choices=("test", "validation", "train"), default="test",
                        help="the images to measure on (default: %(default)s)")
    parser.add_argument("--misclassified", type=nonnegative_int, default=0, metavar="N",
                        help="also draw the first N images the network gets wrong")
    _add_style_option(parser)
    _add_data_options(parser)


def _add_predict(commands):
    parser = _subparser(
        commands, "predict", "read digits from your own images",
        "Read each image (PNG, or PBM/PGM/PPM), prepare it as the MNIST digits\n"
        "were prepared (ink on black, cropped, scaled to 20x20, centred by mass\n"
        "in 28x28), and print the network's digit and its ten output\n"
        "activations, one line per image.")
    parser.set_defaults(func=cmd_predict)
    parser.add_argument("model", metavar="MODEL.json", help="a network saved by train --save")
    parser.add_argument("images", metavar="IMAGE", nargs="+", help="image files")
    parser.add_argument("--show", action="store_true",
                        help="also draw the 28x28 image the network saw")
    _add_style_option(parser)


def _add_show(commands):
    parser = _subparser(
        commands, "show", "draw MNIST images in the terminal",
        "Draw images of the dataset in the terminal, each with its index and label.")
    parser.set_defaults(func=cmd_show)
    parser.add_argument("indices", metavar="INDEX", nargs="+", type=nonnegative_int,
                        help="positions in the set, from 0")
    parser.add_argument("--set", choices=("train", "validation", "test"), default="test",
                        help="which images; the same indices as evaluate's "
                             "(default: %(default)s)")
    _add_style_option(parser)
    _add_data_options(parser)


def _add_download(commands):
    parser = _subparser(
        commands, "download", "fetch the dataset and verify it",
        "Download the four files of the dataset into <data>/<dataset>/, each\n"
        "checked against its published MD5 before it is kept.  Files already\n"
        "there and valid are kept.  Without --mirror the mirrors tried are\n"
        "$PUREML_MIRROR (if set), then the public ones.")
    parser.set_defaults(func=cmd_download)
    _add_mirror_option(_add_data_options(parser, split=False))


def _add_gradcheck(commands):
    parser = _subparser(
        commands, "gradcheck", "check backprop against numerical derivatives",
        "Build a small network and a random example, then compare every\n"
        "gradient backpropagation computes with the central difference\n"
        "(C(p+h) - C(p-h)) / 2h.  Exit status 0 when the worst relative error\n"
        "is below the tolerance, 1 otherwise.")
    parser.set_defaults(func=cmd_gradcheck)
    parser.add_argument("--sizes", type=layer_sizes, default=[4, 5, 3], metavar="N,N,...",
                        help="neurons per layer (default: 4,5,3)")
    _add_network_options(parser, {"cost": "quadratic", "init": "default"})
    parser.add_argument("--lmbda", type=nonnegative_float, default=0.0, metavar="LMBDA",
                        help="include the L2 term, for a training set of one example "
                             "(default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="seed for the network and the example (default: %(default)s)")
    parser.add_argument("--samples", type=positive_int, metavar="N",
                        help="check every bias but only N weights chosen at random "
                             "(default: every weight)")
    parser.add_argument("--tolerance", type=positive_float, default=1e-6, metavar="TOL",
                        help="the largest relative error that passes (default: %(default)s)")


# ---------------------------------------------------------------------------
# Running


def main(argv=None, prog="pureml"):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    0 is success, 1 an error explained on stderr in one ``pureml:`` message,
    2 a wrong option (argparse's usage message), 130 an interrupt (Ctrl-C).
    """
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except SystemExit as exit_:      # --help, --version, and usage errors
        return _exit_status(exit_)
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_ERROR
    except (ValueError, OSError) as exc:
        _error(_describe(exc))
        return EXIT_ERROR


def _exit_status(exit_):
    """Return the exit status a SystemExit carries, as an int."""
    code = exit_.code
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_ERROR


def _describe(exc):
    """Return the message for an error caught at the top: the exception's text, made plain."""
    if isinstance(exc, UnicodeError):
        return "cannot read a file as text: %s" % exc
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        return "%s: %s" % (exc.filename, exc.strerror)
    return str(exc) or type(exc).__name__


def _error(message):
    """Print ``message`` on stderr, prefixed "pureml: "; return None."""
    _say("pureml: " + message)


def _say(message):
    """Print ``message`` on stderr and flush; return None."""
    print(message, file=sys.stderr, flush=True)


def _silence_stdout():
    """Point stdout at /dev/null, so that Python's final flush of a closed pipe is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# ---------------------------------------------------------------------------
# Data and models


def _load_data(args, fetch=False, log=None):
    """Return ``(training, validation, test)`` as ``mnist.load_data`` gives them.

    With ``fetch``, a dataset missing from its folder is first downloaded
    (saying so on stderr, and logging to ``log``).
    """
    root = mnist.data_root(args.data)
    try:
        return _read_data(root, args)
    except mnist.MissingDataError as missing:
        home = mnist.dataset_dir(root, args.dataset)
        if not fetch or os.path.abspath(missing.folder) != os.path.abspath(home):
            raise
        title = mnist.DATASETS[args.dataset].title
        if len(missing.missing) < len(mnist.FILES):
            title += " (%s)" % ", ".join(missing.missing)
        _say("%s is not in %s; downloading it now (--no-download turns this off)."
             % (title, missing.folder))
        mnist.download(root, args.dataset, _mirrors(args), log=log)
        return _read_data(root, args)


def _mirrors(args):
    """Return the base URLs to download from: --mirror first, then $PUREML_MIRROR and the public mirrors."""
    return (args.mirror or []) + mnist.mirror_urls(args.dataset)


def _load_set(args):
    """Return ``(images, labels)`` of the set ``args.set`` names, reading only the files it needs."""
    if args.set == "test":
        return mnist.load_test_data(mnist.data_root(args.data), args.dataset)
    training, validation, _test = _load_data(args)
    return training if args.set == "train" else validation


def _read_data(root, args):
    """Return ``mnist.load_data(root, ...)`` for ``args``, explaining a bad --validation-size."""
    try:
        return mnist.load_data(root, args.dataset, validation_size=args.validation_size)
    except ValueError as exc:
        if type(exc) is ValueError:        # not IDXError or MNISTError: the split
            raise CommandError("%s (set it with --validation-size N)" % exc) from None
        raise


def _labelled(pair):
    """Return a set given as ``(images, labels)`` as a list of ``(x, label)`` pairs."""
    pixels, labels = pair
    return list(zip(pixels, labels))


def _load_model(path):
    """Return ``(network, metadata)`` from a model file; CommandError if it is not one."""
    net = network.load(path)
    metadata = {}
    try:
        with open(path, "r", encoding="utf-8") as f:
            found = json.load(f).get("metadata")
        if isinstance(found, dict):
            metadata = found
    except (OSError, ValueError, AttributeError):
        pass
    return net, metadata


def _check_inputs(net, path):
    """Raise CommandError unless ``net`` takes the 784 pixels of a 28x28 image."""
    if net.sizes[0] != mnist.IMAGE_SIZE:
        raise CommandError("%s: the network has %d inputs; a 28x28 image has %d pixels"
                           % (path, net.sizes[0], mnist.IMAGE_SIZE))


def _class_name(label, dataset):
    """Return how a label is shown: the digit, or for Fashion-MNIST the digit and its name."""
    if dataset == "fashion-mnist":
        return "%d %s" % (label, FASHION_LABELS[label])
    return str(label)


def _style(args):
    """Return the drawing style --style asks for, choosing for stdout when it is "auto"."""
    return terminal.pick_style(sys.stdout) if args.style == "auto" else args.style


def _grid(blocks):
    """Return text blocks laid out side by side, as many to a row as the terminal fits."""
    if not blocks:
        return ""
    width = max(terminal.display_width(line) for block in blocks
                for line in block.split("\n"))
    columns = shutil.get_terminal_size((80, 24)).columns
    per_row = max(1, (columns + _GAP) // (width + _GAP))
    rows = [terminal.side_by_side(blocks[i:i + per_row], gap=_GAP)
            for i in range(0, len(blocks), per_row)]
    return "\n\n".join(rows)


def _percent(correct, total):
    """Return correct/total as a percentage with two decimals, such as "95.42%"."""
    return "%.2f%%" % (100.0 * correct / total) if total else "n/a"


# ---------------------------------------------------------------------------
# train


def cmd_train(args):
    """Train a network as ``args`` say; return the exit status."""
    parser = args.parser
    if args.sizes[0] != mnist.IMAGE_SIZE or args.sizes[-1] != mnist.CLASSES:
        parser.error("argument --sizes: the network must start with 784 inputs (28x28 "
                     "pixels) and end with 10 outputs (the classes), such as 784,30,10; "
                     "got %s" % ",".join(map(str, args.sizes)))
    _check_output(parser, "--save", args.save)
    _check_output(parser, "--plot", args.plot)
    log = None if args.quiet else _say
    if not args.quiet:
        _say("Loading %s (data folder %s)" % (mnist.DATASETS[args.dataset].title,
                                              mnist.data_root(args.data)))
    training, validation, test = _load_data(args, fetch=not args.no_download, log=log)
    images_, labels = training
    if not labels:
        raise CommandError("the training set is empty (%d images were held out for "
                           "validation; see --validation-size)" % args.validation_size)
    if args.limit is not None:
        if args.limit > len(labels) and not args.quiet:
            _say("--limit %d: there are only %d training images; using them all"
                 % (args.limit, len(labels)))
        images_, labels = images_[:args.limit], labels[:args.limit]
    training_data = [(x, mnist.vectorized_result(y)) for x, y in zip(images_, labels)]
    evaluation_data = _labelled(test if args.evaluate_on == "test" else validation)
    if not evaluation_data:
        raise CommandError("the %s set is empty, so there is nothing to evaluate on%s"
                           % (args.evaluate_on, " (see --validation-size)"
                              if args.evaluate_on == "validation" else ""))
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 31)
    net = network.Network(args.sizes, cost=COSTS[args.cost],
                          activation=ACTIVATIONS[args.activation],
                          weight_initializer=args.init, seed=seed)
    run = TrainingRun(args, seed, len(training_data), len(evaluation_data))
    if not args.quiet:
        _say(run.describe())
    with _sigint_handler(run.interrupt):
        try:
            run.open_progress()
            net.SGD(training_data, args.epochs, args.batch_size, args.eta,
                    test_data=evaluation_data, lmbda=args.lmbda, mu=args.momentum,
                    monitor_training_cost=args.monitor_training,
                    monitor_training_accuracy=args.monitor_training,
                    early_stopping_n=args.early_stopping,
                    eta_schedule_n=args.eta_schedule, verbose=False,
                    on_epoch=run.on_epoch, on_batch=run.on_batch)
        except KeyboardInterrupt:
            status = EXIT_INTERRUPTED
        except network.DivergenceError as exc:
            run.stopping = True
            run.close_progress()
            _error(str(exc))
            if args.plot:
                run.write_plot()
            return EXIT_ERROR
        else:
            status = EXIT_OK
        # From here on Ctrl-C is ignored (run.stopping), so that a second
        # one cannot stop the network being saved.
        run.stopping = True
        run.close_progress()
        if status == EXIT_INTERRUPTED:
            _say(run.interruption())
        run.summarize()
        run.write_files(net, interrupted=status == EXIT_INTERRUPTED)
    return status


def _check_output(parser, option, path):
    """Stop with a usage error now, rather than after training, if ``path`` cannot be written."""
    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        parser.error("argument %s: %s is a folder; give a file name" % (option, path))
    if not os.path.isdir(folder):
        parser.error("argument %s: the folder %s does not exist" % (option, folder))
    if not os.access(folder, os.W_OK):
        parser.error("argument %s: cannot write in the folder %s" % (option, folder))


class _sigint_handler:
    """A context manager that sends SIGINT (Ctrl-C) to ``handler`` inside its block.

    Nothing changes outside the main thread, where signals cannot be
    handled, nor when SIGINT is ignored (as for a job started with nohup).
    The previous handler comes back on the way out.
    """

    def __init__(self, handler):
        self.handler = handler
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) not in (signal.SIG_IGN, None):
            self.previous = signal.signal(signal.SIGINT, self.handler)
        return self

    def __exit__(self, *exc_info):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False


class TrainingRun:
    """What ``train`` keeps while SGD runs, and prints and writes afterwards.

    ``on_batch`` and ``on_epoch`` are SGD's callbacks: they draw the
    progress bar, print each epoch's line, and collect the curves.
    ``interrupt`` is the SIGINT handler.  A first Ctrl-C while mini-batches
    are running stops training at the end of the current mini-batch, so
    the network saved is the one after a whole number of mini-batches;
    during the evaluation at the end of an epoch, or a second time, it
    stops at once.  Once training has stopped (``stopping``), Ctrl-C is
    ignored until the network is saved.
    """

    def __init__(self, args, seed, n_training, n_evaluation):
        self.args = args
        self.seed = seed
        self.n_training = n_training
        self.n_evaluation = n_evaluation
        self.eval_name = args.evaluate_on
        self.correct = []           # per epoch, on the evaluation set
        self.seconds = []           # per epoch, wall time including the evaluation
        self.batch_costs = []       # mean cost of each mini-batch, before its update
        self.history = None         # SGD's History, filled when monitoring
        self.etas = []
        self.epoch = 0              # the epoch running now
        self.images_done = 0        # in the epoch running now
        self.in_mini_batches = True
        self.stop_requested = False
        self.stopping = False
        self.stop_reason = None
        self.best = None            # (correct, epoch)
        self.progress = None
        self.start = self._epoch_start = time.perf_counter()

    # -- what is printed before and after ----------------------------------

    def describe(self):
        """Return the line saying what is about to be trained, and on what."""
        a = self.args
        title = mnist.DATASETS[a.dataset].title
        extras = []
        if a.lmbda:
            extras.append("lmbda %g" % a.lmbda)
        if a.momentum:
            extras.append("momentum %g" % a.momentum)
        if a.early_stopping:
            extras.append("early stopping after %d" % a.early_stopping)
        if a.eta_schedule:
            extras.append("eta schedule %d" % a.eta_schedule)
        return ("Training %s on %d %s images: %s, mini-batches of %d, eta %s%s; "
                "%s cost, %s neurons, %s init; seed %d.\n"
                "Each epoch is measured on the %d %s images."
                % (_sizes_text(a.sizes), self.n_training, title, _plural(a.epochs, "epoch"),
                   a.batch_size, a.eta, "".join(", " + e for e in extras), a.cost,
                   a.activation, a.init, self.seed, self.n_evaluation, a.evaluate_on))

    def interruption(self):
        """Return the message for Ctrl-C: where training stopped."""
        if self.in_mini_batches:
            where = "in epoch %d, after %d of its %d images" % (
                self.epoch, self.images_done, self.n_training)
        else:
            where = "in epoch %d, after training on all its %d images but before " \
                    "measuring it" % (self.epoch, self.n_training)
        return "Interrupted %s; %s complete." % (where, _plural(len(self.correct), "epoch"))

    def summarize(self):
        """Print the final summary on stdout (even with --quiet); return None."""
        elapsed = time.perf_counter() - self.start
        epochs = len(self.correct)
        if self.best is not None:
            correct, epoch = self.best
            print("Best: %d / %d (%s) on the %s set, in epoch %d."
                  % (correct, self.n_evaluation, _percent(correct, self.n_evaluation),
                     self.eval_name, epoch))
        print("%s in %.1f s%s." % (_plural(epochs, "epoch"), elapsed,
                                   "; " + self.stop_reason if self.stop_reason else ""),
              flush=True)

    # -- SGD's callbacks ------------------------------------------------------

    def on_batch(self, done, total, cost):
        """Note one finished mini-batch: progress, its cost, and a pending Ctrl-C."""
        self.images_done = done
        if cost is not None:
            self.batch_costs.append(cost)
        if self.stop_requested:
            self.stopping = True
            raise KeyboardInterrupt
        if self.progress is not None:
            self.progress.update(done)
        if done == total:
            self.close_progress()
            self.in_mini_batches = False

    def on_epoch(self, record):
        """Print and keep what one epoch measured."""
        now = time.perf_counter()
        seconds, self._epoch_start = now - self._epoch_start, now
        j = record["epoch"]
        correct = record["test_correct"]
        self.correct.append(correct)
        self.seconds.append(seconds)
        self.etas.append(record["eta"])
        self.history = record.get("history")
        if self.best is None or correct > self.best[0]:
            self.best = (correct, j)
        notes = record["notes"]
        if record["stop_reason"]:
            self.stop_reason = "stopped: " + record["stop_reason"]
        if not self.args.quiet:
            line = "Epoch {0}: {1} / {2}  ({3:.1f} s{4})".format(
                j, correct, record["test_total"], seconds,
                ", eta %g" % record["eta"] if self.args.eta_schedule else "")
            lines = [line]
            if self.args.monitor_training and self.history is not None:
                lines.append("  training data: %d / %d, cost %.6g"
                             % (self.history.training_accuracy[-1], self.n_training,
                                self.history.training_cost[-1]))
            lines.extend("  " + note for note in notes)
            print("\n".join(lines), flush=True)
        self.epoch = j + 1
        self.images_done = 0
        self.in_mini_batches = True
        self.open_progress()

    def interrupt(self, signum, frame):
        """The SIGINT handler: stop after this mini-batch, at once, or not (see the class)."""
        if self.stopping:
            return
        if self.in_mini_batches and not self.stop_requested:
            self.stop_requested = True
            return
        self.stopping = True
        raise KeyboardInterrupt

    def open_progress(self):
        """Start the progress bar of the next epoch (drawn only on a terminal); return None."""
        self.close_progress()
        if not self.args.quiet:
            self.progress = terminal.Progress(self.n_training, stream=sys.stderr,
                                              label="Epoch %d" % self.epoch)

    def close_progress(self):
        """Blank and forget the progress bar, if one is drawn; return None."""
        if self.progress is not None:
            self.progress.close()
            self.progress = None

    # -- files ------------------------------------------------------------------

    def write_files(self, net, interrupted=False):
        """Save the network and write the plot, as --save and --plot ask; return None."""
        if self.args.save:
            try:
                net.save(self.args.save, metadata=self.metadata(interrupted))
            except OSError as exc:
                raise CommandError("could not save the network to %s: %s"
                                   % (self.args.save, exc.strerror or exc)) from None
            print("Saved the network%s to %s" % (
                " trained so far" if interrupted else "", self.args.save), flush=True)
        elif interrupted:
            _say("Nothing saved (--save FILE keeps the network).")
        if self.args.plot:
            self.write_plot()

    def metadata(self, interrupted):
        """Return the dict saved beside the network: how it was trained, and how well."""
        a = self.args
        data = {
            "pureml_version": __version__,
            "date": datetime.datetime.now(datetime.timezone.utc)
                            .replace(microsecond=0).isoformat(),
            "python": "%s %s" % (platform.python_implementation(),
                                 platform.python_version()),
            "dataset": a.dataset,
            "sizes": list(a.sizes),
            "cost": a.cost,
            "activation": a.activation,
            "init": a.init,
            "seed": self.seed,
            "training_images": self.n_training,
            "epochs_requested": a.epochs,
            "epochs_run": len(self.correct),
            "mini_batch_size": a.batch_size,
            "eta": a.eta,
            "final_eta": self.etas[-1] if self.etas else a.eta,
            "lmbda": a.lmbda,
            "momentum": a.momentum,
            "early_stopping": a.early_stopping,
            "eta_schedule": a.eta_schedule,
            "evaluated_on": self.eval_name,
            "evaluation_images": self.n_evaluation,
            "correct_per_epoch": list(self.correct),
            "seconds_per_epoch": [round(t, 1) for t in self.seconds],
            "interrupted": bool(interrupted),
        }
        if self.best is not None:
            data["best_correct"], data["best_epoch"] = self.best
            data["best_accuracy"] = self.best[0] / self.n_evaluation
        if interrupted and self.images_done:
            data["images_into_unfinished_epoch"] = self.images_done
        return data

    def write_plot(self):
        """Write the training curves to --plot and say so; return None.

        Left: accuracy per epoch on the evaluation set (and the training
        set when monitored).  Right: with --monitor-training, the training
        cost per epoch (network2's total_cost, with the L2 term); otherwise
        the mean cost of each mini-batch as it was trained on, which costs
        nothing extra to measure.
        """
        a = self.args
        accuracy = {self.eval_name: [c / self.n_evaluation for c in self.correct]}
        history = self.history
        epochs = len(self.correct)      # Ctrl-C may have cut the last epoch short
        if a.monitor_training and history is not None:
            accuracy["training"] = [c / self.n_training
                                    for c in history.training_accuracy[:epochs]]
            cost, unit = {"training": history.training_cost[:epochs]}, "epoch"
        else:
            cost, unit = {"training (mean of each mini-batch)": self.batch_costs}, "mini-batch"
        title = "%s on %s: %s cost, %s, eta %s, mini-batches of %d%s" % (
            _sizes_text(a.sizes), mnist.DATASETS[a.dataset].title, a.cost, a.activation,
            a.eta, a.batch_size, ", lmbda %g" % a.lmbda if a.lmbda else "")
        plot.training_curves(a.plot, accuracy, cost, title=title, cost_unit=unit)
        print("Wrote the training curves to %s" % a.plot, flush=True)


def _plural(count, noun):
    """Return "1 epoch", "2 epochs": ``count`` and ``noun``, plural when it is not 1."""
    return "%d %s%s" % (count, noun, "" if count == 1 else "s")


def _sizes_text(sizes):
    """Return layer sizes as the book writes them: [784, 30, 10]."""
    return "[%s]" % ", ".join(str(s) for s in sizes)


# ---------------------------------------------------------------------------
# evaluate


def cmd_evaluate(args):
    """Print how well a saved network does on a set; return the exit status."""
    net, metadata = _load_model(args.model)
    _check_inputs(net, args.model)
    if net.sizes[-1] != mnist.CLASSES:
        raise CommandError("%s: the network has %d outputs; %s has %d classes"
                           % (args.model, net.sizes[-1],
                              mnist.DATASETS[args.dataset].title, mnist.CLASSES))
    pixels, labels = _load_set(args)
    if not labels:
        raise CommandError("the %s set is empty" % SET_NAMES[args.set])
    predictions = [matrix.argmax(net.feedforward(x)) for x in pixels]

    classes = mnist.CLASSES
    confusion = [[0] * classes for _ in range(classes)]
    for label, predicted in zip(labels, predictions):
        confusion[label][predicted] += 1
    correct = [confusion[i][i] for i in range(classes)]
    totals = [sum(row) for row in confusion]
    right = sum(correct)

    print("Model %s: %s, %s, %s neurons%s" % (
        args.model, _sizes_text(net.sizes), net.cost.name, net.activation.name,
        _trained_text(metadata)))
    print("Accuracy on the %d %s images: %d / %d (%s)" % (
        len(labels), SET_NAMES[args.set], right, len(labels), _percent(right, len(labels))))
    print()
    print("Per class (correct / images):")
    print(terminal.format_per_class(
        correct, totals, [_class_name(i, args.dataset) for i in range(classes)]))
    print()
    print("Confusion matrix (rows: true label, columns: predicted label):")
    print(terminal.format_confusion(confusion))
    if args.misclassified:
        wrong = [i for i, (label, predicted) in enumerate(zip(labels, predictions))
                 if label != predicted][:args.misclassified]
        print()
        if not wrong:
            print("No misclassified images.")
        else:
            print("The first %d misclassified %s images (#index: true label, "
                  "predicted):" % (len(wrong), SET_NAMES[args.set]))
            print()
            style = _style(args)
            print(_grid([terminal.with_caption(
                terminal.render_digit(pixels[i], style=style),
                "#%d: %d, predicted %d" % (i, labels[i], predictions[i]))
                for i in wrong]))
    sys.stdout.flush()
    return EXIT_OK


def _trained_text(metadata):
    """Return "; trained 30 epochs on mnist (2024-05-01)" from a model's metadata, or ""."""
    text = ""
    if isinstance(metadata.get("epochs_run"), int):
        text += " " + _plural(metadata["epochs_run"], "epoch")
    if isinstance(metadata.get("dataset"), str):
        text += " on " + metadata["dataset"]
    if isinstance(metadata.get("date"), str):
        text += " (%s)" % metadata["date"][:10]
    return "; trained" + text if text else ""


# ---------------------------------------------------------------------------
# predict


def cmd_predict(args):
    """Print the network's answer for each image; return 1 if any image failed, else 0."""
    net, _metadata = _load_model(args.model)
    _check_inputs(net, args.model)
    style = _style(args) if args.show else None
    failures = 0
    for path in args.images:
        try:
            x = images.load_digit(path)
        except images.ImageError as exc:
            _error(str(exc))
            failures += 1
            continue
        except OSError as exc:
            _error("%s: %s" % (path, exc.strerror or exc))
            failures += 1
            continue
        output = net.feedforward(x)
        digit = matrix.argmax(output)
        print("%s: %d  [%s]" % (path, digit, " ".join("%.3f" % a for a in output)))
        if args.show:
            print(terminal.render_digit(x, style=style))
            print()
        sys.stdout.flush()
    return EXIT_ERROR if failures else EXIT_OK


# ---------------------------------------------------------------------------
# show


def cmd_show(args):
    """Draw the chosen images of a set with their labels; return the exit status."""
    pixels, labels = _load_set(args)
    bad = [i for i in args.indices if i >= len(labels)]
    if bad:
        if labels:
            valid = "indices 0 to %d" % (len(labels) - 1)
        else:
            valid = "no images"
        raise CommandError("index %d is out of range: the %s set has %d images (%s)"
                           % (bad[0], SET_NAMES[args.set], len(labels), valid))
    style = _style(args)
    print(_grid([terminal.with_caption(terminal.render_digit(pixels[i], style=style),
                                       "#%d: %s" % (i, _class_name(labels[i], args.dataset)))
                 for i in args.indices]), flush=True)
    return EXIT_OK


# ---------------------------------------------------------------------------
# download


def cmd_download(args):
    """Fetch and verify the dataset; print where it is; return the exit status."""
    root = mnist.data_root(args.data)
    title = mnist.DATASETS[args.dataset].title
    _say("Getting %s into %s" % (title, mnist.dataset_dir(root, args.dataset)))
    folder = mnist.download(root, args.dataset, _mirrors(args), log=_say)
    print("%s is ready in %s" % (title, folder))
    for name in mnist.FILES:
        print("  " + name)
    print("Train on it with: %s train%s%s" % (
        args.prog, " --data " + args.data if args.data else "",
        " --dataset " + args.dataset if args.dataset != "mnist" else ""), flush=True)
    return EXIT_OK


# ---------------------------------------------------------------------------
# gradcheck


def cmd_gradcheck(args):
    """Compare backprop with central differences; return 0 if they agree, else 1."""
    rng = random.Random(args.seed)
    net = network.Network(args.sizes, cost=COSTS[args.cost],
                          activation=ACTIVATIONS[args.activation],
                          weight_initializer=args.init, rng=rng)
    x = [rng.random() for _ in range(args.sizes[0])]
    y = [0.0] * args.sizes[-1]
    y[rng.randrange(args.sizes[-1])] = 1.0
    result = gradcheck.check(net, x, y, lmbda=args.lmbda, n=1, samples=args.samples,
                             rng=rng)
    print("Network %s: %s cost, %s neurons, %s init, lmbda %g, seed %d"
          % (_sizes_text(args.sizes), args.cost, args.activation, args.init, args.lmbda,
             args.seed))
    print("Compared backprop with central differences for %d parameters." % result.checked)
    print("Worst relative error: %.3g at %s (backprop %.10g, numerical %.10g)"
          % (result.worst, _where_text(result.where), result.analytic, result.numeric))
    passed = result.worst < args.tolerance
    print("%s: %s the tolerance %g" % ("PASS" if passed else "FAIL",
                                       "below" if passed else "not below", args.tolerance),
          flush=True)
    return EXIT_OK if passed else EXIT_ERROR


def _where_text(where):
    """Return a parameter's place such as ("weights", 0, 3, 17) as "weights[0][3][17]"."""
    if not where:
        return "nowhere"
    return where[0] + "".join("[%d]" % i for i in where[1:])
