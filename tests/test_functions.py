"""Tests for pureml.functions: DLFS's common/functions.py and numerical_gradient."""

import doctest
import math
import unittest

from pureml import functions
from tests.support import NestedAlmostEqual


def load_tests(loader, tests, ignore):
    """Add functions.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(functions))
    return tests


class ActivationTest(NestedAlmostEqual, unittest.TestCase):
    def test_sigmoid_of_a_vector_and_a_batch(self):
        self.assertNestedAlmostEqual(functions.sigmoid([0.0, 2.0]),
                                     [0.5, 1 / (1 + math.exp(-2.0))])
        self.assertNestedAlmostEqual(functions.sigmoid([[0.0], [-1000.0]]), [[0.5], [0.0]])

    def test_relu(self):
        self.assertEqual(functions.relu([-1.0, 0.0, 2.5]), [0.0, 0.0, 2.5])
        self.assertEqual(functions.relu([[-1.0], [3.0]]), [[0.0], [3.0]])

    def test_softmax_sums_to_one_and_does_not_overflow(self):
        y = functions.softmax([1000.0, 1001.0, 1002.0])
        self.assertAlmostEqual(math.fsum(y), 1.0)
        self.assertNestedAlmostEqual(y, functions.softmax([0.0, 1.0, 2.0]))
        batch = functions.softmax([[1.0, 2.0], [3.0, 3.0]])
        self.assertNestedAlmostEqual(batch[1], [0.5, 0.5])


class CrossEntropyErrorTest(unittest.TestCase):
    def test_the_books_example(self):
        # Chapter 4: y with 0.6 on the right class gives 0.510825457099338.
        y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
        t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
        self.assertAlmostEqual(functions.cross_entropy_error(y, t), 0.510825457099338, 12)
        self.assertAlmostEqual(functions.cross_entropy_error([y], [2]), 0.510825457099338, 12)

    def test_a_batch_is_averaged(self):
        y = [[0.5, 0.5], [0.25, 0.75]]
        expected = -(math.log(0.5 + 1e-7) + math.log(0.75 + 1e-7)) / 2
        self.assertAlmostEqual(functions.cross_entropy_error(y, [0, 1]), expected, 14)
        self.assertAlmostEqual(functions.cross_entropy_error(y, [[1, 0], [0, 1]]), expected, 14)

    def test_an_output_of_zero_is_finite(self):
        # log(0 + 1e-7), never log(0)
        self.assertAlmostEqual(functions.cross_entropy_error([[0.0, 1.0]], [0]),
                               -math.log(1e-7))

    def test_a_label_out_of_range(self):
        with self.assertRaises(functions.ArgumentError) as caught:
            functions.cross_entropy_error([[0.5, 0.5]], [2])
        self.assertIn("from 0 to 1", str(caught.exception))

    def test_a_one_hot_label_of_the_wrong_length(self):
        with self.assertRaises(functions.ArgumentError):
            functions.cross_entropy_error([[0.5, 0.5]], [[0, 0, 1]])

    def test_a_label_that_is_neither(self):
        with self.assertRaises(functions.ArgumentError):
            functions.cross_entropy_error([[0.5, 0.5]], ["1"])

    def test_batch_and_labels_of_different_sizes(self):
        with self.assertRaises(functions.ArgumentError):
            functions.cross_entropy_error([[0.5, 0.5], [0.5, 0.5]], [1])

    def test_is_a_value_error(self):
        self.assertTrue(issubclass(functions.ArgumentError, ValueError))


class NumericalGradientTest(NestedAlmostEqual, unittest.TestCase):
    def test_the_books_function_2(self):
        # Chapter 4: f(x0, x1) = x0^2 + x1^2 has gradient (6, 8) at (3, 4).
        def function_2(x):
            return x[0] ** 2 + x[1] ** 2
        self.assertNestedAlmostEqual(functions.numerical_gradient(function_2, [3.0, 4.0]),
                                     [6.0, 8.0], rel_tol=1e-9)

    def test_a_matrix_is_restored_and_gets_a_matrix_gradient(self):
        W = [[1.0, 2.0], [3.0, 4.0]]
        grad = functions.numerical_gradient(lambda _: sum(v * v for row in W for v in row), W)
        self.assertEqual(W, [[1.0, 2.0], [3.0, 4.0]])
        self.assertNestedAlmostEqual(grad, [[2.0, 4.0], [6.0, 8.0]], rel_tol=1e-9)

    def test_f_is_given_the_whole_matrix(self):
        W = [[1.0], [2.0]]
        seen = []
        functions.numerical_gradient(lambda w: seen.append(w is W) or 0.0, W)
        self.assertTrue(seen and all(seen))


if __name__ == "__main__":
    unittest.main()
