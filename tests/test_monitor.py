"""Tests for pureml.monitor's History: the book's four lists, which also draw themselves."""

import pickle
import unittest
import xml.etree.ElementTree as ET

from pureml.display import pictures
from pureml.monitor import History


class HistoryTest(unittest.TestCase):

    def setUp(self):
        self.history = History([0.5, 0.25], [9000, 9100], [0.4, 0.2], [45000, 46000])

    def test_is_the_four_lists(self):
        evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = self.history
        self.assertEqual(evaluation_accuracy, [9000, 9100])
        self.assertEqual(self.history.training_cost, [0.4, 0.2])
        self.assertEqual(self.history, ([0.5, 0.25], [9000, 9100], [0.4, 0.2], [45000, 46000]))
        self.assertEqual(self.history._fields, ("evaluation_cost", "evaluation_accuracy",
                                                "training_cost", "training_accuracy"))

    def test_pickles_and_prints_as_before(self):
        self.assertEqual(pickle.loads(pickle.dumps(self.history)), self.history)
        self.assertTrue(repr(self.history).startswith("History(evaluation_cost=[0.5, 0.25]"))
        self.assertFalse(hasattr(self.history, "__dict__"))

    def test_draws_itself_in_a_notebook(self):
        text = self.history._repr_svg_()
        self.assertEqual(text, pictures.curves(self.history).svg())
        self.assertEqual(ET.fromstring(text.encode("utf-8")).tag,
                         "{http://www.w3.org/2000/svg}svg")


if __name__ == "__main__":
    unittest.main()
