"""Personal data kept out of logs and error reports (PIPL).

Two layers: SQL statements never carry their values into an error message or a log
(``hide_parameters`` on the engine, ``tracker/config.py``), and a logging filter masks
what looks like a mobile phone number (with or without +86 / 86 / 0086), an e-mail
address or a resident identity card number in whatever the app, Werkzeug or gunicorn
log — messages, arguments and tracebacks alike — in case some code puts a value into
an exception message, and replaces the secret of a secret link (``/invite/<token>``,
``/c/<token>``, ``/me/feed/<token>.ics``) with ``…``: the link is the credential. The
app's own log lines carry record ids, never names, phones or addresses. ``scrub`` is
also what a channel's error passes through before the outbox keeps or the reminders
command prints it (``tracker/reminders``).
"""
from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import unquote

# 11-digit mainland mobile numbers, also with the country code (+86, 86, 0086, as an SMS
# gateway writes them: +8613800000002), and 18-character resident identity card numbers,
# not when they are part of a longer run of digits (a timestamp, a hash). A mobile is
# matched as the searches read one (``phones.phone_fragment``): in full-width digits, and
# 3-4-4 with a blank or a dash between the groups (「138 1234 5678」, 「138-1234-5678」),
# also as a URL writes them (%20 or + for the blank, %EF%BC%91 for a full-width 1).
_D = r"(?:[0-9\uff10-\uff19]|%[Ee][Ff]%[Bb][Cc]%9[0-9])"  # a digit, ASCII or full-width
_ONE = r"(?:[1\uff11]|%[Ee][Ff]%[Bb][Cc]%91)"
_THREE_TO_NINE = r"(?:[3-9\uff13-\uff19]|%[Ee][Ff]%[Bb][Cc]%9[3-9])"
_SEP = (r"(?:[ +\-\u2010-\u2015\u2212\u3000\ufe58\ufe63\uff0d]|%20|%2[Bb]|%[Ee]3%80%80"
        r"|%[Ee][Ff]%[Bb][Cc]%8[Dd])?")
_PHONE = re.compile(
    # not after a digit — but after a %XX escape (%20, a Chinese character's) it may
    # start, unless that escape is a full-width digit's
    rf"(?:(?<=%[0-9A-Fa-f]{{2}})|(?<!\d))(?<!%[Ee][Ff]%[Bb][Cc]%9[0-9])"
    rf"(?P<code>(?:\+|00|%2[Bb])?86{_SEP})?"
    rf"(?P<number>{_ONE}{_THREE_TO_NINE}{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}})"
    rf"(?!\d|%[Ee][Ff]%[Bb][Cc]%9[0-9])")
_ID_CARD = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
_EMAIL = re.compile(r"(?<![\w.%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@"
                    r"((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})")
# The secret in a secret link's path, also URL-encoded (a login page's ?next=%2Fc%2F…);
# /invite/manage is the admin's page, not a link.
_SLASH = r"(?:/|%2[Ff])"
_SECRET_LINK = re.compile(rf"({_SLASH}(?:invite|c|me{_SLASH}feed){_SLASH})"
                          r"(?!manage(?![A-Za-z0-9_-]))[A-Za-z0-9_-]+")
HIDDEN = "…"
LOGGERS = ("tracker", "werkzeug", "gunicorn.error", "gunicorn.access", "sqlalchemy")


# A member 停用 longer than MEMBER_RETENTION_DAYS keeps the name but not the phone
# (services/member_retention.py). ``member.phone`` is the login key, unique and NOT NULL,
# so it then holds a placeholder, "-" and the member's id: unique, never a mobile number
# (those are 11 digits from 1), so no login, import or search ever finds it.
ERASED_PHONE_MARK = "-"


def erased_phone(member_id: int) -> str:
    return f"{ERASED_PHONE_MARK}{member_id}"


def phone_held(phone: str | None) -> str | None:
    """The phone number, or None when there is none or it was erased (the placeholder
    stands for no number and is never shown)."""
    return None if not phone or phone.startswith(ERASED_PHONE_MARK) else phone


def mask_phone(phone: str | None) -> str:
    """How a phone number is shown where the whole number is not needed — lists, the
    audit trail, logs: 138****0001 for a mobile number; a landline keeps only its last
    four digits."""
    phone = phone_held(phone)
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdecimal():
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" + phone[-4:] if len(phone) > 4 else "****"


def mask_email(address: str | None) -> str:
    """z***@example.com: the first letter and the domain, which say whose and where
    enough for whoever reads an error."""
    if not address or "@" not in address:
        return address or ""
    local, _at, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def scrub(text: str) -> str:
    """``text`` with phones and e-mail addresses masked, identity card numbers and the
    secrets of secret links taken out: what a log line or a kept error may say."""
    text = _SECRET_LINK.sub(lambda m: m.group(1) + HIDDEN, text)
    text = _ID_CARD.sub("[身份证号]", text)
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    return _PHONE.sub(lambda m: (m.group("code") or "") + mask_phone(_digits(m.group("number"))),
                      text)


def _digits(number: str) -> str:
    """A matched mobile as ``mask_phone`` reads it: eleven ASCII digits."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", unquote(number)))


def mask_phones(text: str | None) -> str | None:
    """A task's free text (title, 地点, 服务对象, 说明) as members and calendars get it:
    a mobile or identity number typed into it masked (the register alone holds a
    resident's phone in full)."""
    return scrub(text) if text else text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a broken format string: leave it to logging
            return True
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_FILTER = PersonalDataFilter()


def install(app) -> None:
    """The filter on the loggers whose records may quote a request or a failure."""
    from flask.logging import default_handler

    app.logger  # noqa: B018 — makes Flask set up its logger (and default handler) now
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    if _FILTER not in default_handler.filters:
        default_handler.addFilter(_FILTER)
