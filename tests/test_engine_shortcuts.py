"""Tests for pureml.engine.shortcuts: the views skip only gradients nobody reads, and change nothing else."""

import random
import unittest
from collections import OrderedDict

from pureml.engine import shortcuts
from pureml.layers import Affine, Convolution, Dropout, Pooling, Relu
from tests.support import NestedAlmostEqual, random_like


def _batch(rng, n, size, density=0.5):
    return [[rng.uniform(-1, 1) if rng.random() < density else 0.0 for _ in range(size)]
            for _ in range(n)]


class ShortcutTest(NestedAlmostEqual, unittest.TestCase):
    def setUp(self):
        self.rng = random.Random(3)

    def test_an_affine_on_the_data_keeps_its_gradients_and_returns_no_dx(self):
        rng = self.rng
        W, b = [[rng.gauss(0, 1) for _ in range(4)] for _ in range(6)], [0.1] * 4
        book = Affine(W, b)
        layers = shortcuts.skip_unread(OrderedDict(Affine1=Affine(W, b)), on_data=["Affine1"])
        view = layers["Affine1"]
        self.assertIsInstance(view, Affine)
        x, dout = _batch(rng, 3, 6), _batch(rng, 3, 4, 1.0)
        self.assertEqual(view.forward(x), book.forward(x))
        self.assertIsNone(view.backward(dout))
        book.backward(dout)
        self.assertEqual((view.dW, view.db), (book.dW, book.db))

    def test_a_convolution_on_the_data_keeps_its_gradients_and_returns_no_dx(self):
        rng = self.rng
        W = [[[[rng.gauss(0, 1) for _ in range(3)] for _ in range(3)]] for _ in range(2)]
        book = Convolution(W, [0.0, 0.5])
        view = shortcuts.skip_unread(OrderedDict(Conv1=Convolution(W, [0.0, 0.5])),
                                     on_data=["Conv1"])["Conv1"]
        x = [[[[rng.random() for _ in range(6)] for _ in range(6)]] for _ in range(2)]
        out = book.forward(x)
        self.assertEqual(view.forward(x), out)
        dout = random_like(rng, out)
        self.assertIsNone(view.backward(dout))
        book.backward(dout)
        self.assertEqual((view.dW, view.db), (book.dW, book.db))

    def test_a_dropout_on_the_data_returns_nothing(self):
        view = shortcuts.skip_unread(OrderedDict(Dropout1=Dropout(0.5)),
                                     on_data=["Dropout1"])["Dropout1"]
        view.forward([[1.0, 2.0]])
        self.assertIsNone(view.backward(None))

    def test_behind_a_relu_dx_is_the_books_where_the_gradient_survives_the_relu(self):
        rng = self.rng
        W, b = [[rng.gauss(0, 1) for _ in range(5)] for _ in range(8)], [0.0] * 5
        relu, book = Relu(), Affine(W, b)
        view = shortcuts.skip_unread(OrderedDict(Affine2=Affine(W, b)),
                                     behind_relu=["Affine2"])["Affine2"]
        a = relu.forward(_batch(rng, 4, 8, 1.0))
        self.assertEqual(view.forward(a), book.forward(a))
        dout = _batch(rng, 4, 5, 1.0)
        dx_view, dx_book = view.backward(dout), book.backward(dout)
        self.assertEqual((view.dW, view.db), (book.dW, book.db))
        self.assertNestedAlmostEqual(relu.backward(dx_view), relu.backward(dx_book))
        for row, x in zip(dx_view, a):
            self.assertEqual([d for d, v in zip(row, x) if v == 0.0],
                             [0.0] * x.count(0.0), "not computed where the input is 0")

    def test_behind_pooled_relu_maps_dx_keeps_the_images_shape(self):
        rng = self.rng
        maps = Pooling(2, 2, stride=2).forward(Relu().forward(
            [[[[rng.uniform(-1, 1) for _ in range(4)] for _ in range(4)] for _ in range(2)]]))
        W = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(8)]
        view = shortcuts.skip_unread(OrderedDict(Affine1=Affine(W, [0.0] * 3)),
                                     behind_relu=["Affine1"])["Affine1"]
        view.forward(maps)
        dx = view.backward([[1.0, -1.0, 0.5]])
        self.assertEqual([len(dx[0]), len(dx[0][0]), len(dx[0][0][0])], [2, 2, 2])


if __name__ == "__main__":
    unittest.main()
