"""Tests for pureml.engine.conv: every form of every kernel held to pureml.engine.reference."""

import doctest
import random
import unittest

from pureml.engine import conv, reference
from pureml.engine.vectors import PYPY, SUMPROD_IS_C
from pureml.errors import ArgumentError
from tests.support import NestedAlmostEqual


def load_tests(loader, tests, ignore):
    """Add conv.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(conv))
    return tests


def images(rng, n, c, h, w, density):
    """Return n images of c channels h x w, each pixel nonzero with probability ``density``."""
    return [[[[rng.uniform(-1, 1) if rng.random() < density else 0.0 for _ in range(w)]
              for _ in range(h)] for _ in range(c)] for _ in range(n)]


def filters(rng, fn, c, fh, fw):
    """Return FN x C x FH x FW draws from N(0, 1)."""
    return [[[[rng.gauss(0, 1) for _ in range(fw)] for _ in range(fh)] for _ in range(c)]
            for _ in range(fn)]


#: (C, H, W, FN, FH, FW, stride, pad, density): MNIST-like, multi-channel, strided, padded.
CASES = [(1, 12, 12, 3, 5, 5, 1, 0, 0.2), (2, 7, 9, 4, 3, 2, 1, 1, 0.6),
         (3, 9, 8, 2, 3, 3, 2, 1, 1.0), (1, 6, 6, 2, 6, 6, 1, 0, 0.5), (2, 5, 5, 3, 1, 1, 2, 0, 0.0)]


class EveryFormTest(NestedAlmostEqual, unittest.TestCase):
    def setUp(self):
        self.rng = random.Random(7)

    def forms(self, name):
        """Yield each form of the kernel ``name``, as subtests."""
        for form in conv.VARIANTS[name]:
            with self.subTest(kernel=form.__name__):
                yield form

    def test_convolve(self):
        for case in CASES:
            c, h, w, fn, fh, fw, stride, pad, density = case
            x = images(self.rng, 2, c, h, w, density)
            W = filters(self.rng, fn, c, fh, fw)
            b = [self.rng.gauss(0, 1) for _ in range(fn)]
            expected = reference.convolve(x, W, b, stride, pad)
            for form in self.forms("convolve"):
                self.assertNestedAlmostEqual(form(x, W, b, stride, pad), expected,
                                             rel_tol=1e-12, abs_tol=1e-12)

    def test_filter_and_input_gradients(self):
        for case in CASES:
            c, h, w, fn, fh, fw, stride, pad, density = case
            x = images(self.rng, 2, c, h, w, density)
            W = filters(self.rng, fn, c, fh, fw)
            oh, ow = conv.output_size(h, fh, stride, pad), conv.output_size(w, fw, stride, pad)
            dout = images(self.rng, 2, fn, oh, ow, 0.7)
            dW, db = reference.filter_gradient(x, dout, (fn, c, fh, fw), stride, pad)
            for form in self.forms("filter_gradient"):
                got_dW, got_db = form(x, dout, (fn, c, fh, fw), stride, pad)
                self.assertNestedAlmostEqual(got_dW, dW, rel_tol=1e-12, abs_tol=1e-12)
                self.assertNestedAlmostEqual(got_db, db, rel_tol=1e-12, abs_tol=1e-12)
            dx = reference.input_gradient(dout, W, (c, h, w), stride, pad)
            for form in self.forms("input_gradient"):
                self.assertNestedAlmostEqual(form(dout, W, (c, h, w), stride, pad), dx,
                                             rel_tol=1e-12, abs_tol=1e-12)

    def test_max_pool_and_its_gradient(self):
        rng = self.rng
        x = images(rng, 2, 3, 6, 6, 0.7)
        x[0][0][0][:2] = [0.5, 0.5]             # a tie: the first of the window wins
        x[0][0][1][:2] = [0.5, -1.0]
        for pool, stride, pad in ((2, 2, 0), (3, 1, 1), (2, 3, 0)):
            out, argmax = reference.max_pool(x, pool, pool, stride, pad)
            for form in self.forms("max_pool"):
                self.assertEqual(form(x, pool, pool, stride, pad), (out, argmax))
            dout = [[[[rng.uniform(-1, 1) for _ in row] for row in m] for m in image]
                    for image in out]
            dx = reference.max_pool_gradient(dout, argmax, (3, 6, 6), pad)
            for form in self.forms("max_pool_gradient"):
                self.assertNestedAlmostEqual(form(dout, argmax, (3, 6, 6), pad), dx)
        self.assertEqual(reference.max_pool(x, 2, 2, 2, 0)[1][0][0][0], 0)


class ShapeTest(unittest.TestCase):
    def test_a_filter_larger_than_the_image(self):
        with self.assertRaises(ArgumentError):
            conv.output_size(4, 6, 1, 0)

    def test_images_of_the_wrong_channels(self):
        x = images(random.Random(1), 1, 2, 6, 6, 1.0)
        W = filters(random.Random(2), 3, 1, 3, 3)
        for form in conv.VARIANTS["convolve"]:
            with self.subTest(kernel=form.__name__), self.assertRaises(ArgumentError):
                form(x, W, [0.0] * 3, 1, 0)


class ChoiceTest(unittest.TestCase):
    def test_im2col_with_a_c_sumprod_and_scatter_without(self):
        self.assertIs(conv.convolve, conv.convolve_im2col if SUMPROD_IS_C
                      else conv.convolve_scatter)
        self.assertIs(conv.filter_gradient, conv.filter_gradient_im2col if SUMPROD_IS_C
                      else conv.filter_gradient_scatter)
        self.assertIs(conv.max_pool, conv.max_pool_2x2 if PYPY else conv.max_pool_gather)


if __name__ == "__main__":
    unittest.main()
