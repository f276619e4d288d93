"""A 补录申请 whose member 补录's rule (``backfill.nameable``, docs/design.md 补录) no
longer names on any day in its community — her unit works there no more (its only
checklist item given to another unit by the admin), or her account was erased at the
end of the retention period (停用, then `flask purge-members`) while the request
waited — cannot be 采纳: nobody may record her work there. The 补录 form opened from
it (补录并采纳) answered 500 (``KeyError: 'hours_<id>'``, main46 open). Now the form
opens with what the request says filled in, not ticking her (she cannot be offered),
and says up front, in Chinese, why and what to do (拒绝, or the admin's records first);
a 采纳 posted anyway is refused on the same page, what was typed kept, nothing
written; the queue's card says the same and offers 拒绝 alone, which works."""
from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories as f
from tests.backfill_requests.support import asked
from tests.clock import set_app_clock
from tests.security.support import error_texts
from tests.web.test_admin_budget_named import edit_page_fields
from tracker.extensions import db
from tracker.models import BackfillRequest, RequestStatus, Task
from tracker.timeutil import local_today

UNIT_GONE = "赵六 所在单位不在该社区开展共建，不能补录。"
ADMINS_STEP = ("该申请暂不能采纳：如申请不属实，请拒绝；如属实，须由单位管理员先核对"
               "该党员的账号和单位、该社区的资源清单和责任区，再补录并采纳。")
ERASED = "张三 的账号已停用且已过保存期限，不能再记录其参加的活动。该申请不能再采纳，请拒绝该申请。"
TITLE = "楼道杂物清理"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _unit_gone_from_the_community(client, login, world, *, on_task=False, signed=False,
                                  then=None):
    """赵六 of 县林业局, whose unit works in 解放路社区 by one checklist item (no task on
    it), asks for a 补录 there (``on_task``: to be added to ``past_task``, approved and its
    month signed when ``signed``); the admin then gives that item to 县商务局 on its edit
    page, so 县林业局 works there no more. Logged in as ``then`` (the community's liaison)."""
    forestry = f.unit("县林业局")
    item = f.item(forestry, world.community, "ad_removal")
    member = f.member(forestry, name="赵六")
    db.session.commit()
    request = (asked(member, world.community, task=world.past_task, service_date=None,
                     description=None, minutes=60, note="忘记认领了")
               if on_task else asked(member, world.community))
    if signed:
        f.reported(world.past_task, world.leader, approved=True, signed_by=world.admin)
    login(world.admin)
    fields = edit_page_fields(client.get(f"/admin/items/{item.id}/edit").get_data(as_text=True))
    fields["unit_id"] = str(world.unit.id)
    assert client.post(f"/admin/items/{item.id}/edit", data=fields).status_code == 302
    login(then or world.liaison)
    return request


def test_the_form_from_a_request_of_a_unit_gone_from_the_community_says_why(
        client, login, world):
    request = _unit_gone_from_the_community(client, login, world)
    response = client.get(f"/manage/backfill?request={request.id}")
    assert response.status_code == 200  # was 500: KeyError 'hours_<id>'
    page = _text(response)
    assert UNIT_GONE + ADMINS_STEP in page
    # what the request says is filled in; she is not offered, so not ticked
    assert "帮助清理楼道杂物</textarea>" in page
    day = (local_today() - timedelta(days=3)).isoformat()
    assert f'value="{day}T09:00"' in page and f'value="{day}T11:00"' in page
    assert "赵六（县林业局）" not in page and "checked" not in page


def test_a_posted_adoption_of_such_a_request_is_refused_on_the_form_as_typed(
        client, login, world):
    request = _unit_gone_from_the_community(client, login, world)
    day = local_today() - timedelta(days=3)
    typed = {"from_request": str(request.id), "resource_item": str(world.item.id),
             "title": TITLE, "place": "幸福小区3号楼", "starts_at": f"{day}T09:00",
             "ends_at": f"{day}T11:00", "participants": str(world.member.id),
             "leader": str(world.member.id), "note": "帮助清理楼道杂物"}
    response = client.post(f"/manage/backfill?request={request.id}", data=typed)
    assert response.status_code == 200
    page = _text(response)
    assert UNIT_GONE + ADMINS_STEP in error_texts(page)  # under 参加人员, not 「请勾选」
    assert f'value="{TITLE}"' in page and 'value="幸福小区3号楼"' in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Task.id)).where(Task.title == TITLE)) == 0
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.pending


def test_the_queue_says_why_and_offers_only_to_decline_which_works(client, login, world):
    request = _unit_gone_from_the_community(client, login, world)
    page = _text(client.get("/backfill-requests/"))
    assert UNIT_GONE + ADMINS_STEP in page
    assert f"/manage/backfill?request={request.id}" not in page  # no 补录并采纳
    assert f"/backfill-requests/{request.id}/decline" in page
    decline = client.get(f"/backfill-requests/{request.id}/decline")
    assert decline.status_code == 200 and "赵六" in _text(decline)
    response = client.post(f"/backfill-requests/{request.id}/decline",
                           data={"reason": "该单位已不在本社区共建"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.declined


def test_a_request_naming_a_task_is_not_offered_the_one_tap_adoption(client, login, world):
    """The same for a request naming an activity (采纳 adds her to it in one tap): the
    card offers no 采纳, only 拒绝."""
    request = _unit_gone_from_the_community(client, login, world, on_task=True)
    page = _text(client.get("/backfill-requests/"))
    assert UNIT_GONE + ADMINS_STEP in page
    assert f"/backfill-requests/{request.id}/adopt" not in page
    assert f"/backfill-requests/{request.id}/decline" in page
    # a 采纳 posted from a page read before: refused in Chinese, nothing added
    queue = _text(client.post(f"/backfill-requests/{request.id}/adopt",
                              follow_redirects=True))
    assert UNIT_GONE in queue
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.pending


def test_the_form_from_a_request_whose_member_was_erased_since_says_why(
        client, login, world, app, monkeypatch):
    """张三 asks; the admin switches him off (停用) with the request pending; the
    retention period (MEMBER_RETENTION_DAYS) passes and the daily `flask purge-members`
    erases his contact data. The liaison then opens 补录并采纳."""
    request = asked(world.member, world.community)
    login(world.admin)
    assert client.post(f"/admin/members/{world.member.id}/active",
                       data={"active": "0", "confirmed": "1"}).status_code == 302
    days = int(app.config["MEMBER_RETENTION_DAYS"])
    set_app_clock(monkeypatch, local_today() + timedelta(days=days + 1))
    result = app.test_cli_runner().invoke(args=["purge-members"])
    assert result.exit_code == 0, result.output
    assert "1 members switched off" in result.output
    login(world.liaison)
    response = client.get(f"/manage/backfill?request={request.id}")
    assert response.status_code == 200  # was 500: KeyError 'hours_<id>'
    assert ERASED in _text(response)
    queue = _text(client.get("/backfill-requests/"))
    assert ERASED in queue and f"/manage/backfill?request={request.id}" not in queue
    assert client.post(f"/backfill-requests/{request.id}/decline",
                       data={"reason": "已离开本单位多年"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.declined


def test_the_admins_card_of_such_a_request_in_a_signed_month_says_only_why(
        client, login, world):
    """An admin's card of a request in a signed month says 采纳 would change the signed
    documents; of a request no 采纳 can take it would contradict the card's own 「暂不能
    采纳」: only why is said, and 拒绝 offered (backfillkey47's Open)."""
    request = _unit_gone_from_the_community(client, login, world, on_task=True, signed=True,
                                            then=world.admin)
    page = client.get("/backfill-requests/").get_data(as_text=True)
    assert f'id="unadoptable-{request.id}"' in page
    assert f'id="adopt-signed-{request.id}"' not in page
    assert "采纳该申请会改变已定稿的文件" not in _text(client.get("/backfill-requests/"))
    assert f"/backfill-requests/{request.id}/decline" in page
    assert f"/backfill-requests/{request.id}/adopt" not in page
