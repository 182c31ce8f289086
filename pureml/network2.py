"""The book's network2.py interface: pureml's one Network, with network2's defaults.

Code written for network2.py runs on this module unchanged:

    from pureml import mnist, network2
    training_data, validation_data, test_data = mnist.load_data_wrapper()
    net = network2.Network([784, 30, 10], cost=network2.CrossEntropyCost)
    net.SGD(training_data, 30, 10, 0.5, lmbda=5.0,
            evaluation_data=validation_data, monitor_evaluation_accuracy=True)

``network2.Network`` is ``pureml.network.Network`` with the defaults the
book changed between its two modules: the cross-entropy cost, weights drawn
from N(0, 1/n_in) (``default_weight_initializer``), and ``lmbda`` as the
fifth positional argument of ``SGD``.  Backpropagation, SGD and everything
else are the same code.
"""

from pureml import network
from pureml.mnist import vectorized_result  # noqa: F401  (network2 has it too)
from pureml.network import (CrossEntropyCost, LogLikelihoodCost,  # noqa: F401
                            QuadraticCost, sigmoid, sigmoid_prime)

__all__ = ["Network", "load", "QuadraticCost", "CrossEntropyCost", "LogLikelihoodCost",
           "sigmoid", "sigmoid_prime", "vectorized_result"]


class Network(network.Network):
    """pureml's Network with network2.py's defaults."""

    def __init__(self, sizes, cost=CrossEntropyCost, **kwargs):
        """Build a network as network2 does: cross-entropy cost, N(0, 1/n_in) weights.

        Any keyword of ``pureml.network.Network`` may be given, including
        ``weight_initializer="large"`` to start as network.py did.
        """
        kwargs.setdefault("weight_initializer", "default")
        super().__init__(sizes, cost, **kwargs)

    def SGD(self, training_data, epochs, mini_batch_size, eta, lmbda=0.0,
            evaluation_data=None, monitor_evaluation_cost=False,
            monitor_evaluation_accuracy=False, monitor_training_cost=False,
            monitor_training_accuracy=False, **kwargs):
        """Train by mini-batch SGD with network2's argument order; return the four monitoring lists.

        The lists are evaluation cost, evaluation accuracy, training cost
        and training accuracy, one entry per epoch, as network2 returns
        them.  Further keywords (``mu``, ``early_stopping_n``,
        ``eta_schedule_n``, ``verbose`` ...) are those of
        ``pureml.network.Network.SGD``.
        """
        return super().SGD(training_data, epochs, mini_batch_size, eta, lmbda=lmbda,
                           evaluation_data=evaluation_data,
                           monitor_evaluation_cost=monitor_evaluation_cost,
                           monitor_evaluation_accuracy=monitor_evaluation_accuracy,
                           monitor_training_cost=monitor_training_cost,
                           monitor_training_accuracy=monitor_training_accuracy, **kwargs)


def load(filename):
    """Load a network saved by network2.save (or pureml); return a network2.Network."""
    return network.load(filename, network_class=Network)
