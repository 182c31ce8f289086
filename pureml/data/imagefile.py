"""What the image decoders share: their error and how they take in a file or its bytes.

``pureml.data.png`` and ``pureml.data.pnm`` decode; ``pureml.data.images`` chooses between
them and prepares a digit like MNIST's.  All three import from here, so
none imports another to reach these two names.
"""

import os
from pureml.errors import ImageError

__all__ = ["ImageError", "read_source"]


def read_source(source, name, default_name):
    """Return ``(data, name)``: the bytes of ``source`` and the name to use in messages.

    ``source`` is a path or the bytes themselves; ``name`` overrides the
    name, which is otherwise the path or ``default_name``.  A file that
    cannot be read raises ``OSError``.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or default_name
    with open(source, "rb") as f:
        return f.read(), name or os.fspath(source)
