"""Every file download (月报 Word/Excel/CSV, 服务记录 Excel, 加入日历 .ics, the import
templates, a resident's data export) goes through ``offer_download``, so the in-app
browser of WeChat is recognised in one place.

WeChat's browser (Android above all) does not save files: a download link there does
nothing. Instead of the file it gets a page that says how to open the link in the phone's
browser, the link to copy, and what the file holds, readable right there.
"""
from __future__ import annotations

from typing import Callable

from flask import Response, render_template, request

WECHAT_MARK = "micromessenger"  # in the User-Agent of WeChat's in-app browser


def in_wechat() -> bool:
    return WECHAT_MARK in request.headers.get("User-Agent", "").lower()


def offer_download(make_file: Callable[[], Response], *, filename: str, preview: str,
                   link: str | None = None, **context) -> Response:
    """The file from ``make_file()``; inside WeChat, the page instead, with ``preview``
    (a template given ``context``) showing the file's content. ``link``: the page to open
    in the phone's browser when the download itself is not a link (a form's POST)."""
    if in_wechat():
        response = Response(render_template("downloads/wechat.html", filename=filename,
                                            link=link or request.url, preview=preview,
                                            **context))
    else:
        response = make_file()
    # The same URL answers differently by browser: no cache may give one the other's.
    response.vary.add("User-Agent")
    return response
