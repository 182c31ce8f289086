"""pureml: the networks of two books, in pure Python.

Michael Nielsen's *Neural Networks and Deep Learning* and Koki Saitou's
*Deep Learning from Scratch*.  Nothing here needs anything beyond the
standard library.  The modules, each one idea:

    network      Network: the book's network.py, with network2's features
    network2     the same Network with network2.py's defaults
    monitor      network2's measuring and deciding after each epoch
    arguments    checking what is given to a Network
    activations  sigmoid, tanh, ReLU and softmax, each with its derivative
    costs        quadratic, cross-entropy and log-likelihood costs
    gradcheck    backprop checked against central differences
    functions    DLFS's common/functions.py: softmax, cross_entropy_error,
                 numerical_gradient
    layers       DLFS's layers: Affine, Relu, Sigmoid, Tanh, SoftmaxWithLoss,
                 Dropout, BatchNormalization, each with forward and backward
    optimizers   DLFS's SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam
    layernet     DLFS's TwoLayerNet and MultiLayerNet, and their params files
    trainer      DLFS's Trainer
    convnet      DLFS's SimpleConvNet and Nielsen's network3 layers
    network3     chapter 6's network3.py names (Network, ConvPoolLayer ...)
    vectors      vectors and matrices as lists; the one primitive, sumprod
    matrix       the fast batch kernels both books' networks run on
    sparse       the nonzero entries the kernels skip to, found once per run
    convolution  convolution and max pooling, plain and fast
    parallel     SGD on several processes, the same weights bit for bit
    parallel_layers  the same for DLFS's Trainer
    processes    how many processes, forked safely; measuring a data set among them
    models       any saved network behind one face (evaluate, predict, serve)
    server       ``pureml serve``: the draw-a-digit page and its JSON API
    webserver    the HTTP under it: deadlines, caps, JSON errors, no smuggling
    mnist        the book's mnist_loader and DLFS's load_mnist, reading
                 MNIST's IDX files; download
    expand       Nielsen's expand_mnist.py: images displaced by a pixel or more
    idx          the IDX file format, read and written with struct and gzip
    images       your own digits (PNG, PGM/PBM), preprocessed like MNIST
    png, pnm     the image decoders; imagefile, what they share
    modelfile    reading saved models and params as untrusted JSON
    errors       the networks' errors
    fileio       atomic, power-cut-safe saves
    plot         training curves as SVG
    terminal     digits, progress bars and tables in the terminal
    cli          ``python -m pureml``: train, evaluate, predict, serve, show,
                 download, gradcheck (a module each)
"""

__version__ = "0.2.0"
