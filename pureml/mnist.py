"""The MNIST digits (and Fashion-MNIST), read from LeCun's original IDX files.

This is the book's ``mnist_loader`` without the pickle: the same
``load_data``, ``load_data_wrapper`` and ``vectorized_result``, reading the
four original files with ``pureml.data.idx``.

Where the data lives: a *data root* (``--data DIR`` on the command line,
else ``$PUREML_DATA``, else ``$XDG_CACHE_HOME/pureml``, else
``~/.cache/pureml``) holds one folder per dataset, ``mnist/`` and
``fashion-mnist/``, each with the four files under their original names.

Loading never touches the network.  ``download`` fetches the files from
public mirrors and checks each against its published MD5; the command line
(``python -m pureml download``) calls it.
"""

import collections
import hashlib
import http.client
import operator
import os
import socket
import urllib.error
import urllib.request

from pureml.data import idx
from pureml.data.fileio import atomic_writer
from pureml.errors import DataFileError

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

IMAGE_ROWS = 28
IMAGE_COLUMNS = 28
IMAGE_SIZE = IMAGE_ROWS * IMAGE_COLUMNS
CLASSES = 10
VALIDATION_SIZE = 10000     # Nielsen's split: the last 10,000 training images

Dataset = collections.namedtuple("Dataset", "name title checksums mirrors")
Dataset.__doc__ = """A dataset in the MNIST format.

``name`` is also its folder under the data root, ``title`` is for messages,
``checksums`` maps each file name to its published MD5 (of the .gz file),
and ``mirrors`` lists the base URLs that serve the four files.
"""

DATASETS = {
    "mnist": Dataset(
        name="mnist",
        title="MNIST",
        checksums={
            TRAIN_IMAGES: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            TRAIN_LABELS: "d53e105ee54ea40749a09fcbcd1e9432",
            TEST_IMAGES: "9fb629c4189551a2d022fa330f9573f3",
            TEST_LABELS: "ec29112dd5afa0611ce80d1b7f02629c",
        },
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
    ),
    "fashion-mnist": Dataset(
        name="fashion-mnist",
        title="Fashion-MNIST",
        checksums={
            TRAIN_IMAGES: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            TRAIN_LABELS: "25c81989df183df01b3e8a0aad5dffbe",
            TEST_IMAGES: "bef4ecab320f06d8554ea6380940ec79",
            TEST_LABELS: "bb300cfdad3c16e7a12a480ee83cd310",
        },
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ),
    ),
}

MAX_DOWNLOAD_BYTES = 100 * 2 ** 20   # the largest file, Fashion-MNIST's, is 26 MB
_DOWNLOAD_CHUNK = 1 << 16

# One shared float per byte value: 47 million pixels become references to
# these 256 objects, not 47 million floats.
_PIXEL_VALUES = tuple(value / 255 for value in range(256))
_PIXEL_BYTES = tuple(range(256))     # load_mnist(normalize=False): 0-255 as ints


class MissingDataError(DataFileError, FileNotFoundError):
    """Some of a dataset's four files are not in the folder it was looked for in.

    ``folder`` is that folder, ``missing`` lists the absent file names and
    ``dataset`` is the dataset's name.  The message says how to get them.
    """

    def __init__(self, folder, missing, dataset="mnist"):
        self.folder = folder
        self.missing = list(missing)
        self.dataset = dataset
        FileNotFoundError.__init__(self, self._message())

    def _message(self):
        """Return the explanation shown to the user."""
        command = "python -m pureml download"
        if self.dataset != "mnist":
            command += " --dataset " + self.dataset
        return ("%s data not found in %s: missing %s.\n"
                "Run `%s` to fetch it (use --data DIR or set PUREML_DATA to choose "
                "the data folder; the files go in <data>/%s/), or put the files "
                "there by hand."
                % (_title(self.dataset), self.folder, ", ".join(self.missing),
                   command, self.dataset))


class DownloadError(DataFileError, OSError):
    """Every mirror failed for a file; the message lists what was tried and why.

    It also says which files to put in which folder by hand.  ``folder``,
    ``missing`` (file names still absent) and ``attempts`` (a list of
    ``(url, reason)``) hold the details.
    """

    def __init__(self, message, folder, missing, attempts):
        OSError.__init__(self, message)
        self.folder = folder
        self.missing = list(missing)
        self.attempts = list(attempts)


# ---------------------------------------------------------------- where data lives

def data_root(explicit=None, *, environ=None):
    """Return the data root folder as a str.

    It is ``explicit`` if given, else ``$PUREML_DATA``, else
    ``$XDG_CACHE_HOME/pureml``, else ``~/.cache/pureml``.  ``environ``
    (default ``os.environ``) is where the variables are looked up.
    """
    if explicit is not None:
        return os.fspath(explicit)
    environ = os.environ if environ is None else environ
    if environ.get("PUREML_DATA"):
        return environ["PUREML_DATA"]
    cache = environ.get("XDG_CACHE_HOME")
    if not cache or not os.path.isabs(cache):    # relative values are ignored
        cache = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "pureml")


def dataset_dir(root=None, dataset="mnist"):
    """Return the folder of ``dataset`` under the data root: ``<root>/<dataset>``."""
    return os.path.join(data_root(root), _dataset(dataset).name)


def mirror_urls(dataset="mnist", mirrors=None, *, environ=None):
    """Return the list of base URLs ``download`` tries, in order.

    An explicit ``mirrors`` list is used as it is.  Otherwise it is
    ``$PUREML_MIRROR`` (if set) followed by the dataset's public mirrors.
    """
    if mirrors is not None:
        return list(mirrors)
    environ = os.environ if environ is None else environ
    extra = [environ["PUREML_MIRROR"]] if environ.get("PUREML_MIRROR") else []
    return extra + list(_dataset(dataset).mirrors)


def _dataset(name):
    """Return the Dataset called ``name``; ValueError naming the known ones otherwise."""
    try:
        return DATASETS[name]
    except (KeyError, TypeError):
        raise ValueError("unknown dataset %r; expected one of %s"
                         % (name, ", ".join(sorted(DATASETS)))) from None


def _title(name):
    """Return a dataset's title for messages, or its name if it is unknown."""
    return DATASETS[name].title if name in DATASETS else name


def _locate(folder, name):
    """Return the path of file ``name`` in ``folder``, or None if it is absent.

    A gunzipped copy (the name without ``.gz``) does as well: gzip is
    recognised by content, not by name.
    """
    for candidate in (name, name[:-len(".gz")]):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None


def _data_folder(path, dataset):
    """Return the folder to load ``dataset`` from.

    ``path`` is a data root, but a folder that directly holds any of the
    four files is taken as the dataset folder itself.
    """
    if path is not None and any(_locate(os.fspath(path), name) for name in FILES):
        return os.fspath(path)
    return dataset_dir(path, dataset)


# ---------------------------------------------------------------- loading

def load_data(path=None, dataset="mnist", *, validation_size=VALIDATION_SIZE):
    """Return ``(training_data, validation_data, test_data)`` as in the book.

    Each is a pair ``(images, labels)``: ``images`` is a list of lists of
    784 floats in [0, 1] (pixel value / 255, row by row) and ``labels`` a
    list of ints 0-9.  Training data is the training file without its last
    ``validation_size`` images (50,000 for MNIST), validation data is those
    last images (10,000), and test data is the test file (10,000).

    ``path`` is the data root (default: ``data_root()``), or a folder that
    directly holds the four files.  Raises ``MissingDataError`` if files are
    missing, ``idx.DataFileError`` for a malformed file and ``DataFileError`` for
    contents that are not MNIST-shaped.
    """
    found = _find_files(path, dataset, FILES)
    train_images, train_labels = _read_pair(found[TRAIN_IMAGES], found[TRAIN_LABELS])
    if (not isinstance(validation_size, int)
            or not 0 <= validation_size <= len(train_labels)):
        raise ValueError("validation_size must be between 0 and the %d training images, "
                         "not %r" % (len(train_labels), validation_size))
    split = len(train_labels) - validation_size
    training_data = (train_images[:split], train_labels[:split])
    validation_data = (train_images[split:], train_labels[split:])
    test_data = _read_pair(found[TEST_IMAGES], found[TEST_LABELS])
    return training_data, validation_data, test_data


def load_test_data(path=None, dataset="mnist"):
    """Return the test set alone as ``(images, labels)``, as in ``load_data``.

    Only the two test files are read, which takes a sixth of the time of
    ``load_data``.  Raises ``MissingDataError`` if either is missing, and
    the errors of ``load_data`` for bad files.
    """
    found = _find_files(path, dataset, (TEST_IMAGES, TEST_LABELS))
    return _read_pair(found[TEST_IMAGES], found[TEST_LABELS])


def _find_files(path, dataset, names):
    """Return {name: path} for the files ``names`` of ``dataset``; MissingDataError if any is absent."""
    _dataset(dataset)
    folder = _data_folder(path, dataset)
    found = {name: _locate(folder, name) for name in names}
    missing = [name for name in names if found[name] is None]
    if missing:
        raise MissingDataError(folder, missing, dataset)
    return found


def load_mnist(path=None, *, normalize=True, flatten=True, one_hot_label=False,
               dataset="mnist"):
    """Return ``(x_train, t_train), (x_test, t_test)`` as Deep Learning from Scratch's load_mnist.

    All 60,000 training images, then the 10,000 test images (DLFS's split:
    no validation set is held out).  Each image is a list of 784 floats in
    [0, 1] (``normalize=False``: ints 0-255); ``flatten=False`` gives it as
    one channel of 28 rows of 28, ``[[row, ...]]``, the book's 1x28x28.
    Labels are ints 0-9, or one-hot lists of 10 floats with
    ``one_hot_label=True``.  The files, folders and errors are those of
    ``load_data``.
    """
    found = _find_files(path, dataset, FILES)
    table = _PIXEL_VALUES if normalize else _PIXEL_BYTES
    sets = []
    for images_name, labels_name in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        x, t = _read_pair(found[images_name], found[labels_name], table)
        if not flatten:
            x = [[[image[i:i + IMAGE_COLUMNS] for i in range(0, IMAGE_SIZE, IMAGE_COLUMNS)]]
                 for image in x]
        if one_hot_label:
            t = [vectorized_result(label) for label in t]
        sets.append((x, t))
    return sets[0], sets[1]


def load_data_wrapper(path=None, dataset="mnist", *, validation_size=VALIDATION_SIZE):
    """Return ``(training_data, validation_data, test_data)`` for the network.

    ``training_data`` is a list of pairs ``(x, y)``: ``x`` a list of 784
    floats and ``y`` the one-hot list of 10 floats for its label.
    ``validation_data`` and ``test_data`` are lists of pairs ``(x, label)``
    with ``label`` an int.  Arguments and errors are those of ``load_data``.
    """
    training, validation, test = load_data(path, dataset, validation_size=validation_size)
    images, labels = training
    training_data = [(x, vectorized_result(y)) for x, y in zip(images, labels)]
    return training_data, list(zip(*validation)), list(zip(*test))


def vectorized_result(j):
    """Return a list of 10 floats: 1.0 at index ``j`` and 0.0 elsewhere.

    This is the network's desired output for digit ``j``; ValueError unless
    ``j`` is an int from 0 to 9.
    """
    if not isinstance(j, int) or isinstance(j, bool) or not 0 <= j < CLASSES:
        raise ValueError("a label must be an int from 0 to %d, not %r" % (CLASSES - 1, j))
    result = [0.0] * CLASSES
    result[j] = 1.0
    return result


def _read_pair(images_path, labels_path, table=_PIXEL_VALUES):
    """Read an images file and its labels file; return ``(images, labels)`` as lists.

    Each pixel byte b becomes ``table[b]``: b / 255 by default.
    """
    labels = _read_labels(labels_path)
    pixels = _read_images(images_path)
    count = len(pixels) // IMAGE_SIZE
    if count != len(labels):
        raise DataFileError("%s holds %d images but %s holds %d labels; they must agree"
                         % (images_path, count, labels_path, len(labels)))
    return _pixel_rows(pixels, table), list(labels)


def _read_labels(path):
    """Read and check a labels file; return its labels as bytes."""
    type_code, shape, labels = idx.read_with_type(path)
    _check_ubyte(path, type_code, "labels")
    if len(shape) != 1:
        raise DataFileError("%s: labels must have 1 dimension, but the shape is %s"
                         % (path, "x".join(map(str, shape))))
    if labels and max(labels) >= CLASSES:
        position = next(i for i, label in enumerate(labels) if label >= CLASSES)
        raise DataFileError("%s: label %d at position %d is outside 0-%d"
                         % (path, labels[position], position, CLASSES - 1))
    return labels


def _read_images(path):
    """Read and check an images file; return its pixels as bytes, image after image."""
    type_code, shape, pixels = idx.read_with_type(path)
    _check_ubyte(path, type_code, "images")
    if len(shape) != 3 or shape[1:] != (IMAGE_ROWS, IMAGE_COLUMNS):
        raise DataFileError("%s: images must have shape Nx%dx%d, but the shape is %s"
                         % (path, IMAGE_ROWS, IMAGE_COLUMNS, "x".join(map(str, shape))))
    return pixels


def _check_ubyte(path, type_code, what):
    """Raise DataFileError unless ``type_code`` is ubyte."""
    if type_code != idx.UBYTE:
        raise DataFileError("%s: %s must be unsigned bytes (type 0x%02x), not %s (0x%02x)"
                         % (path, what, idx.UBYTE, idx.TYPE_NAMES[type_code], type_code))


def _pixel_rows(pixels, table=_PIXEL_VALUES):
    """Return one list of 784 values (``table[byte]``) per image in the bytes ``pixels``.

    ``itemgetter(*image)(table)`` looks up all 784 bytes in one
    call and gives an exactly sized tuple, which ``list`` copies: faster
    and smaller than ``list(map(...))``.
    """
    return [list(operator.itemgetter(*pixels[start:start + IMAGE_SIZE])(table))
            for start in range(0, len(pixels), IMAGE_SIZE)]


# ---------------------------------------------------------------- downloading

def download(root=None, dataset="mnist", mirrors=None, *, log=None, timeout=30,
             checksums=None):
    """Fetch the four files of ``dataset`` into its folder; return that folder.

    The folder is ``dataset_dir(root, dataset)``.  ``mirrors`` is the list
    of base URLs to try in order (default: ``mirror_urls(dataset)``).  Each
    file is streamed into a temporary file beside its destination, checked
    against its MD5 (``checksums`` maps file names to MD5s; default: the
    published ones) and renamed only when whole and verified.  A file that
    is already there is kept if its MD5 is the published one or it reads
    as a valid file of the dataset.  ``log``, a function taking one str,
    hears what happens.  Raises ``DownloadError`` when every mirror fails
    for a file.
    """
    spec = _dataset(dataset)
    folder = dataset_dir(root, dataset)
    bases = mirror_urls(dataset, mirrors)
    if not bases:
        raise ValueError("no mirrors to download %s from" % spec.title)
    checksums = spec.checksums if checksums is None else checksums
    say = log if log is not None else _quiet
    os.makedirs(folder, exist_ok=True)
    for name in FILES:
        existing = _locate(folder, name)
        if existing is not None and _keep_existing(existing, name, checksums[name], say):
            continue
        attempts = _fetch_file(name, folder, bases, checksums[name], timeout, say)
        if attempts:
            raise _download_error(spec, folder, attempts)
    return folder


def _quiet(message):
    """Ignore a log message."""


def _keep_existing(path, name, md5, say):
    """Return True if the file already at ``path`` is good, so need not be fetched."""
    if _md5_of(path) == md5:
        say("%s is already there, md5 verified: %s" % (name, path))
        return True
    check = _read_images if name in (TRAIN_IMAGES, TEST_IMAGES) else _read_labels
    try:
        check(path)
    except (idx.DataFileError, DataFileError) as exc:
        say("%s is there but damaged, fetching it again (%s)" % (name, exc))
        return False
    say("%s is already there and reads as valid IDX data (its md5 is not the "
        "published one, e.g. it was recompressed); keeping it: %s" % (name, path))
    return True


def _md5_of(path):
    """Return the MD5 of the file at ``path`` as hex."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_file(name, folder, bases, md5, timeout, say):
    """Try each mirror for file ``name`` in turn.

    Returns an empty list once the file is saved and verified, else the
    list of ``(url, reason)`` for every failed attempt.
    """
    attempts = []
    for base in bases:
        url = base if base.endswith("/") else base + "/"
        url += name
        say("fetching %s from %s" % (name, url))
        try:
            size = _fetch_url(url, os.path.join(folder, name), md5, timeout)
        except _DownloadFailed as exc:
            reason = str(exc)
        except urllib.error.HTTPError as exc:
            exc.close()
            reason = "HTTP error %d %s" % (exc.code, exc.reason)
        except urllib.error.URLError as exc:
            reason = "cannot connect: %s" % (exc.reason,)
        except socket.timeout:
            reason = "no answer within %s seconds" % timeout
        except (OSError, http.client.HTTPException, ValueError) as exc:
            reason = "%s: %s" % (type(exc).__name__, exc)
        else:
            say("  %d bytes, md5 %s verified; saved %s" % (size, md5, name))
            return []
        say("  failed: %s" % reason)
        attempts.append((url, reason))
    return attempts


class _DownloadFailed(Exception):
    """A response that arrived but cannot be kept (short, too long, wrong MD5)."""


def _fetch_url(url, path, md5, timeout):
    """Stream ``url`` into ``path`` if its MD5 is ``md5``; return its size in bytes.

    Raises ``_DownloadFailed`` (leaving nothing at ``path``) if the body
    is shorter than announced, too large, or has another MD5.
    """
    with urllib.request.urlopen(url, timeout=timeout) as response:
        announced = response.headers.get("Content-Length")
        with atomic_writer(path, "wb") as out:
            digest = hashlib.md5(usedforsecurity=False)
            size = 0
            for chunk in iter(lambda: response.read(_DOWNLOAD_CHUNK), b""):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise _DownloadFailed("the file is larger than %d bytes, too large "
                                          "to be a dataset file" % MAX_DOWNLOAD_BYTES)
                digest.update(chunk)
                out.write(chunk)
            if announced is not None and announced.isdigit() and size != int(announced):
                raise _DownloadFailed("the connection closed after %d of %s bytes"
                                      % (size, announced))
            if digest.hexdigest() != md5:
                raise _DownloadFailed("checksum mismatch: md5 %s, expected %s; the file "
                                      "was not kept" % (digest.hexdigest(), md5))
    return size


def _download_error(spec, folder, attempts):
    """Return the DownloadError explaining what was tried and what to do by hand."""
    missing = [name for name in FILES if _locate(folder, name) is None]
    lines = ["could not download %s into %s; every mirror failed:" % (spec.title, folder)]
    lines.extend("  %s: %s" % attempt for attempt in attempts)
    lines.append("To install it by hand, download these files and put them, "
                 "unchanged, in %s:" % folder)
    lines.extend("  %s%s  (md5 %s)" % (spec.mirrors[0], name, spec.checksums[name])
                 for name in missing)
    if len(spec.mirrors) > 1:
        lines.append("(the same names are also at %s)" % ", ".join(spec.mirrors[1:]))
    return DownloadError("\n".join(lines), folder, missing, attempts)
