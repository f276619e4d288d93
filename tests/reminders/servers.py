"""Real servers on loopback ports for the reminder tests: an SMTP server (aiosmtpd)
and an HTTP server that records what the robots' webhooks and the SMS gateway are
sent, and can be told to fail. Both run in threads of the test process; child
processes of the race test reach them over the loopback, as a job would."""
from __future__ import annotations

import asyncio
import json
import queue
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str
    headers: dict[str, list[str]] = field(default_factory=dict)  # as received, by name


class SmtpServer:
    """aiosmtpd in a thread; ``mails`` is everything it accepted. ``hold``: each message, once
    recorded, waits to be answered — ``held.get()`` gives its recipients and a
    ``threading.Event`` the test sets to let the server answer 250 (a test choreographing
    a send against something else, without the wall clock; never set: a server that takes
    the mail and never answers). ``silent_quit``: QUIT is never answered."""

    def __init__(self):
        self.hold = False
        self.silent_quit = False  # takes the mail (250), then never answers QUIT
        self._stopping = threading.Event()
        self.held: queue.Queue = queue.Queue()
        self.mails: list[Mail] = []
        self.port = free_port()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
        with self._lock:
            headers: dict[str, list[str]] = {}
            for name, value in message.items():
                headers.setdefault(name, []).append(str(value))
            self.mails.append(Mail(list(envelope.rcpt_tos), str(message["Subject"]),
                                   message.get_content(), headers))
        if self.hold:

            answer = threading.Event()
            self.held.put((list(envelope.rcpt_tos), answer))
            # waited for off the server's loop: other connections are still served
            await asyncio.get_running_loop().run_in_executor(None, answer.wait, 60)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.silent_quit:
            await asyncio.get_running_loop().run_in_executor(None, self._stopping.wait, 60)
        return "221 Bye"

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._stopping.set()
        self._controller.stop()


@dataclass
class Post:
    path: str
    query: dict
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


class Recorder:
    """An HTTP server recording every POST. ``fail[path] = "http"`` answers 500,
    ``"robot"`` answers 200 with a robot's error code, ``"redirect"`` a 302 to
    ``/elsewhere`` (where a GET is recorded too, if the redirect is followed), ``"hang"``
    takes the request and never answers (until the server stops): ``hung`` lists them.
    ``"late"`` records the post and answers ``late_by`` seconds later (a gateway that
    sent the SMS and answers after the client's timeout); ``"wecom"`` answers as 企业微信
    does above its documented limit, errcode 40058 when ``markdown.content`` is longer
    than 4,096 bytes of UTF-8."""

    def __init__(self):
        self.posts: list[Post] = []
        self.hung: list[str] = []
        self.fail: dict[str, str] = {}
        self.late_by = 1.5
        self._stopping = threading.Event()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                mode = recorder.fail.get(parts.path)
                if mode == "hang":
                    recorder.hung.append(parts.path)
                    recorder._stopping.wait(60)
                    return
                if mode == "http":
                    self.send_response(500)
                    self.end_headers()
                    return
                if mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "/elsewhere")
                    self.end_headers()
                    return
                recorder.posts.append(Post(parts.path, parse_qs(parts.query),
                                           dict(self.headers.items()), body))
                if mode == "late":
                    recorder._stopping.wait(recorder.late_by)
                answer = {"errcode": 0, "errmsg": "ok"}
                if mode == "robot":
                    answer = {"errcode": 310000, "errmsg": "keywords not in content"}
                elif mode == "wecom" and len(json.loads(body)["markdown"]["content"]
                                             .encode()) > 4096:
                    answer = {"errcode": 40058, "errmsg": "markdown.content exceed max length"}
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):  # noqa: N802 — only a followed redirect comes here
                parts = urlsplit(self.path)
                recorder.posts.append(Post(parts.path, parse_qs(parts.query),
                                           dict(self.headers.items()), b""))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # Polled every 20 ms for shutdown() (half a second by default, paid by every test).
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def to(self, path: str) -> list[Post]:
        return [post for post in self.posts if post.path == path]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()


class Trickler:
    """A server that answers and never finishes: on each connection it sends ``first``
    (an HTTP status line, an SMTP greeting's start), then one byte every ``every``
    seconds, each within any per-read timeout, until the server stops — a half-dead
    proxy or an overloaded gateway. ``connections`` counts who came."""

    def __init__(self, first: bytes, every: float = 0.2):
        self.first, self.every = first, every
        self.connections = 0
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self):
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket):
        with conn:
            try:
                conn.sendall(self.first)
                while not self._stopping.wait(self.every):
                    conn.sendall(b"x")
            except OSError:
                pass  # the client gave up and closed

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._thread.join(5)
        self._listener.close()


class Unaccepting:
    """A port that never accepts: it listens with a backlog of none, and its queue is
    filled by connections nobody accepts, so the kernel drops every further SYN and a
    client's connect waits until its own timeout — a gateway behind a dead route or a
    firewall that drops. Nothing can reach it: a timeout here delivered nothing."""

    def __init__(self):
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self.port = self._listener.getsockname()[1]
        self._queued: list[socket.socket] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        for _ in range(3):  # more than the queue holds
            queued = socket.socket()
            queued.setblocking(False)
            queued.connect_ex(("127.0.0.1", self.port))
            self._queued.append(queued)
        return self

    def stop(self):
        for queued in self._queued:
            queued.close()
        self._listener.close()
