"""Neuron activation functions, each with its derivative beside it.

Every activation is a class with static methods, like network2's costs:

    fn(z)     the activation sigma(z) of a vector of weighted inputs z
    prime(z)  its derivative sigma'(z), element by element

Both take and return lists of floats.  The scalar functions (``sigmoid``,
``sigmoid_prime`` ...) never raise ``OverflowError`` for a finite float:
the ``math`` module raises where numpy only warned, so each is written in
the form that cannot overflow.  NaN goes in, NaN comes out.
"""

import math

__all__ = ["sigmoid", "sigmoid_prime", "Sigmoid", "Tanh", "ReLU", "Softmax",
           "ACTIVATIONS"]

_exp = math.exp


def sigmoid(z):
    """Return the sigmoid 1 / (1 + e^-z) of a number z, without overflow.

    For z < 0 it is computed as e^z / (1 + e^z), so exp never sees a large
    positive argument.

    >>> sigmoid(0.0), sigmoid(-1000.0), sigmoid(1000.0)
    (0.5, 0.0, 1.0)
    """
    if z >= 0.0:
        return 1.0 / (1.0 + _exp(-z))
    e = _exp(z)                     # NaN also lands here and stays NaN
    return e / (1.0 + e)


def sigmoid_prime(z):
    """Return the derivative of the sigmoid at z: sigma(z) * (1 - sigma(z)).

    >>> sigmoid_prime(0.0)
    0.25
    """
    s = sigmoid(z)
    return s * (1.0 - s)


class Sigmoid:
    """The sigmoid neuron of chapter 1: sigma(z) = 1 / (1 + e^-z)."""

    name = "sigmoid"

    @staticmethod
    def fn(z):
        """Return [sigma(z_j)] for the vector z."""
        return list(map(sigmoid, z))

    @staticmethod
    def prime(z):
        """Return [sigma'(z_j)] = [sigma(z_j) * (1 - sigma(z_j))] for the vector z."""
        return list(map(sigmoid_prime, z))


def _tanh_prime(z):
    """Return the derivative of tanh at z: 1 - tanh(z)^2."""
    t = math.tanh(z)
    return 1.0 - t * t


class Tanh:
    """The tanh neuron of chapter 3: tanh(z) = (e^z - e^-z) / (e^z + e^-z)."""

    name = "tanh"

    @staticmethod
    def fn(z):
        """Return [tanh(z_j)] for the vector z (math.tanh never overflows)."""
        return list(map(math.tanh, z))

    @staticmethod
    def prime(z):
        """Return [1 - tanh(z_j)^2] for the vector z."""
        return list(map(_tanh_prime, z))


def _relu(z):
    """Return max(0, z) for a number z (NaN stays NaN)."""
    return z if not z <= 0.0 else 0.0


def _relu_prime(z):
    """Return 1.0 where z > 0, else 0.0 (the derivative at 0 is taken as 0)."""
    return 1.0 if z > 0.0 else 0.0


class ReLU:
    """The rectified linear unit of chapter 3: max(0, z)."""

    name = "relu"

    @staticmethod
    def fn(z):
        """Return [max(0, z_j)] for the vector z."""
        return list(map(_relu, z))

    @staticmethod
    def prime(z):
        """Return [1 if z_j > 0 else 0] for the vector z."""
        return list(map(_relu_prime, z))


class Softmax:
    """The softmax output layer of chapter 3: a_j = e^z_j / sum_k e^z_k.

    Its derivative is a matrix, not a vector, and is never needed: paired
    with the log-likelihood cost, the output error is simply a - y.
    """

    name = "softmax"

    @staticmethod
    def fn(z):
        """Return the softmax of the vector z, computed as e^(z_j - max z) / sum.

        Subtracting the largest z_j changes nothing mathematically and keeps
        every exp argument at or below 0, so nothing overflows.
        """
        top = max(z)
        if math.isinf(top):         # inf - inf would be NaN; say so plainly
            return [math.nan] * len(z)
        e = [_exp(zj - top) for zj in z]
        total = math.fsum(e)
        return [ej / total for ej in e]

    @staticmethod
    def prime(z):
        """Raise TypeError: softmax is used only with LogLikelihoodCost, whose delta needs no derivative."""
        raise TypeError("softmax has no element-wise derivative; it is only "
                        "used as the output layer of LogLikelihoodCost")


#: Hidden-layer activations by name, for the command line and saved models.
ACTIVATIONS = {cls.name: cls for cls in (Sigmoid, Tanh, ReLU)}
