"""Atomic file writes: a temporary file in the same folder, then os.replace.

A reader never sees a half-written file: either the old file (or none) is
there, or the whole new one is.  If the body of the ``with`` block raises,
the temporary file is removed and the destination is left untouched.

The save also survives a power cut: the temporary file's data is flushed
to the disk (``os.fsync``) before the rename, and after ``os.replace`` the
folder itself is fsynced too, so that the rename (the new directory entry)
is on the disk as well.  Platforms that cannot open or fsync a folder
(Windows) skip that last step.
"""

import contextlib
import os
import secrets


def _create_beside(path):
    """Create a new empty temporary file beside ``path``; return (fd, temp_path).

    ``os.open`` with mode 0o666 lets the umask decide the permissions, as
    ``open()`` would; ``tempfile.mkstemp`` would make the file 0600.
    """
    folder = os.path.dirname(os.path.abspath(path))
    prefix = "." + os.path.basename(path) + "."
    while True:
        tmp = os.path.join(folder, prefix + secrets.token_hex(6) + ".part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def _fsync_folder(folder):
    """Flush the folder's entries (a rename into it) to the disk, where the platform allows; return None."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:         # Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:         # nor can every file system fsync one
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(path, mode="wb", encoding=None):
    """Yield a file object whose contents replace ``path`` on a clean exit.

    ``mode`` is ``"wb"`` or ``"w"`` (then ``encoding`` defaults to UTF-8).
    The temporary file lives beside ``path`` so that ``os.replace`` is an
    atomic rename on the same file system.  On any exception, including
    ``KeyboardInterrupt``, the temporary file is deleted and the exception
    propagates.
    """
    if mode not in ("wb", "w"):
        raise ValueError("mode must be 'wb' or 'w', not %r" % (mode,))
    path = os.fspath(path)
    fd, tmp = _create_beside(path)
    try:
        if mode == "w":
            f = os.fdopen(fd, "w", encoding=encoding or "utf-8", newline="\n")
        else:
            f = os.fdopen(fd, "wb")
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_folder(os.path.dirname(tmp))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path, data):
    """Write ``data`` (bytes) to ``path`` atomically; return None."""
    with atomic_writer(path, "wb") as f:
        f.write(data)


def atomic_write_text(path, text):
    """Write ``text`` (str, UTF-8) to ``path`` atomically; return None."""
    with atomic_writer(path, "w") as f:
        f.write(text)
