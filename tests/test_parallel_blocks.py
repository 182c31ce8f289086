"""Tests for pureml.parallel.blocks: a conv net's gradient in fixed blocks, the same on 1, 2 and 3 processes."""

import doctest
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import unittest

from pureml import convnet, layernet, network3
from pureml.errors import ArgumentError, WorkerError
from pureml.optimizers import OPTIMIZERS
from pureml.parallel import blocks, processes
from pureml.trainer import Trainer
from tests.support import NestedAlmostEqual
from tests.test_parallel_sgd import REPO, _alive

CAN_FORK = processes.fork_context() is not None


def load_tests(loader, tests, ignore):
    """Add blocks.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(blocks))
    return tests


def images(n, size=10, seed=0):
    """Return n one-channel images and labels 0-3: a bright quarter says the label."""
    rng = random.Random(seed)
    x, t = [], []
    for _ in range(n):
        label = rng.randrange(4)
        image = [[rng.random() * 0.3 if rng.random() < 0.3 else 0.0 for _ in range(size)]
                 for _ in range(size)]
        half = size // 2
        for i in range(half):
            for j in range(half):
                image[i + half * (label // 2)][j + half * (label % 2)] += 0.7
        x.append([image])
        t.append(label)
    return x, t


def small_convnet(seed=1):
    return convnet.SimpleConvNet(input_dim=(1, 10, 10), conv_param={"filter_num": 3,
                                 "filter_size": 3}, hidden_size=12, output_size=4,
                                 weight_init_std=0.1, seed=seed)


def trained(workers, optimizer="adam", steps_per_epoch=None, **options):
    """Return (params, losses, accuracies) after a Trainer's epochs with ``workers``."""
    x, t = images(60)
    net = small_convnet()
    trainer = Trainer(net, x, t, x[:20], t[:20], epochs=2, mini_batch_size=20,
                      optimizer=optimizer, optimizer_param={"lr": 0.01}, verbose=False, seed=3,
                      workers=workers, **options)
    trainer.train()
    return net.params, trainer.train_loss_list, trainer.test_acc_list


class BlocksTest(unittest.TestCase):
    def test_blocks_depend_on_the_batch_size_alone(self):
        self.assertEqual(blocks.blocks_of(100), [(k, k + 10) for k in range(0, 100, 10)])
        self.assertEqual(blocks.blocks_of(10), [(0, 5), (5, 10)])
        self.assertEqual(blocks.blocks_of(3), [(0, 3)])
        self.assertEqual(blocks.blocks_of(23), [(0, 5), (5, 10), (10, 15), (15, 20), (20, 23)])

    def test_a_network_with_batch_normalization_is_refused(self):
        net = layernet.MultiLayerNet(4, [3], 2, use_batchnorm=True, seed=0)
        with self.assertRaisesRegex(ArgumentError, "BatchNorm1 normalises over the whole"):
            blocks.Pool(net)

    def test_a_batch_larger_than_the_pool_is_refused(self):
        with blocks.Pool(small_convnet(), 1, max_batch=4) as pool:
            x, t = images(5)
            with self.assertRaises(ArgumentError):
                pool.gradient(x, t)


class OneProcessTest(NestedAlmostEqual, unittest.TestCase):
    def test_the_blocks_add_up_to_the_books_gradient_to_rounding(self):
        x, t = images(20)
        net = small_convnet()
        book = net.gradient(x, t)
        with blocks.Pool(net, 1, max_batch=20) as pool:
            blocked = pool.gradient(x, t)
        for key in book:
            self.assertNestedAlmostEqual(blocked[key], book[key], rel_tol=1e-9, abs_tol=1e-12)


@unittest.skipUnless(CAN_FORK, "sharing the work needs processes that fork")
class SameNumbersTest(unittest.TestCase):
    def test_every_optimizer_on_1_2_and_3_processes(self):
        for name in OPTIMIZERS:
            with self.subTest(optimizer=name):
                one = trained(1, name)
                self.assertEqual(trained(2, name), one)
                self.assertEqual(trained(3, name), one)
        self.assertEqual(multiprocessing.active_children(), [])

    def test_network3_with_dropout_on_1_2_and_3_processes(self):
        x, t = images(40, size=12)
        flat = ([[v for row in image[0] for v in row] for image in x], t)

        def run(workers):
            rng = random.Random(4)
            net = network3.Network([
                network3.ConvPoolLayer(image_shape=(10, 1, 12, 12), filter_shape=(3, 1, 3, 3),
                                       activation_fn=network3.ReLU, rng=rng),
                network3.FullyConnectedLayer(n_in=3 * 5 * 5, n_out=10, p_dropout=0.3,
                                             activation_fn=network3.ReLU, rng=rng),
                network3.SoftmaxLayer(n_in=10, n_out=4, p_dropout=0.2, rng=rng)], 10)
            net.SGD(flat, 2, 10, 0.1, flat, lmbda=0.1, verbose=False, workers=workers)
            return net.params
        one = run(1)
        self.assertEqual(run(2), one)
        self.assertEqual(run(3), one)
        self.assertEqual(multiprocessing.active_children(), [])


@unittest.skipUnless(CAN_FORK, "sharing the work needs processes that fork")
class InterruptionTest(unittest.TestCase):
    def test_ctrl_c_between_steps_leaves_the_network_as_one_process_would(self):
        def stop_at(step):
            def on_step(trainer):
                if trainer.current_iter == step:
                    raise KeyboardInterrupt
            return on_step
        for step in (2, 5):
            with self.subTest(step=step):
                results = []
                for workers in (1, 2):
                    x, t = images(60)
                    net = small_convnet()
                    trainer = Trainer(net, x, t, x[:20], t[:20], epochs=2, mini_batch_size=20,
                                      optimizer="adam", verbose=False, seed=3, workers=workers,
                                      on_step=stop_at(step))
                    with self.assertRaises(KeyboardInterrupt):
                        trainer.train()
                    results.append((net.params, trainer.train_loss_list))
                self.assertEqual(results[1], results[0])
                self.assertEqual(multiprocessing.active_children(), [])

    def test_a_killed_worker_is_a_clear_error_and_the_network_is_whole(self):
        x, t = images(60)
        net = small_convnet()
        kept = []

        def on_step(trainer):
            kept.append({key: [row[:] if isinstance(row, list) else row for row in value]
                         for key, value in net.params.items()})
            if trainer.current_iter == 3:
                for child in multiprocessing.active_children():
                    os.kill(child.pid, signal.SIGKILL)
        trainer = Trainer(net, x, t, x[:20], t[:20], epochs=2, mini_batch_size=20,
                          optimizer="sgd", verbose=False, seed=3, workers=2, on_step=on_step)
        with self.assertRaisesRegex(WorkerError, "exit code -9"):
            trainer.train()
        self.assertEqual(len(kept), 3, "killed after the third step")
        self.assertEqual(net.params["b3"], kept[-1]["b3"], "as the last whole step left it")
        self.assertEqual(multiprocessing.active_children(), [])

    def test_workers_leave_when_the_parent_dies(self):
        script = textwrap.dedent("""
            import os, sys
            from pureml.parallel.blocks import Pool
            from tests.test_parallel_blocks import images, small_convnet
            x, t = images(20)
            net = small_convnet()
            with Pool(net, 2, max_batch=20) as pool:
                pool.gradient(x, t)
                import multiprocessing
                print(multiprocessing.active_children()[0].pid, flush=True)
                sys.stdin.readline()
            """)
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            pid = int(proc.stdout.readline())
            proc.kill()
            proc.wait(30)
            deadline = time.monotonic() + 20
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertFalse(_alive(pid), "a worker outlived its parent")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
            proc.stdin.close()


if __name__ == "__main__":
    unittest.main()
