"""Processes for pureml: how many, forked safely, and measuring a data set among them.

What every multi-process part of pureml shares: the usable cores, whether
this machine can fork and share memory safely, what ``workers="auto"``
means, forking with Ctrl-C held back, and ``each``, which shares a data
set out for evaluation (measuring is data parallel, and exact: each
process measures a slice and the parent adds the results in the
one-process order).  pureml.parallel.sgd (Nielsen's SGD) and
pureml.parallel.trainer (DLFS's Trainer) split the training itself.
"""

import array
import contextlib
import mmap
import multiprocessing
import os
import platform
import signal
import sys

from pureml.errors import ArgumentError
from pureml.engine.vectors import PYPY
from pureml.errors import WorkerError

__all__ = ["WorkerError", "usable_cores", "fork_context", "resolve_workers",
           "resolve_data_workers", "resolve_pool_workers", "parts", "forking",
           "ignore_interrupts", "copy_nested", "each", "MIN_SPLIT_WEIGHTS", "AUTO_SPLITS", "ORDERED_MEMORY"]

#: Below this many weights in the first layer a mini-batch is too little work to share.
MIN_SPLIT_WEIGHTS = 16000

#: Whether "auto" may use more than one process here.  Not on PyPy: its JIT
#: makes a mini-batch so quick that the exchange costs more than it saves
#: (tools/bench_workers.py: 2 processes 0.66x the speed of 1 for [784, 30,
#: 10], 0.83x for [784, 100, 10], 0.87x for evaluating 10,000 images).
AUTO_SPLITS = not PYPY

#: Whether the exchange can be trusted on this processor.  A process writes
#: its block of activations and then its counter, and the others read the counter and
#: then the block, with no memory barrier between: that order holds on
#: x86-64 (its stores and loads are not reordered with one another), not on
#: ARM or POWER, where a reader could see the counter before the data.
ORDERED_MEMORY = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")


def usable_cores():
    """Return the number of CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def fork_context():
    """Return multiprocessing's fork context, or None where processes cannot fork or share memory safely."""
    if not ORDERED_MEMORY:
        return None
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def _cannot_split(workers):
    """Return the WorkerError for workers > 1 where fork_context() is None."""
    if not ORDERED_MEMORY:
        return WorkerError("workers=%d shares memory between processes in a way that is only "
                           "safe on x86-64 processors, not on this %s one; use workers=1"
                           % (workers, platform.machine() or "unknown"))
    return WorkerError("workers=%d needs processes that fork, which %s does not have; "
                       "use workers=1" % (workers, sys.platform))


def resolve_workers(workers, sizes):
    """Return the number of processes to train a network of ``sizes`` with.

    ``workers`` is an int of at least 1 or "auto": the usable cores, but 1
    where sharing does not pay (on PyPy, for a first layer of fewer than
    MIN_SPLIT_WEIGHTS weights, or on a platform that cannot fork) and never
    more than the first layer's neurons.  Raises ArgumentError otherwise.
    """
    neurons = sizes[1]
    if workers == "auto":
        if (not AUTO_SPLITS or fork_context() is None
                or sizes[0] * neurons < MIN_SPLIT_WEIGHTS):
            return 1
        return max(1, min(usable_cores(), neurons))
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ArgumentError("workers must be a whole number of at least 1, or 'auto', not %r"
                           % (workers,))
    if workers > neurons:
        raise ArgumentError("workers=%d: the first layer has only %d neurons to share out"
                           % (workers, neurons))
    if workers > 1 and fork_context() is None:
        raise _cannot_split(workers)
    return workers


def resolve_pool_workers(workers, blocks):
    """Return the processes to compute ``blocks`` gradient blocks with (pureml.parallel.blocks).

    "auto" is the usable cores where processes can fork and share memory;
    never more processes than blocks.  Raises ArgumentError otherwise.
    """
    if workers == "auto":
        return min(blocks, usable_cores()) if fork_context() is not None else 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ArgumentError("workers must be a whole number of at least 1, or 'auto', not %r"
                            % (workers,))
    if workers > 1 and fork_context() is None:
        raise _cannot_split(workers)
    return min(workers, blocks)


def resolve_data_workers(workers):
    """Return the processes to measure with: "auto" is the usable cores (1 on PyPy or without fork)."""
    if workers == "auto":
        return usable_cores() if AUTO_SPLITS and fork_context() is not None else 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ArgumentError("workers must be a whole number of at least 1, or 'auto', not %r"
                           % (workers,))
    if workers > 1 and fork_context() is None:
        raise _cannot_split(workers)
    return workers


def parts(count, parts):
    """Return ``parts`` contiguous (lo, hi) ranges covering range(count), as equal as can be."""
    base, extra = divmod(count, parts)
    bounds, lo = [], 0
    for p in range(parts):
        hi = lo + base + (1 if p < extra else 0)
        bounds.append((lo, hi))
        lo = hi
    return bounds


def copy_nested(nested):
    """Return a copy of a list of lists of ... of numbers (or None), every list new."""
    if nested is None:
        return None
    if isinstance(nested, (list, tuple)):
        return [copy_nested(item) for item in nested]
    return nested


@contextlib.contextmanager
def forking():
    """Run a ``with`` block that starts processes, with Ctrl-C held back until it ends.

    A worker ignores SIGINT from its first line, but a Ctrl-C in the moment
    between the fork and that line would kill it.  SIGINT is blocked in the
    block (children inherit the mask; workers unblock it once they ignore
    it) and delivered to the parent on leaving.
    """
    block = getattr(signal, "pthread_sigmask", None)
    previous = block(signal.SIG_BLOCK, {signal.SIGINT}) if block else None
    try:
        yield
    finally:
        if block:
            block(signal.SIG_SETMASK, previous)


def ignore_interrupts():
    """Make this (worker) process ignore SIGINT, then let it through the mask forking set; return None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


# ---------------------------------------------------------------------------
# Measuring in parallel: each process a slice of the data


def each(function, items, workers=1, chunk=100):
    """Return function(items) (a list of floats, one per item), the items shared out among processes.

    ``function`` takes a list of items and returns a list of as many
    floats; each process calls it on ``chunk`` items at a time of its
    slice.  ``workers`` is a count or "auto" (resolve_data_workers).  The
    results come back through shared memory in the items' order, so the
    caller adds them up as one process would.
    """
    workers = resolve_data_workers(workers)
    context = fork_context()
    if workers <= 1 or context is None or len(items) < 2 * workers:
        return _in_chunks(function, items, chunk)
    bounds = parts(len(items), workers)
    board = mmap.mmap(-1, 8 * (len(items) + workers))
    values = memoryview(board).cast("d")
    procs = []
    try:
        with forking():
            for p in range(1, workers):
                proc = context.Process(target=_measure_main, daemon=True,
                                       args=(function, items, bounds[p], chunk, values,
                                             len(items) + p, os.getpid()))
                proc.start()
                procs.append(proc)
        lo, hi = bounds[0]
        mine = _in_chunks(function, items[lo:hi], chunk)
        for p, proc in enumerate(procs, start=1):
            proc.join()
            if proc.exitcode != 0 or values[len(items) + p] != 1.0:
                raise WorkerError("worker %d (pid %d) stopped with exit code %s while measuring"
                                  % (p, proc.pid, proc.exitcode))
        return mine + values[hi:len(items)].tolist()
    finally:
        for proc in procs:
            if proc.exitcode is None:
                proc.kill()
                proc.join()
        try:
            values.release()
            board.close()
        except BufferError:
            pass


def _in_chunks(function, items, chunk, parent_pid=None):
    """Return function applied to ``items`` ``chunk`` at a time, the results joined.

    With ``parent_pid`` (a measuring worker), the process leaves between
    two chunks once that parent has died.
    """
    out = []
    for start in range(0, len(items), chunk):
        if parent_pid is not None and os.getppid() != parent_pid:
            os._exit(0)
        out.extend(function(items[start:start + chunk]))
    return out


def _measure_main(function, items, bounds, chunk, values, done_slot, parent_pid):
    """A measuring worker: write function's results for its slice, then mark itself done."""
    ignore_interrupts()
    lo, hi = bounds
    values[lo:hi] = array.array("d", _in_chunks(function, items[lo:hi], chunk, parent_pid))
    values[done_slot] = 1.0
    os._exit(0)
