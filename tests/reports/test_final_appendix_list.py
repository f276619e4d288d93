"""「定稿后数据有变化」 names 正文 only when a sentence of the 正文 changed (figures53 #1).

The text of a 月报 (and of a 年度总结) ends with its list of 附表 (「附表：1. 本月活动台账
2. 分类统计 …」). A table that comes or goes after 定稿 — the 未参与名单 of a month whose only
member who did nothing is taken off the roll, or whose first such member is added —
renumbers that list, and the notice names the table itself (「附表“未参与名单”（当前数据中
已没有）」). The list is read as the tables it names: its numbers and titles are no
sentence of the 正文, so the lead, 统计时间 and 落款 being as signed, 正文 is not named
(docs/design.md: a part is named only when its words changed). A change of the lead's
figures still names it.
"""
from __future__ import annotations

import html
import re
from datetime import date

from tests import factories as f
from tests.rollups import builders as b
from tests.web.roll_support import confirmed, form_confirmed, page_of
from tests.web.test_admin_roll_correction import shown
from tracker.extensions import db
from tracker.models import Member, SummaryScope
from tracker.reports import annual_final, final

TAIL = "与定稿时不同。以下是定稿时的月报，下载的文件也是定稿时的。"


def _finance(world, *, both_took_part: bool = False):
    """县财政局, whose roll is 周六 and 吴七: 周六 (and, ``both_took_part``, 吴七) on an
    approved 环境整治 of 10 November 2022 in 解放路社区. Its November 2022 is signed — with
    吴七 its only 未参与 unless he took part."""
    unit = f.unit("县财政局")
    zhou, wu = f.member(unit, name="周六"), f.member(unit, name="吴七")
    task = b.task_on(f.item(unit, world.community, "environment_cleanup", year=2022),
                     world.liaison, date(2022, 11, 10), title="清理楼道")
    for person in (zhou, wu) if both_took_part else (zhou,):
        b.join(task, person, minutes=120)
    b.report(task, world.liaison)
    db.session.commit()
    final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2022, 11)
    db.session.commit()
    return unit, zhou, wu


def _notice(client, url: str) -> str:
    """The page's 「定稿后数据有变化：…」 sentence, after its opening words."""
    page = html.unescape(client.get(url).get_data(as_text=True))
    said = re.search(r"定稿后数据有变化：</strong>(.*?)<a ", page, re.S)
    assert said, "the page says the data changed"
    return " ".join(said.group(1).split())


def _switched_off_in_november(client, world, wu: Member) -> None:
    """吴七 停用 on the member page, then 更正日期 of it to 20 November 2022 (named first,
    confirmed): off the roll of 30 November."""
    assert client.post(f"/admin/members/{wu.id}/active",
                       data={"active": "0", "confirmed": "1"}).status_code == 302
    page = page_of(confirmed(client, f"/admin/members/{wu.id}/roll-date",
                             data={"roll-day": "2022-11-20", "roll-reason": "登记错误",
                                   **shown(client, wu.id)}, follow_redirects=True))
    assert "这次更正涉及已定稿的月报：县财政局2022年11月。" in page


def test_the_only_未参与_switched_off_names_the_list_not_正文(client, login, world):
    """县财政局's November 2022 is signed with 吴七 its only 未参与. 停用, dated 20 November:
    its 参与情况 counts one 在册 instead of two and the 未参与名单 is gone, so the list of
    附表 ends 「3. 参与情况」 — the lead (周六's 环境整治), 统计时间 and 落款 read as signed."""
    unit, _zhou, wu = _finance(world)
    login(world.admin)
    query = f"unit={unit.id}&month=2022-11"
    signed = page_of(client.get(f"/reports/?{query}"))
    assert "4. 未参与名单" in signed

    _switched_off_in_november(client, world, wu)

    live = page_of(client.get(f"/reports/?{query}&current=1"))
    assert "未参与名单" not in live
    assert _notice(client, f"/reports/?{query}") == (
        "“参与情况”部分、附表“参与情况”、附表“未参与名单”（当前数据中已没有）" + TAIL)


def test_a_未参与名单_that_first_appears_after_定稿_names_the_list_not_正文(
        client, login, world):
    """县财政局's November 2022 is signed with both its members on the 环境整治: no
    未参与名单. 郑八, added on the member form from 15 November (named first, confirmed),
    is on the roll of 30 November and did nothing: the list of 附表 gains 「4. 未参与名单」;
    the lead reads as signed."""
    unit, _zhou, _wu = _finance(world, both_took_part=True)
    login(world.admin)
    query = f"unit={unit.id}&month=2022-11"
    assert "未参与名单" not in page_of(client.get(f"/reports/?{query}"))

    page = page_of(form_confirmed(client, "/admin/members/new", {
        "name": "郑八", "phone": "13712345678", "unit_id": unit.id, "branch": "机关党支部",
        "role": "member", "on_roll": "1", "roll_from": "2022-11-15"}, follow_redirects=True))
    assert "这次添加涉及已定稿的月报：县财政局2022年11月。" in page

    assert _notice(client, f"/reports/?{query}") == (
        "“参与情况”部分、附表“参与情况”、附表“未参与名单”（当前数据新增）" + TAIL)


def test_a_change_of_the_leads_figures_still_names_正文(client, login, world):
    """The same signed month; 吴七 then takes part in an approved 环境整治 of 25 November:
    the lead's activities, 人次 and hours change — 正文 is named, beside the sections and
    the tables that changed and the 未参与名单 gone."""
    unit, _zhou, wu = _finance(world)
    task = b.task_on(f.item(unit, world.community, "environment_cleanup", year=2022),
                     world.liaison, date(2022, 11, 25), title="清理楼道")
    b.join(task, wu, minutes=120)
    b.report(task, world.liaison)
    db.session.commit()
    login(world.admin)
    assert _notice(client, f"/reports/?unit={unit.id}&month=2022-11") == (
        "正文、“组织党员志愿服务”部分、“参与情况”部分、附表“本月活动台账”、附表“分类统计”、附表“参与情况”、"
        "附表“未参与名单”（当前数据中已没有）" + TAIL)


def test_a_years_未参与名单_gone_names_the_list_not_正文(client, login, world):
    """县财政局's 2022 年度总结, signed with 吴七 its only 全年未参与, compared by the same
    rule: 停用 dated 20 November 2022 takes its 全年未参与名单 away, and 正文 is not
    named."""
    unit, _zhou, wu = _finance(world)
    annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), 2022)
    db.session.commit()
    login(world.admin)
    query = f"unit={unit.id}&year=2022"
    assert "全年未参与名单" in page_of(client.get(f"/reports/annual?{query}"))

    _switched_off_in_november(client, world, wu)

    assert _notice(client, f"/reports/annual?{query}") == (
        "“参与情况”部分、附表“参与情况”、附表“全年未参与名单”（当前数据中已没有）与定稿时不同。")
