"""Tests for pureml.parallel.processes: how many processes, forking safely, measuring among them."""

import multiprocessing
import signal
import subprocess
import sys
import textwrap
import time
import unittest

from pureml import network
from pureml.parallel import processes
from pureml.costs import CrossEntropyCost
from pureml.engine.vectors import PYPY
from tests.test_parallel_sgd import REPO, _alive, synthetic

CAN_FORK = processes.fork_context() is not None


class ForkingTest(unittest.TestCase):
    def test_a_ctrl_c_while_forking_reaches_the_parent_not_a_worker(self):
        with self.assertRaises(KeyboardInterrupt):
            with processes.forking():
                signal.raise_signal(signal.SIGINT)
                reached = False                 # still here: SIGINT is held back
            self.fail("SIGINT should have been delivered on leaving the block")
        self.assertFalse(reached)


@unittest.skipUnless(CAN_FORK, "measuring in parallel needs processes that fork")
class MeasureTest(unittest.TestCase):
    def test_evaluate_accuracy_and_total_cost_are_exact(self):
        net = network.Network([64, 12, 4], cost=CrossEntropyCost, seed=2)
        data = synthetic(101)
        labelled = [(x, y.index(1.0)) for x, y in data]
        for workers in (2, 3):
            with self.subTest(workers=workers):
                self.assertEqual(net.evaluate(labelled, workers=workers), net.evaluate(labelled))
                self.assertEqual(net.accuracy(data, convert=True, workers=workers),
                                 net.accuracy(data, convert=True))
                self.assertEqual(net.total_cost(data, 0.5, workers=workers),
                                 net.total_cost(data, 0.5))
        self.assertEqual(multiprocessing.active_children(), [])

    def test_measuring_workers_leave_when_the_parent_dies(self):
        script = textwrap.dedent("""
            import os, random, sys, time
            from pureml import network
            from pureml.parallel import processes
            rng = random.Random(0)
            data = [([rng.random() for _ in range(64)], rng.randrange(4)) for _ in range(400)]
            net = network.Network([64, 16, 4], seed=1)
            def slow_hits(items):
                if os.getpid() != parent:
                    print(os.getpid(), flush=True)
                    time.sleep(0.5)
                return net.hits(items)
            parent = os.getpid()
            processes.each(slow_hits, data, 2, chunk=10)
            """)
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            pid = int(proc.stdout.readline())
            proc.kill()
            proc.wait(30)
            deadline = time.monotonic() + 20
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertFalse(_alive(pid), "an orphaned measuring worker")
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
            proc.stderr.close()


@unittest.skipUnless(CAN_FORK, "measuring in parallel needs processes that fork")
class MeasuredDataTest(unittest.TestCase):
    """Bad data is a ArgumentError in the parent, whatever the workers, before any fork."""

    def setUp(self):
        self.net = network.Network([64, 12, 4], seed=2)
        self.good = [(x, y.index(1.0)) for x, y in synthetic(20)]

    def assertBad(self, bad_pair, message):
        for workers in (1, 2):
            for measure in (self.net.accuracy, self.net.total_cost):
                with self.subTest(workers=workers, measure=measure.__name__):
                    data = self.good + [bad_pair]       # in the second worker's slice
                    with self.assertRaisesRegex(network.ArgumentError, message):
                        measure(data, workers=workers)

    def test_a_short_input(self):
        self.assertBad(([0.0] * 63, 1), "an input has 63 entries; this network expects 64")

    def test_a_label_out_of_range(self):
        self.assertBad(([0.0] * 64, 7), "labels in data must be ints from 0 to 3")

    def test_a_negative_label(self):
        self.assertBad(([0.0] * 64, -1), "labels in data must be ints from 0 to 3")

    def test_a_bool_label(self):
        self.assertBad(([0.0] * 64, True), "labels in data must be ints from 0 to 3")

    def test_a_one_hot_label_of_the_wrong_length(self):
        self.assertBad(([0.0] * 64, [0.0, 1.0]), "a training label has 2 entries")

    def test_a_string_label(self):
        self.assertBad(([0.0] * 64, "3"), "must be a one-hot list of 4 numbers, not the str '3'")


class WorkersArgumentTest(unittest.TestCase):
    def test_auto_is_one_for_a_small_first_layer(self):
        self.assertEqual(processes.resolve_workers("auto", [10, 5, 2]), 1)

    def test_auto_uses_the_cores_for_a_large_one(self):
        expected = min(processes.usable_cores(), 30) if CAN_FORK and not PYPY else 1
        self.assertEqual(processes.resolve_workers("auto", [784, 30, 10]), expected)

    def test_auto_is_one_where_splitting_does_not_pay(self):
        # Measured: on PyPy two processes are slower than one (see AUTO_SPLITS).
        self.assertEqual(processes.AUTO_SPLITS, not PYPY)
        original = processes.AUTO_SPLITS
        processes.AUTO_SPLITS = False
        try:
            self.assertEqual(processes.resolve_workers("auto", [784, 100, 10]), 1)
            self.assertEqual(processes.resolve_data_workers("auto"), 1)
        finally:
            processes.AUTO_SPLITS = original

    def test_only_x86_shares_memory_between_processes(self):
        original = processes.ORDERED_MEMORY
        processes.ORDERED_MEMORY = False
        try:
            self.assertEqual(processes.resolve_workers("auto", [784, 100, 10]), 1)
            self.assertEqual(processes.resolve_data_workers("auto"), 1)
            with self.assertRaisesRegex(processes.WorkerError, "only safe on x86-64"):
                processes.resolve_workers(2, [784, 100, 10])
        finally:
            processes.ORDERED_MEMORY = original

    def test_auto_measures_on_the_cores(self):
        expected = processes.usable_cores() if CAN_FORK and not PYPY else 1
        self.assertEqual(processes.resolve_data_workers("auto"), expected)

    def test_bad_values(self):
        for workers in (0, -1, 1.5, "2", True, None):
            with self.subTest(workers=workers):
                with self.assertRaises(network.ArgumentError):
                    processes.resolve_workers(workers, [784, 30, 10])

    def test_no_more_workers_than_neurons(self):
        with self.assertRaisesRegex(network.ArgumentError, "only 3 neurons"):
            processes.resolve_workers(4, [10, 3, 2])


if __name__ == "__main__":
    unittest.main()
