"""Tests for pureml.cli.models: every kind of saved network behind one face, and damaged files."""

import copy
import json
import math
import os
import random
import tempfile
import unittest

from pureml import convnet, layernet, network
from pureml.cli import models
from pureml.errors import ModelFileError
from tests.cli_support import main_in_process


class ModelsTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name
        self.x = [0.0] * 300 + [0.8] * 100 + [0.0] * 384

    def path(self, name):
        return os.path.join(self.folder, name)

    def test_nielsens_network(self):
        net = network.Network([784, 7, 10], seed=1)
        net.save(self.path("n.json"), metadata={"epochs_run": 3})
        model = models.load(self.path("n.json"))
        self.assertEqual((model.kind, model.n_inputs, model.n_outputs), ("Network", 784, 10))
        self.assertEqual(model.metadata, {"epochs_run": 3})
        self.assertEqual(model.outputs([self.x]), [net.feedforward(self.x)])
        output, hidden = model.trace(self.x)
        self.assertEqual(output, net.feedforward(self.x))
        self.assertEqual([len(h) for h in hidden], [7])
        self.assertEqual(model.input_maps(), net.weights[0])
        self.assertIn("[784, 7, 10]", model.describe())

    def test_a_layered_network(self):
        net = layernet.MultiLayerNet(784, [9, 6], 10, seed=2)
        net.save_params(self.path("m.json"))
        model = models.load(self.path("m.json"))
        self.assertEqual(model.kind, "MultiLayerNet")
        output, hidden = model.trace(self.x)
        self.assertAlmostEqual(math.fsum(output), 1.0)
        self.assertEqual(output, model.outputs([self.x])[0])
        self.assertEqual([len(h) for h in hidden], [9, 6])
        self.assertEqual([len(m) for m in model.input_maps()], [784] * 9)
        self.assertEqual(model.input_maps()[2], [row[2] for row in net.params["W1"]])

    def test_a_conv_net(self):
        net = convnet.SimpleConvNet(conv_param={"filter_num": 3, "filter_size": 5},
                                    hidden_size=8, seed=3)
        net.save_params(self.path("c.json"))
        model = models.load(self.path("c.json"))
        self.assertEqual((model.kind, model.n_inputs), ("SimpleConvNet", 784))
        output, hidden = model.trace(self.x)
        self.assertEqual([len(h) for h in hidden], [8], "feature maps are left out")
        self.assertEqual([len(m) for m in model.input_maps()], [25] * 3)
        self.assertIn("3 filters of 5x5", model.describe())

    def test_neither_kind(self):
        with open(self.path("x.json"), "w") as f:
            json.dump({"hello": 1}, f)
        with self.assertRaisesRegex(ModelFileError, "not a pureml model"):
            models.load(self.path("x.json"))

    def test_a_damaged_file_names_itself(self):
        with open(self.path("d.json"), "w") as f:
            f.write('{"sizes": [784, 5')
        with self.assertRaises(ModelFileError) as caught:
            models.load(self.path("d.json"))
        self.assertIn(self.path("d.json"), str(caught.exception))


# ---------------------------------------------------------------------------
# A small, repeatable fuzzer: damaged copies of every kind of file pureml saves.

#: What a damaged entry may become: other types, huge and tiny numbers, odd lists.
VALUES = [None, True, 0, -1, 2, 1.5, 1e308, -1e308, 5e-324, 10 ** 9, 2 ** 63, "x", "relu",
          "QuadraticCost", "TwoLayerNet", [], {}, [1], [[1]], [[[[1]]]], {"a": 1}, [None],
          [1.0, -2.0, 3.0], [[1, 2], [3]], {"running_mean": [0.0], "running_var": [-1.0]}]

#: JSON text put in by hand: numbers past a float's range, deep nesting, a long string.
RAW = ["1" + "0" * 400, "-1e400", "1" + "0" * 1200, "[" * 500 + "1" + "]" * 500,
       '"' + "a" * 5000 + '"']


def saved_files(folder):
    """Save a tiny network of each kind in ``folder``; return {kind: (path, the file's text)}."""
    x = [[0.25, 0.5, 0.0, 1.0], [0.5, 0.0, 0.75, 0.25]]
    batch_norm = layernet.MultiLayerNet(4, [3, 3], 2, use_batchnorm=True, use_dropout=True,
                                        seed=1)
    batch_norm.gradient(x, [0, 1])          # gives it running averages
    savers = {
        "Network": lambda path: network.Network([4, 3, 2], seed=1).save(
            path, metadata={"epochs_run": 2, "dataset": "mnist"}),
        "TwoLayerNet": lambda path: layernet.TwoLayerNet(4, 3, 2, seed=1).save_params(path),
        "MultiLayerNet": lambda path: batch_norm.save_params(path, metadata={"epochs_run": 1}),
        "SimpleConvNet": lambda path: convnet.SimpleConvNet(
            (1, 6, 6), {"filter_num": 2, "filter_size": 3}, hidden_size=3, output_size=2,
            seed=1).save_params(path)}
    texts = {}
    for kind, save in savers.items():
        path = os.path.join(folder, kind + ".json")
        save(path)
        with open(path) as f:
            texts[kind] = path, f.read()
    return texts


def _places(value, place=()):
    """Yield the place (a tuple of keys) of each entry: every key, the ends of every list."""
    yield place
    if isinstance(value, dict):
        for key, entry in value.items():
            yield from _places(entry, place + (key,))
    elif isinstance(value, list):
        for i in sorted({0, 1, len(value) - 1} & set(range(len(value)))):
            yield from _places(value[i], place + (i,))


def _damage(rng, data, place, places):
    """Damage the entry of ``data`` at ``place`` in one of several ways, in place."""
    parent = data
    for key in place[:-1]:
        parent = parent[key]
    key, entry, how = place[-1], parent[place[-1]], rng.random()
    if how < 0.35:
        parent[key] = copy.deepcopy(rng.choice(VALUES))
    elif how < 0.45:
        parent[key] = "@RAW%d@" % rng.randrange(len(RAW))
    elif how < 0.55:
        del parent[key]
    elif how < 0.65 and isinstance(entry, list) and entry:
        parent[key] = (entry * 3)[:rng.choice((0, 1, len(entry) - 1, len(entry) + 1))]
    elif how < 0.75:
        parent[key] = [[entry]] if rng.random() < 0.5 else [entry]
    elif how < 0.85 and isinstance(entry, (int, float)) and not isinstance(entry, bool):
        parent[key] = rng.choice((0, -1, -entry, entry * 1e300, 10 ** 9, entry + 1))
    else:
        other = data
        for step in rng.choice(places):
            other = other[step]
        parent[key] = copy.deepcopy(other)


def damaged(rng, text):
    """Return a damaged copy of a saved file's ``text``: cut, a character changed, or entries."""
    how = rng.random()
    if how < 0.08:
        return text[:rng.randrange(len(text))]
    if how < 0.14:
        i = rng.randrange(len(text))
        return text[:i] + rng.choice('[]{},:"0-e.9x') + text[i + 1:]
    data = json.loads(text)
    places = [place for place in _places(data) if place]
    for _ in range(rng.choice((1, 1, 2, 3))):
        try:
            _damage(rng, data, rng.choice(places), places)
        except (KeyError, IndexError, TypeError):
            pass                # an earlier change moved the place
    text = json.dumps(data)
    for i, raw in enumerate(RAW):
        text = text.replace('"@RAW%d@"' % i, raw)
    return text


class DamagedFilesTest(unittest.TestCase):
    """Hundreds of damaged files: each is a working model or one ModelFileError naming it."""

    MUTATIONS = 300
    SEED = 20261124

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name
        self.image = os.path.join(self.folder, "digit.pgm")
        with open(self.image, "wb") as f:
            f.write(b"P5 28 28 255\n" + bytes(255 * (10 < i % 28 < 18) for i in range(784)))

    def test_every_failure_is_one_model_file_error(self):
        rng = random.Random(self.SEED)
        files = saved_files(self.folder)
        path = os.path.join(self.folder, "damaged.json")
        refused = loaded = 0
        for i in range(self.MUTATIONS):
            kind = rng.choice(sorted(files))
            original, text = files[kind]
            text = damaged(rng, text)
            with open(path, "w") as f:
                f.write(text)
            with self.subTest(i=i, kind=kind, text=text[:200]):
                try:
                    model = models.load(path)
                except ModelFileError as exc:
                    refused += 1
                    self.assertNamesTheFile(exc, path)
                else:
                    loaded += 1
                    self.assertWorks(model)
                if kind != "Network":
                    # load_params checks the file against a network of its own.
                    net = models.load(original).net
                    try:
                        net.load_params(path)
                    except ModelFileError as exc:
                        self.assertNamesTheFile(exc, path)
                    else:
                        self.assertWorks(models.Model(net, {}))
                if i % 20 == 0:
                    self.assertOneErrorLine(path)
        self.assertGreater(refused, self.MUTATIONS // 2)
        self.assertGreater(loaded, 10)

    def assertNamesTheFile(self, exc, path):
        """Fail unless the error's message is one line, starting with the file's name."""
        self.assertTrue(str(exc).startswith(path + ": "), str(exc))
        self.assertNotIn("\n", str(exc))

    def assertWorks(self, model):
        """Fail unless every operation the commands use works on ``model``."""
        model.describe()
        x = [0.5] * model.n_inputs
        output, _ = model.trace(x)
        self.assertEqual(len(model.outputs([x])[0]), model.n_outputs)
        self.assertEqual(len(output), model.n_outputs)
        self.assertTrue(model.input_maps())

    def assertOneErrorLine(self, path):
        """Fail unless predict and evaluate of the file print one "pureml:" line and exit 1."""
        for argv in (("predict", path, self.image), ("evaluate", path)):
            status, _, err = main_in_process(*argv)
            self.assertEqual(status, 1, err)
            self.assertEqual(len(err.splitlines()), 1, err)
            self.assertTrue(err.startswith("pureml: " + path), err)


if __name__ == "__main__":
    unittest.main()
