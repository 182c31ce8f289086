"""What every kernel computes, defined the obvious way: one comprehension or loop each.

These are the definitions to read beside the books' equations; the fast
forms in pureml.engine.dense and pureml.engine.conv compute the same
numbers (to rounding: they add in another order and skip zeros), and the
tests hold every one of them to these, on every interpreter.  Nothing
here is fast, and nothing calls it in training.

A batch is a list of vectors (xs, ds) or of images; a matrix a list of
rows; an image a list of channels of rows.

>>> matvec_each([[1.0, 2.0], [3.0, 4.0]], [[1.0, 1.0]], [0.5, 0.5])
[[3.5, 7.5]]
>>> vecmat_each([[1.0, 1.0]], [[1.0, 2.0], [3.0, 4.0]])
[[4.0, 6.0]]
"""

__all__ = ["matvec_plus", "matvec_each", "matvec_each_where", "vecmat_each", "outer_sum",
           "add_outer_sum", "column_sums", "add_column_sums", "scale_in_place",
           "add_scaled_in_place", "nonpositive", "zero_where", "convolve", "filter_gradient",
           "input_gradient", "max_pool", "max_pool_gradient"]


# --- fully connected layers ------------------------------------------------------

def matvec_plus(w, a, b):
    """w a + b: entry j is b[j] + sum_k w[j][k] a[k]."""
    return [b[j] + sum(w[j][k] * a[k] for k in range(len(a))) for j in range(len(w))]


def matvec_each(w, xs, b=None):
    """[w x + b for x in xs]; without b, w x."""
    return [matvec_plus(w, x, b if b is not None else [0.0] * len(w)) for x in xs]


def matvec_each_where(w, xs, masks):
    """[w x for x in xs], with entry j left at 0.0 wherever mask[j] is false."""
    return [[z if m else 0.0 for z, m in zip(matvec_plus(w, x, [0.0] * len(w)), mask)]
            for x, mask in zip(xs, masks)]


def vecmat_each(xs, w, b=None):
    """[x w + b for x in xs]: entry k is b[k] + sum_j x[j] w[j][k]; without b, x w."""
    n = len(w[0])
    b = b if b is not None else [0.0] * n
    return [[b[k] + sum(x[j] * w[j][k] for j in range(len(x))) for k in range(n)] for x in xs]


def outer_sum(xs, ds):
    """sum_i outer(xs[i], ds[i]): entry [k][j] is sum_i xs[i][k] ds[i][j]."""
    return [[sum(x[k] * d[j] for x, d in zip(xs, ds)) for j in range(len(ds[0]))]
            for k in range(len(xs[0]))]


def add_outer_sum(w, c, ds, xs):
    """w += c sum_i outer(ds[i], xs[i]), in place: w[j][k] += c sum_i ds[i][j] xs[i][k]."""
    for j, row in enumerate(w):
        for k in range(len(row)):
            row[k] += c * sum(d[j] * x[k] for d, x in zip(ds, xs))


def column_sums(ds):
    """sum_i ds[i]: entry j is sum_i ds[i][j]."""
    return [sum(d[j] for d in ds) for j in range(len(ds[0]))]


def add_column_sums(b, c, ds):
    """b += c sum_i ds[i], in place."""
    for j, total in enumerate(column_sums(ds)):
        b[j] += c * total


def scale_in_place(w, c):
    """w *= c, in place, for a matrix w."""
    for row in w:
        row[:] = [c * v for v in row]


def add_scaled_in_place(w, c, v):
    """w += c v, in place, for matrices of one shape."""
    for row, vrow in zip(w, v):
        row[:] = [a + c * b for a, b in zip(row, vrow)]


def nonpositive(rows):
    """[[x <= 0 for x in row] for row in rows]: the ReLU's mask (a NaN is not <= 0)."""
    return [[x <= 0.0 for x in row] for row in rows]


def zero_where(rows, masks):
    """Copies of rows with 0.0 where the mask is true: out = x.copy(); out[mask] = 0."""
    return [[0.0 if m else x for x, m in zip(row, mask)] for row, mask in zip(rows, masks)]


# --- convolution and pooling ----------------------------------------------------------

def _pixel(image, c, r, s, pad):
    """image[c][r - pad][s - pad], or 0.0 in the padding around it."""
    r, s = r - pad, s - pad
    inside = 0 <= r < len(image[c]) and 0 <= s < len(image[c][0])
    return image[c][r][s] if inside else 0.0


def convolve(x, W, b, stride, pad):
    """out[n][f][i][j] = b[f] + sum_{c,p,q} W[f][c][p][q] x[n][c][i s + p][j s + q] (x padded)."""
    fn, fc, fh, fw = len(W), len(W[0]), len(W[0][0]), len(W[0][0][0])
    out = []
    for image in x:
        oh = (len(image[0]) + 2 * pad - fh) // stride + 1
        ow = (len(image[0][0]) + 2 * pad - fw) // stride + 1
        out.append([[[b[f] + sum(W[f][c][p][q] * _pixel(image, c, i * stride + p,
                                                           j * stride + q, pad)
                                 for c in range(fc) for p in range(fh) for q in range(fw))
                      for j in range(ow)] for i in range(oh)] for f in range(fn)])
    return out


def filter_gradient(x, dout, filter_shape, stride, pad):
    """(dW, db): dW[f][c][p][q] = sum_{n,i,j} dout[n][f][i][j] x[n][c][i s + p][j s + q], db[f] its sum."""
    fn, fc, fh, fw = filter_shape
    dW = [[[[sum(d[f][i][j] * _pixel(image, c, i * stride + p, j * stride + q, pad)
                 for image, d in zip(x, dout)
                 for i in range(len(d[f])) for j in range(len(d[f][0])))
             for q in range(fw)] for p in range(fh)] for c in range(fc)] for f in range(fn)]
    db = [sum(v for d in dout for row in d[f] for v in row) for f in range(fn)]
    return dW, db


def input_gradient(dout, W, image_shape, stride, pad):
    """dx[n][c][r][s] = sum of dout[n][f][i][j] W[f][c][p][q] over the (f, i, j, p, q) with
    i s + p = r + pad and j s + q = s + pad."""
    fn, fc, fh, fw = len(W), len(W[0]), len(W[0][0]), len(W[0][0][0])
    channels, height, width = image_shape
    dx = []
    for d in dout:
        image = [[[0.0] * width for _ in range(height)] for _ in range(channels)]
        for f in range(fn):
            for i in range(len(d[f])):
                for j in range(len(d[f][0])):
                    for c in range(fc):
                        for p in range(fh):
                            for q in range(fw):
                                r, s = i * stride + p - pad, j * stride + q - pad
                                if 0 <= r < height and 0 <= s < width:
                                    image[c][r][s] += d[f][i][j] * W[f][c][p][q]
        dx.append(image)
    return dx


def max_pool(x, pool_h, pool_w, stride, pad):
    """(out, argmax): each window's largest value (the first, on a tie) and its index in the
    padded channel, flattened row by row."""
    out, argmax = [], []
    for image in x:
        maps, where = [], []
        for channel in image:
            width = len(channel[0]) + 2 * pad
            oh = (len(channel) + 2 * pad - pool_h) // stride + 1
            ow = (width - pool_w) // stride + 1
            places = [max(((i * stride + p) * width + j * stride + q
                           for p in range(pool_h) for q in range(pool_w)),
                          key=lambda k: (_pixel([channel], 0, k // width, k % width, pad), -k))
                      for i in range(oh) for j in range(ow)]
            maps.append([[_pixel([channel], 0, k // width, k % width, pad)
                          for k in places[i * ow:(i + 1) * ow]] for i in range(oh)])
            where.append(places)
        out.append(maps)
        argmax.append(where)
    return out, argmax


def max_pool_gradient(dout, argmax, image_shape, pad):
    """dx: each output's gradient added at the place of its window's max."""
    channels, height, width = image_shape
    padded_width = width + 2 * pad
    dx = []
    for d, where in zip(dout, argmax):
        image = [[[0.0] * width for _ in range(height)] for _ in range(channels)]
        for c in range(channels):
            flat_d = [g for row in d[c] for g in row]
            for g, k in zip(flat_d, where[c]):
                r, s = k // padded_width - pad, k % padded_width - pad
                if 0 <= r < height and 0 <= s < width:      # not in the padding
                    image[c][r][s] += g
        dx.append(image)
    return dx
