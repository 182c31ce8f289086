"""The errors of pureml's networks, in one small module that everything can import.

Each is a ``ValueError`` whose message names what was wrong and what was
expected (and, for a file, the file), in the manner of the standard
library's ``statistics.StatisticsError``.
"""

__all__ = ["NetworkError", "DivergenceError", "ModelFileError"]


class NetworkError(ValueError):
    """A network was given arguments or data of the wrong form."""


class DivergenceError(NetworkError):
    """Training produced NaN or infinite weights: the learning rate was too large."""


class ModelFileError(NetworkError):
    """A saved model or params file is not a valid network; the message names the file."""
