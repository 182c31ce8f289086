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
(``python -m pureml download``) calls it.  Where the files are and how they
are read is pureml.data.mnistfiles'; downloading is pureml.data.download.
"""

from pureml.data.download import DownloadError, download, mirror_urls
from pureml.data.mnistfiles import (CLASSES, DATASETS, FILES, IMAGE_COLUMNS, IMAGE_ROWS,
                                    IMAGE_SIZE, PIXEL_BYTES, PIXEL_VALUES, TEST_IMAGES,
                                    TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, VALIDATION_SIZE,
                                    MissingDataError, data_root, dataset_dir, find_files,
                                    read_pair)
from pureml.errors import DataFileError

__all__ = ["load_data", "load_data_wrapper", "vectorized_result", "load_mnist",
           "load_test_data", "download", "data_root", "dataset_dir", "mirror_urls",
           "MissingDataError", "DownloadError", "DataFileError", "DATASETS", "FILES",
           "TRAIN_IMAGES", "TRAIN_LABELS", "TEST_IMAGES", "TEST_LABELS", "IMAGE_ROWS",
           "IMAGE_COLUMNS", "IMAGE_SIZE", "CLASSES", "VALIDATION_SIZE"]


def load_data(path=None, dataset="mnist", *, validation_size=VALIDATION_SIZE, on_images=None):
    """Return ``(training_data, validation_data, test_data)`` as in the book.

    Each is a pair ``(images, labels)``: ``images`` is a list of lists of
    784 floats in [0, 1] (pixel value / 255, row by row) and ``labels`` a
    list of ints 0-9.  Training data is the training file without its last
    ``validation_size`` images (50,000 for MNIST), validation data is those
    last images (10,000), and test data is the test file (10,000).

    ``path`` is the data root (default: ``data_root()``), or a folder that
    directly holds the four files.  Raises ``MissingDataError`` if files are
    missing, ``idx.DataFileError`` for a malformed file and ``DataFileError`` for
    contents that are not MNIST-shaped.  ``on_images(done, total)``, when
    given, hears how many images of each file are read, every few thousand
    (the command line's progress bar).
    """
    found = find_files(path, dataset, FILES)
    train_images, train_labels = read_pair(found[TRAIN_IMAGES], found[TRAIN_LABELS],
                                           on_images=on_images)
    if (not isinstance(validation_size, int)
            or not 0 <= validation_size <= len(train_labels)):
        raise ValueError("validation_size must be between 0 and the %d training images, "
                         "not %r" % (len(train_labels), validation_size))
    split = len(train_labels) - validation_size
    training_data = (train_images[:split], train_labels[:split])
    validation_data = (train_images[split:], train_labels[split:])
    test_data = read_pair(found[TEST_IMAGES], found[TEST_LABELS], on_images=on_images)
    return training_data, validation_data, test_data


def load_test_data(path=None, dataset="mnist", *, on_images=None):
    """Return the test set alone as ``(images, labels)``, as in ``load_data``.

    Only the two test files are read, which takes a sixth of the time of
    ``load_data``.  Raises ``MissingDataError`` if either is missing, and
    the errors of ``load_data`` for bad files; ``on_images`` is load_data's.
    """
    found = find_files(path, dataset, (TEST_IMAGES, TEST_LABELS))
    return read_pair(found[TEST_IMAGES], found[TEST_LABELS], on_images=on_images)


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
    found = find_files(path, dataset, FILES)
    table = PIXEL_VALUES if normalize else PIXEL_BYTES
    sets = []
    for images_name, labels_name in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        x, t = read_pair(found[images_name], found[labels_name], table, rows=not flatten)
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


