"""A member's 服务记录 (``/reports/records/<id>``) and its .xlsx run a stated number of
statements for each reader, the same with more work over more years (docs/design.md,
"Budgets": at most 6 a page, constant in the data size). Counted as production runs a
request (tests/page_statements.py).

The page reads the session, the member with her unit — and, for a liaison, whether
the member is active in her communities, a column of the same statement
(``records.record_member``) —, the year's totals with the years she has work in (one
statement), the year's rows, her stays on a roll and the menu's counts: 6 for every
reader; the .xlsx the same without the menu: 5. count48 counted a liaison's page 8, an
admin's 7 (8 for a liaison's record, whose unit was read lazily), the .xlsx 7 / 6: the
reach, the years and the unit each a statement of its own."""
from __future__ import annotations

from datetime import timedelta

from tests.page_statements import signed_in_run
from tests.web.test_record_hours_origin import (_approve, _hers, _past,
                                               record_year_holds_the_last_days)
from tracker.extensions import db
from tracker.timeutil import local_today
from tracker.models import AssignmentStatus
from tracker.services import unit_of_work
from tracker.services.claims import confirm_participation

PAGE = 6
XLSX = 5


def _worked(world, days: int, title: str) -> None:
    """张三 confirmed 90 minutes on an activity ``days`` ago, approved."""
    task = _past(world, days, title, hers=AssignmentStatus.claimed)
    with unit_of_work():
        confirm_participation(_hers(task, world), world.member, 90)
    _approve(task, world)


def _statements(client, login, count_queries, reader, url: str) -> int:
    login(reader)
    return len(signed_in_run(client, count_queries, url)[0])  # the .xlsx is not text


def _counts(client, login, count_queries, world) -> dict:
    """{(reader, page or xlsx): statements}: 张三's record read by herself, her
    community's liaison and an admin; a liaison's own record (she is on no roll: her
    unit) read by an admin."""
    found = {}
    for who, reader, member in (("member", world.member, world.member),
                                ("liaison", world.liaison, world.member),
                                ("admin", world.admin, world.member),
                                ("admin of a liaison", world.admin, world.liaison)):
        for kind, url in (("page", f"/reports/records/{member.id}"),
                          ("xlsx", f"/reports/records/{member.id}.xlsx")):
            found[who, kind] = _statements(client, login, count_queries, reader, url)
    return found


def test_the_record_runs_its_budget_for_every_reader_with_more_work(client, login, world,
                                                                    count_queries, monkeypatch):
    record_year_holds_the_last_days(monkeypatch)
    _worked(world, 3, "第一次活动")
    expected = {(who, kind): PAGE if kind == "page" else XLSX
                for who in ("member", "liaison", "admin", "admin of a liaison")
                for kind in ("page", "xlsx")}
    assert _counts(client, login, count_queries, world) == expected
    for i in range(4):  # more rows, and work in the years before: the same
        _worked(world, 5 + i, f"又一次活动{i}")
        _worked(world, 400 + 370 * i, f"往年活动{i}")
    db.session.commit()
    assert _counts(client, login, count_queries, world) == expected
    login(world.liaison)
    page = client.get(f"/reports/records/{world.member.id}").get_data(as_text=True)
    assert "又一次活动3" in page
    years = {(local_today() - timedelta(days=400 + 370 * i)).year for i in range(4)}
    assert all(f"year={y}" in page for y in years), years
