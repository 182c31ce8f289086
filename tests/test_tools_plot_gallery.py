"""Tests for tools/plot_gallery.py: it writes one SVG of every kind, each a valid document."""

import contextlib
import io
import os
import tempfile
import unittest
import xml.etree.ElementTree as ET
from unittest import mock

from tools import plot_gallery


class GalleryTest(unittest.TestCase):

    def test_writes_every_picture(self):
        with tempfile.TemporaryDirectory() as folder, \
                mock.patch.dict(os.environ, {}, clear=False) as env, \
                contextlib.redirect_stdout(io.StringIO()) as out:
            env.pop("PUREML_DATA", None)
            plot_gallery.main(["--out", folder])
            names = sorted(os.listdir(folder))
            for name in names:
                root = ET.parse(os.path.join(folder, name)).getroot()
                self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg", name)
        self.assertIn("optimizer_paths.svg", names)
        self.assertIn("digits.svg", names)
        self.assertEqual(len(names), 18)
        self.assertEqual(out.getvalue().count("wrote "), 18)


if __name__ == "__main__":
    unittest.main()
