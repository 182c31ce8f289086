"""Nielsen's expand_mnist.py: more training images, made by displacing each by a pixel.

Chapter 6 of Neural Networks and Deep Learning expands MNIST's 50,000
training images to 250,000: each image is kept, and displaced by one pixel
down, up, right and left, the pixel row or column that moves in filled
with zeros (the book's ``np.roll`` followed by a row or column of
``np.zeros(28)``).  A digit moved by a pixel is still the same digit, so
the network learns that from the data; it took the book's convolutional
network from 99.06% to 99.37%.

The displacements work on both books' shapes of an image:

    shift(x, dy, dx)          a flat list of 784 pixels, row by row (Nielsen's)
    shift_image(x, dy, dx)    a list of channels of rows, 1 x 28 x 28 (DLFS's)

``dy`` moves the pixels down (up when negative) and ``dx`` right (left),
and each returns a new image of the same shape.  ``expand_data`` is the
book's script: the whole expanded set, five images for each one.

Held as lists of floats, the 250,000 images would take about 1.5 GB, so
training draws the displacements as it goes instead: ``displaced`` gives
the images of a mini-batch, each displaced by a random one of the
variants (the book's five, ``DISPLACEMENTS``, or any shift of up to n
pixels each way, ``displacements(n)``).  Each epoch then shows every
training image once, in one of its forms, and memory stays that of the
plain set.

    >>> shift([1, 2, 3,
    ...        4, 5, 6], 1, 0, width=3)
    [0.0, 0.0, 0.0, 1, 2, 3]
    >>> shift_image([[[1, 2], [3, 4]]], 0, -1)
    [[[2, 0.0], [4, 0.0]]]
"""

import numbers
from pureml.errors import ArgumentError

__all__ = ["DISPLACEMENTS", "displacements", "shift", "shift_image", "displace",
           "displaced", "expand_data", "ArgumentError"]

#: The book's five variants of each image, as (dy, dx), in expand_mnist.py's
#: order: the image itself, then displaced one pixel down, up, right and left.
DISPLACEMENTS = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))


def displacements(n):
    """Return every (dy, dx) with -n <= dy, dx <= n: the (2n + 1)^2 shifts of up to n pixels.

    >>> displacements(1)
    ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1))
    """
    n = _whole(n, "the largest shift n", minimum=0)
    return tuple((dy, dx) for dy in range(-n, n + 1) for dx in range(-n, n + 1))


def _whole(value, name, minimum=None):
    """Return value if it is an int (at least ``minimum``, when given); ArgumentError otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or \
            (minimum is not None and value < minimum):
        raise ArgumentError("%s must be a whole number%s, not %r"
                          % (name, "" if minimum is None else " of at least %d" % minimum,
                             value))
    return int(value)


def shift(x, dy, dx, width=28):
    """Return the flat image ``x`` (rows of ``width`` pixels) moved dy rows down, dx columns right.

    The pixels moved out of the image are lost and those moved in are 0.0,
    as the book's np.roll followed by a row or column of zeros.
    """
    dy, dx = _whole(dy, "dy"), _whole(dx, "dx")
    width = _whole(width, "width", minimum=1)
    if not isinstance(x, list) or not x or len(x) % width:
        raise ArgumentError("a flat image must be a list of rows of %d pixels, not %s"
                          % (width, "a list of %d numbers" % len(x) if isinstance(x, list)
                             else type(x).__name__))
    height = len(x) // width
    out = [0.0] * len(x)
    if abs(dx) >= width or abs(dy) >= height:
        return out
    for row in range(max(dy, 0), height + min(dy, 0)):       # the rows that receive pixels
        to, source = row * width, (row - dy) * width
        if dx >= 0:
            out[to + dx:to + width] = x[source:source + width - dx]
        else:
            out[to:to + width + dx] = x[source - dx:source + width]
    return out


def shift_image(image, dy, dx):
    """Return the image (channels of rows: C x H x W) moved dy rows down and dx columns right.

    Each channel is moved alike; the pixels moved in are 0.0.
    """
    dy, dx = _whole(dy, "dy"), _whole(dx, "dx")
    if not isinstance(image, list) or not image or \
            not all(isinstance(channel, list) and channel for channel in image):
        raise ArgumentError("an image must be a list of channels, each a list of rows (C x H x "
                          "W), not %r" % (type(image).__name__,))
    return [_shift_channel(channel, dy, dx) for channel in image]


def _shift_channel(channel, dy, dx):
    """Return one channel (a list of rows) moved dy rows down and dx columns right."""
    height, width = len(channel), len(channel[0]) if isinstance(channel[0], list) else 0
    if not width or any(not isinstance(row, list) or len(row) != width for row in channel):
        raise ArgumentError("a channel must be a list of rows of the same length (at least 1)")
    out = []
    for i in range(height):
        source = i - dy
        if not 0 <= source < height or abs(dx) >= width:
            out.append([0.0] * width)
        elif dx > 0:
            out.append([0.0] * dx + channel[source][:width - dx])
        elif dx < 0:
            out.append(channel[source][-dx:] + [0.0] * -dx)
        else:
            out.append(channel[source][:])
    return out


def displace(x, dy, dx):
    """Return ``x`` moved (dy, dx), whichever book's shape it has: shift_image or shift."""
    if isinstance(x, list) and x and isinstance(x[0], list):
        return shift_image(x, dy, dx)
    return shift(x, dy, dx)


def displaced(images, rng, variants=DISPLACEMENTS):
    """Return a new list of the images, each moved by a (dy, dx) that rng draws from variants.

    ``rng`` is a random.Random; ``variants`` a non-empty sequence of (dy,
    dx) pairs, the book's five by default.  An image is a flat list of 784
    pixels or a C x H x W image, as ``displace`` takes.  This is the
    expanded set drawn on the fly: over an epoch each image is shown once,
    as one of its variants, at random.
    """
    variants = _check_variants(variants)
    moved = []
    for x in images:
        dy, dx = variants[rng.randrange(len(variants))]
        moved.append(x if dy == dx == 0 else displace(x, dy, dx))
    return moved


def _check_variants(variants):
    """Return variants as a tuple of (dy, dx) int pairs; ArgumentError if it is not one."""
    try:
        variants = tuple((_whole(dy, "dy"), _whole(dx, "dx")) for dy, dx in variants)
    except (TypeError, ValueError):
        raise ArgumentError("variants must be (dy, dx) pairs of whole numbers, such as %r"
                          % (DISPLACEMENTS,)) from None
    if not variants:
        raise ArgumentError("variants must hold at least one (dy, dx) pair")
    return variants


def expand_data(training_data, variants=DISPLACEMENTS, rng=None):
    """Return the book's expanded training set: (images, labels) with every image in each variant.

    ``training_data`` is a pair (images, labels) as mnist.load_data gives
    it.  The result holds len(variants) images for each one, in
    expand_mnist.py's order: an image (variant (0, 0)) followed by its
    displacements; with ``rng`` (a random.Random) the pairs are shuffled
    afterwards, as the script does.  For 50,000 images that is 250,000
    lists: about 1.5 GB, which ``displaced`` avoids.
    """
    variants = _check_variants(variants)
    try:
        images, labels = training_data
    except (TypeError, ValueError):
        raise ArgumentError("training_data must be a pair (images, labels)") from None
    images, labels = list(images), list(labels)
    if len(images) != len(labels):
        raise ArgumentError("training_data holds %d images but %d labels; they must agree"
                          % (len(images), len(labels)))
    pairs = [(displace(x, dy, dx), y) for x, y in zip(images, labels) for dy, dx in variants]
    if rng is not None:
        rng.shuffle(pairs)
    return [x for x, _ in pairs], [y for _, y in pairs]
