"""Read PNG images with nothing but zlib and struct.

Every colour type and legal bit depth of the PNG specification is decoded:

    colour type 0  grayscale        bit depths 1, 2, 4, 8, 16
    colour type 2  RGB              bit depths 8, 16
    colour type 3  palette          bit depths 1, 2, 4, 8   (PLTE, optional tRNS)
    colour type 4  gray + alpha     bit depths 8, 16
    colour type 6  RGBA             bit depths 8, 16

with all five row filters (None, Sub, Up, Average, Paeth), Adam7
interlacing, and tRNS transparency for grayscale, RGB and palette images.

The file is checked as it is read: the signature, the CRC of every chunk,
the IHDR fields, the order of the critical chunks, the zlib stream and its
size, and the filter byte of every row.  Anything wrong raises ``ImageError``
with the file's name and the problem.  A header claiming more than
``MAX_PIXELS`` pixels is refused before anything is inflated, so a tiny
"decompression bomb" fails at once, and the inflater never produces more
bytes than the header implies.

Ancillary chunks (gAMA, sRGB, pHYs, text...) are checked but otherwise
ignored: the samples are returned as stored, without gamma correction.
"""

import collections
import itertools
import operator
import struct
import sys
import zlib
from array import array

from pureml.data.imagefile import read_source
from pureml.errors import ImageError

SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: Largest image, in pixels, that ``read`` accepts (5000 x 5000).  Pure
#: Python needs some seconds per million pixels, so larger images are
#: refused with a clear message rather than decoded for minutes.
MAX_PIXELS = 25000000

#: colour type -> (description, legal bit depths, samples per pixel)
COLOR_TYPES = {
    0: ("grayscale", (1, 2, 4, 8, 16), 1),
    2: ("RGB", (8, 16), 3),
    3: ("palette", (1, 2, 4, 8), 1),
    4: ("gray+alpha", (8, 16), 2),
    6: ("RGBA", (8, 16), 4),
}

#: The seven Adam7 passes: (first column, first row, column step, row step).
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))

_MAX_CHUNK_LENGTH = 2 ** 31 - 1
_FILTER_NAMES = ("None", "Sub", "Up", "Average", "Paeth")
_BYTE = (255).__and__          # x -> x & 255, callable from C by map()


PNGImage = collections.namedtuple(
    "PNGImage", "width height mode maxval pixels color_type bit_depth interlaced")
PNGImage.__doc__ = """A decoded PNG image.

``pixels`` is a flat list of ints, row by row from the top, left to right,
with the samples of each pixel interleaved: the sample ``c`` of pixel
(x, y) is ``pixels[(y * width + x) * len(mode) + c]``.

``mode`` names the samples: ``"L"`` (gray), ``"LA"`` (gray, alpha),
``"RGB"`` or ``"RGBA"``.  Samples run from 0 to ``maxval``, which is
``2 ** bit_depth - 1``: gray 1-bit images have samples 0 and 1, 16-bit
images run up to 65535.  Palette images are expanded to ``"RGB"`` with
``maxval`` 255, or ``"RGBA"`` when they have a tRNS chunk.  A tRNS chunk
on a grayscale or RGB image adds an alpha channel (``"LA"``, ``"RGBA"``)
that is 0 on the transparent colour and ``maxval`` elsewhere.

``color_type``, ``bit_depth`` and ``interlaced`` (a bool) are as stored
in the file's IHDR chunk.
"""

_Header = collections.namedtuple(
    "_Header", "width height bit_depth color_type interlaced channels")


def read(source, name=None, max_pixels=MAX_PIXELS):
    """Decode a PNG file and return a ``PNGImage``.

    ``source`` is a path or the file's bytes.  ``name`` is the name used in
    error messages (by default the path, or ``"<PNG data>"`` for bytes).
    Raises ``ImageError`` for anything that is not a valid PNG image, and
    ``OSError`` when the file cannot be read.
    """
    data, name = read_source(source, name, "<PNG data>")
    return decode(data, name, max_pixels)


def decode(data, name="<PNG data>", max_pixels=MAX_PIXELS):
    """Decode the bytes of a PNG file and return a ``PNGImage``.

    ``name`` is used in error messages.  Raises ``ImageError`` on any problem.
    """
    header, palette, trns, compressed = _read_chunks(data, name, max_pixels)
    passes = _passes(header)
    expected = sum(rows * (1 + stride) for _, _, _, _, _, rows, stride in passes)
    raw = _inflate(compressed, expected, header, name)
    samples = _decode_passes(raw, header, passes, name)
    mode, maxval, samples = _apply_color(samples, header, palette, trns, name)
    return PNGImage(header.width, header.height, mode, maxval, list(samples),
                    header.color_type, header.bit_depth, header.interlaced)


# ---------------------------------------------------------------- chunks

def _chunks(data, name):
    """Yield ``(type, body)`` for each chunk up to and including IEND.

    Checks the signature, each chunk's length, type and CRC, and that the
    file does not end before IEND.
    """
    if data[:8] != SIGNATURE:
        if len(data) < 8 and SIGNATURE.startswith(data):
            raise ImageError("%s: truncated: the file ends inside the PNG signature"
                           % name)
        raise ImageError("%s: not a PNG file (the first bytes are %r, a PNG starts "
                       "with %r)" % (name, data[:8], SIGNATURE))
    pos, size = 8, len(data)
    while True:
        if pos + 8 > size:
            raise ImageError("%s: truncated: the file ends at byte %d, before the "
                           "IEND chunk" % (name, size))
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        if not ctype.isalpha():
            raise ImageError("%s: bad chunk type %r at byte %d (the file is corrupt)"
                           % (name, ctype, pos))
        label = ctype.decode("ascii")
        if length > _MAX_CHUNK_LENGTH:
            raise ImageError("%s: chunk %s at byte %d claims %d bytes, more than the "
                           "PNG limit of 2**31-1" % (name, label, pos, length))
        end = pos + 12 + length
        if end > size:
            raise ImageError("%s: truncated: chunk %s at byte %d needs %d bytes but "
                           "the file ends at byte %d" % (name, label, pos, 12 + length,
                                                        size))
        body = data[pos + 8:end - 4]
        stored, = struct.unpack(">I", data[end - 4:end])
        computed = zlib.crc32(body, zlib.crc32(ctype)) & 0xFFFFFFFF
        if stored != computed:
            raise ImageError("%s: CRC error in chunk %s at byte %d (stored 0x%08x, "
                           "computed 0x%08x): the file is corrupt"
                           % (name, label, pos, stored, computed))
        yield label, body
        if label == "IEND":
            return
        pos = end


def _read_chunks(data, name, max_pixels):
    """Return ``(header, palette, trns, compressed)`` from the chunks of a PNG.

    ``palette`` is a list of ``(r, g, b)`` or None, ``trns`` the raw tRNS
    body or None, ``compressed`` the IDAT bodies joined together.
    """
    header = palette = trns = None
    idat = []
    idat_ended = False
    for label, body in _chunks(data, name):
        if header is None:
            if label != "IHDR":
                raise ImageError("%s: the first chunk is %s, but a PNG must start "
                               "with IHDR" % (name, label))
            header = _parse_ihdr(body, name, max_pixels)
        elif label == "IDAT":
            if idat_ended:
                raise ImageError("%s: IDAT chunks are not consecutive" % name)
            idat.append(body)
        else:
            idat_ended = bool(idat)
            if label == "IEND":
                break
            if label == "IHDR":
                raise ImageError("%s: a second IHDR chunk" % name)
            if label == "PLTE":
                if idat or palette is not None:
                    raise ImageError("%s: PLTE chunk after IDAT or repeated" % name)
                palette = _parse_plte(body, header, name)
            elif label == "tRNS":
                if idat or trns is not None:
                    raise ImageError("%s: tRNS chunk after IDAT or repeated" % name)
                trns = body
            elif label[0].isupper():
                raise ImageError("%s: unknown critical chunk %s; this decoder cannot "
                               "read the image" % (name, label))
    if not idat:
        raise ImageError("%s: no IDAT chunk: the file holds no image data" % name)
    if header.color_type == 3 and palette is None:
        raise ImageError("%s: a palette image (colour type 3) without a PLTE chunk"
                       % name)
    if trns is not None:
        _check_trns(trns, header, palette, name)
    return header, palette, trns, b"".join(idat)


def _parse_ihdr(body, name, max_pixels):
    """Return the ``_Header`` of an IHDR chunk body, after checking every field."""
    if len(body) != 13:
        raise ImageError("%s: IHDR chunk has %d bytes, expected 13" % (name, len(body)))
    width, height, depth, ctype, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", body)
    for label, value in (("width", width), ("height", height)):
        if not 1 <= value <= _MAX_CHUNK_LENGTH:
            raise ImageError("%s: bad IHDR: %s is %d, expected 1 to 2**31-1"
                           % (name, label, value))
    if ctype not in COLOR_TYPES:
        raise ImageError("%s: bad IHDR: colour type %d is not one of 0, 2, 3, 4, 6"
                       % (name, ctype))
    description, depths, channels = COLOR_TYPES[ctype]
    if depth not in depths:
        raise ImageError("%s: bad IHDR: bit depth %d is not allowed for colour type %d "
                       "(%s), which takes %s" % (name, depth, ctype, description,
                                                 ", ".join(map(str, depths))))
    if compression != 0:
        raise ImageError("%s: bad IHDR: compression method %d, only 0 (zlib) exists"
                       % (name, compression))
    if filtering != 0:
        raise ImageError("%s: bad IHDR: filter method %d, only 0 exists"
                       % (name, filtering))
    if interlace not in (0, 1):
        raise ImageError("%s: bad IHDR: interlace method %d, expected 0 (none) or "
                       "1 (Adam7)" % (name, interlace))
    if width * height > max_pixels:
        raise ImageError("%s: the image claims %d x %d = %d pixels, more than the "
                       "limit of %d; refusing to decode it (shrink the image first)"
                       % (name, width, height, width * height, max_pixels))
    return _Header(width, height, depth, ctype, bool(interlace), channels)


def _parse_plte(body, header, name):
    """Return the palette of a PLTE body as a list of ``(r, g, b)`` tuples."""
    if header.color_type in (0, 4):
        raise ImageError("%s: a PLTE chunk is not allowed in a grayscale image" % name)
    count, extra = divmod(len(body), 3)
    if extra or not 1 <= count <= 256:
        raise ImageError("%s: PLTE chunk of %d bytes, expected 3 to 768 bytes in "
                       "groups of 3" % (name, len(body)))
    if header.color_type == 3 and count > 1 << header.bit_depth:
        raise ImageError("%s: PLTE has %d entries, more than bit depth %d can index"
                       % (name, count, header.bit_depth))
    return [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]


def _check_trns(trns, header, palette, name):
    """Raise ``ImageError`` unless ``trns`` suits the image's colour type."""
    ctype = header.color_type
    if ctype in (4, 6):
        raise ImageError("%s: a tRNS chunk is not allowed in an image with an alpha "
                       "channel (colour type %d)" % (name, ctype))
    if ctype == 3:
        if len(trns) > len(palette):
            raise ImageError("%s: tRNS has %d entries but the palette only %d"
                           % (name, len(trns), len(palette)))
    elif len(trns) != (2 if ctype == 0 else 6):
        raise ImageError("%s: tRNS chunk of %d bytes, expected %d for colour type %d"
                       % (name, len(trns), 2 if ctype == 0 else 6, ctype))


# ------------------------------------------------------------ image data

def _passes(header):
    """Return the non-empty passes as ``(x0, y0, dx, dy, width, rows, stride)``.

    A plain image is one pass covering everything; an Adam7 image has up to
    seven.  ``stride`` is the number of bytes in one row, without its filter
    byte.
    """
    bits = header.bit_depth * header.channels
    layouts = ADAM7 if header.interlaced else ((0, 0, 1, 1),)
    passes = []
    for x0, y0, dx, dy in layouts:
        width = (header.width - x0 + dx - 1) // dx
        rows = (header.height - y0 + dy - 1) // dy
        if width > 0 and rows > 0:
            passes.append((x0, y0, dx, dy, width, rows, (width * bits + 7) // 8))
    return passes


def _inflate(compressed, expected, header, name):
    """Return the decompressed image data, which must be ``expected`` bytes.

    The inflater is never asked for more than ``expected + 1`` bytes, so a
    stream that would expand without bound costs nothing.  Short of that
    limit it consumes all its input, so a stream that is whole has ended.
    """
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, expected + 1)
    except zlib.error as error:
        raise ImageError("%s: corrupt compressed image data in IDAT (zlib: %s)"
                       % (name, error)) from None
    size = "%d x %d" % (header.width, header.height)
    if len(raw) > expected:
        raise ImageError("%s: the IDAT data holds more than the %d bytes a %s image "
                       "needs" % (name, expected, size))
    if len(raw) < expected:
        cause = "" if inflater.eof else " (the compressed stream is cut short)"
        raise ImageError("%s: truncated image data: IDAT holds %d bytes, a %s image "
                       "needs %d%s" % (name, len(raw), size, expected, cause))
    if not inflater.eof:
        raise ImageError("%s: truncated image data: the compressed stream has no end "
                       "(no final block or checksum)" % name)
    return raw


def _decode_passes(raw, header, passes, name):
    """Return the samples of the whole image, unfiltered and de-interlaced.

    The result is bytes for bit depths up to 8 and a list of ints for 16.
    """
    bpp = max(1, header.bit_depth * header.channels // 8)
    pos = 0
    if not header.interlaced:
        width, rows, stride = passes[0][4:]
        data, pos = _unfilter(raw, pos, rows, stride, bpp, name, "")
        return _to_samples(data, width, rows, stride, header)
    channels = header.channels
    full_row = header.width * channels
    image = _blank(full_row * header.height, header.bit_depth)
    for x0, y0, dx, dy, width, rows, stride in passes:
        where = " of Adam7 pass %d" % (ADAM7.index((x0, y0, dx, dy)) + 1)
        data, pos = _unfilter(raw, pos, rows, stride, bpp, name, where)
        samples = _to_samples(data, width, rows, stride, header)
        pass_row = width * channels
        for r in range(rows):
            start = (y0 + r * dy) * full_row
            row = samples[r * pass_row:(r + 1) * pass_row]
            for c in range(channels):
                image[start + x0 * channels + c:start + full_row:dx * channels] = \
                    row[c::channels]
    return bytes(image) if header.bit_depth <= 8 else image


def _unfilter(raw, pos, rows, stride, bpp, name, where):
    """Undo the row filters of ``rows`` rows starting at ``raw[pos]``.

    Returns ``(data, new_pos)`` where ``data`` holds the rows back to back
    without their filter bytes.  ``bpp`` is the filter's byte distance: bytes
    per complete pixel, at least 1.
    """
    prior = bytes(stride)
    out = []
    for y in range(rows):
        kind = raw[pos]
        line = raw[pos + 1:pos + 1 + stride]
        pos += 1 + stride
        if kind == 0:
            current = line
        elif kind == 1:
            current = _unfilter_sub(line, bpp)
        elif kind == 2:
            current = bytes(map(_BYTE, map(operator.add, line, prior)))
        elif kind == 3:
            current = _unfilter_average(line, prior, bpp)
        elif kind == 4:
            current = _unfilter_paeth(line, prior, bpp)
        else:
            raise ImageError("%s: bad filter type %d on row %d%s (the five PNG "
                           "filters are 0 to 4: %s)" % (name, kind, y, where,
                                                       ", ".join(_FILTER_NAMES)))
        out.append(current)
        prior = current
    return b"".join(out), pos


def _unfilter_sub(line, bpp):
    """Undo the Sub filter: each byte adds the byte ``bpp`` to its left."""
    if bpp == 1:
        return bytes(map(_BYTE, itertools.accumulate(line)))
    out = bytearray(len(line))
    for lane in range(bpp):
        out[lane::bpp] = bytes(map(_BYTE, itertools.accumulate(line[lane::bpp])))
    return bytes(out)


def _unfilter_average(line, prior, bpp):
    """Undo the Average filter: add the floor of the mean of left and above."""
    out = bytearray(len(line))
    for lane in range(bpp):
        left = 0
        values = bytearray()
        append = values.append
        for x, up in zip(line[lane::bpp], prior[lane::bpp]):
            left = (x + ((left + up) >> 1)) & 255
            append(left)
        out[lane::bpp] = values
    return bytes(out)


def _unfilter_paeth(line, prior, bpp):
    """Undo the Paeth filter: add whichever of left, above, upper-left is
    closest to left + above - upper-left (ties in that order)."""
    out = bytearray(len(line))
    for lane in range(bpp):
        a = c = 0                     # left and upper-left, already decoded
        values = bytearray()
        append = values.append
        for x, b in zip(line[lane::bpp], prior[lane::bpp]):
            pa = b - c                # p - a, where p = a + b - c
            pb = a - c                # p - b
            pc = pa + pb              # p - c
            if pa < 0:
                pa = -pa
            if pb < 0:
                pb = -pb
            if pc < 0:
                pc = -pc
            if pa <= pb and pa <= pc:
                a = (x + a) & 255
            elif pb <= pc:
                a = (x + b) & 255
            else:
                a = (x + c) & 255
            append(a)
            c = b
        out[lane::bpp] = values
    return bytes(out)


_UNPACK_TABLES = {}


def _unpack_table(depth):
    """Return a list mapping a byte to the bytes of its ``8 // depth`` samples."""
    table = _UNPACK_TABLES.get(depth)
    if table is None:
        mask = (1 << depth) - 1
        shifts = range(8 - depth, -1, -depth)
        table = [bytes((byte >> s) & mask for s in shifts) for byte in range(256)]
        _UNPACK_TABLES[depth] = table
    return table


def _to_samples(data, width, rows, stride, header):
    """Return the samples of unfiltered rows: bytes (depth <= 8) or a list."""
    depth = header.bit_depth
    if depth == 8:
        return data
    if depth == 16:
        samples = array("H")
        samples.frombytes(data)
        if sys.byteorder == "little":
            samples.byteswap()
        return samples.tolist()
    unpacked = b"".join(map(_unpack_table(depth).__getitem__, data))
    row_length = stride * (8 // depth)
    if row_length == width:
        return unpacked
    return b"".join(unpacked[i:i + width] for i in range(0, len(unpacked), row_length))


# --------------------------------------------------------------- colour

def _apply_color(samples, header, palette, trns, name):
    """Return ``(mode, maxval, samples)``: palettes expanded, tRNS as alpha."""
    ctype, depth = header.color_type, header.bit_depth
    maxval = (1 << depth) - 1
    if ctype == 3:
        return _expand_palette(samples, palette, trns, name)
    mode = {0: "L", 2: "RGB", 4: "LA", 6: "RGBA"}[ctype]
    if trns is None:
        return mode, maxval, samples
    if ctype == 0:
        key, = struct.unpack(">H", trns)
        alpha = [0 if v == key else maxval for v in samples]
        return "LA", maxval, _interleave([samples], alpha, depth)
    key = struct.unpack(">HHH", trns)
    planes = [samples[0::3], samples[1::3], samples[2::3]]
    alpha = [0 if rgb == key else maxval for rgb in zip(*planes)]
    return "RGBA", maxval, _interleave(planes, alpha, depth)


def _blank(count, depth):
    """Return ``count`` zero samples: a bytearray for depth <= 8, else a list."""
    return bytearray(count) if depth <= 8 else [0] * count


def _interleave(planes, alpha, depth):
    """Return the channels ``planes + [alpha]`` interleaved pixel by pixel."""
    channels = len(planes) + 1
    out = _blank(len(alpha) * channels, depth)
    for c, plane in enumerate(planes + [alpha]):
        out[c::channels] = plane
    return out


def _expand_palette(indices, palette, trns, name):
    """Return ``(mode, 255, samples)`` with each palette index replaced by its
    colour, plus alpha from ``trns`` when present."""
    top = max(indices)
    if top >= len(palette):
        raise ImageError("%s: a pixel uses palette index %d but PLTE has only %d "
                       "entries" % (name, top, len(palette)))
    if trns is None:
        entries = [bytes(rgb) for rgb in palette]
        mode = "RGB"
    else:
        alphas = list(trns) + [255] * (len(palette) - len(trns))
        entries = [bytes(rgb + (a,)) for rgb, a in zip(palette, alphas)]
        mode = "RGBA"
    return mode, 255, b"".join(map(entries.__getitem__, indices))
