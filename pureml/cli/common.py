"""What every command of ``python -m pureml`` shares: exit codes, messages, data and models."""

import os
import shutil
import sys

from pureml import mnist
from pureml.cli import models
from pureml.data import metadata as metadata_words
from pureml.display import terminal
from pureml.display.progress import Progress
from pureml.errors import ArgumentError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130          # 128 + SIGINT, what shells report for Ctrl-C

_GAP = 4                        # columns between images drawn side by side


#: What the ten classes of Fashion-MNIST are.
FASHION_LABELS = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                  "Shirt", "Sneaker", "Bag", "Ankle boot")


#: The names of the three sets, as --set and --evaluate-on take them.
SET_NAMES = {"train": "training", "validation": "validation", "test": "test"}


def say(message):
    """Print ``message`` on stderr and flush; return None."""
    print(message, file=sys.stderr, flush=True)


def error(message):
    """Print ``message`` on stderr, prefixed "pureml: "; return None."""
    say("pureml: " + message)


def load_data(args, fetch=False, log=None):
    """Return ``(training, validation, test)`` as ``mnist.load_data`` gives them.

    With ``fetch``, a dataset missing from its folder is first downloaded
    (saying so on stderr, and logging to ``log``).
    """
    root = mnist.data_root(args.data)
    try:
        return read_data(root, args)
    except mnist.MissingDataError as missing:
        home = mnist.dataset_dir(root, args.dataset)
        if not fetch or os.path.abspath(missing.folder) != os.path.abspath(home):
            raise
        title = mnist.DATASETS[args.dataset].title
        if len(missing.missing) < len(mnist.FILES):
            title += " (%s)" % ", ".join(missing.missing)
        say("%s is not in %s; downloading it now (--no-download turns this off)."
             % (title, missing.folder))
        mnist.download(root, args.dataset, mirrors(args), log=log)
        return read_data(root, args)


def mirrors(args):
    """Return the base URLs to download from: --mirror first, then $PUREML_MIRROR and the public mirrors."""
    return (args.mirror or []) + mnist.mirror_urls(args.dataset)


def load_set(args):
    """Return ``(images, labels)`` of the set ``args.set`` names, reading only the files it needs."""
    if args.set == "test":
        with LoadingBar(args) as bar:
            return mnist.load_test_data(mnist.data_root(args.data), args.dataset, on_images=bar)
    training, validation, _test = load_data(args)
    return training if args.set == "train" else validation


def read_data(root, args):
    """Return ``mnist.load_data(root, ...)`` for ``args``, explaining a bad --validation-size."""
    try:
        with LoadingBar(args) as bar:
            return mnist.load_data(root, args.dataset, validation_size=args.validation_size,
                                   on_images=bar)
    except ValueError as exc:
        if type(exc) is ValueError:        # not DataFileError or DataFileError: the split
            raise ArgumentError("%s (set it with --validation-size N)" % exc) from None
        raise


class LoadingBar:
    """A progress bar per file while images load: the ``on_images(done, total)`` of mnist's loaders.

    Drawn on stderr, on a terminal only, and not with --quiet; a ``with``
    block blanks it on the way out.
    """

    def __init__(self, args):
        self.quiet = getattr(args, "quiet", False)
        self.bar = None

    def __call__(self, done, total):
        if self.quiet:
            return
        if self.bar is None or self.bar.total != total or done < self.bar.done:
            self.close()
            self.bar = Progress(total, stream=sys.stderr, label="Loading")
        self.bar.update(done)

    def close(self):
        """Blank the bar, if one is drawn; return None."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False


def labelled(pair):
    """Return a set given as ``(images, labels)`` as a list of ``(x, label)`` pairs."""
    pixels, labels = pair
    return list(zip(pixels, labels))


def load_model(path):
    """Return the ``models.Model`` in a model or params file, checked to take 28x28 images.

    The one rule of evaluate, predict and serve: 784 inputs and 10 outputs.
    A malformed file is one ModelFileError (a ValueError, so one "pureml:"
    line); a network of another shape is an ArgumentError saying so.
    """
    model = models.load(path)
    if model.n_inputs != mnist.IMAGE_SIZE:
        raise ArgumentError("%s: the network has %s inputs; a 28x28 image has %d pixels"
                           % (path, model.n_inputs, mnist.IMAGE_SIZE))
    if model.n_outputs != mnist.CLASSES:
        raise ArgumentError("%s: the network has %s outputs; evaluate, predict and serve read "
                            "networks with %d, one for each class of MNIST (and Fashion-MNIST)"
                            % (path, model.n_outputs, mnist.CLASSES))
    return model


def check_output(parser, option, path):
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


def class_name(label, dataset):
    """Return how a label is shown: the digit, or for Fashion-MNIST the digit and its name."""
    if dataset == "fashion-mnist":
        return "%d %s" % (label, FASHION_LABELS[label])
    return str(label)


def drawing_style(args):
    """Return the drawing style --style asks for, choosing for stdout when it is "auto"."""
    return terminal.pick_style(sys.stdout) if args.style == "auto" else args.style


def grid(blocks):
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


def percent(correct, total):
    """Return correct/total as a percentage with two decimals, such as "95.42%"."""
    return "%.2f%%" % (100.0 * correct / total) if total else "n/a"


def plural(count, noun):
    """Return "1 epoch", "2 epochs": ``count`` and ``noun``, plural when it is not 1."""
    return "%d %s%s" % (count, noun, "" if count == 1 else "s")


def sizes_text(sizes):
    """Return layer sizes as the book writes them: [784, 30, 10]."""
    return "[%s]" % ", ".join(str(s) for s in sizes)


def trained_text(metadata):
    """Return "; trained 4 of 30 epochs on 10000 MNIST training images..." from metadata, or ""."""
    text = metadata_words.training_text(metadata)
    return "; trained " + text if text else ""
