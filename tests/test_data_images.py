"""Tests for pureml.data.images: reading in gray and the MNIST-style preprocessing."""

import gzip
import os
import tempfile
import unittest

from pureml.data import images
from pureml.data.images import GrayImage, ImageError
from tests.support import NestedAlmostEqual, real_data_root, requires_real_data
from tests.test_data_png import encode_png


def blank(width, height, level=0.0):
    """Return a ``GrayImage`` of one level."""
    return GrayImage(width, height, [level] * (width * height))


def paint(image, x0, y0, x1, y1, level):
    """Return ``image`` with the rectangle [x0, x1) x [y0, y1) set to ``level``."""
    pixels = list(image.pixels)
    for y in range(y0, y1):
        for x in range(x0, x1):
            pixels[y * image.width + x] = level
    return image._replace(pixels=pixels)


def centre_of_mass(pixels, size=28):
    """Return the (x, y) centre of mass of a square image, in pixel indices."""
    total = sum(pixels)
    x = sum((i % size) * v for i, v in enumerate(pixels)) / total
    y = sum((i // size) * v for i, v in enumerate(pixels)) / total
    return x, y


class FileCase(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def write(self, filename, data):
        path = os.path.join(self.folder.name, filename)
        with open(path, "wb") as f:
            f.write(data)
        return path


class TestReadGray(FileCase, NestedAlmostEqual):
    def test_png_gray(self):
        path = self.write("g.png", encode_png(3, 1, 0, 8, [0, 51, 255]))
        image = images.read_gray(path)
        self.assertEqual((image.width, image.height, image.name), (3, 1, path))
        self.assertNestedAlmostEqual(image.pixels, [0.0, 0.2, 1.0])

    def test_png_sixteen_bit_gray(self):
        path = self.write("g16.png", encode_png(2, 1, 0, 16, [0, 65535]))
        self.assertEqual(images.read_gray(path).pixels, [0.0, 1.0])

    def test_rgb_uses_bt601_luma(self):
        samples = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
        path = self.write("rgb.png", encode_png(4, 1, 2, 8, samples))
        self.assertNestedAlmostEqual(images.read_gray(path).pixels,
                                     [0.299, 0.587, 0.114, 1.0])

    def test_alpha_is_flattened_onto_white(self):
        # black opaque, black transparent, black half transparent
        samples = [0, 255, 0, 0, 0, 51]
        path = self.write("la.png", encode_png(3, 1, 4, 8, samples))
        self.assertNestedAlmostEqual(images.read_gray(path).pixels, [0.0, 1.0, 0.8])

    def test_rgba_and_palette_with_trns(self):
        path = self.write("p.png", encode_png(2, 1, 3, 1, [0, 1],
                                              palette=[(0, 0, 0), (255, 255, 255)],
                                              trns=b"\x00"))
        self.assertEqual(images.read_gray(path).pixels, [1.0, 1.0])
        path = self.write("rgba.png", encode_png(1, 1, 6, 8, [255, 255, 255, 0]))
        self.assertEqual(images.read_gray(path).pixels, [1.0])

    def test_pbm_one_is_black(self):
        path = self.write("b.pbm", b"P1 2 1 1 0")
        self.assertEqual(images.read_gray(path).pixels, [0.0, 1.0])

    def test_pgm_and_ppm(self):
        path = self.write("g.pgm", b"P5 2 1 255\n\x00\xff")
        self.assertEqual(images.read_gray(path).pixels, [0.0, 1.0])
        path = self.write("c.ppm", b"P3 1 1 10 10 10 10")
        self.assertEqual(images.read_gray(path).pixels, [1.0])

    def test_format_chosen_by_content_not_extension(self):
        path = self.write("really_a_png.pgm", encode_png(1, 1, 0, 8, [255]))
        self.assertEqual(images.read_gray(path).pixels, [1.0])
        path = self.write("really_a_pgm.png", b"P2 1 1 255 0")
        self.assertEqual(images.read_gray(path).pixels, [0.0])

    def test_unknown_format_lists_what_is_supported(self):
        path = self.write("digit.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF")
        with self.assertRaises(ImageError) as caught:
            images.read_gray(path)
        message = str(caught.exception)
        for fragment in (path, "JPEG", "PNG", "PGM", "PBM"):
            self.assertIn(fragment, message)

    def test_empty_file(self):
        path = self.write("empty.png", b"")
        with self.assertRaises(ImageError) as caught:
            images.read_gray(path)
        self.assertIn(path, str(caught.exception))
        self.assertIn("empty", str(caught.exception))

    def test_damaged_png_names_the_file(self):
        path = self.write("cut.png", encode_png(4, 4, 0, 8, [0] * 16)[:40])
        with self.assertRaises(ImageError) as caught:
            images.read_gray(path)
        self.assertIn(path, str(caught.exception))


class TestSteps(unittest.TestCase, NestedAlmostEqual):
    def test_invert(self):
        image = GrayImage(3, 1, [0.0, 0.25, 1.0])
        self.assertEqual(images.invert(image).pixels, [1.0, 0.75, 0.0])

    def test_border_level_is_the_median_of_the_border(self):
        # A 4 x 4 image whose border has ink on 3 of its 12 pixels.
        image = paint(blank(4, 4, 1.0), 0, 0, 3, 1, 0.0)
        self.assertEqual(len(images.border_pixels(image)), 12)
        self.assertEqual(images.border_level(image), 1.0)
        self.assertTrue(images.has_light_background(image))
        self.assertFalse(images.has_light_background(images.invert(image)))

    def test_light_background_is_inverted(self):
        # Black ink on white paper becomes white ink on black.
        image = paint(blank(5, 5, 1.0), 1, 1, 4, 4, 0.0)
        ink = images.to_ink(image)
        self.assertEqual(ink.pixels, paint(blank(5, 5), 1, 1, 4, 4, 1.0).pixels)

    def test_dark_background_is_kept(self):
        image = paint(blank(5, 5), 2, 2, 3, 3, 1.0)
        self.assertEqual(images.to_ink(image).pixels, image.pixels)

    def test_gray_paper_and_soft_ink_are_stretched(self):
        image = paint(blank(5, 5, 0.8), 1, 1, 4, 4, 0.3)
        ink = images.to_ink(image)
        self.assertNestedAlmostEqual(ink.pixels,
                                     paint(blank(5, 5), 1, 1, 4, 4, 1.0).pixels)

    def test_stretch_clips(self):
        image = GrayImage(4, 1, [0.1, 0.2, 0.6, 0.9])
        self.assertNestedAlmostEqual(images.stretch(image, 0.2, 0.6).pixels,
                                     [0.0, 0.0, 1.0, 1.0])
        self.assertEqual(images.stretch(image, 0.5, 0.5).pixels, [0.0] * 4)

    def test_crop_to_the_ink_bounding_box(self):
        image = paint(blank(10, 8), 2, 3, 5, 7, 1.0)
        image = paint(image, 8, 0, 9, 1, 0.1)            # faint noise: ignored
        cropped = images.crop(image)
        self.assertEqual((cropped.width, cropped.height), (3, 4))
        self.assertEqual(cropped.pixels, [1.0] * 12)

    def test_crop_keeps_the_inside_of_the_box(self):
        image = GrayImage(4, 3, [0, 0, 0, 0,
                                 0, 1, 0, 0,
                                 0, 0, 0.5, 0])
        cropped = images.crop(image)
        self.assertEqual((cropped.width, cropped.height, cropped.pixels),
                         (2, 2, [1, 0, 0, 0.5]))

    def test_fit_size(self):
        self.assertEqual(images.fit_size(40, 80), (10, 20))
        self.assertEqual(images.fit_size(80, 40), (20, 10))
        self.assertEqual(images.fit_size(3, 5), (12, 20))
        self.assertEqual(images.fit_size(1, 100), (1, 20))

    def test_ink_blob_scales_to_fit_the_box(self):
        small = images.scale(blank(40, 80, 1.0), 20)
        self.assertEqual((small.width, small.height), (10, 20))
        self.assertNestedAlmostEqual(small.pixels, [1.0] * 200, rel_tol=1e-9)

    def test_shrinking_averages_areas(self):
        image = GrayImage(4, 2, [0, 1, 1, 1,
                                 0, 0, 1, 0])
        half = images.scale(image, 2)
        self.assertEqual((half.width, half.height), (2, 1))
        self.assertNestedAlmostEqual(half.pixels, [0.25, 0.75])
        # 3 -> 2 pixels: each new pixel covers one and a half old ones.
        row = images.scale(GrayImage(3, 1, [0.0, 0.3, 0.9]), 2)
        self.assertNestedAlmostEqual(row.pixels, [0.1, 0.7])

    def test_growing_interpolates_bilinearly(self):
        row = images.scale(GrayImage(2, 1, [0.0, 1.0]), 4)
        self.assertEqual((row.width, row.height), (4, 2))
        self.assertNestedAlmostEqual(row.pixels, [0.0, 0.25, 0.75, 1.0] * 2)

    def test_centre_of_mass(self):
        image = GrayImage(3, 2, [1, 0, 1,
                                 0, 0, 2])
        self.assertEqual(images.centre_of_mass(image), (1.5, 0.5))

    def test_centre_puts_the_centre_of_mass_at_14_14(self):
        # An L shape: its centre of mass is far from its box's centre.
        shape = paint(paint(blank(12, 20), 0, 0, 3, 20, 1.0), 0, 17, 12, 20, 1.0)
        field = images.centre(shape)
        self.assertEqual((field.width, field.height), (28, 28))
        x, y = centre_of_mass(field.pixels)
        self.assertLessEqual(abs(x - 14), 0.5)
        self.assertLessEqual(abs(y - 14), 0.5)
        self.assertEqual(sum(field.pixels), sum(shape.pixels))

    def test_centre_clips_to_the_field(self):
        # All the mass at the right end: the left end leaves the field.
        image = paint(paint(blank(40, 1), 0, 0, 40, 1, 0.01), 39, 0, 40, 1, 1.0)
        field = images.centre(image)
        self.assertEqual(len(field.pixels), 784)
        self.assertLess(sum(field.pixels), sum(image.pixels))

    def test_blank_image_raises(self):
        for image in (blank(10, 10, 1.0), blank(10, 10, 0.0), blank(3, 3, 0.4)):
            with self.subTest(level=image.pixels[0]):
                with self.assertRaises(ImageError) as caught:
                    images.mnist_input(image._replace(name="blank.png"))
                self.assertIn("blank.png", str(caught.exception))
                self.assertIn("blank", str(caught.exception))
        with self.assertRaises(ImageError):
            images.crop(blank(5, 5))
        with self.assertRaises(ImageError):
            images.centre_of_mass(blank(5, 5))

    def test_inconsistent_image_raises(self):
        with self.assertRaises(ImageError):
            images.mnist_input(GrayImage(3, 3, [0.0] * 8))


class TestMnistInput(FileCase, NestedAlmostEqual):
    def digit(self):
        """Return a "7" drawn in black on white, 60 x 90, off centre."""
        image = blank(60, 90, 1.0)
        image = paint(image, 10, 10, 50, 20, 0.0)       # the bar
        for y in range(20, 80):                          # the slanted stroke
            x = 50 - (y - 20) // 2
            image = paint(image, x - 6, y, x, y + 1, 0.0)
        return image

    def test_mnist_input_of_a_drawn_digit(self):
        inputs = images.mnist_input(self.digit())
        self.assertEqual(len(inputs), 784)
        self.assertTrue(all(0.0 <= v <= 1.0 for v in inputs))
        self.assertEqual(max(inputs), 1.0)
        x, y = centre_of_mass(inputs)
        self.assertLessEqual(abs(x - 14), 0.5)
        self.assertLessEqual(abs(y - 14), 0.5)
        rows = [y for y in range(28) if max(inputs[y * 28:(y + 1) * 28]) > 0]
        self.assertEqual(len(rows), 20)                  # the digit fills 20 rows
        self.assertEqual(inputs[:28], [0.0] * 28)        # the background is black

    def test_thin_strokes_are_brought_to_full_ink(self):
        # A "+" of 2-pixel lines on 100 x 100 shrinks to faint 0.4-ish lines;
        # the ink is stretched again so that its brightest pixel is 1.
        image = paint(paint(blank(100, 100), 50, 0, 52, 100, 1.0), 0, 50, 100, 52, 1.0)
        small = images.scale(images.crop(image))
        self.assertLess(max(small.pixels), 0.7)
        self.assertEqual(max(images.mnist_input(image)), 1.0)

    def test_load_digit_from_pgm_and_png(self):
        image = self.digit()
        levels = [round(v * 255) for v in image.pixels]
        pgm = self.write("seven.pgm", b"P5 60 90 255\n" + bytes(levels))
        png = self.write("seven.png", encode_png(60, 90, 0, 8, levels, (4,)))
        expected = images.mnist_input(image)
        self.assertNestedAlmostEqual(images.load_digit(pgm), expected)
        self.assertNestedAlmostEqual(images.load_digit(png), expected)

    def test_load_digit_of_a_blank_file_names_it(self):
        path = self.write("white.pgm", b"P2 2 2 255 255 255 255 255")
        with self.assertRaises(ImageError) as caught:
            images.load_digit(path)
        self.assertIn(path, str(caught.exception))
        self.assertIn("blank", str(caught.exception))

    def test_rgb_photo_like_image(self):
        # Gray paper with a darker, bluish stroke, as a phone photo might give.
        width, height = 30, 40
        samples = []
        for y in range(height):
            for x in range(width):
                ink = 10 <= x < 16 and 5 <= y < 35
                samples.extend((60, 60, 90) if ink else (200, 190, 180))
        path = self.write("photo.png", encode_png(width, height, 2, 8, samples, (1,)))
        inputs = images.load_digit(path)
        self.assertEqual(max(inputs), 1.0)
        self.assertEqual(sum(1 for v in inputs if v == 0.0), 784 - 4 * 20)


@requires_real_data
class TestRealMnist(unittest.TestCase):
    def test_mnist_images_pass_through_almost_unchanged(self):
        # MNIST digits are already prepared; doing it again changes little.
        path = os.path.join(real_data_root(), "mnist", "t10k-images-idx3-ubyte.gz")
        with gzip.open(path) as f:
            f.read(16)
            raw = f.read(784 * 100)
        differences = []
        for k in range(100):
            pixels = [v / 255 for v in raw[k * 784:(k + 1) * 784]]
            inputs = images.mnist_input(GrayImage(28, 28, pixels))
            differences.append(sum(abs(a - b) for a, b in zip(inputs, pixels)) / 784)
        self.assertLess(sum(differences) / 100, 0.01)


if __name__ == "__main__":
    unittest.main()
