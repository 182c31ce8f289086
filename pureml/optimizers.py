"""The optimizers of Deep Learning from Scratch's chapter 6 (common/optimizer.py).

Each has ``update(params, grads)``, which changes ``params`` in place:
both are dicts keyed "W1", "b1", ... whose values are matrices (lists of
rows) or vectors (flat lists), as a network's ``params`` and
``gradient(x, t)`` give them.  Updating in place matters: the layers hold
the same lists, so they see the new weights at once, as the book's layers
see its numpy arrays change.

In the book's notation, with W a parameter, dL/dW its gradient and eta
the learning rate ``lr``:

    SGD        W <- W - eta dL/dW
    Momentum   v <- alpha v - eta dL/dW;   W <- W + v
    Nesterov   v <- alpha v - eta dL/dW;   W <- W + alpha^2 v - (1 + alpha) eta dL/dW
    AdaGrad    h <- h + dL/dW * dL/dW;     W <- W - eta dL/dW / (sqrt(h) + 1e-7)
    RMSprop    h <- rho h + (1 - rho) dL/dW * dL/dW;  W <- W - eta dL/dW / (sqrt(h) + 1e-7)
    Adam       m <- m + (1 - beta1)(dL/dW - m);  v <- v + (1 - beta2)(dL/dW^2 - v);
               W <- W - eta_t m / (sqrt(v) + 1e-7),
               eta_t = eta sqrt(1 - beta2^t) / (1 - beta1^t)

where * is element-wise and t counts the updates.
"""

import math

from pureml import matrix
from pureml.errors import ArgumentError

__all__ = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "OPTIMIZERS",
           "ArgumentError", "make_optimizer"]

EPSILON = 1e-7      # the book's constant under the square roots


def _check_rate(value, name):
    """Return value as a float if it is a finite number > 0; ArgumentError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value <= 0:
        raise ArgumentError("%s must be a finite number greater than 0, not %r"
                             % (name, value))
    return float(value)


def _check_fraction(value, name):
    """Return value as a float in [0, 1); ArgumentError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not 0.0 <= value < 1.0:
        raise ArgumentError("%s must be a number from 0 up to (not including) 1, not %r"
                             % (name, value))
    return float(value)


def _rows(p):
    """Return a parameter as a list of its innermost rows: a vector as [vector], a matrix
    itself, a conv layer's filters (FN x C x FH x FW) as its FN * C * FH rows."""
    if not (p and isinstance(p[0], list)):
        return [p]
    if not isinstance(p[0][0], list):
        return p
    return [row for part in p for row in _rows(part)]


def _pairs(params, grads):
    """Yield (key, parameter rows, gradient rows) for each key of params, checking shapes."""
    for key in params:
        if key not in grads:
            raise ArgumentError("grads has no %r; it must hold a gradient for every "
                                 "parameter (%s)" % (key, ", ".join(params)))
        p, g = _rows(params[key]), _rows(grads[key])
        if len(p) != len(g) or any(len(prow) != len(grow) for prow, grow in zip(p, g)):
            raise ArgumentError("grads[%r] does not have the shape of params[%r]"
                                 % (key, key))
        yield key, p, g


def _zeros_like(rows):
    return [[0.0] * len(row) for row in rows]


class SGD:
    """Stochastic gradient descent: W <- W - lr * dL/dW."""

    def __init__(self, lr=0.01):
        self.lr = _check_rate(lr, "lr")

    def update(self, params, grads):
        for _key, p, g in _pairs(params, grads):
            matrix.add_scaled_in_place(p, -self.lr, g)


class Momentum:
    """Momentum SGD: v <- momentum * v - lr * dL/dW, then W <- W + v (v starts at 0)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = _check_rate(lr, "lr")
        self.momentum = _check_fraction(momentum, "momentum")
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: _zeros_like(_rows(val)) for key, val in params.items()}
        for key, p, g in _pairs(params, grads):
            v = self.v[key]
            matrix.scale_in_place(v, self.momentum)         # v <- momentum * v
            matrix.add_scaled_in_place(v, -self.lr, g)      #      - lr * dL/dW
            self._move(p, v, g)

    def _move(self, p, v, g):
        """W <- W + v."""
        matrix.add_scaled_in_place(p, 1.0, v)


class Nesterov(Momentum):
    """Nesterov's accelerated gradient (Sutskever et al., 2013), in the book's form.

    v <- momentum * v - lr * dL/dW, as Momentum; then
    W <- W + momentum^2 * v - (1 + momentum) * lr * dL/dW.
    """

    def _move(self, p, v, g):
        """W <- W + momentum^2 v - (1 + momentum) lr dL/dW."""
        matrix.add_scaled_in_place(p, self.momentum * self.momentum, v)
        matrix.add_scaled_in_place(p, -(1 + self.momentum) * self.lr, g)


class AdaGrad:
    """AdaGrad: h <- h + dL/dW * dL/dW, then W <- W - lr * dL/dW / (sqrt(h) + 1e-7)."""

    def __init__(self, lr=0.01):
        self.lr = _check_rate(lr, "lr")
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: _zeros_like(_rows(val)) for key, val in params.items()}
        lr = self.lr
        for key, p, g in _pairs(params, grads):
            for prow, grow, hrow in zip(p, g, self.h[key]):
                hrow[:] = self._accumulate(hrow, grow)
                prow[:] = [w - lr * d / (math.sqrt(h) + EPSILON)
                           for w, d, h in zip(prow, grow, hrow)]

    def _accumulate(self, hrow, grow):
        """Return h + dL/dW * dL/dW for one row."""
        return [h + d * d for h, d in zip(hrow, grow)]


class RMSprop(AdaGrad):
    """RMSprop: h <- decay_rate * h + (1 - decay_rate) * dL/dW^2, then W <- W - lr * dL/dW / (sqrt(h) + 1e-7).

    AdaGrad's step, with h a moving average that forgets old gradients.
    """

    def __init__(self, lr=0.01, decay_rate=0.99):
        super().__init__(lr)
        self.decay_rate = _check_fraction(decay_rate, "decay_rate")

    def _accumulate(self, hrow, grow):
        """Return decay_rate * h + (1 - decay_rate) * dL/dW^2 for one row."""
        rho = self.decay_rate
        return [h * rho + (1 - rho) * d * d for h, d in zip(hrow, grow)]


class Adam:
    """Adam (Kingma and Ba, 2015), in the book's form; ``iter`` counts the updates.

    m <- m + (1 - beta1) * (dL/dW - m);  v <- v + (1 - beta2) * (dL/dW^2 - v);
    W <- W - lr_t * m / (sqrt(v) + 1e-7), with the bias correction
    lr_t = lr * sqrt(1 - beta2^iter) / (1 - beta1^iter).
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = _check_rate(lr, "lr")
        self.beta1 = _check_fraction(beta1, "beta1")
        self.beta2 = _check_fraction(beta2, "beta2")
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = {key: _zeros_like(_rows(val)) for key, val in params.items()}
            self.v = {key: _zeros_like(_rows(val)) for key, val in params.items()}
        self.iter += 1
        lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / \
            (1.0 - self.beta1 ** self.iter)
        b1, b2 = 1 - self.beta1, 1 - self.beta2
        for key, p, g in _pairs(params, grads):
            for prow, grow, mrow, vrow in zip(p, g, self.m[key], self.v[key]):
                mrow[:] = [m + b1 * (d - m) for m, d in zip(mrow, grow)]
                vrow[:] = [v + b2 * (d * d - v) for v, d in zip(vrow, grow)]
                prow[:] = [w - lr_t * m / (math.sqrt(v) + EPSILON)
                           for w, m, v in zip(prow, mrow, vrow)]


#: The optimizers by the lower-case names Trainer takes, as the book's Trainer does.
OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov,
              "adagrad": AdaGrad, "rmsprop": RMSprop, "adam": Adam}


def make_optimizer(name, optimizer_param=None):
    """Return the optimizer called ``name`` (any case), built with the dict optimizer_param."""
    if not isinstance(name, str) or name.lower() not in OPTIMIZERS:
        raise ArgumentError("unknown optimizer %r; expected one of %s"
                             % (name, ", ".join(cls.__name__ for cls in OPTIMIZERS.values())))
    cls = OPTIMIZERS[name.lower()]
    try:
        return cls(**(optimizer_param or {}))
    except TypeError as exc:
        raise ArgumentError("bad optimizer_param for %s: %s" % (cls.__name__, exc)) from None
