"""The one module of argument checks: every value pureml is given is checked here.

Each function returns the value (converted where that helps: ``sizes`` to
a list, a number to a float) or raises ``ArgumentError`` saying what was
wrong and what was expected, so that the books' modules read like the
books and check their arguments once, at the public edge.

The general checks (``check_count``, ``check_number``, ``check_positive``,
``check_nonnegative``, ``check_fraction``, ``check_choice``) serve every
module; after them come the checks of what a Nielsen ``Network`` is given:
its sizes, inputs, targets, labelled data and SGD's settings.
"""

import math
import numbers

from pureml.errors import ArgumentError

__all__ = ["check_count", "check_number", "check_positive", "check_nonnegative",
           "check_fraction", "check_momentum", "check_choice", "lookup", "one_hot", "as_list",
           "check_sizes", "check_input", "check_target", "check_pair", "check_training_data",
           "check_labelled_data", "check_measured_data", "check_mini_batch", "check_sgd",
           "check_update"]


def check_count(value, name, minimum=0):
    """Return value as an int if it is a whole number (not a bool) of at least ``minimum``.

    >>> check_count(3, "epochs")
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ArgumentError("%s must be a whole number of at least %d, not %r"
                            % (name, minimum, value))
    return int(value)


def check_number(value, name):
    """Return value as a float if it is a finite number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentError("%s must be a number, not %r" % (name, value))
    value = float(value)
    if not math.isfinite(value):
        raise ArgumentError("%s must be a finite number, not %r" % (name, value))
    return value


def check_positive(value, name):
    """Return value as a float if it is a finite number greater than 0."""
    value = check_number(value, name)
    if value <= 0.0:
        raise ArgumentError("%s must be greater than 0, not %r" % (name, value))
    return value


def check_nonnegative(value, name):
    """Return value as a float if it is a finite number of at least 0."""
    value = check_number(value, name)
    if value < 0.0:
        raise ArgumentError("%s must be 0 or more, not %r" % (name, value))
    return value


def check_fraction(value, name):
    """Return value as a float if it is a number from 0 up to, not including, 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not 0.0 <= value < 1.0:
        raise ArgumentError("%s must be a number from 0 up to (not including) 1, not %r"
                            % (name, value))
    return float(value)


def check_momentum(mu):
    """Return mu if it is a finite number with 0 <= mu < 1: the momentum coefficient."""
    return check_fraction(mu, "the momentum coefficient mu")


def check_choice(value, choices, name):
    """Return value if it is one of ``choices`` (any iterable of allowed values)."""
    choices = tuple(choices)
    if isinstance(value, bool) or value not in choices:
        raise ArgumentError("%s must be one of %s, not %r"
                            % (name, ", ".join(map(str, choices)), value))
    return value


def as_list(data, what):
    """Return data as a new list (any iterable, including zip, is accepted)."""
    if isinstance(data, (str, bytes)):
        raise ArgumentError("%s must be a list of examples, not %s" % (what, type(data).__name__))
    try:
        return list(data)
    except TypeError:
        raise ArgumentError("%s must be an iterable of examples, not %s"
                           % (what, type(data).__name__)) from None


def check_sizes(sizes):
    """Return sizes as a list of ints, or raise ArgumentError saying what is wrong."""
    try:
        sizes = list(sizes)
    except TypeError:
        raise ArgumentError("sizes must be a list of layer sizes such as [784, 30, 10], "
                           "not %s" % type(sizes).__name__) from None
    if len(sizes) < 2:
        raise ArgumentError("sizes needs at least two layers (inputs and outputs), got %r"
                           % (sizes,))
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, int):
            raise ArgumentError("layer sizes must be ints, got %r in %r" % (size, sizes))
        if size < 1:
            raise ArgumentError("layer sizes must be at least 1, got %d in %r" % (size, sizes))
    return sizes







def lookup(value, table, what):
    """Return the class for ``value``: one of table's classes, or its name."""
    if isinstance(value, str):
        if value in table:
            return table[value]
        lowered = {key.lower(): cls for key, cls in table.items()}
        if value.lower() in lowered:
            return lowered[value.lower()]
        raise ArgumentError("unknown %s %r; expected one of %s"
                           % (what, value, ", ".join(sorted(table))))
    if value in table.values():
        return value
    if all(hasattr(value, attr) for attr in ("fn", "delta" if what == "cost" else "prime")):
        return value
    raise ArgumentError("%s must be one of %s, not %r"
                       % (what, ", ".join(sorted(table)), value))


def one_hot(label, size):
    """Return a list of ``size`` zeros with 1.0 at ``label``."""
    e = [0.0] * size
    e[label] = 1.0
    return e


# The data given to a network of ``sizes``: inputs, targets, labelled examples.


def check_input(sizes, x):
    """Return x if it is a vector of sizes[0] entries; raise ArgumentError otherwise."""
    try:
        length = len(x)
    except TypeError:
        raise ArgumentError("an input must be a list of %d numbers, not %s"
                           % (sizes[0], type(x).__name__)) from None
    if length != sizes[0]:
        raise ArgumentError("an input has %d entries; this network expects %d"
                           % (length, sizes[0]))
    return x


def check_target(sizes, y):
    """Return y if it is a vector of sizes[-1] entries; raise ArgumentError otherwise."""
    if isinstance(y, (int, float)):
        raise ArgumentError("a training label must be a one-hot list of %d numbers, "
                           "not the number %r (see mnist.vectorized_result)"
                           % (sizes[-1], y))
    if isinstance(y, (str, bytes)):
        raise ArgumentError("a training label must be a one-hot list of %d numbers, not the "
                           "%s %r" % (sizes[-1], type(y).__name__, y))
    try:
        length = len(y)
    except TypeError:
        raise ArgumentError("a training label must be a list of %d numbers, not %s"
                           % (sizes[-1], type(y).__name__)) from None
    if length != sizes[-1]:
        raise ArgumentError("a training label has %d entries; this network has %d outputs"
                           % (length, sizes[-1]))
    return y


def check_pair(pair, what):
    """Return (x, y) from one example, or raise ArgumentError."""
    try:
        x, y = pair
    except (TypeError, ValueError):
        raise ArgumentError("each example in %s must be a pair (x, y), not %r"
                           % (what, type(pair).__name__)) from None
    return x, y


def check_training_data(sizes, training_data):
    """Return training_data as a new list of (x, y) pairs, each checked."""
    data = as_list(training_data, "training_data")
    if not data:
        raise ArgumentError("training_data is empty")
    for pair in data:
        x, y = check_pair(pair, "training_data")
        check_input(sizes, x)
        check_target(sizes, y)
    return data


def check_labelled_data(sizes, data, what):
    """Return data as a list of (x, int label) pairs, each checked."""
    data = as_list(data, what)
    outputs = sizes[-1]
    for pair in data:
        x, label = check_pair(pair, what)
        check_input(sizes, x)
        if not isinstance(label, int) or isinstance(label, bool) or \
                not 0 <= label < outputs:
            raise ArgumentError("labels in %s must be ints from 0 to %d, not %r "
                               "(one-hot labels belong in training_data)"
                               % (what, outputs - 1, label))
    return data


def check_measured_data(sizes, data, what):
    """Return data as a list of (x, y) pairs, y an int label or a one-hot list, each checked.

    This is what accuracy and total_cost measure: network2 calls them on
    training data (one-hot labels) and on test data (int labels) alike.
    """
    data = as_list(data, what)
    outputs = sizes[-1]
    for pair in data:
        x, y = check_pair(pair, what)
        check_input(sizes, x)
        if isinstance(y, bool) or isinstance(y, int) and not 0 <= y < outputs:
            raise ArgumentError("labels in %s must be ints from 0 to %d or one-hot lists of "
                               "%d numbers, not %r" % (what, outputs - 1, outputs, y))
        if not isinstance(y, int):
            check_target(sizes, y)
    return data


def check_mini_batch(sizes, mini_batch):
    """Return the lists (xs, ys) of a non-empty mini-batch, each checked."""
    mini_batch = as_list(mini_batch, "mini_batch")
    if not mini_batch:
        raise ArgumentError("a mini-batch must hold at least one example")
    xs, ys = [], []
    for pair in mini_batch:
        x, y = check_pair(pair, "mini_batch")
        xs.append(check_input(sizes, x))
        ys.append(check_target(sizes, y))
    return xs, ys


def check_sgd(sizes, training_data, epochs, mini_batch_size, eta, test_data, lmbda, mu,
              evaluation_data, early_stopping_n, eta_schedule_n, monitoring_evaluation):
    """Check Network.SGD's arguments; return (training_data, test_data, evaluation_data) as lists.

    ``evaluation_data`` defaults to ``test_data``; monitoring the evaluation
    data (``monitoring_evaluation``), early stopping and the eta schedule
    need one of them.
    """
    training_data = check_training_data(sizes, training_data)
    check_count(epochs, "epochs", minimum=0)
    check_count(mini_batch_size, "mini_batch_size", minimum=1)
    check_positive(eta, "eta")
    check_nonnegative(lmbda, "lmbda")
    check_momentum(mu)
    check_count(early_stopping_n, "early_stopping_n", minimum=0)
    check_count(eta_schedule_n, "eta_schedule_n", minimum=0)
    if test_data is not None:
        test_data = check_labelled_data(sizes, test_data, "test_data")
    if evaluation_data is not None:
        evaluation_data = check_labelled_data(sizes, evaluation_data, "evaluation_data")
    else:
        evaluation_data = test_data
    if (monitoring_evaluation or early_stopping_n or eta_schedule_n) and evaluation_data is None:
        raise ArgumentError("monitoring, early stopping and the eta schedule "
                            "need evaluation_data (or test_data)")
    return training_data, test_data, evaluation_data


def check_update(sizes, mini_batch, eta, lmbda, n, mu):
    """Check update_mini_batch's arguments; return the mini-batch's lists (xs, ys)."""
    xs, ys = check_mini_batch(sizes, mini_batch)
    check_positive(eta, "eta")
    check_nonnegative(lmbda, "lmbda")
    check_momentum(mu)
    if lmbda and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ArgumentError("L2 regularisation needs n, the size of the training set, as a "
                            "positive int; got %r" % (n,))
    return xs, ys
