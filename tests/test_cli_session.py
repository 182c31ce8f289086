"""Tests for pureml.cli.session's status line and pureml.cli.common's loading bars.

They draw on a terminal only; a captured stream that says it is one
stands in for the terminal.  (Training itself is tests.test_cli_train's.)
"""

import io
import types
import unittest
from unittest import mock

from pureml.cli.common import LoadingBar
from pureml.cli.session import StatusLine, TrainingSession


class Terminal(io.StringIO):
    def isatty(self):
        return True


class StatusLineTest(unittest.TestCase):

    def test_shows_and_blanks_one_line_on_a_terminal(self):
        stream = Terminal()
        status = StatusLine(stream)
        status.show("Epoch 3: measuring it on the 10000 test images...")
        status.show("short")
        status.clear()
        status.clear()                          # a second clear writes nothing
        width = len("Epoch 3: measuring it on the 10000 test images...")
        self.assertEqual(stream.getvalue(),
                         "\rEpoch 3: measuring it on the 10000 test images..."
                         + "\rshort" + " " * (width - 5)
                         + "\r" + " " * 5 + "\r")

    def test_nothing_anywhere_else(self):
        stream = io.StringIO()
        for status in (StatusLine(stream), StatusLine(None)):
            status.show("measuring")
            status.clear()
            self.assertEqual(status.width, 0)
        self.assertEqual(stream.getvalue(), "")

    def test_a_closed_stream_is_given_up(self):
        stream = Terminal()
        status = StatusLine(stream)
        stream.close()
        status.show("measuring")                # no ValueError
        self.assertIsNone(status.stream)

    def test_what_the_session_says_while_an_epoch_is_measured(self):
        args = types.SimpleNamespace(quiet=True, monitor_training=True)
        session = TrainingSession(args, 1, 50000, 10000, "validation")
        self.assertEqual(session.measuring_text(), "Epoch 0: measuring it on the 10000 "
                         "validation images and the 50000 training images...")


class LoadingBarTest(unittest.TestCase):

    def test_a_bar_per_file(self):
        stream = Terminal()
        with mock.patch("sys.stderr", stream):
            with LoadingBar(types.SimpleNamespace()) as bar:
                bar(5000, 60000)
                bar(60000, 60000)
                bar(5000, 10000)        # the next file: a new bar
                bar(10000, 10000)
        drawn = stream.getvalue()
        # each bar draws its first count (then at most four times a second)
        self.assertEqual(drawn.count("\rLoading ["), 2)
        self.assertIn(" 5000/60000 ", drawn)
        self.assertIn(" 5000/10000 ", drawn)
        self.assertTrue(drawn.endswith("\r"), "blanked on the way out")

    def test_quiet_draws_nothing(self):
        stream = Terminal()
        with mock.patch("sys.stderr", stream):
            with LoadingBar(types.SimpleNamespace(quiet=True)) as bar:
                bar(5000, 60000)
        self.assertEqual(stream.getvalue(), "")


if __name__ == "__main__":
    unittest.main()
