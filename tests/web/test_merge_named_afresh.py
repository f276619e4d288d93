"""合并账号 refused for the signed documents its confirmation page named, when one changed
again after the service's rollback (stale52, after since50/since51's ``NamedFirst.since``):
the page names what the merge changes **now**, read afresh — not what the service found
under the accounts' locks, rolled back with it —, and its words say what changed from
what the page named (docs/design.md, "The words said first answer what the user was
shown"): a document re-opened since is said to be re-opened, and a page that named
nothing and names nothing now says its ``Then.none``, never 「…有了变化…请查看
更新后的内容…」 over a page that shows what it showed. Nothing is merged by the post.

The order is forced in one process: a month is signed and committed in the merge's own
unit of work just before it reads what it moves (``merge.preview`` under the accounts'
locks: what it finds when another admin's 定稿 commits in between), and another admin's
重新打开 commits after the rollback, before the view answers
(``_decided_after_the_rollback``)."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.rollups import builders as b
from tests.web.stale_support import text
from tests.web.test_named_reopened_since import buttons
from tests.web.test_named_since_refused_decisions import _decided_after_the_rollback
from tracker.extensions import db
from tracker.models import MemberMerge, SummaryScope
from tracker.reports import final
from tracker.services import merge
from tracker.services.summary_notes import reopen
from tracker.timeutil import local_today

# ending on the page's own button, 确认合并 (before then53: 「…如仍要进行，请再次提交。」)
NOTHING_SIGNED_NOW = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
                      "或年度总结。未作任何更改；如仍要合并，请再次点击“确认合并”。")


def _months_ago(n: int):
    day = local_today().replace(day=1)
    for _ in range(n):
        day = (day - timedelta(days=1)).replace(day=1)
    return day.replace(day=8)


def _b_worked(world, *days) -> None:
    """李四 (B) worked on an approved activity of 解放路社区 on each of ``days``: the
    community's 月报 of each month counts him, and the merge changes it."""
    for n, day in enumerate(days):
        worked = b.task_on(world.item, world.liaison, day, title=f"清理楼道{n}")
        b.join(worked, world.other_member, minutes=90)
        b.report(worked, world.liaison)
    db.session.commit()


def _scope(world):
    return SummaryScope(community_id=world.community.id)


def _named(world, day) -> str:
    return f"{world.community.name}{day.year}年{day.month}月"


def _url(world) -> str:
    return f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"


def _confirm(client, world, page: str):
    shown = re.search(r'name="shown"[^>]*value="([^"]*)"', page) or re.search(
        r'value="([^"]*)"[^>]*name="shown"', page)
    return client.post(f"/admin/members/{world.other_member.id}/merge-into/{world.member.id}",
                       data={"shown": shown[1]})


def _notice(page: str) -> str:
    found = re.search(r'id="final-months">([^<]*)', page)
    return found[1] if found else ""


def _said(page: str) -> list[str]:
    return re.findall(r"打开(?:确认)?页面之后[^<]*", page)



def _is_merged(world) -> bool:
    db.session.expire_all()
    return db.session.scalar(db.select(MemberMerge).where(
        MemberMerge.member_id == world.other_member.id)) is not None


def _signed_under_the_lock(monkeypatch, world, day) -> None:
    """The merge's read under the accounts' locks (``merge.preview``, called by
    ``merge_members``) finds the community's month of ``day`` signed: finalized and
    committed just before it, as another admin's 定稿 would be."""
    real = merge.preview

    def signed_meanwhile(*args, **kwargs):
        monkeypatch.setattr(merge, "preview", real)
        final.finalize(world.admin, _scope(world), day.year, day.month)
        db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(merge, "preview", signed_meanwhile)


def _reopened_after_the_rollback(monkeypatch, world, day) -> dict:
    from tracker.admin import routes

    return _decided_after_the_rollback(monkeypatch, routes, lambda: reopen(
        world.admin, _scope(world), day.year, day.month))


def test_a_merge_from_a_page_naming_nothing_now_says_so(client, world, admin, monkeypatch):
    """The page named nothing; the month signed under the merge's locks and re-opened
    after its rollback: the page names nothing and says its Then.none — before stale52,
    「…两个账号的记录有了变化，请查看更新后的内容…」 over the very page it had shown."""
    day = _months_ago(2)
    _b_worked(world, day)
    page = text(client.get(_url(world)))
    assert _notice(page) == "" and "确认合并" in page
    _signed_under_the_lock(monkeypatch, world, day)
    seen = _reopened_after_the_rollback(monkeypatch, world, day)
    response = _confirm(client, world, page)
    assert response.status_code == 200
    again = text(response)
    assert seen["decided"] and not _is_merged(world)
    assert _notice(again) == "" and _said(again) == [NOTHING_SIGNED_NOW]
    assert "确认合并" in buttons(again)

    assert _confirm(client, world, again).status_code == 302
    assert _is_merged(world)


def test_a_merge_confirmed_once_its_month_was_reopened_names_the_other(
        client, world, admin, monkeypatch):
    """The page named the first month; the second signed under the merge's locks, the
    first re-opened after its rollback: the page names the second alone and says the
    first was re-opened — before stale52, 「…两个账号的记录有了变化…」 alone."""
    first, second = _months_ago(3), _months_ago(2)
    _b_worked(world, first, second)
    final.finalize(world.admin, _scope(world), first.year, first.month)
    db.session.commit()
    page = text(client.get(_url(world)))
    assert _named(world, first) in _notice(page)
    _signed_under_the_lock(monkeypatch, world, second)
    seen = _reopened_after_the_rollback(monkeypatch, world, first)
    again = text(_confirm(client, world, page))
    assert seen["decided"] and not _is_merged(world)
    assert _notice(again) == (f"合并会改变以下已定稿月报的当前数据：{_named(world, second)}。"
                              "定稿文件仍是签署时的内容，这些月份的月报页面会提示“定稿后数据有变化”。")
    assert _said(again) == [
        f"打开页面之后，{_named(world, first)}已撤销定稿，未作任何更改。这次操作现在涉及的已定稿"
        "月报或年度总结见本页的说明，请查看后再点击“确认合并”。"]

    assert _confirm(client, world, again).status_code == 302
    assert _is_merged(world)


def test_a_month_reopened_before_the_merge_is_said_reopened(client, world, admin):
    """Case (b): the page named the month; another admin re-opened it before 确认合并:
    nothing merged, the page names nothing and says the month was re-opened and that
    the merge now changes no signed document."""
    day = _months_ago(2)
    _b_worked(world, day)
    final.finalize(world.admin, _scope(world), day.year, day.month)
    db.session.commit()
    page = text(client.get(_url(world)))
    assert _named(world, day) in _notice(page)
    reopen(world.admin, _scope(world), day.year, day.month)
    db.session.commit()
    again = text(_confirm(client, world, page))
    assert not _is_merged(world) and _notice(again) == ""
    assert _said(again) == [
        f"打开页面之后，{_named(world, day)}已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
        "未作任何更改；如仍要合并，请再次点击“确认合并”。"]
    assert "确认合并" in buttons(again)
    assert _confirm(client, world, again).status_code == 302 and _is_merged(world)


def test_a_month_signed_before_the_merge_is_named(client, world, admin):
    """Case (a): the page named nothing; the month signed before 确认合并: nothing
    merged, the page names it with the words that point at it."""
    day = _months_ago(2)
    _b_worked(world, day)
    page = text(client.get(_url(world)))
    assert _notice(page) == ""
    final.finalize(world.admin, _scope(world), day.year, day.month)
    db.session.commit()
    again = text(_confirm(client, world, page))
    assert not _is_merged(world) and _named(world, day) in _notice(again)
    assert _said(again) == ["打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。"
                            "请查看上方的说明后再点击“确认合并”。"]
    assert _confirm(client, world, again).status_code == 302 and _is_merged(world)
