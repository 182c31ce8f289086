"""``pureml gradcheck``: backpropagation compared with central differences."""

import math
import random

from pureml import gradcheck, network
from pureml.cli.common import EXIT_ERROR, EXIT_OK, plural, sizes_text
from pureml.cli.options import (ACTIVATIONS, COSTS, add_network_options, layer_sizes,
                                nonnegative_float, positive_float, positive_int, subparser)


def add_parser(commands):
    parser = subparser(
        commands, "gradcheck", "check backprop against numerical derivatives",
        "Build a network and a random example, then compare every gradient\n"
        "backpropagation computes with central differences of the cost at two\n"
        "steps, h and 2h.  Each difference is judged against its own error (how\n"
        "far the two steps disagree, plus the cost's rounding noise divided by h):\n"
        "the relative error beyond that error must be below the tolerance.\n"
        "Gradients no larger than their difference's error are too small to\n"
        "compare and are counted, not judged.  Exit status 0 for PASS, 1 for FAIL\n"
        "or when nothing could be checked (an infinite cost says so).")
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
                        help="check only N weights and N biases chosen at random "
                             "(default: every one)")
    parser.add_argument("--tolerance", type=positive_float, default=1e-6, metavar="TOL",
                        help="the largest relative error, beyond the differences' own "
                             "error, that passes (default: %(default)s)")


def run(args):
    """Compare backprop with central differences; return 0 if they agree, else 1."""
    rng = random.Random(args.seed)
    net = network.Network(args.sizes, cost=COSTS[args.cost],
                          activation=ACTIVATIONS[args.activation],
                          weight_initializer=args.init, rng=rng)
    x = [rng.random() for _ in range(args.sizes[0])]
    y = [0.0] * args.sizes[-1]
    y[rng.randrange(args.sizes[-1])] = 1.0
    print("Network %s: %s cost, %s neurons, %s init, lmbda %g, seed %d"
          % (sizes_text(args.sizes), args.cost, args.activation, args.init, args.lmbda,
             args.seed), flush=True)
    result = gradcheck.check(net, x, y, lmbda=args.lmbda, n=1, samples=args.samples,
                             rng=rng, tolerance=args.tolerance)
    print("Compared backprop with central differences (steps 1e-05 and 2e-05) for %s."
          % plural(result.checked, "parameter"))
    if result.too_small:
        print("%s too small to compare: no larger than their difference's own error."
              % _count(result.too_small, "gradient was", "gradients were"))
    if result.not_finite:
        cost = net.cost.fn(net.feedforward(x), y)
        print("%s: the cost is inf or NaN a step away from %s of them."
              % ("CANNOT CHECK" if not result.compared else "NOTE",
                 "all" if result.not_finite == result.checked else result.not_finite))
        if not math.isfinite(cost):
            print("The cost of this network on this example is itself %r: an output rounds "
                  "to exactly 0 or 1 where the cost takes its log, so differences of it "
                  "say nothing about backprop.  Try --init default, smaller --sizes or "
                  "another --seed." % cost)
        if not result.compared:
            return EXIT_ERROR
    if not result.compared:
        print("CANNOT CHECK: no gradient was large enough to compare.  Try --init "
              "default, smaller --sizes or another --seed.", flush=True)
        return EXIT_ERROR
    label = "Worst" if result.failed else "Nearest to failing"
    print("%s: %s: backprop %.10g, numerical %.10g, the difference's own error %.2g"
          % (label, gradcheck.place_text(result.where), result.analytic, result.numeric,
             result.error))
    print("Worst relative error beyond the differences' own error: %.3g" % result.worst)
    if result.passed:
        print("PASS: all %d compared agree, within the tolerance %g"
              % (result.compared, args.tolerance), flush=True)
        return EXIT_OK
    if result.failed:
        print("FAIL: %d of the %d compared disagree by more than the tolerance %g"
              % (result.failed, result.compared, args.tolerance), flush=True)
    return EXIT_ERROR


def _count(count, one, many):
    """Return "1 gradient was" or "3 gradients were": a count and the words that go with it."""
    return "%d %s" % (count, one if count == 1 else many)
