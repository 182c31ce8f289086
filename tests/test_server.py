"""Tests for pureml.server (``pureml serve``): every endpoint, every bad request, many at once.

The server runs in this process on an ephemeral port of 127.0.0.1, on
small networks saved by the tests; the sample endpoint reads a synthetic
MNIST test set the tests write.  The real-browser check runs when chromium
and the real MNIST files are both there, and is skipped otherwise.
"""

import http.client
import json
import os
import re
import socket
import tempfile
import threading
import time
import unittest

from pureml import idx, layernet, mnist, network, server
from tests.support import real_data_root, requires_real_data
from tests.test_png import encode_png
from tools import browser_check


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
    chunks = []
    for chunk in iter(lambda: sock.recv(4096), b""):
        chunks.append(chunk)
    return b"".join(chunks)


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
        cls.httpd = server.make_server(cls.model, "127.0.0.1", 0, data_root=cls.root)
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

    def request(self, method, path, body=None, headers=None):
        """Return (status, headers, body bytes) for one request."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
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
                      'id="maps"', 'id="seen"', 'name="viewport"', "aria-label"):
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
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            sock.sendall(b"POST /api/predict HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
            start = time.monotonic()
            status, body = self.json_request("POST", "/api/predict", drawing())
            self.assertEqual(status, 200)
            self.assertLess(time.monotonic() - start, 5, "answered while the other waits")
        finally:
            sock.close()


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


@requires_real_data
@unittest.skipIf(browser_check.find_chromium() is None,
                 "no chromium here: apt-get install -y chromium (.ci/run does)")
class BrowserTest(unittest.TestCase):
    """tools/browser_check: real headless Chromium draws a 1 and reads the answer."""

    def test_the_drawn_one_is_recognised(self):
        with tempfile.TemporaryDirectory() as folder:
            model = os.path.join(folder, "net.json")
            browser_check.train_model(model, real_data_root())
            passed, line = browser_check.check(model, browser_check.find_chromium(),
                                               data_root=real_data_root())
        self.assertTrue(passed, line)


if __name__ == "__main__":
    unittest.main()
