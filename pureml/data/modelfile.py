"""Reading the JSON files pureml saves, as the untrusted input they are.

Network models (``Network.save``, network2's format) and the layered
networks' params files (``save_params``) are JSON.  A file may come from
anywhere, so reading one follows pureml's rule for every file it reads:
nothing is allocated beyond what the file itself holds.  Every matrix and
vector is built from the lists actually in the file; a size the file
claims (network2's "sizes", say) is only compared with those lists, never
used to allocate, so a file claiming a billion neurons fails at once, in
little memory ("net.json: weights[0] holds 30 rows, but sizes [784,
1000000000, 10] says layer 1 has 1000000000").  The file is read in 1 MB
pieces, and whole only if it is at most ``MAX_FILE_BYTES`` (512 MB) long.
Every failure is one ``ModelFileError`` naming the file, the entry, what
it holds and what was expected: text that is not UTF-8 JSON, JSON nested
too deeply or cut short, a string, boolean, null, list or object where a
number or a name belongs, a row of the wrong length; NaN and Infinity are
refused (json would accept them), and so are numbers too large for a
float (``1e400``), integers of more than ``MAX_INT_DIGITS`` digits and
parameters nested deeper than ``MAX_TENSOR_DEPTH`` lists; nothing is ever
unpickled.

``write_json`` is the other side: it saves a model atomically
(pureml.data.fileio), and refuses, naming the file, a network holding NaN or
an infinity, which no reader would take back.
"""

import json
import math
import os

from pureml.errors import ModelFileError
from pureml.data.fileio import atomic_write_text
from pureml.engine.vectors import nested_shape

__all__ = ["MAX_FILE_BYTES", "MAX_INT_DIGITS", "MAX_TENSOR_DEPTH", "ModelFileError",
           "read_json", "require_keys", "name_in", "number", "vector", "matrix", "tensor",
           "kind", "short", "write_json"]

#: The largest file read: a [784, 1000, 1000, 10] network is about 35 MB of JSON.
MAX_FILE_BYTES = 512 * 2 ** 20
_CHUNK = 2 ** 20

#: The longest integer read: a float holds no more than 309 digits, and
#: this keeps int() fast whatever sys.set_int_max_str_digits allows.
MAX_INT_DIGITS = 1000

#: The deepest parameter: a conv layer's filters, FN x C x FH x FW.
MAX_TENSOR_DEPTH = 4


def _reject_constant(token):
    """Refuse NaN and Infinity in a model file (json would accept them)."""
    raise ValueError("%s is not a finite number" % token)


def _parse_int(token):
    """Return a JSON integer as an int, refusing more than MAX_INT_DIGITS digits."""
    digits = len(token) - token.startswith("-")
    if digits > MAX_INT_DIGITS:
        raise ValueError("an integer of %d digits is too long to be a number in it" % digits)
    return int(token)


def read_json(filename, what="model file"):
    """Return the JSON object (a dict) in ``filename``; ModelFileError if it is not one.

    A missing or unreadable file stays an ``OSError``.  ``what`` names the
    kind of file in messages ("model file", "params file").
    """
    name = os.fspath(filename)
    chunks, size = [], 0
    with open(filename, "rb") as f:
        # In pieces, not f.read(MAX_FILE_BYTES + 1): that would set aside the
        # whole cap first (PyPy does), however small the file.
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise ModelFileError("%s: larger than %d MB, too large to be a %s"
                                     % (name, MAX_FILE_BYTES // 2 ** 20, what))
            chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant,
                          parse_int=_parse_int)
    except UnicodeDecodeError:
        raise ModelFileError("%s: not a %s: it is not UTF-8 JSON text" % (name, what)) from None
    except RecursionError:
        raise ModelFileError("%s: not a %s: its JSON is nested too deeply"
                             % (name, what)) from None
    except ValueError as e:
        raise ModelFileError("%s: not a valid %s: %s" % (name, what, e)) from None
    if not isinstance(data, dict):
        raise ModelFileError("%s: a %s holds a JSON object, not %s"
                             % (name, what, type(data).__name__))
    return data


def require_keys(data, keys, name):
    """Raise ModelFileError naming the file unless the dict ``data`` has every key in ``keys``."""
    missing = [key for key in keys if key not in data]
    if missing:
        raise ModelFileError("%s: missing key%s %s" % (
            name, "s" if len(missing) > 1 else "", ", ".join(repr(k) for k in missing)))


def name_in(value, choices, key, what, name):
    """Return ``choices[value]`` for the name held under ``key``; ModelFileError if it is none.

    ``what`` says what the name is of ("cost", "network").  The message
    names the file, the key, what it held and the names expected, whatever
    the value is (a list or an object is not looked up: it is unhashable).
    """
    if isinstance(value, str) and value in choices:
        return choices[value]
    expected = ", ".join(sorted(choices))
    if isinstance(value, str):
        raise ModelFileError("%s: unknown %s %s in %r; expected one of %s"
                             % (name, what, short(value), key, expected))
    raise ModelFileError("%s: %r should be one of the names %s, not %s"
                         % (name, key, expected, kind(value)))


def number(value, where, name):
    """Return ``value`` as a float if it is a finite JSON number; ModelFileError otherwise.

    ``where`` says which entry it is ("weights[0][3][17]") and ``name`` the file.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelFileError("%s: %s should be a number, not %s" % (name, where, kind(value)))
    try:
        value = float(value)
    except OverflowError:
        raise ModelFileError("%s: %s is an integer too large for a float (more than 1.8e308)"
                             % (name, where)) from None
    if not math.isfinite(value):
        raise ModelFileError("%s: %s is not finite" % (name, where))
    return value


def vector(values, where, name, length=None, columns=False, claim="expected"):
    """Return the list ``values`` as a list of floats; ModelFileError if it is not one.

    With ``length``, the list must hold exactly that many numbers (the
    message says what the file holds and, in ``claim``, what says so).  With
    ``columns``, each entry may also be a one-element list, as numpy's
    column vectors are saved ([[b0], [b1], ...]).
    """
    if not isinstance(values, list):
        raise ModelFileError("%s: %s should be a list of numbers, not %s"
                             % (name, where, kind(values)))
    if length is not None and len(values) != length:
        raise ModelFileError("%s: %s holds %d numbers, but %s %d"
                             % (name, where, len(values), claim, length))
    out = []
    for j, v in enumerate(values):
        if columns and isinstance(v, list):
            if len(v) != 1:
                raise ModelFileError("%s: %s[%d] should be a number or a one-element list"
                                     % (name, where, j))
            v = v[0]
        out.append(number(v, "%s[%d]" % (where, j), name))
    return out


def matrix(rows, where, name, shape=None, claims=("it should have", "it should hold")):
    """Return ``rows`` as a list of equal-length lists of floats; ModelFileError otherwise.

    The number of rows and their length come from the file.  With
    ``shape`` (rows, columns) they must be exactly that, and ``claims``
    gives the two phrases that say where those numbers come from, for the
    message: "weights[0] holds 30 rows, but sizes [784, 100, 10] says
    layer 1 has 100".  Without ``shape`` every row must be as long as the
    first.  A row that is not a list, a short or a long row, and any entry
    that is not a finite number are each named.
    """
    if not isinstance(rows, list) or not rows:
        raise ModelFileError("%s: %s should be a non-empty list of rows, not %s"
                             % (name, where, kind(rows)))
    if shape is not None and len(rows) != shape[0]:
        raise ModelFileError("%s: %s holds %d rows, but %s %d"
                             % (name, where, len(rows), claims[0], shape[0]))
    width, claim = (shape[1], claims[1]) if shape is not None else (None, "the first row holds")
    out = []
    for j, row in enumerate(rows):
        if not isinstance(row, list):
            raise ModelFileError("%s: %s[%d] should be a list of numbers, not %s"
                                 % (name, where, j, kind(row)))
        if width is None:
            width = len(row)
        if len(row) != width:
            raise ModelFileError("%s: %s[%d] holds %d numbers, but %s %d"
                                 % (name, where, j, len(row), claim, width))
        out.append([number(v, "%s[%d][%d]" % (where, j, k), name) for k, v in enumerate(row)])
    return out


def tensor(values, where, name, depth=MAX_TENSOR_DEPTH):
    """Return nested lists of numbers of one even shape (a matrix, or a conv net's filters).

    The depth and every length come from the file: all the lists at one
    level must be as long as the first, and a matrix (two levels) is read
    by ``matrix``.  Lists nested more than ``depth`` deep are refused
    before anything is read, so the recursion is at most that deep.
    ModelFileError names the first entry out of place.
    """
    levels = len(nested_shape(values))
    if levels > depth:
        raise ModelFileError("%s: %s is nested %d lists deep; at most %d here (a parameter is "
                             "a matrix, or a conv layer's filters, FN x C x FH x FW)"
                             % (name, where, levels, depth))
    if levels > 2:
        parts = [tensor(part, "%s[%d]" % (where, i), name, depth - 1)
                 for i, part in enumerate(values)]
        first = nested_shape(parts[0])
        for i, part in enumerate(parts):
            if nested_shape(part) != first:
                raise ModelFileError("%s: %s[%d] is shaped %s, but %s[0] is %s"
                                     % (name, where, i, "x".join(map(str, nested_shape(part))),
                                        where, "x".join(map(str, first))))
        return parts
    return matrix(values, where, name)


def kind(value):
    """Return a short description of a JSON value for messages: "the string '1.0'", "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "the boolean %s" % ("true" if value else "false")
    if isinstance(value, str):
        return "the string %s" % short(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "%r" % (value,)


def short(text, limit=40):
    """Return ``repr(text)`` of a string from a file, cut to ``limit`` characters: "'abc'..."."""
    return repr(text[:limit]) + ("..." if len(text) > limit else "")


def write_json(filename, data, what="model"):
    """Write ``data`` to ``filename`` as JSON, atomically; return None.

    Raises ModelFileError naming the file, and writes nothing, if a number
    in it is NaN or infinite (a network that diverged): JSON has no such
    numbers, and a file holding them could not be read back.
    """
    try:
        text = json.dumps(data, allow_nan=False)
    except ValueError:
        raise ModelFileError("%s: not saved: the %s holds NaN or infinite numbers (the network "
                             "diverged; try a smaller learning rate)" % (filename, what)) from None
    atomic_write_text(filename, text)
