"""The shared board of a split run: how the processes exchange numbers and commands.

A split run's processes (the parent, part 0, and ``processes - 1`` forked
workers) share one anonymous memory map, inherited at fork (no file,
nothing to clean up).  It holds, as 8-byte words:

* a command word (a sequence number and a code: STOP, GATHER, CONTINUE),
  one counter per process (the mini-batches it has shared) and one
  acknowledgement per process (the last command it carried out);
* two exchange buffers, used turn about, each ``max_batch`` rows of
  ``width`` numbers: every process writes its columns of each row;
* a rows area: ``width`` records of ``row_size`` numbers, in which workers
  leave their parameters when the parent gathers them; and a spare number
  for the next epoch's learning rate.

``exchange`` writes this process's part of a batch, bumps its counter and
waits until every counter has caught up.  Waiting spins for a moment (on
two cores the other process is nearly always about to arrive), then
yields the CPU, then naps, so that more processes than cores do not
starve each other and a long wait does not burn a core; meanwhile it
checks that the others are alive, and a worker carries out the parent's
commands.  The stores are ordered as x86-64 orders them
(pureml.parallel.processes.ORDERED_MEMORY).
"""

import array
import mmap
import os
import signal
import time

from pureml.errors import WorkerError

__all__ = ["Board", "Link", "Stop", "DeferredInterrupt", "spin_wait", "STOP", "GATHER",
           "CONTINUE"]

_SPINS = 4000                   # busy checks before waiting more gently
_YIELDS = 200                   # then sched_yield()s, before sleeping
_LONGEST_NAP = 0.002            # the longest sleep between checks, in seconds
_CHECK_EVERY = 0.02             # seconds between liveness checks while waiting
STOP, GATHER, CONTINUE = 1, 2, 3


class Stop(Exception):
    """The parent's STOP command, seen by a worker."""


def spin_wait(ready, check):
    """Return when ready() is true, calling check() every few hundredths of a second meanwhile.

    It spins first (on two cores the other process is nearly always about
    to arrive), then yields the CPU, then sleeps for longer and longer
    naps, so that a process waiting for a long measurement does not burn a
    core.  ``check`` raises (or leaves) when a process of the run is gone.
    """
    for _ in range(_SPINS):
        if ready():
            return
    next_check = time.monotonic() + _CHECK_EVERY
    yields, nap = 0, 0.00005
    while not ready():
        if time.monotonic() >= next_check:
            check()
            next_check = time.monotonic() + _CHECK_EVERY
        if yields < _YIELDS and hasattr(os, "sched_yield"):
            yields += 1
            os.sched_yield()
        else:
            time.sleep(nap)
            nap = min(2 * nap, _LONGEST_NAP)


class Board:
    """The shared memory: control words, counters, two exchange buffers, and room to gather rows."""

    def __init__(self, processes, max_batch, width, row_size):
        self.processes, self.width, self.row_size = processes, width, row_size
        self.n_ints = 2 + 2 * processes          # command, (spare), counters, acks
        self.z_size = max_batch * width
        n_doubles = 1 + 2 * self.z_size + width * row_size
        self.map = mmap.mmap(-1, 8 * (self.n_ints + n_doubles))
        self.ints = memoryview(self.map)[:8 * self.n_ints].cast("q")
        self.doubles = memoryview(self.map)[8 * self.n_ints:].cast("d")
        self.rows_base = 1 + 2 * self.z_size

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


class Link:
    """One process's place on the board: its part (columns lo:hi) and its side of the protocol.

    The parent's Link holds the worker processes (``workers``); a worker's
    holds its parent's pid and ``answer_gather``, the function that writes
    its rows when the parent asks.
    """

    def __init__(self, board, part, bounds, workers=(), parent_pid=None):
        self.board = board
        self.part = part
        self.bounds = bounds
        self.lo, self.hi = bounds[part]
        self.workers = list(workers)
        self.parent_pid = parent_pid
        self.answer_gather = None
        self.batch = 0                          # batches exchanged
        self.sequence = 0                       # of commands
        self.epoch = 0
        self.interrupted = False

    # -- the exchange ---------------------------------------------------------

    def exchange(self, mine):
        """Share this process's columns of a batch (``mine``, a row per example); return the whole rows.

        A Ctrl-C deferred since the last batch is raised here, in the
        parent, before anything is shared.
        """
        self.raise_deferred_interrupt()
        board, lo, hi, width = self.board, self.lo, self.hi, self.board.width
        self.batch += 1
        base = 1 + (self.batch % 2) * board.z_size
        doubles = board.doubles
        for i, row in enumerate(mine):
            start = base + i * width + lo
            doubles[start:start + hi - lo] = array.array("d", row)
        board.ints[2 + self.part] = self.batch
        counters = board.ints[2:2 + board.processes]
        batch = self.batch
        self.wait(lambda: min(counters) >= batch)
        return [doubles[base + i * width:base + (i + 1) * width].tolist()
                for i in range(len(mine))]

    def raise_deferred_interrupt(self):
        """Raise KeyboardInterrupt if a Ctrl-C came while the run could not stop (the parent)."""
        if self.interrupted:
            self.interrupted = False
            raise KeyboardInterrupt

    def wait(self, ready):
        """Return when ready() is true; check meanwhile that the others are alive (spin_wait)."""
        spin_wait(ready, self.check_alive)

    def check_alive(self):
        """Raise WorkerError (parent) or leave (worker) when a process of the run is gone."""
        if self.parent_pid is not None:
            if os.getppid() != self.parent_pid:
                os._exit(0)                     # the parent died: nothing left to do
            self.obey()
            return
        for p, proc in enumerate(self.workers, start=1):
            if proc.exitcode is not None:
                raise WorkerError(
                    "worker %d (pid %d) stopped with exit code %s in epoch %d, mini-batch "
                    "%d; training stopped" % (p, proc.pid, proc.exitcode, self.epoch,
                                               self.batch))

    # -- the parent's commands ------------------------------------------------

    def command(self, code):
        """Post a command for the workers (the parent); return its sequence number."""
        self.sequence += 1
        self.board.ints[0] = self.sequence * 8 + code
        return self.sequence

    def gather(self):
        """Ask every worker to write its rows, and wait until they have (the parent)."""
        if self.workers:
            sequence = self.command(GATHER)
            acks = self.board.ints[2 + self.board.processes:]
            self.wait(lambda: min(acks[1:]) >= sequence)

    def decide(self, stop, eta=None):
        """Tell the workers to stop, or to go on (with ``eta`` for the next epoch) (the parent).

        A Ctrl-C that came while the epoch was measured is raised first.
        """
        self.raise_deferred_interrupt()
        self.epoch += 1
        if stop:
            self.command(STOP)
        else:
            if eta is not None:
                self.board.doubles[0] = eta
            self.command(CONTINUE)

    def close(self):
        """Stop the workers (terminate, then kill, the slow ones) and free the board."""
        if self.workers:
            self.command(STOP)
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

    # -- rows: the parameters a worker owns, written for the parent to read --------

    def write_rows(self, records):
        """Write this worker's records (lists of row_size numbers, one per owned unit) to the rows area."""
        board, doubles = self.board, self.board.doubles
        for j, record in zip(range(self.lo, self.hi), records):
            start = board.rows_base + j * board.row_size
            doubles[start:start + len(record)] = array.array("d", record)

    def read_rows(self):
        """Return {unit j: its record} for every worker's units (the parent)."""
        board, doubles = self.board, self.board.doubles
        records = {}
        for lo, hi in self.bounds[1:]:
            for j in range(lo, hi):
                start = board.rows_base + j * board.row_size
                records[j] = doubles[start:start + board.row_size].tolist()
        return records

    # -- a worker's side ---------------------------------------------------------

    def obey(self):
        """Carry out the parent's latest command (a worker); return its code when it is CONTINUE."""
        word = self.board.ints[0]
        sequence, code = divmod(word, 8)
        if sequence <= self.sequence:
            return None
        self.sequence = sequence
        if code == STOP:
            raise Stop
        if code == GATHER:
            self.answer_gather()
            self.board.ints[2 + self.board.processes + self.part] = sequence
            return None
        return code

    def next_epoch(self):
        """Wait for the parent's word after an epoch (a worker); return the next eta.

        The parent may take seconds to measure the network, so after a short
        spin this sleeps between checks.
        """
        for _ in range(_SPINS):
            if self.obey() == CONTINUE:
                return self.board.doubles[0]
        nap = 0.00005
        while self.obey() != CONTINUE:
            if os.getppid() != self.parent_pid:
                os._exit(0)
            time.sleep(nap)
            nap = min(2 * nap, _LONGEST_NAP)
        return self.board.doubles[0]


class DeferredInterrupt:
    """While a split run trains, Ctrl-C (with Python's default handler) waits for the batch's end.

    The handler only marks the parent's Link; the next exchange (or the
    epoch's decision) raises KeyboardInterrupt there, where every process
    holds the same whole batch.
    """

    def __init__(self, link):
        self.link = link
        self.previous = None

    def __enter__(self):
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum, frame):
        self.link.interrupted = True

    def __exit__(self, *exc_info):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
