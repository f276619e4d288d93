"""Personal data kept out of logs and error reports (PIPL).

Two layers: SQL statements never carry their values into an error message or a log
(``hide_parameters`` on the engine, ``tracker/config.py``), and a logging filter masks
what looks like a mobile phone number or a resident identity card number in whatever
the app, Werkzeug or gunicorn log — messages, arguments and tracebacks alike — in case
some code puts a value into an exception message. The app's own log lines carry
record ids, never names, phones or addresses.
"""
from __future__ import annotations

import logging
import re

# 11-digit mainland mobile numbers and 18-character resident identity card numbers,
# not when they are part of a longer run of digits (a timestamp, a hash).
_PHONE = re.compile(r"(?<![\d])1[3-9]\d{9}(?![\d])")
_ID_CARD = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
LOGGERS = ("tracker", "werkzeug", "gunicorn.error", "gunicorn.access", "sqlalchemy")


def mask_phone(phone: str | None) -> str:
    """How a phone number is shown where the whole number is not needed — lists, the
    audit trail, logs: 138****0001 for a mobile number; a landline keeps only its last
    four digits."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdecimal():
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" + phone[-4:] if len(phone) > 4 else "****"


def scrub(text: str) -> str:
    text = _ID_CARD.sub("[身份证号]", text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


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
