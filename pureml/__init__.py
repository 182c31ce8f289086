"""pureml: the networks of *Neural Networks and Deep Learning* in pure Python.

Nothing here needs anything beyond the standard library.  The modules, each
one idea:

    matrix      vectors and matrices as lists, and the fast kernels
    network     Network: the book's network.py, extended by network2
    idx         the IDX file format of MNIST, read with struct and gzip
    mnist       the book's mnist_loader, reading the IDX files
"""

__version__ = "0.1.0"
