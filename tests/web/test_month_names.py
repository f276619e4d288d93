"""An English page names a month as an English reader writes it, "November 2026" — the
progress pages' period, the 本月情况 heading and the refusals about a finalised
month alike (review, session 27: they read "11/2026" and "2026-11"). The
Chinese pages keep 「2026年11月」.
"""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import FundEntry, SummaryNote
from tracker.timeutil import local_today, utcnow

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _fresh(client):
    """The test client, its next request choosing its language anew (the test's app
    context would keep the last request's locale on ``g``)."""
    g.pop("_flask_babel", None)
    return client


def _text(client, url: str) -> str:
    response = _fresh(client).get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_progress_pages_name_the_month_in_words(client, login, world):
    login(world.liaison)
    view = "/progress/community?community=all&period=month&month=2026-11"
    english = _text(client, view + "&lang=en")
    assert "November 2026" in english and "11/2026" not in english
    chinese = _text(client, view + "&lang=zh_CN")
    assert "2026年11月" in chinese and "November" not in chinese
    today = local_today()
    home = _text(client, "/manage/?lang=en")
    assert f"This month ({MONTHS[today.month - 1]} {today.year})" in home
    assert f"本月情况（{today.year}年{today.month}月）" in _text(client, "/manage/?lang=zh_CN")


def test_a_refusal_about_a_finalised_month_names_it_in_words(client, login, world):
    today = local_today()
    ledger = f"/funds/{world.unit.id}/{world.community.id}/{today.year}"
    login(world.liaison)
    assert client.post(f"{ledger}/entries", data={
        "entry_date": today.isoformat(), "amount": "5", "purpose": "打印"}).status_code == 302
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=today.year, month=today.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    entry = db.session.scalar(select(FundEntry))
    reverse = f"/funds/entries/{entry.id}/reverse"
    _fresh(client).get(ledger + "?lang=en")  # the choice is kept for the next pages
    refused = _fresh(client).post(reverse, data={"reason": "dup", "confirmed": "1"})
    assert refused.status_code == 200
    assert (f"The monthly summary of {MONTHS[today.month - 1]} {today.year} is final"
            in refused.get_data(as_text=True))
    _fresh(client).get(ledger + "?lang=zh_CN")
    refused = _fresh(client).post(reverse, data={"reason": "重复", "confirmed": "1"})
    assert f"{today.year}年{today.month}月的月报已定稿" in refused.get_data(as_text=True)
