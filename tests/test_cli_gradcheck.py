"""Tests for ``pureml gradcheck``.

Each command runs as ``python -m pureml`` in a subprocess on the synthetic
dataset of tests.cli_support (see there).
"""

import re
import unittest

from tests import cli_support
from tests.cli_support import CommandCase, main_in_process, pureml


def setUpModule():
    cli_support.setUpModule()


class GradcheckTest(CommandCase):

    def test_backprop_agrees_with_the_numbers(self):
        result = pureml("gradcheck", "--sizes", "5,4,3", "--cost", "cross-entropy",
                        "--activation", "tanh", "--lmbda", "0.5")
        self.assertSucceeded(result)
        self.assertIn("PASS", result.stdout)
        worst = float(re.search(r"Worst relative error: (\S+) at", result.stdout).group(1))
        self.assertLess(worst, 1e-6)

    def test_exit_status_1_above_the_tolerance(self):
        status, out, _err = main_in_process("gradcheck", "--tolerance", "1e-300")
        self.assertEqual(status, 1)
        self.assertIn("FAIL", out)



if __name__ == "__main__":
    unittest.main()
