"""Tests for pureml.layernet: gradient against numerical_gradient, the book's shapes, errors."""

import json
import math
import os
import random
import statistics
import tempfile
import unittest

from pureml import convnet, layers, layernet, network3
from pureml.engine.vectors import shape
from pureml.errors import ArgumentError, ModelFileError
from tests.support import NestedAlmostEqual, UsesKernels


def sparse_batch(rng, rows, cols, density=0.5):
    """Return a batch of inputs in [0, 1), each nonzero with probability ``density``."""
    return [[rng.random() if rng.random() < density else 0.0 for _ in range(cols)]
            for _ in range(rows)]


def off_the_kinks(net, rng):
    """Give every bias a random value, so that no ReLU input sits at exactly 0."""
    for key, value in net.params.items():
        if key.startswith("b"):
            value[:] = [rng.uniform(-0.5, 0.5) for _ in value]


def same_masks(net):
    """Make every loss of ``net`` draw the same dropout masks (each Dropout's rng reseeded first)."""
    loss, dropouts = net.loss, [layer for layer in net.layers.values()
                                if isinstance(layer, layers.Dropout)]

    def seeded_loss(*args, **kwargs):
        for number, layer in enumerate(dropouts):
            layer.rng.seed(number)
        return loss(*args, **kwargs)
    net.loss = seeded_loss


class GradientTests(UsesKernels, NestedAlmostEqual):
    """gradient (backprop) equals numerical_gradient (central differences, h = 1e-4).

    The tolerance is 1e-4 relative: the book's loss adds 1e-7 inside the log,
    which tilts the numerical gradient by about 1e-7 / y against the exact
    one that backprop computes (a wrong gradient is wrong by far more).
    """

    def setUp(self):
        super().setUp()
        self.rng = random.Random(21)
        self.x = sparse_batch(self.rng, 3, 7)
        self.t = [1, 3, 0]

    def assertGradientsAgree(self, net, x=None, t=None):
        x = self.x if x is None else x
        t = self.t if t is None else t
        grads = net.gradient(x, t)
        numerical = net.numerical_gradient(x, t)
        self.assertEqual(sorted(grads), sorted(net.params))
        for key in net.params:
            with self.subTest(param=key):
                self.assertNestedAlmostEqual(grads[key], numerical[key],
                                             rel_tol=1e-4, abs_tol=1e-8)

    def test_two_layer_net(self):
        net = layernet.TwoLayerNet(7, 5, 4, weight_init_std=0.5, seed=1)
        off_the_kinks(net, self.rng)
        self.assertGradientsAgree(net)

    def test_two_layer_net_with_one_hot_labels(self):
        net = layernet.TwoLayerNet(7, 5, 4, weight_init_std=0.5, seed=2)
        off_the_kinks(net, self.rng)
        one_hot = [[1.0 if k == label else 0.0 for k in range(4)] for label in self.t]
        self.assertGradientsAgree(net, t=one_hot)

    def test_multi_layer_net_every_activation_with_weight_decay(self):
        for activation in ("relu", "sigmoid", "tanh"):
            with self.subTest(activation=activation):
                net = layernet.MultiLayerNet(7, [5, 6], 4, activation=activation,
                                             weight_decay_lambda=0.1, seed=3)
                off_the_kinks(net, self.rng)
                self.assertGradientsAgree(net)

    def test_multi_layer_net_with_dropout(self):
        net = layernet.MultiLayerNet(7, [6, 5], 4, use_dropout=True, dropout_ratio=0.3,
                                     weight_init_std=0.5, seed=4)
        off_the_kinks(net, self.rng)
        same_masks(net)
        self.assertGradientsAgree(net)

    def test_network3_with_dropout_before_its_first_layer(self):
        # network3's FullyConnectedLayer(p_dropout=...) as the first layer: Dropout1
        # comes before Affine1, whose dx nobody needs, so backprop stops there.
        net = network3.Network([
            network3.FullyConnectedLayer(n_in=7, n_out=5, p_dropout=0.4, rng=random.Random(1)),
            network3.SoftmaxLayer(n_in=5, n_out=4, rng=random.Random(2))], 3)
        self.assertEqual(list(net.layers)[0], "Dropout1")
        same_masks(net)
        self.assertGradientsAgree(net)

    def test_multi_layer_net_with_batch_normalization(self):
        net = layernet.MultiLayerNet(7, [5, 6], 4, use_batchnorm=True, activation="sigmoid",
                                     seed=5)
        off_the_kinks(net, self.rng)
        x = sparse_batch(self.rng, 5, 7, density=0.8)
        self.assertGradientsAgree(net, x=x, t=[0, 1, 2, 3, 0])
        self.assertIn("gamma1", net.params)


class PlainGradientTest(GradientTests, unittest.TestCase):
    kernels = "loops"


class FastGradientTest(GradientTests, unittest.TestCase):
    kernels = "fast"


class TwoLayerNetTest(NestedAlmostEqual, unittest.TestCase):
    def test_the_books_structure_and_shapes(self):
        net = layernet.TwoLayerNet(784, 50, 10, seed=0)
        self.assertEqual(list(net.layers), ["Affine1", "Relu1", "Affine2"])
        self.assertIsInstance(net.lastLayer, layers.SoftmaxWithLoss)
        self.assertEqual(shape(net.params["W1"]), (784, 50))
        self.assertEqual(shape(net.params["W2"]), (50, 10))
        self.assertEqual(net.params["b1"], [0.0] * 50)
        self.assertIs(net.layers["Affine1"].W, net.params["W1"])
        self.assertIs(net.layers["Affine2"].b, net.params["b2"])

    def test_initial_weights_are_scaled_gaussians(self):
        net = layernet.TwoLayerNet(784, 50, 10, weight_init_std=0.01, seed=0)
        values = [v for row in net.params["W1"] for v in row]
        self.assertAlmostEqual(statistics.pstdev(values), 0.01, 3)

    def test_a_seed_repeats_the_weights(self):
        a = layernet.TwoLayerNet(5, 4, 3, seed=7)
        b = layernet.TwoLayerNet(5, 4, 3, seed=7)
        self.assertEqual(a.params, b.params)
        self.assertNotEqual(a.params, layernet.TwoLayerNet(5, 4, 3, seed=8).params)

    def test_predict_loss_accuracy(self):
        net = layernet.TwoLayerNet(2, 3, 2, seed=0)
        net.params["W1"][:] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
        net.params["W2"][:] = [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
        x = [[2.0, 0.0], [0.0, 3.0], [1.0, 0.0]]
        self.assertEqual(net.predict(x), [[2.0, 0.0], [0.0, 3.0], [1.0, 0.0]])
        self.assertEqual(net.accuracy(x, [0, 1, 1]), 2 / 3)
        self.assertEqual(net.accuracy(x, [[1, 0], [0, 1], [1, 0]]), 1.0)
        expected = -(math.log(1 / (1 + math.exp(-2)) + 1e-7)
                     + math.log(1 / (1 + math.exp(-3)) + 1e-7)
                     + math.log(1 / (1 + math.exp(-1)) + 1e-7)) / 3
        self.assertAlmostEqual(net.loss(x, [0, 1, 0]), expected, 12)

    def test_the_first_layer_sends_no_gradient_to_the_data(self):
        net = layernet.TwoLayerNet(4, 3, 2, seed=0)
        net.loss([[1.0, 0.0, 2.0, 0.0]], [1])
        self.assertIsNone(net.layers["Affine1"].backward([[1.0, -1.0, 0.5]]))
        self.assertIsInstance(net.layers["Affine1"], layers.Affine)

    def test_bad_sizes(self):
        for args in ((0, 5, 2), (4, -1, 2), (4, 5, 2.0), ("784", 50, 10)):
            with self.subTest(args=args):
                with self.assertRaises(ArgumentError):
                    layernet.TwoLayerNet(*args)

    def test_input_of_the_wrong_width(self):
        net = layernet.TwoLayerNet(4, 3, 2, seed=0)
        with self.assertRaises(ArgumentError) as caught:
            net.predict([[1.0, 2.0, 3.0]])
        self.assertIn("example 0 has 3 entries, where 4 fit the matrix", str(caught.exception))

    def test_label_out_of_range(self):
        net = layernet.TwoLayerNet(4, 3, 2, seed=0)
        with self.assertRaises(ValueError) as caught:
            net.gradient([[1.0, 0.0, 0.0, 0.0]], [2])
        self.assertIn("labels must be from 0 to 1", str(caught.exception))

    def test_accuracy_of_data_and_labels_that_disagree(self):
        net = layernet.TwoLayerNet(4, 3, 2, seed=0)
        with self.assertRaises(ArgumentError):
            net.accuracy([[0.0] * 4] * 3, [0, 1])


class MultiLayerNetTest(unittest.TestCase):
    def test_layers_in_order(self):
        net = layernet.MultiLayerNet(6, [5, 4], 3, use_batchnorm=True, use_dropout=True,
                                     seed=0)
        self.assertEqual(list(net.layers), [
            "Affine1", "BatchNorm1", "Activation_function1", "Dropout1",
            "Affine2", "BatchNorm2", "Activation_function2", "Dropout2", "Affine3"])
        self.assertEqual(sorted(net.params), ["W1", "W2", "W3", "b1", "b2", "b3",
                                              "beta1", "beta2", "gamma1", "gamma2"])

    def test_weight_init_names(self):
        for name, std in (("relu", math.sqrt(2 / 400)), ("he", math.sqrt(2 / 400)),
                          ("sigmoid", math.sqrt(1 / 400)), ("xavier", math.sqrt(1 / 400)),
                          (0.05, 0.05)):
            with self.subTest(weight_init_std=name):
                net = layernet.MultiLayerNet(400, [300], 2, weight_init_std=name, seed=1)
                values = [v for row in net.params["W1"] for v in row]
                self.assertAlmostEqual(statistics.pstdev(values) / std, 1.0, 2)

    def test_weight_decay_adds_to_the_loss(self):
        net = layernet.MultiLayerNet(3, [2], 2, weight_decay_lambda=0.5, seed=0)
        x, t = [[1.0, 0.0, 1.0]], [1]
        plain = net.last_layer.forward(net.predict(x), t)
        squares = sum(v * v for key in ("W1", "W2") for row in net.params[key] for v in row)
        self.assertAlmostEqual(net.loss(x, t), plain + 0.25 * squares, 12)

    def test_dropout_is_off_when_predicting(self):
        net = layernet.MultiLayerNet(5, [8], 3, use_dropout=True, dropout_ratio=0.5, seed=0)
        x = [[0.1, 0.2, 0.3, 0.4, 0.5]]
        self.assertEqual(net.predict(x), net.predict(x))

    def test_unknown_activation(self):
        with self.assertRaises(ArgumentError) as caught:
            layernet.MultiLayerNet(4, [3], 2, activation="softplus")
        self.assertIn("relu", str(caught.exception))

    def test_bad_weight_init(self):
        with self.assertRaises(ArgumentError):
            layernet.MultiLayerNet(4, [3], 2, weight_init_std="glorot")

    def test_bad_hidden_sizes(self):
        for hidden in ("100", [100, 0], None):
            with self.subTest(hidden=hidden):
                with self.assertRaises(ArgumentError):
                    layernet.MultiLayerNet(4, hidden, 2)

    def test_negative_weight_decay(self):
        with self.assertRaises(ArgumentError):
            layernet.MultiLayerNet(4, [3], 2, weight_decay_lambda=-1)


class ParamsFileTest(unittest.TestCase):
    """save_params / load_params / layernet.load: JSON, atomic, checked like every file."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name
        self.x = sparse_batch(random.Random(4), 3, 6)

    def path(self, name="params.json"):
        return os.path.join(self.folder, name)

    def test_a_diverged_network_is_not_saved_and_the_error_names_the_file(self):
        net = layernet.TwoLayerNet(6, 4, 3, seed=1)
        net.params["b2"][1] = math.inf
        with self.assertRaisesRegex(ModelFileError, r"params\.json: not saved: the params file "
                                                    r"holds NaN or infinite numbers"):
            net.save_params(self.path())
        self.assertEqual(os.listdir(self.folder), [])

    def test_two_layer_net_round_trip(self):
        net = layernet.TwoLayerNet(6, 4, 3, weight_init_std=0.5, seed=1)
        net.save_params(self.path(), metadata={"epochs": 2})
        self.assertEqual(os.listdir(self.folder), ["params.json"])
        loaded = layernet.load(self.path())
        self.assertIsInstance(loaded, layernet.TwoLayerNet)
        self.assertEqual(loaded.params, net.params)
        self.assertIs(loaded.layers["Affine1"].W, loaded.params["W1"])
        self.assertEqual(loaded.predict(self.x), net.predict(self.x))
        with open(self.path()) as f:
            self.assertEqual(json.load(f)["metadata"], {"epochs": 2})

    def test_multi_layer_net_round_trip_with_batch_norm_and_dropout(self):
        net = layernet.MultiLayerNet(6, [5, 4], 3, activation="tanh", use_batchnorm=True,
                                     use_dropout=True, dropout_ratio=0.25,
                                     weight_decay_lambda=0.1, seed=2)
        net.gradient(self.x, [0, 1, 2])         # moves the running averages
        net.save_params(self.path())
        loaded = layernet.load(self.path())
        self.assertEqual(loaded.config(), net.config())
        self.assertEqual(loaded.params, net.params)
        self.assertEqual(list(loaded.layers), list(net.layers))
        self.assertEqual(loaded.layers["BatchNorm2"].running_var,
                         net.layers["BatchNorm2"].running_var)
        self.assertEqual(loaded.predict(self.x), net.predict(self.x))

    def test_load_params_into_an_existing_network_in_place(self):
        source = layernet.TwoLayerNet(6, 4, 3, weight_init_std=0.5, seed=1)
        source.save_params(self.path())
        net = layernet.TwoLayerNet(6, 4, 3, seed=9)
        rows = net.params["W1"], net.params["W1"][0], net.params["b2"]
        net.load_params(self.path())
        self.assertEqual(net.params, source.params)
        self.assertIs(net.params["W1"], rows[0])
        self.assertIs(net.params["W1"][0], rows[1])
        self.assertIs(net.layers["Affine2"].b, rows[2])

    def test_load_params_of_another_shape(self):
        layernet.TwoLayerNet(6, 4, 3, seed=1).save_params(self.path())
        with self.assertRaisesRegex(ModelFileError, "W1 is 6x4 in the file but 6x5 in this "
                                                    "network"):
            layernet.TwoLayerNet(6, 5, 3, seed=1).load_params(self.path())

    def test_load_params_of_filters_of_another_size(self):
        # 5x5 filters padded by 1 and 3x3 filters unpadded give the same 6x6
        # maps on 8x8 images, so every other parameter has the same shape.
        five = convnet.SimpleConvNet((1, 8, 8), {"filter_num": 2, "filter_size": 5, "pad": 1},
                                     hidden_size=3, output_size=2, seed=1)
        three = convnet.SimpleConvNet((1, 8, 8), {"filter_num": 2, "filter_size": 3},
                                      hidden_size=3, output_size=2, seed=1)
        five.save_params(self.path())
        with self.assertRaisesRegex(ModelFileError, "W1 is 2x1x5x5 in the file but 2x1x3x3 in "
                                                    "this network") as caught:
            three.load_params(self.path())
        self.assertIn(self.path(), str(caught.exception))

    def test_load_params_of_a_bad_variance_changes_nothing(self):
        data = self.batch_norm_file()
        data["running"]["BatchNorm1"]["running_var"][3] = -0.5
        with open(self.path(), "w") as f:
            json.dump(data, f)
        net = layernet.MultiLayerNet(6, [4], 3, use_batchnorm=True, seed=8)
        before = json.dumps(net.params)
        with self.assertRaisesRegex(ModelFileError, r"BatchNorm1.running_var\[3\] is -0.5; "
                                                    r"a variance is at least 0"):
            net.load_params(self.path())
        self.assertEqual(json.dumps(net.params), before)
        self.assertIsNone(net.layers["BatchNorm1"].running_var)

    def test_load_params_of_another_network(self):
        layernet.TwoLayerNet(6, 4, 3, seed=1).save_params(self.path())
        with self.assertRaisesRegex(ModelFileError, "holds the parameters W1, W2, b1, b2; "
                                                    "this network has W1, W2, W3"):
            layernet.MultiLayerNet(6, [4, 4], 3, seed=1).load_params(self.path())

    def good(self):
        net = layernet.MultiLayerNet(6, [4], 3, seed=3)
        net.save_params(self.path("good.json"))
        with open(self.path("good.json")) as f:
            return json.load(f)

    def batch_norm_file(self):
        net = layernet.MultiLayerNet(6, [4], 3, use_batchnorm=True, seed=3)
        net.gradient(self.x, [0, 1, 2])         # gives it running averages
        net.save_params(self.path("bn.json"))
        with open(self.path("bn.json")) as f:
            return json.load(f)

    def assertBad(self, data, fragment):
        path = self.path("bad.json")
        with open(path, "w") as f:
            f.write(data if isinstance(data, str) else json.dumps(data))
        with self.assertRaisesRegex(ModelFileError, fragment) as caught:
            layernet.load(path)
        self.assertIn(path, str(caught.exception))

    def test_matrices_that_do_not_chain(self):
        data = self.good()
        data["params"]["W2"] = data["params"]["W2"][:3]
        self.assertBad(data, "W2 must be 4 rows of 3 numbers")

    def test_a_bias_of_the_wrong_length(self):
        data = self.good()
        data["params"]["b1"].append(0.0)
        self.assertBad(data, "W1 must be 6 rows of 5 numbers")

    def test_a_short_row(self):
        data = self.good()
        data["params"]["W1"][2].pop()
        self.assertBad(data, r"W1\[2\] holds 3 numbers, but the first row holds 4")

    def test_a_string_number(self):
        data = self.good()
        data["params"]["W1"][0][0] = "0.1"
        self.assertBad(data, r"W1\[0\]\[0\] should be a number, not the string")

    def test_an_unknown_parameter(self):
        data = self.good()
        data["params"]["X1"] = [1.0]
        self.assertBad(data, "unknown parameter 'X1'")

    def test_a_parameter_name_that_only_starts_like_one(self):
        data = self.good()
        data["params"]["W" * 5000] = data["params"]["W1"]
        self.assertBad(data, r"unknown parameter '(W){40}'\.\.\.; expected W1, b1")

    def test_an_unknown_network(self):
        data = self.good()
        data["network"] = "ResNet50"
        self.assertBad(data, "unknown network 'ResNet50'")

    def test_a_network_that_is_a_list(self):
        data = self.good()
        data["network"] = ["MultiLayerNet"]
        self.assertBad(data, "'network' should be one of the names MultiLayerNet, "
                             "MultiLayerNetExtend, TwoLayerNet, not a list")

    def test_a_network_that_is_an_object(self):
        data = self.good()
        data["network"] = {"MultiLayerNet": 1}
        self.assertBad(data, "'network' should be one of the names MultiLayerNet, "
                             "MultiLayerNetExtend, TwoLayerNet, not an object")

    def test_a_parameter_nested_500_deep(self):
        text = json.dumps(dict(self.good(), params={"W1": "deep", "b1": [0.0]}))
        self.assertBad(text.replace('"deep"', "[" * 500 + "1" + "]" * 500),
                       "W1 is nested 500 lists deep; at most 4 here")

    def test_filters_in_a_fully_connected_network(self):
        data = self.good()
        data["params"]["W1"] = [[[row]] for row in data["params"]["W1"]]
        self.assertBad(data, r"MultiLayerNet needs W1 \(a matrix\)")

    def test_an_integer_weight_too_large_for_a_float(self):
        data = self.good()
        data["params"]["W2"][1][0] = 10 ** 400
        self.assertBad(data, r"W2\[1\]\[0\] is an integer too large for a float")

    def test_a_negative_running_variance(self):
        data = self.batch_norm_file()
        data["running"]["BatchNorm1"]["running_var"][0] = -1e-3
        self.assertBad(data, r"BatchNorm1.running_var\[0\] is -0.001; a variance is at least 0")

    def test_a_running_variance_that_is_not_a_number(self):
        data = self.batch_norm_file()
        data["running"]["BatchNorm1"]["running_var"][1] = "0.5"
        self.assertBad(data, r"BatchNorm1.running_var\[1\] should be a number, not the string")

    def test_a_running_mean_that_is_infinite(self):
        data = self.batch_norm_file()
        data["running"]["BatchNorm1"]["running_mean"][0] = "inf"
        text = json.dumps(data).replace('"inf"', "1e999")
        self.assertBad(text, r"BatchNorm1.running_mean\[0\] is not finite")

    def test_running_averages_that_are_not_an_object(self):
        data = self.batch_norm_file()
        data["running"] = [1, 2]
        self.assertBad(data, "'running' should be an object, not a list")

    def test_running_averages_of_a_layer_that_is_a_list(self):
        data = self.batch_norm_file()
        data["running"]["BatchNorm1"] = [[0.0] * 4, [1.0] * 4]
        self.assertBad(data, "running.BatchNorm1 should be an object holding running_mean and "
                             "running_var, not a list")

    def test_running_averages_of_a_layer_that_is_not_batch_norm(self):
        data = self.batch_norm_file()
        data["running"]["Affine1"] = data["running"]["BatchNorm1"]
        self.assertBad(data, "running averages for 'Affine1', which is not a "
                             "BatchNormalization layer")

    def test_a_bad_config(self):
        data = self.good()
        data["config"]["activation"] = "softplus"
        self.assertBad(data, "activation must be one of relu, sigmoid, tanh, not 'softplus'")
        data["config"] = {"layers": 100}
        self.assertBad(data, "bad config for MultiLayerNet")

    def test_not_a_params_file(self):
        data = self.good()
        data["format"] = "pickle"
        self.assertBad(data, "the format is the string 'pickle'; expected 'pureml.layernet'")
        self.assertBad({"sizes": [6, 3]}, "missing keys 'format', 'network', 'params'")

    def test_batch_norm_without_gamma(self):
        net = layernet.MultiLayerNet(6, [4], 3, use_batchnorm=True, seed=3)
        net.save_params(self.path("bn.json"))
        with open(self.path("bn.json")) as f:
            data = json.load(f)
        del data["params"]["gamma1"]
        self.assertBad(data, "batch normalisation needs gamma1 of 4 numbers")

    def test_truncated_at_random_points(self):
        text = json.dumps(self.good())
        for cut in sorted(random.Random(5).sample(range(len(text)), 40)):
            with self.subTest(cut=cut):
                self.assertBad(text[:cut], "not a valid params file|JSON object")


if __name__ == "__main__":
    unittest.main()
