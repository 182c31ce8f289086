"""Tests for pureml.convolution: every fast kernel against the definition's nested loops."""

import doctest
import gc
import random
import threading
import unittest

from pureml import convolution, matrix
from tests.support import NestedAlmostEqual


def load_tests(loader, tests, ignore):
    """Add convolution.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(convolution))
    return tests


def images(rng, n, c, h, w, density):
    """Return n images of c channels h x w, each pixel nonzero with probability ``density``."""
    return [[[[rng.uniform(-1, 1) if rng.random() < density else 0.0 for _ in range(w)]
              for _ in range(h)] for _ in range(c)] for _ in range(n)]


def filters(rng, fn, c, fh, fw):
    return [[[[rng.gauss(0, 1) for _ in range(fw)] for _ in range(fh)] for _ in range(c)]
            for _ in range(fn)]


#: (C, H, W, FN, FH, FW, stride, pad, density): MNIST-like, multi-channel, strided, padded.
CASES = [(1, 12, 12, 3, 5, 5, 1, 0, 0.2), (2, 7, 9, 4, 3, 2, 1, 1, 0.6),
         (3, 9, 8, 2, 3, 3, 2, 1, 1.0), (1, 6, 6, 2, 6, 6, 1, 0, 0.5), (2, 5, 5, 3, 1, 1, 2, 0, 0.0)]


class FastFormsAgreeTest(NestedAlmostEqual, unittest.TestCase):
    def setUp(self):
        self.rng = random.Random(7)

    def test_forward(self):
        for case in CASES:
            c, h, w, fn, fh, fw, stride, pad, density = case
            x = images(self.rng, 2, c, h, w, density)
            W = filters(self.rng, fn, c, fh, fw)
            b = [self.rng.gauss(0, 1) for _ in range(fn)]
            expected = convolution._conv_forward_plain(x, W, b, stride, pad)
            for name in ("scatter", "im2col", "fast"):
                with self.subTest(case=case, kernels=name):
                    out = convolution.KERNELS[name]["conv_forward"](x, W, b, stride, pad)
                    self.assertNestedAlmostEqual(out, expected, rel_tol=1e-12, abs_tol=1e-12)

    def test_backward(self):
        for case in CASES:
            c, h, w, fn, fh, fw, stride, pad, density = case
            x = images(self.rng, 2, c, h, w, density)
            W = filters(self.rng, fn, c, fh, fw)
            oh = convolution.output_size(h, fh, stride, pad)
            ow = convolution.output_size(w, fw, stride, pad)
            dout = images(self.rng, 2, fn, oh, ow, 0.7)
            expected = convolution._conv_backward_plain(x, W, dout, stride, pad, True)
            for name in ("scatter", "im2col", "fast"):
                for need_dx in (True, False):
                    with self.subTest(case=case, kernels=name, need_dx=need_dx):
                        dx, dW, db = convolution.KERNELS[name]["conv_backward"](
                            x, W, dout, stride, pad, need_dx)
                        self.assertNestedAlmostEqual(dW, expected[1], rel_tol=1e-12,
                                                     abs_tol=1e-12)
                        self.assertNestedAlmostEqual(db, expected[2], rel_tol=1e-12,
                                                     abs_tol=1e-12)
                        if need_dx:
                            self.assertNestedAlmostEqual(dx, expected[0], rel_tol=1e-12,
                                                         abs_tol=1e-12)
                        else:
                            self.assertIsNone(dx)

    def test_pooling_both_forms_and_ties_go_to_the_first(self):
        x = images(self.rng, 2, 3, 8, 6, 0.5)          # many ties at 0.0
        x[0][0][0][:2] = [0.5, 0.5]
        x[0][0][1][:2] = [0.5, 0.25]
        for pool, stride, pad in (((2, 2), 2, 0), ((3, 2), 1, 0), ((2, 3), 2, 1)):
            with self.subTest(pool=pool, stride=stride, pad=pad):
                plain = convolution._pool_forward_plain(x, pool[0], pool[1], stride, pad)
                builtin = convolution._pool_forward_builtin(x, pool[0], pool[1], stride, pad)
                self.assertEqual(plain, builtin)
        out, where = convolution._pool_forward_plain(x, 2, 2, 2, 0)
        self.assertEqual(out[0][0][0][0], 0.5)
        self.assertEqual(where[0][0][0], 0, "the first of the tied maxima, row by row")

    def test_pool_backward_sends_each_gradient_to_its_max(self):
        x = [[[[1.0, 3.0, 0.0, 0.0], [2.0, 0.5, 0.0, 4.0]]]]
        out, where = convolution._pool_forward_plain(x, 2, 2, 2, 0)
        self.assertEqual(out, [[[[3.0, 4.0]]]])
        dx = convolution.pool_backward([[[[10.0, 20.0]]]], where, (1, 2, 4), 0)
        self.assertEqual(dx, [[[[0.0, 10.0, 0.0, 0.0], [0.0, 0.0, 0.0, 20.0]]]])


class CollectorTest(unittest.TestCase):
    def setUp(self):
        self.addCleanup(gc.enable if gc.isenabled() else gc.disable)

    def test_paused_inside_and_as_it_was_after(self):
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            with convolution._collector_paused():
                self.assertFalse(gc.isenabled())
            self.assertEqual(gc.isenabled(), enabled)
            with convolution._collector_running():
                self.assertEqual(gc.isenabled(), enabled)
            self.assertEqual(gc.isenabled(), enabled)

    def test_restored_when_the_block_raises(self):
        gc.enable()
        with self.assertRaises(KeyError):
            with convolution._collector_paused():
                raise KeyError("x")
        self.assertTrue(gc.isenabled())

    def test_overlapping_blocks_in_two_threads_leave_it_running(self):
        # Thread A pauses, B enters while it is paused, A leaves, then B:
        # the collector must run again, not stay paused as B found it.
        gc.enable()
        a_inside, b_inside, a_left = (threading.Event() for _ in range(3))
        seen = []

        def a():
            with convolution._collector_paused():
                a_inside.set()
                b_inside.wait(10)
            a_left.set()

        def b():
            a_inside.wait(10)
            with convolution._collector_paused():
                b_inside.set()
                a_left.wait(10)
                seen.append(gc.isenabled())
        threads = [threading.Thread(target=a), threading.Thread(target=b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        self.assertEqual(seen, [False], "still paused while B is inside")
        self.assertTrue(gc.isenabled())

    def test_fast_pauses_it_where_reference_counting_frees_the_garbage(self):
        with convolution.use("fast"):
            self.assertIs(convolution.collector_paused, convolution._collector_running
                          if matrix.PYPY else convolution._collector_paused)
        with convolution.use("plain"):
            self.assertIs(convolution.collector_paused, convolution._collector_running)


class ShapeTest(unittest.TestCase):
    def test_a_filter_larger_than_the_image(self):
        with self.assertRaises(convolution.ArgumentError):
            convolution.output_size(4, 6, 1, 0)

    def test_use_switches_and_restores(self):
        before = convolution.conv_forward
        with convolution.use("plain"):
            self.assertIs(convolution.conv_forward, convolution._conv_forward_plain)
        self.assertIs(convolution.conv_forward, before)

    def test_use_rejects_unknown_names(self):
        with self.assertRaises(ValueError):
            with convolution.use("fft"):
                pass


if __name__ == "__main__":
    unittest.main()
