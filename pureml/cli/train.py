"""``pureml train``: train a network on MNIST by the book's stochastic gradient descent.

The defaults are Nielsen's chapter-1 run; every network2 feature is an
option.  The progress bar, Ctrl-C and the files are pureml.cli.session's.
"""

import random

from pureml import mnist, network
from pureml.display import plot
from pureml.parallel import processes
from pureml.cli import train_conv
from pureml.cli.common import (EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, error, plural, say,
                               sizes_text)
from pureml.cli.options import (ACTIVATIONS, COSTS, add_data_options, add_mirror_option,
                                add_network_options, layer_sizes, momentum,
                                nonnegative_float, positive_float, positive_int, subparser,
                                refuse_the_other_networks_options, workers, Given, GivenFlag)
from pureml.cli.session import TrainingSession, prepare_data, sigint_handler


def add_parser(commands):
    """Add the ``train`` command to ``commands``; return its parser."""
    parser = subparser(
        commands, "train", "train a network on MNIST",
        "Train a network by stochastic gradient descent, printing the book's\n"
        "\"Epoch j: correct / n\" line after each epoch.  The defaults are the\n"
        "book's chapter-1 run: [784, 30, 10], 30 epochs, mini-batches of 10,\n"
        "eta 3.0, quadratic cost, N(0, 1) weights, evaluated on the test set.\n"
        "If the data is missing it is downloaded first (see --no-download).\n"
        "Ctrl-C stops, saving the network trained so far when --save is given.\n"
        "--net conv trains Deep Learning from Scratch's SimpleConvNet instead\n"
        "(chapter 7: 30 5x5 filters, 2x2 max pooling, 100 hidden ReLUs), with\n"
        "the book's Adam and batches of 100; see the options for it below.")
    parser.set_defaults(func=run)
    data = add_data_options(parser)
    data.add_argument("--no-download", action="store_true",
                      help="fail, saying where it looked, instead of downloading "
                           "missing data")
    add_mirror_option(data)
    net = parser.add_argument_group("the network")
    net.add_argument("--net", choices=("nielsen", "conv"), default="nielsen",
                     help="nielsen: the book's network of fully connected layers, "
                          "trained by its SGD; conv: DLFS's SimpleConvNet (default: "
                          "%(default)s)")
    net.add_argument("--sizes", type=layer_sizes, default=[784, 30, 10], metavar="N,N,...",
                     action=Given,
                     help="neurons per layer, inputs first; must start with 784 and "
                          "end with 10 (default: 784,30,10)")
    add_network_options(net, {"cost": "quadratic", "init": "large"})
    net.add_argument("--seed", type=int, metavar="N",
                     help="seed the initial weights and the shuffles, to repeat a run "
                          "(default: a random seed, which is printed and saved)")
    sgd = parser.add_argument_group("training")
    sgd.add_argument("--epochs", type=positive_int, metavar="N",
                     help="passes over the training data (default: 30; 20 with --net conv)")
    sgd.add_argument("--batch-size", type=positive_int, metavar="N",
                     help="images per mini-batch (default: 10; 100 with --net conv)")
    sgd.add_argument("--eta", type=positive_float, default=3.0, metavar="ETA", action=Given,
                     help="the learning rate (default: %(default)s)")
    sgd.add_argument("--lmbda", type=nonnegative_float, default=0.0, metavar="LMBDA",
                     action=Given,
                     help="L2 regularisation, network2's lmbda (default: %(default)s)")
    sgd.add_argument("--momentum", type=momentum, default=0.0, metavar="MU", action=Given,
                     help="momentum coefficient mu, from 0 to 1 (default: %(default)s)")
    sgd.add_argument("--limit", type=positive_int, metavar="N",
                     help="train on the first N training images only")
    sgd.add_argument("--early-stopping", type=positive_int, default=0, metavar="N",
                     action=Given,
                     help="stop when accuracy has not improved for N epochs")
    sgd.add_argument("--eta-schedule", type=positive_int, default=0, metavar="N",
                     action=Given,
                     help="halve eta when accuracy has not improved for N epochs, and "
                          "stop when it reaches eta/128 (chapter 3)")
    sgd.add_argument("--evaluate-on", choices=("test", "validation"), default="test",
                     help="the images each epoch is measured on, and that early "
                          "stopping and the eta schedule watch (default: %(default)s)")
    sgd.add_argument("--workers", type=workers, default="auto", metavar="N|auto",
                     action=Given,
                     help="processes to share the first layer's neurons among: the "
                          "weights come out the same, bit for bit; auto uses the cores "
                          "where that pays (default: %(default)s)")
    sgd.add_argument("--monitor-training", action=GivenFlag,
                     help="also measure accuracy and cost on the training data after "
                          "each epoch (slow)")
    train_conv.add_options(parser)
    output = parser.add_argument_group("output")
    output.add_argument("--save", metavar="FILE",
                        help="save the trained network as JSON (network2's format; with "
                             "--net conv, save_params's)")
    output.add_argument("--plot", metavar="FILE",
                        help="write the accuracy and cost curves as an SVG")
    output.add_argument("--quiet", "-q", action="store_true",
                        help="print only the final summary")
    return parser


def run(args):
    """Train a network as ``args`` say; return the exit status."""
    parser = args.parser
    refuse_the_other_networks_options(args)
    if args.net == "conv":
        return train_conv.run(args)
    args.epochs = args.epochs or 30
    args.batch_size = args.batch_size or 10
    if args.sizes[0] != mnist.IMAGE_SIZE or args.sizes[-1] != mnist.CLASSES:
        parser.error("argument --sizes: the network must start with 784 inputs (28x28 "
                     "pixels) and end with 10 outputs (the classes), such as 784,30,10; "
                     "got %s" % ",".join(map(str, args.sizes)))
    args.workers = processes.resolve_workers(args.workers, args.sizes)
    (images_, labels), evaluation_data, _ = prepare_data(args)
    training_data = [(x, mnist.vectorized_result(y)) for x, y in zip(images_, labels)]
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 31)
    net = network.Network(args.sizes, cost=COSTS[args.cost],
                          activation=ACTIVATIONS[args.activation],
                          weight_initializer=args.init, seed=seed)
    session = TrainingRun(args, seed, len(training_data), len(evaluation_data))
    if not args.quiet:
        say(session.describe())
    with sigint_handler(session.interrupt):
        try:
            session.open_progress()
            net.SGD(training_data, args.epochs, args.batch_size, args.eta,
                    test_data=evaluation_data, lmbda=args.lmbda, mu=args.momentum,
                    monitor_training_cost=args.monitor_training,
                    monitor_training_accuracy=args.monitor_training,
                    early_stopping_n=args.early_stopping,
                    eta_schedule_n=args.eta_schedule, verbose=False, workers=args.workers,
                    on_epoch=session.on_epoch, on_batch=session.on_batch)
        except KeyboardInterrupt:
            status = EXIT_INTERRUPTED
        except network.DivergenceError as exc:
            session.stopping = True
            session.close_progress()
            error(str(exc))
            if args.plot:
                session.write_plot()
            return EXIT_ERROR
        else:
            status = EXIT_OK
        # From here on Ctrl-C is ignored (session.stopping), so that a second
        # one cannot stop the network being saved.
        session.stopping = True
        session.close_progress()
        if status == EXIT_INTERRUPTED:
            say(session.interruption())
        session.summarize()
        session.write_files(lambda path, metadata: net.save(path, metadata=metadata),
                            interrupted=status == EXIT_INTERRUPTED)
    return status


class TrainingRun(TrainingSession):
    """What ``train`` keeps while Nielsen's SGD runs: SGD's callbacks, its settings, its plot."""

    def __init__(self, args, seed, n_training, n_evaluation):
        super().__init__(args, seed, n_training, n_evaluation, args.evaluate_on)
        self.history = None         # SGD's History, filled when monitoring
        self.etas = []

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
        if a.workers > 1:
            extras.append("%d processes" % a.workers)
        return ("Training %s on %d %s images: %s, mini-batches of %d, eta %s%s; "
                "%s cost, %s neurons, %s init; seed %d.\n"
                "Each epoch is measured on the %d %s images."
                % (sizes_text(a.sizes), self.n_training, title, plural(a.epochs, "epoch"),
                   a.batch_size, a.eta, "".join(", " + e for e in extras), a.cost,
                   a.activation, a.init, self.seed, self.n_evaluation, a.evaluate_on))

    def on_epoch(self, record):
        """SGD's on_epoch: keep and print what one epoch measured."""
        self.etas.append(record["eta"])
        self.history = record.get("history")
        notes = list(record["notes"])
        if self.args.monitor_training and self.history is not None:
            notes.insert(0, "training data: %d / %d, cost %.6g"
                         % (self.history.training_accuracy[-1], self.n_training,
                            self.history.training_cost[-1]))
        self.record_epoch(record["epoch"], record["test_correct"], record["test_total"],
                          notes, record["eta"] if self.args.eta_schedule else None,
                          record["stop_reason"])

    def settings(self):
        """Return the run's settings for the metadata saved beside the network."""
        a = self.args
        return {"sizes": list(a.sizes), "cost": a.cost, "activation": a.activation,
                "init": a.init, "mini_batch_size": a.batch_size, "eta": a.eta,
                "final_eta": self.etas[-1] if self.etas else a.eta, "lmbda": a.lmbda,
                "momentum": a.momentum, "early_stopping": a.early_stopping,
                "eta_schedule": a.eta_schedule}

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
            sizes_text(a.sizes), mnist.DATASETS[a.dataset].title, a.cost, a.activation,
            a.eta, a.batch_size, ", lmbda %g" % a.lmbda if a.lmbda else "")
        plot.training_curves(a.plot, accuracy, cost, title=title, cost_unit=unit)
        print("Wrote the training curves to %s" % a.plot, flush=True)
