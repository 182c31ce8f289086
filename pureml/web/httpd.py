"""The HTTP plumbing of ``pureml serve``: a threading server no client can hold, answering in JSON.

``Server`` is the standard library's ``http.server.ThreadingHTTPServer``
with limits, and ``JSONHandler`` a ``BaseHTTPRequestHandler`` that checks
each request against its ``routes`` (path -> method) and hands it to
``answer``, which a subclass defines (pureml.web.server has the API).  Every
client is untrusted:

- A request (its request line, headers and body) must arrive in whole
  within ``request_timeout`` seconds (``REQUEST_TIMEOUT``, 10) of the server
  starting to wait for it, however slowly its bytes trickle in; a late one
  gets 408 and its connection is closed, and an idle keep-alive connection
  is closed after as long.  A single read or write waits ``TIMEOUT`` at most.
- At most ``max_connections`` connections are served at once
  (``MAX_CONNECTIONS``, 64, or half the process's open-file limit where that
  is lower); one more is answered 503 at once, without being read, and
  closed.  What this leaves: a client that opens that many connections and
  trickles bytes into each holds every slot for up to ``request_timeout``
  at a time, and the others get a quick 503 meanwhile, never a hang.
- A body over ``MAX_BODY`` bytes (1 MB) gets 413 before it is read; a chunked one
  or none 411; a Content-Length that is not ASCII digits, or two that
  disagree, 400.  ``Expect: 100-continue`` gets its 100 only once the method,
  path and length have passed those checks.
- A request answered without its body having been read (refused, or a GET
  that came with a body) closes its connection, so the body is never read
  as the next request.  Before closing a connection after an answer, the
  server reads and drops what the client still sends, for up to
  LINGER_SECONDS, so that the client reads the answer rather than a reset.
- A wrong method gets 405 with ``Allow``, an unknown path 404, and
  http.server's own refusals (a garbled request line, too many headers)
  their 4xx, each with ``{"error": "..."}`` saying why.  A bug, an exception
  from ``answer`` that is not a ``RequestError``, still answers JSON (a 400
  naming the exception), closes that connection, and the server goes on.
- Nothing is logged unless ``verbose``.
"""

import http.server
import io
import json
import re
import socket
import socketserver
import sys
import threading
import time
import traceback
import urllib.parse
from pureml.errors import RequestError

try:
    import resource             # POSIX: the open-file limit bounds the connections
except ImportError:             # Windows
    resource = None

__all__ = ["Server", "JSONHandler", "RequestError", "bind", "json_bytes", "MAX_BODY",
           "TIMEOUT", "REQUEST_TIMEOUT", "MAX_CONNECTIONS", "default_max_connections"]

#: The largest request body read, in bytes.
MAX_BODY = 2 ** 20

#: Seconds a single read or write on a connection may wait.
TIMEOUT = 10.0

#: Seconds a whole request (request line, headers and body) may take to arrive.
REQUEST_TIMEOUT = 10.0

#: The most connections served at once.
MAX_CONNECTIONS = 64

#: How long, and how many bytes, a refused request's unread body is read and dropped.
LINGER_SECONDS = 2.0
LINGER_BYTES = 8 * MAX_BODY

JSON = "application/json"

_DIGITS = re.compile(r"[0-9]+")         # ASCII only: str.isdigit() takes "²"


class RequestTimeout(socket.timeout):
    """The request did not arrive in whole before its deadline (used inside the handler)."""


def json_bytes(data):
    """Return ``data`` as compact UTF-8 JSON."""
    return json.dumps(data, separators=(",", ":"), allow_nan=False).encode("utf-8")


def default_max_connections():
    """Return MAX_CONNECTIONS, or half the process's open-file limit where that is lower."""
    if resource is None:
        return MAX_CONNECTIONS
    try:
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (OSError, ValueError):
        return MAX_CONNECTIONS
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return MAX_CONNECTIONS
    return max(1, min(MAX_CONNECTIONS, soft // 2))


class _DeadlineReader(io.RawIOBase):
    """A connection's bytes, no read waiting past the handler's deadline for the request."""

    def __init__(self, sock, handler):
        io.RawIOBase.__init__(self)
        self._sock = sock
        self._handler = handler
        self.received = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        handler = self._handler
        remaining = handler.deadline - time.monotonic()
        if remaining <= 0:
            raise RequestTimeout("past the request's deadline")
        self._sock.settimeout(min(remaining, handler.timeout))
        try:
            count = self._sock.recv_into(buffer)
        except socket.timeout:
            raise RequestTimeout("no byte came in time") from None
        finally:
            self._sock.settimeout(handler.timeout)
        self.received += count
        return count


class JSONHandler(http.server.BaseHTTPRequestHandler):
    """Checks every request against ``routes`` and the limits, then calls ``answer``."""

    server_version = "pureml"
    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT

    #: path -> the method it takes, "GET" (HEAD too) or "POST"; a subclass fills it.
    routes = {}

    _linger = False
    deadline = float("inf")

    def answer(self, path, query, body):
        """Return (status, content type, bytes) for a request that passed the checks.

        ``query`` is ``urllib.parse.parse_qs``'s dict, ``body`` the bytes of
        a POST's body (None for GET and HEAD).  Raise RequestError to refuse.
        """
        raise RequestError(404, "no such page: %s" % path[:200])

    # -- reading -------------------------------------------------------------

    def setup(self):
        http.server.BaseHTTPRequestHandler.setup(self)
        self.rfile.close()      # the socket's own file; it would keep the socket open
        self._reader = _DeadlineReader(self.connection, self)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self):
        """Read one request, before its deadline, and answer it; 408 if it came too slowly."""
        self.deadline = time.monotonic() + self.server.request_timeout
        self.raw_requestline, self.requestline, self.command = b"", "", None
        self.request_version = self.default_request_version
        self.headers = None
        self._body_read = False
        start = self._reader.received
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.send_error(414, "the request line is longer than 65536 bytes")
            elif not self.raw_requestline:
                self.close_connection = True        # the client is done
            elif self.parse_request():
                self._dispatch()
        except RequestTimeout:
            self.close_connection = True
            if self.raw_requestline or self._reader.received > start:   # not merely idle
                self.send_error(408, "the request did not arrive in whole within %g "
                                     "seconds" % self.server.request_timeout)
        except OSError:                             # the client went away
            self.close_connection = True
            self._linger = False

    def handle_expect_100(self):
        """Send "100 Continue" only once the method, path and length have been checked."""
        try:
            self._check(self._target()[0])
        except RequestError as exc:
            self._send_json(exc.status, {"error": str(exc)}, exc.headers)
            return False
        if self.command == "POST":
            self.send_response_only(100)
            self.end_headers()
        return True

    def _target(self):
        """Return (path, query dict) of the request target; 400 if it is not one."""
        try:
            url = urllib.parse.urlsplit(self.path)
            return url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True)
        except ValueError as exc:
            raise RequestError(400, "the request target is not a path: %s" % exc) from None

    def _check(self, path):
        """Refuse, before a byte of body is read, a wrong path, a wrong method or a bad length."""
        allowed = self.routes.get(path)
        if allowed is None:
            raise RequestError(404, "no such page: %s" % path[:200])
        method = "GET" if self.command == "HEAD" else self.command
        if method != allowed:
            raise RequestError(405, "%s is not allowed on %s; use %s"
                               % (self.command[:20], path, allowed),
                               {"Allow": "GET, HEAD" if allowed == "GET" else allowed})
        if method == "POST":
            self._body_length()

    def _body_length(self):
        """Return the body's Content-Length, checked (411, 400 or 413) before a byte is read."""
        encodings = self.headers.get_all("Transfer-Encoding")
        if encodings:
            raise RequestError(411, "send the body with a Content-Length, not Transfer-"
                                    "Encoding: %s" % ", ".join(encodings)[:40])
        values = {value.strip() for value in self.headers.get_all("Content-Length") or ()}
        if not values:
            raise RequestError(411, "a POST needs a Content-Length")
        if len(values) > 1:
            raise RequestError(400, "the Content-Length headers disagree (%s); send one"
                               % ", ".join(sorted(repr(v[:20]) for v in values)))
        text = values.pop()
        if not _DIGITS.fullmatch(text):
            raise RequestError(400, "Content-Length must be a number of bytes in the digits "
                                    "0-9, not %r" % text[:40])
        digits = text.lstrip("0") or "0"
        if len(digits) > len(str(MAX_BODY)) or int(digits) > MAX_BODY:
            raise RequestError(413, "the body is %s bytes; at most %d are read"
                               % (digits[:40], MAX_BODY))
        return int(digits)

    def _read_body(self):
        """Return the POST's body, its length checked first; 408 or 400 if it does not all come."""
        length = self._body_length()
        try:
            body = self.rfile.read(length)
        except RequestTimeout:
            raise RequestError(408, "the body did not arrive within %g seconds"
                               % self.server.request_timeout) from None
        except OSError as exc:
            raise RequestError(400, "the body could not be read: %s" % exc) from None
        if len(body) != length:
            raise RequestError(400, "the body ended after %d of its %d bytes"
                               % (len(body), length))
        self._body_read = True
        return body

    def _declares_body(self):
        """Whether the headers announce a body, or a length that cannot be trusted to be 0."""
        if self.headers is None:
            return False
        if self.headers.get_all("Transfer-Encoding"):
            return True
        return any(not _DIGITS.fullmatch(value.strip()) or value.strip().lstrip("0")
                   for value in self.headers.get_all("Content-Length") or ())

    # -- answering -----------------------------------------------------------

    def _dispatch(self):
        """Check and answer one parsed request: always a response, JSON when it is an error."""
        headers = None
        if self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 requests are not answered; send HTTP/1.0 or 1.1")
            return
        try:
            path, query = self._target()
            self._check(path)
            body = self._read_body() if self.command == "POST" else None
            status, content_type, data = self.answer(path, query, body)
        except RequestError as exc:
            status, content_type, data = exc.status, JSON, json_bytes({"error": str(exc)})
            headers = exc.headers
        except Exception as exc:        # a bug: still JSON, and this connection ends
            if self.server.verbose:
                traceback.print_exc()
            self.close_connection = True
            status, content_type, data = 400, JSON, json_bytes(
                {"error": "could not answer: %s: %s" % (type(exc).__name__, exc)})
        self._send(status, content_type, data, headers, head=self.command == "HEAD")

    def _send_json(self, status, data, headers=None):
        self._send(status, JSON, json_bytes(data), headers)

    def _send(self, status, content_type, body, headers=None, head=False):
        """Send one response; close the connection after it if a body was left unread."""
        if not self._body_read and self._declares_body():
            self.close_connection = True        # else the body would be the next request
        self._linger = self.close_connection
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except OSError:             # the client went away: nothing more to say
            self.close_connection = True
            self._linger = False

    def send_error(self, code, message=None, explain=None):
        """Answer http.server's own errors (a malformed request line, say) as JSON, never 5xx."""
        code = code if 400 <= code < 500 else 400
        self.close_connection = True
        if self.request_version == "HTTP/0.9":     # a garbled request line: answer in HTTP/1.0
            self.request_version = "HTTP/1.0"
        self._send_json(code, {"error": message or self.responses.get(code, ("",))[0]})

    def finish(self):
        try:
            http.server.BaseHTTPRequestHandler.finish(self)
        finally:
            if self._linger:
                self._drain()

    def _drain(self):
        """Drop what the client still sends, briefly, so that it reads the answer, not a reset."""
        sock = self.connection
        end = time.monotonic() + LINGER_SECONDS
        left = LINGER_BYTES
        try:
            sock.shutdown(socket.SHUT_WR)
            while left > 0:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    break
                sock.settimeout(remaining)
                chunk = sock.recv(65536)
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def log_message(self, format, *args):
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """A threading HTTP server with a cap on connections; its threads never keep it alive."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, max_connections=None,
                 request_timeout=REQUEST_TIMEOUT, verbose=False):
        if max_connections is None:
            max_connections = default_max_connections()
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1, not %r" % max_connections)
        self.max_connections = max_connections
        self.request_timeout = request_timeout
        self.verbose = verbose
        self._slots = threading.BoundedSemaphore(max_connections)
        http.server.HTTPServer.__init__(self, address, handler)

    def server_bind(self):
        """Bind, naming the server by its address (HTTPServer would look the name up in DNS)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request, client_address):
        """Serve the connection in a thread of its own, or answer 503 when all slots are taken."""
        if not self._slots.acquire(blocking=False):
            self._refuse(request, client_address)
            self.shutdown_request(request)
            return
        try:
            socketserver.ThreadingMixIn.process_request(self, request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            socketserver.ThreadingMixIn.process_request_thread(self, request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request, client_address):
        """Answer 503 without reading the request or waiting on the client."""
        body = json_bytes({"error": "the server is busy: it serves %d connections at once; "
                                    "try again in a moment" % self.max_connections})
        head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                "Retry-After: 1\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
                % (JSON, len(body))).encode("ascii")
        if self.verbose:
            sys.stderr.write("%s - refused: %d connections are open\n"
                             % (client_address[0], self.max_connections))
        try:
            request.setblocking(False)
            request.send(head + body)
            request.recv(65536)     # drop what has come, so that closing sends no reset
        except OSError:
            pass

    def handle_error(self, request, client_address):
        """An exception escaped a handler: a traceback only when verbose."""
        if self.verbose:
            socketserver.TCPServer.handle_error(self, request, client_address)


class Server6(Server):
    """The same server on an IPv6 address."""

    address_family = socket.AF_INET6


def bind(host, port, handler, **limits):
    """Return a Server (Server6 when ``host`` holds a ':') for ``handler`` on (host, port).

    ``limits`` are Server's max_connections, request_timeout and verbose.
    Raises OSError when the address cannot be had.
    """
    server_class = Server6 if ":" in host else Server
    return server_class((host, port), handler, **limits)
