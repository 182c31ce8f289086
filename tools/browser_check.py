"""Check the serve page in a real browser: headless Chromium draws a 1 and must read the answer.

    python -m tools.browser_check                    # trains a small network first
    python -m tools.browser_check --model net.json --screenshot page.png

It starts ``pureml serve``'s server on an ephemeral port of 127.0.0.1,
runs Debian's ``chromium`` headless on ``/?selftest=1`` (the page then
draws the strokes of a 1 through the same pointer-event code a hand
triggers, and writes the network's answer into ``<output id="selftest">``),
reads the resulting DOM (``--dump-dom``) and takes a screenshot.  It exits
0 when the drawn 1 was read as a 1 and the page shows the prediction, 1
otherwise, 2 when there is no chromium (``apt-get install -y chromium``).

Without --model it trains [784, 30, 10] (cross-entropy, N(0, 1/n) weights,
eta 0.5) for one epoch on 10,000 MNIST images, which reads a clearly drawn
1 reliably; without MNIST it says so and exits 2.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

from pureml import mnist, network
from pureml.cli import models
from pureml.web import server

#: Chromium's flags for a sandbox without a screen or a network (see the README).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def find_chromium():
    """Return the path of a Chromium executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def train_model(path, data_root=None, images=10000, measured=10000):
    """Train and save the small network the check draws for; return its test accuracy.

    It trains one epoch on the first ``images`` training images and is
    measured on the first ``measured`` test images.  (The unittest uses
    3,000 and 1,000: about 83%, which reads a drawn 1 on every seed tried,
    in a third of the time.)
    """
    training, _validation, test = mnist.load_data_wrapper(data_root)
    net = network.Network([784, 30, 10], cost=network.CrossEntropyCost,
                          weight_initializer="default", seed=3)
    net.SGD(training[:images], 1, 10, 0.5, verbose=False)
    net.save(path)
    return net.evaluate(test[:measured]) / len(test[:measured])


def run_browser(chromium, url, profile, extra, timeout=90):
    """Run headless chromium on ``url`` with ``extra`` flags; return its stdout."""
    command = [chromium] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile,
                                             "--virtual-time-budget=10000"] + extra + [url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    return result.stdout


def check(model, chromium, screenshot=None, data_root=None):
    """Serve ``model``, let chromium draw; return (passed, a line saying what happened)."""
    httpd = server.make_server(models.load(model), "127.0.0.1", 0, data_root=data_root)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    url = "http://127.0.0.1:%d/?selftest=1" % httpd.server_address[1]
    try:
        with tempfile.TemporaryDirectory() as profile:
            dom = run_browser(chromium, url, profile, ["--dump-dom"])
        if screenshot:
            with tempfile.TemporaryDirectory() as profile:
                run_browser(chromium, url, profile,
                            ["--window-size=1280,900", "--screenshot=" + screenshot])
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
    found = re.search(r'<output id="selftest"[^>]*data-status="(\w+)"[^>]*'
                      r'data-digit="(\d)"[^>]*>([^<]*)</output>', dom)
    answer = re.search(r'<div id="answer"[^>]*>(\d)</div>', dom)
    if not found:
        return False, "the page wrote no self-test result (%d bytes of DOM)" % len(dom)
    status, digit, text = found.groups()
    if status != "done" or digit != "1":
        return False, "the self-test says %r (status %s)" % (text, status)
    if not answer or answer.group(1) != digit:
        return False, "the page does not show the prediction %s" % digit
    return True, "chromium drew a 1 and the page shows the network's answer: %s" % text


def main(argv=None):
    """Run the check; return 0 if it passed, 1 if it failed, 2 if it could not run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a saved network (default: train one)")
    parser.add_argument("--data", help="data root holding mnist/")
    parser.add_argument("--screenshot", metavar="PNG", help="also save a screenshot here")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("browser_check: no chromium here (apt-get install -y chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        model = args.model
        if model is None:
            model = os.path.join(folder, "net.json")
            try:
                accuracy = train_model(model, args.data)
            except mnist.MissingDataError as exc:
                print("browser_check: %s" % str(exc).splitlines()[0], file=sys.stderr)
                return 2
            print("trained [784, 30, 10] on 10,000 images: test accuracy %.2f%%"
                  % (100 * accuracy))
        passed, line = check(model, chromium, args.screenshot, args.data)
    print(("PASS: " if passed else "FAIL: ") + line, flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
