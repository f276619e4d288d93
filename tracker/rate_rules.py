"""How a rate-limit setting is written ("5 per 15 minutes"): read at start-up, where a
mistyped one must stop the app with the variable named (tracker/config.py), and by the
throttle that counts against it (tracker/throttle.py). No app, no database here."""
from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RULE = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.I)


@dataclass(frozen=True)
class Rule:
    amount: int
    seconds: int


def parse_rule(text: str) -> Rule:
    """``"5 per 15 minutes"`` → Rule(5, 900). Refused: anything else, and a rule that
    would let nothing through or count over no time ("0 per hour", "5 per 0 minutes"),
    which would shut the door it guards for good."""
    match = _RULE.match(text or "")
    if not match:
        raise ValueError(f"not a limit like '5 per 15 minutes': {text!r}")
    amount, count, unit = match.groups()
    rule = Rule(int(amount), int(count or 1) * _UNITS[unit.lower()])
    if rule.amount < 1 or rule.seconds < 1:
        raise ValueError(f"a limit lets at least 1 through in at least 1 second: {text!r}")
    return rule
