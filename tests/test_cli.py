"""Tests for the command line as a whole: python -m pureml, --help, --version, bad options.

The commands have a test file each (tests/test_cli_train.py and so on);
what they share is in tests/cli_support.py.
"""

import os
import unittest

from pureml import __version__, gradcheck
from tests import cli_support
from tests.cli_support import CommandCase, main_in_process, pureml


def setUpModule():
    cli_support.setUpModule()


class HelpTest(CommandCase):

    def test_help_lists_the_commands(self):
        result = pureml("--help")
        self.assertSucceeded(result)
        self.assertIn("usage: python -m pureml", result.stdout)
        for command in ("train", "evaluate", "predict", "show", "download", "gradcheck"):
            self.assertIn(command, result.stdout)

    def test_help_of_each_command(self):
        for command in ("train", "evaluate", "predict", "show", "download", "gradcheck"):
            with self.subTest(command=command):
                status, out, err = main_in_process(command, "--help")
                self.assertEqual(status, 0)
                self.assertTrue(out.startswith("usage: pureml " + command), out)
                self.assertEqual(err, "")
        status, out, _err = main_in_process("train", "--help")
        for option in ("--cost", "--lmbda", "--momentum", "--early-stopping",
                       "--eta-schedule", "--init", "--activation", "--monitor-training",
                       "--evaluate-on", "--no-download", "--save", "--plot", "--quiet"):
            self.assertIn(option, out)

    def test_version(self):
        status, out, _err = main_in_process("--version")
        self.assertEqual((status, out), (0, "pureml %s\n" % __version__))


class BadOptionTest(CommandCase):
    """Each wrong option gets one line saying what is wrong, a pointer to --help, and status 2."""

    def assertUsageError(self, status, err, *fragments, command="train", prog="pureml"):
        self.assertEqual(status, 2, err)
        self.assertNotIn("Traceback", err)
        self.assertNotIn("usage: ", err, "the usage is --help's, not every error's")
        prog = prog + " " + command if command else prog
        first, second = err.splitlines()
        self.assertTrue(first.startswith(prog + ": error: "), first)
        self.assertEqual(second, "See '%s --help'." % prog)
        for fragment in fragments:
            self.assertIn(fragment, first)

    def test_eta_nan(self):
        result = pureml("train", "--eta", "nan")
        self.assertUsageError(result.returncode, result.stderr, "--eta", "finite",
                              prog="python -m pureml")
        self.assertEqual(result.stdout, "")

    def test_sizes_not_numbers(self):
        status, _out, err = main_in_process("train", "--sizes", "784,x,10")
        self.assertUsageError(status, err, "--sizes", "'x'")

    def test_sizes_not_for_mnist(self):
        status, _out, err = main_in_process("train", "--sizes", "100,30,10")
        self.assertUsageError(status, err, "--sizes", "784")

    def test_batch_size_zero(self):
        status, _out, err = main_in_process("train", "--batch-size", "0")
        self.assertUsageError(status, err, "--batch-size", "at least 1")

    def test_save_into_a_missing_folder(self):
        path = os.path.join(self.temporary_folder(), "no", "such", "net.json")
        status, _out, err = main_in_process("train", "--save", path)
        self.assertUsageError(status, err, "--save", "does not exist")

    def test_momentum_one(self):
        status, _out, err = main_in_process("train", "--momentum", "1")
        self.assertUsageError(status, err, "--momentum")

    def test_unknown_cost(self):
        status, _out, err = main_in_process("train", "--cost", "hinge")
        self.assertUsageError(status, err, "--cost", "cross-entropy")

    def test_mirror_not_a_url(self):
        status, _out, err = main_in_process("download", "--mirror", "example.com/mnist")
        self.assertUsageError(status, err, "--mirror", "http://", command="download")

    def test_no_command(self):
        status, _out, err = main_in_process()
        self.assertUsageError(status, err, "COMMAND", command="")

    def test_the_prog_is_how_pureml_was_run(self):
        result = pureml("evaluate")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.splitlines(), [
            "python -m pureml evaluate: error: the following arguments are required: "
            "MODEL.json", "See 'python -m pureml evaluate --help'."])

    def test_the_other_networks_options_are_refused_even_at_their_defaults(self):
        for option in (["--lr", "0.1"], ["--lr", "0.001"], ["--filters", "5"],
                       ["--keep-best"], ["--evaluate-samples", "10"], ["--expand", "1"],
                       ["--final-samples", "all"], ["--optimizer", "adam"]):
            with self.subTest(option=option):
                status, _out, err = main_in_process("train", *option)
                self.assertUsageError(status, err, "argument %s: applies to --net conv"
                                      % option[0], "not to --net nielsen")
        for option in (["--cost", "quadratic"], ["--eta", "3.0"], ["--sizes", "784,30,10"],
                       ["--monitor-training"], ["--workers", "auto"], ["--init", "large"]):
            with self.subTest(option=option):
                status, _out, err = main_in_process("train", "--net", "conv", *option)
                self.assertUsageError(status, err, "argument %s: applies to --net nielsen"
                                      % option[0], "not to --net conv")

    def test_the_refusal_says_what_to_use_instead(self):
        status, _out, err = main_in_process("train", "--lr", "0.1")
        self.assertUsageError(status, err, "its learning rate is --eta")



class OutOfMemoryTest(CommandCase):
    def test_running_out_of_memory_is_one_line_not_a_traceback(self):
        # Allocating a network far too large for the machine raises MemoryError
        # somewhere inside a command; main turns it into one error line.
        original = gradcheck.check

        def too_big(*args, **kwargs):
            raise MemoryError
        gradcheck.check = too_big
        try:
            status, out, err = main_in_process("gradcheck", "--sizes", "4,3,2")
        finally:
            gradcheck.check = original
        self.assertEqual(status, 1)
        self.assertEqual(err, "pureml: out of memory: the network or the data is too large for "
                              "this machine (try smaller --sizes, --limit or --batch-size)\n")


if __name__ == "__main__":
    unittest.main()
