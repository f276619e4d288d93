"""Telling namesakes apart where people are listed by name.

A bureau of 2,000 has several 张伟 and 王芳: a list that names 「陈芳、陈芳」 says nothing
about which two took part. Where a name occurs more than once among the people a list
is about (a unit's roll, a task's unit), each of them is written with what tells them
apart: the 党支部 when theirs is the only one of that name in it, else the last four
digits of the phone (「陈芳（第2党支部）」, 「陈芳（尾号0063）」). A name nobody shares is
written as it is. One rule for every list (the 月报's 未参与名单, 参与情况, the task page's
participants): ``distinguished`` for one person whose counts are known (from a window
over the roll in SQL), ``distinguished_names`` for people and the roll they are told
apart on (in Python).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from flask_babel import gettext as _

PHONE_DIGITS = 4


def distinguished(name: str, branch: str | None, phone: str | None, *, namesakes: int,
                  same_branch: int) -> str:
    """``name`` as listed: with its 党支部 or the phone's last digits when ``namesakes``
    (people of that name, this one included) is more than one. ``same_branch``: of
    those, how many are in this one's 党支部 (a 党支部 shared tells nobody apart)."""
    if namesakes <= 1:
        return name
    if branch and same_branch <= 1:
        return name + _("（%(x)s）", x=branch)
    if phone:
        return name + _("（尾号%(x)s）", x=phone[-PHONE_DIGITS:])
    return name


def distinguished_names(people: Iterable, roll: Iterable[tuple[str, str | None]]) -> dict:
    """{person.id: name as listed} for ``people`` (with ``id``, ``name``, ``branch`` and
    ``phone``), told apart on ``roll``: the (name, 党支部) of everyone the list is
    about, ``people`` included."""
    roll = list(roll)
    names = Counter(name for name, _branch in roll)
    branches = Counter(roll)
    return {p.id: distinguished(p.name, p.branch, p.phone, namesakes=names[p.name],
                                same_branch=branches[(p.name, p.branch)])
            for p in people}
