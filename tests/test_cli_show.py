"""Tests for ``pureml show``.

Each command runs as ``python -m pureml`` in a subprocess on the synthetic
dataset of tests.cli_support (see there).
"""

import re
import unittest

from tests import cli_support
from tests.cli_support import N_TEST, SHARED, SPLIT, CommandCase, main_in_process, pureml


def setUpModule():
    cli_support.setUpModule()


class ShowTest(CommandCase):
    """show draws images with their labels."""

    def test_images_with_their_labels(self):
        result = pureml("show", "0", "7", "--style", "ascii", *SPLIT)
        self.assertSucceeded(result)
        labels = SHARED.labels["test"]
        self.assertEqual(re.findall(r"#(\d+): (\d)", result.stdout),
                         [("0", str(labels[0])), ("7", str(labels[7]))])
        self.assertIn("@", result.stdout)

    def test_other_sets(self):
        status, out, _err = main_in_process("show", "--set", "validation", "--data",
                                            SHARED.root, *SPLIT, "59")
        self.assertEqual(status, 0)
        self.assertIn("#59: %d" % SHARED.labels["validation"][59], out)

    def test_index_out_of_range(self):
        status, out, err = main_in_process("show", "--data", SHARED.root, *SPLIT,
                                           "3", str(N_TEST))
        self.assertEqual(status, 1)
        self.assertEqual(out, "")
        self.assertEqual(err, "pureml: index %d is out of range: the test set has %d "
                              "images (indices 0 to %d)\n" % (N_TEST, N_TEST, N_TEST - 1))



if __name__ == "__main__":
    unittest.main()
