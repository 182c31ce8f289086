"""Tests for ``pureml serve``'s command: an address it cannot have is one line saying what to do.

The page and the API are tests.test_web_server's; serving runs there too.
"""

import errno
import socket
import unittest
from unittest import mock

from pureml.cli import serve
from pureml.web import server
from tests import cli_support
from tests.cli_support import SHARED, CommandCase, main_in_process


def setUpModule():
    cli_support.setUpModule()


class AddressTest(CommandCase):

    def test_a_busy_port_is_named_with_the_way_out(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            status, out, err = main_in_process("serve", SHARED.model, "--port", str(port))
        self.assertEqual((status, out), (1, ""))
        self.assertEqual(err, "pureml: port %d of 127.0.0.1 is in use, by another server "
                              "(perhaps another pureml serve); give another with --port N, or "
                              "--port 0 for any free port\n" % port)

    def test_a_port_it_may_not_have(self):
        def refused(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied")
        with mock.patch.object(server, "make_server", refused):
            status, _out, err = main_in_process("serve", SHARED.model, "--port", "80")
        self.assertEqual(status, 1)
        self.assertIn("not allowed to listen on port 80 of 127.0.0.1", err)
        self.assertIn("--port N, or --port 0", err)

    def test_an_address_that_is_not_this_computers(self):
        message = serve.address_problem(OSError(errno.EADDRNOTAVAIL, "Cannot assign"),
                                        "10.1.2.3", 8000)
        self.assertEqual(message, "cannot listen on port 8000 of 10.1.2.3: 10.1.2.3 is not an "
                                  "address of this computer (--host 127.0.0.1 is this "
                                  "computer only)")

    def test_any_other_failure_says_what_the_system_said(self):
        message = serve.address_problem(OSError(errno.EMFILE, "Too many open files"),
                                        "127.0.0.1", 8000)
        self.assertEqual(message, "cannot listen on port 8000 of 127.0.0.1: Too many open files")


if __name__ == "__main__":
    unittest.main()
