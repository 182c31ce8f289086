"""The errors of pureml: one family, each message saying what was wrong and what was expected.

Every error pureml raises for something it was given is a ``PuremlError``,
a ``ValueError`` (as the standard library's ``statistics.StatisticsError``
is), and one subclass says what kind of thing was wrong:

    ArgumentError    an argument or the data handed to a function or class:
                     sizes, rates, counts, shapes, labels, options
    DataFileError    a data file: an IDX file, an MNIST set, a download
    ModelFileError   a saved network: a model, params or pickle file
    ImageError       an image file or upload (PNG, PGM, PBM)
    RequestError     a request to ``pureml serve``
    DivergenceError  training that went to NaN or infinity
    WorkerError      a worker process that failed or died

A message names the file (or request) when there is one.  Two data-file
errors of pureml.mnist are also the standard library's OS errors:
``MissingDataError`` is a ``FileNotFoundError`` and ``DownloadError`` an
``OSError``.

>>> issubclass(ModelFileError, ValueError)
True
"""

__all__ = ["PuremlError", "ArgumentError", "DataFileError", "ModelFileError", "ImageError", "RequestError",
           "DivergenceError", "WorkerError"]


class PuremlError(ValueError):
    """Something given to pureml was wrong; the message says what, and what was expected."""


class ArgumentError(PuremlError):
    """An argument or the data given to a function or class has the wrong form or value."""


class DataFileError(PuremlError):
    """A data file (IDX, an MNIST set) is malformed or unusable; the message names the file."""


class ModelFileError(PuremlError):
    """A saved model, params or pickle file is not a valid network; the message names the file."""


class ImageError(PuremlError):
    """An image file or upload cannot be read as an image; the message names it."""


class RequestError(PuremlError):
    """A request to the server is malformed or refused; ``status`` is its HTTP status code.

    ``headers`` are any the answer must carry (Retry-After, Allow ...).
    """

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class DivergenceError(PuremlError):
    """Training produced NaN or infinite numbers: the learning rate was too large."""


class WorkerError(PuremlError):
    """A worker process failed, died, or could not be started; the message says which."""
