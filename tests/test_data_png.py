"""Tests for pureml.data.png: PNGs written here with zlib + struct, then decoded."""

import os
import random
import struct
import tempfile
import unittest
import zlib

from pureml.data import png
from pureml.data.images import ImageError
from tests.support import FileErrors

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
LEGAL_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8),
                4: (8, 16), 6: (8, 16)}
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


# ------------------------------------------------------------------ encoder
# A deliberately plain encoder, written from the PNG specification and
# independent of the decoder's tricks.

def chunk(kind, body, bad_crc=False):
    """Return one chunk: length, type, body and CRC (spoilt if ``bad_crc``)."""
    kind = kind.encode("ascii")
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    if bad_crc:
        crc ^= 0x1
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def ihdr(width, height, color_type, bit_depth, interlace=0, compression=0,
         filtering=0):
    """Return the body of an IHDR chunk."""
    return struct.pack(">IIBBBBB", width, height, bit_depth, color_type,
                       compression, filtering, interlace)


def pack_row(samples, depth):
    """Return the bytes of one row of samples at ``depth`` bits, MSB first."""
    if depth == 16:
        return struct.pack(">%dH" % len(samples), *samples)
    if depth == 8:
        return bytes(samples)
    out = bytearray()
    per_byte = 8 // depth
    for i in range(0, len(samples), per_byte):
        group = list(samples[i:i + per_byte]) + [0] * per_byte
        byte = 0
        for s in group[:per_byte]:
            byte = (byte << depth) | s
        out.append(byte)
    return bytes(out)


def paeth_predictor(a, b, c):
    """The Paeth predictor exactly as the PNG specification writes it."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    if pb <= pc:
        return b
    return c


def filter_row(kind, row, prior, bpp):
    """Return the filter byte ``kind`` followed by ``row`` filtered with it."""
    out = bytearray([kind])
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = (0, a, b, (a + b) // 2, paeth_predictor(a, b, c))[kind]
        out.append((x - predictor) % 256)
    return bytes(out)


def image_data(width, height, color_type, depth, samples, filters=(0,),
               interlace=False):
    """Return the uncompressed IDAT stream: filtered rows, Adam7 if asked.

    ``samples`` is a flat list, channels interleaved (palette indices for
    colour type 3); row ``n`` (counted across passes) uses filter
    ``filters[n % len(filters)]``.
    """
    channels = CHANNELS[color_type]
    bpp = max(1, depth * channels // 8)
    passes = ADAM7 if interlace else ((0, 0, 1, 1),)
    out = bytearray()
    row_number = 0
    for x0, y0, dx, dy in passes:
        xs = range(x0, width, dx)
        ys = range(y0, height, dy)
        if not xs or not ys:
            continue
        prior = None
        for y in ys:
            row = []
            for x in xs:
                start = (y * width + x) * channels
                row.extend(samples[start:start + channels])
            packed = pack_row(row, depth)
            if prior is None:
                prior = bytes(len(packed))
            out += filter_row(filters[row_number % len(filters)], packed, prior, bpp)
            prior = packed
            row_number += 1
    return bytes(out)


def encode_png(width, height, color_type, depth, samples, filters=(0,),
               interlace=False, palette=None, trns=None, idat_pieces=1,
               extra=()):
    """Return the bytes of a PNG holding ``samples`` (see ``image_data``).

    ``palette`` is a list of (r, g, b); ``trns`` the raw tRNS body;
    ``idat_pieces`` splits the zlib stream over that many IDAT chunks;
    ``extra`` is a list of chunks (bytes) placed before the first IDAT.
    """
    raw = image_data(width, height, color_type, depth, samples, filters, interlace)
    compressed = zlib.compress(raw, 9)
    parts = [SIGNATURE, chunk("IHDR", ihdr(width, height, color_type, depth,
                                            int(interlace)))]
    if palette is not None:
        parts.append(chunk("PLTE", b"".join(bytes(rgb) for rgb in palette)))
    if trns is not None:
        parts.append(chunk("tRNS", trns))
    parts.extend(extra)
    step = -(-len(compressed) // idat_pieces)
    for i in range(0, len(compressed), step):
        parts.append(chunk("IDAT", compressed[i:i + step]))
    parts.append(chunk("IEND", b""))
    return b"".join(parts)


def random_samples(rng, count, depth):
    """Return ``count`` random samples, with the extremes 0 and max included."""
    top = (1 << depth) - 1
    values = [rng.choice((0, top, rng.randrange(top + 1))) for _ in range(count)]
    return values


# -------------------------------------------------------------------- tests

class TestColourTypesAndFilters(unittest.TestCase):
    """Every colour type x legal bit depth x filter decodes to its samples."""

    def check(self, width, height, color_type, depth, filters, interlace):
        rng = random.Random(width * 1000 + height * 10 + color_type + depth)
        channels = CHANNELS[color_type]
        palette = None
        if color_type == 3:
            size = min(1 << depth, 7)
            palette = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(size)]
            samples = [rng.randrange(size) for _ in range(width * height)]
        else:
            samples = random_samples(rng, width * height * channels, depth)
        data = encode_png(width, height, color_type, depth, samples, filters,
                          interlace, palette)
        image = png.read(data)
        self.assertEqual((image.width, image.height), (width, height))
        self.assertEqual((image.color_type, image.bit_depth, image.interlaced),
                         (color_type, depth, interlace))
        if color_type == 3:
            expected = [v for i in samples for v in palette[i]]
            self.assertEqual((image.mode, image.maxval), ("RGB", 255))
        else:
            expected = samples
            self.assertEqual(image.mode, {0: "L", 2: "RGB", 4: "LA", 6: "RGBA"}[color_type])
            self.assertEqual(image.maxval, (1 << depth) - 1)
        self.assertEqual(image.pixels, expected)

    def test_every_colour_type_depth_and_filter(self):
        for color_type, depths in LEGAL_DEPTHS.items():
            for depth in depths:
                for kind in range(5):
                    with self.subTest(color_type=color_type, depth=depth, filter=kind):
                        self.check(13, 7, color_type, depth, (kind,), False)

    def test_adam7_interlacing(self):
        sizes = ((1, 1), (2, 3), (3, 2), (5, 5), (9, 17), (13, 7))
        for color_type, depths in LEGAL_DEPTHS.items():
            for depth in depths:
                for width, height in sizes:
                    with self.subTest(color_type=color_type, depth=depth,
                                      size=(width, height)):
                        self.check(width, height, color_type, depth,
                                   (0, 1, 2, 3, 4), True)

    def test_mixed_filters_and_sizes(self):
        for width in (1, 2, 7, 8, 9, 33):
            with self.subTest(width=width):
                self.check(width, 5, 0, 1, (4, 3, 2, 1, 0), False)
                self.check(width, 5, 6, 16, (4, 3, 2, 1, 0), False)

    def test_smooth_image_paeth_ties(self):
        # Smooth gradients make the Paeth predictor's ties common.
        width, height = 31, 9
        samples = [(x * 3 + y * 5) % 256 for y in range(height) for x in range(width)
                   for _ in range(3)]
        data = encode_png(width, height, 2, 8, samples, (4,))
        self.assertEqual(png.read(data).pixels, samples)


class TestTransparencyAndChunks(unittest.TestCase):
    def test_gray_trns_becomes_alpha(self):
        samples = [0, 7, 255, 7]
        data = encode_png(2, 2, 0, 8, samples, trns=struct.pack(">H", 7))
        image = png.read(data)
        self.assertEqual(image.mode, "LA")
        self.assertEqual(image.pixels, [0, 255, 7, 0, 255, 255, 7, 0])

    def test_gray16_trns(self):
        samples = [0, 1000, 65535]
        image = png.read(encode_png(3, 1, 0, 16, samples, trns=struct.pack(">H", 1000)))
        self.assertEqual(image.pixels, [0, 65535, 1000, 0, 65535, 65535])

    def test_rgb_trns_becomes_alpha(self):
        samples = [1, 2, 3, 4, 5, 6, 1, 2, 4]
        image = png.read(encode_png(3, 1, 2, 8, samples, trns=struct.pack(">HHH", 1, 2, 3)))
        self.assertEqual(image.mode, "RGBA")
        self.assertEqual(image.pixels, [1, 2, 3, 0, 4, 5, 6, 255, 1, 2, 4, 255])

    def test_palette_trns_shorter_than_palette(self):
        palette = [(10, 20, 30), (40, 50, 60), (70, 80, 90)]
        image = png.read(encode_png(3, 1, 3, 2, [2, 1, 0], palette=palette,
                                    trns=bytes([0, 128])))
        self.assertEqual(image.mode, "RGBA")
        self.assertEqual(image.pixels, [70, 80, 90, 255, 40, 50, 60, 128, 10, 20, 30, 0])

    def test_split_idat_ancillary_chunks_and_trailing_bytes(self):
        samples = list(range(60))
        data = encode_png(6, 10, 0, 8, samples, (1, 4), idat_pieces=4,
                          extra=[chunk("tEXt", b"Comment\x00hi"),
                                 chunk("gAMA", struct.pack(">I", 45455))])
        self.assertEqual(png.read(data + b"junk after IEND").pixels, samples)

    def test_read_from_path_and_bytes(self):
        data = encode_png(2, 1, 0, 8, [3, 4])
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "two.png")
            with open(path, "wb") as f:
                f.write(data)
            self.assertEqual(png.read(path), png.read(data))


class TestErrors(FileErrors, unittest.TestCase):
    """Each damaged file raises ImageError naming the file and the problem."""

    def setUp(self):
        self.samples = list(range(0, 256, 4))                 # 8 x 8, gray
        self.good = encode_png(8, 8, 0, 8, self.samples, (0, 1, 2, 3, 4))

    def assertPNGError(self, data, *fragments):
        return self.assertReadError(png.read, png.ImageError, data, "digit.png", *fragments)

    def build(self, header=None, body=None, chunks=None):
        """Return a PNG with the given IHDR body, raw image data or chunk list."""
        header = header or ihdr(8, 8, 0, 8)
        if body is None:
            body = image_data(8, 8, 0, 8, self.samples)
        if chunks is None:
            chunks = [chunk("IHDR", header), chunk("IDAT", zlib.compress(body)),
                      chunk("IEND", b"")]
        return SIGNATURE + b"".join(chunks)

    def test_error_is_an_image_error_and_value_error(self):
        self.assertTrue(issubclass(png.ImageError, ImageError))
        self.assertTrue(issubclass(png.ImageError, ValueError))

    def test_good_file_decodes(self):
        self.assertEqual(png.read(self.good).pixels, self.samples)

    def test_bad_signature(self):
        self.assertPNGError(b"GIF89a" + self.good[6:], "not a PNG")

    def test_corrupt_crc(self):
        data = SIGNATURE + chunk("IHDR", ihdr(8, 8, 0, 8)) + \
            chunk("IDAT", zlib.compress(image_data(8, 8, 0, 8, self.samples)),
                  bad_crc=True) + chunk("IEND", b"")
        self.assertPNGError(data, "CRC", "IDAT")

    def test_corrupt_byte_caught_by_crc(self):
        data = bytearray(self.good)
        data[45] ^= 0x40                        # inside the IDAT body
        self.assertPNGError(bytes(data), "CRC")

    def test_truncated_at_several_points(self):
        size = len(self.good)
        for cut in (0, 5, 8, 12, 20, 33, 40, size // 2, size - 12, size - 5, size - 1):
            with self.subTest(cut=cut):
                self.assertPNGError(self.good[:cut], "truncated")

    def test_missing_iend(self):
        self.assertPNGError(self.good[:-12], "IEND")

    def test_missing_idat(self):
        data = self.build(chunks=[chunk("IHDR", ihdr(8, 8, 0, 8)), chunk("IEND", b"")])
        self.assertPNGError(data, "no IDAT")

    def test_first_chunk_not_ihdr(self):
        data = self.build(chunks=[chunk("tEXt", b"a\x00b"), chunk("IEND", b"")])
        self.assertPNGError(data, "IHDR")

    def test_bad_ihdr(self):
        cases = [
            (ihdr(8, 8, 2, 4), "bit depth 4"),
            (ihdr(8, 8, 3, 16), "bit depth 16"),
            (ihdr(8, 8, 5, 8), "colour type 5"),
            (ihdr(0, 8, 0, 8), "width"),
            (ihdr(8, 0, 0, 8), "height"),
            (ihdr(8, 8, 0, 8, compression=1), "compression"),
            (ihdr(8, 8, 0, 8, filtering=1), "filter method"),
            (ihdr(8, 8, 0, 8, interlace=2), "interlace"),
            (ihdr(8, 8, 0, 8)[:12], "13"),
        ]
        for header, fragment in cases:
            with self.subTest(fragment=fragment):
                self.assertPNGError(self.build(header=header), "IHDR", fragment)

    def test_decompression_bomb_header_fails_before_allocating(self):
        # 10^10 RGBA pixels of 16 bits would take 80 GB, more than the
        # machine has: a decoder that allocated (or inflated) before checking
        # the header would raise MemoryError or a zlib error, not this.
        data = self.build(header=ihdr(100000, 100000, 6, 16), body=b"\x00" * 100)
        self.assertPNGError(data, "100000 x 100000", "limit")

    def test_decompression_bomb_data_is_not_inflated(self):
        # 8 x 8 image whose IDAT would inflate to 20 MB of zeros.
        bomb = zlib.compressobj(9)
        compressed = bomb.compress(bytes(20 * 1024 * 1024)) + bomb.flush()
        data = self.build(chunks=[chunk("IHDR", ihdr(8, 8, 0, 8)),
                                  chunk("IDAT", compressed), chunk("IEND", b"")])
        self.assertPNGError(data, "more than the 72 bytes")

    def test_bad_filter_byte(self):
        body = bytearray(image_data(8, 8, 0, 8, self.samples))
        body[9 * 3] = 5                          # filter byte of row 3
        self.assertPNGError(self.build(body=bytes(body)), "filter type 5", "row 3")

    def test_corrupt_zlib_data(self):
        compressed = bytearray(zlib.compress(image_data(8, 8, 0, 8, self.samples)))
        compressed[0] = 0x00                     # not a zlib header
        data = self.build(chunks=[chunk("IHDR", ihdr(8, 8, 0, 8)),
                                  chunk("IDAT", bytes(compressed)), chunk("IEND", b"")])
        self.assertPNGError(data, "corrupt compressed")

    def test_too_little_image_data(self):
        body = image_data(8, 8, 0, 8, self.samples)[:-9]
        self.assertPNGError(self.build(body=body), "truncated image data")

    def test_zlib_stream_without_end(self):
        packer = zlib.compressobj()
        compressed = packer.compress(image_data(8, 8, 0, 8, self.samples)) + \
            packer.flush(zlib.Z_SYNC_FLUSH)
        data = self.build(chunks=[chunk("IHDR", ihdr(8, 8, 0, 8)),
                                  chunk("IDAT", compressed), chunk("IEND", b"")])
        self.assertPNGError(data, "no end")

    def test_palette_index_out_of_range(self):
        data = encode_png(2, 1, 3, 8, [0, 3], palette=[(0, 0, 0), (9, 9, 9)])
        self.assertPNGError(data, "palette index 3")

    def test_palette_image_without_plte(self):
        self.assertPNGError(encode_png(2, 1, 3, 8, [0, 0]), "PLTE")

    def test_plte_in_grayscale_image(self):
        data = encode_png(2, 1, 0, 8, [0, 0], palette=[(0, 0, 0)])
        self.assertPNGError(data, "PLTE")

    def test_trns_of_wrong_size(self):
        self.assertPNGError(encode_png(2, 1, 2, 8, [0] * 6, trns=b"\x00\x01"), "tRNS")

    def test_trns_with_alpha_channel(self):
        self.assertPNGError(encode_png(1, 1, 6, 8, [0] * 4, trns=b"\x00" * 6), "tRNS")

    def test_unknown_critical_chunk(self):
        data = encode_png(2, 1, 0, 8, [0, 0], extra=[chunk("ABCD", b"")])
        self.assertPNGError(data, "critical chunk ABCD")

    def test_idat_not_consecutive(self):
        compressed = zlib.compress(image_data(8, 8, 0, 8, self.samples))
        data = self.build(chunks=[chunk("IHDR", ihdr(8, 8, 0, 8)),
                                  chunk("IDAT", compressed[:10]), chunk("tEXt", b"a\x00b"),
                                  chunk("IDAT", compressed[10:]), chunk("IEND", b"")])
        self.assertPNGError(data, "consecutive")

    def test_bad_chunk_type(self):
        data = self.good[:33] + struct.pack(">I", 0) + b"I\x00AT" + b"\x00" * 4
        self.assertPNGError(data, "chunk type")


if __name__ == "__main__":
    unittest.main()
