"""How a message leaves: e-mail (SMTP), SMS (a county's HTTP gateway), and a
community work group's robot (企业微信, 钉钉). Each sender raises ``ChannelError``
when the message did not go out; the job then keeps the row, its error, and
retries it later. It raises ``Unconfirmed`` when the message was handed over in full
and no answer came: the other side may have it, so the job does not send it again on
its own. In-app messages need no sender: the row is the message.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import smtplib
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote_plus, urlsplit

from flask_babel import gettext as _

from ..config import mail_from
from ..fields import one_line
from ..privacy import scrub
from ..timeutil import to_local, utcnow


class ChannelError(Exception):
    """The message did not go out; ``str()`` is what the status page shows and the
    command prints — masked (``privacy.scrub``) whatever the server quoted: a gateway
    echoing +8613800000002, an SMTP server the refused address."""

    def __init__(self, text: str):
        super().__init__(scrub(text))


class Unconfirmed(ChannelError):
    """The message was handed over in full — an HTTP request written to its last byte,
    an e-mail's DATA ended by its final dot — and no answer followed (the read timed
    out, the delivery's deadline fired, the connection dropped). A gateway that answers
    late has usually sent the SMS already: retrying it on a timer is how a member got
    the same reminder five times, so a person decides (提醒发送状态's 重试)."""


class _Phase:
    """How far one delivery got. Only what is known to have been handed over counts:
    a failure before that (no DNS, connection refused, a connect or TLS timeout, a
    write cut short) reached nobody and is safe to retry."""

    def __init__(self):
        self.submitted = False  # the whole request (the mail's final dot) was written
        self.accepted = False  # SMTP: 250 after the final dot


def _smtp_error(error: BaseException) -> str:
    """An SMTP failure as its code and the server's words, not the recipients it lists
    (``SMTPRecipientsRefused`` is a dict keyed by address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        code, words = answers[0] if answers else (None, b"")
        text = words.decode(errors="replace") if isinstance(words, bytes) else str(words)
        return f"SMTP: recipient refused: {code} {text}".strip()
    if isinstance(error, smtplib.SMTPResponseException):
        words = error.smtp_error
        text = words.decode(errors="replace") if isinstance(words, bytes) else str(words)
        return f"SMTP: {error.smtp_code} {text}"
    return f"SMTP: {error}"


class DeliveryTimeout(TimeoutError):
    """The whole delivery took longer than REMINDER_HTTP_TIMEOUT."""


class _Deadline:
    """One delivery's total time. ``timeout=`` bounds each socket operation only, and a
    server that trickles a byte within each (a half-dead proxy, an overloaded gateway)
    would hold the run for ever: at the deadline the delivery's sockets are shut down,
    which ends the read waiting on them, and whatever the delivery raised (or returned)
    becomes a ``DeliveryTimeout`` — a timeout like a silent server's."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket) -> socket.socket:
        """Shut ``sock`` down at the deadline. A duplicate of its descriptor is kept: it
        still reaches the connection once TLS has taken the socket over."""
        with self._lock:
            copy = sock.dup()
            self._sockets.append(copy)
            if self.expired:
                self._shut(copy)
        return sock

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            expired = self.expired
        if expired:  # an answer cut short by the deadline is no answer
            raise DeliveryTimeout(f"timed out: no complete answer within {self.seconds:g} s") \
                from None


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # plain text, lines
    link: str | None = None  # absolute when REMINDER_BASE_URL is set
    sent_at: datetime | None = None  # the run's clock as it leaves (an e-mail's Date:)
    # The SMS's own words (no link) when the body is too long for one: a bundle's or a
    # digest's count. None: the body, its title cut to fit (``sms_text``).
    sms: str | None = None
    # The message's stable id, the same on every try of the same outbox rows: a gateway
    # that got it once (and answered too late) can drop the repeat.
    key: str | None = None


def _text(message: Message) -> str:
    return message.body + (f"\n{message.link}" if message.link else "")


# --- e-mail ----------------------------------------------------------------------------

class _WatchedSMTP(smtplib.SMTP):
    """SMTP whose (raw) socket the delivery's deadline shuts down, and which notes in
    ``phase`` when the message was handed over (its final dot written) and taken (250)."""

    def __init__(self, *args, deadline: _Deadline, phase: _Phase, **kwargs):
        self._deadline, self._phase = deadline, phase
        super().__init__(*args, **kwargs)

    def _get_socket(self, host, port, timeout):
        return self._deadline.watch(super()._get_socket(host, port, timeout))

    def send(self, s):
        super().send(s)
        # Only DATA's content ends with CRLF "." CRLF (every command is one line): once it
        # is written, the server may deliver the mail whatever happens to its answer.
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self._phase.submitted = True

    def data(self, msg):
        code, reply = super().data(msg)
        if code == 250:
            self._phase.accepted = True
        return code, reply


class _WatchedSMTPSSL(smtplib.SMTP_SSL, _WatchedSMTP):
    """SMTPS: SMTP_SSL wraps the socket _WatchedSMTP watched (before the handshake)."""

    def __init__(self, *args, deadline: _Deadline, phase: _Phase, **kwargs):
        self._deadline, self._phase = deadline, phase
        smtplib.SMTP_SSL.__init__(self, *args, **kwargs)


def _mail_domain(config: dict, sender: str | None) -> str | None:
    """The right side of a Message-ID: the host members open the app at (PUBLIC_URL,
    REMINDER_BASE_URL), else the From address's domain — never the machine's own name,
    which make_msgid would otherwise put in every mail."""
    for url in (config.get("PUBLIC_URL"), config.get("REMINDER_BASE_URL")):
        host = urlsplit(url or "").hostname
        if host:
            return host
    if sender and "@" in sender:
        return sender.rsplit("@", 1)[1].strip(" >") or None
    return None


def _sender_address(name: str | None, address: str):
    """From: as 「社区共建任务台账 <tracker@…>」 rather than a bare address; the address
    alone when it cannot be parsed as one (a name of its own, already formatted)."""
    if not name or "<" in address or "@" not in address:
        return address
    user, domain = address.rsplit("@", 1)
    return Address(display_name=name, username=user, domain=domain)


class EmailSender:
    def __init__(self, config: dict):
        self.host = config["SMTP_HOST"]
        self.name = config.get("SMTP_FROM_NAME")
        self.settings_link = f"{config['REMINDER_BASE_URL']}/me/settings" \
            if config.get("REMINDER_BASE_URL") else "/me/settings"
        self.port = config["SMTP_PORT"]
        self.security = (config["SMTP_SECURITY"] or "plain").lower()
        self.user, self.password = config["SMTP_USER"], config["SMTP_PASSWORD"]
        self.sender = mail_from(config)
        self.domain = _mail_domain(config, self.sender)
        self.timeout = config["REMINDER_HTTP_TIMEOUT"]
        self.ca_file = config.get("SMTP_CA_FILE")

    def _tls(self) -> ssl.SSLContext:
        """The server's certificate is always verified (against SMTP_CA_FILE if set)."""
        return ssl.create_default_context(cafile=self.ca_file)

    def send(self, to_address: str, message: Message) -> None:
        if not self.sender:  # never a mail "From: None" (load_config refuses this at start)
            raise ChannelError("SMTP: no From address: set SMTP_FROM")
        mail = EmailMessage()
        # One line: the mail library refuses a header with a line break in it (a task
        # title stored with one before titles were kept to one line, review37 F1).
        mail["Subject"] = one_line(message.subject)
        mail["From"] = _sender_address(self.name, self.sender)
        mail["To"] = to_address
        # RFC 3834: no out-of-office reply comes back to the bureau's mailbox.
        mail["Auto-Submitted"] = "auto-generated"
        # RFC 5322 requires Date; a relay adds neither it nor Message-ID for a remote
        # client (Postfix), and without them mail apps misorder the reminders and spam
        # filters score them. Beijing time, as the member reads it (+0800).
        mail["Date"] = format_datetime(to_local(message.sent_at or utcnow()))
        mail["Message-ID"] = make_msgid(domain=self.domain)
        mail.set_content(_text(message) + "\n\n-- \n" + _(
            "这是社区共建任务台账的自动提醒。如不想收到邮件，请在“我的设置 → 提醒设置”中关闭：%(link)s",
            link=self.settings_link))
        phase = _Phase()
        try:
            with _Deadline(self.timeout) as deadline:
                if self.security == "ssl":
                    server = _WatchedSMTPSSL(self.host, self.port, timeout=self.timeout,
                                             context=self._tls(), deadline=deadline,
                                             phase=phase)
                else:
                    server = _WatchedSMTP(self.host, self.port, timeout=self.timeout,
                                          deadline=deadline, phase=phase)
                with server:
                    if self.security == "starttls":
                        server.starttls(context=self._tls())
                    if self.user:
                        server.login(self.user, self.password or "")
                    server.send_message(mail)
        except (smtplib.SMTPException, OSError) as error:
            if phase.accepted:
                return  # the server said 250 to the mail: a QUIT unanswered takes nothing back
            if phase.submitted and not isinstance(error, smtplib.SMTPResponseException):
                raise Unconfirmed(_smtp_error(error)) from None
            raise ChannelError(_smtp_error(error)) from None


# --- HTTP ------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot or gateway answers; it does not send the post on elsewhere (a redirect
    would carry the reminders to an address nobody checked): a 3xx is a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _watched(connection: type, deadline: _Deadline, phase: _Phase):
    """``connection`` (HTTP or HTTPS) whose raw socket ``deadline`` shuts down, and which
    notes in ``phase`` when the request was written in full. urllib reports a connect
    timeout and a read timeout alike (``URLError(TimeoutError)``), so the phase is taken
    here: connect (and TLS) first, then write the request, then wait for the answer."""

    def make(*args, **kwargs):
        made = connection(*args, **kwargs)
        create = made._create_connection
        made._create_connection = lambda *a, **k: deadline.watch(create(*a, **k))
        request = made.request

        def request_in_phases(*a, **k):
            if made.sock is None:
                made.connect()  # a failure here reached nobody
            request(*a, **k)
            phase.submitted = True  # from here on, the other side may have acted on it
        made.request = request_in_phases
        return made
    return make


class _Watching:
    """A urllib handler whose connections the delivery's deadline watches."""

    def __init__(self, deadline: _Deadline, phase: _Phase):
        super().__init__()
        self.deadline, self.phase = deadline, phase

    def do_open(self, http_class, req, **kwargs):
        return super().do_open(_watched(http_class, self.deadline, self.phase), req, **kwargs)


class _HTTPHandler(_Watching, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_Watching, urllib.request.HTTPSHandler):
    pass


def _opener(deadline: _Deadline, phase: _Phase):
    return urllib.request.build_opener(_NoRedirect, _HTTPHandler(deadline, phase),
                                       _HTTPSHandler(deadline, phase))


def _post(url: str, body: bytes, headers: dict, timeout: float, method: str = "POST") -> bytes:
    if not url.lower().startswith(("http://", "https://")):
        raise ChannelError("HTTP: only http(s) addresses are sent to")
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              **headers})
    phase = _Phase()
    try:
        with _Deadline(timeout) as deadline:
            with _opener(deadline, phase).open(request, timeout=timeout) as response:  # nosec B310 - http(s) only (checked)
                return response.read()
    except urllib.error.HTTPError as error:
        raise ChannelError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        if phase.submitted:  # written in full, no (complete) answer: it may have been acted on
            raise Unconfirmed(f"{getattr(error, 'reason', error)}") from None
        raise ChannelError(f"{getattr(error, 'reason', error)}") from None


def _robot_answer(raw: bytes) -> None:
    """Both robots answer 200 with {"errcode": 0, "errmsg": "ok"}; anything else failed."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise ChannelError("robot answered with something other than JSON") from None
    if answer.get("errcode", 0) != 0:
        raise ChannelError(f"robot errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


# The robots' documented limits of a markdown message, in bytes of UTF-8: 企业微信
# 群机器人 "content … 最长不超过4096个字节", 钉钉 自定义机器人 20000 bytes. A longer one
# is refused (企业微信 errcode 40058), every day the digest is that long.
WECOM_LIMIT = 4096
DINGTALK_LIMIT = 20000


def _cut_bytes(text: str, limit: int) -> str:
    """``text`` within ``limit`` bytes of UTF-8, cut at a character and marked 「…」."""
    if len(text.encode()) <= limit:
        return text
    mark = "…"
    return text.encode()[:max(limit - len(mark.encode()), 0)].decode(errors="ignore") + mark


def _markdown(message: Message, limit: int) -> str:
    """The robot's markdown, within ``limit`` bytes: the subject and the link always,
    the body cut if it must be (a digest already lists only its first few)."""
    head = f"### {_cut_bytes(one_line(message.subject), 600)}\n\n"  # a heading is one line
    tail = f"\n\n[打开台账]({message.link})" if message.link else ""
    room = limit - len(head.encode()) - len(tail.encode())
    return head + _cut_bytes(message.body.replace("\n", "\n\n"), room) + tail


class WeComSender:
    """企业微信群机器人: POST {"msgtype": "markdown", "markdown": {"content": …}}."""

    def __init__(self, config: dict):
        self.timeout = config["REMINDER_HTTP_TIMEOUT"]

    def send(self, url: str, secret: str | None, message: Message) -> None:
        payload = {"msgtype": "markdown",
                   "markdown": {"content": _markdown(message, WECOM_LIMIT)}}
        _robot_answer(_post(url, json.dumps(payload, ensure_ascii=False).encode(), {},
                            self.timeout))


def dingtalk_signed(url: str, secret: str, now_ms: int | None = None) -> str:
    """钉钉 加签: timestamp (ms) and sign = base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={quote_plus(base64.b64encode(digest))}"


class DingTalkSender:
    """钉钉群机器人: POST {"msgtype": "markdown", "markdown": {"title", "text"}}, signed
    when the robot has a secret (安全设置 → 加签)."""

    def __init__(self, config: dict):
        self.timeout = config["REMINDER_HTTP_TIMEOUT"]

    def send(self, url: str, secret: str | None, message: Message) -> None:
        payload = {"msgtype": "markdown",
                   "markdown": {"title": one_line(message.subject),
                                "text": _markdown(message, DINGTALK_LIMIT)}}
        target = dingtalk_signed(url, secret) if secret else url
        _robot_answer(_post(target, json.dumps(payload, ensure_ascii=False).encode(), {},
                            self.timeout))


class SmsSender:
    """A generic SMS gateway: the county's provider behind a URL template, a JSON body
    template and an HMAC-SHA256 signature (of "timestamp\\nbody") in a header."""

    def __init__(self, config: dict):
        self.url = config["SMS_GATEWAY_URL"]
        self.method = config["SMS_GATEWAY_METHOD"]
        self.template = json.loads(config["SMS_BODY_TEMPLATE"])
        self.secret = config["SMS_SIGNING_SECRET"]
        self.signature_header = config["SMS_SIGNATURE_HEADER"]
        self.timestamp_header = config["SMS_TIMESTAMP_HEADER"]
        self.timeout = config["REMINDER_HTTP_TIMEOUT"]
        self.signature = config.get("SMS_SIGNATURE") or ""
        self.key_header = config.get("SMS_IDEMPOTENCY_HEADER") or ""
        # Many gateways answer HTTP 200 with the error in the body (阿里云 {"Code": …},
        # 腾讯云 SendStatusSet[0].Code): when set, this field of the JSON answer must be
        # SMS_SUCCESS_VALUE, or the message did not go out.
        self.success_field = (config.get("SMS_SUCCESS_FIELD") or "").strip()
        self.success_value = str(config.get("SMS_SUCCESS_VALUE") or "0").strip()

    def _fill(self, value, fields: dict):
        if isinstance(value, str):
            for name, text in fields.items():
                value = value.replace("{" + name + "}", text)
            return value
        if isinstance(value, dict):
            return {k: self._fill(v, fields) for k, v in value.items()}
        if isinstance(value, list):
            return [self._fill(v, fields) for v in value]
        return value

    def send(self, phone: str, message: Message) -> None:
        fields = {"phone": phone, "subject": message.subject, "id": message.key or "",
                  "text": sms_text(message, self.signature)}
        body = json.dumps(self._fill(self.template, fields), ensure_ascii=False).encode()
        headers = {self.key_header: message.key} if self.key_header and message.key else {}
        if self.secret:
            timestamp = str(int(time.time()))
            headers[self.timestamp_header] = timestamp
            headers[self.signature_header] = hmac.new(
                self.secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()
        answer = _post(self.url.replace("{phone}", quote_plus(phone)), body, headers,
                       self.timeout, method=self.method)
        if self.success_field:
            self._check(answer)

    def _check(self, raw: bytes) -> None:
        """The gateway's JSON answer says it sent: ``success_field`` (dotted, list items by
        number: ``SendStatusSet.0.Code``) equals ``success_value``. A refusal is quoted
        as the gateway's code and message only, never the answer itself: it echoes the
        phone number (腾讯云's PhoneNumber, SerialNo …)."""
        try:
            value = json.loads(raw or b"")
        except ValueError:
            raise ChannelError("SMS gateway answered with something other than JSON") from None
        holder = value
        for part in self.success_field.split("."):
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                holder, value = value, value[int(part)]
            elif isinstance(value, dict) and part in value:
                holder, value = value, value[part]
            else:
                raise ChannelError(f"SMS gateway answer has no {self.success_field}"
                                   + _gateway_words(value))
        if str(value) != self.success_value:
            raise ChannelError(f"SMS gateway answered {self.success_field}={_short(value)}"
                               + _gateway_words(holder))


# Where gateways put their words next to their code: 腾讯云 SendStatusSet[i].Message and
# Response.Error.Message, 阿里云 Message, robots and many others errmsg / msg.
_WORDS = ("Message", "message", "errmsg", "ErrMsg", "msg", "Msg", "error_description")


def _short(value, limit: int = 100) -> str:
    """A code or a message, cut short; an object or a list (a misnamed field) only by
    its kind, not its content."""
    if isinstance(value, (dict, list)):
        return f"<{type(value).__name__}>"
    return str(value)[:limit]


def _gateway_words(holder) -> str:
    """``: <message>`` of the object holding the code (or of its ``Error``), else ""."""
    for place in (holder, holder.get("Error") if isinstance(holder, dict) else None):
        if isinstance(place, dict):
            for name in _WORDS:
                if isinstance(place.get(name), (str, int)):
                    return f": {_short(str(place[name]))}"
    return ""


# What one SMS may cost: a Chinese SMS is billed as one part up to 70 characters, and
# above that in parts of 67. Every SMS stays within two parts, signature and link
# included: the title is cut (「…」) to make room, never the link.
SMS_PART = 67
SMS_BUDGET = 2 * SMS_PART
SHORTEST_TITLE = 8  # a title is not cut shorter than this; the rest of the text is


def _sms_words(message: Message) -> str:
    """The body alone when it already names what the subject names (every kind's body
    does: "明天的任务：X" → "您认领的任务明天开始：X…"), else "subject：body"."""
    if message.sms:
        return message.sms
    named = message.subject.split("：", 1)[-1]
    if named and named in message.body:
        return message.body
    return f"{message.subject}：{message.body}"


def shorten(text: str, title: str, room: int) -> str:
    """``text`` within ``room`` characters: the title cut first, then the text's end."""
    if len(text) <= room:
        return text
    if title and title in text:
        keep = max(len(title) - (len(text) - room) - 1, SHORTEST_TITLE)
        if keep < len(title):
            text = text.replace(title, title[:keep] + "…")
    if len(text) > room:
        text = text[:max(room - 1, 0)] + "…"
    return text


def sms_text(message: Message, signature: str = "", budget: int = SMS_BUDGET) -> str:
    """One SMS within ``budget`` characters: the signature (SMS_SIGNATURE), the words
    with the title cut to fit, and the whole link."""
    tail = f"\n{message.link}" if message.link else ""
    title = message.subject.split("：", 1)[1] if "：" in message.subject else ""
    return signature + shorten(_sms_words(message), title,
                                budget - len(signature) - len(tail)) + tail


def senders(config: dict) -> dict:
    made = {"wecom": WeComSender(config), "dingtalk": DingTalkSender(config)}
    if config.get("SMTP_HOST"):
        made["email"] = EmailSender(config)
    if config.get("SMS_GATEWAY_URL"):
        made["sms"] = SmsSender(config)
    return made
