"""Tests for the command line, run the way a learner runs it: python -m pureml ...

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

import contextlib
import hashlib
import http.server
import io
import json
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
import urllib.parse
import xml.etree.ElementTree as ET

from pureml import __version__, cli, idx, images, matrix, mnist, network
from tests.support import real_data_root, requires_real_data
from tests.test_png import encode_png

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


def tearDownModule():
    SHARED.server.shutdown()
    SHARED.server.server_close()
    SHARED.thread.join()
    SHARED.tmp.cleanup()


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


# ---------------------------------------------------------------------------
# train


class TrainTest(CommandCase):
    """The chapter-1 run, shrunk: the seed's lines, a saved model and an SVG."""

    @classmethod
    def setUpClass(cls):
        tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(tmp.cleanup)
        cls.model = os.path.join(tmp.name, "net.json")
        cls.svg = os.path.join(tmp.name, "curves.svg")
        cls.result = pureml("train", "--epochs", "2", "--seed", "2", "--save", cls.model,
                            "--plot", cls.svg, *SMALL)

    def test_prints_the_seed_lines_with_times(self):
        self.assertSucceeded(self.result)
        lines = self.result.stdout.splitlines()
        matches = [EPOCH_LINE.match(line) for line in lines[:2]]
        self.assertTrue(all(matches), lines)
        self.assertEqual([int(m.group(1)) for m in matches], [0, 1])
        self.assertEqual([int(m.group(3)) for m in matches], [N_TEST, N_TEST])
        best = max(int(m.group(2)) for m in matches)
        self.assertGreater(best, 25, "the blobs are easy: two epochs beat chance (10)")
        self.assertIn("Best: %d / %d" % (best, N_TEST), self.result.stdout)

    def test_no_progress_bar_when_stderr_is_not_a_terminal(self):
        self.assertNotIn("\r", self.result.stderr)

    def test_says_what_it_trains(self):
        self.assertIn("Training [784, 10, 10] on %d MNIST images" % N_TRAIN,
                      self.result.stderr)
        self.assertIn("seed 2", self.result.stderr)

    def test_saves_a_loadable_model_with_metadata(self):
        self.assertIn("Saved the network to " + self.model, self.result.stdout)
        net = network.load(self.model)
        self.assertEqual(net.sizes, [784, 10, 10])
        with open(self.model, encoding="utf-8") as f:
            saved = json.load(f)
        self.assertEqual(saved["cost"], "QuadraticCost")
        meta = saved["metadata"]
        self.assertEqual(meta["epochs_run"], 2)
        self.assertEqual(meta["seed"], 2)
        self.assertEqual(meta["dataset"], "mnist")
        self.assertEqual(meta["eta"], 3.0)
        self.assertEqual(meta["pureml_version"], __version__)
        self.assertFalse(meta["interrupted"])
        self.assertEqual(meta["best_correct"], max(meta["correct_per_epoch"]))
        self.assertAlmostEqual(meta["best_accuracy"], meta["best_correct"] / N_TEST)
        self.assertRegex(meta["date"], r"^\d{4}-\d\d-\d\dT")

    def test_plots_accuracy_per_epoch_and_cost_per_mini_batch(self):
        self.assertIn("Wrote the training curves to " + self.svg, self.result.stdout)
        root = parse_svg(self.svg)
        self.assertEqual(series(root, "accuracy"), {"test": 2})
        self.assertEqual(series(root, "cost"),
                         {"training (mean of each mini-batch)": 2 * N_TRAIN // 10})
        self.assertEqual(panel_title(root, "cost"), "Cost per mini-batch")


class Network2OptionsTest(CommandCase):
    """network2's options: cost, init, lmbda, momentum, monitoring, validation, schedule."""

    def test_options_reach_the_training(self):
        tmp = self.temporary_folder()
        svg = os.path.join(tmp, "curves.svg")
        model = os.path.join(tmp, "net.json")
        result = pureml("train", "--cost", "cross-entropy", "--init", "default",
                        "--eta", "0.5", "--lmbda", "0.1", "--momentum", "0.5",
                        "--monitor-training", "--evaluate-on", "validation",
                        "--eta-schedule", "1", "--epochs", "3", "--limit", "200",
                        "--seed", "1", "--plot", svg, "--save", model, *SMALL)
        self.assertSucceeded(result)
        lines = result.stdout.splitlines()
        epochs = [EPOCH_LINE.match(line) for line in lines if line.startswith("Epoch")]
        self.assertEqual(len(epochs), 3, lines)
        self.assertTrue(all(epochs), lines)
        self.assertEqual({int(m.group(3)) for m in epochs}, {N_VALIDATION})
        self.assertEqual(float(epochs[0].group(5)), 0.5)
        self.assertGreaterEqual(max(int(m.group(2)) for m in epochs), 45)
        monitored = [line for line in lines if line.startswith("  training data:")]
        self.assertEqual(len(monitored), 3)
        self.assertRegex(monitored[0], r"^  training data: \d+ / 200, cost [\d.e+-]+$")
        self.assertIn("on the validation set", result.stdout)

        root = parse_svg(svg)
        self.assertEqual(series(root, "accuracy"), {"validation": 3, "training": 3})
        self.assertEqual(series(root, "cost"), {"training": 3})
        self.assertEqual(panel_title(root, "cost"), "Cost per epoch")

        with open(model, encoding="utf-8") as f:
            saved = json.load(f)
        self.assertEqual(saved["cost"], "CrossEntropyCost")
        self.assertEqual(saved["metadata"]["lmbda"], 0.1)
        self.assertEqual(saved["metadata"]["momentum"], 0.5)
        self.assertEqual(saved["metadata"]["training_images"], 200)
        self.assertEqual(saved["metadata"]["evaluated_on"], "validation")

    def test_quiet_prints_only_the_summary(self):
        result = pureml("train", "--epochs", "1", "--limit", "50", "--quiet", *SMALL)
        self.assertSucceeded(result)
        self.assertEqual(result.stderr, "")
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertRegex(lines[0], r"^Best: \d+ / %d \(\d+\.\d\d%%\) on the test set, "
                                   r"in epoch 0\.$" % N_TEST)
        self.assertRegex(lines[1], r"^1 epoch in \d+\.\d s\.$")

    def test_divergence_names_the_epoch_and_suggests_a_smaller_eta(self):
        tmp = self.temporary_folder()
        svg = os.path.join(tmp, "curves.svg")
        model = os.path.join(tmp, "net.json")
        result = pureml("train", "--eta", "1e300", "--lmbda", "5", "--epochs", "2",
                        "--save", model, "--plot", svg, *SMALL)
        self.assertCleanError(result)
        self.assertIn("pureml: training diverged in epoch 0", result.stderr)
        self.assertIn("smaller eta", result.stderr)
        self.assertFalse(os.path.exists(model), "a diverged network is not saved")
        parse_svg(svg)      # the curves up to the divergence are still drawn


@unittest.skipUnless(os.name == "posix", "Ctrl-C is sent as SIGINT, a POSIX signal")
class InterruptTest(CommandCase):
    """Ctrl-C stops training, saves what there is, and exits 130."""

    def test_ctrl_c_saves_the_network_trained_so_far(self):
        tmp = self.temporary_folder()
        model = os.path.join(tmp, "net.json")
        command = [sys.executable, "-m", "pureml", "train", "--epochs", "100000",
                   "--seed", "1", "--save", model] + SMALL
        with sigint_default_in_children():
            proc = subprocess.Popen(command, cwd=REPO, env=environment(),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, encoding="utf-8")
        watchdog = threading.Timer(TIMEOUT, proc.kill)
        watchdog.start()
        with proc:
            try:
                first = proc.stdout.readline()
                self.assertRegex(first, r"^Epoch 0: \d+ / %d  " % N_TEST)
                proc.send_signal(signal.SIGINT)
                out, err = proc.communicate()
            finally:
                watchdog.cancel()
                if proc.poll() is None:
                    proc.kill()
        self.assertEqual(proc.returncode, 130, err)
        self.assertNotIn("Traceback", err)
        self.assertIn("Interrupted in epoch", err)
        self.assertIn("Saved the network trained so far to " + model, out)
        net = network.load(model)
        self.assertEqual(net.sizes, [784, 10, 10])
        with open(model, encoding="utf-8") as f:
            meta = json.load(f)["metadata"]
        self.assertTrue(meta["interrupted"])
        self.assertGreaterEqual(meta["epochs_run"], 1)
        self.assertEqual(os.listdir(tmp), ["net.json"], "no temporary file is left behind")


# ---------------------------------------------------------------------------
# Data: missing, downloaded, verified


class DataTest(CommandCase):
    """Missing data, the automatic download in train, and the download command."""

    def setUp(self):
        SHARED.server.requests = []
        SHARED.server.routes = {}
        self.empty_root = self.temporary_folder()

    def assertOnlyLoopback(self, prefix):
        """Fail unless every request the server saw was for the mirror at ``prefix``,
        or was for a public mirror and so was refused by the proxy trap.

        --mirror is tried first and the public mirrors after it, as the
        issue asks; the test processes send anything not on 127.0.0.1 to
        this server as their proxy, which refuses it, so nothing reaches
        the internet even where CI has it.
        """
        public = tuple("CONNECT %s:443" % urllib.parse.urlsplit(url).hostname
                       for url in mnist.DATASETS["mnist"].mirrors)
        for request in SHARED.server.requests:
            self.assertTrue(request.startswith(prefix) or request.startswith(public),
                            "a request left the loopback mirror: %r" % request)

    def serve(self, prefix, files):
        """Serve ``files`` (name -> bytes) under ``prefix``; return the mirror's URL."""
        SHARED.server.routes = {prefix + name: data for name, data in files.items()}
        return SHARED.base + prefix

    def synthetic_files(self):
        """Return the four synthetic .gz files as name -> bytes."""
        files = {}
        for name in mnist.FILES:
            with open(os.path.join(SHARED.root, "mnist", name), "rb") as f:
                files[name] = f.read()
        return files

    def test_missing_data_with_no_download_says_where_it_looked(self):
        result = pureml("train", "--no-download", *SMALL, data_root=self.empty_root)
        self.assertCleanError(result)
        self.assertIn("pureml: MNIST data not found in %s"
                      % os.path.join(self.empty_root, "mnist"), result.stderr)
        self.assertIn("python -m pureml download", result.stderr)
        self.assertEqual(SHARED.server.requests, [])
        self.assertEqual(result.stdout, "")

    def test_train_downloads_missing_data_and_fails_with_one_message(self):
        mirror = self.serve("/empty/", {})
        result = pureml("train", "--mirror", mirror, *SMALL, data_root=self.empty_root)
        self.assertCleanError(result)
        self.assertIn("downloading it now", result.stderr)
        self.assertEqual(result.stderr.count("pureml: "), 1, result.stderr)
        self.assertIn("pureml: could not download MNIST", result.stderr)
        self.assertIn("HTTP error 404", result.stderr)
        self.assertIn("/empty/" + mnist.TRAIN_IMAGES, SHARED.server.requests)
        self.assertOnlyLoopback("/empty/")

    def test_download_refuses_files_with_the_wrong_checksum(self):
        mirror = self.serve("/data/", self.synthetic_files())
        result = pureml("download", "--mirror", mirror, data_root=self.empty_root)
        self.assertCleanError(result)
        self.assertIn("checksum mismatch", result.stderr)
        self.assertOnlyLoopback("/data/")
        self.assertIn("/data/" + mnist.TRAIN_IMAGES, SHARED.server.requests)
        self.assertEqual(os.listdir(os.path.join(self.empty_root, "mnist")), [])

    def test_download_keeps_valid_files_already_there(self):
        mirror = self.serve("/data/", {})
        result = pureml("download", "--mirror", mirror, "--data", SHARED.root)
        self.assertSucceeded(result)
        self.assertEqual(SHARED.server.requests, [])
        self.assertIn("keeping it", result.stderr)
        self.assertIn("MNIST is ready in %s" % os.path.join(SHARED.root, "mnist"),
                      result.stdout)

    @requires_real_data
    def test_download_fetches_and_verifies_the_real_files(self):
        # The shared train-images was recompressed (see mnist.py's tests), so
        # its MD5 is not the published one: a synthetic file stands in for
        # it and is kept as valid, and the other three come over HTTP.
        real = os.path.join(real_data_root(), "mnist")
        files = {}
        for name in mnist.FILES[1:]:
            with open(os.path.join(real, name), "rb") as f:
                files[name] = f.read()
        mirror = self.serve("/real/", files)
        folder = os.path.join(self.empty_root, "mnist")
        os.makedirs(folder)
        with open(os.path.join(SHARED.root, "mnist", mnist.TRAIN_IMAGES), "rb") as f:
            stand_in = f.read()
        with open(os.path.join(folder, mnist.TRAIN_IMAGES), "wb") as f:
            f.write(stand_in)
        result = pureml("download", "--mirror", mirror, data_root=self.empty_root)
        self.assertSucceeded(result)
        self.assertOnlyLoopback("/real/")
        for name, data in files.items():
            with open(os.path.join(folder, name), "rb") as f:
                self.assertEqual(f.read(), data)
            self.assertIn("md5 %s verified" % hashlib.md5(data).hexdigest(), result.stderr)
        self.assertIn("MNIST is ready in " + folder, result.stdout)


# ---------------------------------------------------------------------------
# evaluate, predict, show


class EvaluateTest(CommandCase):
    """Accuracy, per-class accuracy, the confusion matrix and the misclassified images."""

    def setUp(self):
        self.net = network.load(SHARED.model)
        self.predictions = [matrix.argmax(self.net.feedforward(x))
                            for x, _ in SHARED.test_data]

    def test_accuracy_confusion_matrix_and_misclassified_images(self):
        result = pureml("evaluate", SHARED.model, "--misclassified", "3", *SPLIT)
        self.assertSucceeded(result)
        labels = SHARED.labels["test"]
        correct = sum(p == y for p, y in zip(self.predictions, labels))
        self.assertIn("Accuracy on the %d test images: %d / %d"
                      % (N_TEST, correct, N_TEST), result.stdout)
        lines = result.stdout.splitlines()

        start = lines.index("Per class (correct / images):") + 1
        per_class = lines[start:start + 10]
        for digit, line in enumerate(per_class):
            right = sum(p == y == digit for p, y in zip(self.predictions, labels))
            self.assertRegex(line, r"^%d:\s+%d / %d\s" % (digit, right, labels.count(digit)))

        start = next(i for i, line in enumerate(lines) if line.startswith("true\\pred"))
        self.assertEqual(lines[start].split()[1:], [str(d) for d in range(10)])
        rows = [[int(v) for v in line.split()] for line in lines[start + 1:start + 11]]
        expected = [[0] * 10 for _ in range(10)]
        for p, y in zip(self.predictions, labels):
            expected[y][p] += 1
        self.assertEqual([row[0] for row in rows], list(range(10)))
        self.assertEqual([row[1:] for row in rows], expected)

        wrong = [i for i, (p, y) in enumerate(zip(self.predictions, labels)) if p != y]
        self.assertGreater(len(wrong), 0, "the one-epoch model should make mistakes")
        captions = re.findall(r"#(\d+): (\d), predicted (\d)", result.stdout)
        self.assertEqual(captions, [(str(i), str(labels[i]), str(self.predictions[i]))
                                    for i in wrong[:3]])

    def test_a_corrupt_model_file_is_one_clear_error(self):
        path = os.path.join(self.temporary_folder(), "broken.json")
        with open(SHARED.model, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text[:len(text) // 2])
        result = pureml("evaluate", path, *SPLIT)
        self.assertCleanError(result)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn(path, result.stderr)
        self.assertIn("not a valid model file", result.stderr)

    def test_a_missing_model_file(self):
        path = os.path.join(self.temporary_folder(), "absent.json")
        status, out, err = main_in_process("evaluate", path, "--data", SHARED.root, *SPLIT)
        self.assertEqual(status, 1)
        self.assertEqual(err, "pureml: %s: No such file or directory\n" % path)


def digit_pixels(width, height):
    """Return gray samples (0-255) of a dark "7" on white paper, ``width`` by ``height``."""
    samples = [255] * (width * height)
    for y in range(height):
        for x in range(width):
            bar = height // 8 <= y < height // 8 + 6 and width // 5 <= x < 4 * width // 5
            stroke_x = 4 * width // 5 - (y - height // 8) * width // (2 * height)
            stroke = y >= height // 8 and abs(x - stroke_x) <= 3
            if bar or stroke:
                samples[y * width + x] = 20
    return samples


class PredictTest(CommandCase):
    """predict reads the learner's own PNG and PGM files."""

    def setUp(self):
        folder = self.temporary_folder()
        self.png = os.path.join(folder, "seven.png")
        with open(self.png, "wb") as f:
            f.write(encode_png(40, 56, 0, 8, digit_pixels(40, 56)))
        self.pgm = os.path.join(folder, "seven.pgm")
        with open(self.pgm, "wb") as f:
            f.write(b"P5\n30 30\n255\n" + bytes(digit_pixels(30, 30)))
        self.broken = os.path.join(folder, "broken.png")
        with open(self.broken, "wb") as f:
            f.write(encode_png(40, 56, 0, 8, digit_pixels(40, 56))[:60])
        self.absent = os.path.join(folder, "absent.png")
        self.net = network.load(SHARED.model)

    def expected_line(self, path):
        """Return the line predict should print for ``path``, computed here."""
        output = self.net.feedforward(images.load_digit(path))
        return "%s: %d  [%s]" % (path, matrix.argmax(output),
                                 " ".join("%.3f" % a for a in output))

    def test_one_line_per_image(self):
        result = pureml("predict", SHARED.model, self.png, self.pgm)
        self.assertSucceeded(result)
        self.assertEqual(result.stdout.splitlines(),
                         [self.expected_line(self.png), self.expected_line(self.pgm)])

    def test_bad_files_are_named_and_the_others_still_predicted(self):
        result = pureml("predict", SHARED.model, self.broken, self.png, self.absent,
                        "--show", "--style", "ascii")
        self.assertCleanError(result)
        errors = result.stderr.splitlines()
        self.assertEqual(len(errors), 2, result.stderr)
        self.assertTrue(errors[0].startswith("pureml: %s: " % self.broken), errors)
        self.assertEqual(errors[1], "pureml: %s: No such file or directory" % self.absent)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], self.expected_line(self.png))
        drawing = lines[1:29]
        self.assertEqual(len(drawing), 28, "--show draws the 28x28 input")
        self.assertTrue(any(set(line) - {" "} for line in drawing))

    def test_a_model_that_is_not_json_text(self):
        path = os.path.join(self.temporary_folder(), "model.json")
        with open(path, "wb") as f:
            f.write(b"\xff\xfe\x00\x81 not a model")
        status, out, err = main_in_process("predict", path, self.png)
        self.assertEqual(status, 1)
        self.assertEqual(out, "")
        self.assertIn("pureml: %s: not a model file" % path, err)


class ShowTest(CommandCase):
    """show draws images with their labels."""

    def test_images_with_their_labels(self):
        result = pureml("show", "0", "7", "--style", "ascii", *SPLIT)
        self.assertSucceeded(result)
        labels = SHARED.labels["test"]
        self.assertEqual(re.findall(r"#(\d+): (\d)", result.stdout),
                         [("0", str(labels[0])), ("7", str(labels[7]))])
        self.assertIn("@", result.stdout)

    def test_other_sets(self):
        status, out, _err = main_in_process("show", "--set", "validation", "--data",
                                            SHARED.root, *SPLIT, "59")
        self.assertEqual(status, 0)
        self.assertIn("#59: %d" % SHARED.labels["validation"][59], out)

    def test_index_out_of_range(self):
        status, out, err = main_in_process("show", "--data", SHARED.root, *SPLIT,
                                           "3", str(N_TEST))
        self.assertEqual(status, 1)
        self.assertEqual(out, "")
        self.assertEqual(err, "pureml: index %d is out of range: the test set has %d "
                              "images (indices 0 to %d)\n" % (N_TEST, N_TEST, N_TEST - 1))


# ---------------------------------------------------------------------------
# gradcheck


class GradcheckTest(CommandCase):

    def test_backprop_agrees_with_the_numbers(self):
        result = pureml("gradcheck", "--sizes", "5,4,3", "--cost", "cross-entropy",
                        "--activation", "tanh", "--lmbda", "0.5")
        self.assertSucceeded(result)
        self.assertIn("PASS", result.stdout)
        worst = float(re.search(r"Worst relative error: (\S+) at", result.stdout).group(1))
        self.assertLess(worst, 1e-6)

    def test_exit_status_1_above_the_tolerance(self):
        status, out, _err = main_in_process("gradcheck", "--tolerance", "1e-300")
        self.assertEqual(status, 1)
        self.assertIn("FAIL", out)


# ---------------------------------------------------------------------------
# Help and wrong options


class HelpTest(CommandCase):

    def test_help_lists_the_commands(self):
        result = pureml("--help")
        self.assertSucceeded(result)
        self.assertIn("usage: python -m pureml", result.stdout)
        for command in ("train", "evaluate", "predict", "show", "download", "gradcheck"):
            self.assertIn(command, result.stdout)

    def test_help_of_each_command(self):
        for command in ("train", "evaluate", "predict", "show", "download", "gradcheck"):
            with self.subTest(command=command):
                status, out, err = main_in_process(command, "--help")
                self.assertEqual(status, 0)
                self.assertTrue(out.startswith("usage: pureml " + command), out)
                self.assertEqual(err, "")
        status, out, _err = main_in_process("train", "--help")
        for option in ("--cost", "--lmbda", "--momentum", "--early-stopping",
                       "--eta-schedule", "--init", "--activation", "--monitor-training",
                       "--evaluate-on", "--no-download", "--save", "--plot", "--quiet"):
            self.assertIn(option, out)

    def test_version(self):
        status, out, _err = main_in_process("--version")
        self.assertEqual((status, out), (0, "pureml %s\n" % __version__))


class BadOptionTest(CommandCase):
    """Each wrong option gets argparse's usage message and exit status 2."""

    def assertUsageError(self, status, err, *fragments):
        self.assertEqual(status, 2, err)
        self.assertIn("usage: ", err)
        self.assertNotIn("Traceback", err)
        for fragment in fragments:
            self.assertIn(fragment, err)

    def test_eta_nan(self):
        result = pureml("train", "--eta", "nan")
        self.assertUsageError(result.returncode, result.stderr, "--eta", "finite")
        self.assertEqual(result.stdout, "")

    def test_sizes_not_numbers(self):
        status, _out, err = main_in_process("train", "--sizes", "784,x,10")
        self.assertUsageError(status, err, "--sizes", "'x'")

    def test_sizes_not_for_mnist(self):
        status, _out, err = main_in_process("train", "--sizes", "100,30,10")
        self.assertUsageError(status, err, "--sizes", "784")

    def test_batch_size_zero(self):
        status, _out, err = main_in_process("train", "--batch-size", "0")
        self.assertUsageError(status, err, "--batch-size", "at least 1")

    def test_save_into_a_missing_folder(self):
        path = os.path.join(self.temporary_folder(), "no", "such", "net.json")
        status, _out, err = main_in_process("train", "--save", path)
        self.assertUsageError(status, err, "--save", "does not exist")

    def test_momentum_one(self):
        status, _out, err = main_in_process("train", "--momentum", "1")
        self.assertUsageError(status, err, "--momentum")

    def test_unknown_cost(self):
        status, _out, err = main_in_process("train", "--cost", "hinge")
        self.assertUsageError(status, err, "--cost", "cross-entropy")

    def test_mirror_not_a_url(self):
        status, _out, err = main_in_process("download", "--mirror", "example.com/mnist")
        self.assertUsageError(status, err, "--mirror", "http://")

    def test_no_command(self):
        status, _out, err = main_in_process()
        self.assertUsageError(status, err)


if __name__ == "__main__":
    unittest.main()
