"""Checking what is given to a Network: sizes, counts, rates and the data.

Each function returns the value (converted where that helps, as ``sizes``
to a list) or raises ``NetworkError`` saying what was wrong and what was
expected, so that ``pureml.network`` reads like the book.
"""

import math

from pureml.errors import NetworkError

__all__ = ["as_list", "check_sizes", "check_count", "check_number", "check_positive",
           "check_nonnegative", "check_momentum", "lookup", "one_hot"]


def as_list(data, what):
    """Return data as a new list (any iterable, including zip, is accepted)."""
    if isinstance(data, (str, bytes)):
        raise NetworkError("%s must be a list of examples, not %s" % (what, type(data).__name__))
    try:
        return list(data)
    except TypeError:
        raise NetworkError("%s must be an iterable of examples, not %s"
                           % (what, type(data).__name__)) from None


def check_sizes(sizes):
    """Return sizes as a list of ints, or raise NetworkError saying what is wrong."""
    try:
        sizes = list(sizes)
    except TypeError:
        raise NetworkError("sizes must be a list of layer sizes such as [784, 30, 10], "
                           "not %s" % type(sizes).__name__) from None
    if len(sizes) < 2:
        raise NetworkError("sizes needs at least two layers (inputs and outputs), got %r"
                           % (sizes,))
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, int):
            raise NetworkError("layer sizes must be ints, got %r in %r" % (size, sizes))
        if size < 1:
            raise NetworkError("layer sizes must be at least 1, got %d in %r" % (size, sizes))
    return sizes


def check_count(value, name, minimum):
    """Return value if it is an int >= minimum; raise NetworkError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise NetworkError("%s must be an int, not %r" % (name, value))
    if value < minimum:
        raise NetworkError("%s must be at least %d, got %d" % (name, minimum, value))
    return value


def check_number(value, name):
    """Return value as a float if it is a finite number; raise NetworkError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NetworkError("%s must be a number, not %r" % (name, value))
    value = float(value)
    if not math.isfinite(value):
        raise NetworkError("%s must be a finite number, got %r" % (name, value))
    return value


def check_positive(value, name):
    """Return value if it is a finite number > 0; raise NetworkError otherwise."""
    value = check_number(value, name)
    if value <= 0.0:
        raise NetworkError("%s must be greater than 0, got %r" % (name, value))
    return value


def check_nonnegative(value, name):
    """Return value if it is a finite number >= 0; raise NetworkError otherwise."""
    value = check_number(value, name)
    if value < 0.0:
        raise NetworkError("%s must be 0 or more, got %r" % (name, value))
    return value


def check_momentum(mu):
    """Return mu if it is a finite number with 0 <= mu < 1; raise NetworkError otherwise."""
    mu = check_number(mu, "mu")
    if not 0.0 <= mu < 1.0:
        raise NetworkError("the momentum coefficient mu must be in [0, 1), got %r" % (mu,))
    return mu


def lookup(value, table, what):
    """Return the class for ``value``: one of table's classes, or its name."""
    if isinstance(value, str):
        if value in table:
            return table[value]
        lowered = {key.lower(): cls for key, cls in table.items()}
        if value.lower() in lowered:
            return lowered[value.lower()]
        raise NetworkError("unknown %s %r; expected one of %s"
                           % (what, value, ", ".join(sorted(table))))
    if value in table.values():
        return value
    if all(hasattr(value, attr) for attr in ("fn", "delta" if what == "cost" else "prime")):
        return value
    raise NetworkError("%s must be one of %s, not %r"
                       % (what, ", ".join(sorted(table)), value))


def one_hot(label, size):
    """Return a list of ``size`` zeros with 1.0 at ``label``."""
    e = [0.0] * size
    e[label] = 1.0
    return e
