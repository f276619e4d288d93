"""What an edit page showed of a record, posted back with its form, and the three-way
merge of the post with the record as stored now.

Two people may open the same edit page (an admin and the community's liaison, two
liaisons of one community). Without this, whoever saves last writes every field of
their page back, and silently puts back what the other changed meanwhile (a resident's
new phone, a task's new place, the other's 存在问题). So the page posts, in a hidden
``VersionField`` named ``shown``, the edited fields as it showed them (``shown_key``),
and the service, under the record's row lock — so two saves at once take turns and the
second is merged with what the first wrote — merges field by field (``merge``):

- posted as the page showed it (its user did not touch it): what is stored now stays,
  another's change made since is kept (``kept``);
- posted otherwise, stored still as shown: the posted value is written;
- posted as stored: nothing to decide;
- posted otherwise, and another changed it to something else since (or the key does not
  say what the page showed): a conflict — the post is refused whole (``StaleEdit``),
  nothing written, and the page is shown again with what was typed and the other's
  value next to it.

The member form (``directory.merge_member_form``) is the first user and adds its own
rule for the roll history. Values are JSON-plain (text, numbers, None, booleans, lists
of ids, dates as ISO text): the key is JSON in URL-safe base64, a plain token in the
page. It says what the page showed, no more — the fields are on the page already.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from . import ServiceError


def shown_key(values: dict) -> str:
    """The page's hidden ``shown``: ``values`` (field → plain value) as a token."""
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def shown_then(key: str | None) -> dict:
    """The fields as the page showed them (its ``shown_key``); {} when the key is
    unreadable (a page of nothing: every field the post changes is then a conflict)."""
    try:
        then = json.loads(base64.urlsafe_b64decode((key or "").encode("ascii")))
    except (ValueError, binascii.Error):  # UnicodeError is a ValueError
        then = None
    return then if isinstance(then, dict) else {}


@dataclass(frozen=True)
class ShownChange:
    """A field changed since the page was read: ``shown`` what the page showed
    (``known`` False: the page's key does not say), ``now`` what is stored now."""

    field: str
    shown: object
    now: object
    known: bool = True


@dataclass(frozen=True)
class Merge:
    """A post merged with the record as stored now: ``keep`` the fields to write back
    as stored (the post left them as shown; another's change stays), ``conflicts`` and
    ``kept`` as the module says, ``then`` the fields as the page showed them."""

    then: dict
    keep: dict
    conflicts: list[ShownChange] = field(default_factory=list)
    kept: list[ShownChange] = field(default_factory=list)

    def resolved_key(self) -> str:
        """The key for the refused page shown again: as its page showed the fields,
        but the conflicting ones as they are now, shown on the refused page next to
        what was typed. Posted again, what was typed over them is written (its user has
        now seen the other's words and kept theirs); what the post leaves as its page
        showed keeps another's change still; and a change made after the refusal is a
        conflict again."""
        return shown_key(self.then | {c.field: c.now for c in self.conflicts})


def merge(shown: str | None, now: dict, posted: dict) -> Merge:
    """The three-way merge of ``posted`` (field → plain value, as the service would
    write it) with ``now`` (the same fields as stored, read under the record's lock),
    against what the page showed (``shown``: its ``shown_key``). ``shown`` None (not
    from a page: scripts, the member import's own checks): nothing to merge."""
    if shown is None:
        return Merge({}, {})
    return merge_then(shown_then(shown), now, posted)


def merge_then(then: dict, now: dict, posted: dict) -> Merge:
    """``merge`` with the page's key read already (``shown_then``)."""
    conflicts, kept, keep = [], [], {}
    for name, stored in now.items():
        known, mine = name in then, posted[name]
        if mine == stored:
            continue
        if known and mine == then[name]:
            kept.append(ShownChange(name, then[name], stored))
            keep[name] = stored
        elif not known or stored != then[name]:
            conflicts.append(ShownChange(name, then.get(name), stored, known))
    return Merge(then, keep, conflicts, kept)


class StaleEdit(ServiceError):
    """A form refused over another's change made since its page was read: carries the
    ``merge`` that refused it (decided once, under the record's lock), for the page to
    name the fields and their values now."""

    def __init__(self, message, merge: Merge):
        super().__init__(message)
        self.merge = merge


def check(message, shown: str | None, now: dict, posted: dict) -> Merge:
    """``merge``, refused (``StaleEdit`` with ``message``) when a field conflicts."""
    result = merge(shown, now, posted)
    if result.conflicts:
        raise StaleEdit(message, result)
    return result


def check_unchanged(message, shown: str | None, now: dict) -> None:
    """A plain key's check (a post about the record whole, nothing of it merges):
    refused (``StaleEdit`` with ``message``) when a field of ``now`` differs from what
    the page showed, or the page's key does not say. ``shown`` None (not from a page):
    no check."""
    if shown is None:
        return
    then = shown_then(shown)
    changed = [ShownChange(name, then.get(name), stored, name in then)
               for name, stored in now.items() if name not in then or then[name] != stored]
    if changed:
        raise StaleEdit(message, Merge(then, {}, changed))
