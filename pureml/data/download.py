"""Fetching MNIST (or Fashion-MNIST) from its public mirrors, each file checked against its MD5.

``download(root, dataset)`` streams each missing file into a temporary
file beside its destination, checks it against its published MD5 and
renames it only when whole and verified; a file already there is kept if
its MD5 is the published one or it reads as a valid file of the dataset.
Every mirror failing for a file raises ``DownloadError``, which lists what
was tried and says where to put the files by hand.  ``mirror_urls`` is the
list of base URLs tried, ``$PUREML_MIRROR`` first when it is set.
"""

import hashlib
import http.client
import os
import socket
import urllib.error
import urllib.request

from pureml.data.fileio import atomic_writer
from pureml.data.mnistfiles import (FILES, TEST_IMAGES, TRAIN_IMAGES, dataset_dir, dataset_spec,
                                    locate, read_images, read_labels)
from pureml.errors import DataFileError

__all__ = ["download", "mirror_urls", "DownloadError", "MAX_DOWNLOAD_BYTES"]

MAX_DOWNLOAD_BYTES = 100 * 2 ** 20   # the largest file, Fashion-MNIST's, is 26 MB
_DOWNLOAD_CHUNK = 1 << 16


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


def mirror_urls(dataset="mnist", mirrors=None, *, environ=None):
    """Return the list of base URLs ``download`` tries, in order.

    An explicit ``mirrors`` list is used as it is.  Otherwise it is
    ``$PUREML_MIRROR`` (if set) followed by the dataset's public mirrors.
    """
    if mirrors is not None:
        return list(mirrors)
    environ = os.environ if environ is None else environ
    extra = [environ["PUREML_MIRROR"]] if environ.get("PUREML_MIRROR") else []
    return extra + list(dataset_spec(dataset).mirrors)


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
    spec = dataset_spec(dataset)
    folder = dataset_dir(root, dataset)
    bases = mirror_urls(dataset, mirrors)
    if not bases:
        raise ValueError("no mirrors to download %s from" % spec.title)
    checksums = spec.checksums if checksums is None else checksums
    say = log if log is not None else _quiet
    made = _make_folders(folder)
    try:
        for name in FILES:
            existing = locate(folder, name)
            if existing is not None and _keep_existing(existing, name, checksums[name], say):
                continue
            attempts = _fetch_file(name, folder, bases, checksums[name], timeout, say)
            if attempts:
                raise _download_error(spec, folder, attempts)
    except BaseException:
        _remove_if_empty(made)          # a failed first download leaves no empty folders
        raise
    return folder


def _make_folders(folder):
    """Create ``folder`` and any missing parents; return the ones created, deepest first."""
    made = []
    path = os.path.abspath(folder)
    while not os.path.isdir(path):
        made.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    os.makedirs(folder, exist_ok=True)
    return made


def _remove_if_empty(folders):
    """Remove each of ``folders`` (deepest first) that is empty; stop at the first that is not."""
    for path in folders:
        try:
            os.rmdir(path)
        except OSError:
            return


def _quiet(message):
    """Ignore a log message."""


def _keep_existing(path, name, md5, say):
    """Return True if the file already at ``path`` is good, so need not be fetched."""
    if _md5_of(path) == md5:
        say("%s is already there, md5 verified: %s" % (name, path))
        return True
    check = read_images if name in (TRAIN_IMAGES, TEST_IMAGES) else read_labels
    try:
        check(path)
    except DataFileError as exc:
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
    missing = [name for name in FILES if locate(folder, name) is None]
    lines = ["could not download %s into %s; every mirror failed:" % (spec.title, folder)]
    lines.extend("  %s: %s" % attempt for attempt in attempts)
    lines.append("If the files are elsewhere on this computer, point --data DIR or "
                 "PUREML_DATA at the folder holding %s/ (or the four files)." % spec.name)
    lines.append("To install it by hand, download these files and put them, "
                 "unchanged, in %s:" % folder)
    lines.extend("  %s%s  (md5 %s)" % (spec.mirrors[0], name, spec.checksums[name])
                 for name in missing)
    if len(spec.mirrors) > 1:
        lines.append("(the same names are also at %s)" % ", ".join(spec.mirrors[1:]))
    return DownloadError("\n".join(lines), folder, missing, attempts)
