"""review42b #3: in a signed month the 组长's 服务对象 page says only what is true there —
only an admin changes them (the refusal's words) — not that a save keeps the liaison's
picks nor to ask the liaison, whom ``set_task_residents`` refuses the same change."""
import re

from tests.residents.test_resident_kind_signed import _two_visits


def test_the_leaders_page_in_a_signed_month_does_not_say_ask_the_liaison(client, login, world):
    _elder, first = _two_visits(world)  # approved visits naming 赵奶奶 (the liaison's pick), month 已定稿
    login(world.leader)
    response = client.get(f"/residents/task/{first.id}")
    page = re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
    assert response.status_code == 200, response.status_code
    assert "须由单位管理员操作" in page  # the page says only an admin may change them
    # ... and, just above, that a save keeps the liaison's picks and to ask the liaison
    assert "保存时会保留，如需修改请联系联络员" not in page, page[page.find("联络员还填写了"):][:200]
    assert "请联络员填写" not in page and "赵奶奶" in page  # named, in the list of those served


def test_the_leaders_page_of_an_open_month_still_says_it(client, login, world):
    """Where a save is offered, the liaison's picks are still said to stay."""
    _elder, first = _two_visits(world, signed=False)
    login(world.leader)
    page = re.sub(r"<[^>]+>", "", client.get(f"/residents/task/{first.id}").get_data(as_text=True))
    assert "保存时会保留，如需修改请联系联络员" in page


def _visit_served_twice(world, *, signed: bool):
    """A 走访慰问 visit naming one 服务对象, approved with 受益 2 (they differ), its
    unit's month signed or not."""
    from tests import factories as f
    from tests.residents.support import visit_task, world_resident
    from tracker.extensions import db
    from tracker.services.residents import set_task_residents

    elder = world_resident(world)
    task = visit_task(world)
    set_task_residents(task, world.liaison, {elder.id})
    db.session.commit()
    f.reported(task, world.leader, approved=True, people_served=2,
               signed_by=world.admin if signed else None)
    return task


def test_a_signed_months_visit_is_not_told_to_change_what_is_refused(client, login, world):
    """review43 #4: the mismatch of 服务对象 and 受益 is said, but not 「请修改服务对象，或修改
    完成情况中的受益人数」 — both are refused her in a signed month —; whom to ask instead."""
    task = _visit_served_twice(world, signed=True)
    login(world.liaison)
    html = client.get(f"/residents/task/{task.id}").get_data(as_text=True)
    page = re.sub(r"<[^>]+>", "", html)
    assert "须由单位管理员操作" in page and ">保存</button>" not in html
    assert "服务对象与受益人数不一致" in page  # the mismatch still said
    assert "请修改服务对象" not in page and "修改完成情况中的受益人数" not in page
    assert "如需更正，请联系单位管理员" in page


def test_an_open_months_visit_is_still_told_what_to_change(client, login, world):
    task = _visit_served_twice(world, signed=False)
    login(world.liaison)
    page = re.sub(r"<[^>]+>", "", client.get(f"/residents/task/{task.id}").get_data(as_text=True))
    assert "请修改服务对象，或修改完成情况中的受益人数" in page
