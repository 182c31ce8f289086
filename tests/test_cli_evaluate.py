"""Tests for ``pureml evaluate``.

Each command runs as ``python -m pureml`` in a subprocess on the synthetic
dataset of tests.cli_support (see there).
"""

import contextlib
import io
import json
import os
import re
import unittest
from unittest import mock

from pureml import cli, network
from pureml.cli import evaluate, models
from pureml.engine.vectors import argmax
from tests import cli_support
from tests.cli_support import N_TEST, SHARED, SPLIT, CommandCase, main_in_process, pureml


def setUpModule():
    cli_support.setUpModule()


class EvaluateTest(CommandCase):
    """Accuracy, per-class accuracy, the confusion matrix and the misclassified images."""

    def setUp(self):
        self.net = network.load(SHARED.model)
        self.predictions = [argmax(self.net.feedforward(x))
                            for x, _ in SHARED.test_data]

    def test_accuracy_confusion_matrix_and_misclassified_images(self):
        result = pureml("evaluate", SHARED.model, "--misclassified", "3", *SPLIT)
        self.assertSucceeded(result)
        labels = SHARED.labels["test"]
        correct = sum(p == y for p, y in zip(self.predictions, labels))
        self.assertIn("Accuracy on the %d test images: %d / %d"
                      % (N_TEST, correct, N_TEST), result.stdout)
        lines = result.stdout.splitlines()

        start = lines.index("Per class (correct / images):") + 1
        per_class = lines[start:start + 10]
        for digit, line in enumerate(per_class):
            right = sum(p == y == digit for p, y in zip(self.predictions, labels))
            self.assertRegex(line, r"^%d:\s+%d / %d\s" % (digit, right, labels.count(digit)))

        start = next(i for i, line in enumerate(lines) if line.startswith("true\\pred"))
        self.assertEqual(lines[start].split()[1:], [str(d) for d in range(10)])
        rows = [[int(v) for v in line.split()] for line in lines[start + 1:start + 11]]
        expected = [[0] * 10 for _ in range(10)]
        for p, y in zip(self.predictions, labels):
            expected[y][p] += 1
        self.assertEqual([row[0] for row in rows], list(range(10)))
        self.assertEqual([row[1:] for row in rows], expected)

        wrong = [i for i, (p, y) in enumerate(zip(self.predictions, labels)) if p != y]
        self.assertGreater(len(wrong), 0, "the one-epoch model should make mistakes")
        captions = re.findall(r"#(\d+): (\d), predicted (\d)", result.stdout)
        self.assertEqual(captions, [(str(i), str(labels[i]), str(self.predictions[i]))
                                    for i in wrong[:3]])

    def test_a_corrupt_model_file_is_one_clear_error(self):
        path = os.path.join(self.temporary_folder(), "broken.json")
        with open(SHARED.model, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text[:len(text) // 2])
        result = pureml("evaluate", path, *SPLIT)
        self.assertCleanError(result)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn(path, result.stderr)
        self.assertIn("not a valid model file", result.stderr)

    def test_a_model_file_claiming_a_billion_neurons_is_one_line(self):
        with open(SHARED.model) as f:
            data = json.load(f)
        data["sizes"] = [784, 10 ** 9, 10]
        path = os.path.join(self.temporary_folder(), "huge.json")
        with open(path, "w") as f:
            json.dump(data, f)
        result = pureml("evaluate", path, *SPLIT)
        self.assertCleanError(result)
        self.assertEqual(result.stderr.strip().splitlines(), [
            "pureml: %s: weights[0] holds 10 rows, but sizes [784, 1000000000, 10] says "
            "layer 1 has 1000000000" % path])

    def test_a_missing_model_file(self):
        path = os.path.join(self.temporary_folder(), "absent.json")
        status, out, err = main_in_process("evaluate", path, "--data", SHARED.root, *SPLIT)
        self.assertEqual(status, 1)
        self.assertEqual(err, "pureml: %s: No such file or directory\n" % path)


class Terminal(io.StringIO):
    """A captured stream that says it is a terminal, so that progress bars draw on it."""

    def isatty(self):
        return True


def main_on_a_terminal(*argv):
    """Run ``cli.main(argv)`` here with stderr a Terminal; return (status, stdout, stderr)."""
    out, err = io.StringIO(), Terminal()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


class ProgressTest(CommandCase):
    """evaluate shows how far it has got, on a terminal only."""

    def test_loading_and_measuring_have_progress_bars_on_a_terminal(self):
        status, out, err = main_on_a_terminal("evaluate", SHARED.model, "--workers", "1",
                                              "--data", SHARED.root, *SPLIT)
        self.assertEqual(status, 0, err)
        self.assertIn("\rLoading [", err)
        self.assertRegex(err, r"\rMeasuring \[[^\r]*\] +\d+/%d " % N_TEST)
        self.assertTrue(err.endswith("\r"), "the bar is blanked before the results")
        self.assertIn("Accuracy on the %d test images" % N_TEST, out)

    def test_nothing_is_drawn_elsewhere(self):
        status, _out, err = main_in_process("evaluate", SHARED.model, "--workers", "1",
                                            "--data", SHARED.root, *SPLIT)
        self.assertEqual((status, err), (0, ""))

    def test_the_blocks_give_the_same_answers_as_one_pass(self):
        model = models.load(SHARED.model)
        pixels = [x for x, _ in SHARED.test_data] * 3
        each, blocks = evaluate.processes.each, []

        def counted(function, items, workers):
            blocks.append(len(items))
            return each(function, items, workers)
        # Each block "takes" 10 s, so the next is as small as they come: 100 images.
        with mock.patch.object(evaluate.time, "monotonic", iter(range(0, 10 ** 6, 10)).__next__), \
                mock.patch.object(evaluate.processes, "each", counted):
            predictions = evaluate.predict_all(model, pixels, 1)
        self.assertEqual(blocks, [100, 100, 100])
        self.assertEqual(predictions, [argmax(a) for a in model.outputs(pixels)])


class MetadataTest(CommandCase):
    """evaluate says how the network was trained, from the file's metadata."""

    def saved_with(self, **metadata):
        path = os.path.join(self.temporary_folder(), "net.json")
        network.load(SHARED.model).save(path, metadata=metadata)
        return path

    def test_an_interrupted_run(self):
        path = self.saved_with(dataset="mnist", training_images=50000, epochs_requested=30,
                               epochs_run=0, interrupted=True,
                               images_into_unfinished_epoch=4220, correct_per_epoch=[],
                               evaluated_on="test", evaluation_images=10000)
        status, out, err = main_in_process("evaluate", path, "--data", SHARED.root, *SPLIT)
        self.assertEqual(status, 0, err)
        self.assertIn("; trained 0 of 30 epochs on 50000 MNIST training images, interrupted "
                      "4220 images into epoch 0\n", out)
        self.assertNotIn("Measured in training", out)

    def test_a_limited_run_and_what_it_measured(self):
        path = self.saved_with(dataset="mnist", training_images=10000, epochs_requested=2,
                               epochs_run=2, interrupted=False, correct_per_epoch=[8, 9],
                               evaluated_on="validation", evaluation_images=10)
        status, out, err = main_in_process("evaluate", path, "--data", SHARED.root, *SPLIT)
        self.assertEqual(status, 0, err)
        self.assertIn("; trained 2 epochs on 10000 MNIST training images\n", out)
        self.assertIn("Measured in training: 90.00% right on the 10 validation images, after "
                      "epoch 1\n", out)


class OutputsRuleTest(CommandCase):
    """evaluate, predict and serve read only networks of 784 inputs and 10 outputs."""

    def test_five_outputs_are_refused_by_all_three_alike(self):
        path = os.path.join(self.temporary_folder(), "five.json")
        network.Network([784, 30, 5], seed=1).save(path)
        image = os.path.join(self.temporary_folder(), "digit.pgm")
        with open(image, "wb") as f:
            f.write(b"P5 4 4 255\n" + bytes([0, 255] * 8))
        expected = ("pureml: %s: the network has 5 outputs; evaluate, predict and serve "
                    "read networks with 10, one for each class of MNIST (and Fashion-MNIST)\n"
                    % path)
        for argv in (["evaluate", path, "--data", SHARED.root], ["predict", path, image],
                     ["serve", path, "--port", "0"]):
            with self.subTest(command=argv[0]):
                status, out, err = main_in_process(*argv)
                self.assertEqual((status, out, err), (1, "", expected))


if __name__ == "__main__":
    unittest.main()
