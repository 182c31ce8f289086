"""The backward pass's shortcuts: the gradients nobody reads are not computed.

The book's layers compute every gradient, and two of them are thrown away:

* the first layer's dx, the gradient of the loss with respect to the data:
  nobody reads it, and for an Affine on MNIST it costs more than the
  layer's dW and forward together;
* dx at an input that is 0 because a ReLU (or max pooling or dropout of a
  ReLU's outputs) made it so: that ReLU's backward sets the gradient there
  to 0 whatever it was.

``skip_unread(layers, on_data, behind_relu)`` is the one place pureml
takes these shortcuts: each network builder calls it once, naming its
layers that see the data (the first, and any before it such as a
network3 input dropout) and its Affine layers behind a ReLU.  It puts in
their place a view of the same layer (the same attributes and lists) whose
class has one of the mixins below in front of the book's: the layers
themselves stay the book's.

A view on the data returns None from backward: nothing below it needs a
gradient.
"""

from pureml.engine import conv, dense
from pureml.engine.vectors import nested_shape, unflatten

__all__ = ["skip_unread", "OnData", "AffineOnData", "ConvolutionOnData", "AffineBehindRelu"]


class OnData:
    """A layer whose input is the data (a dropout before the first weights): nothing to send back."""

    def backward(self, dout):
        return None


class AffineOnData:
    """An Affine on the data: backward keeps dW and db and computes no dx."""

    def backward(self, dout):
        self.dW = dense.outer_sum(self.x, dout)                 # np.dot(self.x.T, dout)
        self.db = dense.column_sums(dout)                       # np.sum(dout, axis=0)
        return None


class ConvolutionOnData:
    """A Convolution on the data: backward keeps dW and db and computes no dx."""

    def backward(self, dout):
        self.dW, self.db = conv.filter_gradient(self.x, dout, nested_shape(self.W), self.stride,
                                                self.pad)
        return None


class AffineBehindRelu:
    """An Affine whose zero inputs came from a ReLU: dx is computed only where the input is not zero."""

    def backward(self, dout):
        dx = dense.matvec_each_where(self.W, dout, self.x)      # np.dot(dout, self.W.T), where x != 0
        self.dW = dense.outer_sum(self.x, dout)
        self.db = dense.column_sums(dout)
        return [unflatten(row, self.original_x_shape[1:]) for row in dx]


_CLASSES = {}


def _on_data(layer):
    """Return the mixin for a layer on the data: by its parameters, a Convolution's or an Affine's."""
    if hasattr(layer, "W"):
        return ConvolutionOnData if hasattr(layer, "stride") else AffineOnData
    return OnData


def _view(mixin, layer):
    """Return a view of ``layer``: its class with ``mixin`` in front, its attributes the same."""
    key = (mixin, type(layer))
    cls = _CLASSES.get(key)
    if cls is None:
        cls = _CLASSES[key] = type(type(layer).__name__, (mixin, type(layer)),
                                   {"__doc__": mixin.__doc__})
    view = cls.__new__(cls)
    view.__dict__ = layer.__dict__
    return view


def skip_unread(layers, on_data=(), behind_relu=()):
    """Put the shortcut views in ``layers`` (an OrderedDict of the book's layers) in place; return it.

    ``on_data`` names the layers that see the data: an Affine or a
    Convolution keeps its parameters' gradients and returns no dx; any
    other layer (a dropout) returns none either.  ``behind_relu`` names
    Affine layers whose zero inputs came from a ReLU.
    """
    for key in on_data:
        layer = layers[key]
        layers[key] = _view(_on_data(layer), layer)
    for key in behind_relu:
        layers[key] = _view(AffineBehindRelu, layers[key])
    return layers
