"""DLFS's Trainer on several processes: the first Affine's output columns split, the same numbers.

The layered networks' counterpart of pureml.parallel.sgd's split (which see):
each process owns a contiguous range of the first ``Affine``'s output
columns (its hidden units), computes their z for the mini-batch, the
processes exchange z through the same shared board, every process
computes the rest of the network itself, and each process's optimizer
moves only its own columns of W1 and b1.  Every parameter sees exactly
the operations of the one-process run, so the network comes out the same,
bit for bit.  The workers draw the same mini-batches from their copy of
the Trainer's random.Random, and the parent gathers the columns whenever
the Trainer measures the network, and at the end.

It serves TwoLayerNet and MultiLayerNet (their first layer is an Affine),
with dropout and batch normalisation; a conv net (its first layer is a
Convolution) and a network with weight decay (its loss needs the squares
of every weight, which no one process holds) train in one process.
"""

import contextlib
import os
import sys

from pureml import matrix
from pureml.parallel import sgd, processes
from pureml.layers import Affine

__all__ = ["SplitAffine", "training", "start", "finish", "can_split"]


def can_split(network, workers):
    """Return the number of processes to train ``network`` with (1 when it cannot be split).

    A conv net (its first layer is a Convolution) and a network with
    weight decay (whose loss needs the squares of every weight, which no
    one process holds) train in one process.
    """
    first = network.layers.get(network.param_layers[0])
    if not isinstance(first, Affine) or network.weight_decay_lambda:
        return 1
    return processes.resolve_workers(workers, [len(first.W), len(first.b)])


class SplitAffine:
    """The first Affine in one process: only this process's columns of W and b.

    ``W`` and ``b`` are this process's copies of its columns; the optimizer
    moves them, and the parent gathers them back into the network's W1.
    """

    def __init__(self, layer, split):
        self.layer = layer
        self.split = split
        lo, hi = split.lo, split.hi
        self.W = [row[lo:hi] for row in layer.W]
        self.b = layer.b[lo:hi]
        self.x = None
        self.dW = None
        self.db = None
        self.compute_dx = False

    def forward(self, x):
        self.x = x
        return self.split.exchange(matrix.matmul(x, self.W, self.b))

    def backward(self, dout):
        lo, hi = self.split.lo, self.split.hi
        part = [d[lo:hi] for d in dout]
        self.dW = matrix.transposed_matmul(self.x, part)     # np.dot(x.T, dout), its columns
        self.db = matrix.column_sums(part)
        return None

    def columns(self):
        """Return this process's hidden units as (incoming weights, bias) lists."""
        return [list(column) for column in zip(*self.W)], self.b


class _Run:
    """The parent's side of a split Trainer: its SplitAffine, the params it updates, the split."""

    def __init__(self, trainer, split, key):
        self.trainer = trainer
        self.split = split
        self.key = key                      # the first layer's name, "Affine1"
        network = trainer.network
        self.original = network.layers[key]
        self.affine = SplitAffine(self.original, split)
        network.layers[key] = self.affine
        self.params = dict(network.params, W1=self.affine.W, b1=self.affine.b)
        self.keep()

    def keep(self):
        """Keep a copy of the network's parameters as they are now (whole); return None."""
        self.kept = {name: processes.copy_nested(value)
                     for name, value in self.trainer.network.params.items()}

    def restore(self):
        """Put back, in place, the parameters kept at the last gather (or the start); return None.

        When a worker dies, its columns of W1 are lost while every other
        parameter has moved on: the kept copy is the newest whole network.
        """
        params = self.trainer.network.params
        for name, kept in self.kept.items():
            _assign(params[name], kept)

    def gather(self):
        """Bring every process's columns into the network's own W1 and b1 (the parent).

        The network's first layer is its own Affine again, whole, until
        ``resume``: the Trainer measures it in this one process.
        """
        self.trainer.network.layers[self.key] = self.original
        W1, b1 = self.original.W, self.original.b
        lo, hi = self.split.lo, self.split.hi
        for row, mine in zip(W1, self.affine.W):
            row[lo:hi] = mine
        b1[lo:hi] = self.affine.b
        if self.split.workers:
            sequence = self.split._command(sgd._GATHER)
            acks = self.split.board.ints[2 + self.split.board.processes:]
            self.split._wait(lambda: min(acks[1:]) >= sequence)
            columns = [[0.0] * len(W1) for _ in range(len(b1))]
            self.split.read_rows(columns, b1)
            for j, column in enumerate(columns):
                if not any(lo <= j < hi for lo, hi in self.split.bounds[1:]):
                    continue
                for row, value in zip(W1, column):
                    row[j] = value
        self.keep()

    def resume(self):
        """Put this process's SplitAffine back in the network, to go on training."""
        self.trainer.network.layers[self.key] = self.affine


def _assign(target, value):
    """Copy the nested lists ``value`` into the nested lists ``target``, in place; return None."""
    if target and isinstance(target[0], list):
        for inner, inner_value in zip(target, value):
            _assign(inner, inner_value)
    else:
        target[:] = value


@contextlib.contextmanager
def training(trainer, workers):
    """Run a ``with`` block of the Trainer's steps on ``workers`` processes; yield the run, or None.

    The workers are forked on entry and always ended on leaving, the
    network gathered whole into the parent.  If a worker dies, the
    parameters are put back as they were at the last measurement and the
    WorkerError says so; a Ctrl-C deferred past the last step is raised
    on the way out.
    """
    if workers <= 1:
        yield None
        return
    run = start(trainer, workers)
    try:
        yield run
    except processes.WorkerError as exc:
        run.restore()
        raise processes.WorkerError("%s; the network's parameters are back as they were at "
                                   "the last measurement" % exc) from None
    finally:
        finish(run)
    run.split.raise_deferred_interrupt()


def start(trainer, workers):
    """Fork the workers of a split Trainer; return the parent's run."""
    network = trainer.network
    key = network.param_layers[0]
    first = network.layers[key]
    context = processes.fork_context()
    bounds = processes.parts(len(first.b), workers)
    board = sgd._Board(workers, trainer.batch_size, len(first.b), len(first.W), False)
    split = sgd.Split(board, 0, bounds)
    parent_pid = os.getpid()
    try:
        with processes.forking():
            for p in range(1, workers):
                worker_split = sgd.Split(board, p, bounds, parent_pid=parent_pid)
                proc = context.Process(target=_worker_main, daemon=True,
                                       args=(trainer, key, worker_split))
                proc.start()
                split.workers.append(proc)
    except BaseException:
        split.close()
        raise
    run = _Run(trainer, split, key)
    run.deferred = sgd._DeferredInterrupt(split).__enter__()
    return run


def finish(run):
    """End a split Trainer: gather the whole network into the parent, close, restore Affine1.

    Nothing is gathered from workers that have died (training restores the
    kept parameters then).
    """
    try:
        if all(p.exitcode is None for p in run.split.workers):
            run.gather()
    finally:
        run.deferred.__exit__(None, None, None)
        run.split.close()
        run.trainer.network.layers[run.key] = run.original


def _worker_main(trainer, key, split):
    """Run a worker: the Trainer's steps on its columns, sending them when the parent measures."""
    processes.ignore_interrupts()
    network = trainer.network
    affine = SplitAffine(network.layers[key], split)
    network.layers[key] = affine
    params = dict(network.params, W1=affine.W, b1=affine.b)
    split.send_rows = lambda: split.write_rows(*affine.columns())
    try:
        for _ in range(trainer.max_iter):
            batch_mask = trainer.rng.choices(range(trainer.train_size), k=trainer.batch_size)
            grads = network.gradient([trainer.x_train[i] for i in batch_mask],
                                     [trainer.t_train[i] for i in batch_mask])
            trainer.optimizer.update(params, grads)
        split._wait(lambda: False)      # answer the last gather, until the STOP
    except sgd._Stop:
        pass
    sys.stdout.flush()
    os._exit(0)
