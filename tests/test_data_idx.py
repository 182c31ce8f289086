"""Tests for pureml.data.idx: round trips of every type, and every malformed file."""

import gzip
import io
import math
import os
import pathlib
import platform
import struct
import tempfile
import unittest
import zlib

try:
    import tracemalloc          # CPython's; PyPy's cannot be imported
except ImportError:
    tracemalloc = None

from pureml.data import idx

SHAPES = [(5,), (2, 3), (2, 3, 4), (2, 1, 3, 2)]


def sample_values(type_code, count):
    """Return ``count`` values of ``type_code`` that include the type's extremes."""
    if type_code == idx.UBYTE:
        return bytes((7 * i + 255) % 256 for i in range(count))
    ranges = {idx.BYTE: (-128, 127), idx.SHORT: (-2 ** 15, 2 ** 15 - 1),
              idx.INT: (-2 ** 31, 2 ** 31 - 1)}
    if type_code in ranges:
        low, high = ranges[type_code]
        values = [low + (i * 40503) % (high - low + 1) for i in range(count)]
        values[0], values[-1] = low, high
        return values
    if type_code == idx.FLOAT:    # exactly representable in 32 bits
        return [(i - count / 2) * 0.375 for i in range(count)]
    return [math.pi * (i - 3) / 7 for i in range(count)]


def header(type_code, shape):
    """Return the IDX header for ``type_code`` and ``shape``."""
    return struct.pack(">BBBB%dI" % len(shape), 0, 0, type_code, len(shape), *shape)


def gzip_bomb(prefix, megabytes):
    """Return a valid gzip file of ``prefix`` followed by ``megabytes`` MB of zeros.

    It is built without ever holding the zeros: one megabyte of zeros is
    compressed once into a self-contained deflate block (a full flush resets
    the compressor), and that block is repeated.  The gzip trailer's CRC and
    size are computed over the whole stream, so the file is genuine.
    """
    zeros = bytes(1 << 20)
    first = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    lead = first.compress(prefix) + first.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zero_block = block.compress(zeros) + block.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()   # last, empty block
    crc = zlib.crc32(prefix)
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    size = len(prefix) + megabytes * len(zeros)
    gzip_header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return gzip_header + lead + zero_block * megabytes + final + trailer


class TempDirTest(unittest.TestCase):
    """A test with a fresh temporary folder, ``self.folder``."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name

    def path(self, name):
        """Return the path of ``name`` in the temporary folder."""
        return os.path.join(self.folder, name)

    def save(self, name, data):
        """Write raw ``data`` to ``name`` in the temporary folder; return its path."""
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(data)
        return path


class RoundTripTest(TempDirTest):
    """write then read gives back the shape and values, for every type."""

    def test_every_type_dimension_and_compression(self):
        for type_code in sorted(idx.TYPE_NAMES):
            for shape in SHAPES:
                for compress in (False, True):
                    with self.subTest(type=idx.TYPE_NAMES[type_code], shape=shape,
                                      gzip=compress):
                        count = 1
                        for size in shape:
                            count *= size
                        values = sample_values(type_code, count)
                        path = self.path("data.idx")
                        idx.write(path, shape, values, type_code, compress=compress)
                        with open(path, "rb") as f:
                            self.assertEqual(f.read(2) == idx.GZIP_MAGIC, compress)
                        self.assertEqual(idx.read(path), (shape, values))
                        self.assertEqual(idx.read_with_type(path)[0], type_code)

    def test_value_types(self):
        expected_types = {idx.UBYTE: bytes, idx.BYTE: int, idx.SHORT: int, idx.INT: int,
                          idx.FLOAT: float, idx.DOUBLE: float}
        for type_code, kind in expected_types.items():
            with self.subTest(type=idx.TYPE_NAMES[type_code]):
                path = self.path("v.idx")
                idx.write(path, (2,), [1, 2], type_code)
                _shape, values = idx.read(path)
                if kind is bytes:
                    self.assertIsInstance(values, bytes)
                else:
                    self.assertIsInstance(values, list)
                    self.assertTrue(all(type(v) is kind for v in values))

    def test_special_floats(self):
        for type_code in (idx.FLOAT, idx.DOUBLE):
            with self.subTest(type=idx.TYPE_NAMES[type_code]):
                path = self.path("f.idx")
                idx.write(path, (3,), [math.inf, -math.inf, math.nan], type_code)
                _shape, values = idx.read(path)
                self.assertEqual(values[:2], [math.inf, -math.inf])
                self.assertTrue(math.isnan(values[2]))

    def test_zero_size_dimension(self):
        path = self.path("empty.idx.gz")
        idx.write(path, (3, 0), [], idx.INT)
        self.assertEqual(idx.read(path), ((3, 0), []))

    def test_compress_follows_name_by_default(self):
        idx.write(self.path("a.gz"), (2,), b"ab")
        idx.write(self.path("a.idx"), (2,), b"ab")
        with open(self.path("a.gz"), "rb") as f:
            self.assertEqual(f.read(2), idx.GZIP_MAGIC)
        with open(self.path("a.idx"), "rb") as f:
            self.assertEqual(f.read(), header(idx.UBYTE, (2,)) + b"ab")

    def test_gzip_recognised_by_content_not_name(self):
        idx.write(self.path("packed.idx"), (2,), b"xy", compress=True)
        idx.write(self.path("plain.gz"), (2,), b"xy", compress=False)
        self.assertEqual(idx.read(self.path("packed.idx")), ((2,), b"xy"))
        self.assertEqual(idx.read(self.path("plain.gz")), ((2,), b"xy"))

    def test_gzip_output_is_reproducible(self):
        outputs = []
        for _ in range(2):
            idx.write(self.path("same.gz"), (3,), b"abc")
            with open(self.path("same.gz"), "rb") as f:
                outputs.append(f.read())
        self.assertEqual(outputs[0], outputs[1])

    def test_read_file_objects(self):
        data = header(idx.SHORT, (2,)) + struct.pack(">2h", -5, 300)
        self.assertEqual(idx.read(io.BytesIO(data)), ((2,), [-5, 300]))
        self.assertEqual(idx.read(io.BytesIO(gzip.compress(data))), ((2,), [-5, 300]))
        path = self.save("s.idx", data)
        with open(path, "rb") as f:
            self.assertEqual(idx.read(f), ((2,), [-5, 300]))

    def test_read_path_like(self):
        idx.write(self.path("p.idx"), (1,), b"z")
        self.assertEqual(idx.read(pathlib.Path(self.path("p.idx"))), ((1,), b"z"))

    def test_concatenated_gzip_members(self):
        data = header(idx.UBYTE, (4,)) + b"abcd"
        path = self.save("two-members.gz", gzip.compress(data[:5]) + gzip.compress(data[5:]))
        self.assertEqual(idx.read(path), ((4,), b"abcd"))

    def test_maximally_compressed_file_is_accepted(self):
        # 16 MB of zeros compress about 1000-fold, near deflate's 1032-fold limit.
        megabytes = 16
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        parts = [compressor.compress(header(idx.UBYTE, (megabytes, 1 << 20)))]
        parts.extend(compressor.compress(bytes(1 << 20)) for _ in range(megabytes))
        parts.append(compressor.flush())
        shape, values = idx.read(self.save("zeros.gz", b"".join(parts)))
        self.assertEqual(shape, (megabytes, 1 << 20))
        self.assertEqual(values.count(0), megabytes << 20)

    def test_write_is_atomic_and_replaces(self):
        path = self.path("r.idx")
        idx.write(path, (1,), b"a")
        idx.write(path, (2,), b"bc")
        self.assertEqual(idx.read(path), ((2,), b"bc"))
        self.assertEqual(os.listdir(self.folder), ["r.idx"])


class WriteErrorTest(TempDirTest):
    """write refuses values that do not match the shape or the type."""

    def test_count_must_match_shape(self):
        with self.assertRaisesRegex(ValueError, "needs 6 values, but 5"):
            idx.write(self.path("x.idx"), (2, 3), bytes(5))
        self.assertEqual(os.listdir(self.folder), [])

    def test_values_must_fit_the_type(self):
        cases = [(idx.UBYTE, 256), (idx.UBYTE, -1), (idx.BYTE, 128), (idx.BYTE, -129),
                 (idx.SHORT, 2 ** 15), (idx.INT, -2 ** 31 - 1), (idx.INT, 1.5),
                 (idx.FLOAT, 1e39), (idx.DOUBLE, "1"), (idx.DOUBLE, 10 ** 400)]
        for type_code, bad in cases:
            with self.subTest(type=idx.TYPE_NAMES[type_code], value=bad):
                with self.assertRaisesRegex(ValueError, r"values\[1\] = .* does not fit "
                                            "type %s" % idx.TYPE_NAMES[type_code]):
                    idx.write(self.path("x.idx"), (3,), [0, bad, 0], type_code)
        self.assertEqual(os.listdir(self.folder), [])

    def test_nested_values_are_refused(self):
        with self.assertRaisesRegex(ValueError, "flat"):
            idx.write(self.path("x.idx"), (2,), [[1], [2]], idx.INT)

    def test_bad_shapes(self):
        for shape in [(), (-1,), (2.0,), (2 ** 32,), (1,) * 256, 5]:
            with self.subTest(shape=shape):
                with self.assertRaisesRegex(ValueError, "shape"):
                    idx.write(self.path("x.idx"), shape, b"")

    def test_unknown_type_code(self):
        with self.assertRaisesRegex(ValueError, "unknown type code"):
            idx.write(self.path("x.idx"), (1,), [1], 0x0A)


class MalformedFileTest(TempDirTest):
    """Every malformed file raises DataFileError naming the file."""

    def assertIDXError(self, path, reason):
        """Fail unless reading ``path`` raises DataFileError naming it and matching ``reason``."""
        with self.assertRaisesRegex(idx.DataFileError, reason) as caught:
            idx.read(path)
        self.assertIn(path, str(caught.exception))
        self.assertEqual(caught.exception.filename, path)
        return caught.exception

    def test_is_a_value_error(self):
        self.assertTrue(issubclass(idx.DataFileError, ValueError))

    def test_empty_file(self):
        self.assertIDXError(self.save("empty.idx", b""), "empty")

    def test_empty_gzip_stream(self):
        self.assertIDXError(self.save("empty.gz", gzip.compress(b"")), "inflates to nothing")

    def test_bad_magic_number(self):
        data = b"\x01\x02\x08\x01" + struct.pack(">I", 1) + b"a"
        self.assertIDXError(self.save("magic.idx", data), "bad magic number 0x01020801")

    def test_unknown_type_code(self):
        data = b"\x00\x00\x0a\x01" + struct.pack(">I", 1) + b"a"
        self.assertIDXError(self.save("type.idx", data), "unknown type code 0x0a")

    def test_zero_dimensions(self):
        self.assertIDXError(self.save("zero.idx", b"\x00\x00\x08\x00"), "zero dimensions")

    def test_file_shorter_than_magic_number(self):
        self.assertIDXError(self.save("short.idx", b"\x00\x00\x08"), "magic number")

    def test_header_ends_early(self):
        data = b"\x00\x00\x08\x03" + struct.pack(">2I", 2, 2)
        self.assertIDXError(self.save("dims.idx", data), "header ends early")

    def test_header_claims_more_than_the_file_holds(self):
        data = header(idx.DOUBLE, (10 ** 6, 10 ** 6)) + bytes(88)
        self.assertEqual(len(data), 100)
        self.assertIDXError(self.save("huge.idx", data),
                            "shape 1000000x1000000 of double needs 8000000000000 bytes "
                            "after the header, the file holds 88")

    def test_gzip_header_claims_more_than_the_file_can_inflate_to(self):
        data = gzip.compress(header(idx.UBYTE, (10 ** 6, 10 ** 6)) + bytes(100))
        self.assertIDXError(self.save("huge.gz", data), "more than a gzip file of")

    def test_huge_claim_in_an_unseekable_stream(self):
        data = header(idx.INT, (10 ** 6, 10 ** 6)) + bytes(100)

        class Pipe(io.RawIOBase):
            """A readable stream that cannot seek, like a pipe."""
            name = "pipe"

            def __init__(self):
                self._data = io.BytesIO(data)

            def readable(self):
                return True

            def readinto(self, buffer):
                chunk = self._data.read(len(buffer))
                buffer[:len(chunk)] = chunk
                return len(chunk)

        with self.assertRaisesRegex(idx.DataFileError, "truncated") as caught:
            idx.read(Pipe())
        self.assertIn("'pipe'", str(caught.exception))

    def test_truncated_body(self):
        data = header(idx.UBYTE, (3, 4)) + bytes(11)
        self.assertIDXError(self.save("short-body.idx", data), "data is truncated.* holds 11$")

    def test_truncated_body_in_gzip(self):
        data = gzip.compress(header(idx.UBYTE, (3, 4)) + bytes(11))
        self.assertIDXError(self.save("short-body.gz", data), "data is truncated.* holds 11$")

    def test_trailing_bytes(self):
        data = header(idx.UBYTE, (3, 4)) + bytes(13)
        self.assertIDXError(self.save("long.idx", data), "trailing bytes")

    def test_trailing_bytes_in_gzip(self):
        data = gzip.compress(header(idx.UBYTE, (3, 4)) + bytes(13))
        self.assertIDXError(self.save("long.gz", data), "trailing bytes")

    def test_corrupt_gzip_stream(self):
        data = bytearray(gzip.compress(header(idx.UBYTE, (64,)) + bytes(range(64))))
        data[10] = 0x07      # the first deflate block claims the reserved block type 3
        self.assertIDXError(self.save("corrupt.gz", bytes(data)), "corrupt gzip stream")

    def test_gzip_checksum_mismatch(self):
        data = bytearray(gzip.compress(header(idx.UBYTE, (4,)) + b"abcd"))
        data[-8] ^= 0xFF     # first byte of the CRC-32 in the trailer
        self.assertIDXError(self.save("crc.gz", bytes(data)), "corrupt gzip stream")

    def test_gzip_truncated_before_its_trailer(self):
        data = gzip.compress(header(idx.UBYTE, (4,)) + b"abcd")[:-4]
        self.assertIDXError(self.save("cut-trailer.gz", data), "gzip stream is truncated")

    def test_gzip_truncated_mid_data(self):
        data = gzip.compress(header(idx.UBYTE, (1000,)) + bytes(range(250)) * 4, 0)
        self.assertIDXError(self.save("cut.gz", data[:len(data) // 2]),
                            "gzip stream is truncated")

    def test_garbage_after_gzip_stream(self):
        data = gzip.compress(header(idx.UBYTE, (4,)) + b"abcd") + b"junk"
        self.assertIDXError(self.save("junk.gz", data), "corrupt gzip stream")

    def test_gzip_bomb_fails_fast_in_little_memory(self):
        # 256 MB of zeros behind a header that announces 2 bytes: about 270 kB on disk.
        path = self.save("bomb.gz", gzip_bomb(header(idx.UBYTE, (2,)) + b"ok", 256))
        self.assertLess(os.path.getsize(path), 1 << 20)
        measure = tracemalloc is not None and platform.python_implementation() == "CPython"
        if measure:
            tracemalloc.start()
            self.addCleanup(tracemalloc.stop)
        self.assertIDXError(path, "trailing bytes")
        if measure:
            _current, peak = tracemalloc.get_traced_memory()
            self.assertLess(peak, 4 << 20)

    def test_gzip_bomb_behind_a_large_claim_is_still_bounded_by_the_header(self):
        # The header claims 3 MB; the stream holds 64 MB: at most 3 MB + 1 byte are inflated.
        path = self.save("bomb2.gz", gzip_bomb(header(idx.UBYTE, (3, 1 << 20)), 64))
        self.assertIDXError(path, "trailing bytes")

    def test_missing_file_is_an_os_error(self):
        with self.assertRaises(FileNotFoundError) as caught:
            idx.read(self.path("nowhere.idx"))
        self.assertNotIsInstance(caught.exception, idx.DataFileError)

    def test_file_object_is_named_by_repr_of_its_name(self):
        path = self.save("named.idx", b"\x00\x00\x08\x00")
        with open(path, "rb") as f:
            with self.assertRaisesRegex(idx.DataFileError, "zero dimensions") as caught:
                idx.read(f)
        self.assertIn(repr(path), str(caught.exception))

    def test_nameless_file_object_is_called_bytes(self):
        with self.assertRaisesRegex(idx.DataFileError, "^<bytes>: the file is empty"):
            idx.read(io.BytesIO(b""))

    def test_source_must_be_path_or_file(self):
        with self.assertRaisesRegex(TypeError, "path or a binary file object"):
            idx.read(42)


if __name__ == "__main__":
    unittest.main()
