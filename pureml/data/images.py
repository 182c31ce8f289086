"""The learner's own images: read them in gray, and prepare them like MNIST.

``read_gray(path)`` reads a PNG (``pureml.data.png``) or a PBM/PGM/PPM file
(``pureml.data.pnm``), chosen by the file's first bytes, never by its name, and
returns a ``GrayImage``: floats from 0 (black) to 1 (white).  Transparent
pixels are laid on a white background, like a drawing on paper, and
colours become gray by the ITU-R BT.601 luma weights
``0.299 R + 0.587 G + 0.114 B`` applied to the stored values (what most
image tools do for "grayscale").

``mnist_input(gray)`` turns such an image into the 784 inputs the network
expects, following the way the MNIST images were made:

1. ``to_ink``: MNIST is white ink on black.  The image is inverted when its
   background is light, the background being the median of the border
   pixels (the outermost rows and columns), light when above 0.5.
   ``stretch`` then maps that background level to 0 and the brightest ink
   to 1, so that gray paper and soft pencil in a photo still give a black
   background and full-strength ink.
2. ``crop`` to the bounding box of the pixels brighter than
   ``INK_THRESHOLD`` (0.2), which ignores faint noise.
3. ``scale`` so that the longer side is 20 pixels, keeping the aspect ratio.
   Shrinking averages the area each new pixel covers (a box filter, which
   gives the same soft edges as MNIST's anti-aliasing); growing
   interpolates bilinearly between pixel centres.  The ink is then
   stretched again so that its brightest pixel is 1, as in MNIST.
4. ``centre`` in a 28 x 28 field by the centre of mass: the image is moved
   by whole pixels so that the centre of mass, in 0-based column and row
   indices, lies within half a pixel of (14, 14), where it lies in the
   MNIST images.  Anything pushed outside the field is clipped.
"""

import collections
import math
import operator
import os
from itertools import repeat

from pureml.data import png, pnm
from pureml.data.imagefile import ImageError  # noqa: F401  (images.ImageError stays importable)

#: Pixels brighter than this, after ``to_ink``, count as ink for ``crop``.
INK_THRESHOLD = 0.2

#: The least difference between the background and the brightest ink, on the
#: 0..1 scale, for an image not to count as blank.
MIN_CONTRAST = 0.1

#: MNIST's digit box and field, in pixels.
DIGIT_BOX = 20
FIELD = 28

_PNG_MAGIC = b"\x89PNG"
_OTHER_FORMATS = (
    (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP"),
    (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"RIFF", "RIFF/WebP"),
    (b"P7", "PAM"),
)
_SUPPORTED = "PNG, PBM (P1, P4), PGM (P2, P5) and PPM (P3, P6)"


GrayImage = collections.namedtuple("GrayImage", "width height pixels name",
                                   defaults=(None,))
GrayImage.__doc__ = """A grayscale image.

``pixels`` is a flat list of ``width * height`` floats, row by row from the
top: pixel (x, y) is ``pixels[y * width + x]``.  In what ``read_gray``
returns, 0.0 is black and 1.0 white; after ``to_ink``, 0.0 is background
and 1.0 full ink.  ``name`` (optional) is the file it came from, used in
error messages.
"""


# ------------------------------------------------------------------ reading

def read_gray(path):
    """Read a PNG, PBM, PGM or PPM file and return it as a ``GrayImage``.

    The format is chosen by the file's first bytes.  Raises ``ImageError``
    (or its subclasses ``ImageError``, ``ImageError``) naming the file when it
    is not a supported image or is damaged, and ``OSError`` when it cannot
    be read.
    """
    name = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    return decode_gray(data, name)


def decode_gray(data, name="<image data>", max_pixels=None):
    """Decode the bytes of a PNG, PBM, PGM or PPM file into a ``GrayImage``.

    ``max_pixels`` lowers the decoders' limit (``png.MAX_PIXELS``,
    ``pnm.MAX_PIXELS``: an image claiming more fails before it is decoded).
    """
    limit = {} if max_pixels is None else {"max_pixels": max_pixels}
    if data[:4] == _PNG_MAGIC:
        image = png.decode(data, name, **limit)
    elif data[:1] == b"P" and data[1:2] in (b"1", b"2", b"3", b"4", b"5", b"6"):
        image = pnm.decode(data, name, **limit)
    else:
        raise ImageError("%s: %s; supported formats: %s"
                         % (name, _describe_unknown(data), _SUPPORTED))
    return GrayImage(image.width, image.height,
                     to_gray(image.mode, image.maxval, image.pixels), name)


def _describe_unknown(data):
    """Return a phrase saying what ``data`` is, since it is not a supported image."""
    if not data:
        return "the file is empty"
    for magic, label in _OTHER_FORMATS:
        if data.startswith(magic):
            return "this looks like a %s file, which is not supported (save it " \
                   "as PNG)" % label
    return "not a supported image format (it starts with %r)" % data[:8]


def to_gray(mode, maxval, samples):
    """Return a list of gray levels in [0, 1] from interleaved integer samples.

    ``mode`` is ``"L"``, ``"LA"``, ``"RGB"`` or ``"RGBA"`` and the samples
    run from 0 to ``maxval``, as in ``pureml.data.png.PNGImage``.  Colour becomes
    gray by ``(299 R + 587 G + 114 B) / 1000`` (BT.601 luma), and alpha is
    flattened onto white: ``gray * alpha + (1 - alpha)``.
    """
    channels = len(mode)
    if mode in ("L", "LA"):
        gray = list(map(operator.truediv, samples[0::channels], repeat(maxval)))
    elif mode in ("RGB", "RGBA"):
        weighted = map(operator.add,
                       map(operator.add, map((299).__mul__, samples[0::channels]),
                           map((587).__mul__, samples[1::channels])),
                       map((114).__mul__, samples[2::channels]))
        gray = list(map(operator.truediv, weighted, repeat(1000 * maxval)))
    else:
        raise ValueError("unknown image mode %r; expected L, LA, RGB or RGBA"
                         % (mode,))
    if mode.endswith("A"):
        alpha = map(operator.truediv, samples[channels - 1::channels], repeat(maxval))
        gray = [g * a + (1.0 - a) for g, a in zip(gray, alpha)]
    return gray


# ------------------------------------------------------------ preprocessing

def load_digit(path):
    """Read an image file and return the 784 MNIST-style inputs for it.

    Same as ``mnist_input(read_gray(path))``: a list of 784 floats in
    [0, 1], row by row, 0 for background and 1 for full ink.
    """
    return mnist_input(read_gray(path))


def mnist_input(gray):
    """Return the 784 MNIST-style inputs (floats in [0, 1]) for a ``GrayImage``.

    The steps, each its own function, are ``to_ink``, ``crop``, ``scale``
    and ``centre``; see the module's docstring.  The list is row by row,
    28 x 28, with 0 for background and 1 for ink.  Raises ``ImageError``
    when the image is blank.
    """
    ink = to_ink(gray)
    digit = scale(crop(ink), DIGIT_BOX)
    digit = stretch(digit, 0.0, max(digit.pixels))
    return centre(digit, FIELD).pixels


def to_ink(gray):
    """Return ``gray`` as ink on a black background, stretched to span [0, 1].

    The image is inverted when ``has_light_background``; then its background
    level (``border_level``) becomes 0 and its brightest pixel 1.  Raises
    ``ImageError`` when the two differ by less than ``MIN_CONTRAST``: the
    image is blank.
    """
    _check_image(gray)
    ink = invert(gray) if has_light_background(gray) else gray
    low, high = border_level(ink), max(ink.pixels)
    if high - low < MIN_CONTRAST:
        raise ImageError("%s: the image is blank: no ink stands out from the "
                         "background (contrast %.3f, at least %.3g needed)"
                         % (_label(gray), max(0.0, high - low), MIN_CONTRAST))
    return stretch(ink, low, high)


def invert(image):
    """Return a copy of ``image`` with every pixel ``v`` replaced by ``1 - v``."""
    return image._replace(pixels=list(map((1.0).__sub__, image.pixels)))


def border_pixels(image):
    """Return the pixels of the outermost rows and columns of ``image``, a list."""
    w, h, px = image.width, image.height, image.pixels
    return (px[:w] + px[(h - 1) * w:h * w]
            + px[w:(h - 1) * w:w] + px[2 * w - 1:(h - 1) * w:w])


def border_level(image):
    """Return the median of ``border_pixels(image)``: the background level."""
    border = sorted(border_pixels(image))
    middle = len(border) // 2
    if len(border) % 2:
        return border[middle]
    return (border[middle - 1] + border[middle]) / 2


def has_light_background(image):
    """Return True when the background (``border_level``) is above 0.5."""
    return border_level(image) > 0.5


def stretch(image, low, high):
    """Return a copy of ``image`` with ``low`` mapped to 0 and ``high`` to 1.

    Values in between scale linearly; values outside are clipped to [0, 1].
    When ``high <= low`` every pixel becomes 0.
    """
    span = high - low
    if span <= 0:
        return image._replace(pixels=[0.0] * len(image.pixels))
    pixels = [0.0 if v <= low else 1.0 if v >= high else (v - low) / span
              for v in image.pixels]
    return image._replace(pixels=pixels)


def crop(image, threshold=INK_THRESHOLD):
    """Return the part of ``image`` inside the bounding box of its ink.

    Ink is any pixel above ``threshold``.  Raises ``ImageError`` when there
    is none: the image is blank.
    """
    w, h, px = image.width, image.height, image.pixels
    rows = [y for y in range(h) if max(px[y * w:(y + 1) * w]) > threshold]
    if not rows:
        raise ImageError("%s: the image is blank: no pixel has ink above %g"
                         % (_label(image), threshold))
    top, bottom = rows[0], rows[-1]
    band = px[top * w:(bottom + 1) * w]
    cols = [x for x in range(w) if max(band[x::w]) > threshold]
    left, right = cols[0], cols[-1]
    pixels = []
    for y in range(top, bottom + 1):
        pixels.extend(px[y * w + left:y * w + right + 1])
    return image._replace(width=right - left + 1, height=bottom - top + 1,
                          pixels=pixels)


def fit_size(width, height, box=DIGIT_BOX):
    """Return ``(new_width, new_height)`` fitting ``box`` with the same aspect.

    The longer side becomes ``box``; the shorter is rounded, and at least 1.
    """
    longer = max(width, height)
    return (max(1, (width * box * 2 + longer) // (2 * longer)),
            max(1, (height * box * 2 + longer) // (2 * longer)))


def scale(image, box=DIGIT_BOX):
    """Return ``image`` resized so that its longer side is ``box`` pixels.

    The aspect ratio is kept (see ``fit_size``).  Each axis is resampled on
    its own: a box filter (area average) where it shrinks, bilinear
    interpolation between pixel centres where it grows.
    """
    new_w, new_h = fit_size(image.width, image.height, box)
    xs = _resample_weights(image.width, new_w)
    ys = _resample_weights(image.height, new_h)
    w = image.width
    rows = [_resample(image.pixels[y * w:(y + 1) * w], xs)
            for y in range(image.height)]
    columns = [_resample(column, ys) for column in zip(*rows)]
    pixels = [v for row in zip(*columns) for v in row]
    return image._replace(width=new_w, height=new_h, pixels=pixels)


def _resample_weights(size, new_size):
    """Return, for each new pixel, ``(first source index, [weights])``.

    Shrinking gives each source pixel the share of the new pixel's span that
    it covers (a box filter); growing interpolates linearly between the two
    nearest source pixel centres; an unchanged size copies.
    """
    if new_size == size:
        return [(i, [1.0]) for i in range(size)]
    if new_size < size:
        # Work in units of 1/new_size of a source pixel, so that the spans
        # are exact integers: new pixel j covers [j*size, (j+1)*size).
        weights = []
        for j in range(new_size):
            start, end = j * size, (j + 1) * size
            first, last = start // new_size, -(-end // new_size)
            shares = [(min(end, (i + 1) * new_size) - max(start, i * new_size)) / size
                      for i in range(first, last)]
            weights.append((first, shares))
        return weights
    weights = []
    for j in range(new_size):
        u = min(max((j + 0.5) * size / new_size - 0.5, 0.0), size - 1.0)
        first = int(u)
        if first >= size - 1:
            weights.append((size - 1, [1.0]))
        else:
            weights.append((first, [1.0 - (u - first), u - first]))
    return weights


def _resample(values, weights):
    """Return the weighted sums of ``values`` given by ``_resample_weights``."""
    mul = operator.mul
    return [sum(map(mul, values[first:first + len(shares)], shares))
            for first, shares in weights]


def centre_of_mass(image):
    """Return ``(x, y)``, the ink-weighted mean column and row of ``image``.

    Coordinates are 0-based pixel indices.  Raises ``ImageError`` when the
    image has no ink at all.
    """
    w, h, px = image.width, image.height, image.pixels
    total = sum(px)
    if total <= 0:
        raise ImageError("%s: the image is blank: it has no ink" % _label(image))
    x = sum(i * sum(px[i::w]) for i in range(w)) / total
    y = sum(j * sum(px[j * w:(j + 1) * w]) for j in range(h)) / total
    return x, y


def centre(image, size=FIELD):
    """Return a ``size`` x ``size`` ``GrayImage`` with ``image`` centred in it.

    The image is moved by whole pixels so that its centre of mass lands
    within half a pixel of (``size / 2``, ``size / 2``) in 0-based pixel
    indices; the rest of the field is 0, and whatever falls outside the
    field is clipped.
    """
    cx, cy = centre_of_mass(image)
    dx = math.floor(size / 2 - cx + 0.5)
    dy = math.floor(size / 2 - cy + 0.5)
    w, h, px = image.width, image.height, image.pixels
    field = [0.0] * (size * size)
    x0, x1 = max(0, -dx), min(w, size - dx)
    if x0 < x1:
        for y in range(max(0, -dy), min(h, size - dy)):
            start = (y + dy) * size + x0 + dx
            field[start:start + x1 - x0] = px[y * w + x0:y * w + x1]
    return GrayImage(size, size, field, image.name)


def _check_image(image):
    """Raise ``ImageError`` unless ``image`` has a size and that many pixels."""
    if image.width < 1 or image.height < 1 or \
            len(image.pixels) != image.width * image.height:
        raise ImageError("%s: a %d x %d image needs %d pixels, not %d"
                         % (_label(image), image.width, image.height,
                            image.width * image.height, len(image.pixels)))


def _label(image):
    """Return the name to use for ``image`` in error messages."""
    return getattr(image, "name", None) or "image"
