"""stmts45: the naming pages of 添加遗漏的参加人员 and 更换组长 read the member chosen
alone (``manage.queries.chosen_on_page``), not the whole task page; they must offer a
naming page for exactly the members the whole page's lists offer — else a member the
page does not list would be named first and refused after 确认, or one it lists never
named (docs/design.md, "Refused in a 已定稿 month"; checkfirst43). The page's own lists
are the rule here: every member of the bureau, on every approved activity of the month,
with no search and with a search, is offered by both or by neither."""
from __future__ import annotations

import re


from tests import factories as f
from tests.reports.test_signed_named import sign_october_and_the_year
from tracker.extensions import db
from tracker.manage.queries import chosen_on_page
from tracker.models import Assignment, AssignmentStatus, Member
from tracker.services.directory import set_active


def _offered(page: str, action: str, field: str) -> set[int]:
    start = page.index(f"/{action}")
    form = page[start:page.index("</form>", start)]
    select = re.search(rf'<select[^>]*name="{field}".*?</select>', form, re.S).group(0)
    return {int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', select)}


# the page read with no search and with two (the search box of its member lists)
SEARCHES = ("", "张", "财政")


def test_the_lean_naming_pages_offer_whom_the_whole_page_offers(client, login, october):
    """The three searches on one signed October (signing it and adding the cases once,
    not once per search: issue 13, speedb52); the pages and ``chosen_on_page`` only
    read, so each search sees the month as the others do."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    # the cases the lists tell apart: a namesake in the unit, one switched off, one
    # marked 缺席 on an activity (a participant not counted), one of another unit
    f.member(october.unit, name="张伟", phone="13912340077")
    off = f.member(october.unit, name="张敏", phone="13912340078")
    db.session.commit()
    set_active(off, october.admin, False)
    approved = [t for t in october.tasks.values() if t.report_approved]
    absent = db.session.scalars(db.select(Assignment).where(
        Assignment.task_id == approved[0].id,
        Assignment.status == AssignmentStatus.done).order_by(Assignment.id)).first()
    if absent is not None:
        absent.status = AssignmentStatus.absent
    db.session.commit()
    members = db.session.scalars(db.select(Member.id)).all()
    assert approved and members
    for search in SEARCHES:
        for task in approved:
            page = client.get(f"/manage/tasks/{task.id}", query_string={"q": search}
                              ).get_data(as_text=True)
            addable = _offered(page, "add-participant", "member")
            leadable = _offered(page, "leader", "leader")
            for member_id in members:
                chosen = chosen_on_page(task, member_id, search)
                assert (chosen is not None and chosen.addable) == (member_id in addable), \
                    (task.title, member_id, search)
                assert (chosen is not None and chosen.leadable) == (member_id in leadable), \
                    (task.title, member_id, search)
