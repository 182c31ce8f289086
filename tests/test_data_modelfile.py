"""Tests for pureml.data.modelfile, and for network.load on files that lie, break or bloat.

The rule under test: nothing is allocated beyond what the file holds.  A
file claiming a billion neurons is loaded in a subprocess whose address
space is capped (resource.setrlimit), so that allocating for the claim
would fail the test with a MemoryError instead of the ModelFileError.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import unittest

from pureml import network
from pureml.data import modelfile
from pureml.errors import ArgumentError, ModelFileError, PuremlError

try:
    import resource
except ImportError:             # not on Windows
    resource = None


class TempFiles(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name

    def write(self, data, name="model.json"):
        path = os.path.join(self.folder, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else
                    (data if isinstance(data, str) else json.dumps(data)).encode("utf-8"))
        return path


class ReadJsonTest(TempFiles):
    def test_an_object(self):
        self.assertEqual(modelfile.read_json(self.write({"a": [1, 2]})), {"a": [1, 2]})

    def test_every_failure_names_the_file(self):
        for data, fragment in ((b"[1, 2]", "JSON object, not list"),
                               (b"{", "not a valid model file"),
                               (b"\xff\xfe{}", "not UTF-8"),
                               (b'{"a": NaN}', "not a finite number"),
                               (b'{"a": -Infinity}', "not a finite number"),
                               (b"[" * 200000 + b"]" * 200000, "nested too deeply|JSON object")):
            with self.subTest(data=data[:12]):
                path = self.write(data)
                with self.assertRaisesRegex(ModelFileError, fragment) as caught:
                    modelfile.read_json(path)
                self.assertIn(path, str(caught.exception))

    def test_a_file_larger_than_the_cap(self):
        path = self.write(b"{}")
        old = modelfile.MAX_FILE_BYTES
        modelfile.MAX_FILE_BYTES = 1
        try:
            with self.assertRaisesRegex(ModelFileError, "too large"):
                modelfile.read_json(path)
        finally:
            modelfile.MAX_FILE_BYTES = old

    def test_an_integer_of_too_many_digits(self):
        path = self.write('{"a": [1%s]}' % ("0" * modelfile.MAX_INT_DIGITS))
        with self.assertRaisesRegex(ModelFileError, "not a valid model file: an integer of "
                                                    "1001 digits is too long") as caught:
            modelfile.read_json(path)
        self.assertIn(path, str(caught.exception))

    def test_an_integer_of_the_most_digits_is_read(self):
        path = self.write('{"a": -%s}' % ("9" * modelfile.MAX_INT_DIGITS))
        self.assertEqual(modelfile.read_json(path), {"a": -(10 ** modelfile.MAX_INT_DIGITS - 1)})

    def test_a_missing_file_is_an_os_error(self):
        with self.assertRaises(FileNotFoundError):
            modelfile.read_json(os.path.join(self.folder, "absent.json"))

    def test_errors_are_value_errors(self):
        self.assertTrue(issubclass(ModelFileError, PuremlError))
        self.assertTrue(issubclass(ModelFileError, ValueError))
        self.assertIs(network.ModelFileError, ModelFileError)


class ShapeTest(unittest.TestCase):
    def test_matrix_from_the_files_own_lists(self):
        self.assertEqual(modelfile.matrix([[1, 2.5], [3, 4]], "W", "f"), [[1.0, 2.5], [3.0, 4.0]])

    def test_matrix_rejections(self):
        for rows, fragment in (([], "non-empty list of rows"),
                               ({"a": 1}, "not an object"),
                               ([[1.0], 2.0], r"W\[1\] should be a list of numbers"),
                               ([[1.0, 2.0], [3.0]], r"W\[1\] holds 1 numbers, but the first "
                                                     r"row holds 2"),
                               ([[1.0], [2.0, 3.0]], r"W\[1\] holds 2 numbers"),
                               ([["1.0"]], r"W\[0\]\[0\] should be a number, not the string"),
                               ([[True]], "not the boolean true"),
                               ([[None]], "not null"),
                               ([[1e400]], "not finite")):
            with self.subTest(rows=rows):
                with self.assertRaisesRegex(ModelFileError, fragment):
                    modelfile.matrix(rows, "W", "f.json")

    def test_matrix_against_a_claimed_shape(self):
        with self.assertRaisesRegex(ModelFileError, "W holds 1 rows, but the claim says 2"):
            modelfile.matrix([[1.0]], "W", "f", shape=(2, 1), claims=("the claim says", "x"))

    def test_an_integer_too_large_for_a_float(self):
        with self.assertRaisesRegex(ModelFileError, r"^f.json: W\[0\]\[1\] is an integer too "
                                                    r"large for a float"):
            modelfile.matrix([[1, 10 ** 400]], "W", "f.json")

    def test_a_number_too_large_for_a_float(self):
        self.assertEqual(modelfile.number(-10 ** 308, "b[0]", "f.json"), -1e308)
        with self.assertRaisesRegex(ModelFileError, r"^f.json: b\[0\] is an integer too large"):
            modelfile.number(-10 ** 309 * 2, "b[0]", "f.json")

    def test_tensor_of_filters(self):
        filters = [[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]
        self.assertEqual(modelfile.tensor(filters, "W1", "f"),
                         [[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]])

    def test_tensor_nested_500_deep_is_refused_before_recursing(self):
        deep = 1.0
        for _ in range(500):
            deep = [deep]
        with self.assertRaisesRegex(ModelFileError, "^f.json: W1 is nested 500 lists deep; "
                                                    "at most 4 here"):
            modelfile.tensor(deep, "W1", "f.json")

    def test_tensor_nested_five_deep(self):
        with self.assertRaisesRegex(ModelFileError, "W1 is nested 5 lists deep; at most 4"):
            modelfile.tensor([[[[[1.0]]]]], "W1", "f.json")

    def test_tensor_deeper_past_its_first_entry(self):
        deep = [[[[[[1.0]]]]]]
        with self.assertRaisesRegex(ModelFileError, r"W1\[1\] is nested 6 lists deep; at most 3 "
                                                    r"here"):
            modelfile.tensor([[[[1.0]]], deep], "W1", "f.json")

    def test_tensor_of_uneven_parts(self):
        with self.assertRaisesRegex(ModelFileError, r"W1\[1\] is shaped 1x1x2, but W1\[0\] is "
                                                    r"1x1x1"):
            modelfile.tensor([[[[1.0]]], [[[1.0, 2.0]]]], "W1", "f.json")

    def test_name_in(self):
        choices = {"a": 1, "b": 2}
        self.assertEqual(modelfile.name_in("b", choices, "key", "thing", "f.json"), 2)

    def test_name_in_an_unknown_name(self):
        with self.assertRaisesRegex(ModelFileError, "^f.json: unknown thing 'c' in 'key'; "
                                                    "expected one of a, b$"):
            modelfile.name_in("c", {"b": 2, "a": 1}, "key", "thing", "f.json")

    def test_name_in_a_long_unknown_name_is_cut(self):
        with self.assertRaisesRegex(ModelFileError, r"unknown thing '(x){40}'\.\.\. in"):
            modelfile.name_in("x" * 10000, {"a": 1}, "key", "thing", "f.json")

    def test_name_in_a_list(self):
        with self.assertRaisesRegex(ModelFileError, "^f.json: 'key' should be one of the names "
                                                    "a, b, not a list$"):
            modelfile.name_in(["a"], {"a": 1, "b": 2}, "key", "thing", "f.json")

    def test_name_in_an_object(self):
        with self.assertRaisesRegex(ModelFileError, "should be one of the names a, not an "
                                                    "object"):
            modelfile.name_in({"a": 1}, {"a": 1}, "key", "thing", "f.json")

    def test_vector(self):
        self.assertEqual(modelfile.vector([[1], [2]], "b", "f", columns=True), [1.0, 2.0])
        with self.assertRaisesRegex(ModelFileError, "b holds 2 numbers, but expected 3"):
            modelfile.vector([1, 2], "b", "f", length=3)
        with self.assertRaisesRegex(ModelFileError, "one-element list"):
            modelfile.vector([[1, 2]], "b", "f", columns=True)
        with self.assertRaisesRegex(ModelFileError, r"b\[0\] should be a number"):
            modelfile.vector([[1]], "b", "f")


def model(sizes=(4, 3, 2)):
    """Return a valid model file's dict for ``sizes`` (a small network)."""
    net = network.Network(list(sizes), seed=1)
    return {"sizes": list(sizes), "weights": net.weights,
            "biases": [[[b] for b in layer] for layer in net.biases], "cost": "QuadraticCost"}


class LyingModelTest(TempFiles):
    """network.load: every way the file's shapes can disagree with "sizes"."""

    def assertBad(self, data, fragment):
        path = self.write(data)
        with self.assertRaisesRegex(ModelFileError, fragment) as caught:
            network.load(path)
        self.assertIn(path, str(caught.exception))

    def test_a_huge_claim_fails_at_once(self):
        data = model()
        data["sizes"] = [4, 10 ** 9, 2]
        self.assertBad(data, r"weights\[0\] holds 3 rows, but sizes \[4, 1000000000, 2\] says "
                             r"layer 1 has 1000000000")

    def test_too_few_layers(self):
        data = model()
        data["weights"] = data["weights"][:1]
        self.assertBad(data, "'weights' should be a list of 2 layers")

    def test_a_short_row(self):
        data = model()
        data["weights"][0][2] = data["weights"][0][2][:3]
        self.assertBad(data, r"weights\[0\]\[2\] holds 3 numbers, but sizes \[4, 3, 2\] says "
                             r"layer 0 has 4")

    def test_a_long_row(self):
        data = model()
        data["weights"][1][0].append(0.5)
        self.assertBad(data, r"weights\[1\]\[0\] holds 4 numbers")

    def test_biases_of_the_wrong_length(self):
        data = model()
        data["biases"][1].append([0.0])
        self.assertBad(data, r"biases\[1\] holds 3 numbers, but sizes \[4, 3, 2\] says layer 2 "
                             r"has 2")

    def test_a_row_that_is_not_a_list(self):
        data = model()
        data["weights"][0][1] = 1.0
        self.assertBad(data, r"weights\[0\]\[1\] should be a list of numbers, not 1.0")

    def test_a_number_that_is_a_string(self):
        data = model()
        data["weights"][0][0][0] = "0.5"
        self.assertBad(data, r"weights\[0\]\[0\]\[0\] should be a number, not the string")

    def test_a_number_that_is_a_bool(self):
        data = model()
        data["biases"][0][0] = [False]
        self.assertBad(data, r"biases\[0\]\[0\] should be a number, not the boolean false")

    def test_a_number_that_is_null(self):
        data = model()
        data["weights"][1][1][2] = None
        self.assertBad(data, r"weights\[1\]\[1\]\[2\] should be a number, not null")

    def test_sizes_that_are_not_sizes(self):
        data = model()
        data["sizes"] = [4, "3", 2]
        self.assertBad(data, "layer sizes must be ints")

    def test_truncated_at_random_points(self):
        text = json.dumps(model((6, 5, 3)))
        rng = random.Random(12)
        for cut in sorted(rng.sample(range(len(text)), 60)) + [0, 1, len(text) - 1]:
            with self.subTest(cut=cut):
                self.assertBad(text[:cut], "not a valid model file|JSON object")

    def test_loading_draws_nothing_at_random(self):
        path = self.write(model())
        state = random.getstate()
        loaded = network.load(path)
        self.assertEqual(random.getstate(), state)
        self.assertEqual(loaded.weights, model()["weights"])


@unittest.skipIf(resource is None, "resource.setrlimit needs a Unix system")
class MemoryLimitTest(TempFiles):
    """A billion-neuron claim, loaded under a memory cap: one ModelFileError, not MemoryError."""

    CHILD = textwrap.dedent("""
        import resource, sys
        limit = int(sys.argv[2])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from pureml import network
        try:
            network.load(sys.argv[1])
        except network.ModelFileError as exc:
            print("ModelFileError:", exc)
        except MemoryError:
            print("MemoryError")
        """)

    def test_a_billion_neurons_fails_quickly_in_little_memory(self):
        data = model((784, 30, 10))
        data["sizes"] = [784, 10 ** 9, 10]
        path = self.write(data)
        # 1 GB of address space: plenty for the interpreter and the 1 MB file,
        # far too little for a billion neurons' weights (784 billion floats).
        result = subprocess.run(
            [sys.executable, "-c", self.CHILD, path, str(2 ** 30)], capture_output=True,
            text=True, timeout=120, cwd=os.path.dirname(os.path.dirname(os.path.abspath(
                __file__))))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("ModelFileError: %s: weights[0] holds 30 rows, but sizes "
                      "[784, 1000000000, 10] says layer 1 has 1000000000" % path, result.stdout)


if __name__ == "__main__":
    unittest.main()
