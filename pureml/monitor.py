"""network2's measuring and deciding at the end of each epoch of SGD.

Chapter 1's loop (shuffle, mini-batches, update) is in ``Network.SGD``;
what chapter 3 adds at the end of every epoch is here: the four
monitoring lists that network2's SGD returns, the book's printed lines,
early stopping, and the learning-rate schedule (halve eta when accuracy
stops improving, stop at eta/128).
"""

import collections
import time

__all__ = ["History", "Monitor"]

#: What SGD returns, as network2 does: four lists, one entry per epoch.
History = collections.namedtuple(
    "History", "evaluation_cost evaluation_accuracy training_cost training_accuracy")


class Monitor:
    """What SGD measures and decides after each epoch; ``eta`` is the rate for the next one.

    ``end_of_epoch(j, start)`` measures what was asked for, prints the
    book's lines (when ``verbose``), calls ``on_epoch(record)`` and returns
    True when training should stop.  ``history`` holds the four lists.
    """

    def __init__(self, net, training_data, test_data, evaluation_data, eta, lmbda,
                 monitor_evaluation_cost, monitor_evaluation_accuracy,
                 monitor_training_cost, monitor_training_accuracy,
                 early_stopping_n, eta_schedule_n, verbose, on_epoch):
        self.net = net
        self.training_data = training_data
        self.test_data = test_data
        self.evaluation_data = evaluation_data
        self.eta = eta
        self.eta_floor = eta / 128.0
        self.lmbda = lmbda
        self.monitor_evaluation_cost = monitor_evaluation_cost
        self.monitor_evaluation_accuracy = monitor_evaluation_accuracy
        self.monitor_training_cost = monitor_training_cost
        self.monitor_training_accuracy = monitor_training_accuracy
        self.early_stopping_n = early_stopping_n
        self.eta_schedule_n = eta_schedule_n
        self.verbose = verbose
        self.on_epoch = on_epoch
        self.history = History([], [], [], [])
        self.best_accuracy = None
        self.epochs_since_best = 0

    def end_of_epoch(self, j, start):
        """Measure, print and decide after epoch ``j`` (begun at ``start``); return True to stop."""
        record = {"epoch": j, "eta": self.eta, "seconds": time.perf_counter() - start}
        lines = self._measure(j, record)
        notes, stop_reason = self._decide(record["evaluation_accuracy"])
        stop = stop_reason is not None
        record.update(stopped=stop, stop_reason=stop_reason, notes=notes, next_eta=self.eta)
        if self.verbose:
            print("\n".join(lines + notes))
        if self.on_epoch is not None:
            self.on_epoch(record)
        return stop

    def _measure(self, j, record):
        """Fill ``record`` and the history with this epoch's measurements; return the lines to print."""
        net, history = self.net, self.history
        training_data, test_data = self.training_data, self.test_data
        evaluation_data, lmbda = self.evaluation_data, self.lmbda
        lines = []
        if test_data is not None:
            record["test_correct"] = net.evaluate(test_data)
            record["test_total"] = len(test_data)
            lines.append("Epoch {0}: {1} / {2}".format(
                j, record["test_correct"], len(test_data)))
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

    def _decide(self, evaluation_accuracy):
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
