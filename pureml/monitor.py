"""network2's measuring and deciding, around Network.SGD's loop.

Chapter 1's loop (shuffle, mini-batches, update) is ``Network.SGD``; what
network2 and chapter 3 add around it is here, in ``Monitor``:

* the checks of SGD's arguments, made once, before the first epoch;
* after each epoch, the book's printed lines ("Epoch j: correct / n", or
  "Epoch j complete") and the four monitoring lists that network2's SGD
  returns, as a ``History``: ``monitor_evaluation_cost``,
  ``monitor_evaluation_accuracy``, ``monitor_training_cost`` and
  ``monitor_training_accuracy`` choose what is measured, on
  ``evaluation_data`` (pairs with int labels; it defaults to ``test_data``)
  and on the training data; accuracies are counts, as in network2;
* ``early_stopping_n``: stop when the evaluation accuracy has not improved
  for that many epochs; ``eta_schedule_n``: halve eta whenever it has not
  improved for that many epochs, and stop once eta has fallen to eta/128
  (chapter 3's learning-rate schedule);
* ``verbose=False`` silences the printing; ``on_epoch(record)`` is called
  after each epoch with a dict of what was measured and decided: "epoch",
  "eta" (used in the epoch), "seconds", "test_correct" and "test_total"
  (with test_data), "evaluation_accuracy", "history" (the lists so far),
  "notes" (the lines about early stopping or eta, as printed), "stopped",
  "stop_reason" (None, or why training stops) and "next_eta";
  ``on_batch(done, total, cost)`` after each mini-batch, with the images
  done so far in the epoch, the epoch's total, and the mini-batch's mean
  cost before its update;
* ``DivergenceError``, naming the epoch and mini-batch, when the weights
  become NaN or infinite.
"""

import collections
import math
import time

from pureml.arguments import check_sgd, one_hot
from pureml.display import pictures
from pureml.errors import DivergenceError

__all__ = ["History", "Monitor"]

class History(collections.namedtuple(
        "History", "evaluation_cost evaluation_accuracy training_cost training_accuracy")):
    """What SGD returns, as network2 does: four lists, one entry per epoch.

    It is the book's four lists in a named tuple, and it draws itself: the
    last line of a notebook cell, ``history``, shows the accuracy and cost
    curves (pureml.display.pictures.curves).
    """

    __slots__ = ()

    def _repr_svg_(self):
        return pictures.curves(self).svg()


class Monitor:
    """What SGD checks before it starts and measures and decides after each epoch.

    ``training_data`` is the checked copy of the training data (SGD
    shuffles it), ``eta`` the learning rate for the next epoch and
    ``history`` the four lists.  See the module's docstring.
    """

    def __init__(self, net, training_data, epochs, mini_batch_size, eta, test_data, lmbda, mu,
                 evaluation_data, monitor_evaluation_cost, monitor_evaluation_accuracy,
                 monitor_training_cost, monitor_training_accuracy, early_stopping_n,
                 eta_schedule_n, verbose, on_epoch, on_batch):
        checked = check_sgd(net.sizes, training_data, epochs, mini_batch_size, eta, test_data,
                            lmbda, mu, evaluation_data, early_stopping_n, eta_schedule_n,
                            monitor_evaluation_cost or monitor_evaluation_accuracy)
        self.training_data, self.test_data, self.evaluation_data = checked
        self.net = net
        self.eta = float(eta)
        self.eta_floor = self.eta / 128.0
        self.lmbda = lmbda
        self.monitor_evaluation_cost = monitor_evaluation_cost
        self.monitor_evaluation_accuracy = monitor_evaluation_accuracy
        self.monitor_training_cost = monitor_training_cost
        self.monitor_training_accuracy = monitor_training_accuracy
        self.early_stopping_n = early_stopping_n
        self.eta_schedule_n = eta_schedule_n
        self.verbose = verbose
        self.on_epoch = on_epoch
        self.on_batch = on_batch
        self.history = History([], [], [], [])
        self.best_accuracy = None
        self.epochs_since_best = 0
        self.batch = 0                      # mini-batches done in this epoch
        self.done = 0                       # and their examples
        self.start = time.perf_counter()

    def mini_batch_done(self, j, mini_batch, outputs):
        """After a mini-batch of epoch j: stop a diverged run, and call on_batch; return None.

        ``outputs`` are the network's outputs for the mini-batch before the
        update, from which its cost comes.
        """
        self.batch += 1
        self.done += len(mini_batch)
        if not math.isfinite(sum(self.net.biases[-1])):
            self.diverged(j, "mini-batch %d" % (self.batch - 1))
        if self.on_batch is not None:
            cost_fn, size = self.net.cost.fn, self.net.sizes[-1]
            cost = math.fsum(cost_fn(a, one_hot(y, size) if isinstance(y, int) else y)
                             for a, (_, y) in zip(outputs, mini_batch)) / len(mini_batch)
            self.on_batch(self.done, len(self.training_data), cost)

    def end_of_epoch(self, j):
        """Measure, print and decide after epoch ``j``; return True when training should stop."""
        if not self.is_finite():
            self.diverged(j, "the end of the epoch")
        record = {"epoch": j, "eta": self.eta, "seconds": time.perf_counter() - self.start}
        lines = self.measure(j, record)
        notes, stop_reason = self.decide(record["evaluation_accuracy"])
        stop = stop_reason is not None
        record.update(stopped=stop, stop_reason=stop_reason, notes=notes, next_eta=self.eta)
        if self.verbose:
            print("\n".join(lines + notes))
        if self.on_epoch is not None:
            self.on_epoch(record)
        self.batch = self.done = 0
        self.start = time.perf_counter()
        return stop

    def is_finite(self):
        """Return True if every weight and bias of the network is a finite number."""
        net = self.net
        return all(math.isfinite(sum(row)) for w in net.weights for row in w) and \
            all(math.isfinite(sum(b)) for b in net.biases)

    def diverged(self, j, where):
        """Raise DivergenceError for training that went non-finite in epoch ``j``."""
        raise DivergenceError(
            "training diverged in epoch {0} (at {1}): the weights became NaN or "
            "infinite with eta={2}; try a smaller eta".format(j, where, self.eta))

    def measure(self, j, record):
        """Fill ``record`` and the history with this epoch's measurements; return the lines to print."""
        net, history = self.net, self.history
        training_data, test_data = self.training_data, self.test_data
        evaluation_data, lmbda = self.evaluation_data, self.lmbda
        lines = []
        if test_data is not None:
            record["test_correct"] = net.evaluate(test_data)
            record["test_total"] = len(test_data)
            lines.append("Epoch {0}: {1} / {2}".format(j, record["test_correct"], len(test_data)))
        else:
            lines.append("Epoch {0} complete".format(j))
        if self.monitor_training_cost:
            cost = net.total_cost(training_data, lmbda)
            history.training_cost.append(cost)
            lines.append("Cost on training data: {}".format(cost))
        if self.monitor_training_accuracy:
            accuracy = net.accuracy(training_data, convert=True)
            history.training_accuracy.append(accuracy)
            lines.append("Accuracy on training data: {} / {}".format(
                accuracy, len(training_data)))
        if self.monitor_evaluation_cost:
            cost = net.total_cost(evaluation_data, lmbda, convert=True)
            history.evaluation_cost.append(cost)
            lines.append("Cost on evaluation data: {}".format(cost))
        evaluation_accuracy = None
        if self.monitor_evaluation_accuracy or self.early_stopping_n or self.eta_schedule_n:
            if evaluation_data is test_data and "test_correct" in record:
                evaluation_accuracy = record["test_correct"]
            else:
                evaluation_accuracy = net.accuracy(evaluation_data)
        if self.monitor_evaluation_accuracy:
            history.evaluation_accuracy.append(evaluation_accuracy)
            lines.append("Accuracy on evaluation data: {} / {}".format(
                evaluation_accuracy, len(evaluation_data)))
        record.update(history=history, training_total=len(training_data),
                      evaluation_total=len(evaluation_data) if evaluation_data else 0,
                      evaluation_accuracy=evaluation_accuracy)
        return lines

    def decide(self, evaluation_accuracy):
        """Apply early stopping and the eta schedule; return (notes, stop_reason or None)."""
        notes, stop_reason = [], None
        if evaluation_accuracy is None:
            return notes, stop_reason
        if self.best_accuracy is None or evaluation_accuracy > self.best_accuracy:
            self.best_accuracy, self.epochs_since_best = evaluation_accuracy, 0
        else:
            self.epochs_since_best += 1
        if self.early_stopping_n and self.epochs_since_best >= self.early_stopping_n:
            stop_reason = "no improvement in {} epochs".format(self.early_stopping_n)
            notes.append("Early stopping: " + stop_reason)
        elif self.eta_schedule_n and self.epochs_since_best >= self.eta_schedule_n:
            self.eta /= 2.0
            self.epochs_since_best = 0
            if self.eta <= self.eta_floor:
                stop_reason = "eta has fallen to 1/128 of its start"
                notes.append("Stopping: " + stop_reason)
            else:
                notes.append("No improvement in {} epochs: eta halved to {}".format(
                    self.eta_schedule_n, self.eta))
        return notes, stop_reason
