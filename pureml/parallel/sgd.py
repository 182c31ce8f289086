"""Every core, the same numbers: Nielsen's SGD on several processes.

Mini-batch SGD is sequential, and the usual ways of sharing it out
(averaging gradients over bigger batches, Hogwild) change the algorithm.
This does not.  It splits the first layer's neurons, where nearly all the
work is, among processes: the parent and ``workers - 1`` forked workers
each own a contiguous range of rows of ``weights[0]`` and ``biases[0]``.
For each mini-batch every process computes its neurons' weighted inputs z
and activations a, they exchange the activations (pureml.parallel.board),
every process computes the (small) rest of the network itself, carries
the error back (BP2) to its own neurons only, and moves only its own
rows.  Every weight therefore sees exactly the operations of the
one-process run, in the same order, and the weights come out the same,
bit for bit.  Each worker shuffles with its own copy of the network's
random.Random, so the mini-batches agree without being sent.

How it plugs in: ``Network.SGD`` is decorated with ``on_every_core``, so
``SGD(..., workers=N)`` runs here, and ``workers=1`` (the default) runs the
book's SGD as it is.  Each process trains a *split view* of the network:
an instance of a subclass of the network's class (``_SplitNetwork`` mixed
in) whose ``weights[0]`` and ``biases[0]`` are that process's rows, whose
``backprop_batch`` shares layer 1 as above, and whose ``Monitor`` gathers
the whole network (every process's rows, and momentum's velocities) into
the parent before each epoch's measurements and then tells the workers
to go on, with the eta the schedule chose, or to stop (the parent), or
answers that gather and waits for the parent's word (a worker).  The view
runs the book's own SGD loop and update_mini_batch.

Workers ignore SIGINT (the parent decides, between two mini-batches, and
gathers the rows before it stops, so that the network it leaves, and
saves, is whole), notice within a few milliseconds when the parent has
died, and are always stopped, then terminated, then killed when SGD ends
for any reason.  A worker that dies is a ``WorkerError`` naming it, and
the network is put back as it was at the last epoch's end (the message
says which).  Nothing is pickled.
"""

import contextlib
import functools
import inspect
import os
import sys

from pureml.arguments import check_sgd
from pureml.engine import dense
from pureml.engine.vectors import hadamard
from pureml.errors import WorkerError
from pureml.parallel.board import Board, DeferredInterrupt, Link, Stop
from pureml.parallel.processes import (copy_nested, fork_context, forking, ignore_interrupts,
                                       parts, resolve_workers)

__all__ = ["on_every_core"]


def on_every_core(sgd):
    """Decorate Network.SGD: ``workers=N`` (or "auto") trains on N processes, ``workers=1`` as it is."""
    signature = inspect.signature(sgd)

    @functools.wraps(sgd)
    def SGD(net, *args, workers=1, **kwargs):
        workers = resolve_workers(workers, net.sizes)
        if workers == 1:
            return sgd(net, *args, **kwargs)
        bound = signature.bind(net, *args, **kwargs)
        bound.apply_defaults()
        settings = bound.arguments
        checked = check_sgd(net.sizes, *[settings[key] for key in (
            "training_data", "epochs", "mini_batch_size", "eta", "test_data", "lmbda", "mu",
            "evaluation_data", "early_stopping_n", "eta_schedule_n")],
            settings["monitor_evaluation_cost"] or settings["monitor_evaluation_accuracy"])
        settings["training_data"], settings["test_data"] = checked[:2]
        if settings["evaluation_data"] is not None:
            settings["evaluation_data"] = checked[2]
        with _training(net, sgd, settings, workers) as parent_view:
            return sgd(parent_view, *bound.args[1:], **bound.kwargs)

    return SGD


class _SplitNetwork:
    """Mixed in before a network's class: one process's view of the network in a split run.

    ``weights[0]`` and ``biases[0]`` hold only this process's rows (neurons
    lo:hi of layer 1); the later layers are the network's own lists.
    """

    def backprop_batch(self, xs, ys):
        """Network.backprop_batch with layer 1 shared among the processes (see the module).

        Layer 1's z is this process's neurons'; their activations are
        exchanged for everyone's, and BP2 into layer 1 goes through only
        the columns of layer 2's weights that meet this process's neurons.
        """
        link, lo, hi = self.link, self.link.lo, self.link.hi
        nabla_b = [None] * (self.num_layers - 1)
        nabla_w = [None] * (self.num_layers - 1)
        activation = xs
        activations = [xs]
        zs = []
        for l, (b, w, sigma) in enumerate(self.layers()):
            z = dense.matvec_each(w, activation, b)
            zs.append(z)
            activation = [sigma.fn(zx) for zx in z]
            if l == 0:
                activation = link.exchange(activation)      # every neuron's, for layer 2
            activations.append(activation)
        delta = [self.cost.delta(z, a, y)
                 for z, a, y in zip(zs[-1], activations[-1], ys)]       # BP1
        nabla_b[-1] = delta
        nabla_w[-1] = (delta, activations[-2])
        for l in range(2, self.num_layers):
            w = self.weights[-l + 1]
            if l == self.num_layers - 1:
                w = [row[lo:hi] for row in w]               # into this process's neurons
            back = dense.vecmat_each(delta, w)
            delta = [hadamard(wd, self.activation.prime(z)) for wd, z in zip(back, zs[-l])]
            nabla_b[-l] = delta
            nabla_w[-l] = (delta, activations[-l - 1])
        return nabla_b, nabla_w, activations[-1]


def _view(net, link):
    """Return this process's split view of ``net``: its rows of layer 1, the rest shared."""
    cls = type("Split" + type(net).__name__, (_SplitNetwork, type(net)), {})
    view = cls.__new__(cls)
    view.__dict__.update(net.__dict__)
    view.link, view.whole = link, net
    view.weights = [net.weights[0][link.lo:link.hi]] + net.weights[1:]   # the same row lists
    view.biases = [net.biases[0][link.lo:link.hi]] + net.biases[1:]      # layer 1's a copy
    return view


def _records(view):
    """Return this process's neurons of layer 1 as records: weights, bias (and velocities)."""
    if view.velocities is None:
        return [row + [bias] for row, bias in zip(view.weights[0], view.biases[0])]
    v_w, v_b = view.velocities[0]
    return [row + [bias] + v_row + [v_bias] for row, bias, v_row, v_bias
            in zip(view.weights[0], view.biases[0], v_w, v_b)]


def _gather(view):
    """Make the parent's whole network current: its own biases, the workers' rows (the parent)."""
    net, link, n_in = view.whole, view.link, view.sizes[0]
    link.gather()
    lo, hi = link.lo, link.hi
    net.biases[0][lo:hi] = view.biases[0]
    records = link.read_rows()
    for j, record in records.items():
        net.weights[0][j][:] = record[:n_in]
        net.biases[0][j] = record[n_in]
    if view.velocities is not None:
        v_w, v_b = [None] * view.sizes[1], [0.0] * view.sizes[1]
        v_w[lo:hi], v_b[lo:hi] = view.velocities[0]
        for j, record in records.items():
            v_w[j], v_b[j] = record[n_in + 1:2 * n_in + 1], record[2 * n_in + 1]
        net.velocities = [(v_w, v_b)] + view.velocities[1:]


class _ParentMonitor:
    """The parent's Monitor: the network's own, measuring the whole network after a gather."""

    def __init__(self, view, monitor):
        self.view, self.monitor = view, monitor

    def __getattr__(self, name):            # training_data, eta, history ...
        return getattr(self.monitor, name)

    def mini_batch_done(self, j, mini_batch, outputs):
        self.monitor.mini_batch_done(j, mini_batch, outputs)

    def end_of_epoch(self, j):
        _gather(self.view)                  # the whole network, before it is measured
        self.view.kept = _kept(self.view.whole, j)
        stop = self.monitor.end_of_epoch(j)
        self.view.link.decide(stop, self.monitor.eta)
        return stop


class _WorkerMonitor:
    """A worker's Monitor: it measures nothing, answers the gather and waits for the parent's word."""

    def __init__(self, view, training_data, eta):
        self.view, self.training_data, self.eta, self.history = view, training_data, eta, None

    def mini_batch_done(self, j, mini_batch, outputs):
        pass

    def end_of_epoch(self, j):
        try:
            self.eta = self.view.link.next_epoch()
        except Stop:
            self.view.stopped = True
            return True
        return False


def _kept(net, epoch):
    """Return a copy of the whole network (weights, biases, velocities) and the epoch it ends."""
    return (copy_nested(net.weights), copy_nested(net.biases), copy_nested(net.velocities),
            epoch)


def _restore(net, kept):
    """Put back, in place, the network kept at the last epoch's end; return that epoch (or None)."""
    weights, biases, velocities, epoch = kept
    for mine, old in zip(net.weights, weights):
        mine[:] = copy_nested(old)
    for mine, old in zip(net.biases, biases):
        mine[:] = old
    net.velocities = copy_nested(velocities)
    return epoch


@contextlib.contextmanager
def _training(net, sgd, settings, workers):
    """Fork the workers, yield the parent's view; always end the workers, the network whole.

    When the block ends by an exception (Ctrl-C, divergence) the parent
    first gathers the whole network from the live workers, so that what is
    saved is whole; when a worker has died the network is put back as it
    was at the last epoch's end, and the WorkerError says so.
    """
    context = fork_context()
    bounds = parts(net.sizes[1], workers)
    row_size = (net.sizes[0] + 1) * (2 if settings["mu"] else 1)
    board = Board(workers, settings["mini_batch_size"], net.sizes[1], row_size)
    link = Link(board, 0, bounds)
    parent_view = _view(net, link)
    parent_view.kept = _kept(net, None)
    parent_view.Monitor = lambda view, *args: _ParentMonitor(view, type(net).Monitor(
        net, *args))
    parent_pid = os.getpid()
    try:
        with forking():
            for p in range(1, workers):
                worker_link = Link(board, p, bounds, parent_pid=parent_pid)
                proc = context.Process(target=_worker_main, daemon=True,
                                       args=(net, sgd, worker_link, settings))
                proc.start()
                link.workers.append(proc)
    except BaseException:
        link.close()
        raise
    deferred = DeferredInterrupt(link).__enter__()
    try:
        yield parent_view                   # each epoch's end gathers the whole network
    except WorkerError as exc:
        epoch = _restore(net, parent_view.kept)
        raise WorkerError("%s; the network is back as it was %s" % (
            exc, "at the start" if epoch is None else "after epoch %d" % epoch)) from None
    except BaseException:
        if all(p.exitcode is None for p in link.workers):
            _gather(parent_view)            # whole, after Ctrl-C or divergence too
        raise
    finally:
        deferred.__exit__(None, None, None)
        link.close()
    link.raise_deferred_interrupt()         # a Ctrl-C after the last mini-batch


def _worker_main(net, sgd, link, settings):
    """Run a worker: the same epochs and mini-batches as the parent, on its rows of layer 1."""
    ignore_interrupts()
    view = _view(net, link)
    view.Monitor = lambda view, training_data, *args: _WorkerMonitor(
        view, list(training_data), settings["eta"])
    link.answer_gather = lambda: link.write_rows(_records(view))
    view.stopped = False
    try:
        sgd(view, settings["training_data"], settings["epochs"], settings["mini_batch_size"],
            settings["eta"], None, lmbda=settings["lmbda"], mu=settings["mu"], verbose=False)
        if not view.stopped:
            link.wait(lambda: False)        # answer any last gather, until the STOP
    except Stop:
        pass
    sys.stdout.flush()
    os._exit(0)             # not sys.exit: no atexit handlers of the parent's run twice
