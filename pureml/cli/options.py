"""The options the commands share, and the types that check their values.

Each type returns the value or raises ``argparse.ArgumentTypeError``, which
argparse turns into a usage message and exit status 2.
"""

import argparse
import math
import urllib.parse

from pureml import mnist, network
from pureml.display import terminal
from pureml.network import (CrossEntropyCost, LogLikelihoodCost, QuadraticCost, ReLU,
                            Sigmoid, Tanh)

#: The --cost choices and the cost classes they name.
COSTS = {"quadratic": QuadraticCost, "cross-entropy": CrossEntropyCost,
         "log-likelihood": LogLikelihoodCost}


#: The --activation choices and the activation classes they name.
ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}


#: The --init choices, network.WEIGHT_INITIALIZERS: N(0,1), N(0,1/n_in), He.
INITIALIZERS = tuple(network.WEIGHT_INITIALIZERS)


STYLES = ("auto",) + terminal.STYLES


class Given(argparse.Action):
    """Store an option's value, as argparse's "store" does, and note that it was given.

    The namespace's ``given`` is the set of the options' dests that were on
    the command line, whatever their value: ``train`` refuses the other
    network's options even when given at their defaults.
    """

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        note_given(namespace, self.dest)


class GivenFlag(argparse.Action):
    """A flag (argparse's "store_true") that notes that it was given, as ``Given`` does."""

    def __init__(self, option_strings, dest, default=False, required=False, help=None):
        super().__init__(option_strings, dest, nargs=0, const=True, default=default,
                         required=required, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, True)
        note_given(namespace, self.dest)


def note_given(namespace, dest):
    """Add ``dest`` to the namespace's set ``given`` (a new set each time, never a shared one)."""
    namespace.given = set(getattr(namespace, "given", ())) | {dest}


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


def workers(text):
    """Return ``text`` as a number of processes: "auto" or an int of at least 1."""
    if text.strip().lower() == "auto":
        return "auto"
    return _int_at_least(text, 1, "a whole number of processes of at least 1, or auto")


def expansion(text):
    """Return --expand's value: "book", or the largest shift N as an int of at least 1."""
    if text.strip().lower() == "book":
        return "book"
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            "expected book (Nielsen's five variants) or a largest shift of at least 1 "
            "pixel, not %r" % (text,))
    return value


#: The options only one of the two networks takes (as argparse's dests).
NIELSEN_ONLY = ("sizes", "cost", "activation", "init", "eta", "lmbda", "momentum",
                "early_stopping", "eta_schedule", "monitor_training", "workers")
CONV_ONLY = ("optimizer", "lr", "lr_decay", "filters", "hidden", "evaluate_samples",
             "final_samples", "keep_best", "expand")

#: What the default network does instead of a conv-only option, for the refusal.
_INSTEAD = {"lr": "; its learning rate is --eta",
            "lr_decay": "; --eta-schedule N halves its --eta when accuracy stalls",
            "optimizer": "; it is trained by the book's SGD (--eta, --momentum)",
            "evaluate_samples": "; it measures the whole --evaluate-on set after every epoch",
            "final_samples": "; it measures the whole --evaluate-on set after every epoch",
            "hidden": "; its hidden layers are --sizes"}


def refuse_the_other_networks_options(args):
    """Stop with a usage error naming any option given that the chosen network does not take.

    An option counts as given when it is on the command line, even at its
    default value (options.Given notes it).
    """
    given = getattr(args, "given", set())
    option = lambda name: "--" + name.replace("_", "-")      # noqa: E731
    if args.net == "conv":
        for name in NIELSEN_ONLY:
            if name in given:
                args.parser.error(
                    "argument %s: applies to --net nielsen (Nielsen's network, the default), "
                    "not to --net conv; the conv net takes --optimizer, --lr, --lr-decay, "
                    "--filters, --hidden, --evaluate-samples, --final-samples, --keep-best "
                    "and --expand" % option(name))
    else:
        for name in CONV_ONLY:
            if name in given:
                args.parser.error(
                    "argument %s: applies to --net conv (DLFS's SimpleConvNet), not to "
                    "--net nielsen, the default network%s"
                    % (option(name), _INSTEAD.get(name, "")))


def final_samples(text):
    """Return --final-samples' value: "all", or a number of images of at least 0."""
    if text.strip().lower() == "all":
        return "all"
    try:
        return nonnegative_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError("expected all, or a number of images of at least 0 "
                                         "(0 skips the final measurement), not %r"
                                         % (text,)) from None


def mirror_url(text):
    """Return ``text`` if it is an http, https or file URL (a mirror's base URL)."""
    scheme = urllib.parse.urlsplit(text).scheme.lower()
    if scheme not in ("http", "https", "file"):
        raise argparse.ArgumentTypeError(
            "a mirror is an http://, https:// or file:// URL of the folder holding the "
            "four files, not %r" % (text,))
    return text


def subparser(commands, name, summary, description):
    """Add and return the parser of one subcommand."""
    parser = commands.add_parser(name, help=summary, description=description,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(parser=parser)
    return parser


def add_data_options(parser, split=True):
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


def add_mirror_option(group):
    """Add --mirror to ``group``; return None."""
    group.add_argument("--mirror", metavar="URL", action="append", type=mirror_url,
                       help="try this base URL first, before $PUREML_MIRROR and "
                            "the public mirrors (repeat to give several)")


def add_style_option(parser):
    """Add --style to ``parser``; return None."""
    parser.add_argument("--style", choices=STYLES, default="auto",
                        help="how images are drawn: Unicode half blocks, shades, or "
                             "plain ASCII (default: auto, blocks when the output can "
                             "show them)")


def add_network_options(parser, defaults):
    """Add --cost, --activation and --init to ``parser`` with ``defaults``; return None."""
    parser.add_argument("--cost", choices=sorted(COSTS), default=defaults["cost"],
                        action=Given,
                        help="the cost function; log-likelihood puts a softmax layer "
                             "at the output (default: %(default)s)")
    parser.add_argument("--activation", choices=sorted(ACTIVATIONS),
                        default="sigmoid", action=Given,
                        help="the hidden neurons (default: %(default)s)")
    parser.add_argument("--init", choices=INITIALIZERS, default=defaults["init"],
                        action=Given,
                        help="initial weights: large is N(0,1) as in network.py, "
                             "default is N(0,1/n_in) as in network2, he is N(0,2/n_in) "
                             "for ReLU (default: %(default)s)")

