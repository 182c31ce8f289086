"""``pureml train --net conv``: DLFS's SimpleConvNet, trained with the same progress, Ctrl-C and files.

Each epoch is one pass over the training images in a fresh random order,
in mini-batches; the optimizer (Adam with lr 0.001 by default, as the
book's train_convnet.py) updates the network after each, and then the
network is measured on the first --evaluate-samples images of the
evaluation set; after the last epoch the whole set (or its first
--final-samples images; 0 for none) is measured once more, with a
progress bar on a terminal.  With
--keep-best (and --evaluate-on validation) the network of the epoch that
did best on the validation images is kept, measured on the test set and
saved: network3's rule, which chooses on the validation set and reports
the test set, so that the test images never choose.  With --expand each
mini-batch's images are displaced as they are drawn (pureml.data.expand,
Nielsen's expand_mnist.py on the fly): every epoch shows each training
image once, moved by a random one of the variants, and the plain set is
all that is held in memory.  (The book's
Trainer draws its mini-batches with replacement instead; pureml.trainer
does as the book does.)  The network is
saved with save_params; evaluate, predict and serve read it.
"""

import copy
import functools
import math
import random
import sys

from pureml import convnet, mnist
from pureml.data import expand
from pureml.engine import collector
from pureml.display import plot
from pureml.display.progress import Progress
from pureml.cli.common import (EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, error, percent, plural,
                               say)
from pureml.cli.options import (Given, GivenFlag, expansion, final_samples, positive_float,
                                positive_int)
from pureml.cli.session import TrainingSession, prepare_data, sigint_handler
from pureml.optimizers import OPTIMIZERS, make_optimizer

__all__ = ["add_options", "run"]

def add_options(parser):
    """Add the options of --net conv to the train command's parser; return None."""
    group = parser.add_argument_group("the conv net (--net conv)")
    group.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", action=Given,
                       help="DLFS's optimizer (default: %(default)s)")
    group.add_argument("--lr", type=positive_float, default=0.001, metavar="LR", action=Given,
                       help="its learning rate (default: %(default)s)")
    group.add_argument("--lr-decay", type=positive_float, default=1.0, metavar="F",
                       action=Given,
                       help="multiply the learning rate by F after each epoch (default: "
                            "%(default)s, a constant rate as in the book)")
    group.add_argument("--filters", type=positive_int, default=30, metavar="N", action=Given,
                       help="5x5 filters in the convolution (default: %(default)s)")
    group.add_argument("--hidden", type=positive_int, default=100, metavar="N", action=Given,
                       help="hidden ReLUs after the pooling (default: %(default)s)")
    group.add_argument("--evaluate-samples", type=positive_int, default=1000, metavar="N",
                       action=Given,
                       help="images of the evaluation set measured after each epoch "
                            "(default: %(default)s)")
    group.add_argument("--final-samples", type=final_samples, default="all", metavar="N|all",
                       action=Given,
                       help="images of the evaluation set (and, with --keep-best, of the "
                            "test set) measured once more at the end: all of them, or the "
                            "first N; 0 skips it (default: %(default)s)")
    group.add_argument("--keep-best", action=GivenFlag,
                       help="keep (and --save) the network of the epoch that did best on "
                            "the evaluation set, and measure it on the test set at the end; "
                            "needs --evaluate-on validation, so that the test images never "
                            "choose (network3's rule)")
    group.add_argument("--expand", type=expansion, metavar="book|N", action=Given,
                       help="displace each training image, each time an epoch shows it, "
                            "as Nielsen's expand_mnist.py does: book: by one of the "
                            "book's five variants at random (itself, or one pixel down, "
                            "up, right or left); N: by a random shift of up to N pixels "
                            "down or up and up to N right or left, each of the (2N+1)^2 "
                            "alike, diagonals included (default: the images as they are)")


def variants(spec):
    """Return the (dy, dx) pairs --expand names: the book's five, or the shifts of up to N."""
    return expand.DISPLACEMENTS if spec == "book" else expand.displacements(spec)


def expansion_text(spec):
    """Return what --expand does to the training images, for the run's description."""
    if spec is None:
        return ""
    if spec == "book":
        return ", each displaced as one of expand_mnist.py's five variants"
    return ", each displaced by up to %s down or up and across" % plural(spec, "pixel")


def displacer(spec, seed):
    """Return the function that displaces a mini-batch's images as --expand says, or None.

    Its draws come from an rng of their own, seeded from the run's seed, so
    that the mini-batches are those of the same run without --expand.
    """
    if spec is None:
        return None
    return functools.partial(expand.displaced, rng=random.Random("displacements, seed %d"
                                                                 % seed),
                             variants=variants(spec))


def run(args):
    """Train a SimpleConvNet as ``args`` say; return the exit status."""
    if args.keep_best and args.evaluate_on != "validation":
        args.parser.error("argument --keep-best: choosing the best epoch on the test set would "
                          "let the test images choose; add --evaluate-on validation")
    args.epochs = args.epochs or 20
    args.batch_size = args.batch_size or 100
    (images, labels), evaluation_data, test_data = prepare_data(args)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 31)
    net = convnet.SimpleConvNet(conv_param={"filter_num": args.filters, "filter_size": 5,
                                            "pad": 0, "stride": 1},
                                hidden_size=args.hidden, seed=seed)
    optimizer = make_optimizer(args.optimizer, {"lr": args.lr})
    sample = evaluation_data[:args.evaluate_samples]
    session = ConvRun(args, seed, len(images), len(sample), len(evaluation_data),
                      len(test_data))
    kept = {}                   # with --keep-best: a copy of the best epoch's params
    if not args.quiet:
        say(session.describe())
    status = EXIT_OK
    diverged = None
    # CPython's cyclic collector is paused while the conv net runs (pureml.engine.collector).
    with sigint_handler(session.interrupt), collector.paused():
        try:
            session.open_progress()
            train(net, optimizer, images, labels, sample, session, random.Random(seed),
                  on_best=kept.update if args.keep_best else None,
                  displace=displacer(args.expand, seed))
        except KeyboardInterrupt:
            status = EXIT_INTERRUPTED
        except FloatingPointError as exc:
            diverged = exc
        # From here on Ctrl-C is ignored (session.stopping), so that a second
        # one cannot stop the network being saved; only measure() lets it in.
        session.stopping = True
        session.close_progress()
        if diverged is not None:
            error(str(diverged))
            if args.save:
                say("Nothing saved: the network of a diverged run is no use.")
            if args.plot:
                session.write_plot()            # the loss curve shows where it went wrong
            return EXIT_ERROR
        if status == EXIT_INTERRUPTED:
            say(session.interruption())
        session.summarize()
        if kept:
            for key, value in kept.items():
                net.params[key][:] = value      # in place: the layers hold these lists
            session.kept_epoch = session.best[1]
            say("Kept the network of epoch %d, the best on the %s images."
                % (session.kept_epoch, args.evaluate_on))
        if status == EXIT_OK:
            status = measure(net, session, evaluation_data, test_data if kept else None,
                             len(sample))
        if kept:
            what = "the network of epoch %d (the best on the %s images)" % (
                session.kept_epoch, args.evaluate_on)
        else:
            what = None
        session.write_files(lambda path, metadata: net.save_params(path, metadata),
                            interrupted=status == EXIT_INTERRUPTED, what=what)
    return status


def train(net, optimizer, images, labels, sample, session, rng, on_best=None, displace=None):
    """Run the epochs: shuffled mini-batches, the optimizer's steps, a measurement each epoch.

    After an epoch that beats every earlier one on ``sample``, ``on_best``
    (when given) is called with a copy of the network's params.
    ``displace`` (when given) takes a mini-batch's images and returns the
    ones to train on: --expand's displaced copies.
    """
    args = session.args
    steps = max(len(images) // args.batch_size, 1)
    order = list(range(len(images)))
    for epoch in range(args.epochs):
        rng.shuffle(order)
        for step in range(steps):
            batch = order[step * args.batch_size:(step + 1) * args.batch_size]
            x = [images[i] for i in batch]
            if displace is not None:
                x = displace(x)
            grads = net.gradient(x, [labels[i] for i in batch])
            if not math.isfinite(net.last_loss):
                raise FloatingPointError(
                    "training diverged in epoch %d (the loss became %r); try a smaller --lr"
                    % (epoch, net.last_loss))
            optimizer.update(net.params, grads)
            session.on_batch((step + 1) * args.batch_size, steps * args.batch_size,
                             net.last_loss)
        session.record_epoch(epoch, _correct(net, sample), len(sample))
        if on_best is not None and session.best[1] == epoch:
            on_best(copy.deepcopy(net.params))
        optimizer.lr *= args.lr_decay


def images_text(count, available, set_name):
    """Return "all 10000 test images" or "the first 500 of the 10000 test images"."""
    if count == available:
        return "all %d %s images" % (count, set_name)
    return "the first %d of the %d %s images" % (count, available, set_name)


def final_count(args, available):
    """Return how many of ``available`` images --final-samples measures at the end."""
    return available if args.final_samples == "all" else min(args.final_samples, available)


def measure(net, session, evaluation_data, test_data, n_sample):
    """Measure the network on the evaluation set (and ``test_data``) once more; return the status.

    --final-samples says how many of each set's images (all by default, 0
    for none); the evaluation set is measured only when that is more than
    the ``n_sample`` images each epoch measured.  The count is said before
    each measurement starts, and a progress bar runs on a terminal.  These
    measurements come after the last epoch and before the save; a Ctrl-C
    during them skips the rest (EXIT_INTERRUPTED) and the network is saved
    all the same, without the figures not yet measured.
    """
    args = session.args

    def measured(pairs, what):
        if args.quiet:
            correct = _correct(net, pairs)
        else:
            say("Measuring the trained network on %s (--final-samples N measures the first "
                "N, 0 skips this)." % what)
            with Progress(len(pairs), stream=sys.stderr, label="Measuring") as progress:
                correct = _correct(net, pairs, progress)
        print("On %s: %d / %d (%s)" % (what, correct, len(pairs), percent(correct, len(pairs))),
              flush=True)
        return correct

    session.stopping, session.in_mini_batches = False, False    # Ctrl-C stops at once
    try:
        try:
            count = final_count(args, len(evaluation_data))
            if count > n_sample:
                session.n_final = count
                session.final = measured(evaluation_data[:count], images_text(
                    count, len(evaluation_data), args.evaluate_on))
            count = final_count(args, len(test_data)) if test_data is not None else 0
            if count:
                session.n_test = count
                session.test_correct = measured(test_data[:count], images_text(
                    count, len(test_data), "test"))
        finally:
            session.stopping = True
    except KeyboardInterrupt:
        # Set again: a Ctrl-C can land in the finally block before its line runs.
        session.stopping = True
        say("Interrupted while measuring the trained network; saving it without that figure.")
        return EXIT_INTERRUPTED
    return EXIT_OK


def _correct(net, pairs, progress=None):
    """Return how many of the (image, label) pairs the network gets right, _BATCH at a time.

    ``progress`` (a display.progress.Progress, when given) hears how many
    images are done after each batch.
    """
    correct = 0
    for start in range(0, len(pairs), _BATCH):
        batch = pairs[start:start + _BATCH]
        x = [image for image, _ in batch]
        t = [label for _, label in batch]
        correct += round(net.accuracy(x, t, batch_size=_BATCH) * len(batch))
        if progress is not None:
            progress.update(start + len(batch))
    return correct


#: Images measured at once: few enough that a progress bar moves every second or so on
#: CPython (the answers are the same in batches of any size).
_BATCH = 20


class ConvRun(TrainingSession):
    """What ``train --net conv`` keeps while it trains: the session, its settings and plot."""

    def __init__(self, args, seed, n_training, n_evaluation, n_evaluation_set=None,
                 n_test_set=None):
        super().__init__(args, seed, n_training, n_evaluation, args.evaluate_on)
        # The whole evaluation set, of which each epoch measures the first
        # n_evaluation, and the test set (measured at the end with --keep-best).
        self.n_evaluation_set = n_evaluation_set or n_evaluation
        self.n_test_set = n_test_set
        self.final = None           # right on the whole evaluation set, of n_final
        self.n_final = None
        self.kept_epoch = None      # with --keep-best: the epoch whose network is kept
        self.test_correct = None    # with --keep-best: the kept network on the test set
        self.n_test = None
        self.steps = max(n_training // args.batch_size, 1)

    def describe(self):
        """Return the lines saying what is about to be trained, and on what."""
        a = self.args
        return ("Training SimpleConvNet (%d 5x5 filters, 2x2 max pooling, %d hidden ReLUs) on "
                "%d %s images%s: %s of %d shuffled mini-batches of %d; %s, lr %s%s; "
                "seed %d.\nEach epoch is measured on the first %d %s images%s."
                % (a.filters, a.hidden, self.n_training, mnist.DATASETS[a.dataset].title,
                   expansion_text(a.expand), plural(a.epochs, "epoch"), self.steps,
                   a.batch_size, a.optimizer, a.lr,
                   " times %s each epoch" % a.lr_decay if a.lr_decay != 1.0 else "",
                   self.seed, self.n_evaluation, a.evaluate_on, self.final_plan()))

    def final_plan(self):
        """Return what the end of the run measures, for the description: "; after ..." or ""."""
        a = self.args
        parts = []
        count = final_count(a, self.n_evaluation_set)
        if count > self.n_evaluation:
            parts.append(images_text(count, self.n_evaluation_set, a.evaluate_on))
        if a.keep_best and self.n_test_set and final_count(a, self.n_test_set):
            parts.append("the kept network on " + images_text(
                final_count(a, self.n_test_set), self.n_test_set, "test"))
        if not parts:
            return ""
        return ("; after the last, %s (--final-samples N measures fewer, 0 none)"
                % " and ".join(parts))

    def settings(self):
        """Return the run's settings for the metadata saved beside the network."""
        a = self.args
        data = {"net": "SimpleConvNet", "filters": a.filters, "hidden": a.hidden,
                "optimizer": a.optimizer, "lr": a.lr, "lr_decay": a.lr_decay,
                "mini_batch_size": a.batch_size,
                "steps_per_epoch": self.steps, "expand": a.expand,
                "evaluation_set_images": self.n_evaluation_set}
        if a.keep_best and self.n_test_set:
            data["test_set_images"] = self.n_test_set
        if self.final is not None:
            data["final_correct"], data["final_images"] = self.final, self.n_final
        if self.kept_epoch is not None:
            data["kept_epoch"] = self.kept_epoch
        if self.test_correct is not None:
            data["test_correct"] = self.test_correct
            data["test_images"] = self.n_test
        return data

    def write_plot(self):
        """Write the accuracy per epoch and the loss per mini-batch to --plot; return None."""
        a = self.args
        accuracy = {"%s (first %d)" % (self.eval_name, self.n_evaluation):
                    [c / self.n_evaluation for c in self.correct]}
        title = "SimpleConvNet on %s%s: %s, lr %s, mini-batches of %d" % (
            mnist.DATASETS[a.dataset].title,
            "" if a.expand is None else " (--expand %s)" % a.expand, a.optimizer, a.lr,
            a.batch_size)
        plot.training_curves(a.plot, accuracy, {"training (each mini-batch)": self.batch_costs},
                             title=title, cost_unit="mini-batch")
        print("Wrote the training curves to %s" % a.plot, flush=True)

