"""Tests for pureml.data.pnm: PBM, PGM and PPM, plain and raw."""

import os
import struct
import tempfile
import unittest

from pureml.data import pnm
from pureml.data.images import ImageError
from tests.support import FileErrors


class TestFormats(unittest.TestCase):
    def test_p1_plain_bitmap_one_is_black(self):
        data = b"P1\n# a comment\n3 2\n1 0 1\n0 1 0\n"
        image = pnm.read(data)
        self.assertEqual((image.width, image.height, image.mode, image.maxval),
                         (3, 2, "L", 1))
        self.assertEqual(image.pixels, [0, 1, 0, 1, 0, 1])
        self.assertEqual(image.magic, "P1")

    def test_p1_digits_need_no_whitespace(self):
        image = pnm.read(b"P1 4 2 0110\n10 # comment\n01")
        self.assertEqual(image.pixels, [1, 0, 0, 1, 0, 1, 1, 0])

    def test_p2_plain_graymap_with_comments(self):
        data = b"P2 # width next\n2\t# height\r\n2\n# maxval\n15\n0 15\n7  8\n"
        image = pnm.read(data)
        self.assertEqual((image.width, image.height, image.maxval), (2, 2, 15))
        self.assertEqual(image.pixels, [0, 15, 7, 8])

    def test_p2_sixteen_bit(self):
        image = pnm.read(b"P2 3 1 65535 0 256 65535")
        self.assertEqual((image.maxval, image.pixels), (65535, [0, 256, 65535]))

    def test_p3_plain_pixmap(self):
        image = pnm.read(b"P3 2 1 255 1 2 3 4 5 6\n")
        self.assertEqual((image.mode, image.pixels), ("RGB", [1, 2, 3, 4, 5, 6]))

    def test_p4_raw_bitmap_rows_padded(self):
        # 10 pixels wide: two bytes a row, the last 6 bits padding.
        data = b"P4\n10 2\n" + bytes([0b10000000, 0b01111111, 0b01111111, 0b10000000])
        image = pnm.read(data)
        self.assertEqual(image.pixels, [0, 1, 1, 1, 1, 1, 1, 1, 1, 0,
                                        1, 0, 0, 0, 0, 0, 0, 0, 0, 1])

    def test_p5_raw_graymap(self):
        image = pnm.read(b"P5\n3 1\n255\n" + bytes([0, 128, 255]))
        self.assertEqual((image.maxval, image.pixels), (255, [0, 128, 255]))

    def test_p5_sixteen_bit_big_endian(self):
        image = pnm.read(b"P5 2 1 1000\n" + struct.pack(">2H", 999, 1000))
        self.assertEqual((image.maxval, image.pixels), (1000, [999, 1000]))

    def test_p5_raster_starting_with_whitespace_byte(self):
        # Only one whitespace byte ends the header; the next \n is a sample.
        image = pnm.read(b"P5 2 1 255\n\n\x20")
        self.assertEqual(image.pixels, [10, 32])

    def test_p5_comment_right_after_maxval(self):
        image = pnm.read(b"P5 2 1 255# made by hand\n\x01\x02")
        self.assertEqual(image.pixels, [1, 2])

    def test_p6_raw_pixmap(self):
        image = pnm.read(b"P6 1 2 255\n" + bytes([1, 2, 3, 4, 5, 6]))
        self.assertEqual((image.mode, image.pixels), ("RGB", [1, 2, 3, 4, 5, 6]))

    def test_trailing_data_is_ignored(self):
        image = pnm.read(b"P5 1 1 255\n\x07P5 1 1 255\n\x08")
        self.assertEqual(image.pixels, [7])

    def test_read_from_path(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "one.pgm")
            with open(path, "wb") as f:
                f.write(b"P2 1 1 9 4")
            self.assertEqual(pnm.read(path).pixels, [4])


class TestErrors(FileErrors, unittest.TestCase):
    """Each bad file raises ImageError naming the file and the problem."""

    def assertPNMError(self, data, *fragments):
        return self.assertReadError(pnm.read, pnm.ImageError, data, "digit.pgm", *fragments)

    def test_error_is_an_image_error(self):
        self.assertTrue(issubclass(pnm.ImageError, ImageError))

    def test_bad_magic(self):
        self.assertPNMError(b"P7\nWIDTH 1\n", "P7", "P1 to P6")

    def test_empty_file(self):
        self.assertPNMError(b"", "not a PBM/PGM/PPM")

    def test_bad_header_number(self):
        self.assertPNMError(b"P2 x 2 255\n", "width")

    def test_truncated_header(self):
        self.assertPNMError(b"P5 2 ", "truncated", "height")

    def test_zero_width(self):
        self.assertPNMError(b"P2 0 2 255\n", "width is 0")

    def test_maxval_zero(self):
        self.assertPNMError(b"P2 1 1 0\n0", "maxval is 0")

    def test_maxval_too_big(self):
        self.assertPNMError(b"P5 1 1 65536\n\x00\x00", "maxval is 65536")

    def test_plain_value_over_maxval(self):
        self.assertPNMError(b"P2 2 1 15\n3 16\n", "16", "maxval 15")

    def test_raw_value_over_maxval(self):
        self.assertPNMError(b"P5 2 1 100\n\x05\xff", "255", "maxval 100")

    def test_raw_sixteen_bit_value_over_maxval(self):
        self.assertPNMError(b"P5 1 1 300\n\x01\x2d", "301", "maxval 300")

    def test_truncated_raw_raster(self):
        self.assertPNMError(b"P5 3 3 255\n\x00\x00", "truncated", "2 of 9")

    def test_truncated_raw_bitmap(self):
        self.assertPNMError(b"P4 9 2\n\x00\x00\x00", "truncated", "3 of 4")

    def test_truncated_plain_raster(self):
        self.assertPNMError(b"P2 2 2 255\n1 2 3", "truncated", "3 of 4")

    def test_nothing_after_header(self):
        self.assertPNMError(b"P5 2 2 255", "truncated")

    def test_no_whitespace_after_maxval(self):
        self.assertPNMError(b"P5 1 1 255x", "whitespace")

    def test_bad_plain_sample(self):
        self.assertPNMError(b"P2 2 1 255\n1 -2\n", "-2")

    def test_bad_plain_bit(self):
        self.assertPNMError(b"P1 2 1\n1 2\n", "not 0 or 1")

    def test_too_many_pixels(self):
        self.assertPNMError(b"P5 100000 100000 255\n\x00", "limit")


if __name__ == "__main__":
    unittest.main()
