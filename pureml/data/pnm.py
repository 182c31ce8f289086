"""Read the Netpbm formats PBM, PGM and PPM, plain (ASCII) and raw (binary).

    P1  PBM bitmap, plain     P4  PBM bitmap, raw (8 pixels a byte, MSB first)
    P2  PGM graymap, plain    P5  PGM graymap, raw (1 or 2 bytes a sample)
    P3  PPM pixmap, plain     P6  PPM pixmap, raw

The rules are Netpbm's: the header is the magic number, the width, the
height and (except for PBM) the maxval, as decimal numbers separated by
whitespace (space, tab, CR, LF, VT, FF), with ``#`` comments running to the
end of the line.  In the raw formats exactly one whitespace character ends
the header; samples of 2 bytes (maxval 256 to 65535) are big-endian and
rows of a raw PBM are padded to a whole byte.  In a PBM, 1 is **black**.

Only the first image of a file is read; whatever follows it is ignored.
"""

import collections
import re
import sys
from array import array

from pureml.data.imagefile import read_source
from pureml.errors import ImageError

#: Largest image, in pixels, that ``read`` accepts (5000 x 5000).
MAX_PIXELS = 25000000

_WHITESPACE = b" \t\n\r\x0b\x0c"
_KINDS = {
    b"P1": ("plain PBM", 1, False), b"P2": ("plain PGM", 1, True),
    b"P3": ("plain PPM", 3, True), b"P4": ("raw PBM", 1, False),
    b"P5": ("raw PGM", 1, True), b"P6": ("raw PPM", 3, True),
}
_COMMENT = re.compile(rb"#[^\r\n]*")


PNMImage = collections.namedtuple("PNMImage", "width height mode maxval pixels magic")
PNMImage.__doc__ = """A decoded PBM, PGM or PPM image.

``pixels`` is a flat list of ints, row by row from the top, left to right;
``mode`` is ``"L"`` (one gray sample a pixel) or ``"RGB"`` (three samples
a pixel, interleaved), as in ``pureml.data.png.PNGImage``.  Samples run from 0
(black) to ``maxval`` (white).  Bitmaps (PBM) are turned the same way up:
their samples are 0 for a black pixel and 1 for a white one, with
``maxval`` 1, although the file itself stores 1 for black.  ``magic`` is
the file's magic number as a str, such as ``"P5"``.
"""


def read(source, name=None, max_pixels=MAX_PIXELS):
    """Decode a PBM, PGM or PPM file and return a ``PNMImage``.

    ``source`` is a path or the file's bytes; ``name`` is the name used in
    error messages (by default the path, or ``"<PNM data>"``).  Raises
    ``ImageError`` for anything that is not a valid image, and ``OSError``
    when the file cannot be read.
    """
    data, name = read_source(source, name, "<PNM data>")
    return decode(data, name, max_pixels)


def decode(data, name="<PNM data>", max_pixels=MAX_PIXELS):
    """Decode the bytes of a PBM, PGM or PPM file and return a ``PNMImage``."""
    magic = data[:2]
    if magic not in _KINDS:
        raise ImageError("%s: not a PBM/PGM/PPM file (it starts with %r; expected "
                       "one of P1 to P6)" % (name, magic))
    kind, channels, has_maxval = _KINDS[magic]
    fields = ("width", "height", "maxval") if has_maxval else ("width", "height")
    values, pos = _read_header(data, fields, name, kind)
    width, height = values[0], values[1]
    maxval = values[2] if has_maxval else 1
    for label, value in zip(fields, values):
        if value < 1:
            raise ImageError("%s: bad %s header: %s is %d, expected at least 1"
                           % (name, kind, label, value))
    if maxval > 65535:
        raise ImageError("%s: bad %s header: maxval is %d, expected 1 to 65535"
                       % (name, kind, maxval))
    if width * height > max_pixels:
        raise ImageError("%s: the image claims %d x %d = %d pixels, more than the "
                       "limit of %d; refusing to decode it"
                       % (name, width, height, width * height, max_pixels))
    count = width * height * channels
    if magic == b"P1":
        pixels = _plain_bits(data, pos, count, name)
    elif magic == b"P4":
        pixels = _raw_bits(data, pos, width, height, name)
    elif magic in (b"P2", b"P3"):
        pixels = _plain_samples(data, pos, count, maxval, name, kind)
    else:
        pixels = _raw_samples(data, pos, count, maxval, name, kind)
    mode = "RGB" if channels == 3 else "L"
    return PNMImage(width, height, mode, maxval, pixels, magic.decode("ascii"))


def _read_header(data, fields, name, kind):
    """Return ``(values, raster_start)`` after the header numbers ``fields``.

    Skips whitespace and comments before each number.  For the raw formats
    the single whitespace character after the last number (or the line end
    of a comment right after it) is consumed too.
    """
    pos, size = 2, len(data)
    values = []
    for label in fields:
        while pos < size:
            if data[pos] in _WHITESPACE:
                pos += 1
            elif data[pos] == 0x23:              # '#': skip to the end of line
                pos = _end_of_comment(data, pos)
            else:
                break
        start = pos
        while pos < size and 0x30 <= data[pos] <= 0x39:
            pos += 1
        if pos == start:
            if pos >= size:
                raise ImageError("%s: truncated %s header: the file ends before the %s"
                               % (name, kind, label))
            raise ImageError("%s: bad %s header: expected the %s (a decimal number), "
                           "found %r" % (name, kind, label, data[pos:pos + 10]))
        values.append(int(data[start:pos]))
    if pos >= size:
        raise ImageError("%s: truncated %s file: nothing after the header"
                       % (name, kind))
    if data[pos] == 0x23:
        pos = _end_of_comment(data, pos)
        if pos >= size:
            raise ImageError("%s: truncated %s file: nothing after the header"
                           % (name, kind))
    if data[pos] not in _WHITESPACE:
        raise ImageError("%s: bad %s header: expected whitespace after the %s, found "
                       "%r" % (name, kind, fields[-1], data[pos:pos + 10]))
    return values, pos + 1


def _end_of_comment(data, pos):
    """Return the index of the CR or LF ending the comment at ``pos`` (or the end)."""
    ends = [i for i in (data.find(b"\n", pos), data.find(b"\r", pos)) if i >= 0]
    return min(ends) if ends else len(data)


def _plain_bits(data, pos, count, name):
    """Return the first ``count`` pixels of a plain PBM raster, 0 black 1 white."""
    digits = b"".join(_COMMENT.sub(b"", data[pos:]).split())
    if len(digits) < count:
        raise ImageError("%s: truncated plain PBM raster: %d of %d pixels"
                       % (name, len(digits), count))
    digits = digits[:count]
    stray = digits.translate(None, b"01")
    if stray:
        raise ImageError("%s: bad plain PBM raster: %r is not 0 or 1"
                       % (name, stray[:1]))
    return list(digits.translate(_PBM_DIGIT))


_PBM_DIGIT = bytes.maketrans(b"01", b"\x01\x00")      # '1' is black: sample 0
_PBM_BITS = [bytes(1 - ((byte >> s) & 1) for s in range(7, -1, -1))
             for byte in range(256)]


def _raw_bits(data, pos, width, height, name):
    """Return the pixels of a raw PBM raster (rows padded to bytes), 0 black."""
    row_bytes = (width + 7) // 8
    raster = data[pos:pos + row_bytes * height]
    if len(raster) < row_bytes * height:
        raise ImageError("%s: truncated raw PBM raster: %d of %d bytes"
                       % (name, len(raster), row_bytes * height))
    bits = b"".join(map(_PBM_BITS.__getitem__, raster))
    step = row_bytes * 8
    if step != width:
        bits = b"".join(bits[i:i + width] for i in range(0, len(bits), step))
    return list(bits)


def _plain_samples(data, pos, count, maxval, name, kind):
    """Return the first ``count`` samples of a plain PGM/PPM raster."""
    tokens = _COMMENT.sub(b"", data[pos:]).split()
    if len(tokens) < count:
        raise ImageError("%s: truncated %s raster: %d of %d samples"
                       % (name, kind, len(tokens), count))
    tokens = tokens[:count]
    if not all(map(bytes.isdigit, tokens)):
        bad = next(t for t in tokens if not t.isdigit())
        raise ImageError("%s: bad %s raster: %r is not a decimal sample"
                       % (name, kind, bad[:20]))
    samples = list(map(int, tokens))
    _check_maxval(samples, maxval, name, kind)
    return samples


def _raw_samples(data, pos, count, maxval, name, kind):
    """Return ``count`` samples of a raw PGM/PPM raster (1 or 2 bytes each)."""
    size = 1 if maxval < 256 else 2
    raster = data[pos:pos + count * size]
    if len(raster) < count * size:
        raise ImageError("%s: truncated %s raster: %d of %d bytes"
                       % (name, kind, len(raster), count * size))
    if size == 1:
        samples = list(raster)
    else:
        words = array("H")
        words.frombytes(raster)
        if sys.byteorder == "little":
            words.byteswap()
        samples = words.tolist()
    _check_maxval(samples, maxval, name, kind)
    return samples


def _check_maxval(samples, maxval, name, kind):
    """Raise ``ImageError`` if any sample exceeds ``maxval``."""
    if samples and max(samples) > maxval:
        index = next(i for i, v in enumerate(samples) if v > maxval)
        raise ImageError("%s: bad %s raster: sample %d is %d, more than maxval %d"
                       % (name, kind, index, samples[index], maxval))
