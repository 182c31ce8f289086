"""Tests for pureml.sparse: both ways of finding nonzeros agree, and fixed_inputs finds them once."""

import doctest
import math
import random
import unittest

from pureml import matrix, sparse
from tests.test_matrix import _sparse_rows


def load_tests(loader, tests, ignore):
    tests.addTests(doctest.DocTestSuite(sparse))
    return tests


class FindingTest(unittest.TestCase):
    def test_both_ways_of_finding_nonzeros_agree(self):
        a = [0.0, 0.5, -0.0, 1.0, 0.0, -2.0, math.nan]
        support, values = [1, 3, 5, 6], [0.5, 1.0, -2.0, a[6]]
        for find in (sparse.nonzeros_plain, sparse.nonzeros_builtin):
            found_support, found_values = find(a)
            self.assertEqual(list(found_support), support)
            self.assertEqual(list(found_values), values)
        for find in (sparse.nonzeros_plain, sparse.nonzeros_builtin):
            self.assertEqual([list(part) for part in find([0.0, 0.0])], [[], []])
            self.assertEqual([list(part) for part in find([0.0, 3.0])], [[1], [3.0]])

    def test_both_ways_of_finding_the_support_agree(self):
        a = [0.0, 0.5, -0.0, 1.0, 0.0, -2.0, math.nan]
        self.assertEqual(list(sparse.support_plain(a)), [1, 3, 5, 6])
        self.assertEqual(list(sparse.support_builtin(a)), [1, 3, 5, 6])

    def test_pairs_and_counts(self):
        self.assertEqual(sparse.pairs([0.0, 2.0, 0.0, 3.0]), [(1, 2.0), (3, 3.0)])
        a = [0.0, 0.5, -0.0, 1.0, 0.0, -2.0, math.nan]
        for pairs in (sparse.pairs_plain, sparse.pairs_fixed):
            found = pairs(a)
            self.assertEqual([k for k, _ in found], [1, 3, 5, 6])
            self.assertEqual([v for _, v in found][:3], [0.5, 1.0, -2.0])
            self.assertTrue(math.isnan(found[3][1]))
        self.assertIs(sparse.pairs, sparse.pairs_plain if sparse.PYPY else sparse.pairs_fixed)
        self.assertEqual(sparse.count_nonzero([0.0, 2.0, -0.0, 3.0]), 2)

    def test_a_gatherer_of_one_index_or_none_still_gives_a_tuple(self):
        self.assertEqual(sparse.gatherer([2])([5, 6, 7]), (7,))
        self.assertEqual(sparse.gatherer([])([5, 6, 7]), ())
        self.assertEqual(sparse.gatherer([0, 2])([5, 6, 7]), (5, 7))


class FixedInputsTest(unittest.TestCase):
    """sparse.fixed_inputs: the nonzeros found once, the same numbers, and nothing left behind."""

    def setUp(self):
        rng = random.Random(5)
        self.w = matrix.gaussian(rng, 7, 40)
        self.b = matrix.gaussian(rng, 7)
        self.rows = _sparse_rows(rng, 6, 40, 0.2)
        self.ds = _sparse_rows(rng, 6, 7, 1.0)

    def test_the_kernels_give_the_same_numbers_inside_the_block(self):
        for kernels in matrix.KERNELS:
            with self.subTest(kernels=kernels), matrix.use(kernels):
                outside = matrix.affine_rows(self.w, self.rows, self.b)
                w_outside = [list(row) for row in self.w]
                matrix.add_outer_products(w_outside, -0.1, self.ds, self.rows)
                with sparse.fixed_inputs(self.rows):
                    inside = matrix.affine_rows(self.w, self.rows, self.b)
                    w_inside = [list(row) for row in self.w]
                    matrix.add_outer_products(w_inside, -0.1, self.ds, self.rows)
                self.assertEqual(inside, outside)
                self.assertEqual(w_inside, w_outside)

    def test_the_table_holds_the_vectors_only_inside_the_block(self):
        with sparse.fixed_inputs(self.rows):
            self.assertEqual(len(sparse._FIXED), len(self.rows))
            entry = sparse._FIXED[id(self.rows[0])]
            self.assertIs(entry[0], self.rows[0])
            self.assertIsNone(entry[1], "found at the first use, not before")
            sparse.nonzeros(self.rows[0])                  # the first use
            self.assertEqual(list(entry[1]), [k for k, v in enumerate(self.rows[0]) if v])
        self.assertEqual(sparse._FIXED, {})

    def test_an_exception_still_empties_the_table(self):
        with self.assertRaises(KeyError):
            with sparse.fixed_inputs(self.rows):
                raise KeyError("inside")
        self.assertEqual(sparse._FIXED, {})

    def test_blocks_nest(self):
        with sparse.fixed_inputs(self.rows[:2]):
            with sparse.fixed_inputs(self.rows):
                self.assertEqual(len(sparse._FIXED), len(self.rows))
            self.assertEqual(set(sparse._FIXED), {id(a) for a in self.rows[:2]})
        self.assertEqual(sparse._FIXED, {})

    def test_a_vector_outside_the_table_is_still_searched(self):
        other = [0.0] * 39 + [2.0]
        with sparse.fixed_inputs(self.rows):
            self.assertEqual([list(part) for part in sparse.nonzeros(other)], [[39], [2.0]])


if __name__ == "__main__":
    unittest.main()
