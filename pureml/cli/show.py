"""``pureml show INDEX...``: MNIST images drawn in the terminal."""


from pureml.display import terminal
from pureml.cli.common import (EXIT_OK, SET_NAMES, class_name, ArgumentError, grid,
                               load_set, drawing_style)
from pureml.cli.options import (add_data_options, add_style_option, nonnegative_int,
                                subparser)


def add_parser(commands):
    parser = subparser(
        commands, "show", "draw MNIST images in the terminal",
        "Draw images of the dataset in the terminal, each with its index and label.")
    parser.set_defaults(func=run)
    parser.add_argument("indices", metavar="INDEX", nargs="+", type=nonnegative_int,
                        help="positions in the set, from 0")
    parser.add_argument("--set", choices=("train", "validation", "test"), default="test",
                        help="which images; the same indices as evaluate's "
                             "(default: %(default)s)")
    add_style_option(parser)
    add_data_options(parser)



def run(args):
    """Draw the chosen images of a set with their labels; return the exit status."""
    pixels, labels = load_set(args)
    bad = [i for i in args.indices if i >= len(labels)]
    if bad:
        if labels:
            valid = "indices 0 to %d" % (len(labels) - 1)
        else:
            valid = "no images"
        raise ArgumentError("index %d is out of range: the %s set has %d images (%s)"
                           % (bad[0], SET_NAMES[args.set], len(labels), valid))
    style = drawing_style(args)
    print(grid([terminal.with_caption(terminal.render_digit(pixels[i], style=style),
                                       "#%d: %s" % (i, class_name(labels[i], args.dataset)))
                 for i in args.indices]), flush=True)
    return EXIT_OK

