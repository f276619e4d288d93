"""A 补录申请 whose member 补录's rule still names in the community on some day, but not
on the request's own day, is warned of on the queue's card, in the words 保存 (or 采纳)
refuses with (backfillkey47's first Open bullet). docs/design.md 补录: a member is named
on work of a day by her unit of that day (``stays.unit_then``), or, switched off since,
only on a day of one of her stays. The admin may correct her stays after she asked — a
move dated before the request's day, a 停用 whose last stay ended before it — and the
card, which offered 补录并采纳 silently, then led to a 保存 refused for that day. Now:
- through the 补录 form, the card says 保存's refusal for the request's day and keeps
  补录并采纳 (the form lets the liaison correct a day the member got wrong);
- naming an activity, whose day 采纳 cannot change, the card says why and what to do,
  and offers 拒绝 alone, as for a member named on no day (test_unnameable_applicant.py);
- the queue runs no statement more for more such requests."""
from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tests.backfill_requests.support import asked
from tests.page_statements import counted, warm
from tests.security.support import error_texts
from tracker.extensions import db
from tracker.models import BackfillRequest, RequestStatus, RollPeriod, SummaryNote, Unit
from tracker.timeutil import local_today, utcnow

ADMINS_STEP = ("该申请暂不能采纳：如申请不属实，请拒绝；如属实，须由单位管理员先核对"
               "该党员的账号和单位、该社区的资源清单和责任区，再补录并采纳。")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _moved_before(member, day) -> str:
    """The admin's records corrected: ``member`` was in 县林业局 (which works nowhere
    here) until the day after ``day``, and in her unit from then. The words 保存 refuses
    her with on ``day``."""
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == member.id))
    stay.since = day + timedelta(days=1)
    forestry = (db.session.scalar(select(Unit).where(Unit.name == "县林业局"))
                or f.unit("县林业局"))
    db.session.add(RollPeriod(member_id=member.id, unit_id=forestry.id,
                              until=day + timedelta(days=1)))
    db.session.commit()
    return (f"{member.name} 在{day:%Y-%m-%d}所在的单位（县林业局）不在该社区开展共建，"
            "不能补录该日的活动。")


def _typed(world, request, member) -> dict:
    day = request.service_date
    return {"from_request": str(request.id), "resource_item": str(world.item.id),
            "title": "楼道清理", "place": "解放路12号", "starts_at": f"{day}T09:00",
            "ends_at": f"{day}T11:00", "participants": str(member.id),
            "leader": str(member.id), "note": "帮助清理楼道杂物"}


def test_a_request_of_a_day_before_her_move_is_warned_of_in_saves_words(client, login, world):
    zhou = f.member(world.unit, name="周建国")
    db.session.commit()
    request = asked(zhou, world.community)
    words = _moved_before(zhou, request.service_date)
    login(world.liaison)
    card = _text(client.get("/backfill-requests/"))
    assert words in card
    assert f"/manage/backfill?request={request.id}" in card  # the day may be corrected there
    # 保存 of the request as it stands is refused with the very words
    refused = _text(client.post(f"/manage/backfill?request={request.id}",
                                data=_typed(world, request, zhou)))
    assert words in error_texts(refused)
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.pending


def test_a_request_of_a_day_after_her_switch_off_is_warned_of(client, login, world):
    """钱六, switched off since, whose last stay on the roll ended before the request's
    day (the admin's 更正日期): named only on work before it."""
    qian = f.member(world.unit, name="钱六")
    db.session.commit()
    request = asked(qian, world.community)
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == qian.id))
    stay.until = request.service_date - timedelta(days=10)
    qian.active = False
    db.session.commit()
    words = "钱六 的账号已停用，只能补录其停用前在册期间参加的活动。"
    login(world.liaison)
    card = _text(client.get("/backfill-requests/"))
    assert words in card and f"/manage/backfill?request={request.id}" in card
    refused = _text(client.post(f"/manage/backfill?request={request.id}",
                                data=_typed(world, request, qian)))
    assert words in error_texts(refused)


def test_a_request_naming_an_activity_of_such_a_day_offers_only_to_decline(
        client, login, world):
    zhou = f.member(world.unit, name="周建国")
    db.session.commit()
    task = world.past_task
    request = asked(zhou, world.community, task=task, service_date=None, description=None,
                    minutes=60, note="忘记认领了")
    words = _moved_before(zhou, task.service_date)
    login(world.liaison)
    card = _text(client.get("/backfill-requests/"))
    assert words + ADMINS_STEP in card
    assert f"/backfill-requests/{request.id}/adopt" not in card
    assert f"/backfill-requests/{request.id}/decline" in card
    # a 采纳 posted from a page read before: refused by the same rule, nothing added
    queue = _text(client.post(f"/backfill-requests/{request.id}/adopt",
                              follow_redirects=True))
    assert words in queue
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.pending


def test_the_queue_asks_the_days_with_no_statement_more(client, login, world,
                                                       count_queries):
    zhou = f.member(world.unit, name="周建国")
    db.session.commit()
    first = asked(zhou, world.community)
    _moved_before(zhou, first.service_date)
    login(world.liaison)

    def statements() -> int:
        warm(client, "/backfill-requests/")
        ran, response = counted(client, count_queries, "/backfill-requests/")
        assert "不能补录该日的活动" in _text(response)
        return len(ran)

    one = statements()
    for name, days in (("吴八", 4), ("郑九", 5)):
        other = f.member(world.unit, name=name)
        db.session.commit()
        request = asked(other, world.community,
                        service_date=local_today() - timedelta(days=days))
        _moved_before(other, request.service_date)
    asked(world.member, world.community, service_date=local_today() - timedelta(days=6))
    assert statements() == one


def test_the_form_warns_of_the_day_typed(client, login, world):
    """The 补录 form from the request says it up front too, of the day it would save:
    the request's, then the one typed — a 查找 with a day after her move says nothing."""
    zhou = f.member(world.unit, name="周建国")
    db.session.commit()
    request = asked(zhou, world.community)
    words = _moved_before(zhou, request.service_date)
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    assert f'<p class="notice" id="on-day">{words}</p>' in _text(client.get(adopt))
    later = request.service_date + timedelta(days=1)
    typed = {**_typed(world, request, zhou), "starts_at": f"{later}T09:00",
             "ends_at": f"{later}T11:00", "find": "1"}
    assert 'id="on-day"' not in _text(client.post(adopt, data=typed))


def test_a_card_left_to_the_admin_by_a_signed_month_warns_of_the_day_too(
        client, login, world):
    """Every item's unit signed (the card an admin's, no 补录并采纳): the day's refusal is
    said all the same — re-opening the month would still leave 保存 refusing that day."""
    zhou = f.member(world.unit, name="周建国")
    db.session.commit()
    request = asked(zhou, world.community)
    words = _moved_before(zhou, request.service_date)
    day = request.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    login(world.liaison)
    card = _text(client.get("/backfill-requests/"))
    assert "如不属实请拒绝" in card and words in card
