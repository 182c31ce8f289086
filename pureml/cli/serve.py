"""``pureml serve MODEL``: a page to draw digits on, and the network's answers, in the browser.

It listens on 127.0.0.1:8000 unless ``--host`` and ``--port`` say otherwise
(``--host`` takes IPv6 addresses too, such as ``::1``; ``--port 0`` picks a
free port) and warns when told to listen on every interface (0.0.0.0 or
::).  ``--open`` opens the page in a browser.  A model that does not take
28 x 28 images and give 10 outputs is refused at start with one
``pureml:`` line, and so is an address it cannot have (a busy port is
named, with ``--port N`` and ``--port 0`` as the way out); Ctrl-C stops
the server, with exit status 0.  The page and the API are pureml.web's.
"""

import errno
import ipaddress
import sys
import webbrowser

from pureml import mnist
from pureml.web import server
from pureml.cli.common import EXIT_OK, ArgumentError, load_model, say
from pureml.cli.options import subparser


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
                        help="the address to listen on, IPv4 or IPv6 (default: "
                             "%(default)s; 0.0.0.0 or :: opens it to the network)")
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
    host = args.host.strip()
    if host.startswith("[") and host.endswith("]"):        # [::1], as in a URL
        host = host[1:-1]
    model = load_model(args.model)          # one error line if it does not take 28x28 images
    try:
        httpd = server.make_server(model, host, args.port,
                                   data_root=mnist.data_root(args.data), verbose=args.verbose)
    except OSError as exc:
        raise ArgumentError(address_problem(exc, host, args.port)) from None
    host, port = httpd.server_address[:2]
    url = "http://%s:%d/" % (url_host(host), port)
    if every_interface(host):
        say("pureml: warning: listening on every network interface (%s): anyone who can "
            "reach this computer can use the page" % host)
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


def address_problem(exc, host, port):
    """Return the message for an address that cannot be listened on: what, and what to do."""
    where = "port %d of %s" % (port, host or "every interface")
    if exc.errno == errno.EADDRINUSE:
        return ("%s is in use, by another server (perhaps another pureml serve); give "
                "another with --port N, or --port 0 for any free port" % where)
    if exc.errno == errno.EACCES:
        return ("not allowed to listen on %s (ports below 1024 need the administrator); "
                "give another with --port N, or --port 0 for any free port" % where)
    if exc.errno in (errno.EADDRNOTAVAIL, getattr(errno, "EAFNOSUPPORT", None)):
        return ("cannot listen on %s: %s is not an address of this computer (--host "
                "127.0.0.1 is this computer only)" % (where, host))
    return "cannot listen on %s: %s" % (where, exc.strerror or exc)


def every_interface(host):
    """Whether a server bound to ``host`` listens on every interface (0.0.0.0, ::, "")."""
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host == ""


def url_host(host):
    """Return how a URL names the bound ``host``: 127.0.0.1 or [::1] for every interface."""
    if every_interface(host):
        return "[::1]" if ":" in host else "127.0.0.1"
    return "[%s]" % host if ":" in host else host
