"""Tests for ``pureml train``: Nielsen's SGD from the command line, its options, Ctrl-C.

Each command runs as ``python -m pureml`` in a subprocess on the synthetic
dataset of tests.cli_support (see there).
"""

import json
import os
import signal
import tempfile
import unittest
from unittest import mock
import xml.etree.ElementTree as ET

from pureml import __version__, network
from pureml.cli import train_conv
from tests import cli_support
from tests.cli_support import (EPOCH_LINE, N_TEST, N_TRAIN, N_VALIDATION, SMALL, SPLIT,
                               CommandCase, environment, main_in_process,
                               panel_title, parse_svg, pureml, running, series,
                               sigint_default_in_children)
from tests.test_cli_evaluate import main_on_a_terminal


def setUpModule():
    cli_support.setUpModule()


class TrainTest(CommandCase):
    """The chapter-1 run, shrunk: the seed's lines, a saved model and an SVG."""

    @classmethod
    def setUpClass(cls):
        tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(tmp.cleanup)
        cls.model = os.path.join(tmp.name, "net.json")
        cls.svg = os.path.join(tmp.name, "curves.svg")
        cls.result = pureml("train", "--epochs", "2", "--seed", "2", "--save", cls.model,
                            "--plot", cls.svg, *SMALL)

    def test_prints_the_seed_lines_with_times(self):
        self.assertSucceeded(self.result)
        lines = self.result.stdout.splitlines()
        matches = [EPOCH_LINE.match(line) for line in lines[:2]]
        self.assertTrue(all(matches), lines)
        self.assertEqual([int(m.group(1)) for m in matches], [0, 1])
        self.assertEqual([int(m.group(3)) for m in matches], [N_TEST, N_TEST])
        best = max(int(m.group(2)) for m in matches)
        self.assertGreater(best, 25, "the blobs are easy: two epochs beat chance (10)")
        self.assertIn("Best: %d / %d" % (best, N_TEST), self.result.stdout)

    def test_no_progress_bar_when_stderr_is_not_a_terminal(self):
        self.assertNotIn("\r", self.result.stderr)

    def test_says_what_it_trains(self):
        self.assertIn("Training [784, 10, 10] on %d MNIST images" % N_TRAIN,
                      self.result.stderr)
        self.assertIn("seed 2", self.result.stderr)

    def test_saves_a_loadable_model_with_metadata(self):
        self.assertIn("Saved the network to " + self.model, self.result.stdout)
        net = network.load(self.model)
        self.assertEqual(net.sizes, [784, 10, 10])
        with open(self.model, encoding="utf-8") as f:
            saved = json.load(f)
        self.assertEqual(saved["cost"], "QuadraticCost")
        meta = saved["metadata"]
        self.assertEqual(meta["epochs_run"], 2)
        self.assertEqual(meta["seed"], 2)
        self.assertEqual(meta["dataset"], "mnist")
        self.assertEqual(meta["eta"], 3.0)
        self.assertEqual(meta["pureml_version"], __version__)
        self.assertFalse(meta["interrupted"])
        self.assertEqual(meta["best_correct"], max(meta["correct_per_epoch"]))
        self.assertAlmostEqual(meta["best_accuracy"], meta["best_correct"] / N_TEST)
        self.assertRegex(meta["date"], r"^\d{4}-\d\d-\d\dT")

    def test_plots_accuracy_per_epoch_and_cost_per_mini_batch(self):
        self.assertIn("Wrote the training curves to " + self.svg, self.result.stdout)
        root = parse_svg(self.svg)
        self.assertEqual(series(root, "accuracy"), {"test": 2})
        self.assertEqual(series(root, "cost"),
                         {"training (mean of each mini-batch)": 2 * N_TRAIN // 10})
        self.assertEqual(panel_title(root, "cost"), "Cost per mini-batch")


class Network2OptionsTest(CommandCase):
    """network2's options: cost, init, lmbda, momentum, monitoring, validation, schedule."""

    def test_options_reach_the_training(self):
        tmp = self.temporary_folder()
        svg = os.path.join(tmp, "curves.svg")
        model = os.path.join(tmp, "net.json")
        result = pureml("train", "--cost", "cross-entropy", "--init", "default",
                        "--eta", "0.5", "--lmbda", "0.1", "--momentum", "0.5",
                        "--monitor-training", "--evaluate-on", "validation",
                        "--eta-schedule", "1", "--epochs", "3", "--limit", "200",
                        "--seed", "1", "--plot", svg, "--save", model, *SMALL)
        self.assertSucceeded(result)
        lines = result.stdout.splitlines()
        epochs = [EPOCH_LINE.match(line) for line in lines if line.startswith("Epoch")]
        self.assertEqual(len(epochs), 3, lines)
        self.assertTrue(all(epochs), lines)
        self.assertEqual({int(m.group(3)) for m in epochs}, {N_VALIDATION})
        self.assertEqual(float(epochs[0].group(5)), 0.5)
        self.assertGreaterEqual(max(int(m.group(2)) for m in epochs), 45)
        monitored = [line for line in lines if line.startswith("  training data:")]
        self.assertEqual(len(monitored), 3)
        self.assertRegex(monitored[0], r"^  training data: \d+ / 200, cost [\d.e+-]+$")
        self.assertIn("on the validation set", result.stdout)

        root = parse_svg(svg)
        self.assertEqual(series(root, "accuracy"), {"validation": 3, "training": 3})
        self.assertEqual(series(root, "cost"), {"training": 3})
        self.assertEqual(panel_title(root, "cost"), "Cost per epoch")

        with open(model, encoding="utf-8") as f:
            saved = json.load(f)
        self.assertEqual(saved["cost"], "CrossEntropyCost")
        self.assertEqual(saved["metadata"]["lmbda"], 0.1)
        self.assertEqual(saved["metadata"]["momentum"], 0.5)
        self.assertEqual(saved["metadata"]["training_images"], 200)
        self.assertEqual(saved["metadata"]["evaluated_on"], "validation")

    def test_quiet_prints_only_the_summary(self):
        result = pureml("train", "--epochs", "1", "--limit", "50", "--quiet", *SMALL)
        self.assertSucceeded(result)
        self.assertEqual(result.stderr, "")
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertRegex(lines[0], r"^Best: \d+ / %d \(\d+\.\d\d%%\) on the test set, "
                                   r"in epoch 0\.$" % N_TEST)
        self.assertRegex(lines[1], r"^1 epoch in \d+\.\d s\.$")

    def test_divergence_names_the_epoch_and_suggests_a_smaller_eta(self):
        tmp = self.temporary_folder()
        svg = os.path.join(tmp, "curves.svg")
        model = os.path.join(tmp, "net.json")
        result = pureml("train", "--eta", "1e300", "--lmbda", "5", "--epochs", "2",
                        "--save", model, "--plot", svg, *SMALL)
        self.assertCleanError(result)
        self.assertIn("pureml: training diverged in epoch 0", result.stderr)
        self.assertIn("smaller eta", result.stderr)
        self.assertFalse(os.path.exists(model), "a diverged network is not saved")
        parse_svg(svg)      # the curves up to the divergence are still drawn


#: A SimpleConvNet small enough for a test: 4 filters, 10 hidden units, 120 images.
CONV = ["--net", "conv", "--filters", "4", "--hidden", "10", "--limit", "120",
        "--batch-size", "20", "--evaluate-samples", "50"] + SPLIT


class TrainConvTest(CommandCase):
    """--net conv: DLFS's SimpleConvNet with the same lines, files and errors."""

    @classmethod
    def setUpClass(cls):
        tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(tmp.cleanup)
        cls.model = os.path.join(tmp.name, "conv.json")
        cls.svg = os.path.join(tmp.name, "conv.svg")
        cls.result = pureml("train", "--epochs", "2", "--seed", "3", "--save", cls.model,
                            "--plot", cls.svg, *CONV)

    def test_prints_the_epoch_lines_and_the_whole_sets_accuracy(self):
        self.assertSucceeded(self.result)
        lines = self.result.stdout.splitlines()
        self.assertRegex(lines[0], r"^Epoch 0: \d+ / 50  \(\d+\.\d s\)$")
        self.assertRegex(lines[1], r"^Epoch 1: \d+ / 50  ")
        self.assertIn("On all %d test images: " % N_TEST, self.result.stdout)
        self.assertIn("Training SimpleConvNet (4 5x5 filters, 2x2 max pooling, 10 hidden "
                      "ReLUs) on 120 MNIST images: 2 epochs of 6 shuffled mini-batches of 20",
                      self.result.stderr)

    def test_saves_a_params_file_that_evaluate_and_predict_read(self):
        self.assertSucceeded(self.result)
        with open(self.model) as f:
            data = json.load(f)
        self.assertEqual(data["network"], "SimpleConvNet")
        self.assertEqual(data["metadata"]["optimizer"], "adam")
        self.assertEqual(data["metadata"]["epochs_run"], 2)
        result = pureml("evaluate", self.model, *SPLIT)
        self.assertSucceeded(result)
        self.assertIn("SimpleConvNet: 4 filters of 5x5", result.stdout)
        final = data["metadata"]["final_correct"]
        self.assertEqual(data["metadata"]["final_images"], N_TEST)
        self.assertIn("Accuracy on the %d test images: %d / %d" % (N_TEST, final, N_TEST),
                      result.stdout)

    def test_writes_the_plot(self):
        root = parse_svg(self.svg)
        self.assertEqual(series(root, "accuracy"), {"test (first 50)": 2})
        self.assertEqual(series(root, "cost"), {"training (each mini-batch)": 12})

    def test_nielsens_options_are_refused(self):
        result = pureml("train", "--eta", "0.5", *CONV)
        self.assertEqual(result.returncode, 2)
        self.assertIn("argument --eta: applies to --net nielsen", result.stderr)

    def test_workers_give_the_same_network(self):
        tmp = self.temporary_folder()
        saved = []
        for workers in ("1", "2"):
            path = os.path.join(tmp, "net%s.json" % workers)
            result = pureml("train", "--epochs", "1", "--seed", "4", "--sizes", "784,12,10",
                            "--workers", workers, "--save", path, *SPLIT)
            self.assertSucceeded(result)
            self.assertEqual(", 2 processes;" in result.stderr, workers == "2", result.stderr)
            with open(path) as f:
                saved.append(json.load(f)["weights"])
        self.assertEqual(saved[0], saved[1])

    def test_workers_auto_is_the_default_and_one_for_a_small_first_layer(self):
        # SMALL's first layer, 784 x 10, is too little work to share.
        result = pureml("train", "--epochs", "1", "--seed", "4", *SMALL)
        self.assertSucceeded(result)
        self.assertNotIn("processes", result.stderr)

    def test_keep_best_saves_the_epoch_best_on_validation_and_measures_the_test_set(self):
        model = os.path.join(self.temporary_folder(), "best.json")
        result = pureml("train", "--epochs", "4", "--seed", "5", "--keep-best",
                        "--evaluate-on", "validation", "--evaluate-samples", str(N_VALIDATION),
                        "--save", model, *CONV)
        self.assertSucceeded(result)
        epochs = [int(line.split()[2]) for line in result.stdout.splitlines()
                  if line.startswith("Epoch ")]
        self.assertEqual(len(epochs), 4)
        with open(model) as f:
            metadata = json.load(f)["metadata"]
        best = epochs.index(max(epochs))            # the first epoch with the most right
        self.assertEqual(metadata["best_epoch"], best)
        self.assertEqual(metadata["kept_epoch"], best)
        self.assertIn("Kept the network of epoch %d, the best on the validation images."
                      % best, result.stderr)
        test_correct = metadata["test_correct"]
        self.assertIn("On all %d test images: %d / %d" % (N_TEST, test_correct, N_TEST),
                      result.stdout)
        # The file holds the kept network: evaluate finds the same test figure.
        evaluated = pureml("evaluate", model, *SPLIT)
        self.assertSucceeded(evaluated)
        self.assertIn("Accuracy on the %d test images: %d / %d"
                      % (N_TEST, test_correct, N_TEST), evaluated.stdout)

    def test_keep_best_refuses_to_choose_on_the_test_set(self):
        result = pureml("train", "--keep-best", *CONV)
        self.assertEqual(result.returncode, 2)
        self.assertIn("argument --keep-best: choosing the best epoch on the test set",
                      result.stderr)

    def test_a_diverging_run_is_one_clear_error(self):
        result = pureml("train", "--epochs", "3", "--optimizer", "sgd", "--lr", "1e300",
                        "--seed", "1", *CONV)
        self.assertCleanError(result)
        self.assertIn("try a smaller --lr", result.stderr)


class TrainConvExpandTest(CommandCase):
    """--net conv --expand: each mini-batch's images displaced as Nielsen's expand_mnist.py."""

    @classmethod
    def setUpClass(cls):
        tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(tmp.cleanup)
        cls.folder = tmp.name
        cls.model = os.path.join(tmp.name, "book.json")
        cls.svg = os.path.join(tmp.name, "book.svg")
        cls.result = pureml("train", "--epochs", "2", "--seed", "3", "--expand", "book",
                            "--save", cls.model, "--plot", cls.svg, *CONV)

    def weights(self, *options):
        """Train one epoch with seed 6 and ``options``; return the saved params and metadata."""
        path = os.path.join(self.folder, "net%d.json" % len(os.listdir(self.folder)))
        result = pureml("train", "--epochs", "1", "--seed", "6", "--save", path, *options,
                        *CONV)
        self.assertSucceeded(result)
        with open(path) as f:
            data = json.load(f)
        return data["params"], data["metadata"]

    def test_says_how_the_images_are_displaced_and_saves_it(self):
        self.assertSucceeded(self.result)
        self.assertIn("on 120 MNIST images, each displaced as one of expand_mnist.py's five "
                      "variants: 2 epochs of 6 shuffled mini-batches of 20", self.result.stderr)
        self.assertRegex(self.result.stdout.splitlines()[1], r"^Epoch 1: \d+ / 50  ")
        with open(self.model) as f:
            metadata = json.load(f)["metadata"]
        self.assertEqual(metadata["expand"], "book")
        self.assertEqual(metadata["training_images"], 120, "the set is not made larger")
        evaluated = pureml("evaluate", self.model, *SPLIT)
        self.assertSucceeded(evaluated)
        self.assertIn("Accuracy on the %d test images: %d / %d"
                      % (N_TEST, metadata["final_correct"], N_TEST), evaluated.stdout)

    def test_the_plot_names_the_expansion(self):
        root = parse_svg(self.svg)
        self.assertEqual(series(root, "accuracy"), {"test (first 50)": 2})
        self.assertIn("(--expand book)", ET.tostring(root, encoding="unicode"))

    def test_the_displaced_images_change_the_network_and_repeat_with_the_seed(self):
        plain, plain_metadata = self.weights()
        shifted, metadata = self.weights("--expand", "2")
        again, _ = self.weights("--expand", "2")
        self.assertIsNone(plain_metadata["expand"])
        self.assertEqual(metadata["expand"], 2)
        self.assertNotEqual(shifted["W1"], plain["W1"])
        self.assertEqual(shifted, again)

    def test_expand_takes_book_or_a_number_of_pixels(self):
        for value in ("0", "-1", "sideways", "1.5"):
            status, _out, err = main_in_process("train", "--net", "conv", "--expand", value)
            self.assertEqual(status, 2, value)
            self.assertIn("argument --expand: expected book (Nielsen's five variants) or a "
                          "largest shift of at least 1 pixel, not %r" % value, err)


@unittest.skipUnless(os.name == "posix", "Ctrl-C is sent as SIGINT, a POSIX signal")
class InterruptTest(CommandCase):
    """Ctrl-C stops training, saves what there is, and exits 130."""

    def interrupt_after_the_first_epoch(self, *options, evaluated=N_TEST):
        """Run ``train --epochs 100000 OPTIONS``, Ctrl-C after epoch 0; return the exit, out, err."""
        with running("train", "--epochs", "100000", *options, env=environment()) as proc:
            first = proc.stdout.readline()
            self.assertRegex(first, r"^Epoch 0: \d+ / %d  " % evaluated)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate()
        return proc.returncode, out, err

    def test_ctrl_c_saves_the_network_trained_so_far(self):
        tmp = self.temporary_folder()
        model = os.path.join(tmp, "net.json")
        status, out, err = self.interrupt_after_the_first_epoch("--seed", "1", "--save", model,
                                                                *SMALL)
        self.assertEqual(status, 130, err)
        self.assertNotIn("Traceback", err)
        self.assertIn("Interrupted in epoch", err)
        self.assertIn("Saved the network trained so far to " + model, out)
        net = network.load(model)
        self.assertEqual(net.sizes, [784, 10, 10])
        with open(model, encoding="utf-8") as f:
            meta = json.load(f)["metadata"]
        self.assertTrue(meta["interrupted"])
        self.assertGreaterEqual(meta["epochs_run"], 1)
        self.assertEqual(os.listdir(tmp), ["net.json"], "no temporary file is left behind")

    def test_ctrl_c_saves_and_plots_a_conv_net_trained_on_displaced_images(self):
        tmp = self.temporary_folder()
        model, svg = os.path.join(tmp, "conv.json"), os.path.join(tmp, "conv.svg")
        status, out, err = self.interrupt_after_the_first_epoch(
            "--seed", "1", "--expand", "book", "--save", model, "--plot", svg, *CONV,
            evaluated=50)
        self.assertEqual(status, 130, err)
        self.assertNotIn("Traceback", err)
        self.assertIn("Interrupted in epoch", err)
        self.assertIn("Saved the network trained so far to " + model, out)
        with open(model, encoding="utf-8") as f:
            data = json.load(f)
        self.assertEqual(data["network"], "SimpleConvNet")
        self.assertTrue(data["metadata"]["interrupted"])
        self.assertEqual(data["metadata"]["expand"], "book")
        self.assertGreaterEqual(series(parse_svg(svg), "accuracy")["test (first 50)"], 1)
        self.assertEqual(sorted(os.listdir(tmp)), ["conv.json", "conv.svg"])


class FinalMeasurementTest(CommandCase):
    """train --net conv's measurement at the end: said before it starts, --final-samples N|all|0."""

    def train(self, *options, run=main_in_process):
        model = os.path.join(self.temporary_folder(), "conv.json")
        status, out, err = run("train", "--epochs", "1", "--seed", "1", *options,
                               "--save", model, "--data", cli_support.SHARED.root,
                               "--no-download", *CONV)
        self.assertEqual(status, 0, err)
        with open(model, encoding="utf-8") as f:
            return out, err, json.load(f)["metadata"]

    def test_the_count_is_said_first_and_can_be_made_smaller(self):
        out, err, metadata = self.train("--final-samples", "60")
        self.assertIn("Each epoch is measured on the first 50 test images; after the last, the "
                      "first 60 of the %d test images (--final-samples N measures fewer, 0 "
                      "none)." % N_TEST, err)
        self.assertIn("Measuring the trained network on the first 60 of the %d test images"
                      % N_TEST, err)
        self.assertRegex(out, r"On the first 60 of the %d test images: \d+ / 60 " % N_TEST)
        self.assertEqual((metadata["final_images"], metadata["evaluation_set_images"]),
                         (60, N_TEST))

    def test_all_by_default(self):
        out, err, metadata = self.train()
        self.assertIn("Measuring the trained network on all %d test images" % N_TEST, err)
        self.assertEqual(metadata["final_images"], N_TEST)

    def test_zero_skips_it(self):
        out, err, metadata = self.train("--final-samples", "0")
        self.assertNotIn("Measuring the trained network", err)
        self.assertNotIn("after the last", err)
        self.assertNotIn("On ", out)
        self.assertNotIn("final_correct", metadata)

    def test_not_a_count(self):
        status, _out, err = main_in_process("train", "--final-samples", "some", *CONV)
        self.assertEqual(status, 2)
        self.assertIn("argument --final-samples: expected all, or a number of images", err)

    def test_progress_on_a_terminal(self):
        _out, err, _metadata = self.train(run=main_on_a_terminal)
        self.assertIn("\rLoading [", err)
        self.assertRegex(err, r"\rEpoch 0 \[")
        self.assertIn("\rEpoch 0: measuring it on the 50 test images...", err)
        self.assertRegex(err, r"\rMeasuring \[[^\r]*\] +\d+/%d " % N_TEST)

    def test_nielsens_epochs_say_they_are_measuring(self):
        status, _out, err = main_on_a_terminal(
            "train", "--epochs", "1", "--monitor-training", "--data", cli_support.SHARED.root,
            "--no-download", *SMALL)
        self.assertEqual(status, 0, err)
        self.assertIn("\rEpoch 0: measuring it on the %d test images and the %d training "
                      "images..." % (N_TEST, N_TRAIN), err)


@unittest.skipUnless(os.name == "posix", "Ctrl-C is sent as SIGINT, a POSIX signal")
class ConvInterruptTest(CommandCase):
    """Ctrl-C at the points of ``train --net conv`` a subprocess cannot time: in this process.

    The patched measurement sends this process a real SIGINT when it is
    asked to measure ``pairs_to_stop`` images for the ``nth`` time, so the
    command's own handler decides what happens.
    """

    def run_with_ctrl_c(self, pairs_to_stop, nth, *options):
        """Run ``train OPTIONS --net conv ...``, Ctrl-C in that measurement; return (status, out, err, file)."""
        measure = train_conv._correct
        seen = []

        def correct_then_ctrl_c(net, pairs, progress=None):
            if len(pairs) == pairs_to_stop:
                seen.append(pairs)
                if len(seen) == nth:
                    os.kill(os.getpid(), signal.SIGINT)
            return measure(net, pairs, progress)

        model = os.path.join(self.temporary_folder(), "conv.json")
        with sigint_default_in_children(), \
                mock.patch.object(train_conv, "_correct", correct_then_ctrl_c):
            status, out, err = main_in_process(
                "train", *options, "--save", model, "--data", cli_support.SHARED.root,
                "--no-download", *CONV)
        return status, out, err, model

    def test_ctrl_c_while_measuring_the_whole_set_skips_it_and_saves(self):
        status, out, err, model = self.run_with_ctrl_c(N_TEST, 1, "--epochs", "2", "--seed", "1")
        self.assertEqual(status, 130, err)
        self.assertIn("Interrupted while measuring the trained network; saving it", err)
        self.assertNotIn("On all %d test images" % N_TEST, out)
        self.assertIn("Saved the network trained so far to " + model, out)
        with open(model, encoding="utf-8") as f:
            metadata = json.load(f)["metadata"]
        self.assertTrue(metadata["interrupted"])
        self.assertEqual(metadata["epochs_run"], 2, "both epochs were trained")
        self.assertNotIn("final_correct", metadata)

    def test_ctrl_c_with_keep_best_saves_the_kept_epoch_and_says_so(self):
        # Ctrl-C in epoch 2's measurement (of CONV's 50 images): epochs 0 and 1 are complete.
        status, out, err, model = self.run_with_ctrl_c(
            50, 3, "--epochs", "5", "--seed", "5", "--keep-best", "--evaluate-on", "validation")
        self.assertEqual(status, 130, err)
        with open(model, encoding="utf-8") as f:
            data = json.load(f)
        metadata = data["metadata"]
        self.assertEqual(metadata["epochs_run"], 2)
        best = metadata["best_epoch"]
        self.assertEqual(metadata["kept_epoch"], best)
        self.assertIn("Kept the network of epoch %d, the best on the validation images." % best,
                      err)
        self.assertIn("Saved the network of epoch %d (the best on the validation images) to %s"
                      % (best, model), out)
        self.assertNotIn("trained so far", out)
        self.assertNotIn("test_correct", metadata, "the test set is measured only after all "
                                                   "the epochs")

    def test_a_diverging_run_saves_nothing_and_still_draws_its_curves(self):
        tmp = self.temporary_folder()
        model, svg = os.path.join(tmp, "conv.json"), os.path.join(tmp, "conv.svg")
        status, out, err = main_in_process(
            "train", "--epochs", "3", "--optimizer", "sgd", "--lr", "1e300", "--seed", "1",
            "--save", model, "--plot", svg, "--data", cli_support.SHARED.root,
            "--no-download", *CONV)
        self.assertEqual(status, 1, err)
        self.assertIn("try a smaller --lr", err)
        self.assertIn("Nothing saved: the network of a diverged run is no use.", err)
        self.assertEqual(os.listdir(tmp), ["conv.svg"])
        self.assertGreaterEqual(series(parse_svg(svg), "cost")["training (each mini-batch)"], 1)


if __name__ == "__main__":
    unittest.main()
