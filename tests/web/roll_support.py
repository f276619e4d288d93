"""What the member page's tests share (the roll, the stale page, the merge): the
refusals' messages, the page as text, its 更正日期 section, a member and their stays as
stored."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Member, RollPeriod

# The member form's two refusals over another admin's change (a field; the roll history).
STALE = "该党员的信息已被他人修改，请刷新后重试。"
ROLL_STALE = "该党员的在册记录已被他人修改，请刷新后重试。"


def member(member_id: int) -> Member:
    """The member as stored now (not as this session last saw it)."""
    db.session.expire_all()
    return db.session.get(Member, member_id)


def edit(member_id: int) -> str:
    return f"/admin/members/{member_id}/edit"


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


def confirmed(client, url: str, data: dict, follow_redirects: bool = False):
    """更正日期 posted; when the member page first names the signed months or years the
    correction would change (its ``roll-promised``), posted again, confirmed."""
    response = client.post(url, data=data)
    if response.status_code == 200:
        found = re.search(r'name="roll-promised"[^>]*value="([^"]+)"',
                          response.get_data(as_text=True))
        if found:
            response = client.post(url, data={**data,
                                              "roll-promised": html.unescape(found.group(1))})
    if follow_redirects and response.status_code == 302:
        response = client.get(response.headers["Location"])
    return response


def promised_on(page: str) -> str:
    """The member form's ``promised`` key on the page ("" when it names nothing)."""
    found = re.search(r'<input[^>]*name="promised"[^>]*>', page)
    assert found, "no promised key on the member form"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return html.unescape(value.group(1)) if value else ""


def form_confirmed(client, url: str, data: dict, follow_redirects: bool = False):
    """The member form posted; when the page first names the signed months or years the
    save would change (its ``promised``), posted again, confirmed."""
    response = client.post(url, data=data)
    if response.status_code == 200:
        promised = promised_on(response.get_data(as_text=True))
        if promised:
            response = client.post(url, data={**data, "promised": promised})
    if follow_redirects and response.status_code == 302:
        response = client.get(response.headers["Location"])
    return response


def branch_namesakes_signed(world) -> Member:
    """Two 李四 of the world's unit told apart by their 党支部 (第一党支部: the world's
    ``other_member``, returned; 第二党支部: a namesake) in the unit's signed 未参与名单
    of November 2022 and of the year 2022 — what a change of 党支部 (the member form's,
    the import's) makes other."""
    from tests import factories as f
    from tracker.models import SummaryScope
    from tracker.reports import annual_final, final

    li = db.session.get(Member, world.other_member.id)
    li.branch = "第一党支部"
    namesake = f.member(world.unit, name=li.name)
    namesake.branch = "第二党支部"
    db.session.commit()
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 11)
    db.session.commit()
    annual_final.finalize_year(world.admin, SummaryScope(unit_id=world.unit.id), 2022)
    db.session.commit()
    return li
