"""Tests for pureml.display.pictures: pureml's pictures, each an object that draws itself."""

import types
import unittest
import xml.etree.ElementTree as ET

from pureml.convnet import SimpleConvNet
from pureml.display import pictures
from pureml.errors import ArgumentError
from pureml.layernet import TwoLayerNet
from pureml.monitor import History
from pureml.network import Network

NS = "{http://www.w3.org/2000/svg}"


def parse(picture):
    return ET.fromstring(picture._repr_svg_().encode("utf-8"))


def cells(root):
    return [g for g in root.iter(NS + "g") if g.get("class") == "image"]


def texts(root, cls):
    return ["".join(t.itertext()) for t in root.iter(NS + "text")
            if cls in (t.get("class") or "").split()]


class DigitsTest(unittest.TestCase):

    def test_digits_keep_the_pixel_scale(self):
        faint = [0.0] * 783 + [0.5]
        root = parse(pictures.digits([faint, [1.0] * 784], captions=[3, 4]))
        self.assertEqual([(c.get("data-vmin"), c.get("data-vmax")) for c in cells(root)],
                         [("0.0", "1.0")] * 2)
        self.assertEqual(texts(root, "caption"), ["3", "4"])

    def test_bytes_keep_their_scale(self):
        root = parse(pictures.digits([[0] * 783 + [200]]))
        self.assertEqual(cells(root)[0].get("data-vmax"), "255.0")

    def test_unflattened_dlfs_images(self):
        image = [[[0.0] * 28 for _ in range(28)]]
        self.assertEqual(cells(parse(pictures.digits([image])))[0].get("data-shape"), "28 28")

    def test_one_image(self):
        root = parse(pictures.image([0.0] * 784, caption="7"))
        self.assertEqual((len(cells(root)), texts(root, "caption")), (1, ["7"]))


class WeightMapsTest(unittest.TestCase):

    def test_nielsen_rows(self):
        net = Network([16, 3, 2], seed=1)
        grid = pictures.weight_maps(net)
        self.assertEqual([c.get("data-shape") for c in cells(parse(grid))], ["4 4"] * 3)
        self.assertEqual(grid.images[1], [net.weights[0][1][k:k + 4] for k in (0, 4, 8, 12)])

    def test_nielsen_later_layer_is_a_strip(self):
        grid = pictures.weight_maps(Network([16, 3, 2], seed=1), layer=1)
        self.assertEqual([c.get("data-shape") for c in cells(parse(grid))], ["1 3"] * 2)

    def test_dlfs_columns(self):
        net = TwoLayerNet(9, 4, 2, seed=1)
        grid = pictures.weight_maps(net)
        self.assertEqual(len(grid.images), 4)
        w = net.params["W1"]
        self.assertEqual(grid.images[2], [[w[3 * r + c][2] for c in range(3)] for r in range(3)])

    def test_conv_filters(self):
        net = SimpleConvNet(input_dim=(1, 6, 6), hidden_size=4, seed=1,
                            conv_param={"filter_num": 3, "filter_size": 3, "pad": 0,
                                        "stride": 1})
        grid = pictures.weight_maps(net)
        self.assertEqual(grid.images, [f[0] for f in net.params["W1"]])     # filters[i, 0]

    def test_a_matrix(self):
        self.assertEqual(len(pictures.weight_maps([[1.0] * 4, [2.0] * 4]).images), 2)

    def test_no_such_layer(self):
        with self.assertRaisesRegex(ArgumentError, "layer must be 0 to 1"):
            pictures.weight_maps(Network([4, 3, 2], seed=1), layer=2)

    def test_no_such_dlfs_layer(self):
        with self.assertRaisesRegex(ArgumentError, "no W9"):
            pictures.weight_maps(TwoLayerNet(4, 3, 2, seed=1), layer=8)

    def test_not_a_network(self):
        with self.assertRaisesRegex(ArgumentError, "weight_maps takes a network"):
            pictures.weight_maps("net")


class ConfusionOutputsTest(unittest.TestCase):

    def test_confusion(self):
        root = parse(pictures.confusion([[5, 1], [2, 7]]))
        self.assertEqual(texts(root, "value"), ["5", "1", "2", "7"])
        self.assertEqual(texts(root, "axis-title"), ["Predicted", "True"])

    def test_confusion_not_rows(self):
        with self.assertRaisesRegex(ArgumentError, "confusion matrix"):
            pictures.confusion(None)

    def test_outputs_highlight_the_largest(self):
        root = parse(pictures.outputs([[0.1, 0.7, float("nan"), 0.2]]))
        bars = [r for r in root.iter(NS + "rect") if r.get("class") == "bar"]
        self.assertEqual([r.get("fill") for r in bars], [None, "#D55E00", None])
        self.assertEqual(texts(root, "x-tick"), ["0", "1", "2", "3"])

    def test_outputs_not_numbers(self):
        with self.assertRaisesRegex(ArgumentError, "outputs takes"):
            pictures.outputs([])


class CurvesTest(unittest.TestCase):

    def polyline(self, root, panel):
        g = [g for g in root.iter(NS + "g") if g.get("data-panel") == panel][0]
        return {p.get("data-series"): [float(v) for v in p.get("data-y").split()]
                for p in g.iter(NS + "polyline")}

    def test_history_as_counts(self):
        history = History([0.5, 0.4], [9000, 9500], [], [40, 45])
        root = parse(pictures.curves(history))
        self.assertEqual(self.polyline(root, "accuracy"),
                         {"evaluation": [9000.0, 9500.0], "training": [40.0, 45.0]})
        self.assertEqual(self.polyline(root, "cost"), {"evaluation": [0.5, 0.4]})
        self.assertIn("Correct answers", texts(root, "axis-title"))

    def test_history_as_percentages(self):
        history = History([], [9000, 9500], [], [])
        root = parse(pictures.curves(history, evaluation_size=10000))
        self.assertEqual(self.polyline(root, "accuracy"), {"evaluation": [90.0, 95.0]})
        self.assertEqual(texts(root, "empty"), ["cost not monitored"])

    def test_trainer(self):
        trainer = types.SimpleNamespace(train_loss_list=[2.0, 1.0, 0.5], train_acc_list=[0.5],
                                        test_acc_list=[0.4])
        root = parse(pictures.curves(trainer))
        self.assertEqual(self.polyline(root, "accuracy"), {"train": [50.0], "test": [40.0]})
        self.assertEqual(self.polyline(root, "cost"), {"training": [2.0, 1.0, 0.5]})

    def test_not_a_history(self):
        with self.assertRaisesRegex(ArgumentError, "History or a DLFS Trainer"):
            pictures.curves([1, 2])

    def test_size_not_positive(self):
        with self.assertRaisesRegex(ArgumentError, "evaluation_size"):
            pictures.curves(History([], [1], [], []), evaluation_size=0)


if __name__ == "__main__":
    unittest.main()
