"""``pureml gradcheck``: backpropagation compared with central differences."""

import random

from pureml import gradcheck, network
from pureml.cli.common import EXIT_ERROR, EXIT_OK, sizes_text
from pureml.cli.options import (ACTIVATIONS, COSTS, add_network_options, layer_sizes,
                                nonnegative_float, positive_float, positive_int, subparser)


def add_parser(commands):
    parser = subparser(
        commands, "gradcheck", "check backprop against numerical derivatives",
        "Build a small network and a random example, then compare every\n"
        "gradient backpropagation computes with the central difference\n"
        "(C(p+h) - C(p-h)) / 2h.  Exit status 0 when the worst relative error\n"
        "is below the tolerance, 1 otherwise.")
    parser.set_defaults(func=run)
    parser.add_argument("--sizes", type=layer_sizes, default=[4, 5, 3], metavar="N,N,...",
                        help="neurons per layer (default: 4,5,3)")
    add_network_options(parser, {"cost": "quadratic", "init": "default"})
    parser.add_argument("--lmbda", type=nonnegative_float, default=0.0, metavar="LMBDA",
                        help="include the L2 term, for a training set of one example "
                             "(default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="seed for the network and the example (default: %(default)s)")
    parser.add_argument("--samples", type=positive_int, metavar="N",
                        help="check every bias but only N weights chosen at random "
                             "(default: every weight)")
    parser.add_argument("--tolerance", type=positive_float, default=1e-6, metavar="TOL",
                        help="the largest relative error that passes (default: %(default)s)")



def run(args):
    """Compare backprop with central differences; return 0 if they agree, else 1."""
    rng = random.Random(args.seed)
    net = network.Network(args.sizes, cost=COSTS[args.cost],
                          activation=ACTIVATIONS[args.activation],
                          weight_initializer=args.init, rng=rng)
    x = [rng.random() for _ in range(args.sizes[0])]
    y = [0.0] * args.sizes[-1]
    y[rng.randrange(args.sizes[-1])] = 1.0
    result = gradcheck.check(net, x, y, lmbda=args.lmbda, n=1, samples=args.samples,
                             rng=rng)
    print("Network %s: %s cost, %s neurons, %s init, lmbda %g, seed %d"
          % (sizes_text(args.sizes), args.cost, args.activation, args.init, args.lmbda,
             args.seed))
    print("Compared backprop with central differences for %d parameters." % result.checked)
    print("Worst relative error: %.3g at %s (backprop %.10g, numerical %.10g)"
          % (result.worst, _where_text(result.where), result.analytic, result.numeric))
    passed = result.worst < args.tolerance
    print("%s: %s the tolerance %g" % ("PASS" if passed else "FAIL",
                                       "below" if passed else "not below", args.tolerance),
          flush=True)
    return EXIT_OK if passed else EXIT_ERROR



def _where_text(where):
    """Return a parameter's place such as ("weights", 0, 3, 17) as "weights[0][3][17]"."""
    if not where:
        return "nowhere"
    return where[0] + "".join("[%d]" % i for i in where[1:])

