"""Tests for pureml.data.metadata: a saved network's training, and its accuracy, in words."""

import doctest
import unittest

from pureml.data import metadata


def load_tests(loader, tests, ignore):
    """Add metadata.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(metadata))
    return tests


#: What train saves after a whole run of Nielsen's network (trimmed to what is read).
WHOLE_RUN = {"dataset": "mnist", "training_images": 50000, "epochs_requested": 30,
             "epochs_run": 30, "evaluated_on": "test", "evaluation_images": 10000,
             "correct_per_epoch": [9000] * 29 + [9512], "interrupted": False,
             "best_correct": 9530, "best_epoch": 12, "date": "2026-12-02T09:00:00+00:00"}


class TrainingTextTest(unittest.TestCase):

    def test_a_whole_run(self):
        self.assertEqual(metadata.training_text(WHOLE_RUN),
                         "30 epochs on 50000 MNIST training images (2026-12-02)")

    def test_a_limited_run_says_how_many_images(self):
        meta = dict(WHOLE_RUN, training_images=10000, dataset="fashion-mnist")
        self.assertIn("on 10000 Fashion-MNIST training images", metadata.training_text(meta))

    def test_ctrl_c_in_the_first_epoch(self):
        meta = dict(WHOLE_RUN, epochs_run=0, interrupted=True, images_into_unfinished_epoch=4220,
                    correct_per_epoch=[])
        self.assertEqual(metadata.training_text(meta),
                         "0 of 30 epochs on 50000 MNIST training images, interrupted 4220 "
                         "images into epoch 0 (2026-12-02)")

    def test_ctrl_c_between_epochs(self):
        meta = dict(WHOLE_RUN, epochs_run=4, interrupted=True)
        self.assertIn("4 of 30 epochs on 50000 MNIST training images, interrupted",
                      metadata.training_text(meta))

    def test_early_stopping(self):
        meta = dict(WHOLE_RUN, epochs_run=17)
        self.assertIn("17 of 30 epochs on 50000 MNIST training images, stopped early",
                      metadata.training_text(meta))

    def test_fields_of_the_wrong_type_are_left_out(self):
        meta = {"epochs_run": "4", "training_images": True, "dataset": 7, "date": None,
                "interrupted": "yes", "epochs_requested": -3}
        self.assertEqual(metadata.training_text(meta), "")
        self.assertEqual(metadata.training_text(None), "")
        self.assertEqual(metadata.training_text({"epochs_run": 2}), "2 epochs")


class AccuracyFigureTest(unittest.TestCase):

    def test_the_last_epoch_not_the_best(self):
        figure = metadata.accuracy_figure(WHOLE_RUN)
        self.assertEqual(figure, {"correct": 9512, "images": 10000, "set": "test", "of": None,
                                  "when": "after epoch 29"})
        self.assertEqual(metadata.accuracy_text(figure),
                         "95.12% right on the 10000 test images, after epoch 29")

    def test_validation_images(self):
        figure = metadata.accuracy_figure(dict(WHOLE_RUN, evaluated_on="validation"))
        self.assertEqual(figure["set"], "validation")

    def test_an_interrupted_epoch_after_the_last_measurement(self):
        meta = dict(WHOLE_RUN, epochs_run=3, correct_per_epoch=[40, 45, 47],
                    evaluation_images=100, interrupted=True, images_into_unfinished_epoch=200)
        self.assertEqual(metadata.accuracy_text(metadata.accuracy_figure(meta)),
                         "47.00% right on the 100 test images, after epoch 2, before the "
                         "interrupted epoch 3")

    def test_a_conv_nets_sample_and_its_whole_set(self):
        meta = dict(WHOLE_RUN, correct_per_epoch=[90, 95], evaluation_images=100,
                    evaluation_set_images=10000)
        self.assertEqual(metadata.accuracy_figure(meta)["of"], 10000)
        meta.update(final_correct=9400, final_images=10000)
        self.assertEqual(metadata.accuracy_text(metadata.accuracy_figure(meta)),
                         "94.00% right on the 10000 test images, after the last epoch")
        meta.update(final_images=500, final_correct=470)
        self.assertEqual(metadata.accuracy_text(metadata.accuracy_figure(meta)),
                         "94.00% right on the first 500 of the 10000 test images, after the "
                         "last epoch")

    def test_the_kept_network(self):
        meta = dict(WHOLE_RUN, evaluated_on="validation", correct_per_epoch=[90, 97, 95],
                    evaluation_images=100, kept_epoch=1)
        self.assertEqual(metadata.accuracy_figure(meta)["correct"], 97)
        self.assertEqual(metadata.accuracy_figure(meta)["when"], "the kept network of epoch 1")
        meta.update(test_correct=9600, test_images=10000)
        figure = metadata.accuracy_figure(meta)
        self.assertEqual((figure["correct"], figure["set"]), (9600, "test"))

    def test_nothing_to_say(self):
        for meta in ({}, None, {"evaluated_on": "test", "correct_per_epoch": [5],
                                "evaluation_images": 4},
                     {"evaluated_on": "the moon", "correct_per_epoch": [5],
                      "evaluation_images": 10},
                     {"evaluated_on": "test", "correct_per_epoch": "95",
                      "evaluation_images": 10},
                     {"evaluated_on": "test", "final_correct": 5, "final_images": 0}):
            with self.subTest(meta=meta):
                self.assertIsNone(metadata.accuracy_figure(meta))
        self.assertEqual(metadata.accuracy_text(None), "")


if __name__ == "__main__":
    unittest.main()
