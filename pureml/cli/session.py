"""What every training command keeps while it trains: progress, Ctrl-C, the epochs' record.

``TrainingSession`` is shared by the ways ``python -m pureml train`` can
train (Nielsen's SGD, and the layered networks' Trainer): a progress bar on
stderr (only on a terminal), the "Epoch j" lines, a first Ctrl-C that stops
at the end of the current mini-batch so that the network saved is whole,
the final summary, and the metadata saved beside the network.  A command
subclasses it for what is its own: the line describing the run, the extra
metadata and the plot.
"""

import datetime
import platform
import shutil
import signal
import sys
import threading
import time

from pureml import __version__, mnist
from pureml.display.progress import Progress
from pureml.cli.common import (ArgumentError, check_output, labelled, load_data, percent, plural,
                               say)

__all__ = ["TrainingSession", "StatusLine", "sigint_handler", "prepare_data"]


def prepare_data(args):
    """Check --save and --plot, load the data; return ((images, labels), evaluation pairs, test pairs).

    The training images are the training set (cut to --limit), the
    evaluation pairs (image, label) the set --evaluate-on names, and the
    test pairs the test set (the same list when that is the one).  Says what
    it loads on stderr unless --quiet; ArgumentError for an empty set.
    """
    check_output(args.parser, "--save", args.save)
    check_output(args.parser, "--plot", args.plot)
    log = None if args.quiet else say
    if not args.quiet:
        say("Loading %s (data folder %s)" % (mnist.DATASETS[args.dataset].title,
                                             mnist.data_root(args.data)))
    training, validation, test = load_data(args, fetch=not args.no_download, log=log)
    images, labels = training
    if not labels:
        raise ArgumentError("the training set is empty (%d images were held out for "
                           "validation; see --validation-size)" % args.validation_size)
    if args.limit is not None:
        if args.limit > len(labels) and not args.quiet:
            say("--limit %d: there are only %d training images; using them all"
                % (args.limit, len(labels)))
        images, labels = images[:args.limit], labels[:args.limit]
    test_data = labelled(test)
    evaluation_data = test_data if args.evaluate_on == "test" else labelled(validation)
    if not evaluation_data:
        raise ArgumentError("the %s set is empty, so there is nothing to evaluate on%s"
                           % (args.evaluate_on, " (see --validation-size)"
                              if args.evaluate_on == "validation" else ""))
    return (images, labels), evaluation_data, test_data


class sigint_handler:
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


class StatusLine:
    """One line of text saying what is going on, on a terminal only, blanked by ``clear``.

    For the waits that have no count to show: the measurement at the end of
    each epoch, which SGD makes without a callback.  ``stream`` None, or
    one that is not a terminal, shows nothing.
    """

    def __init__(self, stream):
        try:
            self.stream = stream if stream is not None and stream.isatty() else None
        except (AttributeError, ValueError, OSError):
            self.stream = None
        self.width = 0

    def show(self, text):
        """Write ``text`` over the current line (cut to the terminal's width); return None."""
        if self.stream is None:
            return
        text = text[:max(0, shutil.get_terminal_size((80, 24)).columns - 1)]
        self._write("\r" + text + " " * max(0, self.width - len(text)))
        self.width = len(text)

    def clear(self):
        """Blank the line if something is shown; return None."""
        if self.stream is not None and self.width:
            self._write("\r" + " " * self.width + "\r")
            self.width = 0

    def _write(self, text):
        """Write and flush, giving up for good on a closed or broken stream."""
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.stream = None


class TrainingSession:
    """The state of one training run, and the callbacks that keep it.

    ``on_batch`` is called after every mini-batch and ``record_epoch``
    after every epoch's measurement.  ``interrupt`` is the SIGINT handler.
    A first Ctrl-C while mini-batches are running stops training at the
    end of the current mini-batch, so the network saved is the one after a
    whole number of mini-batches; during the measurement at the end of an
    epoch, or a second time, it stops at once.  Once training has stopped
    (``stopping``), Ctrl-C is ignored until the network is saved.
    """

    def __init__(self, args, seed, n_training, n_evaluation, eval_name):
        self.args = args
        self.seed = seed
        self.n_training = n_training
        self.n_evaluation = n_evaluation
        self.eval_name = eval_name
        self.correct = []           # per epoch, on the evaluation set
        self.seconds = []           # per epoch, wall time including the evaluation
        self.batch_costs = []       # mean cost of each mini-batch, before its update
        self.epoch = 0              # the epoch running now
        self.images_done = 0        # in the epoch running now
        self.in_mini_batches = True
        self.stop_requested = False
        self.stopping = False
        self.stop_reason = None
        self.best = None            # (correct, epoch)
        self.progress = None
        self.status = StatusLine(None if args.quiet else sys.stderr)
        self.start = self._epoch_start = time.perf_counter()

    # -- what is printed after ---------------------------------------------------

    def interruption(self):
        """Return the message for Ctrl-C: where training stopped."""
        if self.in_mini_batches:
            where = "in epoch %d, after %d of its %d images" % (
                self.epoch, self.images_done, self.n_training)
        else:
            where = "in epoch %d, after training on all its %d images but before " \
                    "measuring it" % (self.epoch, self.n_training)
        return "Interrupted %s; %s complete." % (where, plural(len(self.correct), "epoch"))

    def summarize(self):
        """Print the final summary on stdout (even with --quiet); return None."""
        elapsed = time.perf_counter() - self.start
        epochs = len(self.correct)
        if self.best is not None:
            correct, epoch = self.best
            print("Best: %d / %d (%s) on the %s set, in epoch %d."
                  % (correct, self.n_evaluation, percent(correct, self.n_evaluation),
                     self.eval_name, epoch))
        print("%s in %.1f s%s." % (plural(epochs, "epoch"), elapsed,
                                   "; " + self.stop_reason if self.stop_reason else ""),
              flush=True)

    # -- the callbacks -------------------------------------------------------------

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
            self.status.show(self.measuring_text())

    def record_epoch(self, j, correct, total, notes=(), eta_shown=None, stop_reason=None):
        """Keep and print epoch ``j``'s result, ``correct`` of ``total``; start the next epoch.

        The printed line is the book's "Epoch j: correct / n" with the
        epoch's time (and eta, when ``eta_shown`` is given), then ``notes``.
        """
        self.status.clear()
        now = time.perf_counter()
        seconds, self._epoch_start = now - self._epoch_start, now
        self.correct.append(correct)
        self.seconds.append(seconds)
        if self.best is None or correct > self.best[0]:
            self.best = (correct, j)
        if stop_reason:
            self.stop_reason = "stopped: " + stop_reason
        if not self.args.quiet:
            line = "Epoch {0}: {1} / {2}  ({3:.1f} s{4})".format(
                j, correct, total, seconds, "" if eta_shown is None else ", eta %g" % eta_shown)
            print("\n".join([line] + ["  " + note for note in notes]), flush=True)
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
            self.progress = Progress(self.n_training, stream=sys.stderr,
                                              label="Epoch %d" % self.epoch)

    def measuring_text(self):
        """Return the status line shown while an epoch is measured."""
        text = "Epoch %d: measuring it on the %d %s images" % (self.epoch, self.n_evaluation,
                                                              self.eval_name)
        if getattr(self.args, "monitor_training", False):
            text += " and the %d training images" % self.n_training
        return text + "..."

    def close_progress(self):
        """Blank and forget the progress bar or status line, if one is drawn; return None."""
        self.status.clear()
        if self.progress is not None:
            self.progress.close()
            self.progress = None

    # -- files -----------------------------------------------------------------------

    def write_files(self, save, interrupted=False, what=None):
        """Save the network with ``save(path, metadata)`` and write the plot, as --save and --plot ask.

        ``what`` names the network saved in the message (by default "the
        network", or "the network trained so far" when ``interrupted``).
        """
        if what is None:
            what = "the network trained so far" if interrupted else "the network"
        if self.args.save:
            try:
                save(self.args.save, self.metadata(interrupted))
            except OSError as exc:
                raise ArgumentError("could not save the network to %s: %s"
                                   % (self.args.save, exc.strerror or exc)) from None
            print("Saved %s to %s" % (what, self.args.save), flush=True)
        elif interrupted:
            say("Nothing saved (--save FILE keeps the network).")
        if self.args.plot:
            self.write_plot()

    def metadata(self, interrupted):
        """Return the dict saved beside the network: how it was trained, and how well."""
        data = {
            "pureml_version": __version__,
            "date": datetime.datetime.now(datetime.timezone.utc)
                            .replace(microsecond=0).isoformat(),
            "python": "%s %s" % (platform.python_implementation(),
                                 platform.python_version()),
            "dataset": self.args.dataset,
            "seed": self.seed,
            "training_images": self.n_training,
            "epochs_requested": self.args.epochs,
            "epochs_run": len(self.correct),
            "evaluated_on": self.eval_name,
            "evaluation_images": self.n_evaluation,
            "correct_per_epoch": list(self.correct),
            "seconds_per_epoch": [round(t, 1) for t in self.seconds],
            "interrupted": bool(interrupted),
        }
        data.update(self.settings())
        if self.best is not None:
            data["best_correct"], data["best_epoch"] = self.best
            data["best_accuracy"] = self.best[0] / self.n_evaluation
        if interrupted and self.images_done:
            data["images_into_unfinished_epoch"] = self.images_done
        return data

    def settings(self):
        """Return the run's own settings for the metadata (the subclass says which)."""
        return {}

    def write_plot(self):
        """Write the training curves to --plot (the subclass says how); return None."""
        raise NotImplementedError
