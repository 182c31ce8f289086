"""``pureml predict MODEL IMAGE...``: the digit a saved network sees in your own images."""

import sys

from pureml.engine.vectors import argmax
from pureml.data import images
from pureml.display import terminal
from pureml.cli.common import EXIT_ERROR, EXIT_OK, error, load_model, drawing_style
from pureml.cli.options import add_style_option, subparser


def add_parser(commands):
    parser = subparser(
        commands, "predict", "read digits from your own images",
        "Read each image (PNG, or PBM/PGM/PPM), prepare it as the MNIST digits\n"
        "were prepared (ink on black, cropped, scaled to 20x20, centred by mass\n"
        "in 28x28), and print the network's digit and its ten output\n"
        "activations, one line per image.")
    parser.set_defaults(func=run)
    parser.add_argument("model", metavar="MODEL.json", help="a network saved by train --save")
    parser.add_argument("images", metavar="IMAGE", nargs="+", help="image files")
    parser.add_argument("--show", action="store_true",
                        help="also draw the 28x28 image the network saw")
    add_style_option(parser)



def run(args):
    """Print the network's answer for each image; return 1 if any image failed, else 0."""
    model = load_model(args.model)
    style = drawing_style(args) if args.show else None
    failures = 0
    for path in args.images:
        try:
            x = images.load_digit(path)
        except images.ImageError as exc:
            error(str(exc))
            failures += 1
            continue
        except OSError as exc:
            error("%s: %s" % (path, exc.strerror or exc))
            failures += 1
            continue
        output, = model.outputs([x])
        digit = argmax(output)
        print("%s: %d  [%s]" % (path, digit, " ".join("%.3f" % a for a in output)))
        if args.show:
            print(terminal.render_digit(x, style=style))
            print()
        sys.stdout.flush()
    return EXIT_ERROR if failures else EXIT_OK

