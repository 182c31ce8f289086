"""Cost functions, as in network2: each has fn(a, y) and delta(z, a, y).

    fn(a, y)        the cost of one example, with output a and desired output y
    delta(z, a, y)  the output layer's error delta^L = dC/dz^L (equation BP1)

``output_activation`` names the activation of the output layer that the
cost is paired with: sigmoid for the quadratic and cross-entropy costs, as
in the book, and softmax for the log-likelihood cost.  Vectors are lists
of floats; y is a one-hot list.
"""

import math

from pureml import activations
from pureml.activations import Sigmoid, Softmax

__all__ = ["QuadraticCost", "CrossEntropyCost", "LogLikelihoodCost", "COSTS"]


def _xlog(x, a):
    """Return x * ln(a), taking 0 * ln(0) as 0 and ln(0) as -inf."""
    if x == 0.0:
        return 0.0
    return x * math.log(a) if a > 0.0 else -math.inf


class QuadraticCost:
    """The quadratic cost of chapter 1: C = 1/2 ||a - y||^2."""

    name = "QuadraticCost"
    output_activation = Sigmoid

    @staticmethod
    def fn(a, y):
        """Return the cost 0.5 * ||a - y||^2 for output a and desired output y."""
        return 0.5 * math.fsum((aj - yj) ** 2 for aj, yj in zip(a, y))

    @staticmethod
    def delta(z, a, y):
        """Return the error delta = (a - y) * sigma'(z), element by element (BP1)."""
        return [(aj - yj) * activations.sigmoid_prime(zj)
                for zj, aj, yj in zip(z, a, y)]


class CrossEntropyCost:
    """The cross-entropy cost of chapter 3: C = -sum_j [y ln a + (1-y) ln(1-a)].

    With sigmoid outputs its error is a - y: the sigma'(z) that slows the
    quadratic cost down cancels out.
    """

    name = "CrossEntropyCost"
    output_activation = Sigmoid

    @staticmethod
    def fn(a, y):
        """Return -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)].

        0 * ln 0 counts as 0; an output of exactly 0 or 1 on the wrong side
        gives inf (numpy's nan_to_num would turn that into 1.8e308).
        """
        return -math.fsum(_xlog(yj, aj) + _xlog(1.0 - yj, 1.0 - aj)
                          for aj, yj in zip(a, y))

    @staticmethod
    def delta(z, a, y):
        """Return the error delta = a - y (BP1 with the sigma'(z) cancelled)."""
        return [aj - yj for aj, yj in zip(a, y)]


class LogLikelihoodCost:
    """The log-likelihood cost of chapter 3, for a softmax output layer: C = -ln a_y."""

    name = "LogLikelihoodCost"
    output_activation = Softmax

    @staticmethod
    def fn(a, y):
        """Return -sum_j y_j ln a_j, which is -ln a_y for a one-hot y."""
        return -math.fsum(_xlog(yj, aj) for aj, yj in zip(a, y))

    @staticmethod
    def delta(z, a, y):
        """Return the error delta = a - y of a softmax layer under this cost."""
        return [aj - yj for aj, yj in zip(a, y)]


#: The costs by their network2 names, for saved models and the command line.
COSTS = {cls.name: cls for cls in (QuadraticCost, CrossEntropyCost, LogLikelihoodCost)}
