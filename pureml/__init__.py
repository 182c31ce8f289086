"""pureml: the networks of *Neural Networks and Deep Learning* in pure Python.

Nothing here needs anything beyond the standard library.  The modules, each
one idea:

    network      Network: the book's network.py, with network2's features
    network2     the same Network with network2.py's defaults
    activations  sigmoid, tanh, ReLU and softmax, each with its derivative
    costs        quadratic, cross-entropy and log-likelihood costs
    matrix       vectors and matrices as lists, and the fast kernels
    gradcheck    backprop checked against central differences
    mnist        the book's mnist_loader, reading MNIST's IDX files; download
    idx          the IDX file format, read and written with struct and gzip
    images       your own digits (PNG, PGM/PBM), preprocessed like MNIST
    png, pnm     the image decoders
    plot         training curves as SVG
    terminal     digits, progress bars and tables in the terminal
    cli          ``python -m pureml``: train, evaluate, predict, show,
                 download, gradcheck
"""

__version__ = "0.1.0"
