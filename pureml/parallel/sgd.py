"""Every core, the same numbers: Nielsen's SGD in several processes.

Mini-batch SGD is sequential, and the usual ways of sharing it out
(averaging gradients over bigger batches, Hogwild) change the algorithm.
This module does not.  It splits the first layer's neurons, where nearly
all the work is, among processes: the parent and ``workers - 1`` forked
workers each own a contiguous range of rows of ``weights[0]`` and
``biases[0]``.  For each mini-batch every process computes its neurons'
weighted inputs z and activations a, they exchange the activations, every
process computes the (small) rest of the network itself, carries the error
back (BP2) to its own neurons only, and moves only its own rows.  Every
weight therefore sees exactly the operations of the one-process run, in
the same order, and the weights come out the same, bit for bit.  Each
worker shuffles with its own copy of the network's random.Random, so the
mini-batches agree without being sent.

The exchange is a shared, anonymous memory map (inherited at fork; no file,
nothing to clean up) with two buffers of activations, used turn about, and
one sequence counter per process: a process writes its block, bumps its
counter, and waits until every counter has caught up.  Waiting spins for a
moment (on two cores, the other process is nearly always about to
arrive: a pipe's round trip costs 100-250 us, a spin a few), then yields
the CPU, then naps, so that more processes than cores do not starve each
other and a long wait does not burn a core.

At the end of every epoch the parent gathers the workers' rows, so that
``on_epoch``, checkpoints and Ctrl-C see the whole network; then it tells
them to go on (with the eta the schedule chose) or to stop.  Workers
ignore SIGINT (the parent decides), notice within a few milliseconds when
the parent has died, and are always stopped, then terminated, then killed
when SGD ends for any reason.  A worker that dies is reported as a
``WorkerError`` naming it and its exit code, and the network is put back
as it was at the last epoch's end.  Nothing is pickled.

How many processes, and measuring a data set among them, are
pureml.parallel.processes'; pureml.parallel.trainer does the same split for DLFS's
Trainer.
"""

import array
import contextlib
import mmap
import os
import signal
import sys
import time

from pureml import matrix
from pureml.parallel.processes import (WorkerError, copy_nested, fork_context, forking,
                              ignore_interrupts, parts)

__all__ = ["Split", "training", "start", "finish"]

_SPINS = 4000                   # busy checks before waiting more gently
_YIELDS = 200                   # then sched_yield()s, before sleeping
_LONGEST_NAP = 0.002            # the longest sleep between checks, in seconds
_CHECK_EVERY = 0.02             # seconds between liveness checks while waiting
_STOP, _GATHER, _CONTINUE = 1, 2, 3


class _Board:
    """The shared memory: control words, counters, two exchange buffers, and room to gather rows."""

    def __init__(self, processes, max_batch, width, n_in, momentum):
        self.processes, self.width, self.n_in = processes, width, n_in
        self.n_ints = 2 + 2 * processes          # command, (spare), counters, acks
        self.z_size = max_batch * width
        self.row_size = (n_in + 1) * (2 if momentum else 1)
        n_doubles = 1 + 2 * self.z_size + width * self.row_size
        self.map = mmap.mmap(-1, 8 * (self.n_ints + n_doubles))
        self.ints = memoryview(self.map)[:8 * self.n_ints].cast("q")
        self.doubles = memoryview(self.map)[8 * self.n_ints:].cast("d")

    def close(self):
        """Release the views and unmap the memory; return None.

        A view still held elsewhere (a traceback's frame, say) keeps the map
        until it goes; the memory is freed then.
        """
        try:
            self.ints.release()
            self.doubles.release()
            self.map.close()
        except BufferError:
            pass


class Split:
    """One process's part in a split run: its rows of layer 1, and the shared board.

    ``first_layer``, ``columns`` and ``step`` are what
    Network._update_mini_batch calls for layer 1 (see there); the parent
    also calls ``gather``, ``decide`` and ``close``.
    """

    def __init__(self, board, part, bounds, workers=(), parent_pid=None):
        self.board = board
        self.part = part
        self.bounds = bounds
        self.lo, self.hi = bounds[part]
        self.workers = list(workers)            # the parent's Process objects
        self.parent_pid = parent_pid            # a worker's parent
        self.net = None                         # the network this process trains
        self.send_rows = lambda: self._send_rows(self.net)     # a worker's answer to GATHER
        self.batch = 0
        self.sequence = 0                       # of commands
        self.epoch = 0
        self.interrupted = False

    # -- layer 1, mini-batch by mini-batch --------------------------------------

    def first_layer(self, w, xs, b, sigma):
        """Return (z, a) of layer 1 for every example: z of this process's neurons, a of all.

        Each process computes its neurons' weighted inputs and activations;
        the activations are exchanged, since every process computes the
        later layers, while z is needed only for this process's own BP2.
        """
        z = matrix.affine_rows(w[self.lo:self.hi], xs, b[self.lo:self.hi])
        return z, self.exchange([sigma.fn(zx) for zx in z])

    def columns(self, w):
        """Return the columns of layer 2's w that meet this process's neurons, as a matrix.

        BP2 through them gives this process's part of layer 1's delta, all
        that its own step needs.
        """
        lo, hi = self.lo, self.hi
        return [row[lo:hi] for row in w]

    def exchange(self, mine):
        """Share this process's part of a batch (``mine``, a row per example); return everyone's.

        A Ctrl-C deferred since the last mini-batch is raised here, in the
        parent, before anything is shared.
        """
        self.raise_deferred_interrupt()
        board, lo, hi, width = self.board, self.lo, self.hi, self.board.width
        self.batch += 1
        base = 1 + (self.batch % 2) * board.z_size
        doubles = board.doubles
        for i, z in enumerate(mine):
            start = base + i * width + lo
            doubles[start:start + hi - lo] = array.array("d", z)
        board.ints[2 + self.part] = self.batch
        counters = board.ints[2:2 + board.processes]
        batch = self.batch
        self._wait(lambda: min(counters) >= batch)
        return [doubles[base + i * width:base + (i + 1) * width].tolist()
                for i in range(len(mine))]

    def step(self, w, b, deltas, inputs, rate, decay, mu, velocity):
        """Move only this process's rows of layer 1, exactly as the whole step would.

        ``deltas`` are this process's neurons' (see columns).  Every row's
        arithmetic is its own (pureml.matrix's kernels), so the rows come
        out as the one-process step leaves them.
        """
        lo, hi = self.lo, self.hi
        part_b = b[lo:hi]
        part_velocity = None
        if velocity is not None:
            part_velocity = (velocity[0][lo:hi], velocity[1][lo:hi])
        self.net._step(w[lo:hi], part_b, deltas, inputs, rate, decay, mu, part_velocity)
        b[lo:hi] = part_b
        if velocity is not None:
            velocity[1][lo:hi] = part_velocity[1]

    def raise_deferred_interrupt(self):
        """Raise KeyboardInterrupt if a Ctrl-C came while the run could not stop (the parent)."""
        if self.interrupted:
            self.interrupted = False
            raise KeyboardInterrupt

    # -- waiting -------------------------------------------------------------------

    def _wait(self, ready):
        """Return when ready() is true; check meanwhile that the others are alive.

        It spins first (on two cores the other process is nearly always
        about to arrive), then yields the CPU, then sleeps for longer and
        longer naps, so that a process waiting for a long measurement does
        not burn a core.
        """
        for _ in range(_SPINS):
            if ready():
                return
        next_check = time.monotonic() + _CHECK_EVERY
        yields, nap = 0, 0.00005
        while not ready():
            if time.monotonic() >= next_check:
                self._check_alive()
                next_check = time.monotonic() + _CHECK_EVERY
            if yields < _YIELDS and hasattr(os, "sched_yield"):
                yields += 1
                os.sched_yield()
            else:
                time.sleep(nap)
                nap = min(2 * nap, _LONGEST_NAP)

    def _check_alive(self):
        """Raise WorkerError (parent) or leave (worker) when a process of the run is gone."""
        if self.parent_pid is not None:
            if os.getppid() != self.parent_pid:
                os._exit(0)                     # the parent died: nothing left to do
            self._obey()
            return
        for p, proc in enumerate(self.workers, start=1):
            if proc.exitcode is not None:
                raise WorkerError(
                    "worker %d (pid %d) stopped with exit code %s in epoch %d, mini-batch "
                    "%d; training stopped" % (p, proc.pid, proc.exitcode, self.epoch,
                                               self.batch))

    # -- the parent's commands -------------------------------------------------------

    def _command(self, code):
        """Post a command for the workers (the parent); return its sequence number."""
        self.sequence += 1
        self.board.ints[0] = self.sequence * 8 + code
        return self.sequence

    def gather(self, net):
        """Copy every worker's rows of layer 1 (and their velocities) into ``net`` (the parent).

        The whole network is then also kept aside (see restore), as it
        stands at this consistent point.
        """
        if self.workers:
            sequence = self._command(_GATHER)
            acks = self.board.ints[2 + self.board.processes:]
            self._wait(lambda: min(acks[1:]) >= sequence)
            self.read_rows(net.weights[0], net.biases[0],
                           net._velocities[0] if net._velocities else None)
        self.keep(net, self.epoch)

    def keep(self, net, epoch=None):
        """Keep a copy of the whole network (weights, biases, velocities) to restore; return None.

        ``epoch`` is the epoch just ended (SGD's numbering, from 0), None at the start.
        """
        self.kept = (copy_nested(net.weights), copy_nested(net.biases), copy_nested(net._velocities))
        self.kept_epoch = epoch

    def restore(self, net):
        """Put back the network kept at the last consistent point (the parent); return its epoch.

        When a worker dies, the parent's rows and later layers have moved on
        while the dead worker's rows are lost; the copy taken at the last
        gather (or at the start) is the newest network that is whole.
        """
        weights, biases, velocities = self.kept
        for mine, kept in zip(net.weights, weights):
            mine[:] = copy_nested(kept)
        for mine, kept in zip(net.biases, biases):
            mine[:] = kept
        net._velocities = copy_nested(velocities)
        return self.kept_epoch

    def read_rows(self, w0, b0, velocity=None):
        """Copy the workers' rows (neuron j: its incoming weights and bias) into w0 and b0."""
        board, doubles, n_in = self.board, self.board.doubles, self.board.n_in
        base = 1 + 2 * board.z_size
        for lo, hi in self.bounds[1:]:
            for j in range(lo, hi):
                start = base + j * board.row_size
                w0[j][:] = doubles[start:start + n_in].tolist()
                b0[j] = doubles[start + n_in]
                if velocity is not None and board.row_size > n_in + 1:
                    velocity[0][j][:] = doubles[start + n_in + 1:start + 2 * n_in + 1].tolist()
                    velocity[1][j] = doubles[start + 2 * n_in + 1]

    def decide(self, stop, eta):
        """Tell the workers to stop, or to run the next epoch with ``eta`` (the parent).

        A Ctrl-C that came while the epoch was measured is raised first.
        """
        self.raise_deferred_interrupt()
        self.epoch += 1
        if stop:
            self._command(_STOP)
        else:
            self.board.doubles[0] = eta
            self._command(_CONTINUE)

    def close(self):
        """Stop the workers (terminate, then kill, the slow ones) and free the board."""
        if self.workers:
            self._command(_STOP)
            deadline = time.monotonic() + 5.0
            for proc in self.workers:
                proc.join(max(0.0, deadline - time.monotonic()))
            for proc in self.workers:
                if proc.exitcode is None:
                    proc.terminate()
                    proc.join(1.0)
                if proc.exitcode is None:
                    proc.kill()
                    proc.join()
            self.workers = []
        self.board.close()

    # -- a worker's side --------------------------------------------------------------

    def _obey(self):
        """Carry out the parent's latest command (a worker); return its code when it is CONTINUE."""
        word = self.board.ints[0]
        sequence, code = divmod(word, 8)
        if sequence <= self.sequence:
            return None
        self.sequence = sequence
        if code == _STOP:
            raise _Stop
        if code == _GATHER:
            self.send_rows()
            self.board.ints[2 + self.board.processes + self.part] = sequence
            return None
        return code

    def _send_rows(self, net):
        """Write this worker's rows of layer 1 (and velocities) where the parent gathers them."""
        self.write_rows(net.weights[0][self.lo:self.hi], net.biases[0][self.lo:self.hi],
                        net._velocities[0] if net._velocities else None)

    def write_rows(self, rows, biases, velocity=None):
        """Write this worker's neurons (its rows, biases, velocities) where the parent gathers them."""
        board, doubles, n_in = self.board, self.board.doubles, self.board.n_in
        base = 1 + 2 * board.z_size
        for j, row, bias in zip(range(self.lo, self.hi), rows, biases):
            start = base + j * board.row_size
            doubles[start:start + n_in] = array.array("d", row)
            doubles[start + n_in] = bias
            if velocity is not None and board.row_size > n_in + 1:
                doubles[start + n_in + 1:start + 2 * n_in + 1] = array.array("d", velocity[0][j])
                doubles[start + 2 * n_in + 1] = velocity[1][j]

    def next_epoch(self):
        """Wait for the parent's word after an epoch (a worker); return the next eta.

        The parent may take seconds to measure the network, so after a short
        spin this sleeps between checks, up to _LONGEST_NAP.
        """
        for _ in range(_SPINS):
            if self._obey() == _CONTINUE:
                return self.board.doubles[0]
        nap = 0.00005
        while self._obey() != _CONTINUE:
            if os.getppid() != self.parent_pid:
                os._exit(0)
            time.sleep(nap)
            nap = min(2 * nap, _LONGEST_NAP)
        return self.board.doubles[0]


class _Stop(Exception):
    """The parent's STOP command, seen by a worker."""


def _worker_main(net, training_data, epochs, mini_batch_size, eta, lmbda, mu, split):
    """Run a worker: the same epochs and mini-batches as the parent, on its rows of layer 1."""
    ignore_interrupts()
    n = len(training_data)
    try:
        for _ in range(epochs):
            net.rng.shuffle(training_data)
            mini_batches = [training_data[k:k + mini_batch_size]
                            for k in range(0, n, mini_batch_size)]
            for mini_batch in mini_batches:
                net._update_mini_batch([x for x, _ in mini_batch], [y for _, y in mini_batch],
                                       eta, lmbda, n, mu, False, split)
            eta = split.next_epoch()
    except _Stop:
        pass
    sys.stdout.flush()
    os._exit(0)             # not sys.exit: no atexit handlers of the parent's run twice


class _DeferredInterrupt:
    """While a split run trains, Ctrl-C (with Python's default handler) waits for the mini-batch's end."""

    def __init__(self, split):
        self.split = split
        self.previous = None

    def __enter__(self):
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum, frame):
        self.split.interrupted = True

    def __exit__(self, *exc_info):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False


@contextlib.contextmanager
def training(net, training_data, epochs, mini_batch_size, eta, lmbda, mu, workers):
    """Run a ``with`` block of SGD with ``workers`` processes; yield its Split, or None for one.

    The workers are forked on entry (see start) and always ended on leaving;
    when the block ends by an exception (Ctrl-C, divergence) the parent
    first gathers the whole network, so that what is saved is whole.
    """
    if workers <= 1:
        yield None
        return
    split = start(net, training_data, epochs, mini_batch_size, eta, lmbda, mu, workers)
    interrupted = True
    try:
        yield split
        interrupted = False
    except WorkerError as exc:
        epoch = split.restore(net)
        raise WorkerError("%s; the network is back as it was %s" % (
            exc, "at the start" if epoch is None else "after epoch %d" % epoch)) from None
    finally:
        finish(split, net, interrupted)
    split.raise_deferred_interrupt()        # a Ctrl-C after the last mini-batch


def start(net, training_data, epochs, mini_batch_size, eta, lmbda, mu, workers):
    """Fork the workers of a split run; return the parent's Split (SGD passes it on).

    The workers start from the network as it is now (the same weights and
    random state), and each runs the whole training on its rows.
    """
    context = fork_context()
    bounds = parts(net.sizes[1], workers)
    board = _Board(workers, mini_batch_size, net.sizes[1], net.sizes[0], mu > 0)
    split = Split(board, 0, bounds)
    split.net = net
    split.keep(net)
    parent_pid = os.getpid()
    try:
        with forking():
            for p in range(1, workers):
                worker_split = Split(board, p, bounds, parent_pid=parent_pid)
                worker_split.net = net
                proc = context.Process(target=_worker_main, daemon=True,
                                       args=(net, training_data, epochs, mini_batch_size, eta,
                                             lmbda, mu, worker_split))
                proc.start()
                split.workers.append(proc)
    except BaseException:
        split.close()
        raise
    split.deferred = _DeferredInterrupt(split).__enter__()
    return split


def finish(split, net, interrupted):
    """End a split run: gather the whole network into ``net`` when it stopped early, then close."""
    try:
        if interrupted and split.workers and all(p.exitcode is None for p in split.workers):
            split.gather(net)
    finally:
        split.deferred.__exit__(None, None, None)
        split.close()
