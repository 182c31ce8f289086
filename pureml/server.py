"""``python -m pureml serve MODEL``: draw a digit in the browser and watch the network read it.

One page (pureml/page.html, shipped in the package: no CDN, no build step)
and a small JSON API, served by the standard library's
``http.server.ThreadingHTTPServer``:

    GET  /                      the page
    POST /api/predict           an image (PNG, PGM/PBM/PPM bytes) or JSON
                                {"width": W, "height": H, "ink": [W*H numbers
                                in 0..1, row by row, 1 = full ink]}; answers
                                {"digit", "activations", "input", "hidden"}
    GET  /api/model             what the network is, and its saved metadata
    GET  /api/weights?layer=0   each first-layer unit's incoming weights
    GET  /api/sample?set=test&index=N   a real MNIST digit and the answer

Every request is untrusted.  A body over MAX_BODY bytes gets 413 before it
is read; a wrong method 405; an unknown path 404; malformed JSON, wrong
lengths, NaN or out-of-range numbers, undecodable or huge images 400, each
with ``{"error": "..."}`` saying why.  Paths are never mapped onto the file
system.  Each connection has a socket timeout, so a slow or half-finished
request cannot hang the server, and one request never affects another (the
model is read under a lock).  Nothing is logged per request unless verbose.
"""

import http.server
import json
import math
import os
import random
import socketserver
import sys
import threading
import urllib.parse

from pureml import images, matrix, mnist, models
from pureml.imagefile import ImageError

__all__ = ["make_server", "page", "MAX_BODY", "TIMEOUT", "RequestError"]

#: The largest request body read, in bytes.
MAX_BODY = 2 ** 20

#: Seconds a connection may stay silent before it is closed.
TIMEOUT = 10.0

#: The largest drawing accepted as JSON: the image decoders' pixel limit.
MAX_PIXELS = 25_000_000

_PAGE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "page.html")
_IMAGE_TYPES = ("image/png", "image/x-portable-graymap", "image/x-portable-bitmap",
                "image/x-portable-pixmap", "image/x-portable-anymap",
                "application/octet-stream")


class RequestError(ValueError):
    """A request the server cannot answer; ``status`` is its 4xx code, the message why."""

    def __init__(self, status, message):
        ValueError.__init__(self, message)
        self.status = status


def page():
    """Return the page's HTML as bytes."""
    with open(_PAGE_PATH, "rb") as f:
        return f.read()


class App:
    """What the handlers share: the model (behind a lock), the page, and the test set (lazily)."""

    def __init__(self, model, data_root=None, verbose=False):
        self.model = model
        self.data_root = data_root
        self.verbose = verbose
        self.lock = threading.Lock()
        self.page = page()
        self._test_set = None
        self._test_error = None

    # -- answers -------------------------------------------------------------

    def answer(self, x):
        """Return the JSON answer for one 784-input example."""
        with self.lock:         # layered networks keep state in their layers
            output, hidden = self.model.trace(x)
        return {"digit": matrix.argmax(output), "activations": output, "input": x,
                "hidden": hidden}

    def describe(self):
        """Return GET /api/model's answer."""
        model = self.model
        info = {"kind": model.kind, "description": model.describe(),
                "inputs": model.n_inputs, "outputs": model.n_outputs,
                "metadata": model.metadata, "samples": self.test_set() is not None}
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
            raise RequestError(404, "no MNIST test images here (%s); run `python -m pureml "
                                    "download` or give --data" % self._test_error)
        pixels, labels = test
        if index is None:
            index = random.randrange(len(labels))
        if not 0 <= index < len(labels):
            raise RequestError(400, "index must be from 0 to %d, not %d"
                               % (len(labels) - 1, index))
        result = self.answer(pixels[index])
        result.update(set="test", index=index, label=labels[index])
        return result

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
# Reading requests


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
    if width * height > MAX_PIXELS:
        raise RequestError(400, "a drawing of %d x %d pixels is larger than the %d "
                                "allowed" % (width, height, MAX_PIXELS))
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
        gray = images.decode_gray(body, "the uploaded %s" % content_type)
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
# The handler


class Handler(http.server.BaseHTTPRequestHandler):
    """Routes each request to the App; every failure is a 4xx with a JSON reason."""

    server_version = "pureml"
    timeout = TIMEOUT               # a socket timeout per connection
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self._respond(self._get)

    def do_POST(self):
        self._respond(self._post)

    def do_HEAD(self):
        self._respond(self._get, head=True)

    def _method_not_allowed(self):
        path = urllib.parse.urlsplit(self.path).path
        allowed = _ROUTES.get(path)
        if allowed is None:
            self._send_json(404, {"error": "no such page: %s" % path[:200]})
        else:
            self._send_json(405, {"error": "%s is not allowed on %s; use %s"
                                           % (self.command, path, allowed)},
                            {"Allow": allowed})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed

    def _respond(self, route, head=False):
        """Run ``route`` and send its answer, or the 4xx its RequestError names."""
        try:
            status, content_type, body = route()
        except RequestError as exc:
            status, content_type, body = exc.status, "application/json", _json_bytes(
                {"error": str(exc)})
        except Exception as exc:        # never a 5xx: the reason goes back as a 400
            status, content_type, body = 400, "application/json", _json_bytes(
                {"error": "could not answer: %s: %s" % (type(exc).__name__, exc)})
        self._send(status, content_type, body, head=head)

    def _get(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        app = self.server.app
        if url.path == "/":
            return 200, "text/html; charset=utf-8", app.page
        if url.path == "/api/model":
            return 200, "application/json", _json_bytes(app.describe())
        if url.path == "/api/weights":
            return 200, "application/json", _json_bytes(
                app.weights(_int_param(query, "layer", 0)))
        if url.path == "/api/sample":
            if query.get("set", ["test"])[0] != "test":
                raise RequestError(400, "set must be 'test': the page draws test images")
            return 200, "application/json", _json_bytes(
                app.sample(_int_param(query, "index", None)))
        if url.path in _ROUTES:
            raise RequestError(405, "GET is not allowed on %s; use %s"
                               % (url.path, _ROUTES[url.path]))
        raise RequestError(404, "no such page: %s" % url.path[:200])

    def _post(self):
        path = urllib.parse.urlsplit(self.path).path
        if path != "/api/predict":
            if path in _ROUTES:
                raise RequestError(405, "POST is not allowed on %s; use %s"
                                   % (path, _ROUTES[path]))
            raise RequestError(404, "no such page: %s" % path[:200])
        body = self._read_body()
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/json":
            x = digit_from_json(body)
        elif content_type in _IMAGE_TYPES or content_type.startswith("image/"):
            x = digit_from_image(body, content_type or "image")
        else:
            raise RequestError(415, "send the image (Content-Type: image/png or a PNM type) "
                                    "or JSON (application/json), not %r" % content_type)
        return 200, "application/json", _json_bytes(self.server.app.answer(x))

    def _read_body(self):
        """Return the request's body: checked against MAX_BODY before a byte is read."""
        if self.headers.get("Transfer-Encoding"):
            raise RequestError(411, "send the body with a Content-Length, not chunked")
        length = self.headers.get("Content-Length")
        if length is None:
            raise RequestError(411, "a POST needs a Content-Length")
        if not length.isdigit():
            raise RequestError(400, "Content-Length must be a number of bytes, not %r"
                               % length[:40])
        length = int(length)
        if length > MAX_BODY:
            self.close_connection = True        # the unread body is not drained
            raise RequestError(413, "the body is %d bytes; at most %d are read"
                               % (length, MAX_BODY))
        body = self.rfile.read(length)
        if len(body) != length:
            raise RequestError(400, "the body ended after %d of its %d bytes"
                               % (len(body), length))
        return body

    def _send_json(self, status, data, headers=None):
        self._send(status, "application/json", _json_bytes(data), headers)

    def _send(self, status, content_type, body, headers=None, head=False):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if status >= 400 and self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except OSError:             # the client went away: nothing more to say
            self.close_connection = True

    def send_error(self, code, message=None, explain=None):
        """Answer http.server's own errors (a malformed request line, say) as JSON, never 5xx."""
        code = code if 400 <= code < 500 else 400
        self.close_connection = True
        if self.request_version == "HTTP/0.9":     # a garbled request line: answer in HTTP/1.0
            self.request_version = "HTTP/1.0"
        self._send_json(code, {"error": message or self.responses.get(code, ("",))[0]})

    def log_message(self, format, *args):
        if self.server.app.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))


#: The API's paths and the method each takes, for 404 and 405 answers.
_ROUTES = {"/": "GET", "/api/model": "GET", "/api/weights": "GET", "/api/sample": "GET",
           "/api/predict": "POST"}


def _int_param(query, name, default):
    """Return the query parameter ``name`` as an int (``default`` when absent); 400 if not one."""
    values = query.get(name)
    if not values:
        return default
    text = values[0]
    if not text.lstrip("-").isdigit() or len(text) > 12:
        raise RequestError(400, "%s must be a whole number, not %r" % (name, text[:40]))
    return int(text)


def _json_bytes(data):
    """Return ``data`` as compact UTF-8 JSON."""
    return json.dumps(data, separators=(",", ":"), allow_nan=False).encode("utf-8")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """A threading HTTP server whose threads never keep the process alive."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_server(model_path, host="127.0.0.1", port=8000, data_root=None, verbose=False):
    """Return a Server for the model in ``model_path`` on (host, port); port 0 picks one.

    Raises ModelFileError for a bad model, OSError when the address is taken.
    """
    model = models.load(model_path)
    server = Server((host, port), Handler)
    server.app = App(model, data_root, verbose)
    return server
