"""Tests for pureml.web.server (``pureml serve``): every endpoint, every bad request, many at once.

The server runs in this process on an ephemeral port of 127.0.0.1, on
small networks saved by the tests; the sample endpoint reads a synthetic
MNIST test set the tests write.  The real-browser check runs when chromium
and the real MNIST files are both there, and is skipped otherwise.
"""

import contextlib
import http.client
import io
import json
import os
import re
import select
import signal
import socket
import tempfile
import threading
import time
import unittest
import zlib
from unittest import mock

from pureml import cli, layernet, mnist, network
from pureml.data import idx, images
from pureml.cli import models
from pureml.web import httpd, server
from pureml.cli import serve
from pureml.data.imagefile import ImageError
from tests.cli_support import running
from tests.support import real_data_root, requires_real_data
from tests.test_data_png import SIGNATURE, chunk, encode_png, ihdr
from tools import browser_check

#: A request that must never be answered when it arrives as another request's body.
SMUGGLED = b"GET /api/model HTTP/1.1\r\nHost: x\r\n\r\n"


def write_test_set(root, n=12):
    """Write a small MNIST test set (images of a bar, labels 0-9) under root/mnist/."""
    folder = os.path.join(root, "mnist")
    os.makedirs(folder)
    pixels = bytearray(n * 784)
    for i in range(n):
        for row in range(6, 22):
            pixels[i * 784 + row * 28 + 10 + i % 8] = 255
    idx.write(os.path.join(folder, mnist.TEST_IMAGES), (n, 28, 28), bytes(pixels))
    idx.write(os.path.join(folder, mnist.TEST_LABELS), (n,), bytes(i % 10 for i in range(n)))


def _read_until_closed(sock):
    """Return everything the server sends until it closes the connection."""
    pieces = []
    for piece in iter(lambda: sock.recv(4096), b""):
        pieces.append(piece)
    return b"".join(pieces)


def read_response(sock):
    """Return one whole response (head and Content-Length body) read from ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(4096)
        if not piece:
            return data
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    length = re.search(rb"\r\nContent-Length: (\d+)", head)
    want = int(length.group(1)) if length else 0
    while len(rest) < want:
        piece = sock.recv(4096)
        if not piece:
            break
        rest += piece
    return head + b"\r\n\r\n" + rest


def exchange(port, data, host="127.0.0.1"):
    """Send ``data`` on a new connection; return all the server sends until it closes it.

    A server that left the connection open would make recv time out (an
    error) after 10 s rather than hang the test.
    """
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(data)
        return _read_until_closed(sock)


def statuses(reply):
    """Return the status codes of the responses in ``reply``, in order (100 Continue too)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] (\d\d\d) ", reply)]


def json_error(reply):
    """Return the "error" of the JSON body that ends ``reply``."""
    return json.loads(reply.partition(b"\r\n\r\n")[2])["error"]


class ServerCase(unittest.TestCase):
    """A server on a saved [784, 12, 10] network, and a way to talk to it."""

    model_kind = "network"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.model = os.path.join(cls.tmp.name, "net.json")
        if cls.model_kind == "network":
            network.Network([784, 12, 10], seed=1).save(cls.model)
        else:
            layernet.TwoLayerNet(784, 12, 10, weight_init_std=0.1, seed=1).save_params(cls.model)
        cls.root = os.path.join(cls.tmp.name, "data")
        write_test_set(cls.root)
        cls.httpd = server.make_server(models.load(cls.model), "127.0.0.1", 0, data_root=cls.root)
        cls.thread = threading.Thread(target=cls.httpd.serve_forever,
                                      kwargs={"poll_interval": 0.05}, daemon=True)
        cls.thread.start()
        cls.port = cls.httpd.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.httpd.shutdown()
        cls.httpd.server_close()
        cls.thread.join()
        cls.tmp.cleanup()

    def serve(self, **limits):
        """Start another server on the same model with ``limits``; return its port."""
        httpd = server.make_server(models.load(self.model), "127.0.0.1", 0, data_root=self.root, **limits)
        thread = threading.Thread(target=httpd.serve_forever,
                                  kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(httpd.server_close)
        self.addCleanup(httpd.shutdown)
        return httpd

    def request(self, method, path, body=None, headers=None, port=None):
        """Return (status, headers, body bytes) for one request."""
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def json_request(self, method, path, data=None, content_type="application/json"):
        body = None if data is None else (data if isinstance(data, bytes)
                                          else json.dumps(data).encode())
        status, headers, raw = self.request(method, path, body,
                                            {"Content-Type": content_type} if body else {})
        self.assertEqual(headers.get("Content-Type"), "application/json", raw[:200])
        return status, json.loads(raw)

    def assertRefused(self, status, expected, fragment, method="POST", path="/api/predict",
                      data=None, content_type="application/json"):
        got, body = self.json_request(method, path, data, content_type)
        self.assertEqual(got, expected, body)
        self.assertIn(fragment, body["error"])


def drawing(width=20, height=20):
    """Return a JSON drawing of a vertical bar: ink 1 in two middle columns."""
    ink = [1.0 if x in (width // 2, width // 2 + 1) and 2 <= y < height - 2 else 0.0
           for y in range(height) for x in range(width)]
    return {"width": width, "height": height, "ink": ink}


class EndpointTest(ServerCase):
    def test_the_page(self):
        status, headers, body = self.request("GET", "/")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        page = body.decode("utf-8")
        for piece in ('<canvas id="pad"', 'id="clear"', 'id="sample"', 'id="bars"',
                      'id="maps"', 'id="seen"', 'name="viewport"', "aria-label",
                      'id="accuracy"', 'id="sample-why"', 'id="hidden-legend"',
                      'id="hidden-readout"', 'id="maps-readout"', "Nothing yet: draw a digit",
                      'answer.textContent = "Draw a digit"'):
            self.assertIn(piece, page)
        self.assertIsNone(re.search(r"(src|href)=[\"']?(https?:)?//", page),
                          "the page loads nothing from anywhere else")
        self.assertNotIn("http://", page.replace("http://127.0.0.1", ""))

    def test_predict_a_json_drawing(self):
        status, body = self.json_request("POST", "/api/predict", drawing())
        self.assertEqual(status, 200)
        self.assertEqual(len(body["activations"]), 10)
        self.assertEqual(body["digit"], max(range(10), key=body["activations"].__getitem__))
        self.assertEqual(len(body["input"]), 784)
        self.assertEqual([len(h) for h in body["hidden"]], [12])
        net = network.load(self.model)
        self.assertEqual(body["activations"], net.feedforward(body["input"]))

    def test_predict_png_and_pgm_bytes(self):
        ink = drawing(12, 12)["ink"]
        gray = [round(255 * (1 - v)) for v in ink]          # black ink on white
        png = encode_png(12, 12, 0, 8, gray)
        pgm = b"P5 12 12 255\n" + bytes(gray)
        answers = []
        for data, kind in ((png, "image/png"), (pgm, "image/x-portable-graymap")):
            status, body = self.json_request("POST", "/api/predict", data, kind)
            self.assertEqual(status, 200, body)
            answers.append(body["input"])
        self.assertEqual(answers[0], answers[1])

    def test_model(self):
        status, body = self.json_request("GET", "/api/model")
        self.assertEqual(status, 200)
        self.assertEqual(body["sizes"], [784, 12, 10])
        self.assertEqual(body["kind"], "Network")
        self.assertTrue(body["samples"])
        self.assertIsNone(body["samples_missing"])
        # saved without metadata: nothing to say about its training
        self.assertEqual((body["accuracy"], body["accuracy_text"], body["training_text"]),
                         (None, "", ""))

    def test_weights(self):
        status, body = self.json_request("GET", "/api/weights?layer=0")
        self.assertEqual(status, 200)
        self.assertEqual((body["units"], body["width"], body["height"]), (12, 28, 28))
        self.assertEqual(len(body["maps"][0]), 784)

    def test_sample(self):
        status, body = self.json_request("GET", "/api/sample?set=test&index=3")
        self.assertEqual((status, body["index"], body["label"]), (200, 3, 3))
        status, body = self.json_request("GET", "/api/sample")
        self.assertTrue(0 <= body["index"] < 12)


class OtherServerCase(ServerCase):
    """A server of its own, on another model or data folder."""

    def own_server(self, model, root):
        httpd = server.make_server(models.load(model), "127.0.0.1", 0, data_root=root)
        thread = threading.Thread(target=httpd.serve_forever,
                                  kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(httpd.server_close)
        self.addCleanup(httpd.shutdown)
        return httpd.server_address[1]


class MetadataTest(OtherServerCase):
    """/api/model says what the accuracy was measured on, and how the network was trained."""

    def test_the_figure_the_page_shows(self):
        path = os.path.join(self.tmp.name, "interrupted.json")
        network.Network([784, 12, 10], seed=1).save(path, metadata={
            "dataset": "mnist", "training_images": 1000, "epochs_requested": 5,
            "epochs_run": 1, "interrupted": True, "images_into_unfinished_epoch": 300,
            "evaluated_on": "validation", "evaluation_images": 100,
            "correct_per_epoch": [47], "best_accuracy": 0.47})
        port = self.own_server(path, self.root)
        status, _headers, raw = self.request("GET", "/api/model", port=port)
        body = json.loads(raw)
        self.assertEqual(status, 200)
        self.assertEqual(body["accuracy"], {"correct": 47, "images": 100, "set": "validation",
                                            "of": None, "when": "after epoch 0, before the "
                                                                "interrupted epoch 1"})
        self.assertEqual(body["accuracy_text"], "47.00% right on the 100 validation images, "
                                                "after epoch 0, before the interrupted epoch 1")
        self.assertEqual(body["training_text"], "1 of 5 epochs on 1000 MNIST training images, "
                                                "interrupted 300 images into epoch 1")


class NoSamplesTest(OtherServerCase):
    """Without MNIST's test files the page can say why its sample button is off."""

    def test_the_reason_is_in_the_api(self):
        empty = os.path.join(self.tmp.name, "empty")
        os.makedirs(empty, exist_ok=True)
        port = self.own_server(self.model, empty)
        _status, _headers, raw = self.request("GET", "/api/model", port=port)
        body = json.loads(raw)
        self.assertFalse(body["samples"])
        why = body["samples_missing"]
        self.assertIn("MNIST data not found in %s" % os.path.join(empty, "mnist"), why)
        self.assertIn("run `python -m pureml download`, or start the server with --data DIR "
                      "(or PUREML_DATA)", why)
        status, _headers, raw = self.request("GET", "/api/sample", port=port)
        self.assertEqual((status, json.loads(raw)["error"]), (404, why))


class LayeredModelTest(ServerCase):
    """A layered network's params file is served too."""

    model_kind = "layered"

    def test_predict_and_weights(self):
        status, body = self.json_request("POST", "/api/predict", drawing())
        self.assertEqual(status, 200)
        self.assertAlmostEqual(sum(body["activations"]), 1.0)
        self.assertEqual([len(h) for h in body["hidden"]], [12])
        status, body = self.json_request("GET", "/api/weights?layer=0")
        self.assertEqual((body["units"], len(body["maps"][0])), (12, 784))
        status, body = self.json_request("GET", "/api/model")
        self.assertEqual(body["kind"], "TwoLayerNet")


class BadRequestTest(ServerCase):
    def test_unknown_path(self):
        self.assertRefused(404, 404, "no such page", "GET", "/nowhere")

    def test_no_file_system(self):
        for path in ("/../../etc/passwd", "/pureml/page.html", "/%2e%2e/setup.py"):
            with self.subTest(path=path):
                self.assertRefused(404, 404, "no such page", "GET", path)

    def test_wrong_methods(self):
        self.assertRefused(405, 405, "use POST", "GET", "/api/predict")
        self.assertRefused(405, 405, "use GET", "POST", "/api/model", {})
        status, headers, _ = self.request("DELETE", "/api/predict")
        self.assertEqual((status, headers.get("Allow")), (405, "POST"))

    def test_too_large_a_body_is_refused_before_it_is_read(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            sock.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/json\r\nContent-Length: 5000000\r\n\r\n")
            reply = _read_until_closed(sock).decode()    # no body was sent at all
        finally:
            sock.close()
        self.assertTrue(reply.startswith("HTTP/1.1 413"), reply)
        self.assertIn('"error"', reply)

    def test_malformed_json(self):
        self.assertRefused(400, 400, "not valid JSON", data=b"{width: 3")

    def test_wrong_shapes_and_values(self):
        cases = [({"width": 2, "height": 2}, "expected a JSON object"),
                 ({"width": 2, "height": 2, "ink": [0, 1, 1]}, "width * height = 4"),
                 ({"width": 0, "height": 2, "ink": []}, "width must be"),
                 ({"width": True, "height": 2, "ink": [0, 0]}, "width must be"),
                 ({"width": 2, "height": 2, "ink": [0, 1, 2, 0]}, "ink[2] must be a number"),
                 ({"width": 2, "height": 2, "ink": [0, "1", 0, 0]}, "ink[1]"),
                 ({"width": 10 ** 5, "height": 10 ** 5, "ink": []}, "larger than"),
                 ({"width": 2, "height": 2, "ink": [0, 0, 0, 0]}, "blank")]
        for data, fragment in cases:
            with self.subTest(data=str(data)[:60]):
                self.assertRefused(400, 400, fragment, data=data)

    def test_nan_is_refused(self):
        self.assertRefused(400, 400, "NaN", data=b'{"width": 1, "height": 1, "ink": [NaN]}')

    def test_undecodable_and_huge_images(self):
        self.assertRefused(400, 400, "truncated", data=b"\x89PNG\r\n\x1a\nbroken",
                           content_type="image/png")
        huge = b"P5 100000 100000 255\n" + bytes(10)
        self.assertRefused(400, 400, "pixels", data=huge,
                           content_type="image/x-portable-graymap")

    def test_unsupported_content_type(self):
        self.assertRefused(415, 415, "Content-Type", data=b"hello", content_type="text/plain")

    def test_bad_query_parameters(self):
        self.assertRefused(400, 400, "index must be a whole number", "GET",
                           "/api/sample?index=abc")
        self.assertRefused(400, 400, "index must be from 0 to 11", "GET",
                           "/api/sample?index=99")
        self.assertRefused(400, 400, "set must be 'test'", "GET", "/api/sample?set=train")
        self.assertRefused(404, 404, "only layer 0", "GET", "/api/weights?layer=1")

    def test_a_garbled_request_line(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            sock.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
            reply = _read_until_closed(sock).decode("latin-1")
        finally:
            sock.close()
        self.assertRegex(reply, r"^HTTP/1\.[01] 4\d\d")

    def test_a_half_finished_request_does_not_hang_the_server(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/json\r\nContent-Length: 100\r\n\r\n{")
            status, body = self.json_request("POST", "/api/predict", drawing())
            self.assertEqual(status, 200, "answered while the other waits")
            sock.sendall(b"x" * 99)                 # and the waiting one is answered too
            reply = read_response(sock)
        self.assertTrue(reply.startswith(b"HTTP/1.1 400 "), reply[:200])
        self.assertIn(b"not valid JSON", reply)


class ConcurrencyTest(ServerCase):
    def test_two_hundred_requests_from_twenty_threads(self):
        expected = self.json_request("POST", "/api/predict", drawing())[1]
        results, errors = [], []

        def client():
            for _ in range(10):
                try:
                    results.append(self.json_request("POST", "/api/predict", drawing()))
                except Exception as exc:        # collected, then reported below
                    errors.append(exc)
        threads = [threading.Thread(target=client) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 200)
        self.assertTrue(all(status == 200 and body == expected for status, body in results))


class UnreadBodyTest(ServerCase):
    """A body the server did not read is never taken for the next request."""

    def test_a_refused_body_is_never_read_as_the_next_request(self):
        length = b"Content-Length: %d\r\n" % len(SMUGGLED)
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(SMUGGLED), SMUGGLED)
        cases = [(b"POST /nowhere", length, SMUGGLED, 404),
                 (b"POST /api/model", length, SMUGGLED, 405),
                 (b"POST /api/predict", b"Transfer-Encoding: chunked\r\n", chunked, 411),
                 (b"POST /api/predict", b"Content-Length: abc\r\n", SMUGGLED, 400),
                 (b"PUT /api/predict", length, SMUGGLED, 405),
                 (b"DELETE /api/predict", length, SMUGGLED, 405),
                 (b"PATCH /api/predict", length, SMUGGLED, 405),
                 (b"OPTIONS /api/predict", length, SMUGGLED, 405),
                 (b"GET /api/weights", length, SMUGGLED, 200)]   # a GET's body is not read
        for line, headers, body, expected in cases:
            with self.subTest(request=line, headers=headers):
                reply = exchange(self.port, line + b" HTTP/1.1\r\nHost: x\r\n" + headers +
                                 b"Content-Type: application/json\r\n\r\n" + body)
                self.assertEqual(statuses(reply), [expected], reply[:300])
                self.assertIn(b"\r\nConnection: close\r\n", reply)
                self.assertNotIn(b'"kind"', reply)          # /api/model was not answered

    def test_a_chunked_body_gets_411(self):
        data = json.dumps(drawing()).encode()
        reply = exchange(self.port, b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n"
                         b"0\r\n\r\n" % (len(data), data))
        self.assertEqual(statuses(reply), [411])
        self.assertIn("not Transfer-Encoding: chunked", json_error(reply))

    def test_keep_alive_goes_on_after_a_body_that_was_read(self):
        data = json.dumps(drawing()).encode()
        reply = exchange(self.port, b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data)
                         + b"GET /api/model HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses(reply), [200, 200])
        self.assertIn(b'"kind"', reply)


class HeaderNumberTest(ServerCase):
    """Content-Length and query numbers: ASCII digits only, one length, always a clean 400."""

    def post(self, lengths, body=b"{}"):
        headers = b"".join(b"Content-Length: %s\r\n" % value for value in lengths)
        return exchange(self.port, b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: "
                        b"application/json\r\n" + headers + b"\r\n" + body)

    def test_content_lengths_that_are_not_ascii_digits(self):
        for value in ("\u00b2", "-1", "+2", "0x2", "2.0", "\uff12", "1 2", ""):
            with self.subTest(value=value):
                reply = self.post([value.encode("utf-8")])
                self.assertEqual(statuses(reply), [400], reply[:300])
                error = json_error(reply)
                self.assertIn("Content-Length must be a number of bytes in the digits 0-9", error)
                self.assertNotIn("could not answer", error)

    def test_content_lengths_that_disagree(self):
        body = json.dumps(drawing()).encode()
        reply = self.post([b"%d" % len(body), b"0"], body)
        self.assertEqual(statuses(reply), [400])
        self.assertIn("Content-Length headers disagree", json_error(reply))
        reply = self.post([b"%d" % len(body), b"%d" % len(body)], body + b"GET / HTTP/1.1\r\n"
                          b"Host: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses(reply), [200, 200], "two equal lengths are one")

    def test_lengths_of_many_digits(self):
        for digits in (30, 5000):          # int() refuses over 4300 digits on CPython 3.11+
            reply = self.post([b"9" * digits])
            self.assertEqual(statuses(reply), [413])
            self.assertIn("at most %d are read" % server.MAX_BODY, json_error(reply))
        reply = self.post([b"0" * 5000 + b"2"], b"{}GET / HTTP/1.1\r\nHost: x\r\n"
                                                b"Connection: close\r\n\r\n")
        self.assertEqual(statuses(reply), [400, 200], "a body of 2 bytes, then a request")
        self.assertIn(b"expected a JSON object", reply)

    def test_query_numbers(self):
        for query in ("index=%C2%B2", "index=%EF%BC%93", "index=--1", "index=1e3",
                      "index=0x1", "index=", "index=%2B1", "index=1234567890123"):
            with self.subTest(query=query):
                self.assertRefused(400, 400, "index must be a whole number", "GET",
                                   "/api/sample?" + query)
        self.assertRefused(400, 400, "layer must be a whole number", "GET",
                           "/api/weights?layer=--1")
        self.assertRefused(400, 400, "index must be from 0 to 11, not -1", "GET",
                           "/api/sample?index=-1")


class ExpectContinueTest(ServerCase):
    """"Expect: 100-continue" gets its 100 only once the method, path and length pass."""

    def test_refused_before_the_100(self):
        cases = [(b"POST /api/predict", b"Content-Length: 5000000\r\n", 413),
                 (b"POST /nowhere", b"Content-Length: 10\r\n", 404),
                 (b"POST /api/model", b"Content-Length: 10\r\n", 405),
                 (b"POST /api/predict", b"Transfer-Encoding: chunked\r\n", 411),
                 (b"POST /api/predict", b"Content-Length: \xb2\r\n", 400)]
        for line, headers, expected in cases:
            with self.subTest(request=line, headers=headers):
                reply = exchange(self.port, line + b" HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                 b"image/png\r\nExpect: 100-continue\r\n" + headers + b"\r\n")
                self.assertEqual(statuses(reply), [expected], reply[:300])
                self.assertIn(b'{"error":', reply)

    def test_a_good_request_gets_100_then_its_answer(self):
        data = json.dumps(drawing()).encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
                         b"json\r\nExpect: 100-continue\r\nConnection: close\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(data))
            interim = b""
            while not interim.endswith(b"\r\n\r\n"):
                interim += sock.recv(1)
            self.assertEqual(interim, b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.sendall(data)
            reply = _read_until_closed(sock)
        self.assertEqual(statuses(reply), [200])
        self.assertIn(b'"digit"', reply)


class MethodTest(ServerCase):
    def test_head(self):
        status, headers, body = self.request("HEAD", "/api/model")
        self.assertEqual((status, body), (200, b""))
        self.assertGreater(int(headers["Content-Length"]), 0)
        status, headers, body = self.request("HEAD", "/api/predict")
        self.assertEqual((status, headers.get("Allow"), body), (405, "POST", b""))
        self.assertEqual(headers["Content-Type"], "application/json")

    def test_options(self):
        status, headers, body = self.request("OPTIONS", "/api/model")
        self.assertEqual((status, headers.get("Allow")), (405, "GET, HEAD"))
        self.assertEqual(json.loads(body)["error"],
                         "OPTIONS is not allowed on /api/model; use GET")
        reply = exchange(self.port, b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses(reply), [404])
        self.assertEqual(json_error(reply), "no such page: *")

    def test_an_unknown_method_and_http_0_9(self):
        status, headers, body = self.request("BREW", "/api/predict")
        self.assertEqual((status, headers.get("Allow")), (405, "POST"))
        reply = exchange(self.port, b"GET /api/model\r\n\r\n")
        self.assertEqual(statuses(reply), [400])
        self.assertIn("HTTP/0.9", json_error(reply))


class SlowClientTest(ServerCase):
    """Each request must arrive whole within the server's request_timeout."""

    def trickle(self, head, data):
        """Send ``head``, then ``data`` a byte at a time until the server answers; return
        (bytes of ``data`` sent, the reply)."""
        port = self.serve(request_timeout=0.3).server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head)
            sent = 0
            for byte in data:
                if select.select([sock], [], [], 0.05)[0]:
                    break                       # the server has answered or closed
                sock.sendall(bytes([byte]))
                sent += 1
            return sent, _read_until_closed(sock)

    def test_a_trickling_request_line_is_cut_at_its_deadline(self):
        line = b"GET /api/model?" + b"x" * 400 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        sent, reply = self.trickle(b"", line)    # all of it would take 20 s
        self.assertLess(sent, len(line))
        self.assertEqual(statuses(reply), [408], reply[:300])
        self.assertIn("did not arrive in whole within 0.3 seconds", json_error(reply))

    def test_a_trickling_body_is_cut_at_its_deadline(self):
        body = b" " * 400
        sent, reply = self.trickle(b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                   b"application/json\r\nContent-Length: 400\r\n\r\n", body)
        self.assertLess(sent, len(body))
        self.assertEqual(statuses(reply), [408], reply[:300])
        self.assertIn("the body did not arrive within 0.3 seconds", json_error(reply))

    def test_an_idle_connection_is_closed_without_an_answer(self):
        port = self.serve(request_timeout=0.3).server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            self.assertEqual(sock.recv(100), b"")       # closed: no 408 to a silent client
            status, _ = self.json_request("GET", "/api/model")   # and the others go on
        self.assertEqual(status, 200)


class ConnectionLimitTest(ServerCase):
    def test_connections_over_the_limit_get_503_at_once(self):
        httpd = self.serve(max_connections=2, request_timeout=30)
        port = httpd.server_address[1]
        first = socket.create_connection(("127.0.0.1", port), timeout=10)
        second = socket.create_connection(("127.0.0.1", port), timeout=10)
        try:        # the server accepts in order: these two hold its two slots
            reply = exchange(port, b"GET /api/model HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(statuses(reply), [503], reply[:300])
            self.assertIn("busy: it serves 2 connections at once", json_error(reply))
            self.assertIn(b"\r\nRetry-After: 1\r\n", reply)
            second.sendall(b"GET /api/model HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            self.assertEqual(statuses(_read_until_closed(second)), [200])
        finally:
            first.close()
            second.close()
        for _ in range(200):            # the slots come back as their threads end
            got = statuses(exchange(port, b"GET /api/model HTTP/1.1\r\nHost: x\r\n"
                                          b"Connection: close\r\n\r\n"))
            if got == [200]:
                break
            self.assertEqual(got, [503])
            time.sleep(0.02)
        self.assertEqual(got, [200])

    def test_the_default_limit_leaves_room_under_the_file_limit(self):
        limit = httpd.default_max_connections()
        self.assertTrue(1 <= limit <= httpd.MAX_CONNECTIONS, limit)
        if httpd.resource is not None:
            soft = httpd.resource.getrlimit(httpd.resource.RLIMIT_NOFILE)[0]
            if soft != httpd.resource.RLIM_INFINITY:
                self.assertLessEqual(limit, max(1, soft // 2))


def big_png(width, height):
    """Return a small PNG file of a white ``width`` x ``height`` image."""
    rows = (b"\x00" + b"\xff" * width) * height
    return (SIGNATURE + chunk("IHDR", ihdr(width, height, 0, 8)) +
            chunk("IDAT", zlib.compress(rows, 9)) + chunk("IEND", b""))


class UploadSizeTest(ServerCase):
    def test_uploads_over_the_server_limit_are_refused_before_decoding(self):
        limit = "limit of %d" % server.UPLOAD_PIXELS
        png = big_png(1001, 1000)
        self.assertLess(len(png), 5000)
        self.assertRefused(400, 400, limit, data=png, content_type="image/png")
        self.assertRefused(400, 400, limit, data=b"P5 1001 1000 255\n" + bytes(10),
                           content_type="image/x-portable-graymap")
        self.assertRefused(400, 400, "larger than the %d allowed" % server.UPLOAD_PIXELS,
                           data={"width": 1001, "height": 1000, "ink": []})

    def test_the_decoders_keep_their_own_limit(self):
        with self.assertRaises(ImageError) as caught:       # 1001 x 1000 may be decoded...
            images.decode_gray(b"P5 1001 1000 255\n" + bytes(10))
        self.assertIn("data", str(caught.exception))
        self.assertNotIn("limit", str(caught.exception))    # ... and was only cut short
        with self.assertRaisesRegex(ImageError, "limit of 25000000"):
            images.decode_gray(b"P5 5001 5000 255\n" + bytes(10))

    def test_uploads_wait_for_a_decoding_slot(self):
        app = self.httpd.app
        for _ in range(server.DECODE_SLOTS):
            app.decode_slots.acquire()
        app.decode_wait = 0.05
        try:
            self.assertRefused(503, 503, "busy reading %d other uploads" % server.DECODE_SLOTS,
                               data=drawing())
        finally:
            app.decode_wait = server.DECODE_WAIT
            for _ in range(server.DECODE_SLOTS):
                app.decode_slots.release()
        status, _ = self.json_request("POST", "/api/predict", drawing())
        self.assertEqual(status, 200)


class BugTest(ServerCase):
    def test_an_unexpected_exception_is_answered_in_json_and_the_server_goes_on(self):
        httpd = self.serve()
        port = httpd.server_address[1]

        def broken():
            raise RuntimeError("a bug")
        httpd.app.describe = broken
        status, headers, body = self.request("GET", "/api/model", port=port)
        self.assertEqual((status, headers["Content-Type"], headers.get("Connection")),
                         (400, "application/json", "close"))
        self.assertEqual(json.loads(body), {"error": "could not answer: RuntimeError: a bug"})
        status, _, body = self.request("GET", "/api/weights?layer=0", port=port)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["units"], 12)


class ModelShapeTest(ServerCase):
    def test_a_network_without_ten_outputs_is_refused_at_start(self):
        path = os.path.join(self.tmp.name, "five.json")
        network.Network([784, 12, 5], seed=1).save(path)
        with self.assertRaisesRegex(server.ArgumentError, "the network has 5 outputs; the page "
                                                          "reads 10, one for each digit"):
            server.make_server(models.load(path), "127.0.0.1", 0)

    def test_a_network_that_does_not_take_784_inputs_is_refused_at_start(self):
        path = os.path.join(self.tmp.name, "small.json")
        network.Network([10, 5, 10], seed=1).save(path)
        with self.assertRaisesRegex(server.ArgumentError, "the network has 10 inputs"):
            server.make_server(models.load(path), "127.0.0.1", 0)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = cli.main(["serve", path, "--port", "0"])
        self.assertEqual(status, 1)
        self.assertEqual(err.getvalue(), "pureml: %s: the network has 10 inputs; a 28x28 image "
                                         "has 784 pixels\n" % path)


def _ipv6_loopback():
    """Whether this machine can listen on ::1."""
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


class HostTest(ServerCase):
    @unittest.skipUnless(_ipv6_loopback(), "no IPv6 loopback here")
    def test_ipv6(self):
        httpd = server.make_server(models.load(self.model), "::1", 0, data_root=self.root)
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            conn = http.client.HTTPConnection("::1", httpd.server_address[1], timeout=15)
            conn.request("GET", "/api/model")
            response = conn.getresponse()
            self.assertEqual((response.status, json.loads(response.read())["inputs"]),
                             (200, 784))
            conn.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join()

    def test_every_interface_is_recognised(self):
        for host in ("0.0.0.0", "::", "", "0:0::0"):
            self.assertTrue(serve.every_interface(host), host)
        for host in ("127.0.0.1", "::1", "192.168.1.2", "localhost"):
            self.assertFalse(serve.every_interface(host), host)
        self.assertEqual([serve.url_host(h) for h in ("0.0.0.0", "::", "::1", "127.0.0.1")],
                         ["127.0.0.1", "[::1]", "[::1]", "127.0.0.1"])

    def test_serve_warns_when_it_listens_on_every_interface(self):
        class Listening:            # what make_server returns, without listening anywhere
            def __init__(self, host):
                self.server_address = (host, 8123)

            def serve_forever(self, poll_interval):
                raise KeyboardInterrupt

            def server_close(self):
                pass
        for host, url, warned in (("0.0.0.0", "http://127.0.0.1:8123/", True),
                                  ("::", "http://[::1]:8123/", True),
                                  ("::1", "http://[::1]:8123/", False)):
            with self.subTest(host=host):
                out, err = io.StringIO(), io.StringIO()
                with mock.patch.object(server, "make_server",
                                       lambda model, host, *args, **kwargs: Listening(host)), \
                        contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    status = cli.main(["serve", self.model, "--host", host])
                self.assertEqual(status, 0)
                self.assertIn(" at %s  (Ctrl-C stops)" % url, out.getvalue())
                self.assertEqual("pureml: warning: listening on every network interface (%s)"
                                 % host in err.getvalue(), warned, err.getvalue())


@unittest.skipUnless(os.name == "posix", "Ctrl-C is sent as SIGINT, a POSIX signal")
class CommandTest(ServerCase):
    """``python -m pureml serve`` as a subprocess: it answers, logs nothing, Ctrl-C stops it."""

    def run_serve(self, host, connect_to):
        with running("serve", self.model, "--host", host, "--port", "0", "--data", self.root,
                     timeout=60) as proc:
            line = proc.stdout.readline()
            found = re.search(r" at http://(\S+):(\d+)/  \(Ctrl-C stops\)$", line)
            self.assertIsNotNone(found, line)
            self.assertEqual(found.group(1), connect_to.join("[]") if ":" in connect_to
                             else connect_to)
            conn = http.client.HTTPConnection(connect_to, int(found.group(2)), timeout=15)
            for path, expected in (("/api/model", 200), ("/nowhere", 404)):
                conn.request("GET", path)
                response = conn.getresponse()
                self.assertEqual(response.status, expected)
                response.read()
            conn.close()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate()
        self.assertEqual(proc.returncode, 0, err)   # Ctrl-C is how it stops: not an error
        self.assertEqual(err, "Stopped.\n")         # nothing logged per request
        self.assertEqual(out, "")

    def test_serve_answers_and_stops_on_ctrl_c(self):
        self.run_serve("127.0.0.1", "127.0.0.1")

    @unittest.skipUnless(_ipv6_loopback(), "no IPv6 loopback here")
    def test_serve_on_ipv6(self):
        self.run_serve("[::1]", "::1")


@requires_real_data
@unittest.skipIf(browser_check.find_chromium() is None,
                 "no chromium here: apt-get install -y chromium (.ci/run does)")
class BrowserTest(unittest.TestCase):
    """tools/browser_check: real headless Chromium draws a 1 and reads the answer."""

    def test_the_drawn_one_is_recognised(self):
        with tempfile.TemporaryDirectory() as folder:
            model = os.path.join(folder, "net.json")
            browser_check.train_model(model, real_data_root(), images=3000, measured=1000)
            passed, line = browser_check.check(model, browser_check.find_chromium(),
                                               data_root=real_data_root())
        self.assertTrue(passed, line)


if __name__ == "__main__":
    unittest.main()
