"""The engine: the kernels both books' networks run on, named by their mathematics.

    vectors    one example's vectors and matrices, and sumprod
    sparse     finding the nonzero entries the kernels skip to
    dense      fully connected layers, a batch at a time
    conv       convolution and max pooling
    reference  every kernel of dense and conv defined the obvious way: the tests
               hold each fast form to it
    shortcuts  the backward pass's shortcuts: the gradients nobody reads, skipped
    collector  CPython's cyclic garbage collector, paused while a batch runs

Each book's expression, and the kernel that computes it (a batch is the
list of the mini-batch's vectors; W is DLFS's input x output matrix, w
Nielsen's output x input one):

    Nielsen, network.py                          kernel
    z = w a + b, one example (feedforward)        dense.matvec_plus(w, a, b)
    z = w a + b, each example of a mini-batch     dense.matvec_each(w, activations, b)
    BP2: w^T delta                                dense.vecmat_each(deltas, w)
    BP3 and the step: b -= (eta/m) sum delta      dense.add_column_sums(b, -eta/m, deltas)
    BP4 and the step: w -= (eta/m) sum delta a^T  dense.add_outer_sum(w, -eta/m, deltas, activations)
    L2 decay: w *= 1 - eta lmbda/n                dense.scale_in_place(w, 1 - eta*lmbda/n)
    momentum: w += v                              dense.add_scaled_in_place(w, 1.0, v)

    Deep Learning from Scratch, common/layers.py  kernel
    np.dot(x, W) + b                              dense.vecmat_each(x, W, b)
    np.dot(dout, W.T)                             dense.matvec_each(W, dout)
    np.dot(dout, W.T), behind a ReLU              dense.matvec_each_where(W, dout, x)
    np.dot(x.T, dout)                             dense.outer_sum(x, dout)
    np.sum(dout, axis=0)                          dense.column_sums(dout)
    mask = (x <= 0); out[mask] = 0                dense.nonpositive(x), dense.zero_where(x, mask)
    W -= lr * dW (the optimizers)                 dense.add_scaled_in_place(W, -lr, dW)
    Convolution: im2col, np.dot(col, col_W) + b   conv.convolve(x, W, b, stride, pad)
    Convolution: dW, db                           conv.filter_gradient(x, dout, W's shape, ...)
    Convolution: dx (col2im)                      conv.input_gradient(dout, W, x's shape, ...)
    Pooling: np.max, np.argmax                    conv.max_pool(x, pool_h, pool_w, stride, pad)
    Pooling: backward                             conv.max_pool_gradient(dout, arg_max, ...)

Where a kernel has several forms (loops for PyPy, C calls for CPython),
the module chooses one at import with an ``if`` and says why; every form
is a ``def`` a reader can find, and ``VARIANTS`` lists them for the tests.
What each choice measured is in tools/README.md.
"""
