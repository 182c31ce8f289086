"""The optimizers of Deep Learning from Scratch's chapter 6 (common/optimizer.py).

Each has ``update(params, grads)``, which changes ``params`` in place:
both are dicts keyed "W1", "b1", ... whose values are matrices (lists of
rows), vectors (flat lists), a conv layer's filters, or plain numbers (the
book's ``{'x': -7.0, 'y': 2.0}`` of optimizer_compare_naive.py), as a
network's ``params`` and ``gradient(x, t)`` give them.  Lists are updated
in place, which matters: the layers hold the same lists, so they see the
new weights at once, as the book's layers see its numpy arrays change; a
number is replaced in the dict, as numpy's ``params[key] -= ...`` does.

In the book's notation, with W a parameter, dL/dW its gradient and eta
the learning rate ``lr``:

    SGD        W <- W - eta dL/dW
    Momentum   v <- alpha v - eta dL/dW;   W <- W + v
    Nesterov   W <- W + alpha^2 v - (1 + alpha) eta dL/dW;   v <- alpha v - eta dL/dW
    AdaGrad    h <- h + dL/dW * dL/dW;     W <- W - eta dL/dW / (sqrt(h) + 1e-7)
    RMSprop    h <- rho h + (1 - rho) dL/dW * dL/dW;  W <- W - eta dL/dW / (sqrt(h) + 1e-7)
    Adam       m <- m + (1 - beta1)(dL/dW - m);  v <- v + (1 - beta2)(dL/dW^2 - v);
               W <- W - eta_t m / (sqrt(v) + 1e-7),
               eta_t = eta sqrt(1 - beta2^t) / (1 - beta1^t)

where * is element-wise and t counts the updates.  Nesterov's is the
book's repository's since its fix of January 2021: W moves with the old
v, then v is updated.
"""

import math
import numbers

from pureml.arguments import check_fraction, check_positive
from pureml.engine import dense
from pureml.errors import ArgumentError

__all__ = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "OPTIMIZERS",
           "make_optimizer"]

EPSILON = 1e-7      # the book's constant under the square roots


def _rows(p, key, what):
    """Return a parameter as a list of its innermost rows: a number as [[p]], a vector as [p],
    a matrix itself, a conv layer's filters (FN x C x FH x FW) as its FN * C * FH rows."""
    if isinstance(p, numbers.Real) and not isinstance(p, bool):
        return [[float(p)]]
    if not isinstance(p, list):
        raise ArgumentError("%s[%r] must be a number or (nested) lists of numbers, not %s"
                            % (what, key, type(p).__name__))
    if not (p and isinstance(p[0], list)):
        return [p]
    if not isinstance(p[0][0], list):
        return p
    return [row for part in p for row in _rows(part, key, what)]


def _each(params, grads):
    """Yield (key, parameter rows, gradient rows) for each key of params, checking them; write numbers back.

    A number's rows are a one-entry copy, put back into ``params`` once the
    caller has moved it (when the generator resumes).
    """
    for key in params:
        if key not in grads:
            raise ArgumentError("grads has no %r; it must hold a gradient for every "
                                "parameter (%s)" % (key, ", ".join(map(str, params))))
        p, g = _rows(params[key], key, "params"), _rows(grads[key], key, "grads")
        if len(p) != len(g) or any(len(prow) != len(grow) for prow, grow in zip(p, g)):
            raise ArgumentError("grads[%r] does not have the shape of params[%r]" % (key, key))
        yield key, p, g
        if not isinstance(params[key], list):
            params[key] = p[0][0]


def _zeros_like(params):
    """Return {key: zeros shaped like the parameter's rows} for every parameter."""
    return {key: [[0.0] * len(row) for row in _rows(value, key, "params")]
            for key, value in params.items()}


class SGD:
    """Stochastic gradient descent: W <- W - lr * dL/dW."""

    def __init__(self, lr=0.01):
        self.lr = check_positive(lr, "lr")

    def update(self, params, grads):
        for key, p, g in _each(params, grads):
            dense.add_scaled_in_place(p, -self.lr, g)       # params[key] -= self.lr * grads[key]


class Momentum:
    """Momentum SGD: v <- momentum * v - lr * dL/dW, then W <- W + v (v starts at 0)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = check_positive(lr, "lr")
        self.momentum = check_fraction(momentum, "momentum")
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = _zeros_like(params)
        for key, p, g in _each(params, grads):
            v = self.v[key]
            dense.scale_in_place(v, self.momentum)          # self.v[key] = self.momentum*self.v[key]
            dense.add_scaled_in_place(v, -self.lr, g)       #     - self.lr*grads[key]
            dense.add_scaled_in_place(p, 1.0, v)            # params[key] += self.v[key]


class Nesterov:
    """Nesterov's Accelerated Gradient (http://arxiv.org/abs/1212.0901), as the book's repository has it."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = check_positive(lr, "lr")
        self.momentum = check_fraction(momentum, "momentum")
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = _zeros_like(params)
        mu, lr = self.momentum, self.lr
        for key, p, g in _each(params, grads):
            v = self.v[key]
            dense.add_scaled_in_place(p, mu * mu, v)        # params[key] += self.momentum * self.momentum * self.v[key]
            dense.add_scaled_in_place(p, -(1 + mu) * lr, g)  # params[key] -= (1 + self.momentum) * self.lr * grads[key]
            dense.scale_in_place(v, mu)                     # self.v[key] *= self.momentum
            dense.add_scaled_in_place(v, -lr, g)            # self.v[key] -= self.lr * grads[key]


class AdaGrad:
    """AdaGrad: h <- h + dL/dW * dL/dW, then W <- W - lr * dL/dW / (sqrt(h) + 1e-7)."""

    def __init__(self, lr=0.01):
        self.lr = check_positive(lr, "lr")
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = _zeros_like(params)
        lr = self.lr
        for key, p, g in _each(params, grads):
            for prow, grow, hrow in zip(p, g, self.h[key]):
                hrow[:] = [h + d * d for h, d in zip(hrow, grow)]   # self.h[key] += grads[key] * grads[key]
                prow[:] = [w - lr * d / (math.sqrt(h) + EPSILON)
                           for w, d, h in zip(prow, grow, hrow)]    # params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class RMSprop:
    """RMSprop: h <- decay_rate * h + (1 - decay_rate) * dL/dW^2, then W <- W - lr * dL/dW / (sqrt(h) + 1e-7)."""

    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = check_positive(lr, "lr")
        self.decay_rate = check_fraction(decay_rate, "decay_rate")
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = _zeros_like(params)
        lr, rho = self.lr, self.decay_rate
        for key, p, g in _each(params, grads):
            for prow, grow, hrow in zip(p, g, self.h[key]):
                hrow[:] = [h * rho + (1 - rho) * d * d
                           for h, d in zip(hrow, grow)]     # self.h[key] *= self.decay_rate; += (1 - self.decay_rate) * grads[key] * grads[key]
                prow[:] = [w - lr * d / (math.sqrt(h) + EPSILON)
                           for w, d, h in zip(prow, grow, hrow)]    # params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class Adam:
    """Adam (http://arxiv.org/abs/1412.6980v8), in the book's form; ``iter`` counts the updates."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = check_positive(lr, "lr")
        self.beta1 = check_fraction(beta1, "beta1")
        self.beta2 = check_fraction(beta2, "beta2")
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = _zeros_like(params), _zeros_like(params)
        self.iter += 1
        lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        b1, b2 = 1 - self.beta1, 1 - self.beta2
        for key, p, g in _each(params, grads):
            for prow, grow, mrow, vrow in zip(p, g, self.m[key], self.v[key]):
                mrow[:] = [m + b1 * (d - m) for m, d in zip(mrow, grow)]        # self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
                vrow[:] = [v + b2 * (d * d - v) for v, d in zip(vrow, grow)]    # self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])
                prow[:] = [w - lr_t * m / (math.sqrt(v) + EPSILON)
                           for w, m, v in zip(prow, mrow, vrow)]                # params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


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
