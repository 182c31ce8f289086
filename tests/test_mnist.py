"""Tests for pureml.mnist: loading a small synthetic set, errors, and download.

Downloads are tested against an ``http.server`` on 127.0.0.1 in a
background thread, so no test touches the internet.  The tests on the real
files run only when PUREML_DATA names a data root holding mnist/.
"""

import hashlib
import http.server
import os
import socket
import tempfile
import threading
import unittest
from unittest import mock

from pureml import mnist
from pureml.data import idx, mnistfiles
from tests.support import real_data_root, requires_real_data

SIZE = mnist.IMAGE_SIZE


def synthetic_pixels(count, seed):
    """Return ``count`` images of 784 bytes each, as one bytes object."""
    return bytes((seed + 31 * image + 7 * pixel) % 256
                 for image in range(count) for pixel in range(SIZE))


def synthetic_labels(count, seed):
    """Return ``count`` labels 0-9 as bytes."""
    return bytes((seed + 3 * i) % 10 for i in range(count))


def write_set(folder, n_train=7, n_test=3, names=mnist.FILES):
    """Write a small MNIST-shaped set into ``folder``; return its contents.

    The result maps each file name to the bytes of its values (pixels or
    labels).  ``names`` gives the four file names to use, in FILES order.
    """
    os.makedirs(folder, exist_ok=True)
    contents = {
        mnist.TRAIN_IMAGES: synthetic_pixels(n_train, 0),
        mnist.TRAIN_LABELS: synthetic_labels(n_train, 0),
        mnist.TEST_IMAGES: synthetic_pixels(n_test, 100),
        mnist.TEST_LABELS: synthetic_labels(n_test, 5),
    }
    for name, file_name in zip(mnist.FILES, names):
        values = contents[name]
        shape = (len(values) // SIZE, 28, 28) if "images" in name else (len(values),)
        idx.write(os.path.join(folder, file_name), shape, values)
    return contents


def as_floats(pixels):
    """Return the images in ``pixels`` as lists of floats, the expected way."""
    return [[value / 255 for value in pixels[i:i + SIZE]] for i in range(0, len(pixels), SIZE)]


def md5_of_file(path):
    """Return the MD5 of a file as hex."""
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


class TempDirTest(unittest.TestCase):
    """A test with a fresh temporary data root, ``self.root``."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.root = tmp.name
        self.folder = os.path.join(self.root, "mnist")


class LoadDataTest(TempDirTest):
    """load_data on a synthetic set: Nielsen's split, floats in [0, 1], int labels."""

    def setUp(self):
        super().setUp()
        self.contents = write_set(self.folder)

    def test_split_values_and_labels(self):
        training, validation, test = mnist.load_data(self.root, validation_size=2)
        train_pixels = self.contents[mnist.TRAIN_IMAGES]
        train_labels = list(self.contents[mnist.TRAIN_LABELS])
        self.assertEqual(training, (as_floats(train_pixels[:5 * SIZE]), train_labels[:5]))
        self.assertEqual(validation, (as_floats(train_pixels[5 * SIZE:]), train_labels[5:]))
        self.assertEqual(test, (as_floats(self.contents[mnist.TEST_IMAGES]),
                                list(self.contents[mnist.TEST_LABELS])))

    def test_types_and_range(self):
        training, _validation, test = mnist.load_data(self.root, validation_size=2)
        images, labels = training
        self.assertIsInstance(images, list)
        self.assertTrue(all(isinstance(x, list) and len(x) == SIZE for x in images))
        pixels = [p for x in images + test[0] for p in x]
        self.assertTrue(all(type(p) is float and 0.0 <= p <= 1.0 for p in pixels))
        self.assertIn(0.0, pixels)
        self.assertIn(1.0, pixels)
        self.assertTrue(all(type(label) is int for label in labels))

    def test_image_lists_are_independent(self):
        training, _validation, _test = mnist.load_data(self.root, validation_size=2)
        first, second = training[0][:2]
        first[0] = 42.0
        self.assertNotEqual(second[0], 42.0)

    def test_too_few_training_images_for_the_default_split(self):
        with self.assertRaisesRegex(ValueError, "validation_size .* 7 training images"):
            mnist.load_data(self.root)     # the last 10,000 cannot be set aside from 7

    def test_bad_validation_size(self):
        for bad in (-1, 8, 2.0):
            with self.subTest(validation_size=bad):
                with self.assertRaisesRegex(ValueError, "validation_size"):
                    mnist.load_data(self.root, validation_size=bad)

    def test_validation_size_zero(self):
        training, validation, _test = mnist.load_data(self.root, validation_size=0)
        self.assertEqual((len(training[0]), len(validation[0])), (7, 0))

    def test_folder_holding_the_files_directly(self):
        direct = mnist.load_data(self.folder, validation_size=2)
        self.assertEqual(direct, mnist.load_data(self.root, validation_size=2))

    def test_gunzipped_files_are_found_too(self):
        other = os.path.join(self.root, "plain")
        names = [name[:-len(".gz")] for name in mnist.FILES]
        contents = write_set(other, names=names)
        training, _validation, _test = mnist.load_data(other, validation_size=2)
        self.assertEqual(training[1], list(contents[mnist.TRAIN_LABELS][:5]))

    def test_fashion_mnist_lives_in_its_own_folder(self):
        contents = write_set(os.path.join(self.root, "fashion-mnist"), n_train=4)
        training, validation, _test = mnist.load_data(self.root, "fashion-mnist",
                                                      validation_size=1)
        self.assertEqual(training[1] + validation[1], list(contents[mnist.TRAIN_LABELS]))

    def test_unknown_dataset(self):
        for path in (self.root, self.folder):
            with self.subTest(path=path):
                with self.assertRaisesRegex(ValueError, "unknown dataset 'kmnist'.*fashion"):
                    mnist.load_data(path, "kmnist")


class LoadTestDataTest(TempDirTest):
    """load_test_data reads the two test files and nothing else."""

    def test_same_as_load_data(self):
        write_set(self.folder)
        self.assertEqual(mnist.load_test_data(self.root),
                         mnist.load_data(self.root, validation_size=2)[2])

    def test_training_files_are_not_needed(self):
        contents = write_set(self.folder)
        os.remove(os.path.join(self.folder, mnist.TRAIN_IMAGES))
        _images, labels = mnist.load_test_data(self.root)
        self.assertEqual(labels, list(contents[mnist.TEST_LABELS]))

    def test_missing_test_labels(self):
        write_set(self.folder)
        os.remove(os.path.join(self.folder, mnist.TEST_LABELS))
        with self.assertRaises(mnist.MissingDataError) as caught:
            mnist.load_test_data(self.root)
        self.assertEqual(caught.exception.missing, [mnist.TEST_LABELS])


class LoadDataWrapperTest(TempDirTest):
    """load_data_wrapper gives the network's (x, one-hot) and (x, label) pairs."""

    def test_format(self):
        contents = write_set(self.folder)
        training, validation, test = mnist.load_data_wrapper(self.root, validation_size=2)
        pixels = as_floats(contents[mnist.TRAIN_IMAGES])
        labels = list(contents[mnist.TRAIN_LABELS])
        self.assertEqual(training, [(pixels[i], mnist.vectorized_result(labels[i]))
                                    for i in range(5)])
        self.assertEqual(validation, [(pixels[i], labels[i]) for i in (5, 6)])
        self.assertEqual([label for _x, label in test], list(contents[mnist.TEST_LABELS]))
        self.assertIsInstance(training, list)
        self.assertIsInstance(test, list)


class LoadMnistTest(TempDirTest):
    """load_mnist: Deep Learning from Scratch's split and its four options."""

    def setUp(self):
        super().setUp()
        self.contents = write_set(self.folder, n_train=7, n_test=3)

    def test_defaults_all_training_images_then_the_test_images(self):
        (x_train, t_train), (x_test, t_test) = mnist.load_mnist(self.root)
        self.assertEqual(x_train, as_floats(self.contents[mnist.TRAIN_IMAGES]))
        self.assertEqual(t_train, list(self.contents[mnist.TRAIN_LABELS]))
        self.assertEqual(x_test, as_floats(self.contents[mnist.TEST_IMAGES]))
        self.assertEqual(t_test, list(self.contents[mnist.TEST_LABELS]))
        self.assertEqual(len(x_train), 7, "no validation set is held out")

    def test_normalize_false_gives_the_bytes_as_ints(self):
        (x_train, _), (x_test, _) = mnist.load_mnist(self.root, normalize=False)
        pixels = self.contents[mnist.TEST_IMAGES]
        self.assertEqual(x_test[2], list(pixels[2 * SIZE:3 * SIZE]))
        self.assertTrue(all(type(v) is int for v in x_train[0]))
        self.assertEqual(max(max(x) for x in x_train), 255)

    def test_flatten_false_gives_one_channel_of_28_rows(self):
        (x_train, _), _ = mnist.load_mnist(self.root, flatten=False)
        flat = as_floats(self.contents[mnist.TRAIN_IMAGES])
        image = x_train[4]
        self.assertEqual(len(image), 1)
        self.assertEqual([len(row) for row in image[0]], [28] * 28)
        self.assertEqual(image[0][3][5], flat[4][3 * 28 + 5])
        self.assertEqual([v for row in image[0] for v in row], flat[4])

    def test_both_ways_of_making_rows_give_the_flat_images_in_rows(self):
        pixels = self.contents[mnist.TRAIN_IMAGES]
        for table in (mnistfiles.PIXEL_VALUES, mnistfiles.PIXEL_BYTES):
            expected = [[[[table[b] for b in pixels[r:r + 28]]
                          for r in range(s, s + SIZE, 28)]] for s in range(0, len(pixels), SIZE)]
            for form in (mnistfiles._images_by_rows, mnistfiles._images_by_slicing):
                with self.subTest(form=form.__name__, table=len(table)):
                    images = form(pixels, table)
                    self.assertEqual(images, expected)
                    rows = [row for image in images for row in image[0]]
                    self.assertEqual(len({id(row) for row in rows}), len(rows),
                                     "every row is a list of its own")

    def test_one_hot_labels(self):
        (_, t_train), (_, t_test) = mnist.load_mnist(self.root, one_hot_label=True)
        labels = list(self.contents[mnist.TRAIN_LABELS])
        self.assertEqual(t_train, [mnist.vectorized_result(label) for label in labels])
        self.assertEqual(len(t_test), 3)

    def test_missing_files_are_the_same_error_as_load_data(self):
        os.remove(os.path.join(self.folder, mnist.TEST_LABELS))
        with self.assertRaises(mnist.MissingDataError) as caught:
            mnist.load_mnist(self.root)
        self.assertEqual(caught.exception.missing, [mnist.TEST_LABELS])

    def test_a_malformed_file_is_an_idx_error(self):
        with open(os.path.join(self.folder, mnist.TRAIN_LABELS), "wb") as f:
            f.write(b"\x00\x00\x08\x01\x00\x00\x00\x09\x01")    # claims 9 labels, holds 1
        with self.assertRaises(idx.DataFileError):
            mnist.load_mnist(self.root)


class VectorizedResultTest(unittest.TestCase):
    """vectorized_result(j) is the one-hot list for digit j."""

    def test_one_hot(self):
        for j in range(10):
            with self.subTest(j=j):
                expected = [0.0] * 10
                expected[j] = 1.0
                result = mnist.vectorized_result(j)
                self.assertEqual(result, expected)
                self.assertTrue(all(type(v) is float for v in result))

    def test_fresh_list_each_time(self):
        self.assertIsNot(mnist.vectorized_result(3), mnist.vectorized_result(3))

    def test_bad_labels(self):
        for bad in (-1, 10, 2.0, "3", None, True):
            with self.subTest(j=bad):
                with self.assertRaisesRegex(ValueError, "int from 0 to 9"):
                    mnist.vectorized_result(bad)


class MissingDataTest(TempDirTest):
    """Missing files give MissingDataError, which says how to get them."""

    def test_nothing_there(self):
        with self.assertRaises(mnist.MissingDataError) as caught:
            mnist.load_data(self.root)
        error = caught.exception
        self.assertIsInstance(error, FileNotFoundError)
        self.assertEqual(error.folder, self.folder)
        self.assertEqual(error.missing, list(mnist.FILES))
        self.assertEqual(error.dataset, "mnist")
        message = str(error)
        for text in (self.folder, "python -m pureml download", "--data", "PUREML_DATA") + \
                mnist.FILES:
            self.assertIn(text, message)

    def test_some_files_missing(self):
        write_set(self.folder)
        os.remove(os.path.join(self.folder, mnist.TEST_LABELS))
        with self.assertRaises(mnist.MissingDataError) as caught:
            mnist.load_data_wrapper(self.root)
        self.assertEqual(caught.exception.missing, [mnist.TEST_LABELS])

    def test_fashion_mnist_message(self):
        with self.assertRaises(mnist.MissingDataError) as caught:
            mnist.load_data(self.root, "fashion-mnist")
        self.assertEqual(caught.exception.folder, os.path.join(self.root, "fashion-mnist"))
        self.assertIn("Fashion-MNIST", str(caught.exception))


class BadContentTest(TempDirTest):
    """Well-formed IDX files with the wrong contents give DataFileError naming the file."""

    def setUp(self):
        super().setUp()
        write_set(self.folder)

    def replace(self, name, shape, values, type_code=idx.UBYTE):
        """Overwrite file ``name`` of the synthetic set; return its path."""
        path = os.path.join(self.folder, name)
        idx.write(path, shape, values, type_code)
        return path

    def assertMNISTError(self, path, reason):
        """Fail unless loading raises DataFileError naming ``path`` and matching ``reason``."""
        with self.assertRaisesRegex(mnist.DataFileError, reason) as caught:
            mnist.load_data(self.root, validation_size=2)
        self.assertIn(path, str(caught.exception))

    def test_is_a_value_error(self):
        self.assertTrue(issubclass(mnist.DataFileError, ValueError))

    def test_counts_disagree(self):
        path = self.replace(mnist.TRAIN_LABELS, (6,), bytes(6))
        self.assertMNISTError(path, "7 images but .* 6 labels")

    def test_images_not_28_by_28(self):
        path = self.replace(mnist.TEST_IMAGES, (3, 28, 27), bytes(3 * 28 * 27))
        self.assertMNISTError(path, "shape Nx28x28, but the shape is 3x28x27")

    def test_images_flat(self):
        path = self.replace(mnist.TEST_IMAGES, (3, SIZE), bytes(3 * SIZE))
        self.assertMNISTError(path, "shape Nx28x28, but the shape is 3x784")

    def test_label_outside_0_to_9(self):
        path = self.replace(mnist.TEST_LABELS, (3,), b"\x01\x0a\x02")
        self.assertMNISTError(path, "label 10 at position 1 is outside 0-9")

    def test_labels_with_two_dimensions(self):
        path = self.replace(mnist.TEST_LABELS, (3, 1), bytes(3))
        self.assertMNISTError(path, "1 dimension")

    def test_labels_not_unsigned_bytes(self):
        path = self.replace(mnist.TRAIN_LABELS, (7,), [1] * 7, idx.SHORT)
        self.assertMNISTError(path, "unsigned bytes .* not short")

    def test_malformed_file_is_an_idx_error_naming_it(self):
        path = os.path.join(self.folder, mnist.TRAIN_IMAGES)
        with open(path, "wb") as f:
            f.write(b"not an IDX file")
        with self.assertRaisesRegex(idx.DataFileError, "bad magic number") as caught:
            mnist.load_data(self.root, validation_size=2)
        self.assertIn(path, str(caught.exception))


class DataRootTest(unittest.TestCase):
    """data_root: explicit, else PUREML_DATA, else XDG_CACHE_HOME/pureml, else ~/.cache."""

    def test_explicit_wins(self):
        self.assertEqual(mnist.data_root("/d", environ={"PUREML_DATA": "/e"}), "/d")

    def test_environment_variable(self):
        environ = {"PUREML_DATA": "/e", "XDG_CACHE_HOME": "/x"}
        self.assertEqual(mnist.data_root(environ=environ), "/e")

    def test_xdg_cache(self):
        self.assertEqual(mnist.data_root(environ={"XDG_CACHE_HOME": "/x"}),
                         os.path.join("/x", "pureml"))

    def test_home_cache(self):
        expected = os.path.join(os.path.expanduser("~"), ".cache", "pureml")
        self.assertEqual(mnist.data_root(environ={}), expected)
        self.assertEqual(mnist.data_root(environ={"XDG_CACHE_HOME": "relative"}), expected)

    def test_dataset_dir(self):
        self.assertEqual(mnist.dataset_dir("/d"), os.path.join("/d", "mnist"))
        self.assertEqual(mnist.dataset_dir("/d", "fashion-mnist"),
                         os.path.join("/d", "fashion-mnist"))

    def test_datasets_table(self):
        self.assertEqual(sorted(mnist.DATASETS), ["fashion-mnist", "mnist"])
        for spec in mnist.DATASETS.values():
            self.assertEqual(sorted(spec.checksums), sorted(mnist.FILES))
            self.assertTrue(all(url.endswith("/") for url in spec.mirrors))


class MirrorUrlsTest(unittest.TestCase):
    """mirror_urls: an explicit list as is, else PUREML_MIRROR and the defaults."""

    def test_defaults(self):
        self.assertEqual(mnist.mirror_urls("mnist", environ={}),
                         list(mnist.DATASETS["mnist"].mirrors))

    def test_environment_mirror_first(self):
        urls = mnist.mirror_urls("fashion-mnist", environ={"PUREML_MIRROR": "http://m/"})
        self.assertEqual(urls, ["http://m/"] + list(mnist.DATASETS["fashion-mnist"].mirrors))

    def test_explicit_list(self):
        urls = mnist.mirror_urls("mnist", ["http://a/"], environ={"PUREML_MIRROR": "http://m/"})
        self.assertEqual(urls, ["http://a/"])


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serve ``server.routes``: path -> (body, how), ``how`` "whole" or "cut"."""

    def do_GET(self):
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        body, how = route
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if how == "cut":        # send half, then hang up
            self.wfile.write(body[:len(body) // 2])
            self.close_connection = True
        else:
            self.wfile.write(body)

    def log_message(self, *args):
        """Keep the test output quiet."""


class DownloadTest(TempDirTest):
    """download() against a loopback http.server."""

    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        cls.server.daemon_threads = True
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.base = "http://127.0.0.1:%d/data/" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.thread.join()

    def setUp(self):
        super().setUp()
        patcher = mock.patch.dict(os.environ, {"no_proxy": "*", "NO_PROXY": "*"})
        patcher.start()
        self.addCleanup(patcher.stop)
        source = os.path.join(self.root, "source")
        write_set(source)
        self.files = {}
        for name in mnist.FILES:
            with open(os.path.join(source, name), "rb") as f:
                self.files[name] = f.read()
        self.checksums = {name: hashlib.md5(data).hexdigest()
                          for name, data in self.files.items()}
        self.server.requests = []
        self.server.routes = {"/data/" + name: (data, "whole")
                              for name, data in self.files.items()}
        self.messages = []

    def download(self, mirrors=None, dataset="mnist"):
        """Run download into the temporary root from the loopback mirror; return its result."""
        return mnist.download(self.root, dataset, [self.base] if mirrors is None else mirrors,
                              log=self.messages.append, timeout=10, checksums=self.checksums)

    def assertNoFile(self, name):
        """Fail if ``name`` or any temporary file is in the mnist folder (or it is gone)."""
        left = os.listdir(self.folder) if os.path.isdir(self.folder) else []
        self.assertNotIn(name, left)
        self.assertEqual([entry for entry in left if entry.endswith(".part")], [])

    def test_success(self):
        self.assertEqual(self.download(), self.folder)
        for name, data in self.files.items():
            with open(os.path.join(self.folder, name), "rb") as f:
                self.assertEqual(f.read(), data)
        self.assertEqual(sorted(os.listdir(self.folder)), sorted(mnist.FILES))
        log = "\n".join(self.messages)
        self.assertIn(self.base + mnist.TRAIN_IMAGES, log)
        self.assertIn("md5 %s verified" % self.checksums[mnist.TRAIN_IMAGES], log)
        training, _validation, _test = mnist.load_data(self.root, validation_size=2)
        self.assertEqual(len(training[0]), 5)

    def test_files_present_are_not_fetched_again(self):
        self.download()
        self.server.requests = []
        self.download()
        self.assertEqual(self.server.requests, [])
        self.assertIn("already there", "\n".join(self.messages))

    def test_valid_file_with_other_checksum_is_kept(self):
        # Like the shared copy's recompressed train-images: same contents, other .gz bytes.
        os.makedirs(self.folder)
        path = os.path.join(self.folder, mnist.TRAIN_IMAGES)
        idx.write(path, (7, 28, 28), synthetic_pixels(7, 0), compress=False)
        self.download()
        self.assertNotIn("/data/" + mnist.TRAIN_IMAGES, self.server.requests)
        self.assertNotEqual(md5_of_file(path), self.checksums[mnist.TRAIN_IMAGES])

    def test_damaged_file_is_fetched_again(self):
        os.makedirs(self.folder)
        path = os.path.join(self.folder, mnist.TRAIN_LABELS)
        with open(path, "wb") as f:
            f.write(self.files[mnist.TRAIN_LABELS][:-5])
        self.download()
        self.assertEqual(md5_of_file(path), self.checksums[mnist.TRAIN_LABELS])
        self.assertIn("damaged", "\n".join(self.messages))

    def test_checksum_mismatch_keeps_nothing(self):
        route = "/data/" + mnist.TRAIN_LABELS
        self.server.routes[route] = (b"tampered" + self.files[mnist.TRAIN_LABELS], "whole")
        with self.assertRaises(mnist.DownloadError) as caught:
            self.download()
        self.assertNoFile(mnist.TRAIN_LABELS)
        message = str(caught.exception)
        self.assertIn("checksum mismatch", message)
        self.assertIn(self.base + mnist.TRAIN_LABELS, message)

    def test_server_closing_mid_file_keeps_nothing(self):
        route = "/data/" + mnist.TRAIN_IMAGES
        self.server.routes[route] = (self.files[mnist.TRAIN_IMAGES], "cut")
        with self.assertRaises(mnist.DownloadError) as caught:
            self.download()
        self.assertNoFile(mnist.TRAIN_IMAGES)
        self.assertIn("closed after", str(caught.exception))

    def test_404_then_a_good_mirror(self):
        missing = self.base.replace("/data/", "/nothing-here/")
        self.assertEqual(self.download([missing, self.base]), self.folder)
        self.assertEqual(sorted(os.listdir(self.folder)), sorted(mnist.FILES))
        self.assertIn("404", "\n".join(self.messages))
        self.assertIn("/nothing-here/" + mnist.TRAIN_IMAGES, self.server.requests)

    def test_unreachable_mirror_gives_one_clear_message(self):
        with socket.socket() as probe:          # a port on which nothing listens
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        dead = "http://127.0.0.1:%d/mnist/" % port
        with self.assertRaises(mnist.DownloadError) as caught:
            self.download([dead])
        error = caught.exception
        self.assertIsInstance(error, OSError)
        self.assertEqual(error.folder, self.folder)
        self.assertEqual(error.missing, list(mnist.FILES))
        self.assertEqual([url for url, _reason in error.attempts], [dead + mnist.TRAIN_IMAGES])
        message = str(error)
        self.assertIn(dead + mnist.TRAIN_IMAGES, message)
        self.assertIn("put them, unchanged, in %s" % self.folder, message)
        published = mnist.DATASETS["mnist"]
        for name in mnist.FILES:
            self.assertIn(published.mirrors[0] + name, message)
            self.assertIn(published.checksums[name], message)

    def test_a_failed_first_download_leaves_no_empty_folders(self):
        root = os.path.join(self.root, "new", "data")
        for dataset in ("mnist", "fashion-mnist"):
            with self.subTest(dataset=dataset):
                with self.assertRaises(mnist.DownloadError) as caught:
                    mnist.download(root, dataset, ["http://127.0.0.1:9/"], timeout=10)
                self.assertFalse(os.path.exists(os.path.join(self.root, "new")))
                self.assertTrue(os.path.isdir(self.root), "a folder that was there stays")
                self.assertEqual(caught.exception.folder, os.path.join(root, dataset))

    def test_a_failed_download_keeps_the_files_it_got(self):
        self.server.routes.pop("/data/" + mnist.TEST_IMAGES)
        with self.assertRaises(mnist.DownloadError):
            self.download()
        self.assertEqual(sorted(os.listdir(self.folder)),
                         sorted([mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS]))

    def test_the_failure_says_how_to_point_at_files_elsewhere(self):
        with self.assertRaises(mnist.DownloadError) as caught:
            self.download(["http://127.0.0.1:9/"])
        self.assertIn("point --data DIR or PUREML_DATA at the folder holding mnist/",
                      str(caught.exception))

    def test_fashion_mnist_goes_to_its_folder(self):
        folder = self.download(dataset="fashion-mnist")
        self.assertEqual(folder, os.path.join(self.root, "fashion-mnist"))
        self.assertEqual(sorted(os.listdir(folder)), sorted(mnist.FILES))

    def test_no_mirrors(self):
        with self.assertRaisesRegex(ValueError, "no mirrors"):
            self.download([])


@requires_real_data
class RealDataTest(unittest.TestCase):
    """The real MNIST files, found through PUREML_DATA."""

    @classmethod
    def setUpClass(cls):
        cls.training, cls.validation, cls.test = mnist.load_data(real_data_root())

    def test_sizes(self):
        sizes = [(len(images), len(labels))
                 for images, labels in (self.training, self.validation, self.test)]
        self.assertEqual(sizes, [(50000, 50000), (10000, 10000), (10000, 10000)])
        self.assertEqual(len(self.training[0][0]), 784)

    def test_first_training_label(self):
        self.assertEqual(self.training[1][0], 5)

    def test_mean_training_pixel(self):
        # 0.1307 is the mean over the whole training file, all 60,000 images
        # (Nielsen's 50,000 training images alone average 0.1310).
        images = self.training[0] + self.validation[0]
        mean = sum(map(sum, images)) / (len(images) * 784)
        self.assertAlmostEqual(mean, 0.1307, delta=0.0001)

    def test_existing_real_files_are_kept_by_download(self):
        with tempfile.TemporaryDirectory() as root:
            folder = os.path.join(root, "mnist")
            os.makedirs(folder)
            for name in mnist.FILES:
                os.symlink(os.path.abspath(os.path.join(real_data_root(), "mnist", name)),
                           os.path.join(folder, name))
            messages = []
            # Nothing listens on the "mirror": a fetch would fail the test.
            mnist.download(root, mirrors=["http://127.0.0.1:9/"], log=messages.append)
        self.assertEqual(sum("already there" in m for m in messages), 4)


if __name__ == "__main__":
    unittest.main()
