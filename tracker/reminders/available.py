"""Which push channels this installation has settings for.

Apart from ``channels.py`` on purpose: pages ask this, and a page must never reach the
code that sends (sending is ``flask send-reminders``'s job; tests/test_architecture.py).
"""
from __future__ import annotations


def configured(config: dict) -> set[str]:
    """The push channels this installation has settings for (webhooks: per community)."""
    found = {"wecom", "dingtalk"}
    if config.get("SMTP_HOST"):
        found.add("email")
    if config.get("SMS_GATEWAY_URL"):
        found.add("sms")
    return found
