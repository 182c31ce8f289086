"""Tests for pureml.models: every kind of saved network behind one face."""

import json
import math
import os
import tempfile
import unittest

from pureml import convnet, layernet, models, network
from pureml.errors import ModelFileError


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


if __name__ == "__main__":
    unittest.main()
