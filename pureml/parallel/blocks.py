"""Every core for the conv nets: a mini-batch's gradient in fixed blocks, the same numbers on N processes.

A mini-batch's gradient is a sum over its examples, so its examples can be
shared among processes; but floating-point addition is not associative, so
the order of the sums is made part of the algorithm.  A mini-batch of B
examples is cut into blocks that depend on B alone (``blocks_of``: at most
``MAX_BLOCKS`` blocks of at least ``MIN_BLOCK`` examples), each block's
gradient is the network's own ``gradient`` of that block (the book's, a
mean over the block), and the mini-batch's gradient is

    G = sum over the blocks b, in order, of (n_b / B) * grad_b

added up block after block.  One process computes exactly this; N
processes compute the same blocks (each its share of them) and the same
sum in the same order, so the weights come out the same, bit for bit,
whatever N is, 1 included.  Against the book's one-batch gradient this
changes rounding only.

Dropout's masks come out the same too: for each mini-batch the pool draws
one seed from the network's own random.Random (as one process would), and
each block's Dropout layers draw from a random.Random seeded with that seed
and the block's number.  Batch normalisation's statistics are over the
whole mini-batch, which blocks would change: a network with a
BatchNormalization layer is refused here (pureml.parallel.trainer splits
dense ones by their hidden units instead, exactly).

How it runs: ``Pool(network, workers, max_batch)`` forks ``workers - 1``
workers that wait on a shared, anonymous memory map (inherited at fork:
no file, nothing pickled).  ``pool.gradient(x, t)`` writes the network's
current parameters, the mini-batch and the seed there, posts a step, and
computes its own blocks while the workers compute theirs and write each
block's scaled gradient into that block's slot; then it adds the blocks up
in order and returns the gradient as a dict shaped like ``params`` (and
keeps the loss in ``network.last_loss``).  The parent holds the network
and the optimizer: the workers only ever compute gradients on a copy whose
parameters they refresh at every step, so a worker that dies loses nothing
(the error names it) and a Ctrl-C leaves the network as the last whole
step left it.  Workers ignore SIGINT, leave when the parent dies, and are
stopped, then terminated, then killed when the pool closes.
"""

import array
import functools
import inspect
import mmap
import os
import random

from pureml.engine import dense
from pureml.engine.vectors import flatten, nested_shape
from pureml.errors import ArgumentError, WorkerError
from pureml.parallel.board import spin_wait
from pureml.parallel.processes import (fork_context, forking, ignore_interrupts, parts,
                                       resolve_pool_workers)

__all__ = ["Pool", "blocks_of", "view", "on_every_core", "MAX_BLOCKS", "MIN_BLOCK"]

#: A mini-batch is cut into at most this many blocks ...
MAX_BLOCKS = 10
#: ... of at least this many examples (the last block takes what is left).
MIN_BLOCK = 5

_STEP, _STOP = 1, 2


def blocks_of(batch_size):
    """Return the blocks [(lo, hi), ...] a mini-batch of ``batch_size`` examples is cut into.

    They depend on the batch size alone: blocks of max(MIN_BLOCK,
    ceil(batch_size / MAX_BLOCKS)) examples, the last one shorter.

    >>> blocks_of(100)[:2], len(blocks_of(100)), blocks_of(10), blocks_of(7)
    ([(0, 10), (10, 20)], 10, [(0, 5), (5, 10)], [(0, 5), (5, 7)])
    """
    size = max(MIN_BLOCK, -(-batch_size // MAX_BLOCKS))
    return [(lo, min(lo + size, batch_size)) for lo in range(0, batch_size, size)]


class _Layout:
    """Where a network's parameters lie in a flat vector, in params' key order, with their shapes."""

    def __init__(self, params):
        self.keys = list(params)
        self.shapes = [nested_shape(params[key]) for key in self.keys]
        self.sizes = []
        for shape in self.shapes:
            size = 1
            for n in shape:
                size *= n
            self.sizes.append(size)
        self.total = sum(self.sizes)

    def flat(self, params):
        """Return the parameters (or gradients) as one flat list, in the layout's order."""
        out = []
        for key in self.keys:
            out.extend(flatten(params[key]))
        return out

    def rows(self, value):
        """Return a parameter's innermost rows (a vector is its own one row)."""
        if value and isinstance(value[0], list):
            return [row for part in value for row in self.rows(part)]
        return [value]

    def fill(self, params, flat):
        """Copy the flat vector into the parameters' own innermost lists, in place."""
        at = 0
        for key in self.keys:
            for row in self.rows(params[key]):
                row[:] = flat[at:at + len(row)]
                at += len(row)

    def nest(self, flat):
        """Return the flat vector as a dict of nested lists shaped like the parameters."""
        out, at = {}, 0
        for key, shape, size in zip(self.keys, self.shapes, self.sizes):
            value = flat[at:at + size]
            for n in reversed(shape[1:]):
                value = [value[i:i + n] for i in range(0, len(value), n)]
            out[key] = value
            at += size
        return out


def _dropouts(network):
    """Return the network's Dropout layers (the layers that draw masks)."""
    return [layer for layer in network.layers.values() if hasattr(layer, "dropout_ratio")]


def _check_network(network):
    """Refuse a network whose gradient blocks would change: one with batch normalisation."""
    for key, layer in network.layers.items():
        if hasattr(layer, "running_var"):
            raise ArgumentError("%s normalises over the whole mini-batch, which a gradient in "
                                "blocks would change; train it with pureml.parallel.trainer's "
                                "split (Trainer's workers) or in one process" % key)


def _block_gradient(network, x, t, lo, hi, seed, number):
    """Return (the network's gradient of examples lo:hi, its loss) for block ``number``, dropout seeded."""
    for k, layer in enumerate(_dropouts(network)):
        layer.rng = random.Random(seed * 1000003 + number * 1009 + k)
    grads = network.gradient(x[lo:hi], t[lo:hi])
    return grads, network.last_loss


def _scaled(layout, grads, share):
    """Return the block's gradient times its share n_b / B, as one flat list."""
    out = []
    for key in layout.keys:
        for row in layout.rows(grads[key]):
            out.extend([share * g for g in row])
    return out


def _add_scaled(total, layout, grads, share):
    """Add the block's gradient times its share into the flat list total, in place; return None."""
    at = 0
    for key in layout.keys:
        for row in layout.rows(grads[key]):
            for k in range(len(row)):
                total[at + k] += share * row[k]
            at += len(row)


class Pool:
    """Compute a network's mini-batch gradients in blocks, on ``workers`` processes (see the module).

    Use it as a ``with`` block, or close it.  ``gradient(x, t)`` takes a
    mini-batch of at most ``max_batch`` examples (lists: flat vectors or
    images) and labels (ints or one-hot lists).
    """

    def __init__(self, network, workers=1, max_batch=100):
        _check_network(network)
        self.network = network
        self.layout = _Layout(network.params)
        self.max_batch = max_batch
        self.workers = resolve_pool_workers(workers, len(blocks_of(max_batch)))
        self.rng = random.Random(network_rng_seed(network))
        self.procs = []
        self.board = None
        self.sequence = 0
        if self.workers > 1:
            self._start()

    # -- the shared board: [command, acks...] ints; params, x, t, seed, slots doubles ---------

    def _start(self):
        """Fork the workers on a new board (room for max_batch examples of the shapes seen first)."""
        self.example_size = None
        self.context = fork_context()

    def _board(self, x, t):
        """Make the board, and fork the workers, at the first mini-batch (its example shape fixes the room)."""
        example = len(flatten(x[0]))
        label = len(t[0]) if isinstance(t[0], list) else 1
        self.example_size, self.label_size = example, label
        self.example_shape = nested_shape(x[0])
        self.n_ints = self.workers          # the command, then one ack per worker (parts 1, 2, ...)
        P = self.layout.total
        self.offsets = {"params": 0, "x": P, "t": P + self.max_batch * example,
                        "meta": P + self.max_batch * (example + label)}
        self.offsets["slots"] = self.offsets["meta"] + 2
        n_doubles = self.offsets["slots"] + len(blocks_of(self.max_batch)) * (P + 1)
        self.map = mmap.mmap(-1, 8 * (self.n_ints + n_doubles))
        self.ints = memoryview(self.map)[:8 * self.n_ints].cast("q")
        self.doubles = memoryview(self.map)[8 * self.n_ints:].cast("d")
        parent = os.getpid()
        with forking():
            for p in range(1, self.workers):
                proc = self.context.Process(target=self._worker_main, args=(p, parent),
                                            daemon=True)
                proc.start()
                self.procs.append(proc)
        self.board = True

    def close(self):
        """Stop the workers (terminate, then kill, the slow ones) and free the board; return None."""
        if self.procs:
            self.sequence += 1
            self.ints[0] = self.sequence * 4 + _STOP
            for proc in self.procs:
                proc.join(5.0)
                if proc.exitcode is None:
                    proc.terminate()
                    proc.join(1.0)
                if proc.exitcode is None:
                    proc.kill()
                    proc.join()
            self.procs = []
        if self.board:
            try:
                self.ints.release()
                self.doubles.release()
                self.map.close()
            except BufferError:
                pass
            self.board = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    # -- a step ----------------------------------------------------------------------

    def gradient(self, x, t):
        """Return the mini-batch's gradient, block by block (a dict shaped like params); keep its loss."""
        batch_size = len(x)
        if not 1 <= batch_size <= self.max_batch or len(t) != batch_size:
            raise ArgumentError("a mini-batch of 1 to %d examples with as many labels was "
                                "expected, not %d examples and %d labels"
                                % (self.max_batch, batch_size, len(t)))
        blocks = blocks_of(batch_size)
        seed = self.rng.getrandbits(31)
        shares = parts(len(blocks), self.workers) if self.workers > 1 else [(0, len(blocks))]
        if self.workers > 1:
            if self.board is None:
                self._board(x, t)
            self._post(x, t, seed)
        total, loss = None, None
        network, layout = self.network, self.layout
        with dense.weights_fixed():             # the same weights for every block of the step
            for number in range(*shares[0]):
                lo, hi = blocks[number]
                grads, block_loss = _block_gradient(network, x, t, lo, hi, seed, number)
                share = (hi - lo) / batch_size
                if total is None:
                    total, loss = _scaled(layout, grads, share), share * block_loss
                else:
                    _add_scaled(total, layout, grads, share)
                    loss += share * block_loss
        if self.workers > 1:
            self._wait_for_workers()
            slot_size = layout.total + 1
            for number in range(shares[0][1], len(blocks)):
                start = self.offsets["slots"] + number * slot_size
                slot = self.doubles[start:start + slot_size].tolist()
                for k in range(layout.total):
                    total[k] += slot[k]
                loss += slot[-1]
        network.last_loss = loss
        return layout.nest(total)

    def _post(self, x, t, seed):
        """Write the parameters, the mini-batch and the seed, then post the step (the parent)."""
        d, o = self.doubles, self.offsets
        d[0:self.layout.total] = array.array("d", self.layout.flat(self.network.params))
        flat_x = []
        for example in x:
            flat_x.extend(flatten(example))
        d[o["x"]:o["x"] + len(flat_x)] = array.array("d", flat_x)
        flat_t = []
        for label in t:
            flat_t.extend(label if isinstance(label, list) else [label])
        d[o["t"]:o["t"] + len(flat_t)] = array.array("d", flat_t)
        d[o["meta"]] = len(x)
        d[o["meta"] + 1] = seed
        self.sequence += 1
        self.ints[0] = self.sequence * 4 + _STEP

    def _wait_for_workers(self):
        """Wait until every worker has written its blocks; WorkerError if one has died."""
        acks, sequence = self.ints[1:self.workers], self.sequence

        def check():
            for p, proc in enumerate(self.procs, start=1):
                if proc.exitcode is not None:
                    raise WorkerError("worker %d (pid %d) stopped with exit code %s while "
                                      "computing a mini-batch's gradient; training stopped"
                                      % (p, proc.pid, proc.exitcode))
        spin_wait(lambda: min(acks) >= sequence, check)

    # -- a worker ----------------------------------------------------------------------

    def _worker_main(self, part, parent):
        """Serve steps until STOP (a worker): refresh the parameters, compute this part's blocks."""
        ignore_interrupts()
        d, o, layout = self.doubles, self.offsets, self.layout
        seen = 0

        def alive():
            if os.getppid() != parent:
                os._exit(0)
        try:
            while True:
                spin_wait(lambda: self.ints[0] // 4 > seen, alive)
                seen, code = divmod(self.ints[0], 4)
                if code == _STOP:
                    break
                batch_size, seed = int(d[o["meta"]]), int(d[o["meta"] + 1])
                layout.fill(self.network.params, d[0:layout.total].tolist())
                x, t = self._batch(batch_size)
                blocks = blocks_of(batch_size)
                shares = parts(len(blocks), self.workers)
                slot_size = layout.total + 1
                with dense.weights_fixed():
                    for number in range(*shares[part]):
                        lo, hi = blocks[number]
                        grads, loss = _block_gradient(self.network, x, t, lo, hi, seed, number)
                        share = (hi - lo) / batch_size
                        scaled = _scaled(layout, grads, share)
                        scaled.append(share * loss)
                        start = o["slots"] + number * slot_size
                        d[start:start + slot_size] = array.array("d", scaled)
                self.ints[part] = seen
        finally:
            os._exit(0)

    def _batch(self, batch_size):
        """Return the mini-batch (examples in their shape, labels as ints or one-hot lists) from the board."""
        d, o = self.doubles, self.offsets
        n, m = self.example_size, self.label_size
        flat = d[o["x"]:o["x"] + batch_size * n].tolist()
        x = [flat[i * n:(i + 1) * n] for i in range(batch_size)]
        for size in reversed(self.example_shape[1:]):
            x = [[example[i:i + size] for i in range(0, len(example), size)] for example in x]
        labels = d[o["t"]:o["t"] + batch_size * m].tolist()
        if m == 1:
            return x, [int(v) for v in labels]
        return x, [labels[i * m:(i + 1) * m] for i in range(batch_size)]


def network_rng_seed(network):
    """Return a seed for the pool's dropout seeds: drawn from the network's own rng when it has one."""
    rng = getattr(network, "rng", None)
    return rng.getrandbits(31) if isinstance(rng, random.Random) else 0


class _Blocked:
    """Mixed in before a conv net's class: its gradient is the pool's (the class holds ``pool``)."""

    def gradient(self, x, t):
        grads = self.pool.gradient(x, t)        # the pool keeps the loss in the network
        return grads


def view(network, pool):
    """Return a view of ``network`` whose ``gradient`` is ``pool.gradient``; it shares the network's attributes."""
    cls = type(type(network).__name__, (_Blocked, type(network)),
               {"pool": pool, "__doc__": type(network).__doc__})
    blocked = cls.__new__(cls)
    blocked.__dict__ = network.__dict__
    return blocked


def on_every_core(train):
    """Decorate a method that trains a conv net through ``self.gradient`` (network3's SGD).

    ``workers=N`` (default 1; "auto" the usable cores) computes every
    mini-batch's gradient in blocks on N processes; any N, 1 included,
    gives the same numbers.  The decorated method's ``mini_batch_size``
    argument sizes the pool.
    """
    signature = inspect.signature(train)

    @functools.wraps(train)
    def blocked_train(network, *args, workers=1, **kwargs):
        bound = signature.bind(network, *args, **kwargs)
        with Pool(network, workers, bound.arguments["mini_batch_size"]) as pool:
            return train(view(network, pool), *args, **kwargs)
    return blocked_train
