"""Tests for ``pureml evaluate``.

Each command runs as ``python -m pureml`` in a subprocess on the synthetic
dataset of tests.cli_support (see there).
"""

import json
import os
import re
import unittest

from pureml import network
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



if __name__ == "__main__":
    unittest.main()
