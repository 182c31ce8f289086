"""The IDX file format of MNIST, read and written with struct and gzip.

An IDX file is a header followed by the values, all big-endian:

    byte 0, 1   zero
    byte 2      the type code of the values (UBYTE, BYTE, SHORT, INT,
                FLOAT or DOUBLE below)
    byte 3      the number of dimensions, n >= 1
    then        n unsigned 32-bit sizes, one per dimension
    then        the values in row-major order, product(sizes) of them

The files are often gzip-compressed.  ``read`` recognises gzip by its magic
bytes (1f 8b), never by the file's name, and inflates it as a stream: it
never inflates more than the header promises plus one byte, so a small
.gz that would inflate to gigabytes fails at once and in little memory.

Every malformed file raises ``DataFileError``, whose message names the file and
says what was wrong.  A missing or unreadable file raises the usual
``OSError``.
"""

import gzip
import io
import os
import struct
import zlib

from pureml.data.fileio import atomic_writer
from pureml.errors import DataFileError

UBYTE = 0x08
BYTE = 0x09
SHORT = 0x0B
INT = 0x0C
FLOAT = 0x0D
DOUBLE = 0x0E

# type code -> (name, struct format character, size in bytes, (min, max) or None)
_TYPES = {
    UBYTE: ("ubyte", "B", 1, (0, 255)),
    BYTE: ("byte", "b", 1, (-128, 127)),
    SHORT: ("short", "h", 2, (-2 ** 15, 2 ** 15 - 1)),
    INT: ("int", "i", 4, (-2 ** 31, 2 ** 31 - 1)),
    FLOAT: ("float", "f", 4, None),
    DOUBLE: ("double", "d", 8, None),
}

TYPE_NAMES = {code: spec[0] for code, spec in _TYPES.items()}

GZIP_MAGIC = b"\x1f\x8b"

# Deflate can expand at most 1032-fold (a 258-byte match coded in 2 bits),
# so a gzip file of n bytes never inflates to more than 1032 * n bytes.
_MAX_GZIP_RATIO = 1032

_BODY_CHUNK = 1 << 22      # bytes of values read (or inflated) at a time
_INPUT_CHUNK = 1 << 16     # compressed bytes read from the file at a time
_MAX_DIMENSIONS = 255      # the number of dimensions is a single byte


def _malformed(filename, reason):
    """Return the DataFileError "<filename>: <reason>", keeping ``filename`` and ``reason``."""
    error = DataFileError("%s: %s" % (filename, reason))
    error.filename, error.reason = filename, reason
    return error


def read(source):
    """Read an IDX file (plain or gzip) and return ``(shape, values)``.

    ``source`` is a path (str, bytes or os.PathLike) or a binary file
    object open for reading.  ``shape`` is a tuple of ints.  ``values`` is
    ``bytes`` for ubyte data, otherwise a flat row-major list: ints for the
    integer types, floats for float and double.  Raises ``DataFileError`` for a
    malformed file and ``OSError`` when the file cannot be opened.
    """
    _type_code, shape, values = read_with_type(source)
    return shape, values


def read_with_type(source):
    """Read an IDX file like ``read``; return ``(type_code, shape, values)``."""
    if isinstance(source, (str, bytes, os.PathLike)):
        with open(source, "rb") as raw:
            return _read_stream(raw, os.fsdecode(source))
    if not hasattr(source, "read"):
        raise TypeError("read() needs a path or a binary file object, not %s"
                        % type(source).__name__)
    return _read_stream(source, _describe(source))


def write(path, shape, values, type_code=UBYTE, compress=None):
    """Write ``values`` with the given ``shape`` as an IDX file at ``path``.

    ``values`` is a flat row-major sequence of product(shape) numbers (for
    ubyte, ``bytes`` will do).  ``compress=None`` gzips when the path ends
    in ``.gz``; True or False forces the choice.  The file is written
    atomically: a reader sees the old file or the whole new one.  Raises
    ``ValueError`` when the shape is not 1 to 255 sizes, the number of
    values does not match it, or a value does not fit the type.  Returns
    None.
    """
    shape = _check_shape(shape)
    body = _encode(values, type_code, _product(shape))
    header = struct.pack(">BBBB%dI" % len(shape), 0, 0, type_code, len(shape), *shape)
    name = os.fsdecode(os.path.basename(os.fspath(path)))
    if compress is None:
        compress = name.endswith(".gz")
    with atomic_writer(path, "wb") as out:
        if compress:
            # mtime=0 makes the output depend on the contents only.
            with gzip.GzipFile(filename=name, mode="wb", fileobj=out, mtime=0) as packed:
                packed.write(header)
                packed.write(body)
        else:
            out.write(header)
            out.write(body)


# ---------------------------------------------------------------- reading

def _describe(fileobj):
    """Return how error messages name a file object: repr of its name, or "<bytes>"."""
    name = getattr(fileobj, "name", None)
    return "<bytes>" if name is None else repr(name)


def _read_stream(raw, filename):
    """Parse the IDX data in the binary file ``raw``; return (type_code, shape, values)."""
    start = raw.read(2)
    if not start:
        raise _malformed(filename, "the file is empty")
    left = _bytes_left(raw)
    file_size = None if left is None else left + len(start)
    compressed = start == GZIP_MAGIC
    if compressed:
        stream = _GzipStream(raw, start, filename)
    else:
        stream = _PlainStream(raw, start)
    type_code, shape = _read_header(stream, filename)
    if file_size is not None:
        _check_claim(filename, type_code, shape, file_size, compressed)
    body_size = _product(shape) * _TYPES[type_code][2]
    body = _read_body(stream, body_size, filename, type_code, shape)
    if stream.read(1):
        raise _malformed(filename, "trailing bytes after the %d bytes of data that "
                       "shape %s needs" % (body_size, _shape_text(shape)))
    return type_code, shape, _decode(body, type_code)


def _check_claim(filename, type_code, shape, file_size, compressed):
    """Raise DataFileError if a file of ``file_size`` bytes cannot hold what its header claims.

    This runs before any of the data is read, so that a small file claiming
    a huge shape fails at once instead of after a large allocation.
    """
    header_size = 4 + 4 * len(shape)
    body_size = _product(shape) * _TYPES[type_code][2]
    if compressed and header_size + body_size > file_size * _MAX_GZIP_RATIO:
        raise _malformed(filename, "the header claims shape %s of %s, %d bytes of data, more "
                       "than a gzip file of %d bytes can inflate to"
                       % (_shape_text(shape), TYPE_NAMES[type_code], body_size, file_size))
    if not compressed and header_size + body_size > file_size:
        raise _malformed(filename, _truncated(type_code, shape, file_size - header_size))


def _truncated(type_code, shape, held):
    """Return the reason for a file holding only ``held`` bytes of the data."""
    return ("the data is truncated: shape %s of %s needs %d bytes after the header, "
            "the file holds %d" % (_shape_text(shape), TYPE_NAMES[type_code],
                                   _product(shape) * _TYPES[type_code][2], held))


def _bytes_left(raw):
    """Return how many bytes remain in ``raw`` after its position, or None if unknown.

    Only plain files and BytesIO are asked: for other file objects (a
    GzipFile, say) positions need not count the bytes underneath.
    """
    if not isinstance(raw, (io.BytesIO, io.BufferedReader, io.BufferedRandom, io.FileIO)):
        return None
    try:
        if not raw.seekable():
            return None
        here = raw.tell()
        end = raw.seek(0, io.SEEK_END)
        raw.seek(here)
    except (OSError, ValueError):
        return None
    return max(end - here, 0)


def _read_header(stream, filename):
    """Read and check the magic number and sizes; return (type_code, shape)."""
    magic = stream.read(4)
    if not magic:
        raise _malformed(filename, "the gzip stream inflates to nothing; an IDX file "
                       "needs at least a header")
    if len(magic) < 4:
        raise _malformed(filename, "the file ends inside the 4-byte magic number "
                       "(it holds %d bytes)" % len(magic))
    zero1, zero2, type_code, ndim = magic
    if zero1 or zero2:
        raise _malformed(filename, "bad magic number 0x%s: an IDX file starts with two "
                       "zero bytes, a type code and the number of dimensions"
                       % magic.hex())
    if type_code not in _TYPES:
        raise _malformed(filename, "unknown type code 0x%02x; expected one of %s"
                       % (type_code, ", ".join("0x%02x (%s)" % (code, name)
                                              for code, name in TYPE_NAMES.items())))
    if ndim == 0:
        raise _malformed(filename, "the header declares zero dimensions; an IDX file "
                       "needs at least one")
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise _malformed(filename, "the header ends early: it declares %d dimensions but "
                       "holds %d of the %d bytes of their sizes"
                       % (ndim, len(sizes), 4 * ndim))
    return type_code, struct.unpack(">%dI" % ndim, sizes)


def _read_body(stream, size, filename, type_code, shape):
    """Read exactly ``size`` bytes of values, in chunks; return them as bytes."""
    chunks = []
    remaining = size
    while remaining:
        chunk = stream.read(min(remaining, _BODY_CHUNK))
        if not chunk:
            raise _malformed(filename, _truncated(type_code, shape, size - remaining))
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _decode(body, type_code):
    """Turn the raw big-endian bytes into bytes (ubyte) or a list of numbers."""
    if type_code == UBYTE:
        return body
    char, size = _TYPES[type_code][1:3]
    return list(struct.unpack(">%d%s" % (len(body) // size, char), body))


class _PlainStream:
    """An uncompressed file, with the bytes already read from it put back in front."""

    def __init__(self, raw, prefix):
        self._raw = raw
        self._prefix = prefix

    def read(self, size):
        """Return the next ``size`` bytes, or fewer only at the end of the file."""
        pieces = []
        if self._prefix:
            pieces.append(self._prefix[:size])
            self._prefix = self._prefix[size:]
            size -= len(pieces[0])
        while size > 0:
            piece = self._raw.read(size)
            if not piece:
                break
            pieces.append(piece)
            size -= len(piece)
        return b"".join(pieces)


class _GzipStream:
    """A gzip file inflated on demand, never further than the caller asks.

    Consecutive gzip members (as made by ``cat a.gz b.gz``) read as one
    stream, as with the gzip tool.  A corrupt, truncated or CRC-failing
    stream raises ``DataFileError``.
    """

    def __init__(self, raw, prefix, filename):
        self._raw = raw
        self._input = prefix
        self._filename = filename
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def read(self, size):
        """Return the next ``size`` inflated bytes, or fewer only at the end."""
        pieces = []
        while size > 0:
            if self._inflater.eof and not self._next_member():
                break
            data = self._input or self._raw.read(_INPUT_CHUNK)
            try:
                piece = self._inflater.decompress(data, size)
            except zlib.error as exc:
                raise _malformed(self._filename, "corrupt gzip stream (%s)" % exc) from None
            if self._inflater.eof:
                self._input = self._inflater.unused_data
            else:
                self._input = self._inflater.unconsumed_tail
            if piece:
                pieces.append(piece)
                size -= len(piece)
            elif not data and not self._inflater.eof:
                raise _malformed(self._filename, "the gzip stream is truncated: the file "
                               "ends before the end of the compressed data")
        return b"".join(pieces)

    def _next_member(self):
        """Start inflating the next gzip member; return False at the end of the file."""
        self._input = self._input or self._raw.read(_INPUT_CHUNK)
        if not self._input:
            return False
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return True


# ---------------------------------------------------------------- writing

def _check_shape(shape):
    """Return ``shape`` as a tuple of ints, or raise ValueError saying what is wrong."""
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError("shape must be a sequence of sizes, not %r" % (shape,)) from None
    if not 1 <= len(shape) <= _MAX_DIMENSIONS:
        raise ValueError("shape must have 1 to %d sizes, not %d"
                         % (_MAX_DIMENSIONS, len(shape)))
    for size in shape:
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size < 2 ** 32:
            raise ValueError("every size in shape %r must be an int from 0 to 2**32-1, "
                             "not %r" % (shape, size))
    return shape


def _encode(values, type_code, count):
    """Return ``values`` as big-endian bytes of ``type_code``; ValueError if they do not fit."""
    if type_code not in _TYPES:
        raise ValueError("unknown type code %r; expected one of %s"
                         % (type_code, ", ".join("0x%02x (%s)" % item
                                                for item in TYPE_NAMES.items())))
    if not isinstance(values, (bytes, bytearray)):
        values = list(values)
    if len(values) != count:
        raise ValueError("the shape needs %d values, but %d were given" % (count, len(values)))
    if type_code == UBYTE and isinstance(values, (bytes, bytearray)):
        return bytes(values)
    char = _TYPES[type_code][1]
    try:
        return struct.pack(">%d%s" % (count, char), *values)
    except (struct.error, OverflowError, TypeError):
        raise _bad_value(values, type_code) from None


def _bad_value(values, type_code):
    """Return a ValueError naming the first value that does not fit ``type_code``."""
    name, char, _size, bounds = _TYPES[type_code]
    expected = ("an int from %d to %d" % bounds if bounds
                else "a number within the range of a %s" % name)
    for index, value in enumerate(values):
        try:
            struct.pack(">" + char, value)
        except (struct.error, OverflowError, TypeError):
            return ValueError("values[%d] = %r does not fit type %s: expected %s "
                              "(values must be a flat, row-major sequence)"
                              % (index, value, name, expected))
    return ValueError("values do not fit type %s: expected %s" % (name, expected))


def _product(shape):
    """Return the number of values a shape holds."""
    count = 1
    for size in shape:
        count *= size
    return count


def _shape_text(shape):
    """Return a shape written as 60000x28x28."""
    return "x".join(str(size) for size in shape)
