"""Tests for pureml.data.expand: the book's displaced images, on both books' shapes."""

import copy
import doctest
import random
import unittest

from pureml.data import expand
from pureml.data.expand import DISPLACEMENTS, ArgumentError


def load_tests(loader, tests, ignore):
    """Add expand.py's doctests to the unittest run."""
    tests.addTests(doctest.DocTestSuite(expand))
    return tests


def numbered_image(width=28, height=28):
    """A flat image whose pixels are 1, 2, 3, ...: every pixel can be followed."""
    return [float(k + 1) for k in range(width * height)]


def as_nested(x, width=28):
    """The flat image as DLFS's 1 x H x W."""
    return [[x[i:i + width] for i in range(0, len(x), width)]]


def by_definition(x, dy, dx, width=28):
    """Pixel (r, c) goes to (r + dy, c + dx); whatever lands nowhere is lost, the rest is 0."""
    height = len(x) // width
    out = [0.0] * len(x)
    for r in range(height):
        for c in range(width):
            if 0 <= r + dy < height and 0 <= c + dx < width:
                out[(r + dy) * width + c + dx] = x[r * width + c]
    return out


def expand_mnist_variants(x):
    """expand_mnist.py's loop, written out with lists: np.roll, then a row or column of zeros."""
    image = [x[i:i + 28] for i in range(0, 784, 28)]
    variants = [list(x)]
    for d, axis, index_position, index in [(1, 0, "first", 0), (-1, 0, "first", 27),
                                           (1, 1, "last", 0), (-1, 1, "last", 27)]:
        if axis == 0:               # np.roll along the rows
            new_img = [list(image[(i - d) % 28]) for i in range(28)]
        else:                       # along the columns
            new_img = [[row[(j - d) % 28] for j in range(28)] for row in image]
        if index_position == "first":
            new_img[index] = [0.0] * 28
        else:
            for row in new_img:
                row[index] = 0.0
        variants.append([p for row in new_img for p in row])
    return variants


class ShiftTest(unittest.TestCase):
    def test_every_pixel_moves_as_the_definition_says(self):
        x = numbered_image()
        for dy, dx in expand.displacements(3) + ((27, 0), (0, -27), (5, -9)):
            with self.subTest(dy=dy, dx=dx):
                self.assertEqual(expand.shift(x, dy, dx), by_definition(x, dy, dx))

    def test_the_pixels_moved_in_are_zeros_and_the_rest_are_the_images(self):
        x = numbered_image()
        moved = expand.shift(x, 1, -2)
        self.assertEqual(moved.count(0.0), 28 + 2 * 27)      # a row and two columns
        self.assertEqual(sorted(p for p in moved if p), sorted(
            x[r * 28 + c] for r in range(27) for c in range(2, 28)))

    def test_a_shift_as_large_as_the_image_leaves_only_zeros(self):
        x = numbered_image()
        for dy, dx in ((28, 0), (0, 28), (-40, 3)):
            self.assertEqual(expand.shift(x, dy, dx), [0.0] * 784)

    def test_shift_returns_a_new_list_and_leaves_the_image_alone(self):
        x = numbered_image()
        before = list(x)
        moved = expand.shift(x, 0, 0)
        self.assertEqual(moved, x)
        self.assertIsNot(moved, x)
        expand.shift(x, 2, 1)
        self.assertEqual(x, before)

    def test_other_widths(self):
        x = numbered_image(width=5, height=3)
        self.assertEqual(expand.shift(x, -1, 1, width=5), by_definition(x, -1, 1, width=5))

    def test_shift_image_is_shift_on_dlfs_shape(self):
        x = numbered_image()
        for dy, dx in expand.displacements(2):
            self.assertEqual(expand.shift_image(as_nested(x), dy, dx),
                             as_nested(expand.shift(x, dy, dx)))

    def test_shift_image_moves_every_channel_and_copies_the_rows(self):
        image = [as_nested(numbered_image(4, 3), 4)[0],
                 as_nested([-p for p in numbered_image(4, 3)], 4)[0]]
        before = copy.deepcopy(image)
        moved = expand.shift_image(image, 1, 1)
        self.assertEqual(moved, [[[0.0] * 4, [0.0, 1.0, 2.0, 3.0], [0.0, 5.0, 6.0, 7.0]],
                                 [[0.0] * 4, [0.0, -1.0, -2.0, -3.0], [0.0, -5.0, -6.0, -7.0]]])
        self.assertEqual(image, before)
        same = expand.shift_image(image, 0, 0)
        self.assertEqual(same, image)
        self.assertIsNot(same[0][0], image[0][0])

    def test_displace_takes_either_shape(self):
        x = numbered_image()
        self.assertEqual(expand.displace(x, 1, 0), expand.shift(x, 1, 0))
        self.assertEqual(expand.displace(as_nested(x), 1, 0),
                         expand.shift_image(as_nested(x), 1, 0))

    def test_images_of_the_wrong_form_are_named(self):
        with self.assertRaisesRegex(ArgumentError, "rows of 28 pixels, not a list of 783"):
            expand.shift([0.0] * 783, 1, 0)
        with self.assertRaisesRegex(ArgumentError, "rows of 28 pixels, not a list of 0"):
            expand.shift([], 1, 0)
        with self.assertRaisesRegex(ArgumentError, "not tuple"):
            expand.shift((0.0,) * 784, 1, 0)
        with self.assertRaisesRegex(ArgumentError, "rows of the same length"):
            expand.shift_image([[[1.0, 2.0], [3.0]]], 1, 0)
        with self.assertRaisesRegex(ArgumentError, "a list of channels"):
            expand.shift_image([], 0, 1)
        for dy in (0.5, True, "1", None):
            with self.assertRaisesRegex(ArgumentError, "dy must be a whole number"):
                expand.shift([0.0] * 784, dy, 0)
        with self.assertRaisesRegex(ArgumentError, "width must be a whole number of at least 1"):
            expand.shift([0.0] * 784, 0, 0, width=0)
        self.assertTrue(issubclass(ArgumentError, ValueError))


class TheBooksVariantsTest(unittest.TestCase):
    def test_the_five_variants_are_expand_mnists(self):
        rng = random.Random(1)
        x = [rng.random() if rng.random() < 0.3 else 0.0 for _ in range(784)]
        self.assertEqual([expand.shift(x, dy, dx) for dy, dx in DISPLACEMENTS],
                         expand_mnist_variants(x))
        self.assertEqual(DISPLACEMENTS, ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)))

    def test_displacements_of_up_to_n_pixels(self):
        self.assertEqual(expand.displacements(0), ((0, 0),))
        two = expand.displacements(2)
        self.assertEqual(len(two), 25)
        self.assertEqual(set(two), {(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)})
        self.assertTrue(set(DISPLACEMENTS) <= set(expand.displacements(1)))
        with self.assertRaisesRegex(ArgumentError, "at least 0, not -1"):
            expand.displacements(-1)

    def test_expand_data_is_the_books_expanded_set(self):
        x0, x1 = numbered_image(), [-p for p in numbered_image()]
        images, labels = expand.expand_data(([x0, x1], [3, 8]))
        self.assertEqual(labels, [3] * 5 + [8] * 5)
        self.assertEqual(images, expand_mnist_variants(x0) + expand_mnist_variants(x1))

    def test_expand_data_shuffles_the_pairs_together_with_an_rng(self):
        x0, x1 = numbered_image(), [-p for p in numbered_image()]
        images, labels = expand.expand_data(([x0, x1], [3, 8]), rng=random.Random(2))
        self.assertEqual(sorted(labels), [3] * 5 + [8] * 5)
        for image, label in zip(images, labels):
            self.assertIn(image, expand_mnist_variants(x0 if label == 3 else x1))
        self.assertNotEqual(labels, [3] * 5 + [8] * 5)

    def test_expand_data_refuses_what_is_not_a_set(self):
        with self.assertRaisesRegex(ArgumentError, "2 images but 1 labels"):
            expand.expand_data(([[0.0] * 784] * 2, [1]))
        with self.assertRaisesRegex(ArgumentError, "a pair \\(images, labels\\)"):
            expand.expand_data([[0.0] * 784])


class DisplacedTest(unittest.TestCase):
    def test_each_image_comes_back_as_one_of_its_variants(self):
        rng = random.Random(4)
        images = [[rng.random() for _ in range(784)] for _ in range(40)]
        before = copy.deepcopy(images)
        moved = expand.displaced(images, random.Random(5))
        self.assertEqual(images, before, "the training images are left as they were")
        seen = set()
        for x, m in zip(images, moved):
            matches = [v for v in DISPLACEMENTS if expand.shift(x, *v) == m]
            self.assertEqual(len(matches), 1)
            seen.add(matches[0])
        self.assertEqual(seen, set(DISPLACEMENTS), "40 draws show all five variants")

    def test_the_draws_follow_the_rng_and_the_variants_given(self):
        images = [numbered_image() for _ in range(10)]
        variants = expand.displacements(2)
        self.assertEqual(expand.displaced(images, random.Random(6), variants),
                         expand.displaced(images, random.Random(6), variants))
        rng = random.Random(6)
        drawn = [variants[rng.randrange(25)] for _ in range(10)]
        self.assertEqual(expand.displaced(images, random.Random(6), variants),
                         [expand.shift(x, *v) for x, v in zip(images, drawn)])

    def test_dlfs_images_are_displaced_as_images(self):
        images = [as_nested(numbered_image()) for _ in range(5)]
        for x, m in zip(images, expand.displaced(images, random.Random(7), ((0, 1),))):
            self.assertEqual(m, expand.shift_image(x, 0, 1))

    def test_variants_must_be_pairs(self):
        for variants in ((), ((1,),), ((0.5, 0),), 3):
            with self.assertRaises(ArgumentError):
                expand.displaced([numbered_image()], random.Random(8), variants)


if __name__ == "__main__":
    unittest.main()
