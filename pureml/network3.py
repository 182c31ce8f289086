"""The book's network3.py interface: chapter 6's convolutional networks, in pure Python.

Code written for network3.py (which needs Theano) runs on this module with
its imports changed:

    from pureml import network3
    from pureml.network3 import ConvPoolLayer, FullyConnectedLayer, Network, ReLU, SoftmaxLayer
    training_data, validation_data, test_data = network3.load_data_shared()
    mini_batch_size = 10
    net = Network([
        ConvPoolLayer(image_shape=(mini_batch_size, 1, 28, 28),
                      filter_shape=(20, 1, 5, 5), poolsize=(2, 2), activation_fn=ReLU),
        FullyConnectedLayer(n_in=20*12*12, n_out=100, activation_fn=ReLU),
        SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size)
    net.SGD(training_data, 60, mini_batch_size, 0.03, validation_data, test_data, lmbda=0.1)

The layers and the Network are pureml.convnet's (``ConvNetwork`` there),
built from the same layer objects as Deep Learning from Scratch's
networks.  The activation functions are pureml.layers' classes under
network3's names: ``sigmoid``, ``tanh`` and ``ReLU``.
"""

from pureml import mnist
from pureml.convnet import ConvNetwork, ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer
from pureml.layers import Relu, Sigmoid, Tanh

__all__ = ["Network", "ConvPoolLayer", "FullyConnectedLayer", "SoftmaxLayer", "sigmoid",
           "tanh", "ReLU", "load_data_shared", "size"]

Network = ConvNetwork
sigmoid = Sigmoid
tanh = Tanh
ReLU = Relu


def load_data_shared(filename=None):
    """Return (training_data, validation_data, test_data) as network3's SGD takes them.

    Each is a pair (images, labels): lists of 784 floats and int labels,
    Nielsen's 50,000 / 10,000 / 10,000 split.  ``filename`` is the data
    folder (the book's was the path of its pickle); default as
    pureml.mnist finds it.
    """
    return mnist.load_data(filename)


def size(data):
    """Return the number of examples in a set (images, labels), as network3's size()."""
    return len(data[0])
