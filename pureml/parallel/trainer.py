"""DLFS's Trainer on several processes: the same numbers whatever their number.

A conv net's steps are shared out by pureml.parallel.blocks (the
mini-batch's gradient computed in fixed blocks, for any number of
processes, 1 included).  A fully connected net is split by its first
Affine's output columns, as follows.

The layered networks' counterpart of pureml.parallel.sgd (which see): each
process owns a contiguous range of the first ``Affine``'s output columns
(its hidden units), computes their part of x W + b for the mini-batch, the
processes exchange it through the shared board (pureml.parallel.board),
every process computes the rest of the network itself, and each process's
optimizer moves only its own columns of W1 and b1.  Every parameter sees
exactly the operations of the one-process run, so the network comes out
the same, bit for bit.  The workers draw the same mini-batches from their
copy of the Trainer's random.Random.

How it plugs in: ``Trainer.train`` is decorated with ``on_every_core``.
With ``workers`` above 1 the Trainer trains a *split view* of its network
(its class with ``_SplitNet`` mixed in), whose ``layers`` hold a
``SplitAffine`` in place of the first Affine and whose ``accuracy`` gathers
every process's columns into the whole network and measures that; its
``params`` are the network's own.  The Trainer's optimizer is wrapped so
that it moves this process's columns of W1 and b1 (the SplitAffine's).
The workers run the Trainer's own train_step on their views, measuring
nothing.  Between two measurements the parent's network holds its own
columns of W1 as they train and the others' as they were measured.

It serves TwoLayerNet and MultiLayerNet (their first layer is an Affine),
with dropout and batch normalisation (every process computes them on the
whole batch); a network with weight decay (its loss needs the squares of
every weight, which no one process holds) trains in one process, and a
conv net (its first layer is a Convolution) in blocks, as above.
"""

import collections
import contextlib
import functools
import os
import sys

from pureml.engine import dense
from pureml.parallel import blocks
from pureml.errors import WorkerError
from pureml.parallel.board import Board, DeferredInterrupt, Link, Stop
from pureml.parallel.processes import (copy_nested, fork_context, forking, ignore_interrupts,
                                       parts, resolve_workers)

__all__ = ["on_every_core", "can_split", "SplitAffine"]


def can_split(network, workers):
    """Return the number of processes to train ``network`` with (1 when it cannot be split)."""
    first = next(iter(network.layers.values()))
    W = getattr(first, "W", None)
    if not (W and isinstance(W[0], list) and not isinstance(W[0][0], list)) or \
            getattr(network, "weight_decay_lambda", 0):
        return 1
    return resolve_workers(workers, [len(W), len(first.b)])


def on_every_core(train):
    """Decorate Trainer.train: share each step among ``trainer.workers`` processes, the same numbers.

    A conv net (its first layer a Convolution) has every mini-batch's
    gradient computed in blocks (pureml.parallel.blocks), for any number of
    workers, 1 included; a fully connected net with workers above 1 is
    split by its first Affine's hidden units (this module).
    """
    @functools.wraps(train)
    def split_train(trainer):
        if _convolutional(trainer.network):
            return _train_in_blocks(train, trainer)
        workers = 1 if trainer.workers == 1 else can_split(trainer.network, trainer.workers)
        if workers == 1:
            return train(trainer)
        with _training(trainer, workers):
            return train(trainer)
    return split_train


def _convolutional(network):
    """Return True if the network's first layer is a convolution (it has filters and a stride)."""
    first = next(iter(network.layers.values()))
    return hasattr(first, "W") and hasattr(first, "stride")


def _train_in_blocks(train, trainer):
    """Run ``train(trainer)`` with the network's gradient computed in blocks on trainer.workers processes."""
    network = trainer.network
    with blocks.Pool(network, trainer.workers, trainer.batch_size) as pool:
        trainer.network = blocks.view(network, pool)
        try:
            return train(trainer)
        finally:
            trainer.network = network


class SplitAffine:
    """The first Affine in one process: only this process's columns of W and b.

    ``W`` and ``b`` are this process's copies of its columns; the optimizer
    moves them, and the parent gathers them back into the network's W1.
    """

    def __init__(self, layer, link):
        self.link = link
        lo, hi = link.lo, link.hi
        self.W = [row[lo:hi] for row in layer.W]
        self.b = layer.b[lo:hi]
        self.x = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.x = x
        return self.link.exchange(dense.vecmat_each(x, self.W, self.b))

    def backward(self, dout):
        lo, hi = self.link.lo, self.link.hi
        part = [d[lo:hi] for d in dout]
        self.dW = dense.outer_sum(self.x, part)         # np.dot(x.T, dout), its columns
        self.db = dense.column_sums(part)
        return None

    def records(self):
        """Return this process's hidden units as records: incoming weights, then bias."""
        return [list(column) + [bias] for column, bias in zip(zip(*self.W), self.b)]


class _SplitNet:
    """Mixed in before a network's class: one process's view of it in a split Trainer."""

    def accuracy(self, x, t, *args, **kwargs):
        """Gather the whole network (the parent) and return its accuracy; a worker measures nothing."""
        if self.link.parent_pid is not None:
            return 0.0
        _gather(self)
        return self.whole.accuracy(x, t, *args, **kwargs)


def _view(network, link, key):
    """Return this process's split view of ``network``: SplitAffine in ``key``'s place."""
    cls = type("Split" + type(network).__name__, (_SplitNet, type(network)), {})
    view = cls.__new__(cls)
    view.__dict__.update(network.__dict__)
    view.whole, view.link, view.key = network, link, key
    view.affine = SplitAffine(network.layers[key], link)
    view.layers = collections.OrderedDict(
        (name, view.affine if name == key else layer) for name, layer in network.layers.items())
    return view


class _SplitOptimizer:
    """The Trainer's optimizer, moving this process's columns of W1 and b1 (the SplitAffine's)."""

    def __init__(self, optimizer, affine):
        self.optimizer, self.affine = optimizer, affine

    def update(self, params, grads):
        self.optimizer.update(dict(params, W1=self.affine.W, b1=self.affine.b), grads)


def _gather(view):
    """Bring every process's columns into the whole network's own W1 and b1 (the parent)."""
    W1, b1 = view.whole.params["W1"], view.whole.params["b1"]
    link = view.link
    link.gather()
    for row, mine in zip(W1, view.affine.W):
        row[link.lo:link.hi] = mine
    b1[link.lo:link.hi] = view.affine.b
    for j, record in link.read_rows().items():
        for row, value in zip(W1, record):
            row[j] = value
        b1[j] = record[len(W1)]
    view.kept = {name: copy_nested(value) for name, value in view.whole.params.items()}


def _assign(target, value):
    """Copy the nested lists ``value`` into the nested lists ``target``, in place; return None."""
    if target and isinstance(target[0], list):
        for inner, inner_value in zip(target, value):
            _assign(inner, inner_value)
    else:
        target[:] = value


@contextlib.contextmanager
def _training(trainer, workers):
    """Fork the workers and train the parent's view; always end them, the network whole.

    If a worker dies, the parameters are put back as they were at the last
    measurement and the WorkerError says so; a Ctrl-C deferred past the
    last step is raised on the way out.
    """
    network = trainer.network
    key = next(iter(network.layers))
    first = network.layers[key]
    context = fork_context()
    bounds = parts(len(first.b), workers)
    board = Board(workers, trainer.batch_size, len(first.b), len(first.W) + 1)
    link = Link(board, 0, bounds)
    parent_pid = os.getpid()
    try:
        with forking():
            for p in range(1, workers):
                worker_link = Link(board, p, bounds, parent_pid=parent_pid)
                proc = context.Process(target=_worker_main, daemon=True,
                                       args=(trainer, key, worker_link))
                proc.start()
                link.workers.append(proc)
    except BaseException:
        link.close()
        raise
    view = _view(network, link, key)
    view.kept = {name: copy_nested(value) for name, value in network.params.items()}
    deferred = DeferredInterrupt(link).__enter__()
    optimizer = trainer.optimizer
    trainer.network, trainer.optimizer = view, _SplitOptimizer(optimizer, view.affine)
    try:
        yield
    except WorkerError as exc:
        for name, kept in view.kept.items():
            _assign(network.params[name], kept)
        raise WorkerError("%s; the network's parameters are back as they were at the last "
                          "measurement" % exc) from None
    finally:
        trainer.network, trainer.optimizer = network, optimizer
        try:
            if all(p.exitcode is None for p in link.workers):
                _gather(view)
        finally:
            deferred.__exit__(None, None, None)
            link.close()
    link.raise_deferred_interrupt()


def _worker_main(trainer, key, link):
    """Run a worker: the Trainer's steps on its columns, answering the parent's gathers."""
    ignore_interrupts()
    view = _view(trainer.network, link, key)
    trainer.network = view
    trainer.optimizer = _SplitOptimizer(trainer.optimizer, view.affine)
    trainer.verbose, trainer.on_step, trainer.on_epoch = False, None, None
    link.answer_gather = lambda: link.write_rows(view.affine.records())
    try:
        for _ in range(trainer.max_iter):
            trainer.train_step()
        link.wait(lambda: False)            # answer the last gather, until the STOP
    except Stop:
        pass
    sys.stdout.flush()
    os._exit(0)
