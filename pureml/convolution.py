"""Convolution and max pooling over batches of images, fast, in pure Python.

This is pureml.matrix's companion for images.  The shapes are Deep Learning
from Scratch's: a batch ``x`` is a list of images, an image a list of
channels, a channel a list of rows (the book's N x C x H x W); a filter
bank ``W`` is FN filters x C channels x FH rows x FW columns, ``b`` one
bias per filter.  The output of a convolution is N x FN x OH x OW, with
OH = (H + 2 pad - FH) // stride + 1 (and OW likewise).

Each kernel has a plain form, the nested loops of its definition, which
the tests hold the others to:

    out[n][f][i][j] = b[f] + sum_{c,p,q} W[f][c][p][q] * x[n][c][i s + p][j s + q]

(x padded with ``pad`` zeros all round), and fast forms chosen once, at
import, for the interpreter, as pureml.matrix chooses its kernels:

* **scatter** (PyPy, and CPython before 3.12): each nonzero input pixel
  adds its value times the filters' weights to the outputs it reaches.
  An MNIST image is 81% zeros and a ReLU layer about half, and a zero adds
  nothing, so this does a quarter of the definition's work on MNIST.  The
  sums are kept position by position, one list of FN filters per output
  position, so that the innermost loop runs over the filters (20 or 30
  long), which PyPy's JIT compiles well; they are rearranged into the
  book's shape at the end.
* **im2col** (CPython 3.12+): as the book's ``im2col``, each output
  position's receptive field is gathered in C (``operator.itemgetter``)
  into a tuple, and each output is one ``math.sumprod`` of a filter and a
  field: a C loop that makes no float object per term.  The weights'
  gradient is the same sums the other way round, one sumprod for each
  weight over the outputs whose gradient is not zero (behind max pooling
  and a ReLU, a fifth of them).

``collector_paused()`` is a ``with`` block in which CPython's cyclic
garbage collector does not run (see below); SimpleConvNet and network3's
Network run each batch inside one.

``use(name)`` switches this module's kernels ("plain", "scatter", "im2col"
or "fast") for a ``with`` block, as ``matrix.use`` does.
"""

import contextlib
import gc
import operator
import threading
from itertools import chain, compress, repeat

from pureml import matrix, sparse
from pureml.errors import ArgumentError

__all__ = ["conv_forward", "conv_backward", "pool_forward", "pool_backward",
           "collector_paused", "output_size", "use", "KERNELS", "kernels", "ArgumentError"]


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


def _padded(channel, pad):
    """Return a channel (a list of rows) with ``pad`` zeros added all round."""
    if not pad:
        return channel
    width = len(channel[0]) + 2 * pad
    blank = [0.0] * width
    side = [0.0] * pad
    return ([list(blank) for _ in range(pad)] + [side + row + side for row in channel]
            + [list(blank) for _ in range(pad)])


def _shape(W):
    """Return (FN, C, FH, FW) of a filter bank."""
    return matrix.nested_shape(W)


def _output_shape(image, W, stride, pad):
    """Return (OH, OW) for one image (C x H x W) and a filter bank."""
    _fn, _c, fh, fw = _shape(W)
    return (output_size(len(image[0]), fh, stride, pad),
            output_size(len(image[0][0]), fw, stride, pad))


def _by_position(W):
    """Return Wt[c][p * FW + q] = [W[f][c][p][q] for each filter f]: the filters, position by position."""
    fn, c_count, fh, fw = _shape(W)
    return [[[W[f][c][p][q] for f in range(fn)] for p in range(fh) for q in range(fw)]
            for c in range(c_count)]


def _to_maps(acc, fn, oh, ow):
    """Return position-major sums acc[i * OW + j][f] as the book's FN x OH x OW maps."""
    return [[[acc[i * ow + j][f] for j in range(ow)] for i in range(oh)] for f in range(fn)]


def _to_positions(maps, oh, ow):
    """Return FN x OH x OW maps as position-major lists: out[i * OW + j] = [maps[f][i][j] ...]."""
    rows = [row for i in range(oh) for row in zip(*(m[i] for m in maps))]
    return [list(r) for r in rows]


# ---------------------------------------------------------------------------
# The convolution's forward pass


def _conv_forward_plain(x, W, b, stride, pad):
    """Return the convolution of the batch x with W, plus b: the plain form (its definition)."""
    fn, c_count, fh, fw = _shape(W)
    out = []
    for image in x:
        xp = [_padded(channel, pad) for channel in image]
        oh, ow = _output_shape(image, W, stride, pad)
        maps = []
        for f in range(fn):
            rows = []
            for i in range(oh):
                row = []
                for j in range(ow):
                    total = b[f]
                    for c in range(c_count):
                        for p in range(fh):
                            for q in range(fw):
                                total += W[f][c][p][q] * xp[c][i * stride + p][j * stride + q]
                    row.append(total)
                rows.append(row)
            maps.append(rows)
        out.append(maps)
    return out


def _reached(index, size, filter_size, stride, pad, out_size):
    """Return [(k, o)]: each filter offset k at which input pixel ``index`` feeds output o."""
    reached = []
    for k in range(filter_size):
        o, rest = divmod(index + pad - k, stride)
        if not rest and 0 <= o < out_size:
            reached.append((k, o))
    return reached


def _conv_forward_scatter(x, W, b, stride, pad):
    """Return the convolution, adding each nonzero input pixel into the outputs it reaches."""
    fn, c_count, fh, fw = _shape(W)
    by_position = _by_position(W)
    out = []
    for image in x:
        height, width = len(image[0]), len(image[0][0])
        oh, ow = _output_shape(image, W, stride, pad)
        rows_reached = [_reached(r, height, fh, stride, pad, oh) for r in range(height)]
        cols_reached = [_reached(s, width, fw, stride, pad, ow) for s in range(width)]
        acc = [list(b) for _ in range(oh * ow)]
        for c in range(c_count):
            weights = by_position[c]
            for r, row in enumerate(image[c]):
                for s in _support(row):
                    v = row[s]
                    for p, i in rows_reached[r]:
                        for q, j in cols_reached[s]:
                            a, w = acc[i * ow + j], weights[p * fw + q]
                            for f in range(fn):
                                a[f] += w[f] * v
        out.append(_to_maps(acc, fn, oh, ow))
    return out


def _fields(image, fh, fw, stride, pad):
    """Return (flat, gatherers): the image as one flat list, and a C gather per output position.

    ``gatherers[o](flat)`` is the tuple of the C * FH * FW inputs that output
    position o sees (the book's im2col row), in W[f]'s order.
    """
    channels = [_padded(channel, pad) for channel in image]
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


_GATHERERS = {}


def _conv_forward_im2col(x, W, b, stride, pad):
    """Return the convolution as one sumprod per output: filter times receptive field."""
    fn, _c, fh, fw = _shape(W)
    filters = [list(chain.from_iterable(chain.from_iterable(wf))) for wf in W]
    sumprod = matrix.sumprod
    out = []
    for image in x:
        oh, ow = _output_shape(image, W, stride, pad)
        flat, gatherers = _fields(image, fh, fw, stride, pad)
        fields = [gather(flat) for gather in gatherers]
        # A field of zeros (an MNIST border) gives 0: its sumprods are skipped.
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


# ---------------------------------------------------------------------------
# The convolution's backward pass: dW, db and (when needed) dx


def _conv_backward_plain(x, W, dout, stride, pad, need_dx):
    """Return (dx or None, dW, db) for the convolution: the plain form (its definition)."""
    fn, c_count, fh, fw = _shape(W)
    dW = [[[[0.0] * fw for _ in range(fh)] for _ in range(c_count)] for _ in range(fn)]
    db = [0.0] * fn
    dx = [] if need_dx else None
    for image, d in zip(x, dout):
        xp = [_padded(channel, pad) for channel in image]
        oh, ow = len(d[0]), len(d[0][0])
        dxp = [[[0.0] * len(xp[0][0]) for _ in xp[0]] for _ in xp] if need_dx else None
        for f in range(fn):
            for i in range(oh):
                for j in range(ow):
                    g = d[f][i][j]
                    db[f] += g
                    for c in range(c_count):
                        for p in range(fh):
                            for q in range(fw):
                                dW[f][c][p][q] += g * xp[c][i * stride + p][j * stride + q]
                                if need_dx:
                                    dxp[c][i * stride + p][j * stride + q] += g * W[f][c][p][q]
        if need_dx:
            dx.append([[row[pad:len(row) - pad] for row in channel[pad:len(channel) - pad]]
                       for channel in dxp])
    return dx, dW, db


def _conv_dx_positions(weights, g_at, c_count, height, width, fh, fw, stride, pad, oh, ow):
    """Return dx for one image: each output's gradient sent back along each weight (see scatter)."""
    dx = [[[0.0] * width for _ in range(height)] for _ in range(c_count)]
    for i in range(oh):
        for j in range(ow):
            g = g_at[i * ow + j]
            for c in range(c_count):
                by_offset, channel = weights[c], dx[c]
                for p in range(fh):
                    r = i * stride + p - pad
                    if 0 <= r < height:
                        row = channel[r]
                        for q in range(fw):
                            s = j * stride + q - pad
                            if 0 <= s < width:
                                row[s] += matrix.sumprod(by_offset[p * fw + q], g)
    return dx


def _conv_backward_scatter(x, W, dout, stride, pad, need_dx):
    """Return (dx or None, dW, db), each nonzero input pixel adding into the weights it met."""
    fn, c_count, fh, fw = _shape(W)
    by_position = _by_position(W) if need_dx else None
    dW_by_position = [[[0.0] * fn for _ in range(fh * fw)] for _ in range(c_count)]
    db = [0.0] * fn
    dx = [] if need_dx else None
    for image, d in zip(x, dout):
        height, width = len(image[0]), len(image[0][0])
        oh, ow = len(d[0]), len(d[0][0])
        g_at = _to_positions(d, oh, ow)
        for g in g_at:
            for f in range(fn):
                db[f] += g[f]
        rows_reached = [_reached(r, height, fh, stride, pad, oh) for r in range(height)]
        cols_reached = [_reached(s, width, fw, stride, pad, ow) for s in range(width)]
        for c in range(c_count):
            grads = dW_by_position[c]
            for r, row in enumerate(image[c]):
                for s in _support(row):
                    v = row[s]
                    for p, i in rows_reached[r]:
                        for q, j in cols_reached[s]:
                            a, g = grads[p * fw + q], g_at[i * ow + j]
                            for f in range(fn):
                                a[f] += g[f] * v
        if need_dx:
            dx.append(_conv_dx_positions(by_position, g_at, c_count, height, width, fh, fw,
                                         stride, pad, oh, ow))
    dW = [[[[dW_by_position[c][p * fw + q][f] for q in range(fw)] for p in range(fh)]
           for c in range(c_count)] for f in range(fn)]
    return dx, dW, db


def _conv_backward_im2col(x, W, dout, stride, pad, need_dx):
    """Return (dx or None, dW, db): each weight's gradient a sumprod over the outputs that have one.

    Behind a max pooling at most one output in each window gets a gradient
    (a quarter, for 2 x 2), and behind a ReLU fewer: so for each filter the
    outputs whose gradient is not zero are found (compress, in C), and
    each weight's inputs gathered at just those outputs, a sumprod a third
    as long as the whole map (DLFS's conv net: 2x faster than sumprods
    over the whole map).
    """
    fn, c_count, fh, fw = _shape(W)
    sumprod = matrix.sumprod
    dW_flat = [[0.0] * (c_count * fh * fw) for _ in range(fn)]
    db = [0.0] * fn
    dx = [] if need_dx else None
    by_position = _by_position(W) if need_dx else None
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
        if need_dx:
            oh, ow = len(d[0]), len(d[0][0])
            dx.append(_conv_dx_positions(by_position, _to_positions(d, oh, ow), c_count,
                                         len(image[0]), len(image[0][0]), fh, fw, stride,
                                         pad, oh, ow))
    dW = [[[[row[(c * fh + p) * fw + q] for q in range(fw)] for p in range(fh)]
           for c in range(c_count)] for row in dW_flat]
    return dx, dW, db


# ---------------------------------------------------------------------------
# Max pooling


def _pool_windows(height, width, pool_h, pool_w, stride, pad):
    """Return (OH, OW, windows): for each output, the flat indices (into the padded channel) it sees."""
    oh = output_size(height, pool_h, stride, pad)
    ow = output_size(width, pool_w, stride, pad)
    padded_width = width + 2 * pad
    windows = [[(i * stride + p) * padded_width + j * stride + q
                for p in range(pool_h) for q in range(pool_w)]
               for i in range(oh) for j in range(ow)]
    return oh, ow, windows


def _cached_windows(*key):
    """Return _pool_windows(*key), made once for each shape."""
    windows = _WINDOWS.get(key)
    if windows is None:
        windows = _WINDOWS[key] = _pool_windows(*key)
    return windows


_WINDOWS = {}


def _pool_forward_plain(x, pool_h, pool_w, stride, pad):
    """Return (out, argmax): the max of each window, and where in the padded channel it was.

    Ties go to the first of the window's entries, row by row.
    """
    out, argmax = [], []
    for image in x:
        maps, where = [], []
        for channel in image:
            flat = list(chain.from_iterable(_padded(channel, pad)))
            oh, ow, windows = _cached_windows(len(channel), len(channel[0]), pool_h, pool_w,
                                              stride, pad)
            values, places = [], []
            for window in windows:
                best = window[0]
                for k in window:        # the first against itself changes nothing
                    if flat[k] > flat[best]:
                        best = k
                values.append(flat[best])
                places.append(best)
            maps.append([values[i * ow:(i + 1) * ow] for i in range(oh)])
            where.append(places)
        out.append(maps)
        argmax.append(where)
    return out, argmax


def _pool_forward_builtin(x, pool_h, pool_w, stride, pad):
    """Return (out, argmax) as the plain form, each window's max and its place found in C.

    Each window is gathered into a tuple (operator.itemgetter), its max is
    map(max, ...) and the place of the max tuple.index, the first one, as
    in the plain form.
    """
    out, argmax = [], []
    for image in x:
        maps, where = [], []
        for channel in image:
            flat = list(chain.from_iterable(_padded(channel, pad)))
            key = (len(channel), len(channel[0]), pool_h, pool_w, stride, pad)
            cached = _POOLS.get(key)
            if cached is None:
                oh, ow, windows = _pool_windows(*key)
                cached = _POOLS[key] = (oh, ow, windows, [operator.itemgetter(*w) for w in windows])
            oh, ow, windows, gathers = cached
            seen = [gather(flat) for gather in gathers]
            values = list(map(max, seen))
            first = list(map(tuple.index, seen, values))
            maps.append([values[i * ow:(i + 1) * ow] for i in range(oh)])
            where.append(list(map(operator.getitem, windows, first)))
        out.append(maps)
        argmax.append(where)
    return out, argmax


_POOLS = {}


def pool_backward(dout, argmax, x_shape, pad):
    """Return dx for max pooling: each output's gradient goes to the place of its max.

    ``x_shape`` is (C, H, W) of one input image; overlapping windows add
    up.  One form serves every interpreter: the loop is over the outputs
    only, a quarter of the inputs for 2x2 windows.
    """
    _c, height, width = x_shape
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


# ---------------------------------------------------------------------------
# The cyclic garbage collector.  One batch of 100 through DLFS's conv net
# makes half a million lists (feature maps, masks, their gradients), all
# freed by reference counting, as they make no cycles.  But CPython's
# collector runs a pass for every 700 containers made and kept, and about
# once a batch a full pass that walks every list in memory, the 60,000
# MNIST images' 1.8 million among them: a quarter of the conv net's
# training time on CPython 3.12, for passes that find nothing.


@contextlib.contextmanager
def _collector_running():
    """Run the with block as it is: the plain form."""
    yield


@contextlib.contextmanager
def _collector_paused():
    """Run the with block with the cyclic garbage collector paused; on leaving, as it was.

    Blocks in several threads at once (``serve``'s) count themselves: the
    first to enter pauses the collector, and the last to leave starts it
    again if it was running before the first entered.  Without the count, a
    thread that entered while another held it paused would leave it paused
    for good.
    """
    with _PAUSES_LOCK:
        if _PAUSES[0] == 0:
            _PAUSES[1] = gc.isenabled()
            gc.disable()
        _PAUSES[0] += 1
    try:
        yield
    finally:
        with _PAUSES_LOCK:
            _PAUSES[0] -= 1
            if _PAUSES[0] == 0 and _PAUSES[1]:
                gc.enable()


_PAUSES = [0, False]            # blocks inside _collector_paused, and whether gc was enabled
_PAUSES_LOCK = threading.Lock()


# ---------------------------------------------------------------------------
# Choosing the kernels, once.

_support = sparse.support      # the indices of a row's nonzero entries (see pureml.sparse)

KERNELS = {
    "plain": {"conv_forward": _conv_forward_plain, "conv_backward": _conv_backward_plain,
              "pool_forward": _pool_forward_plain, "collector_paused": _collector_running},
    "scatter": {"conv_forward": _conv_forward_scatter, "conv_backward": _conv_backward_scatter,
                "pool_forward": _pool_forward_plain, "collector_paused": _collector_running},
    "im2col": {"conv_forward": _conv_forward_im2col, "conv_backward": _conv_backward_im2col,
               "pool_forward": _pool_forward_builtin, "collector_paused": _collector_paused},
}
# math.sumprod makes im2col's dot products C loops (3.12+); elsewhere the
# scatter form's loops win: PyPy compiles them, and before 3.12 a sumprod
# would be sum(map(mul, ...)), no faster than a loop that skips zeros.
# PyPy has no reference counting: its own collector frees the garbage, and
# it is left running there.
KERNELS["fast"] = KERNELS["im2col"] if matrix.SUMPROD_IS_C else dict(
    KERNELS["scatter"], pool_forward=_pool_forward_plain if matrix.PYPY
    else _pool_forward_builtin, collector_paused=_collector_running if matrix.PYPY
    else _collector_paused)


#: use(name) switches this module's kernels for a with block, as matrix.use does.
use = matrix.kernel_sets(globals(), KERNELS)
