"""Tests for pureml.trainer: DLFS's Trainer, its schedule, lists, callbacks and errors."""

import contextlib
import io
import math
import random
import unittest

from pureml import optimizers
from pureml.layernet import MultiLayerNet, TwoLayerNet
from pureml.errors import ArgumentError, DivergenceError
from pureml.trainer import Trainer


def blobs(rng, n, size=6, classes=3):
    """Return (x, t): n points in ``classes`` well separated groups, int labels."""
    x, t = [], []
    for _ in range(n):
        label = rng.randrange(classes)
        x.append([rng.gauss(3.0 if k % classes == label else 0.0, 0.5) for k in range(size)])
        t.append(label)
    return x, t


class RecordingNet(TwoLayerNet):
    """A TwoLayerNet that records how many examples each accuracy() call measured."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measured = []

    def accuracy(self, x, t):
        self.measured.append(len(x))
        return super().accuracy(x, t)


class TrainerTest(unittest.TestCase):
    def setUp(self):
        rng = random.Random(1)
        self.x_train, self.t_train = blobs(rng, 20)
        self.x_test, self.t_test = blobs(rng, 8)

    def trainer(self, net=None, **kwargs):
        kwargs.setdefault("verbose", False)
        kwargs.setdefault("seed", 0)
        return Trainer(net or TwoLayerNet(6, 5, 3, seed=0), self.x_train, self.t_train,
                       self.x_test, self.t_test, **kwargs)

    def test_the_books_schedule(self):
        # 20 images in batches of 5: an epoch is 4 steps; measured after steps 1, 5 and 9.
        net = RecordingNet(6, 5, 3, seed=0)
        trainer = self.trainer(net, epochs=3, mini_batch_size=5)
        self.assertEqual((trainer.iter_per_epoch, trainer.max_iter), (4.0, 12))
        trainer.train()
        self.assertEqual(len(trainer.train_loss_list), 12)
        self.assertEqual(len(trainer.train_acc_list), 3)
        self.assertEqual(len(trainer.test_acc_list), 3)
        self.assertEqual(trainer.current_epoch, 3)
        self.assertEqual(net.measured, [20, 8] * 3 + [8])    # then the final test accuracy

    def test_evaluate_sample_num_per_epoch(self):
        net = RecordingNet(6, 5, 3, seed=0)
        self.trainer(net, epochs=2, mini_batch_size=5, evaluate_sample_num_per_epoch=3).train()
        self.assertEqual(net.measured, [3, 3, 3, 3, 8])

    def test_it_learns(self):
        net = TwoLayerNet(6, 8, 3, weight_init_std=0.3, seed=2)
        trainer = self.trainer(net, epochs=30, mini_batch_size=5, optimizer="adam",
                               optimizer_param={"lr": 0.05})
        final = trainer.train()
        self.assertLess(trainer.train_loss_list[-1], trainer.train_loss_list[0] / 4)
        self.assertGreaterEqual(final, 0.9)
        self.assertEqual(final, net.accuracy(self.x_test, self.t_test))

    def test_a_seed_repeats_the_run(self):
        runs = []
        for _ in range(2):
            trainer = self.trainer(MultiLayerNet(6, [4], 3, seed=3), epochs=2,
                                   mini_batch_size=4, seed=9)
            trainer.train()
            runs.append(trainer.train_loss_list)
        self.assertEqual(runs[0], runs[1])

    def test_optimizer_by_name_with_the_books_default_lr(self):
        trainer = self.trainer(optimizer="Momentum")
        self.assertIsInstance(trainer.optimizer, optimizers.Momentum)
        self.assertEqual(trainer.optimizer.lr, 0.01)

    def test_on_step_can_stop_between_two_steps(self):
        net = TwoLayerNet(6, 5, 3, seed=0)
        steps = []

        def on_step(trainer):
            steps.append(trainer.current_iter)
            if trainer.current_iter == 3:
                raise KeyboardInterrupt
        trainer = self.trainer(net, epochs=5, mini_batch_size=5, on_step=on_step)
        with self.assertRaises(KeyboardInterrupt):
            trainer.train()
        self.assertEqual(steps, [1, 2, 3])
        self.assertEqual(len(trainer.train_loss_list), 3)

    def test_on_epoch_sees_the_new_accuracies(self):
        seen = []
        self.trainer(epochs=2, mini_batch_size=10,
                     on_epoch=lambda t: seen.append(len(t.test_acc_list))).train()
        self.assertEqual(seen, [1, 2])

    def test_verbose_prints_the_books_lines(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.trainer(epochs=1, mini_batch_size=10, verbose=True, stream=io.StringIO()).train()
        lines = out.getvalue().splitlines()
        self.assertTrue(lines[0].startswith("=== epoch:1, train acc:"), lines)
        self.assertEqual(lines[-2], "=============== Final Test Accuracy ===============")
        self.assertTrue(lines[-1].startswith("test acc:"))

    def test_a_diverging_run_stops_with_a_clear_error(self):
        net = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=0)
        trainer = self.trainer(net, epochs=50, mini_batch_size=5, optimizer="sgd",
                               optimizer_param={"lr": 1e6})
        with self.assertRaises(DivergenceError) as caught:
            trainer.train()
        self.assertIn("smaller lr", str(caught.exception))

    def test_nan_weights_show_in_the_loss_and_stop_the_run(self):
        net = TwoLayerNet(6, 5, 3, seed=0)
        net.params["W1"][2][1] = math.nan
        with self.assertRaisesRegex(DivergenceError, "the loss became nan at step 0"):
            self.trainer(net, epochs=1, mini_batch_size=5).train()


class TrainerArgumentTest(unittest.TestCase):
    def make(self, **kwargs):
        args = dict(network=TwoLayerNet(2, 2, 2, seed=0), x_train=[[0.0, 1.0]] * 4,
                    t_train=[0, 1, 0, 1], x_test=[[1.0, 0.0]], t_test=[1], verbose=False)
        args.update(kwargs)
        return Trainer(**args)

    def test_data_and_labels_of_different_lengths(self):
        with self.assertRaises(ArgumentError):
            self.make(t_train=[0, 1])

    def test_no_test_data(self):
        with self.assertRaises(ArgumentError):
            self.make(x_test=[], t_test=[])

    def test_bad_epochs(self):
        with self.assertRaises(ArgumentError):
            self.make(epochs=-1)

    def test_bad_mini_batch_size(self):
        with self.assertRaises(ArgumentError):
            self.make(mini_batch_size=0)

    def test_bad_evaluate_sample_num(self):
        with self.assertRaises(ArgumentError):
            self.make(evaluate_sample_num_per_epoch=0.5)

    def test_unknown_optimizer(self):
        with self.assertRaises(optimizers.ArgumentError):
            self.make(optimizer="lbfgs")

    def test_errors_are_value_errors(self):
        self.assertTrue(issubclass(ArgumentError, ValueError))


if __name__ == "__main__":
    unittest.main()
