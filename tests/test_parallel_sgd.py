"""Tests for pureml.parallel.sgd: N workers give the same weights as one, bit for bit, and clean up.

Every comparison is ``==`` on the weights, not an approximation.  The
networks are small and the data synthetic, so that the forks, not the
arithmetic, are what the tests spend their time on.
"""

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import unittest

from pureml import network
from pureml.parallel import processes
from pureml.activations import ReLU, Sigmoid, Tanh
from pureml.costs import CrossEntropyCost, LogLikelihoodCost, QuadraticCost

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAN_FORK = processes.fork_context() is not None


def synthetic(n, inputs=64, outputs=4, seed=0):
    """Return n training pairs (x, one-hot y): sparse inputs, labels from a hidden rule."""
    rng = random.Random(seed)
    data = []
    for _ in range(n):
        x = [rng.random() if rng.random() < 0.3 else 0.0 for _ in range(inputs)]
        label = int(sum(x[:8]) * 3) % outputs
        y = [0.0] * outputs
        y[label] = 1.0
        data.append((x, y))
    return data


def train(workers, sizes=(64, 12, 4), epochs=2, **options):
    """Return (weights, biases, history) after SGD with ``workers`` processes."""
    cost = options.pop("cost", QuadraticCost)
    activation = options.pop("activation", Sigmoid)
    net = network.Network(list(sizes), cost=cost, activation=activation,
                          weight_initializer="default", seed=7)
    data = synthetic(120, sizes[0], sizes[-1])
    test = [(x, y.index(1.0)) for x, y in synthetic(30, sizes[0], sizes[-1], seed=1)]
    history = net.SGD(data, epochs, 10, options.pop("eta", 0.5), test_data=test, verbose=False,
                      workers=workers, **options)
    return net.weights, net.biases, history


@unittest.skipUnless(CAN_FORK, "splitting the work needs processes that fork")
class SameNumbersTest(unittest.TestCase):
    def assertSameAsOneWorker(self, **options):
        one = train(1, **dict(options))
        for workers in (2, 3):
            with self.subTest(workers=workers):
                self.assertEqual(train(workers, **dict(options)), one)

    def test_every_cost_and_activation(self):
        for cost in (QuadraticCost, CrossEntropyCost, LogLikelihoodCost):
            for activation in (Sigmoid, Tanh, ReLU):
                with self.subTest(cost=cost.name, activation=activation.name):
                    self.assertSameAsOneWorker(cost=cost, activation=activation)

    def test_momentum_and_weight_decay(self):
        self.assertSameAsOneWorker(mu=0.6, lmbda=0.2)

    def test_two_hidden_layers(self):
        self.assertSameAsOneWorker(sizes=(64, 9, 6, 4), mu=0.3)

    def test_monitoring_early_stopping_and_the_eta_schedule(self):
        self.assertSameAsOneWorker(epochs=4, eta_schedule_n=1, monitor_evaluation_accuracy=True,
                                   monitor_training_cost=True, eta=3.0)
        self.assertSameAsOneWorker(epochs=5, early_stopping_n=1, eta=3.0)

    def test_more_workers_than_cores_still_agree(self):
        self.assertEqual(train(4, sizes=(64, 8, 4)), train(1, sizes=(64, 8, 4)))

    def test_no_process_is_left_behind(self):
        train(3)
        self.assertEqual(multiprocessing.active_children(), [])


@unittest.skipUnless(CAN_FORK, "splitting the work needs processes that fork")
class InterruptionTest(unittest.TestCase):
    def run_stopped_at(self, workers, batch, error=KeyboardInterrupt):
        """Train, raising ``error`` from on_batch after ``batch`` mini-batches; return the net."""
        net = network.Network([64, 12, 4], seed=3)
        count = [0]

        def on_batch(done, total, cost):
            count[0] += 1
            if count[0] == batch:
                raise error
        with self.assertRaises(error):
            net.SGD(synthetic(120), 3, 10, 0.5, verbose=False, workers=workers,
                    on_batch=on_batch)
        return net

    def test_ctrl_c_leaves_the_whole_network_as_one_process_would(self):
        for batch in (5, 12, 20):           # mid-epoch, at an epoch's end, in the second
            with self.subTest(batch=batch):
                one = self.run_stopped_at(1, batch)
                two = self.run_stopped_at(2, batch)
                self.assertEqual(two.weights, one.weights)
                self.assertEqual(two.biases, one.biases)
                self.assertEqual(multiprocessing.active_children(), [])

    def test_a_killed_worker_is_a_clear_error(self):
        net = network.Network([64, 12, 4], seed=3)
        start = (_copy(net.weights), _copy(net.biases))

        def on_batch(done, total, cost):
            if done == 30:
                for child in multiprocessing.active_children():
                    os.kill(child.pid, signal.SIGKILL)
        with self.assertRaises(processes.WorkerError) as caught:
            net.SGD(synthetic(120), 2, 10, 0.5, verbose=False, workers=2, on_batch=on_batch)
        self.assertRegex(str(caught.exception),
                         r"worker 1 \(pid \d+\) stopped with exit code -9 in epoch 0, "
                         r"mini-batch \d+; training stopped; the network is back as it was "
                         r"at the start")
        self.assertEqual((net.weights, net.biases), start, "the newest whole network")
        self.assertEqual(multiprocessing.active_children(), [])

    def test_a_worker_killed_in_a_later_epoch_leaves_the_last_epochs_network(self):
        after_one = network.Network([64, 12, 4], seed=3)
        after_one.SGD(synthetic(120), 1, 10, 0.5, verbose=False)
        net = network.Network([64, 12, 4], seed=3)

        def on_batch(done, total, cost):
            if on_batch.calls == 15:            # mini-batch 3 of the second epoch
                for child in multiprocessing.active_children():
                    os.kill(child.pid, signal.SIGKILL)
            on_batch.calls += 1
        on_batch.calls = 0
        with self.assertRaisesRegex(processes.WorkerError, "back as it was after epoch 0"):
            net.SGD(synthetic(120), 3, 10, 0.5, verbose=False, workers=2, on_batch=on_batch)
        self.assertEqual(net.weights, after_one.weights)
        self.assertEqual(net.biases, after_one.biases)
        self.assertEqual(multiprocessing.active_children(), [])

    def test_a_ctrl_c_while_the_last_epoch_is_measured_is_not_lost(self):
        for workers in (1, 2):
            with self.subTest(workers=workers):
                net = network.Network([64, 12, 4], seed=3)
                test = [(x, y.index(1.0)) for x, y in synthetic(20, seed=1)]

                def on_epoch(record):
                    if record["epoch"] == 1:
                        signal.raise_signal(signal.SIGINT)
                with self.assertRaises(KeyboardInterrupt):
                    net.SGD(synthetic(60), 2, 10, 0.5, test_data=test, verbose=False,
                            workers=workers, on_epoch=on_epoch)
                self.assertEqual(multiprocessing.active_children(), [])

    def test_a_real_sigint_stops_at_a_mini_batchs_end_and_leaves_no_process(self):
        # The script takes SIGINT's default handling itself: a test run as a
        # background job of a shell without job control inherits it ignored.
        script = textwrap.dedent("""
            import math, random, signal, sys
            from pureml import network
            signal.signal(signal.SIGINT, signal.default_int_handler)
            rng = random.Random(0)
            data = [([rng.random() for _ in range(64)], [1.0, 0.0, 0.0, 0.0])
                    for _ in range(200)]
            net = network.Network([64, 16, 4], seed=1)
            def on_batch(done, total, cost):
                if done == 10:
                    print("started", flush=True)
            try:
                net.SGD(data, 100000, 10, 0.1, verbose=False, workers=2, on_batch=on_batch)
            except KeyboardInterrupt:
                import multiprocessing
                print("interrupted; workers left:", len(multiprocessing.active_children()),
                      "; finite:", all(math.isfinite(v) for w in net.weights
                                       for row in w for v in row), flush=True)
            """)
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            self.assertEqual(proc.stdout.readline().strip(), "started")
            time.sleep(0.2)
            os.killpg(proc.pid, signal.SIGINT)      # as a terminal's Ctrl-C: every process
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("interrupted; workers left: 0 ; finite: True", out)

    def test_workers_leave_when_the_parent_dies(self):
        script = textwrap.dedent("""
            import multiprocessing, random, sys
            from pureml import network
            rng = random.Random(0)
            data = [([rng.random() for _ in range(64)], [1.0, 0.0, 0.0, 0.0])
                    for _ in range(200)]
            def on_batch(done, total, cost):
                if done == 10:
                    print(" ".join(str(p.pid) for p in multiprocessing.active_children()),
                          flush=True)
            network.Network([64, 16, 4], seed=1).SGD(data, 100000, 10, 0.1, verbose=False,
                                                     workers=3, on_batch=on_batch)
            """)
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            pids = [int(p) for p in proc.stdout.readline().split()]
            self.assertEqual(len(pids), 2)
            proc.kill()                         # no cleanup code runs in the parent
            proc.wait(30)
            deadline = time.monotonic() + 20
            while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertFalse([pid for pid in pids if _alive(pid)], "orphaned workers")
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
            proc.stderr.close()


def _copy(nested):
    """Return a copy of a list of lists of floats."""
    return [[list(row) for row in layer] if isinstance(layer[0], list) else list(layer)
            for layer in nested]


def _alive(pid):
    """Return True if a process with this pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


if __name__ == "__main__":
    unittest.main()
