"""Tests for ``pureml download`` and the data folder rules every command follows.

Each command runs as ``python -m pureml`` in a subprocess on the synthetic
dataset of tests.cli_support (see there).
"""

import hashlib
import os
import unittest
import urllib.parse

from pureml import mnist
from tests import cli_support
from tests.cli_support import SHARED, SMALL, CommandCase, pureml
from tests.support import real_data_root, requires_real_data


def setUpModule():
    cli_support.setUpModule()


class DataTest(CommandCase):
    """Missing data, the automatic download in train, and the download command."""

    def setUp(self):
        SHARED.server.requests = []
        SHARED.server.routes = {}
        self.empty_root = self.temporary_folder()

    def assertOnlyLoopback(self, prefix):
        """Fail unless every request the server saw was for the mirror at ``prefix``,
        or was for a public mirror and so was refused by the proxy trap.

        --mirror is tried first and the public mirrors after it, as the
        issue asks; the test processes send anything not on 127.0.0.1 to
        this server as their proxy, which refuses it, so nothing reaches
        the internet even where CI has it.
        """
        public = tuple("CONNECT %s:443" % urllib.parse.urlsplit(url).hostname
                       for url in mnist.DATASETS["mnist"].mirrors)
        for request in SHARED.server.requests:
            self.assertTrue(request.startswith(prefix) or request.startswith(public),
                            "a request left the loopback mirror: %r" % request)

    def serve(self, prefix, files):
        """Serve ``files`` (name -> bytes) under ``prefix``; return the mirror's URL."""
        SHARED.server.routes = {prefix + name: data for name, data in files.items()}
        return SHARED.base + prefix

    def synthetic_files(self):
        """Return the four synthetic .gz files as name -> bytes."""
        files = {}
        for name in mnist.FILES:
            with open(os.path.join(SHARED.root, "mnist", name), "rb") as f:
                files[name] = f.read()
        return files

    def test_missing_data_with_no_download_says_where_it_looked(self):
        result = pureml("train", "--no-download", *SMALL, data_root=self.empty_root)
        self.assertCleanError(result)
        self.assertIn("pureml: MNIST data not found in %s"
                      % os.path.join(self.empty_root, "mnist"), result.stderr)
        self.assertIn("python -m pureml download", result.stderr)
        self.assertEqual(SHARED.server.requests, [])
        self.assertEqual(result.stdout, "")

    def test_train_downloads_missing_data_and_fails_with_one_message(self):
        mirror = self.serve("/empty/", {})
        result = pureml("train", "--mirror", mirror, *SMALL, data_root=self.empty_root)
        self.assertCleanError(result)
        self.assertIn("downloading it now", result.stderr)
        self.assertEqual(result.stderr.count("pureml: "), 1, result.stderr)
        self.assertIn("pureml: could not download MNIST", result.stderr)
        self.assertIn("HTTP error 404", result.stderr)
        self.assertIn("/empty/" + mnist.TRAIN_IMAGES, SHARED.server.requests)
        self.assertOnlyLoopback("/empty/")

    def test_download_refuses_files_with_the_wrong_checksum(self):
        mirror = self.serve("/data/", self.synthetic_files())
        result = pureml("download", "--mirror", mirror, data_root=self.empty_root)
        self.assertCleanError(result)
        self.assertIn("checksum mismatch", result.stderr)
        self.assertOnlyLoopback("/data/")
        self.assertIn("/data/" + mnist.TRAIN_IMAGES, SHARED.server.requests)
        self.assertEqual(os.listdir(self.empty_root), [], "no empty mnist/ is left behind")

    def test_the_offline_message_says_how_to_use_files_elsewhere(self):
        mirror = self.serve("/empty/", {})
        for dataset in ("mnist", "fashion-mnist"):
            with self.subTest(dataset=dataset):
                result = pureml("download", "--mirror", mirror, "--dataset", dataset,
                                data_root=self.empty_root)
                self.assertCleanError(result)
                self.assertIn("point --data DIR or PUREML_DATA at the folder holding %s/"
                              % dataset, result.stderr)
                self.assertEqual(os.listdir(self.empty_root), [])

    def test_download_keeps_valid_files_already_there(self):
        mirror = self.serve("/data/", {})
        result = pureml("download", "--mirror", mirror, "--data", SHARED.root)
        self.assertSucceeded(result)
        self.assertEqual(SHARED.server.requests, [])
        self.assertIn("keeping it", result.stderr)
        self.assertIn("MNIST is ready in %s" % os.path.join(SHARED.root, "mnist"),
                      result.stdout)

    @requires_real_data
    def test_download_fetches_and_verifies_the_real_files(self):
        # The shared train-images was recompressed (see mnist.py's tests), so
        # its MD5 is not the published one: a synthetic file stands in for
        # it and is kept as valid, and the other three come over HTTP.
        real = os.path.join(real_data_root(), "mnist")
        files = {}
        for name in mnist.FILES[1:]:
            with open(os.path.join(real, name), "rb") as f:
                files[name] = f.read()
        mirror = self.serve("/real/", files)
        folder = os.path.join(self.empty_root, "mnist")
        os.makedirs(folder)
        with open(os.path.join(SHARED.root, "mnist", mnist.TRAIN_IMAGES), "rb") as f:
            stand_in = f.read()
        with open(os.path.join(folder, mnist.TRAIN_IMAGES), "wb") as f:
            f.write(stand_in)
        result = pureml("download", "--mirror", mirror, data_root=self.empty_root)
        self.assertSucceeded(result)
        self.assertOnlyLoopback("/real/")
        for name, data in files.items():
            with open(os.path.join(folder, name), "rb") as f:
                self.assertEqual(f.read(), data)
            self.assertIn("md5 %s verified" % hashlib.md5(data).hexdigest(), result.stderr)
        self.assertIn("MNIST is ready in " + folder, result.stdout)



if __name__ == "__main__":
    unittest.main()
