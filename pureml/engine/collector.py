"""CPython's cyclic garbage collector, paused while a batch of images goes through a network.

One batch of 100 images through a conv net makes about half a million
lists (feature maps, masks, their gradients), all freed by reference
counting, as they make no cycles.  CPython's cyclic collector still runs
a pass for every 700 containers made and kept, and every so often a full
pass that walks every list in memory, the MNIST images' among them: passes
that find nothing, and cost a large part of a conv net's training time
(tools/README.md).  ``paused()`` is a ``with`` block in which the collector
does not run, and ``paused_while`` a decorator for a method that trains;
where the collector is not CPython's (PyPy frees its garbage with a
collector of its own, left alone), ``paused`` is ``running()``, a block
that changes nothing.
"""

import contextlib
import functools
import gc
import threading

from pureml.engine.vectors import PYPY

__all__ = ["paused", "paused_counted", "running", "paused_while"]

_PAUSES = [0, False]            # blocks inside paused_counted, and whether gc was enabled
_LOCK = threading.Lock()


@contextlib.contextmanager
def running():
    """Run the with block as it is."""
    yield


@contextlib.contextmanager
def paused_counted():
    """Run the with block with the cyclic collector paused; on leaving, put it back as it was.

    Blocks in several threads at once (``serve``'s) count themselves: the
    first to enter pauses the collector, and the last to leave starts it
    again if it was running before the first entered.
    """
    with _LOCK:
        if _PAUSES[0] == 0:
            _PAUSES[1] = gc.isenabled()
            gc.disable()
        _PAUSES[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _PAUSES[0] -= 1
            if _PAUSES[0] == 0 and _PAUSES[1]:
                gc.enable()


# Reference counting frees a batch's garbage on CPython; PyPy's own
# collector does the freeing there, and pausing it raised the peak memory.
paused = running if PYPY else paused_counted


def paused_while(method):
    """Decorate a method that trains (Trainer.train, network3's SGD): the collector is paused while it runs."""
    @functools.wraps(method)
    def paused_method(*args, **kwargs):
        with paused():
            return method(*args, **kwargs)
    return paused_method
