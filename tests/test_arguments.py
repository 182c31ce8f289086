"""Tests for pureml.arguments: each check accepts what it should and names what is wrong.

One assertRaises per bad case.  The network's own tests (test_network)
show these checks at work through Network's methods; these call them
directly, on a network of sizes [3, 4, 2].
"""

import math
import unittest

from pureml import arguments
from pureml.errors import ArgumentError

SIZES = [3, 4, 2]


class SizesTest(unittest.TestCase):
    def test_good_sizes_come_back_as_a_list(self):
        self.assertEqual(arguments.check_sizes((3, 4, 2)), [3, 4, 2])

    def test_too_few_layers(self):
        with self.assertRaises(ArgumentError):
            arguments.check_sizes([3])

    def test_a_zero_layer(self):
        with self.assertRaises(ArgumentError):
            arguments.check_sizes([3, 0, 2])

    def test_a_float_size(self):
        with self.assertRaises(ArgumentError):
            arguments.check_sizes([3, 4.0, 2])

    def test_a_bool_size(self):
        with self.assertRaises(ArgumentError):
            arguments.check_sizes([3, True, 2])


class NumberTest(unittest.TestCase):
    def test_positive_numbers_pass(self):
        self.assertEqual(arguments.check_positive(0.5, "eta"), 0.5)
        self.assertEqual(arguments.check_nonnegative(0, "lmbda"), 0)

    def test_nan_eta(self):
        with self.assertRaisesRegex(ArgumentError, "eta"):
            arguments.check_positive(math.nan, "eta")

    def test_infinite_eta(self):
        with self.assertRaisesRegex(ArgumentError, "eta"):
            arguments.check_positive(math.inf, "eta")

    def test_zero_eta(self):
        with self.assertRaisesRegex(ArgumentError, "eta"):
            arguments.check_positive(0.0, "eta")

    def test_negative_lmbda(self):
        with self.assertRaisesRegex(ArgumentError, "lmbda"):
            arguments.check_nonnegative(-0.1, "lmbda")

    def test_a_string_eta(self):
        with self.assertRaisesRegex(ArgumentError, "eta"):
            arguments.check_positive("3.0", "eta")

    def test_momentum_of_one(self):
        with self.assertRaises(ArgumentError):
            arguments.check_momentum(1.0)

    def test_a_count_below_its_minimum(self):
        with self.assertRaisesRegex(ArgumentError, "epochs"):
            arguments.check_count(-1, "epochs", minimum=0)


class ExampleTest(unittest.TestCase):
    def test_inputs_and_targets_of_the_right_length_pass(self):
        self.assertEqual(arguments.check_input(SIZES, [0.0, 1.0, 0.5]), [0.0, 1.0, 0.5])
        self.assertEqual(arguments.check_target(SIZES, [0.0, 1.0]), [0.0, 1.0])

    def test_a_short_input(self):
        with self.assertRaisesRegex(ArgumentError, "an input has 2 entries; this network "
                                                  "expects 3"):
            arguments.check_input(SIZES, [0.0, 1.0])

    def test_an_input_that_is_not_a_sequence(self):
        with self.assertRaisesRegex(ArgumentError, "an input must be a list of 3 numbers"):
            arguments.check_input(SIZES, 7)

    def test_an_int_target(self):
        with self.assertRaisesRegex(ArgumentError, "not the number 1 .see "
                                                  "mnist.vectorized_result"):
            arguments.check_target(SIZES, 1)

    def test_a_string_target(self):
        with self.assertRaisesRegex(ArgumentError, "not the str '01'"):
            arguments.check_target(SIZES, "01")

    def test_a_long_target(self):
        with self.assertRaisesRegex(ArgumentError, "3 entries; this network has 2 outputs"):
            arguments.check_target(SIZES, [0.0, 1.0, 0.0])

    def test_an_example_that_is_not_a_pair(self):
        with self.assertRaisesRegex(ArgumentError, "must be a pair"):
            arguments.check_pair([1, 2, 3], "training_data")


class DataTest(unittest.TestCase):
    x = [0.0, 1.0, 0.5]

    def test_training_data_is_copied_into_a_list(self):
        data = arguments.check_training_data(SIZES, iter([(self.x, [1.0, 0.0])]))
        self.assertEqual(data, [(self.x, [1.0, 0.0])])

    def test_empty_training_data(self):
        with self.assertRaisesRegex(ArgumentError, "training_data is empty"):
            arguments.check_training_data(SIZES, [])

    def test_a_label_in_training_data(self):
        with self.assertRaisesRegex(ArgumentError, "one-hot"):
            arguments.check_training_data(SIZES, [(self.x, 1)])

    def test_labelled_data_takes_int_labels(self):
        self.assertEqual(arguments.check_labelled_data(SIZES, [(self.x, 1)], "test_data"),
                         [(self.x, 1)])

    def test_a_one_hot_label_in_labelled_data(self):
        with self.assertRaisesRegex(ArgumentError, "labels in test_data must be ints from 0 to 1"):
            arguments.check_labelled_data(SIZES, [(self.x, [1.0, 0.0])], "test_data")

    def test_measured_data_takes_either_kind_of_label(self):
        data = [(self.x, 1), (self.x, [1.0, 0.0])]
        self.assertEqual(arguments.check_measured_data(SIZES, data, "data"), data)

    def test_a_label_out_of_range_in_measured_data(self):
        with self.assertRaisesRegex(ArgumentError, "labels in data must be ints from 0 to 1 "
                                                  "or one-hot lists of 2 numbers, not 2"):
            arguments.check_measured_data(SIZES, [(self.x, 2)], "data")

    def test_a_bool_label_in_measured_data(self):
        with self.assertRaisesRegex(ArgumentError, "not True"):
            arguments.check_measured_data(SIZES, [(self.x, True)], "data")

    def test_a_short_one_hot_label_in_measured_data(self):
        with self.assertRaisesRegex(ArgumentError, "1 entries; this network has 2 outputs"):
            arguments.check_measured_data(SIZES, [(self.x, [1.0])], "data")

    def test_an_empty_mini_batch(self):
        with self.assertRaisesRegex(ArgumentError, "at least one example"):
            arguments.check_mini_batch(SIZES, [])


if __name__ == "__main__":
    unittest.main()
