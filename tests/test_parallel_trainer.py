"""Tests for pureml.parallel.trainer: the Trainer on several processes gives the same network."""

import multiprocessing
import os
import random
import signal
import unittest

from pureml.parallel import processes
from pureml.parallel import trainer as parallel_trainer
from pureml.convnet import SimpleConvNet
from pureml.layernet import MultiLayerNet, TwoLayerNet
from pureml.trainer import Trainer

CAN_FORK = processes.fork_context() is not None


def data(n=240, size=40, classes=4, seed=0):
    rng = random.Random(seed)
    x = [[rng.random() if rng.random() < 0.3 else 0.0 for _ in range(size)] for _ in range(n)]
    return x, [int(sum(v[:5]) * 2) % classes for v in x]


def trained(make, workers, optimizer="adam", on_step=None, epochs=3):
    """Return (params, losses, accuracies) after a Trainer run with ``workers`` processes."""
    x, t = data()
    net = make()
    trainer = Trainer(net, x, t, x[:40], t[:40], epochs=epochs, mini_batch_size=20,
                      optimizer=optimizer, optimizer_param={"lr": 0.05}, verbose=False,
                      seed=5, workers=workers, on_step=on_step)
    try:
        trainer.train()
    except KeyboardInterrupt:
        pass
    return net.params, trainer.train_loss_list, trainer.test_acc_list


@unittest.skipUnless(CAN_FORK, "splitting the work needs processes that fork")
class SameNetworkTest(unittest.TestCase):
    def assertSame(self, make, **options):
        one = trained(make, 1, **options)
        for workers in (2, 3):
            with self.subTest(workers=workers):
                self.assertEqual(trained(make, workers, **options), one)
        self.assertEqual(multiprocessing.active_children(), [])

    def test_two_layer_net_with_every_optimizer(self):
        for optimizer in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"):
            with self.subTest(optimizer=optimizer):
                self.assertSame(lambda: TwoLayerNet(40, 12, 4, seed=1), optimizer=optimizer)

    def test_multi_layer_net_with_dropout_and_batch_norm(self):
        self.assertSame(lambda: MultiLayerNet(40, [10, 8], 4, use_dropout=True,
                                              dropout_ratio=0.2, seed=2))
        self.assertSame(lambda: MultiLayerNet(40, [10, 8], 4, activation="sigmoid",
                                              use_batchnorm=True, seed=3))

    def test_ctrl_c_between_two_steps_leaves_the_same_network(self):
        def stop_at(step):
            def on_step(trainer):
                if trainer.current_iter == step:
                    raise KeyboardInterrupt
            return on_step
        for step in (7, 12, 25):
            with self.subTest(step=step):
                one = trained(lambda: TwoLayerNet(40, 12, 4, seed=1), 1, on_step=stop_at(step))
                two = trained(lambda: TwoLayerNet(40, 12, 4, seed=1), 2, on_step=stop_at(step))
                self.assertEqual(two, one)
        self.assertEqual(multiprocessing.active_children(), [])


@unittest.skipUnless(CAN_FORK, "splitting the work needs processes that fork")
class InterruptionTest(unittest.TestCase):
    def test_a_real_sigint_stops_a_split_trainer_where_one_process_stops(self):
        def sigint_at(step):
            def on_step(trainer):
                if trainer.current_iter == step:
                    signal.raise_signal(signal.SIGINT)
            return on_step
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            one = trained(lambda: TwoLayerNet(40, 12, 4, seed=1), 1, on_step=sigint_at(9))
            two = trained(lambda: TwoLayerNet(40, 12, 4, seed=1), 2, on_step=sigint_at(9))
        finally:
            signal.signal(signal.SIGINT, previous)
        self.assertEqual(len(one[1]), 9, "one process stops at the step")
        self.assertEqual(two, one)
        self.assertEqual(multiprocessing.active_children(), [])

    def test_a_killed_worker_leaves_the_parameters_of_the_last_measurement(self):
        x, t = data()
        measured = []

        def on_epoch(trainer):
            measured.append({k: processes.copy_nested(v) for k, v in trainer.network.params.items()})

        def on_step(trainer):
            if trainer.current_iter == 17:          # in the second epoch (12 steps each)
                for child in multiprocessing.active_children():
                    os.kill(child.pid, signal.SIGKILL)
        net = TwoLayerNet(40, 12, 4, seed=1)
        trainer = Trainer(net, x, t, x[:40], t[:40], epochs=3, mini_batch_size=20,
                          optimizer="adam", verbose=False, seed=5, workers=2,
                          on_step=on_step, on_epoch=on_epoch)
        with self.assertRaisesRegex(processes.WorkerError,
                                    r"exit code -9 .*back as they were at the last measurement"):
            trainer.train()
        self.assertEqual(net.params, measured[-1])
        self.assertEqual(len(measured), 2, "measured after steps 0 and 12")
        self.assertEqual(multiprocessing.active_children(), [])


class WhatSplitsTest(unittest.TestCase):
    def test_weight_decay_and_conv_nets_train_in_one_process(self):
        self.assertEqual(parallel_trainer.can_split(
            MultiLayerNet(40, [10], 4, weight_decay_lambda=0.1), 2), 1)
        self.assertEqual(parallel_trainer.can_split(
            SimpleConvNet(input_dim=(1, 8, 8), conv_param={"filter_num": 2,
                                                           "filter_size": 3}, seed=0), 2), 1)

    @unittest.skipUnless(CAN_FORK, "splitting the work needs processes that fork")
    def test_a_split_network_is_whole_after_training(self):
        params, _, _ = trained(lambda: TwoLayerNet(40, 12, 4, seed=1), 2, epochs=1)
        self.assertEqual([len(row) for row in params["W1"]], [12] * 40)


if __name__ == "__main__":
    unittest.main()
