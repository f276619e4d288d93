"""The 「定稿后数据有变化：…」 notice heads the signed copy (figures51 #2): it names a
changed section without its number, so it never points at another section of the copy
below it. Once a section is taken away (or added) after 定稿 the live document numbers
the rest otherwise than the signed copy does: named by the live numbers, 「“三、参与情况”
部分」 stood above a signed copy whose 三 is the untouched “双创” paragraph."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from tests.reports.test_final_parts import PLANS, PROBLEMS, _approved_activity, _notice
from tracker.extensions import db
from tracker.models import SummaryScope, Task
from tracker.reports import final
from tracker.services import unit_of_work, voiding


def test_a_section_taken_away_after_定稿_is_named_without_a_number_above_the_signed_copy(
        client, login, october):
    """September 2022 of 县商务局 is signed reading 一、落实结对共建责任, 二、组织党员志愿服务
    (its one 环境整治), 三、协同推进“双创”工作, 四、参与情况. The 环境整治 is then 作废: the
    live document has no 志愿服务 and numbers “双创” 二 and 参与情况 三. The notice above
    the signed copy names the section taken away and 参与情况 (李娜 took part in the
    环境整治 only) by what they are, and the signed copy below has each of them."""
    o = october
    _approved_activity(o, "ad_removal", o.jianshe, 20, ["张伟"], zone=o.zone1)
    _approved_activity(o, "environment_cleanup", o.jiefang, 25, ["张伟", "李娜"])
    with unit_of_work():
        final.finalize_as_typed(o.admin, SummaryScope(unit_id=o.unit.id), 2022, 9,
                                PROBLEMS, PLANS)
    task = db.session.scalar(select(Task).where(Task.title == "九月environment_cleanup"))
    with unit_of_work():
        voiding.void_activity(task, o.admin, "误录")

    login(o.admin)
    query = f"unit={o.unit.id}&month=2022-09"
    signed = html.unescape(client.get(f"/reports/?{query}").get_data(as_text=True))
    live = html.unescape(client.get(f"/reports/?{query}&current=1").get_data(as_text=True))
    assert "二、组织党员志愿服务" in signed and "四、参与情况" in signed
    assert "三、协同推进“双创”工作" in signed
    assert "二、协同推进“双创”工作" in live and "三、参与情况" in live

    named = _notice(client, query)
    sections = [n for n in named if n.endswith("部分")]
    assert sections == ["“组织党员志愿服务”部分", "“参与情况”部分"], named
    # each is a section of the signed copy below the notice
    for section in sections:
        name = section.removeprefix("“").removesuffix("”部分")
        assert re.search(f"[一二三四五六七八九十]+、{re.escape(name)}。", signed), section
