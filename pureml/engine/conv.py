"""Convolution and max pooling over batches of images: the kernels of DLFS's chapter 7 layers.

The shapes are Deep Learning from Scratch's: a batch ``x`` is a list of
images, an image a list of channels, a channel a list of rows (the book's
N x C x H x W); a filter bank ``W`` is FN filters x C channels x FH rows x
FW columns, ``b`` one bias per filter.  A convolution's output is
N x FN x OH x OW, with OH = (H + 2 pad - FH) // stride + 1 (OW likewise):

    out[n][f][i][j] = b[f] + sum_{c,p,q} W[f][c][p][q] * x[n][c][i s + p][j s + q]

(x padded with ``pad`` zeros all round).  pureml.engine.reference holds
that definition as nested loops, and its gradients; the tests hold every
form here to it.  Two forms of the convolution and of its filters'
gradient, one chosen at import:

* **scatter** (PyPy, and CPython before 3.12): each nonzero input pixel
  adds its value times the filters' weights into the outputs it reaches;
  a zero adds nothing, and an MNIST image is 81% zeros, a ReLU layer about
  half.  The sums are kept position by position, a list of FN filters per
  output position, so that the innermost loop runs over the filters.
* **im2col** (CPython 3.12+): as the book's ``im2col``, each output
  position's receptive field is gathered in C (``operator.itemgetter``)
  and each output is one ``math.sumprod`` of a filter and a field.  The
  filters' gradient is the same sums the other way round, over only the
  outputs whose gradient is not zero.
"""

import operator
from itertools import chain, compress, repeat

from pureml.engine import sparse
from pureml.engine.vectors import PYPY, SUMPROD_IS_C, nested_shape, sumprod
from pureml.errors import ArgumentError

__all__ = ["check_images", "output_size", "convolve", "filter_gradient", "input_gradient", "max_pool",
           "max_pool_gradient", "VARIANTS"]


def output_size(size, filter_size, stride, pad):
    """Return the output length (OH or OW) along one side: (size + 2 pad - filter) // stride + 1.

    Raises ArgumentError if the filter does not fit in the padded image.

    >>> output_size(28, 5, 1, 0), output_size(24, 2, 2, 0), output_size(28, 3, 1, 1)
    (24, 12, 28)
    """
    if filter_size > size + 2 * pad:
        raise ArgumentError("a filter of %d does not fit in %d pixels with padding %d"
                            % (filter_size, size, pad))
    return (size + 2 * pad - filter_size) // stride + 1


def check_images(x, channels):
    """Raise ArgumentError unless x is a batch of images of ``channels`` channels, all one size."""
    if not x or not isinstance(x[0], list) or not x[0] or not isinstance(x[0][0], list):
        raise ArgumentError("a convolution's input must be a batch of images (channels of rows)")
    height, width = len(x[0][0]), len(x[0][0][0]) if x[0][0] else 0
    for n, image in enumerate(x):
        if len(image) != channels or any(
                len(channel) != height or any(len(row) != width for row in channel)
                for channel in image):
            raise ArgumentError("image %d of the batch is not %d channels of %d x %d, as the "
                                "filters and the first image say" % (n, channels, height, width))


def padded(channel, pad):
    """Return a channel (a list of rows) with ``pad`` zeros added all round."""
    if not pad:
        return channel
    width = len(channel[0]) + 2 * pad
    side = [0.0] * pad
    return ([[0.0] * width for _ in range(pad)] + [side + row + side for row in channel]
            + [[0.0] * width for _ in range(pad)])


def _by_position(W):
    """Return Wt[c][p * FW + q] = [W[f][c][p][q] for each filter f]: the filters, position by position."""
    fn, c_count, fh, fw = nested_shape(W)
    return [[[W[f][c][p][q] for f in range(fn)] for p in range(fh) for q in range(fw)]
            for c in range(c_count)]


def _to_positions(maps, oh, ow):
    """Return FN x OH x OW maps as position-major lists: out[i * OW + j] = [maps[f][i][j] ...]."""
    return [list(row) for i in range(oh) for row in zip(*(m[i] for m in maps))]


def _reached(index, filter_size, stride, pad, out_size):
    """Return [(k, o)]: each filter offset k at which input pixel ``index`` feeds output o."""
    reached = []
    for k in range(filter_size):
        o, rest = divmod(index + pad - k, stride)
        if not rest and 0 <= o < out_size:
            reached.append((k, o))
    return reached


# --- the convolution --------------------------------------------------------------

def convolve_scatter(x, W, b, stride, pad):
    """Return the convolution of the batch x with W, plus b, each nonzero pixel added where it reaches."""
    fn, c_count, fh, fw = nested_shape(W)
    check_images(x, c_count)
    by_position = _by_position(W)
    out = []
    for image in x:
        height, width = len(image[0]), len(image[0][0])
        oh, ow = output_size(height, fh, stride, pad), output_size(width, fw, stride, pad)
        rows_reached = [_reached(r, fh, stride, pad, oh) for r in range(height)]
        cols_reached = [_reached(s, fw, stride, pad, ow) for s in range(width)]
        acc = [list(b) for _ in range(oh * ow)]
        for c in range(c_count):
            weights = by_position[c]
            for r, row in enumerate(image[c]):
                for s in sparse.support(row):
                    v = row[s]
                    for p, i in rows_reached[r]:
                        for q, j in cols_reached[s]:
                            a, w = acc[i * ow + j], weights[p * fw + q]
                            for f in range(fn):
                                a[f] += w[f] * v
        out.append([[[acc[i * ow + j][f] for j in range(ow)] for i in range(oh)]
                    for f in range(fn)])
    return out


_GATHERERS = {}


def _fields(image, fh, fw, stride, pad):
    """Return (flat, gatherers): the image as one flat list, and a C gather per output position.

    ``gatherers[o](flat)`` is the tuple of the C * FH * FW inputs that output
    position o sees (the book's im2col row), in W[f]'s order.
    """
    channels = [padded(channel, pad) for channel in image]
    height, width = len(channels[0]), len(channels[0][0])
    flat = list(chain.from_iterable(chain.from_iterable(channels)))
    key = (len(channels), height, width, fh, fw, stride)
    gatherers = _GATHERERS.get(key)
    if gatherers is None:
        oh, ow = (height - fh) // stride + 1, (width - fw) // stride + 1
        gatherers = [operator.itemgetter(*[
            c * height * width + (i * stride + p) * width + j * stride + q
            for c in range(len(channels)) for p in range(fh) for q in range(fw)])
            for i in range(oh) for j in range(ow)]
        _GATHERERS[key] = gatherers
    return flat, gatherers


def convolve_im2col(x, W, b, stride, pad):
    """Return the convolution as one sumprod per output: filter times receptive field."""
    fn, c_count, fh, fw = nested_shape(W)
    check_images(x, c_count)
    filters = [list(chain.from_iterable(chain.from_iterable(wf))) for wf in W]
    out = []
    for image in x:
        oh = output_size(len(image[0]), fh, stride, pad)
        ow = output_size(len(image[0][0]), fw, stride, pad)
        flat, gatherers = _fields(image, fh, fw, stride, pad)
        fields = [gather(flat) for gather in gatherers]
        # A field of zeros (an MNIST border) gives the bias: its sumprods are skipped.
        inked = [o for o, field in enumerate(fields) if any(field)]
        inked_fields = [fields[o] for o in inked]
        maps = []
        for wf, bf in zip(filters, b):
            values = [bf] * len(fields)
            for o, v in zip(inked, map(sumprod, repeat(wf, len(inked_fields)), inked_fields)):
                values[o] = v + bf
            maps.append([values[i * ow:(i + 1) * ow] for i in range(oh)])
        out.append(maps)
    return out


# --- the filters' gradient: dW and db ------------------------------------------------

def filter_gradient_scatter(x, dout, filter_shape, stride, pad):
    """Return (dW, db): each nonzero input pixel adds into the weights it met, times their outputs' gradient."""
    fn, c_count, fh, fw = filter_shape
    dW_by_position = [[[0.0] * fn for _ in range(fh * fw)] for _ in range(c_count)]
    db = [0.0] * fn
    for image, d in zip(x, dout):
        height, width = len(image[0]), len(image[0][0])
        oh, ow = len(d[0]), len(d[0][0])
        g_at = _to_positions(d, oh, ow)
        for g in g_at:
            for f in range(fn):
                db[f] += g[f]
        rows_reached = [_reached(r, fh, stride, pad, oh) for r in range(height)]
        cols_reached = [_reached(s, fw, stride, pad, ow) for s in range(width)]
        for c in range(c_count):
            grads = dW_by_position[c]
            for r, row in enumerate(image[c]):
                for s in sparse.support(row):
                    v = row[s]
                    for p, i in rows_reached[r]:
                        for q, j in cols_reached[s]:
                            a, g = grads[p * fw + q], g_at[i * ow + j]
                            for f in range(fn):
                                a[f] += g[f] * v
    dW = [[[[dW_by_position[c][p * fw + q][f] for q in range(fw)] for p in range(fh)]
           for c in range(c_count)] for f in range(fn)]
    return dW, db


def filter_gradient_im2col(x, dout, filter_shape, stride, pad):
    """Return (dW, db): each weight's gradient one sumprod over the outputs whose gradient is not zero.

    Behind max pooling at most one output in each window has a gradient,
    and behind a ReLU fewer, so for each filter those outputs are found
    (compress, in C) and each weight's inputs gathered at just those.
    """
    fn, c_count, fh, fw = filter_shape
    dW_flat = [[0.0] * (c_count * fh * fw) for _ in range(fn)]
    db = [0.0] * fn
    for image, d in zip(x, dout):
        flat, gatherers = _fields(image, fh, fw, stride, pad)
        columns = None          # one tuple per weight: the inputs it met, output by output
        for f, maps in enumerate(d):
            g = list(chain.from_iterable(maps))
            support = tuple(compress(sparse.indices(len(g)), g))
            if not support:
                continue
            if columns is None:
                columns = list(zip(*[gather(flat) for gather in gatherers]))
            at_support = sparse.gatherer(support)
            g_support = at_support(g)
            db[f] += sum(g_support)
            dW_flat[f] = list(map(operator.add, dW_flat[f],
                                  map(sumprod, map(at_support, columns), repeat(g_support))))
    dW = [[[[row[(c * fh + p) * fw + q] for q in range(fw)] for p in range(fh)]
           for c in range(c_count)] for row in dW_flat]
    return dW, db


# --- the input's gradient: dx -----------------------------------------------------------

def input_gradient(dout, W, image_shape, stride, pad):
    """Return dx: each output's gradient sent back along each weight to the inputs it saw.

    ``image_shape`` is (C, H, W) of one input image.  For each output
    position and input offset, the FN filters' weights there meet the FN
    gradients in one sumprod.
    """
    fn, c_count, fh, fw = nested_shape(W)
    _c, height, width = image_shape
    weights = _by_position(W)
    dx = []
    for d in dout:
        oh, ow = len(d[0]), len(d[0][0])
        g_at = _to_positions(d, oh, ow)
        image = [[[0.0] * width for _ in range(height)] for _ in range(c_count)]
        for i in range(oh):
            for j in range(ow):
                g = g_at[i * ow + j]
                for c in range(c_count):
                    by_offset, channel = weights[c], image[c]
                    for p in range(fh):
                        r = i * stride + p - pad
                        if 0 <= r < height:
                            row = channel[r]
                            for q in range(fw):
                                s = j * stride + q - pad
                                if 0 <= s < width:
                                    row[s] += sumprod(by_offset[p * fw + q], g)
        dx.append(image)
    return dx


# --- max pooling -------------------------------------------------------------------------

_WINDOWS = {}


def _windows(height, width, pool_h, pool_w, stride, pad):
    """Return (OH, OW, windows, gathers): each output's flat indices into the padded channel, and their C gathers."""
    key = (height, width, pool_h, pool_w, stride, pad)
    made = _WINDOWS.get(key)
    if made is None:
        oh = output_size(height, pool_h, stride, pad)
        ow = output_size(width, pool_w, stride, pad)
        padded_width = width + 2 * pad
        windows = [[(i * stride + p) * padded_width + j * stride + q
                    for p in range(pool_h) for q in range(pool_w)]
                   for i in range(oh) for j in range(ow)]
        made = _WINDOWS[key] = (oh, ow, windows, [operator.itemgetter(*w) for w in windows])
    return made


def max_pool_loop(x, pool_h, pool_w, stride, pad):
    """Return (out, argmax): the max of each window, and where in the padded channel it was.

    Ties go to the first of the window's entries, row by row.
    """
    out, argmax = [], []
    for image in x:
        maps, where = [], []
        for channel in image:
            flat = list(chain.from_iterable(padded(channel, pad)))
            oh, ow, windows, _ = _windows(len(channel), len(channel[0]), pool_h, pool_w,
                                          stride, pad)
            values, places = [], []
            for window in windows:
                best = window[0]
                for k in window:
                    if flat[k] > flat[best]:
                        best = k
                values.append(flat[best])
                places.append(best)
            maps.append([values[i * ow:(i + 1) * ow] for i in range(oh)])
            where.append(places)
        out.append(maps)
        argmax.append(where)
    return out, argmax


def max_pool_2x2(x, pool_h, pool_w, stride, pad):
    """Return max_pool_loop's (out, argmax) for 2 x 2 windows at stride 2 and no padding, the
    common case, reading each window's four entries from the two rows in place."""
    if (pool_h, pool_w, stride, pad) != (2, 2, 2, 0):
        return max_pool_loop(x, pool_h, pool_w, stride, pad)
    out, argmax = [], []
    for image in x:
        maps, where = [], []
        for channel in image:
            width, rows, places = len(channel[0]), [], []
            for i in range(0, len(channel) - 1, 2):
                r0, r1, values = channel[i], channel[i + 1], []
                base0, base1 = i * width, (i + 1) * width
                for j in range(0, width - 1, 2):
                    best, at = r0[j], base0 + j             # the first of a tie wins
                    v = r0[j + 1]
                    if v > best:
                        best, at = v, base0 + j + 1
                    v = r1[j]
                    if v > best:
                        best, at = v, base1 + j
                    v = r1[j + 1]
                    if v > best:
                        best, at = v, base1 + j + 1
                    values.append(best)
                    places.append(at)
                rows.append(values)
            maps.append(rows)
            where.append(places)
        out.append(maps)
        argmax.append(where)
    return out, argmax


def max_pool_gather(x, pool_h, pool_w, stride, pad):
    """Return max_pool_loop's (out, argmax), each window gathered in C, its max by map(max) and
    its place by tuple.index (the first)."""
    out, argmax = [], []
    for image in x:
        maps, where = [], []
        for channel in image:
            flat = list(chain.from_iterable(padded(channel, pad)))
            oh, ow, windows, gathers = _windows(len(channel), len(channel[0]), pool_h, pool_w,
                                                stride, pad)
            seen = [gather(flat) for gather in gathers]
            values = list(map(max, seen))
            first = list(map(tuple.index, seen, values))
            maps.append([values[i * ow:(i + 1) * ow] for i in range(oh)])
            where.append(list(map(operator.getitem, windows, first)))
        out.append(maps)
        argmax.append(where)
    return out, argmax


def max_pool_gradient(dout, argmax, image_shape, pad):
    """Return dx for max pooling: each output's gradient goes to the place of its max.

    ``image_shape`` is (C, H, W) of one input image; overlapping windows
    add up.  The loop is over the outputs only.
    """
    _c, height, width = image_shape
    padded_width = width + 2 * pad
    dx = []
    for d, where in zip(dout, argmax):
        channels = []
        for maps, places in zip(d, where):
            flat = [0.0] * ((height + 2 * pad) * padded_width)
            for g, k in zip(chain.from_iterable(maps), places):
                flat[k] += g
            rows = [flat[r * padded_width:(r + 1) * padded_width]
                    for r in range(pad, pad + height)]
            channels.append([row[pad:pad + width] for row in rows] if pad else rows)
        dx.append(channels)
    return dx


# --- the choice, once ------------------------------------------------------------------

# math.sumprod makes im2col's dot products C loops (3.12+); elsewhere the
# scatter loops win: PyPy compiles them, and before 3.12 a sumprod would be
# sum(map(mul, ...)), no faster than a loop that skips zeros.
if SUMPROD_IS_C:
    convolve, filter_gradient = convolve_im2col, filter_gradient_im2col
else:
    convolve, filter_gradient = convolve_scatter, filter_gradient_scatter

# PyPy compiles loops that read the windows in place; CPython gathers each window faster in C.
max_pool = max_pool_2x2 if PYPY else max_pool_gather

#: Every form of each kernel, for the tests to hold to pureml.engine.reference.
VARIANTS = {
    "convolve": (convolve_scatter, convolve_im2col),
    "filter_gradient": (filter_gradient_scatter, filter_gradient_im2col),
    "input_gradient": (input_gradient,),
    "max_pool": (max_pool_loop, max_pool_2x2, max_pool_gather),
    "max_pool_gradient": (max_pool_gradient,),
}
