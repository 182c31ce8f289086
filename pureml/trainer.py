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
first ``evaluate_sample_num_per_epoch`` examples when that is set, on the
book's schedule: after the first step, then every epoch.  The results are
kept in ``train_loss_list``, ``train_acc_list`` and ``test_acc_list``.

Three differences from the book, all deliberate.  The loss recorded for a
step is the one its gradient's forward pass computed, before the update
(the book runs the network forward a second time, after the update).
``verbose`` draws a progress bar on a terminal and prints one line per
epoch, rather than a line per step.  And a loss that is NaN or infinite
stops training with a DivergenceError.

``train`` is decorated twice, pureml's one place for how a Trainer runs:
``workers`` above 1 shares each step among processes with the same
numbers (pureml.parallel.trainer), and CPython's cyclic garbage collector
is paused while it trains (pureml.engine.collector).
"""

import math
import random
import sys

from pureml.arguments import check_count, check_nonnegative
from pureml.display.progress import Progress
from pureml.engine import collector
from pureml.errors import ArgumentError, DivergenceError
from pureml.optimizers import make_optimizer
from pureml.parallel import trainer as parallel_trainer

__all__ = ["Trainer"]


def _check_pair(x, t, what):
    """Return (x, t) as lists if they hold the same number (at least one) of examples."""
    try:
        x, t = list(x), list(t)
    except TypeError:
        raise ArgumentError("%s must be lists of examples and labels" % what) from None
    if not x or len(x) != len(t):
        raise ArgumentError("%s must hold as many labels as examples, at least one; it holds %d "
                            "examples and %d labels" % (what, len(x), len(t)))
    return x, t


class Trainer:
    """Train a layered network by mini-batch gradient descent with one of the book's optimizers.

    ``optimizer`` is a name ("SGD", "Momentum", "Nesterov", "AdaGrad",
    "RMSprop", "Adam", in any case) built with ``optimizer_param`` (default
    ``{'lr': 0.01}``, the book's).  ``seed`` (or a random.Random) makes the
    mini-batches repeatable.  ``on_step(trainer)`` is called after every
    step and ``on_epoch(trainer)`` after every epoch's measurements; either
    may raise (KeyboardInterrupt, say) to stop training between two steps,
    with the network whole.  ``workers`` (an int, or "auto") shares each
    step among that many processes, with the same numbers.
    """

    def __init__(self, network, x_train, t_train, x_test, t_test, epochs=20,
                 mini_batch_size=100, optimizer='SGD', optimizer_param=None,
                 evaluate_sample_num_per_epoch=None, verbose=True, seed=None,
                 on_step=None, on_epoch=None, stream=None, workers=1):
        self.network = network
        self.verbose = verbose
        self.x_train, self.t_train = _check_pair(x_train, t_train, "the training data")
        self.x_test, self.t_test = _check_pair(x_test, t_test, "the test data")
        self.epochs = check_nonnegative(epochs, "epochs")
        self.batch_size = check_count(mini_batch_size, "mini_batch_size", 1)
        if evaluate_sample_num_per_epoch is not None:
            check_count(evaluate_sample_num_per_epoch, "evaluate_sample_num_per_epoch", 1)
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch

        # optimizer
        self.optimizer = make_optimizer(optimizer, {'lr': 0.01} if optimizer_param is None
                                        else optimizer_param)

        self.train_size = len(self.x_train)
        self.iter_per_epoch = max(self.train_size / self.batch_size, 1)
        self.max_iter = int(self.epochs * self.iter_per_epoch)
        self.current_iter = 0
        self.current_epoch = 0

        self.train_loss_list = []
        self.train_acc_list = []
        self.test_acc_list = []

        # pureml's
        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        self.on_step, self.on_epoch = on_step, on_epoch
        self.stream = sys.stderr if stream is None else stream
        self.workers = workers
        self.progress = None

    def train_step(self):
        batch_mask = self.rng.choices(range(self.train_size), k=self.batch_size)
        x_batch = [self.x_train[i] for i in batch_mask]     # self.x_train[batch_mask]
        t_batch = [self.t_train[i] for i in batch_mask]

        grads = self.network.gradient(x_batch, t_batch)
        self.optimizer.update(self.network.params, grads)

        loss = self.network.last_loss           # the book: self.network.loss(x_batch, t_batch)
        if not math.isfinite(loss):
            raise DivergenceError("the loss became %r at step %d: the learning rate is too "
                                  "large; try a smaller lr" % (loss, self.current_iter))
        self.train_loss_list.append(loss)
        self.show_progress()

        if self.current_iter % self.iter_per_epoch == 0:
            self.current_epoch += 1

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
                self.close_progress()
                print("=== epoch:" + str(self.current_epoch) + ", train acc:" + str(train_acc)
                      + ", test acc:" + str(test_acc) + " ===", flush=True)
            if self.on_epoch is not None:
                self.on_epoch(self)
        self.current_iter += 1

    @parallel_trainer.on_every_core
    @collector.paused_while
    def train(self):
        """Run every step, then measure the whole test set; return its accuracy."""
        try:
            for i in range(self.max_iter):
                self.train_step()
                if self.on_step is not None:
                    self.on_step(self)
        finally:
            self.close_progress()

        test_acc = self.network.accuracy(self.x_test, self.t_test)

        if self.verbose:
            print("=============== Final Test Accuracy ===============")
            print("test acc:" + str(test_acc), flush=True)
        return test_acc

    # -- pureml's: the progress bar -----------------------------------------------------

    def show_progress(self):
        """Draw the images trained on in this epoch, on a terminal, when verbose."""
        if not self.verbose:
            return
        per_epoch = max(1, int(self.iter_per_epoch))
        if self.progress is None:
            self.progress = Progress(per_epoch * self.batch_size, stream=self.stream,
                                              label="Epoch %d" % (self.current_epoch + 1))
        done = (self.current_iter % per_epoch + 1) * self.batch_size
        self.progress.update(min(per_epoch * self.batch_size, done))

    def close_progress(self):
        """Blank and forget the progress bar, if one is drawn."""
        if self.progress is not None:
            self.progress.close()
            self.progress = None
