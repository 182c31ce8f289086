"""MNIST's files: where they live, what they are called, and reading them into lists.

A *data root* (``--data DIR`` on the command line, else ``$PUREML_DATA``,
else ``$XDG_CACHE_HOME/pureml``, else ``~/.cache/pureml``) holds one folder
per dataset, ``mnist/`` and ``fashion-mnist/``, each with the four files
under their original names (gzipped or not: gzip is recognised by
content).  ``find_files`` locates them, raising ``MissingDataError`` (which
says how to get them) when any is missing; ``read_pair`` reads an images
file and its labels file with pureml.data.idx, checked as an MNIST-format
set.  pureml.mnist builds the books' loaders on these, and
pureml.data.download fetches the files.
"""

import collections
import operator
import os

from pureml.data import idx
from pureml.engine import collector
from pureml.engine.vectors import PYPY
from pureml.errors import DataFileError

__all__ = ["TRAIN_IMAGES", "TRAIN_LABELS", "TEST_IMAGES", "TEST_LABELS", "FILES", "IMAGE_ROWS",
           "IMAGE_COLUMNS", "IMAGE_SIZE", "CLASSES", "VALIDATION_SIZE", "Dataset", "DATASETS",
           "MissingDataError", "data_root", "dataset_dir", "dataset_spec", "dataset_title",
           "locate", "find_files", "read_pair", "read_images", "read_labels",
           "PIXEL_VALUES", "PIXEL_BYTES"]

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

# One shared float per byte value: 47 million pixels become references to
# these 256 objects, not 47 million floats.
PIXEL_VALUES = tuple(value / 255 for value in range(256))
PIXEL_BYTES = tuple(range(256))     # load_mnist(normalize=False): 0-255 as ints


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
                % (dataset_title(self.dataset), self.folder, ", ".join(self.missing),
                   command, self.dataset))


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
    return os.path.join(data_root(root), dataset_spec(dataset).name)


def dataset_spec(name):
    """Return the Dataset called ``name``; ValueError naming the known ones otherwise."""
    try:
        return DATASETS[name]
    except (KeyError, TypeError):
        raise ValueError("unknown dataset %r; expected one of %s"
                         % (name, ", ".join(sorted(DATASETS)))) from None


def dataset_title(name):
    """Return a dataset's title for messages, or its name if it is unknown."""
    return DATASETS[name].title if name in DATASETS else name


def locate(folder, name):
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
    if path is not None and any(locate(os.fspath(path), name) for name in FILES):
        return os.fspath(path)
    return dataset_dir(path, dataset)


def find_files(path, dataset, names):
    """Return {name: path} for the files ``names`` of ``dataset``; MissingDataError if any is absent."""
    dataset_spec(dataset)
    folder = _data_folder(path, dataset)
    found = {name: locate(folder, name) for name in names}
    missing = [name for name in names if found[name] is None]
    if missing:
        raise MissingDataError(folder, missing, dataset)
    return found


def read_pair(images_path, labels_path, table=PIXEL_VALUES, rows=False, on_images=None):
    """Read an images file and its labels file; return ``(images, labels)`` as lists.

    Each pixel byte b becomes ``table[b]``: b / 255 by default.  An image
    is a list of 784 values, or with ``rows`` one channel of 28 rows of 28,
    ``[[row, ...]]`` (DLFS's 1x28x28).  ``on_images(done, total)``, when
    given, hears how many of the file's images are made, every few
    thousand: for a progress bar.
    """
    labels = read_labels(labels_path)
    pixels = read_images(images_path)
    count = len(pixels) // IMAGE_SIZE
    if count != len(labels):
        raise DataFileError("%s holds %d images but %s holds %d labels; they must agree"
                         % (images_path, count, labels_path, len(labels)))
    # 60,000 lists, none in a cycle: CPython's collector would walk them all
    # again and again while they are made, for nothing (pureml.engine.collector).
    make = _pixel_images if rows else _pixel_rows
    with collector.paused():
        if on_images is None:
            return make(pixels, table), list(labels)
        images = []
        for start in range(0, len(pixels), _CHUNK * IMAGE_SIZE):
            images.extend(make(pixels[start:start + _CHUNK * IMAGE_SIZE], table))
            on_images(len(images), count)
        return images, list(labels)


#: How many images read_pair makes between two calls of on_images.
_CHUNK = 5000


def read_labels(path):
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


def read_images(path):
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


def _pixel_rows(pixels, table=PIXEL_VALUES):
    """Return one list of 784 values (``table[byte]``) per image in the bytes ``pixels``.

    ``itemgetter(*image)(table)`` looks up all 784 bytes in one
    call and gives an exactly sized tuple, which ``list`` copies: faster
    and smaller than ``list(map(...))``.
    """
    return [list(operator.itemgetter(*pixels[start:start + IMAGE_SIZE])(table))
            for start in range(0, len(pixels), IMAGE_SIZE)]


def _images_by_slicing(pixels, table=PIXEL_VALUES):
    """Return one ``[[row, ...]]`` of 28 rows per image: each image's list, sliced into rows."""
    return [[[image[i:i + IMAGE_COLUMNS] for i in range(0, IMAGE_SIZE, IMAGE_COLUMNS)]]
            for image in _pixel_rows(pixels, table)]


def _images_by_rows(pixels, table=PIXEL_VALUES):
    """Return one ``[[row, ...]]`` of 28 rows per image: each row looked up from its bytes."""
    get = table.__getitem__
    return [[[list(map(get, pixels[r:r + IMAGE_COLUMNS]))
              for r in range(start, start + IMAGE_SIZE, IMAGE_COLUMNS)]]
            for start in range(0, len(pixels), IMAGE_SIZE)]


# PyPy's JIT makes a map over each row as fast as the flat images; on
# CPython one itemgetter per image, then slicing it, is the faster.
_pixel_images = _images_by_rows if PYPY else _images_by_slicing
