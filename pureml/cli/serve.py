"""``pureml serve MODEL``: a page to draw digits on, and the network's answers, in the browser."""

import sys
import webbrowser

from pureml import mnist, server
from pureml.cli.common import EXIT_OK, say
from pureml.cli.options import subparser

_EVERY_INTERFACE = ("0.0.0.0", "::", "")


def add_parser(commands):
    """Add the ``serve`` command to ``commands``; return its parser."""
    parser = subparser(
        commands, "serve", "draw digits in the browser and watch the network read them",
        "Serve a page where you draw a digit with the mouse, a pen or a finger and\n"
        "see the network's answer, the 28x28 image it saw, its ten outputs, its\n"
        "hidden neurons and what they look for, and real MNIST test digits.  It\n"
        "listens on 127.0.0.1 (this computer only) unless --host says otherwise.\n"
        "Ctrl-C stops it.")
    parser.set_defaults(func=run)
    parser.add_argument("model", metavar="MODEL.json",
                        help="a network saved by train --save (either kind)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: %(default)s; 0.0.0.0 "
                             "opens it to the network)")
    parser.add_argument("--port", type=int, default=8000,
                        help="the port (default: %(default)s; 0 picks a free one)")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--data", metavar="DIR",
                        help="the data folder, for the random test images (default: "
                             "$PUREML_DATA, else ~/.cache/pureml)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="log every request on stderr")
    return parser


def run(args):
    """Serve until Ctrl-C; return the exit status."""
    if not 0 <= args.port <= 65535:
        args.parser.error("argument --port: expected 0 to 65535, not %d" % args.port)
    httpd = server.make_server(args.model, args.host, args.port,
                               data_root=mnist.data_root(args.data), verbose=args.verbose)
    host, port = httpd.server_address[:2]
    shown = "[%s]" % host if ":" in host else host
    url = "http://%s:%d/" % ("127.0.0.1" if args.host in _EVERY_INTERFACE else shown, port)
    if args.host in _EVERY_INTERFACE:
        say("pureml: warning: listening on every network interface (%s): anyone who can "
            "reach this computer can use the page" % (args.host or "all"))
    print("Serving %s at %s  (Ctrl-C stops)" % (args.model, url), flush=True)
    if args.open:
        webbrowser.open(url)
    try:
        httpd.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        say("Stopped.")
        return EXIT_OK      # Ctrl-C is how a server is stopped: not an error
    finally:
        httpd.server_close()
        sys.stdout.flush()
    return EXIT_OK
