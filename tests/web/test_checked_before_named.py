"""An admin's change dated in a 已定稿 month is named before it is done (figures42 #1), but
only a change that will be done: "a field the form or the service refuses is said on the
form first, never asked" (docs/design.md, "Refused in a 已定稿 month"). Before
namefirst42's Open #2, 添加遗漏的参加人员 and 整改 asked the service nothing before
naming, so a post it would refuse reached the naming page and was refused only after
确认. Now each asks the service's own rule first (``backfill.forgotten_problems``,
``findings.fix_problems``: the rule the service refuses by), as 登记支出, 移交 and 补录
do; the refused post comes back on the form with the message and what was typed."""
from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import select

from tests import factories as f
from tests.reports.test_signed_named import named, sign_october_and_the_year
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Finding, FindingStatus


def _status_on(task, member):
    return db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))


def _asked(page: str) -> bool:
    """Whether ``page`` is 添加遗漏的参加人员's naming page (the task page itself names
    what 撤销审核 and 作废 would change: not that)."""
    return "确认添加" in page or any("添加遗漏的参加人员会改变" in words for words in named(page))


def _selected(page: str, member) -> bool:
    """Whether 添加遗漏的参加人员's list comes back with ``member`` chosen."""
    start = page.index("/add-participant")
    form = page[start:page.index("</form>", start)]
    return re.search(rf'<option selected value="{member.id}"', form) is not None


def test_a_fix_dated_before_its_hand_over_is_said_on_the_form_not_named(
        client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    finding = db.session.scalars(select(Finding).where(
        Finding.status == FindingStatus.handed_over).order_by(Finding.id)).first()
    assert finding.handed_over_on == date(2022, 10, 31)

    response = client.post(f"/progress/findings/{finding.id}/fix",
                           data={"fixed_on": "2022-10-20"})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert named(page) == []  # not asked: it would be refused after 确认
    assert "整改日期不能早于移交日期（2022-10-31）。" in page
    assert 'value="2022-10-20"' in page  # as typed
    db.session.refresh(finding)
    assert finding.status == FindingStatus.handed_over


def test_a_fix_the_service_takes_is_still_named_first(client, login, october):
    """The guard: a 整改 on or after its 移交 in the signed month is named, as before."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    finding = db.session.scalars(select(Finding).where(
        Finding.status == FindingStatus.handed_over).order_by(Finding.id)).first()
    page = client.post(f"/progress/findings/{finding.id}/fix",
                       data={"fixed_on": "2022-10-31"}).get_data(as_text=True)
    (words,) = named(page)
    assert "登记整改会改变以下已定稿月报的当前数据：县商务局2022年10月。" in words


def test_a_hand_over_dated_before_its_finding_is_said_on_the_form_not_named(
        client, login, october):
    """A 移交 of the signed October dated before the finding was found (the survey's
    day, 30 October): refused in the service's words, what was typed kept — never the
    naming page (review44 #2). The view no longer drops a page it asked for: the
    refusal declines the page (its ``ask``), and the post, held to naming nothing, is
    the service's to refuse (findingnamed45)."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    finding = db.session.scalars(select(Finding).where(
        Finding.status == FindingStatus.found).order_by(Finding.id)).first()
    assert finding.found_on == date(2022, 10, 30)

    response = client.post(f"/progress/findings/{finding.id}/hand-over",
                           data={"handed_to": "县住建局", "handed_over_on": "2022-10-20"})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert named(page) == [] and "确认登记移交" not in page
    assert "移交日期不能早于发现日期（2022-10-30）。" in page
    assert 'value="2022-10-20"' in page and 'value="县住建局"' in page  # as typed
    db.session.refresh(finding)
    assert finding.status == FindingStatus.found and finding.handed_over_on is None


def test_a_hand_over_the_service_takes_is_still_named_first(client, login, october):
    """The guard: a 移交 on or after the finding's day in the signed month is named."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    finding = db.session.scalars(select(Finding).where(
        Finding.status == FindingStatus.found).order_by(Finding.id)).first()
    page = client.post(f"/progress/findings/{finding.id}/hand-over",
                       data={"handed_to": "县住建局", "handed_over_on": "2022-10-30"}
                       ).get_data(as_text=True)
    (words,) = named(page)
    assert "登记移交会改变以下已定稿月报的当前数据：县商务局2022年10月。" in words
    db.session.refresh(finding)
    assert finding.status == FindingStatus.found


def test_a_step_from_a_page_older_than_the_findings_state_is_refused_not_named(
        client, login, october):
    """A 移交 posted from a page read before the finding was handed over (its form no
    longer drawn), dated in the signed October: the service's refusal names the state —
    not a naming page for a step that will not be done."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    finding = db.session.scalars(select(Finding).where(
        Finding.status == FindingStatus.handed_over).order_by(Finding.id)).first()
    response = client.post(f"/progress/findings/{finding.id}/hand-over",
                           data={"handed_to": "县城管局", "handed_over_on": "2022-10-31"})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert named(page) == [] and "确认登记移交" not in page
    assert "只有“已发现”的问题可以移交。" in page
    db.session.refresh(finding)
    assert finding.handed_to == "县住建局"


def test_a_participant_the_addition_refuses_is_said_on_the_form_not_named(
        client, login, october):
    """A member of a unit that does not work in 解放路社区 claimed 政策宣讲 and never
    confirmed: not counted, but 补录's rule (``backfill.nameable``) refuses her, so the
    list no longer offers her (forgotlist44). In the signed October the admin's post
    naming her (from an older page) is refused on the form with why, not named."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    task = october.tasks["政策宣讲"]
    outsider = f.member(f.unit("县林业局"), name="林业局党员", phone="13900000321")
    db.session.add(Assignment(task_id=task.id, member_id=outsider.id,
                              status=AssignmentStatus.claimed))
    task.taken += 1
    db.session.commit()

    response = client.post(f"/manage/tasks/{task.id}/add-participant",
                           data={"member": str(outsider.id), "hours": "1"})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert not _asked(page)
    assert ("林业局党员 在该活动当日所在的单位（县林业局）不在该社区开展共建，"
            "不能添加为本活动的参加人员。") in page
    assert not _selected(page, outsider) and 'name="hours" pattern' in page  # not offered
    assert re.search(r'id="hours"[^>]*value="1"', page)  # as typed
    assert _status_on(task, outsider) == AssignmentStatus.claimed  # nothing added


def test_a_member_held_elsewhere_is_said_on_the_form_not_named(client, login, october):
    """The guard for the overlap rule: the list does not offer her (addlist42), so her
    post is refused on the form with where she is, never named."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    task, member = october.tasks["政策宣讲"], october.members["张伟"]
    visit = f.task(task.resource_item, october.liaison, starts_at=task.starts_at,
                   title="入户走访")
    db.session.add(Assignment(task_id=visit.id, member_id=member.id,
                              status=AssignmentStatus.claimed))
    visit.taken = 1
    db.session.commit()

    response = client.post(f"/manage/tasks/{task.id}/add-participant",
                           data={"member": str(member.id), "hours": "1"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and not _asked(page)
    assert "张伟 在同一时间已参加“入户走访”" in page
    assert _status_on(task, member) is None
