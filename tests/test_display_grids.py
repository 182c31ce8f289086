"""Tests for pureml.display.grids: image grids and their gray levels, heatmaps."""

import re
import unittest
import xml.etree.ElementTree as ET

from pureml.display.grids import Heatmap, ImageGrid, as_rows, pixel_colour
from pureml.errors import ArgumentError

NS = "{http://www.w3.org/2000/svg}"
_RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z")


def parse(picture):
    return ET.fromstring(picture.svg().encode("utf-8"))


def cells(root):
    return [g for g in root.iter(NS + "g") if g.get("class") == "image"]


def colours(cell):
    """Return an image cell's pixels as rows of colours, rebuilt from its SVG."""
    h, w = map(int, cell.get("data-shape").split())
    background = cell.find(NS + "rect").get("fill")
    rows = [[background] * w for _ in range(h)]
    for path in cell.findall(NS + "path"):
        for i, j, n, back in _RUN.findall(path.get("d")):
            i, j, n = int(i), int(j), int(n)
            for k in range(i, i + n):
                rows[j][k] = path.get("fill")
    return rows


def level(colour):
    """Return the gray level of #rrggbb (its red part)."""
    return int(colour[1:3], 16)


class ImageGridTest(unittest.TestCase):

    def test_one_cell_per_image_in_columns(self):
        images = [[float(k)] * 4 for k in range(7)]
        root = parse(ImageGrid(images, 3))
        found = cells(root)
        self.assertEqual([int(c.get("data-index")) for c in found], list(range(7)))
        positions = [c.get("transform").split(")")[0] for c in found]
        self.assertEqual(positions[0].split()[0], positions[3].split()[0])   # same column
        self.assertEqual(len(set(positions)), 7)

    def test_gray_levels_from_the_images_own_range(self):
        image = [[0.0, 1.0, 2.0], [3.0, 4.0, 4.0]]
        root = parse(ImageGrid([image]))
        self.assertEqual([[level(c) for c in row] for row in colours(cells(root)[0])],
                         [[0, 64, 128], [191, 255, 255]])
        self.assertEqual((cells(root)[0].get("data-vmin"), cells(root)[0].get("data-vmax")),
                         ("0.0", "4.0"))

    def test_gray_r_draws_large_values_dark(self):
        root = parse(ImageGrid([[0.0, 0.5, 1.0, 1.0]], cmap="gray_r"))
        self.assertEqual([[level(c) for c in row] for row in colours(cells(root)[0])],
                         [[255, 127], [0, 0]])     # 255 - round(127.5)

    def test_given_range_clamps(self):
        root = parse(ImageGrid([[-1.0, 0.0, 0.5, 2.0]], vmin=0, vmax=1))
        self.assertEqual([[level(c) for c in row] for row in colours(cells(root)[0])],
                         [[0, 0], [128, 255]])

    def test_signed_colours(self):
        self.assertEqual(pixel_colour(1.0, -1.0, 1.0, "signed"), "#0000ff")
        self.assertEqual(pixel_colour(-1.0, -1.0, 1.0, "signed"), "#ff0000")
        self.assertEqual(pixel_colour(0.0, -1.0, 1.0, "signed"), "#ffffff")

    def test_flat_image_is_background(self):
        root = parse(ImageGrid([[3.0] * 9], cmap="binary"))
        self.assertEqual(colours(cells(root)[0]), [["#ffffff"] * 3] * 3)

    def test_shapes(self):
        self.assertEqual(len(as_rows([0.0] * 784)), 28)
        self.assertEqual(as_rows([1, 2, 3, 4, 5, 6], (2, 3)), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        self.assertEqual(as_rows([[[1, 2], [3, 4]]]), [[1.0, 2.0], [3.0, 4.0]])    # (1, H, W)
        self.assertEqual(as_rows([[1, 2], [3, 4]]), [[1.0, 2.0], [3.0, 4.0]])

    def test_captions(self):
        root = parse(ImageGrid([[0.0] * 4, [1.0] * 4], captions=["7", "2"]))
        self.assertEqual(["".join(t.itertext()) for t in root.iter(NS + "text")
                          if t.get("class") == "caption"], ["7", "2"])

    def test_non_finite_pixels_are_magenta_and_said(self):
        root = parse(ImageGrid([[0.0, float("nan"), 1.0, 1.0]]))
        self.assertEqual(colours(cells(root)[0])[0][1], "#ff00ff")
        self.assertIn("1 non-finite pixel, drawn magenta",
                      ["".join(t.itertext()) for t in root.iter(NS + "text")])

    def test_repr_svg_is_svg(self):
        grid = ImageGrid([[0.0, 1.0, 1.0, 0.0]])
        self.assertEqual(grid._repr_svg_(), grid.svg())

    def test_no_images(self):
        with self.assertRaisesRegex(ArgumentError, "non-empty list of images"):
            ImageGrid([])

    def test_not_a_square(self):
        with self.assertRaisesRegex(ArgumentError, "not a square number"):
            ImageGrid([[0.0] * 5])

    def test_shape_does_not_fit(self):
        with self.assertRaisesRegex(ArgumentError, "not 2 x 2"):
            ImageGrid([[0.0] * 5], shape=(2, 2))

    def test_ragged_rows(self):
        with self.assertRaisesRegex(ArgumentError, "same number of pixels"):
            ImageGrid([[[0.0, 1.0], [0.0]]])

    def test_pixels_not_numbers(self):
        with self.assertRaisesRegex(ArgumentError, "image 0"):
            ImageGrid([["a"] * 4])

    def test_captions_do_not_match(self):
        with self.assertRaisesRegex(ArgumentError, "one caption per image"):
            ImageGrid([[0.0] * 4], captions=["a", "b"])

    def test_unknown_cmap(self):
        with self.assertRaisesRegex(ArgumentError, "cmap"):
            ImageGrid([[0.0] * 4], cmap="viridis")

    def test_vmin_above_vmax(self):
        with self.assertRaisesRegex(ArgumentError, "vmin must be below vmax"):
            ImageGrid([[0.0] * 4], vmin=1, vmax=0)

    def test_columns_not_positive(self):
        with self.assertRaisesRegex(ArgumentError, "columns"):
            ImageGrid([[0.0] * 4], 0)


class HeatmapTest(unittest.TestCase):

    def test_cells_carry_values_and_labels(self):
        root = parse(Heatmap([[5, 1], [0, 4]], ["a", "b"], ["c", "d"], xlabel="Predicted"))
        cells_ = [r for r in root.iter(NS + "rect") if r.get("class") == "cell"]
        self.assertEqual([(c.get("data-row"), c.get("data-column"), float(c.get("data-value")))
                          for c in cells_],
                         [("0", "0", 5.0), ("0", "1", 1.0), ("1", "0", 0.0), ("1", "1", 4.0)])
        values = ["".join(t.itertext()) for t in root.iter(NS + "text")
                  if t.get("class") == "value"]
        self.assertEqual(values, ["5", "1", "0", "4"])

    def test_row_shading_darkens_the_larger_share(self):
        heatmap = Heatmap([[9, 1], [1, 1]], shade="row")
        shades = heatmap.shades()
        self.assertAlmostEqual(shades[0][0], 0.9 ** 0.5)
        self.assertAlmostEqual(shades[1][0], 0.5 ** 0.5)
        self.assertEqual(Heatmap([[2, 4]]).shades(), [[0.5, 1.0]])

    def test_repr_svg_is_svg(self):
        heatmap = Heatmap([[1, 2], [3, 4]])
        self.assertEqual(heatmap._repr_svg_(), heatmap.svg())

    def test_ragged_matrix(self):
        with self.assertRaisesRegex(ArgumentError, "same number of values"):
            Heatmap([[1, 2], [3]])

    def test_labels_do_not_match(self):
        with self.assertRaisesRegex(ArgumentError, "one label per row"):
            Heatmap([[1, 2]], ["a", "b"])

    def test_unknown_shade(self):
        with self.assertRaisesRegex(ArgumentError, "shade"):
            Heatmap([[1]], shade="column")


if __name__ == "__main__":
    unittest.main()
