"""Tests for pureml.engine.sparse: both ways of finding the nonzero entries agree."""

import doctest
import math
import unittest

from pureml.engine import sparse
from pureml.engine.vectors import PYPY


def load_tests(loader, tests, ignore):
    """Add sparse.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(sparse))
    return tests


A = [0.0, 0.5, -0.0, 1.0, 0.0, -2.0, math.nan]


class FindingTest(unittest.TestCase):
    def test_both_ways_of_finding_nonzeros_agree(self):
        for find in (sparse.nonzeros_loop, sparse.nonzeros_compress):
            support, values = find(A)
            self.assertEqual(list(support), [1, 3, 5, 6])
            self.assertEqual(list(values)[:3], [0.5, 1.0, -2.0])
            self.assertTrue(math.isnan(values[3]), "a NaN is not zero")
            self.assertEqual([list(part) for part in find([0.0, 0.0])], [[], []])
            self.assertEqual([list(part) for part in find([0.0, 3.0])], [[1], [3.0]])

    def test_both_ways_of_finding_the_support_agree(self):
        self.assertEqual(list(sparse.support_loop(A)), [1, 3, 5, 6])
        self.assertEqual(list(sparse.support_compress(A)), [1, 3, 5, 6])

    def test_both_ways_of_finding_pairs_agree(self):
        for pairs in (sparse.pairs_loop, sparse.pairs_compress):
            found = pairs(A)
            self.assertEqual([k for k, _ in found], [1, 3, 5, 6])
            self.assertEqual([v for _, v in found][:3], [0.5, 1.0, -2.0])
            self.assertEqual(pairs([0.0, 2.0, 0.0, 3.0]), [(1, 2.0), (3, 3.0)])

    def test_counts(self):
        self.assertEqual(sparse.count_nonzero([0.0, 2.0, -0.0, 3.0]), 2)

    def test_a_gatherer_of_one_index_or_none_still_gives_a_tuple(self):
        self.assertEqual(sparse.gatherer([2])([5, 6, 7]), (7,))
        self.assertEqual(sparse.gatherer([])([5, 6, 7]), ())
        self.assertEqual(sparse.gatherer([0, 2])([5, 6, 7]), (5, 7))

    def test_index_tuples_are_made_once(self):
        self.assertIs(sparse.indices(784), sparse.indices(784))
        self.assertEqual(sparse.indices(3), (0, 1, 2))

    def test_the_loops_on_pypy_and_c_elsewhere(self):
        self.assertIs(sparse.support, sparse.support_loop if PYPY else sparse.support_compress)
        self.assertIs(sparse.pairs, sparse.pairs_loop if PYPY else sparse.pairs_compress)
        self.assertIs(sparse.nonzeros, sparse.nonzeros_loop if PYPY
                      else sparse.nonzeros_compress)


if __name__ == "__main__":
    unittest.main()
