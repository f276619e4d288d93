"""What the member page's roll tests share: the page as text, its 更正日期 section, and a
member's stays as stored."""
from __future__ import annotations

import html

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import RollPeriod


def stays(member_id: int) -> list[tuple]:
    """(unit id, since, until) of each of the member's stays, in the order written."""
    db.session.expire_all()
    return db.session.execute(select(RollPeriod.unit_id, RollPeriod.since, RollPeriod.until)
                              .where(RollPeriod.member_id == member_id)
                              .order_by(RollPeriod.id)).all()


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def correction(page: str) -> str:
    """The page's 更正日期 section."""
    start = page.find('id="roll-date"')
    assert start >= 0, "no 更正日期 form on the page"
    return page[start:page.find("</section>", start)]
