"""Tests for pureml.data.fileio: atomic writes that survive errors, Ctrl-C and power cuts."""

import os
import stat
import tempfile
import unittest
from unittest import mock

from pureml.data import fileio


class AtomicWriterTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name
        self.path = os.path.join(self.folder, "out.json")

    def test_writes_and_replaces(self):
        fileio.atomic_write_text(self.path, "first")
        fileio.atomic_write_text(self.path, "second")
        with open(self.path) as f:
            self.assertEqual(f.read(), "second")
        self.assertEqual(os.listdir(self.folder), ["out.json"])

    def test_bytes(self):
        fileio.atomic_write_bytes(self.path, b"\x00\x01")
        with open(self.path, "rb") as f:
            self.assertEqual(f.read(), b"\x00\x01")

    def test_an_error_leaves_the_old_file_and_no_temporary(self):
        fileio.atomic_write_text(self.path, "old")
        for error in (ValueError, KeyboardInterrupt):
            with self.subTest(error=error.__name__):
                with self.assertRaises(error):
                    with fileio.atomic_writer(self.path, "w") as f:
                        f.write("half")
                        raise error
                with open(self.path) as f:
                    self.assertEqual(f.read(), "old")
                self.assertEqual(os.listdir(self.folder), ["out.json"])

    def test_the_file_and_then_its_folder_are_fsynced(self):
        synced = []
        real_fsync = os.fsync

        def fsync(fd):
            mode = os.fstat(fd).st_mode
            synced.append("folder" if stat.S_ISDIR(mode) else "file")
            real_fsync(fd)
        with mock.patch("os.fsync", fsync):
            fileio.atomic_write_text(self.path, "data")
        self.assertEqual(synced, ["file", "folder"])

    def test_a_folder_that_cannot_be_fsynced_is_not_an_error(self):
        real_fsync = os.fsync

        def fsync(fd):
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                raise OSError(22, "Invalid argument")
            real_fsync(fd)
        with mock.patch("os.fsync", fsync):
            fileio.atomic_write_text(self.path, "data")
        with open(self.path) as f:
            self.assertEqual(f.read(), "data")

    def test_the_umask_decides_the_permissions(self):
        old = os.umask(0o027)
        try:
            fileio.atomic_write_text(self.path, "x")
        finally:
            os.umask(old)
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o640)

    def test_bad_mode(self):
        with self.assertRaises(ValueError):
            with fileio.atomic_writer(self.path, "a"):
                pass


if __name__ == "__main__":
    unittest.main()
