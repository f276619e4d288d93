"""A community robot's webhook URL and signing secret are credentials (whoever has
the URL can post to the work group): they are stored encrypted with a key derived
from SECRET_KEY and only ever shown back masked. Rotating SECRET_KEY makes the
stored ones unreadable: enter them again (the status page says which)."""
from __future__ import annotations

import base64
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


class UnreadableSecret(Exception):
    """Stored under another SECRET_KEY."""


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tracker-reminders",
               info=b"community-webhook").derive(current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret from None


def mask_url(url: str) -> str:
    """https://qyapi.weixin.qq.com/…a1b2: enough to recognise, not enough to use."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…{url[-4:]}"
