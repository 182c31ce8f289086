"""Tests for ``pureml predict``: the learner's own images.

Each command runs as ``python -m pureml`` in a subprocess on the synthetic
dataset of tests.cli_support (see there).
"""

import os
import unittest

from pureml import network
from pureml.engine.vectors import argmax
from pureml.data import images
from tests import cli_support
from tests.cli_support import SHARED, CommandCase, main_in_process, pureml
from tests.test_data_png import encode_png


def setUpModule():
    cli_support.setUpModule()


def digit_pixels(width, height):
    """Return gray samples (0-255) of a dark "7" on white paper, ``width`` by ``height``."""
    samples = [255] * (width * height)
    for y in range(height):
        for x in range(width):
            bar = height // 8 <= y < height // 8 + 6 and width // 5 <= x < 4 * width // 5
            stroke_x = 4 * width // 5 - (y - height // 8) * width // (2 * height)
            stroke = y >= height // 8 and abs(x - stroke_x) <= 3
            if bar or stroke:
                samples[y * width + x] = 20
    return samples


class PredictTest(CommandCase):
    """predict reads the learner's own PNG and PGM files."""

    def setUp(self):
        folder = self.temporary_folder()
        self.png = os.path.join(folder, "seven.png")
        with open(self.png, "wb") as f:
            f.write(encode_png(40, 56, 0, 8, digit_pixels(40, 56)))
        self.pgm = os.path.join(folder, "seven.pgm")
        with open(self.pgm, "wb") as f:
            f.write(b"P5\n30 30\n255\n" + bytes(digit_pixels(30, 30)))
        self.broken = os.path.join(folder, "broken.png")
        with open(self.broken, "wb") as f:
            f.write(encode_png(40, 56, 0, 8, digit_pixels(40, 56))[:60])
        self.absent = os.path.join(folder, "absent.png")
        self.net = network.load(SHARED.model)

    def expected_line(self, path):
        """Return the line predict should print for ``path``, computed here."""
        output = self.net.feedforward(images.load_digit(path))
        return "%s: %d  [%s]" % (path, argmax(output),
                                 " ".join("%.3f" % a for a in output))

    def test_one_line_per_image(self):
        result = pureml("predict", SHARED.model, self.png, self.pgm)
        self.assertSucceeded(result)
        self.assertEqual(result.stdout.splitlines(),
                         [self.expected_line(self.png), self.expected_line(self.pgm)])

    def test_bad_files_are_named_and_the_others_still_predicted(self):
        result = pureml("predict", SHARED.model, self.broken, self.png, self.absent,
                        "--show", "--style", "ascii")
        self.assertCleanError(result)
        errors = result.stderr.splitlines()
        self.assertEqual(len(errors), 2, result.stderr)
        self.assertTrue(errors[0].startswith("pureml: %s: " % self.broken), errors)
        self.assertEqual(errors[1], "pureml: %s: No such file or directory" % self.absent)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], self.expected_line(self.png))
        drawing = lines[1:29]
        self.assertEqual(len(drawing), 28, "--show draws the 28x28 input")
        self.assertTrue(any(set(line) - {" "} for line in drawing))

    def test_a_model_that_is_not_json_text(self):
        path = os.path.join(self.temporary_folder(), "model.json")
        with open(path, "wb") as f:
            f.write(b"\xff\xfe\x00\x81 not a model")
        status, out, err = main_in_process("predict", path, self.png)
        self.assertEqual(status, 1)
        self.assertEqual(out, "")
        self.assertIn("pureml: %s: not a model file" % path, err)



if __name__ == "__main__":
    unittest.main()
