"""Tests for pureml.engine.collector: paused inside, as it was after, in any number of threads."""

import gc
import threading
import unittest

from pureml.engine import collector
from pureml.engine.vectors import PYPY


class CollectorTest(unittest.TestCase):
    def setUp(self):
        self.addCleanup(gc.enable if gc.isenabled() else gc.disable)

    def test_paused_inside_and_as_it_was_after(self):
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            with collector.paused_counted():
                self.assertFalse(gc.isenabled())
            self.assertEqual(gc.isenabled(), enabled)
            with collector.running():
                self.assertEqual(gc.isenabled(), enabled)
            self.assertEqual(gc.isenabled(), enabled)

    def test_restored_when_the_block_raises(self):
        gc.enable()
        with self.assertRaises(KeyError):
            with collector.paused_counted():
                raise KeyError("x")
        self.assertTrue(gc.isenabled())

    def test_overlapping_blocks_in_two_threads_leave_it_running(self):
        # Thread A pauses, B enters while it is paused, A leaves, then B:
        # the collector must run again, not stay paused as B found it.
        gc.enable()
        a_inside, b_inside, a_left = (threading.Event() for _ in range(3))
        seen = []

        def a():
            with collector.paused_counted():
                a_inside.set()
                b_inside.wait(10)
            a_left.set()

        def b():
            a_inside.wait(10)
            with collector.paused_counted():
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

    def test_paused_only_where_reference_counting_frees_the_garbage(self):
        self.assertIs(collector.paused, collector.running if PYPY else collector.paused_counted)

    def test_a_decorated_method_runs_paused_and_returns_its_value(self):
        gc.enable()

        @collector.paused_while
        def train(x):
            return x, gc.isenabled()
        self.assertEqual(train(3), (3, PYPY))
        self.assertTrue(gc.isenabled())


if __name__ == "__main__":
    unittest.main()
