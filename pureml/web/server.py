"""``python -m pureml serve MODEL``: draw a digit in the browser and watch the network read it.

One page (pureml/web/page.html, shipped in the package: no CDN, no build step)
and a small JSON API, served by pureml.web.httpd (the standard library's
``http.server.ThreadingHTTPServer``, with limits):

    GET  /                      the page
    POST /api/predict           an image (PNG, PGM/PBM/PPM bytes) or JSON
                                {"width": W, "height": H, "ink": [W*H numbers
                                in 0..1, row by row, 1 = full ink]}; answers
                                {"digit", "activations", "input", "hidden"}
    GET  /api/model             what the network is, its saved metadata, and
                                in words how it was trained and what its
                                accuracy was measured on (pureml.data.metadata);
                                whether test images can be shown, or why not
    GET  /api/weights?layer=0   each first-layer unit's incoming weights
    GET  /api/sample?set=test&index=N   a real MNIST digit, its label and the
                                answer (404, saying why, without the data)

The page shows the canvas (pointer events, so a mouse, a pen or a finger;
the network answers as you draw and when you lift the pen) with the
answer beside it (on a phone too), the 28 x 28 input the network saw
(prepared as pureml.data.images prepares a file), the ten output
activations, and each hidden neuron's activation above each first-layer
unit's incoming weights drawn as a 28 x 28 map (a conv net's 5 x 5
filters), in rows that divide the maps evenly, each with a legend and its
values on hover or touch.  Before anything is drawn each part says "draw
a digit".  ``/?selftest=1`` makes the page draw a 1 itself
(tools/browser_check.py).

Every request is untrusted.  pureml.web.httpd refuses what is wrong with
the request itself (a body over MAX_BODY bytes 413 before it is read, a
wrong method 405, an unknown path 404, a request too slow to arrive 408, a
connection over the cap 503) and closes any connection whose body it did
not read.  This module refuses what is wrong with its content: malformed
JSON, wrong lengths, NaN or out-of-range numbers, numbers in the query
that are not ASCII digits, undecodable images and images (or drawings) of
more than UPLOAD_PIXELS pixels get 400, each with ``{"error": "..."}``
saying why.  At most DECODE_SLOTS uploads are decoded at once.  Paths are
never mapped onto the file system; the model is read under a lock, so one
request never affects another.  Nothing is logged per request unless
verbose.  ``make_server`` refuses, with one ArgumentError, a network that
does not take 784 inputs and give 10 outputs.
"""

import json
import math
import os
import random
import re
import threading

from pureml import mnist
from pureml.engine.vectors import argmax
from pureml.data import images, metadata
from pureml.web import httpd
from pureml.data.imagefile import ImageError
from pureml.web.httpd import MAX_BODY, REQUEST_TIMEOUT, TIMEOUT, RequestError, json_bytes
from pureml.errors import ArgumentError

__all__ = ["make_server", "page", "App", "Handler", "ArgumentError", "RequestError", "MAX_BODY",
           "TIMEOUT", "REQUEST_TIMEOUT", "UPLOAD_PIXELS", "DECODE_SLOTS"]

#: The most pixels an uploaded image or JSON drawing may have (the page sends
#: 112 x 112; the decoders' own limit, for ``pureml predict``, is 25 million).
UPLOAD_PIXELS = 1000000

#: How many uploads are decoded at once, and how long one waits for its turn.
DECODE_SLOTS = 2
DECODE_WAIT = TIMEOUT

_PAGE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "page.html")
_IMAGE_TYPES = ("image/png", "image/x-portable-graymap", "image/x-portable-bitmap",
                "image/x-portable-pixmap", "image/x-portable-anymap",
                "application/octet-stream")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")        # ASCII only: str.isdigit() takes "²"


def page():
    """Return the page's HTML as bytes."""
    with open(_PAGE_PATH, "rb") as f:
        return f.read()


class App:
    """What the handlers share: the model (behind a lock), the page, and the test set (lazily)."""

    def __init__(self, model, data_root=None):
        self.model = model
        self.data_root = data_root
        self.lock = threading.Lock()
        self.decode_slots = threading.BoundedSemaphore(DECODE_SLOTS)
        self.decode_wait = DECODE_WAIT
        self.page = page()
        self._test_set = None
        self._test_error = None

    # -- answers -------------------------------------------------------------

    def answer(self, x):
        """Return the JSON answer for one 784-input example."""
        with self.lock:         # layered networks keep state in their layers
            output, hidden = self.model.trace(x)
        return {"digit": argmax(output), "activations": output, "input": x,
                "hidden": hidden}

    def read_digit(self, body, content_type):
        """Return the 784 inputs for a POST's body: a JSON drawing or an image file's bytes."""
        if content_type != "application/json" and not (
                content_type in _IMAGE_TYPES or content_type.startswith("image/")):
            raise RequestError(415, "send the image (Content-Type: image/png or a PNM type) "
                                    "or JSON (application/json), not %r" % content_type[:60])
        if not self.decode_slots.acquire(timeout=self.decode_wait):
            raise RequestError(503, "the server is busy reading %d other uploads; try again"
                               % DECODE_SLOTS)
        try:
            if content_type == "application/json":
                return digit_from_json(body)
            return digit_from_image(body, content_type or "image")
        finally:
            self.decode_slots.release()

    def describe(self):
        """Return GET /api/model's answer."""
        model = self.model
        figure = metadata.accuracy_figure(model.metadata)
        samples = self.test_set() is not None
        info = {"kind": model.kind, "description": model.describe(),
                "inputs": model.n_inputs, "outputs": model.n_outputs,
                "metadata": model.metadata, "samples": samples,
                "samples_missing": None if samples else self.missing_samples_text(),
                "accuracy": figure, "accuracy_text": metadata.accuracy_text(figure),
                "training_text": metadata.training_text(model.metadata)}
        net = model.net
        if not model.layered:
            info.update(sizes=net.sizes, cost=net.cost.name, activation=net.activation.name)
        return info

    def weights(self, layer):
        """Return GET /api/weights' answer for ``layer`` (only the first has input maps)."""
        if layer != 0:
            raise RequestError(404, "only layer 0's weights are drawn: each first-layer "
                                    "unit's incoming weights")
        with self.lock:
            maps = self.model.input_maps()
        side = int(round(math.sqrt(len(maps[0])))) if maps else 0
        return {"layer": 0, "units": len(maps), "width": side, "height": side, "maps": maps}

    def sample(self, index):
        """Return GET /api/sample's answer: test image ``index`` (random when None)."""
        test = self.test_set()
        if test is None:
            raise RequestError(404, self.missing_samples_text())
        pixels, labels = test
        if index is None:
            index = random.randrange(len(labels))
        if not 0 <= index < len(labels):
            raise RequestError(400, "index must be from 0 to %d, not %d"
                               % (len(labels) - 1, index))
        result = self.answer(pixels[index])
        result.update(set="test", index=index, label=labels[index])
        return result

    def missing_samples_text(self):
        """Return why there are no test images to show, and how to get them."""
        return ("%s; run `python -m pureml download`, or start the server with --data DIR "
                "(or PUREML_DATA) naming the folder that holds mnist/"
                % (self._test_error or "no MNIST test images").rstrip("."))

    def test_set(self):
        """Return the MNIST test set (images, labels), read once, or None where it is absent."""
        with self.lock:
            if self._test_set is None and self._test_error is None:
                try:
                    self._test_set = mnist.load_test_data(self.data_root)
                except (OSError, ValueError) as exc:
                    self._test_error = str(exc).splitlines()[0]
            return self._test_set


# ---------------------------------------------------------------------------
# Reading uploads


def digit_from_json(body):
    """Return the 784 inputs for a JSON drawing {"width", "height", "ink"}; RequestError if bad."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RequestError(400, "the body is not valid JSON: %s" % exc) from None
    if not isinstance(data, dict) or not {"width", "height", "ink"} <= set(data):
        raise RequestError(400, 'expected a JSON object {"width": W, "height": H, "ink": '
                                '[W*H numbers from 0 to 1]}')
    width, height, ink = data["width"], data["height"], data["ink"]
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RequestError(400, "%s must be a whole number of at least 1, not %r"
                               % (name, value))
    if width * height > UPLOAD_PIXELS:
        raise RequestError(400, "a drawing of %d x %d pixels is larger than the %d "
                                "allowed" % (width, height, UPLOAD_PIXELS))
    if not isinstance(ink, list) or len(ink) != width * height:
        raise RequestError(400, "ink must be a list of width * height = %d numbers, not %s"
                           % (width * height, "%d" % len(ink) if isinstance(ink, list)
                              else type(ink).__name__))
    gray = []
    for i, v in enumerate(ink):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise RequestError(400, "ink[%d] must be a number from 0 to 1, not %r" % (i, v))
        gray.append(1.0 - v)            # ink on white paper: 1 = full ink is black
    return _mnist_input(images.GrayImage(width, height, gray, "the drawing"))


def digit_from_image(body, content_type):
    """Return the 784 inputs for an image file's bytes; RequestError if it is not a usable one."""
    try:
        gray = images.decode_gray(body, "the uploaded %s" % content_type[:60],
                                  max_pixels=UPLOAD_PIXELS)
    except ImageError as exc:
        raise RequestError(400, str(exc)) from None
    return _mnist_input(gray)


def _mnist_input(gray):
    """Return images.mnist_input(gray), a blank image being a 400."""
    try:
        return images.mnist_input(gray)
    except ImageError as exc:
        raise RequestError(400, str(exc)) from None


def _reject_constant(token):
    """Refuse NaN and Infinity in JSON (json would accept them)."""
    raise ValueError("%s is not a number from 0 to 1" % token)


# ---------------------------------------------------------------------------
# The API's handler


class Handler(httpd.JSONHandler):
    """Answers the API's routes; httpd.JSONHandler has checked the method, path and body."""

    routes = {"/": "GET", "/api/model": "GET", "/api/weights": "GET", "/api/sample": "GET",
              "/api/predict": "POST"}

    def answer(self, path, query, body):
        app = self.server.app
        if path == "/":
            return 200, "text/html; charset=utf-8", app.page
        if path == "/api/model":
            data = app.describe()
        elif path == "/api/weights":
            data = app.weights(_int_param(query, "layer", 0))
        elif path == "/api/sample":
            if query.get("set", ["test"])[0] != "test":
                raise RequestError(400, "set must be 'test': the page draws test images")
            data = app.sample(_int_param(query, "index", None))
        else:                                   # /api/predict
            content_type = (self.headers.get("Content-Type") or "").split(";")[0]
            data = app.answer(app.read_digit(body, content_type.strip().lower()))
        return 200, "application/json", json_bytes(data)


def _int_param(query, name, default):
    """Return the query parameter ``name`` as an int (``default`` when absent); 400 if not one."""
    values = query.get(name)
    if not values:
        return default
    text = values[0]
    if not _WHOLE_NUMBER.fullmatch(text):
        raise RequestError(400, "%s must be a whole number (digits 0-9, at most 12), not %r"
                           % (name, text[:40]))
    return int(text)


def make_server(model, host="127.0.0.1", port=8000, data_root=None, verbose=False,
                max_connections=None, request_timeout=REQUEST_TIMEOUT):
    """Return a httpd.Server for ``model`` (a loaded model: pureml.cli.models.Model) on (host, port).

    Port 0 picks a free one; a host holding ':' is IPv6.  ``max_connections``
    (default httpd.default_max_connections()) and ``request_timeout``
    (seconds) are the server's limits.  Raises ModelFileError for a bad
    model file, ArgumentError for a network that does not take 28x28 images,
    and OSError when the address cannot be had.
    """
    name = "the model"
    if model.n_inputs != mnist.IMAGE_SIZE:
        raise ArgumentError("%s: the network has %s inputs; the page sends 28x28 images of %d "
                         "pixels" % (name, model.n_inputs, mnist.IMAGE_SIZE))
    if model.n_outputs != mnist.CLASSES:
        raise ArgumentError("%s: the network has %s outputs; the page reads %d, one for each "
                            "digit" % (name, model.n_outputs, mnist.CLASSES))
    app = App(model, data_root)
    server = httpd.bind(host, port, Handler, max_connections=max_connections,
                            request_timeout=request_timeout, verbose=verbose)
    server.app = app
    return server
