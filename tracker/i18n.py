"""Which language a page is shown in: zh_CN unless the visitor chose English."""
from __future__ import annotations

from flask import has_request_context, request, session

SUPPORTED = ("zh_CN", "en")
DEFAULT = "zh_CN"


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work
        return DEFAULT
    chosen = request.args.get("lang")
    if chosen:
        chosen = "zh_CN" if chosen.lower().startswith("zh") else chosen
        if chosen in SUPPORTED:
            session["lang"] = chosen
    return session.get("lang", DEFAULT)
