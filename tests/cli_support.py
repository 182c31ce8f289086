"""What the command-line tests share: a synthetic dataset, a model, a loopback server, runners.

Each command runs in a subprocess (``sys.executable -m pureml`` from the
repository's root) on a small synthetic MNIST-shaped dataset written here:
every class is a blob at its own place in the 28x28 field, which a
[784, 10, 10] network learns in a couple of epochs.  Downloads come from an
``http.server`` on 127.0.0.1.  The same server is also every subprocess's
web proxy, so a request for any other address (a public mirror, say) would
be recorded there and fail, never reaching the internet.  A few checks of
the argument parser call ``cli.main`` in this process instead, to save
starting a process for each.
"""

import atexit
import contextlib
import http.server
import io
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import types
import unittest
import xml.etree.ElementTree as ET

from pureml import cli, mnist, network
from pureml.data import idx

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SVG = "{http://www.w3.org/2000/svg}"
N_TRAIN, N_VALIDATION, N_TEST = 300, 60, 100
SPLIT = ["--validation-size", str(N_VALIDATION)]
SMALL = ["--sizes", "784,10,10"] + SPLIT
TIMEOUT = 120                   # seconds; only a hung process gets near it
EPOCH_LINE = re.compile(r"^Epoch (\d+): (\d+) / (\d+)  \((\d+\.\d) s(?:, eta ([\d.e+-]+))?\)$")

# What setUpModule makes, shared by every test: the data root, its labels,
# a saved model, and the loopback server.
SHARED = types.SimpleNamespace()


# ---------------------------------------------------------------------------
# The synthetic dataset


def blob_image(label, rng):
    """Return the 784 bytes of one image of class ``label``.

    A round blob sits at a place of its own for each class (two rows of
    five), moved by up to a pixel, on a background with faint specks.
    """
    cx = 4 + 5 * (label % 5) + rng.randint(-1, 1)
    cy = 8 + 12 * (label // 5) + rng.randint(-1, 1)
    pixels = bytearray(mnist.IMAGE_SIZE)
    for y in range(28):
        for x in range(28):
            if (x - cx) ** 2 + (y - cy) ** 2 <= 6:
                pixels[y * 28 + x] = rng.randint(200, 255)
            elif rng.random() < 0.03:
                pixels[y * 28 + x] = rng.randint(0, 80)
    return bytes(pixels)


def write_dataset(root, seed=0):
    """Write the synthetic set into ``root``/mnist/; return its labels per set.

    The training file holds N_TRAIN + N_VALIDATION images (the last
    N_VALIDATION are the validation set with ``--validation-size``), the
    test file N_TEST.  Returns {"train": [...], "validation": [...],
    "test": [...]}.
    """
    rng = random.Random(seed)
    folder = os.path.join(root, "mnist")
    os.makedirs(folder, exist_ok=True)
    labels = {}
    for images_name, labels_name, count in (
            (mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS, N_TRAIN + N_VALIDATION),
            (mnist.TEST_IMAGES, mnist.TEST_LABELS, N_TEST)):
        these = [rng.randrange(10) for _ in range(count)]
        pixels = b"".join(blob_image(label, rng) for label in these)
        idx.write(os.path.join(folder, images_name), (count, 28, 28), pixels)
        idx.write(os.path.join(folder, labels_name), (count,), bytes(these))
        if images_name == mnist.TEST_IMAGES:
            labels["test"] = these
        else:
            labels["train"], labels["validation"] = these[:N_TRAIN], these[N_TRAIN:]
    return labels


# ---------------------------------------------------------------------------
# The loopback server: a mirror for downloads, and a trap as everyone's proxy


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serve ``server.routes`` (path -> bytes) and record every request.

    A request through the proxy names a full URL ("http://host/...") or
    is a CONNECT for https; those are recorded and refused.
    """

    def do_GET(self):
        self.server.requests.append(self.path)
        body = self.server.routes.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):
        self.server.requests.append("CONNECT " + self.path)
        self.send_error(403)

    def log_message(self, *args):
        """Keep the test output quiet."""


def setUpModule():
    """Build what the tests share, once per test run (each test module calls this)."""
    if getattr(SHARED, "tmp", None) is not None:
        return
    tmp = tempfile.TemporaryDirectory()
    SHARED.tmp = tmp
    SHARED.root = os.path.join(tmp.name, "data")
    SHARED.labels = write_dataset(SHARED.root)
    # A network trained here for evaluate and predict: one epoch, so it
    # is far better than chance yet still gets some images wrong.
    training, _validation, test = mnist.load_data_wrapper(SHARED.root,
                                                          validation_size=N_VALIDATION)
    net = network.Network([784, 10, 10], seed=0)
    net.SGD(training, 1, 10, 3.0, verbose=False)
    SHARED.model = os.path.join(tmp.name, "model.json")
    net.save(SHARED.model)
    SHARED.test_data = test

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.requests = []
    server.routes = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    SHARED.server, SHARED.thread = server, thread
    SHARED.base = "http://127.0.0.1:%d" % server.server_address[1]
    atexit.register(_tear_down)


def _tear_down():
    """Stop the server and remove the files, when the test run ends."""
    SHARED.server.shutdown()
    SHARED.server.server_close()
    SHARED.thread.join()
    SHARED.tmp.cleanup()
    SHARED.tmp = None


# ---------------------------------------------------------------------------
# Running the command line


def environment(data_root=None):
    """Return the environment for a subprocess: this one, made hermetic.

    PUREML_DATA is the synthetic root (or ``data_root``), PUREML_MIRROR is
    unset, output is UTF-8 and 80 columns wide, and every web request for
    anything but 127.0.0.1 goes to the loopback server as its proxy.
    """
    proxy_names = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    env = {key: value for key, value in os.environ.items()
           if key.lower() not in proxy_names and key != "PUREML_MIRROR"}
    env["PUREML_DATA"] = data_root or SHARED.root
    env["PYTHONIOENCODING"] = "utf-8"
    env["COLUMNS"] = "80"
    for name in ("http_proxy", "https_proxy"):
        env[name] = env[name.upper()] = SHARED.base
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


def pureml(*args, data_root=None):
    """Run ``python -m pureml ARGS`` from the repository's root; return the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "pureml"] + list(args), cwd=REPO,
                          env=environment(data_root), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          encoding="utf-8", timeout=TIMEOUT)


def main_in_process(*argv):
    """Run ``cli.main(argv)`` here; return (exit status, stdout text, stderr text)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def sigint_default_in_children():
    """Let processes started in the block get SIGINT's default handling.

    A process that ignores SIGINT (a background job of a shell without
    job control, as some CI runners are) passes that on to its children,
    and Python then leaves Ctrl-C ignored.  A handler here is reset to the
    default in a child when it starts.
    """
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if previous is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def parse_svg(path):
    """Return the root element of the SVG file at ``path``."""
    return ET.parse(path).getroot()


def series(root, panel):
    """Return {name: number of points} for the polylines of one panel of an SVG."""
    group = root.find(".//%sg[@data-panel='%s']" % (SVG, panel))
    found = {}
    for line in group.iter(SVG + "polyline"):
        found[line.get("data-series")] = len(line.get("points").split())
    return found


def panel_title(root, panel):
    """Return the heading of one panel of an SVG."""
    group = root.find(".//%sg[@data-panel='%s']" % (SVG, panel))
    return group.find("%stext[@class='panel-title']" % SVG).text


class CommandCase(unittest.TestCase):
    """Assertions about a finished command."""

    def assertSucceeded(self, result):
        """Fail unless the command exited 0 without a traceback."""
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def assertCleanError(self, result, status=1):
        """Fail unless the command exited ``status`` with a "pureml: " message, no traceback."""
        self.assertEqual(result.returncode, status, result.stdout + result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertIn("pureml: ", result.stderr)

    def temporary_folder(self):
        """Return a new temporary folder, removed after the test."""
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        return tmp.name


@contextlib.contextmanager
def running(*args, env=None, timeout=TIMEOUT):
    """Start ``python -m pureml ARGS`` from the repository's root; yield its Popen (text pipes).

    SIGINT is at its default in the child (see sigint_default_in_children),
    so a test can send Ctrl-C.  A watchdog kills the command after
    ``timeout`` seconds, so that a hung command fails its test instead of
    hanging the run, and the command is killed on the way out if it is
    still running.  ``env`` is its environment (by default this one).
    """
    with sigint_default_in_children():
        proc = subprocess.Popen([sys.executable, "-m", "pureml"] + list(args), cwd=REPO,
                                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, encoding="utf-8")
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    with proc:
        try:
            yield proc
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
