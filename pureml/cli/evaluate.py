"""``pureml evaluate MODEL``: accuracy, per-class accuracy, the confusion matrix, the mistakes."""

import sys
import time

from pureml import mnist
from pureml.data import metadata
from pureml.display.progress import Progress
from pureml.engine.vectors import argmax
from pureml.parallel import processes
from pureml.display import terminal
from pureml.cli.common import (EXIT_OK, SET_NAMES, class_name, ArgumentError,
                               grid, load_model, load_set, percent, drawing_style,
                               trained_text)
from pureml.cli.options import (add_data_options, add_style_option, nonnegative_int,
                                subparser, workers)


def add_parser(commands):
    parser = subparser(
        commands, "evaluate", "measure a saved network on MNIST",
        "Print a saved network's accuracy, its accuracy on each class and the\n"
        "10x10 confusion matrix (rows: true label, columns: predicted).")
    parser.set_defaults(func=run)
    parser.add_argument("model", metavar="MODEL.json", help="a network saved by train --save")
    parser.add_argument("--set", choices=("test", "validation", "train"), default="test",
                        help="the images to measure on (default: %(default)s)")
    parser.add_argument("--workers", type=workers, default="auto", metavar="N|auto",
                        help="processes to share the images among (default: %(default)s)")
    parser.add_argument("--misclassified", type=nonnegative_int, default=0, metavar="N",
                        help="also draw the first N images the network gets wrong")
    add_style_option(parser)
    add_data_options(parser)



def run(args):
    """Print how well a saved network does on a set; return the exit status."""
    model = load_model(args.model)
    pixels, labels = load_set(args)
    if not labels:
        raise ArgumentError("the %s set is empty" % SET_NAMES[args.set])
    predictions = predict_all(model, pixels, processes.resolve_data_workers(args.workers))

    classes = mnist.CLASSES
    confusion = [[0] * classes for _ in range(classes)]
    for label, predicted in zip(labels, predictions):
        confusion[label][predicted] += 1
    correct = [confusion[i][i] for i in range(classes)]
    totals = [sum(row) for row in confusion]
    right = sum(correct)

    print("Model %s: %s%s" % (args.model, model.describe(), trained_text(model.metadata)))
    saved = metadata.accuracy_text(metadata.accuracy_figure(model.metadata))
    if saved:
        print("Measured in training: " + saved)
    print("Accuracy on the %d %s images: %d / %d (%s)" % (
        len(labels), SET_NAMES[args.set], right, len(labels), percent(right, len(labels))))
    print()
    print("Per class (correct / images):")
    print(terminal.format_per_class(
        correct, totals, [class_name(i, args.dataset) for i in range(classes)]))
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
            style = drawing_style(args)
            print(grid([terminal.with_caption(
                terminal.render_digit(pixels[i], style=style),
                "#%d: %d, predicted %d" % (i, labels[i], predictions[i]))
                for i in wrong]))
    sys.stdout.flush()
    return EXIT_OK


def predict_all(model, pixels, workers):
    """Return the network's digit for each image, with a progress bar on a terminal.

    The images go through ``processes.each`` a block at a time, each block
    sized to take about a second, so that the bar moves as they are done,
    whichever process does them.
    """
    def digits(xs):
        return [float(argmax(a)) for a in model.outputs(xs)]

    predictions = []
    smallest = block = 100 * workers
    with Progress(len(pixels), stream=sys.stderr, label="Measuring") as progress:
        while len(predictions) < len(pixels):
            start = time.monotonic()
            predictions.extend(int(d) for d in processes.each(
                digits, pixels[len(predictions):len(predictions) + block], workers))
            progress.update(len(predictions))
            seconds = max(time.monotonic() - start, 1e-3)
            block = max(smallest, min(10 * block, int(block / seconds)))
    return predictions
