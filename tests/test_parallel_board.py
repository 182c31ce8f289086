"""Tests for pureml.parallel.board: waiting spins, then yields, then naps longer and longer."""

import unittest
from unittest import mock

from pureml.parallel import board


class WaitTest(unittest.TestCase):
    def test_a_long_wait_sleeps_instead_of_spinning(self):
        link = board.Link.__new__(board.Link)
        link.check_alive = lambda: None
        naps = []
        calls = [0]

        def ready():
            calls[0] += 1
            return len(naps) == 12

        with mock.patch.object(board.time, "sleep", naps.append):
            link.wait(ready)
        self.assertGreater(calls[0], board._SPINS)
        self.assertEqual(naps, sorted(naps), "the naps grow")
        self.assertEqual(naps[-1], board._LONGEST_NAP)


if __name__ == "__main__":
    unittest.main()
