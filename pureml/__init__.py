"""pureml: the networks of two books, in pure Python.

Michael Nielsen's *Neural Networks and Deep Learning* and Koki Saitoh's
*Deep Learning from Scratch* (DLFS), with nothing beyond the standard
library.  The books' modules sit at the top of the package, under the
books' names:

    network      Nielsen's Network: network.py, with network2.py's features
    network2     the same Network with network2.py's defaults
    network3     chapter 6's network3.py: ConvPoolLayer, FullyConnectedLayer,
                 SoftmaxLayer, Network
    monitor      network2's measuring and deciding after each epoch
    activations  sigmoid, tanh, ReLU and softmax, each with its derivative
    costs        the quadratic, cross-entropy and log-likelihood costs
    gradcheck    backprop checked against central differences
    mnist        the book's mnist_loader and DLFS's load_mnist
    functions    DLFS's common/functions.py and gradient.py
    layers       DLFS's layers, each with forward and backward
    optimizers   DLFS's SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam
    layernet     DLFS's TwoLayerNet and MultiLayerNet
    trainer      DLFS's Trainer
    convnet      DLFS's SimpleConvNet
    arguments    the one module of argument checks
    errors       the one family of errors, PuremlError and its kinds

and below and beside them, the subpackages:

    engine       the kernels both books' networks run on
    data         files: IDX, MNIST's, models and params, images, atomic saves
    parallel     training and measuring on several processes, the same numbers
    display      the terminal, the progress bar, SVG plots
    web          ``pureml serve``: the HTTP server, its JSON API and the page
    cli          the command line, ``python -m pureml``
"""

__version__ = "0.2.0"
