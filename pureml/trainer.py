"""Deep Learning from Scratch's Trainer (common/trainer.py): a network, an optimizer, the data.

    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=20,
                      mini_batch_size=100, optimizer='Adam',
                      optimizer_param={'lr': 0.001},
                      evaluate_sample_num_per_epoch=1000)
    trainer.train()

Each step draws a mini-batch at random with replacement (the book's
``np.random.choice``), computes ``network.gradient`` and lets the optimizer
update ``network.params``.  Once an "epoch" (train_size / mini_batch_size
steps) the accuracy on the training and test data is measured, on their
first ``evaluate_sample_num_per_epoch`` examples when that is set, exactly
on the book's schedule: after the first step, then every epoch.  The
results are kept in ``train_loss_list``, ``train_acc_list`` and
``test_acc_list``.

Two differences from the book, both deliberate.  The loss recorded for a
step is the one its gradient's forward pass computed, before the update
(the book runs the network forward a second time, after the update, which
costs a third more time).  And ``verbose`` draws a progress bar on a
terminal and prints one line per epoch, rather than a line per step.
"""

import math
import numbers
import random
import sys

from pureml.parallel import trainer as parallel_trainer
from pureml.display import terminal
from pureml.optimizers import make_optimizer
from pureml.errors import ArgumentError

__all__ = ["Trainer", "ArgumentError"]


def _check_count(value, name, minimum=1):
    """Return value if it is an int >= minimum; ArgumentError otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ArgumentError("%s must be a whole number of at least %d, not %r"
                           % (name, minimum, value))
    return int(value)


def _check_pair(x, t, what):
    """Return (x, t) as lists if they hold the same number (at least one) of examples."""
    try:
        x, t = list(x), list(t)
    except TypeError:
        raise ArgumentError("%s must be lists of examples and labels" % what) from None
    if not x:
        raise ArgumentError("%s holds no examples" % what)
    if len(x) != len(t):
        raise ArgumentError("%s: %d examples but %d labels; they must agree"
                           % (what, len(x), len(t)))
    return x, t


class Trainer:
    """Train a layered network by mini-batch gradient descent with one of the book's optimizers.

    ``optimizer`` is a name ("SGD", "Momentum", "Nesterov", "AdaGrad",
    "RMSprop", "Adam", in any case) built with ``optimizer_param`` (default
    ``{'lr': 0.01}``, the book's).  ``seed`` (or a random.Random) makes the
    mini-batches repeatable.  ``on_step(trainer)`` is called after every
    step and ``on_epoch(trainer)`` after every epoch's measurements; either
    may raise (KeyboardInterrupt, say) to stop training between two steps,
    with the network whole.  ``workers`` (an int, or "auto") shares the
    first Affine's hidden units among that many processes
    (pureml.parallel.trainer): the network comes out the same, bit for bit.
    """

    def __init__(self, network, x_train, t_train, x_test, t_test, epochs=20,
                 mini_batch_size=100, optimizer="SGD", optimizer_param=None,
                 evaluate_sample_num_per_epoch=None, verbose=True, seed=None,
                 on_step=None, on_epoch=None, stream=None, workers=1):
        self.network = network
        self.workers = workers
        self.verbose = verbose
        self.x_train, self.t_train = _check_pair(x_train, t_train, "the training data")
        self.x_test, self.t_test = _check_pair(x_test, t_test, "the test data")
        if isinstance(epochs, bool) or not isinstance(epochs, (int, float)) or \
                not math.isfinite(epochs) or epochs < 0:
            raise ArgumentError("epochs must be a number of at least 0, not %r" % (epochs,))
        self.epochs = epochs
        self.batch_size = _check_count(mini_batch_size, "mini_batch_size")
        if evaluate_sample_num_per_epoch is not None:
            evaluate_sample_num_per_epoch = _check_count(
                evaluate_sample_num_per_epoch, "evaluate_sample_num_per_epoch")
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        if optimizer_param is None:
            optimizer_param = {"lr": 0.01}
        self.optimizer = make_optimizer(optimizer, optimizer_param)
        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        self.on_step = on_step
        self.on_epoch = on_epoch
        self.stream = sys.stderr if stream is None else stream

        self.train_size = len(self.x_train)
        self.iter_per_epoch = max(self.train_size / self.batch_size, 1)
        self.max_iter = int(self.epochs * self.iter_per_epoch)
        self.current_iter = 0
        self.current_epoch = 0

        self.train_loss_list = []
        self.train_acc_list = []
        self.test_acc_list = []
        self.progress = None
        self._epoch_start_iter = 0
        self._split = None

    def train_step(self):
        """Draw a mini-batch, update the network on it, and measure at an epoch's turn; return the loss."""
        batch_mask = self.rng.choices(range(self.train_size), k=self.batch_size)
        x_batch = [self.x_train[i] for i in batch_mask]
        t_batch = [self.t_train[i] for i in batch_mask]

        grads = self.network.gradient(x_batch, t_batch)
        loss = self.network.last_loss
        if not math.isfinite(loss):
            raise ArgumentError("the loss became %r at step %d: the learning rate is too "
                               "large; try a smaller lr" % (loss, self.current_iter))
        split = self._split
        self.optimizer.update(split.params if split else self.network.params, grads)
        self.train_loss_list.append(loss)

        if self.current_iter % self.iter_per_epoch == 0:
            self.current_epoch += 1
            self._epoch_start_iter = self.current_iter
            if split:
                split.gather()          # the whole network, before it is measured
            self._measure()
            if split:
                split.resume()
        self.current_iter += 1
        return loss

    def _measure(self):
        """Append this epoch's training and test accuracy, and print them when verbose."""
        x_train_sample, t_train_sample = self.x_train, self.t_train
        x_test_sample, t_test_sample = self.x_test, self.t_test
        if self.evaluate_sample_num_per_epoch is not None:
            t = self.evaluate_sample_num_per_epoch
            x_train_sample, t_train_sample = self.x_train[:t], self.t_train[:t]
            x_test_sample, t_test_sample = self.x_test[:t], self.t_test[:t]
        train_acc = self.network.accuracy(x_train_sample, t_train_sample)
        test_acc = self.network.accuracy(x_test_sample, t_test_sample)
        self.train_acc_list.append(train_acc)
        self.test_acc_list.append(test_acc)
        if self.verbose:
            self._close_progress()
            print("=== epoch:" + str(self.current_epoch) + ", train acc:" + str(train_acc)
                  + ", test acc:" + str(test_acc) + " ===", flush=True)
        if self.on_epoch is not None:
            self.on_epoch(self)

    def train(self):
        """Run every step, then measure the whole test set; return its accuracy."""
        workers = 1 if self.workers == 1 else parallel_trainer.can_split(self.network,
                                                                         self.workers)
        with parallel_trainer.training(self, workers) as self._split:
            try:
                for _ in range(self.max_iter):
                    self.train_step()
                    self._show_progress()
                    if self.on_step is not None:
                        self.on_step(self)
            finally:
                self._close_progress()
                self._split = None
        test_acc = self.network.accuracy(self.x_test, self.t_test)
        if self.verbose:
            print("=============== Final Test Accuracy ===============")
            print("test acc:" + str(test_acc), flush=True)
        return test_acc

    def _show_progress(self):
        """Draw the images trained on since the last epoch's turn, on a terminal, when verbose."""
        if not self.verbose:
            return
        total = max(1, int(self.iter_per_epoch)) * self.batch_size
        if self.progress is None:
            self.progress = terminal.Progress(total, stream=self.stream,
                                              label="Epoch %d" % self.current_epoch)
        done = (self.current_iter - 1 - self._epoch_start_iter) * self.batch_size
        self.progress.update(max(0, min(total, done)))

    def _close_progress(self):
        """Blank and forget the progress bar, if one is drawn."""
        if self.progress is not None:
            self.progress.close()
            self.progress = None
