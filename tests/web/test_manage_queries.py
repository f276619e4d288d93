"""The liaison lists run the same small number of SQL statements at 2 rows and at 20."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tests.page_statements import signed_in_run, signed_in_statements
from tests.web.manage_support import assignment, submitted_report
from tracker.extensions import db
from tracker.models import AssignmentStatus, SummaryNote, TaskReport
from tracker.timeutil import to_local, utcnow


def _populate(world, n: int) -> None:
    people = [f.member(world.unit, name=f"队员{i}") for i in range(3)]
    for i in range(n):
        f.task(world.item, world.liaison, starts_in=timedelta(days=1, hours=i), leader=people[0])
        f.task(world.item, world.liaison, starts_in=-timedelta(days=2, hours=i))
        reported = f.task(world.item, world.liaison, starts_in=-timedelta(days=9, hours=i),
                          leader=people[1])
        db.session.commit()
        for m in people:
            a = assignment(reported, m)
            a.status, a.minutes = AssignmentStatus.done, 60
        submitted_report(reported, people[1], days_ago=8 + i / 10)


def statements(client, count_queries, url: str) -> list[str]:
    """The statements of ``url`` for whoever is signed in, warm, counted as production
    runs a request (tests/page_statements.py)."""
    return signed_in_run(client, count_queries, url)[0]


PAGES = ["/manage/", "/manage/tasks", "/manage/reviews", "/manage/stale",
         "/manage/tasks?status=open&date_from=2000-01-01"]


def test_list_pages_run_a_constant_number_of_statements(client, login, world, count_queries):
    """Each of ``PAGES``, read warm at 2 rows of each kind and again at 20, runs as many
    statements, and at most 14. The five pages share the two fillings (one test, not one
    per page: filling the lists is most of the time, issue 13, speedb52); each page is
    read warm first, by itself, so what it counts is its own."""
    login(world.liaison)
    _populate(world, 2)
    small = {url: statements(client, count_queries, url) for url in PAGES}
    _populate(world, 18)
    large = {url: statements(client, count_queries, url) for url in PAGES}
    for url in PAGES:
        assert len(large[url]) == len(small[url]), (url, small[url], large[url])
        assert len(small[url]) <= 14, url


def test_task_and_report_pages_run_a_constant_number_of_statements(client, login, world,
                                                                    count_queries):
    login(world.liaison)
    task = f.task(world.item, world.liaison, starts_in=-timedelta(days=1), slots=30)
    db.session.commit()
    assignment(task, world.member)
    report = submitted_report(task, world.leader)

    def measure():
        return sum(len(statements(client, count_queries, url))
                   for url in (f"/manage/tasks/{task.id}", f"/manage/reports/{report.id}"))

    small = measure()
    for i in range(15):
        assignment(task, f.member(world.unit, name=f"补充{i}"))
    assert measure() == small


def test_the_stale_page_reads_each_list_with_its_total(client, login, world, count_queries):
    """逾期事项 finds its tasks by an anti-join over all history (issue 14): each list
    and its total come from one statement, not a page and then a COUNT. Four in all:
    the login session (the liaison's communities with it, since session 34), the stale
    tasks, the overdue reports, the menu counts. The cards' 组长 and submitters, told
    apart from namesakes, are read with the two lists' rows (``names.namesakes_of``,
    docwords42): no statement more."""
    login(world.liaison)
    _populate(world, 2)
    run = statements(client, count_queries, "/manage/stale")
    assert len(run) == 4, [s[:90] for s in run]


def test_a_stale_page_past_the_end_still_knows_the_total(app, world):
    from tracker.manage.queries import stale_tasks
    from tracker.timeutil import utcnow

    _populate(world, 3)
    now = utcnow()
    first = stale_tasks(world.liaison, now, 1, 2)
    past = stale_tasks(world.liaison, now, 99, 2)
    # three tasks ended two days ago, none reported (world's own stale tasks come too)
    assert len(first.items) == 2 and first.total >= 3
    # past the end (an old link): the last page, its total read all the same
    last = stale_tasks(world.liaison, now, first.pages, 2)
    assert (past.page, past.items, past.total) == (first.pages, last.items, first.total)


def test_the_stale_lists_follow_the_time_they_are_asked_at(app, world):
    """逾期事项's two lists are statements built once per reach with the time a parameter
    (``manage.queries._stale_statement``, ``_overdue_statement``): asked later, a task
    has ended without its report, and a report has waited too long."""
    from tracker.manage.queries import overdue_reports, stale_tasks
    from tracker.timeutil import utcnow

    now = utcnow()
    assert world.task not in stale_tasks(world.liaison, now, 1, 50).items
    assert world.task in stale_tasks(world.liaison, now + timedelta(days=5), 1, 50).items
    report = submitted_report(world.past_task, world.leader)
    assert report not in overdue_reports(world.liaison, now, 7, 1, 50).items
    later = overdue_reports(world.liaison, now + timedelta(days=8), 7, 1, 50)
    assert report in later.items and later.total == 1


def test_the_review_queue_follows_the_liaisons_communities(app, world):
    """待审核 is a statement built once per reach, the liaison's communities written in
    when it runs (``manage.queries._pending_statement``): a community given to the
    liaison brings its waiting reports into the queue and its count."""
    from tracker.manage.queries import pending_reports

    own = submitted_report(world.past_task, world.leader)
    elsewhere = f.task(world.other_item, world.other_liaison, starts_in=-timedelta(days=1))
    db.session.commit()
    theirs = submitted_report(elsewhere, world.other_liaison)
    before = pending_reports(world.liaison, 1, 20)
    assert (before.items, before.total) == ([own], 1)
    world.liaison.communities.append(world.other_community)
    db.session.commit()
    after = pending_reports(world.liaison, 1, 20)
    assert (set(after.items), after.total) == ({own, theirs}, 2)
    assert pending_reports(world.admin, 1, 20).total == 2


def test_the_review_queue_asks_the_finalised_months_once_for_its_page(client, login, world,
                                                                      count_queries):
    """Whether a 已定稿 月报 makes a report's approval an admin's (its own month, or a
    month its findings were handed over in) is read for the whole page at once: the
    queue says so on every such card and runs as many statements for 3 reports as for
    18."""
    from tests.rollups import builders as b
    from tracker.models import FindingStatus, ReportStatus, SummaryNote
    from tracker.timeutil import local_today, utcnow

    signed = local_today().replace(day=1) - timedelta(days=1)
    open_month = signed.replace(day=1) - timedelta(days=1)
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=signed.year, month=signed.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    surveys = f.item(world.unit, world.community, "facility_survey")

    def add(n: int) -> None:
        for _ in range(n):
            own = b.task_on(world.item, world.liaison, signed)
            survey = b.task_on(surveys, world.liaison, open_month)
            finding = b.finding(survey, world.leader)
            finding.status, finding.handed_to, finding.handed_over_on = (
                FindingStatus.handed_over, "县住建局", signed)
            free = b.task_on(world.item, world.liaison, open_month)
            for task in (own, survey, free):
                b.report(task, world.leader, ReportStatus.submitted, quantity=1)
        db.session.commit()

    def queue() -> tuple[int, int, int]:
        count, page = signed_in_statements(client, count_queries, "/manage/reviews")
        return count, page.count("月报已定稿"), page.count("/approve")

    login(world.liaison)
    add(1)
    small, refused, offered = queue()
    assert (refused, offered) == (2, 1)
    add(5)
    large, refused, offered = queue()
    assert (refused, offered) == (12, 6)
    assert large == small


# The design's budget: at most 6 statements a page (docs/design.md), the same at 10× the data.
BUDGET = 6


def test_the_review_queue_within_the_budget(client, login, world, count_queries):
    """待审核 keeps the budget for an admin and for a liaison, with 2 waiting reports and
    with 20, each with three participants: the session lookup
    (a liaison's communities with it), the page of reports each carrying the count of
    them all (one statement: session 35, the liaison's queue ran 7), who holds a slot,
    their namesakes, for a liaison the days a 已定稿 月报 closes to them, the menu's
    counts."""
    from tests.page_statements import page_statements

    counts = {}
    for reports, more in ((2, 2), (20, 18)):  # 20: ten times as many
        _populate(world, more)
        for who in ("admin", "liaison"):
            counts[(who, reports)], page = page_statements(
                client, login, count_queries, getattr(world, who), "/manage/reviews")
            assert page.count("/approve") == reports, (who, reports)  # each card offers 通过
    assert {key: n <= BUDGET for key, n in counts.items()} == dict.fromkeys(counts, True), counts
    # and today's exact counts (docs/performance.md, session 35): one more within the
    # budget is still a change to look at
    # the admin's sixth: the 已定稿 months and years 通过 would change, named before it
    # (review docread40 #5), as the liaison's sixth asks which refuse it
    assert counts == {("admin", 2): 6, ("admin", 20): 6, ("liaison", 2): 6, ("liaison", 20): 6}


def test_the_review_queue_counts_each_reports_photos_within_the_budget(client, login, world,
                                                                        count_queries):
    """walk55: a card of 待审核 showed neither a report's photos nor that it had any. Each
    card says how many live photos its report has (a removed one, or a finding's, is not
    the report's) and leads to the report's page, where they are — counted in the
    queue's own statement: 6 statements with photos as without, at 2 reports and at 20
    (``test_the_review_queue_within_the_budget``)."""
    from tests.onsite import samples
    from tests.page_statements import page_statements
    from tests.rollups import builders
    from tracker.services.photos import add_task_photo, remove_photo, set_finding_photo

    live: dict[int, int] = {}  # each report's live photos

    def photographed() -> None:
        """Each report not seen yet gets 0, 1, 2 or 3 photos taken, by turns (of 3, one
        removed again; a finding photographed beside 1)."""
        for turn, report in enumerate(db.session.scalars(
                select(TaskReport).order_by(TaskReport.id)).all()):
            if report.id in live:
                continue
            photos = [add_task_photo(report.task, world.liaison, samples.small_png())
                      for _ in range(turn % 4)]
            if len(photos) == 3:
                remove_photo(photos[0], world.liaison)
            if len(photos) == 1:
                set_finding_photo(builders.finding(report.task, world.leader), world.leader,
                                  samples.small_png())
            db.session.commit()
            live[report.id] = min(turn % 4, 2)

    counts = {}
    for reports, more in ((2, 2), (20, 18)):
        _populate(world, more)
        photographed()
        for who in ("admin", "liaison"):
            counts[(who, reports)], page = page_statements(
                client, login, count_queries, getattr(world, who), "/manage/reviews")
            said = {int(report_id): int(n) for report_id, n in re.findall(
                r'<a href="/manage/reports/(\d+)#report-photos">现场照片 (\d+) 张</a>', page)}
            assert said == {report_id: n for report_id, n in live.items() if n}, who
    assert counts == {("admin", 2): 6, ("admin", 20): 6, ("liaison", 2): 6, ("liaison", 20): 6}
    # the link lands on the report's photos
    report_id = next(report_id for report_id, n in live.items() if n)
    page = client.get(f"/manage/reports/{report_id}").get_data(as_text=True)
    assert re.search(r'<section class="card report-photos" id="report-photos">\s*<h2>现场照片', page)


def _counted_elsewhere(world, task, member) -> None:
    """``member`` checked in on ``task`` and counted (done) on another activity at the
    same hours: what 通过 will not count, said on the page before it (walk9 #6)."""
    from tracker.timeutil import utcnow

    held = assignment(task, member)
    held.status, held.checked_in_at = AssignmentStatus.checked_in, utcnow()
    other = f.task(world.item, world.liaison, starts_at=task.starts_at,
                   duration=task.ends_at - task.starts_at, title=f"同时段活动{task.id}")
    db.session.commit()
    counted = assignment(other, member)
    counted.status, counted.minutes = AssignmentStatus.done, 60
    db.session.commit()


def test_the_report_page_within_the_budget(client, login, world, count_queries):
    """A report's page (review38b #3: it ran 8, 9 with someone checked in) keeps the
    budget for a liaison and an admin, with one participant who claimed, one checked in
    whose time counts on another activity at the same hours (named apart before 通过),
    and two photos — and with ten times as many participants: the session lookup, the
    report with its task and its photos, who holds a slot with where a check-in already
    counts, their namesakes, for a liaison the days a 已定稿 月报 closes to them (the
    activity's own and its findings' steps together), the menu's counts."""
    from tests.onsite import samples
    from tests.page_statements import page_statements
    from tracker.services.photos import add_task_photo

    task = f.task(world.item, world.liaison, starts_in=-timedelta(days=1), slots=40)
    db.session.commit()
    assignment(task, world.member)
    _counted_elsewhere(world, task, world.other_member)
    photos = [add_task_photo(task, world.liaison, samples.small_png()) for _ in range(2)]
    db.session.commit()
    report = submitted_report(task, world.leader)
    url = f"/manage/reports/{report.id}"
    counts = {}
    for people, more in ((2, 0), (20, 18)):  # 20: ten times as many
        for i in range(more):
            member = f.member(world.unit, name=f"补充{i}")
            if i % 2:
                _counted_elsewhere(world, task, member)
            else:
                assignment(task, member)
        for who in ("admin", "liaison"):
            counts[(who, people)], page = page_statements(client, login, count_queries,
                                                          getattr(world, who), url)
            assert "李四 在同一时间已计入" in page, who
            # the photos, read on the report's row, shown in the order they were added
            assert [int(n) for n in re.findall(r"/onsite/photos/(\d+)/thumb", page)] == [
                p.id for p in photos], who
    assert {key: n <= BUDGET for key, n in counts.items()} == dict.fromkeys(counts, True), counts
    # today's exact counts (docs/performance.md, session 39): one more within the budget
    # is still a change to look at
    # the admin's sixth: the 已定稿 months and years 通过 would change, named before it
    # (review docread40 #5), as the liaison's sixth asks which refuse it
    assert counts == {("admin", 2): 6, ("admin", 20): 6, ("liaison", 2): 6, ("liaison", 20): 6}


def test_the_review_queue_names_check_ins_counted_elsewhere_within_the_budget(
        client, login, world, count_queries):
    """Whose check-in 通过 will not count (her time counts elsewhere at the same hours) is
    read with the participants, for the whole page: a queue where every card has one
    runs the statements of one where none has (``test_the_review_queue_within_the_budget``),
    at 2 reports and at 20."""
    from tests.page_statements import page_statements

    counts = {}
    for reports, more in ((2, 2), (20, 18)):
        _populate(world, more)
        for report in db.session.scalars(select(TaskReport)).all():
            if not any(a.status == AssignmentStatus.checked_in for a in report.task.assignments):
                _counted_elsewhere(world, report.task, f.member(world.unit, name=f"签到{report.id}"))
        for who in ("admin", "liaison"):
            counts[(who, reports)], page = page_statements(
                client, login, count_queries, getattr(world, who), "/manage/reviews")
            assert page.count("在同一时间已计入") == reports, (who, reports)
    # the admin's sixth: the 已定稿 months and years 通过 would change, named before it
    # (review docread40 #5), as the liaison's sixth asks which refuse it
    assert counts == {("admin", 2): 6, ("admin", 20): 6, ("liaison", 2): 6, ("liaison", 20): 6}


def test_the_task_page_within_the_budget(client, login, world, count_queries):
    """A task's page on the 工作台 (/manage/tasks/<id>) asked the same COUNT of the
    confirmed participations twice — for 取消任务's refusal and for whether the activity
    is on record —, five times once hours were confirmed and no report sent (the
    refusal's words twice, 作废's refusal once more; count48 #2): every participation
    holding a place is read for the page anyway, the confirmed ones among them. For a
    liaison and an admin: an open task (as count48 counted it: 11 for each), an ended
    one with confirmed hours and no report (取消任务 refused, 作废 offered: 15 and 14),
    and the same reported (10 and 9) — each with 2 on it and with 20. Then 9: the
    session, the task, who holds a place, whom 指派 offers, the signed documents
    取消任务 would change (a need's move: open) or 作废 would (on record), the 候补名单,
    the namesakes, the needs it serves, the menu's counts; on record, a liaison's tenth
    was 作废's refusal asking whether the month is 已定稿 (an admin is not refused):
    read with the task since (mergepage49), 9 for her too — and, the month signed, 8
    (作废 refused there, nothing more asked), the refusal in its words as before. Now
    7 (6 signed): the needs it serves and its 候补名单 are read with the task (pagesb50;
    ``test_the_needs_a_task_serves_are_read_with_it``,
    ``test_the_waitlist_is_read_with_the_task``). Now 6 (5 signed): the namesakes of
    those it names are read with the task, and those of the members offered with the
    list offering them (pages51; ``tests/web/test_task_page_namesakes_read.py``)."""
    from tests.page_statements import page_statements

    ended = f.task(world.item, world.liaison, starts_in=-timedelta(days=1), slots=40)
    db.session.commit()
    done = assignment(ended, world.member)
    done.status, done.minutes = AssignmentStatus.done, 60
    assignment(ended, world.other_member)
    world.task.slots = 40
    db.session.commit()

    def grow(task, prefix: str, *, confirm: bool) -> None:
        for i in range(18):
            held = assignment(task, f.member(world.unit, name=f"{prefix}{i}"))
            if confirm and i % 2:
                held.status, held.minutes = AssignmentStatus.done, 60
        db.session.commit()

    def count(state: str, people: int, task) -> None:
        for who in ("admin", "liaison"):
            counts[(who, state, people)], page = page_statements(
                client, login, count_queries, getattr(world, who), f"/manage/tasks/{task.id}")
            # 取消任务's refusal names how many confirmed, as ever
            refused = "已有%d名党员在该任务中的服务时长已确认" % (10 if people == 20 else 1)
            assert (refused in page) is (state == "confirmed"), (who, state, people)

    counts: dict = {}
    count("open", 2, world.task)
    count("confirmed", 2, ended)
    grow(world.task, "报名", confirm=False)
    grow(ended, "参加", confirm=True)
    count("open", 20, world.task)
    count("confirmed", 20, ended)
    submitted_report(ended, world.leader)
    count("reported", 20, ended)
    assert counts == {
        ("admin", "open", 2): 6, ("liaison", "open", 2): 6,
        ("admin", "open", 20): 6, ("liaison", "open", 20): 6,
        ("admin", "confirmed", 2): 6, ("liaison", "confirmed", 2): 6,
        ("admin", "confirmed", 20): 6, ("liaison", "confirmed", 20): 6,
        ("admin", "reported", 20): 6, ("liaison", "reported", 20): 6}
    day = ended.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    signed, page = page_statements(client, login, count_queries, world.liaison,
                                   f"/manage/tasks/{ended.id}")
    refusal = f"{day.year}年{day.month}月的月报已定稿，作废该月的活动须由单位管理员操作"
    assert (signed, refusal in page, f'action="/manage/tasks/{ended.id}/void"' in page) \
        == (5, True, False)


def test_the_needs_a_task_serves_are_read_with_it(client, login, world, count_queries):
    """The needs a task works on — made into it or into another task of its weekly
    series (``task_needs.needs_of``) — are named on its page (来自需求, each linked):
    they were a statement of their own (9 on an open task); read with the task now, 6
    (its 候补名单 and the namesakes read with it too: pagesb50, pages51) for a liaison and an admin, with one need of the series and with three, the page
    naming each need of the series, by its id, and no other task's."""
    from tests.needs.support import need
    from tests.page_statements import page_statements

    week = f.task(world.item, world.liaison, starts_in=timedelta(days=9))
    alone = f.task(world.item, world.liaison, starts_in=timedelta(days=16))
    world.task.series_id = week.series_id = "weekly-1"
    db.session.commit()
    first = need(world.community, world.liaison, title="每周代购米面", task_id=week.id)
    other = need(world.community, world.liaison, title="别的任务的需求", task_id=alone.id)
    db.session.commit()
    url = f"/manage/tasks/{world.task.id}"

    def shown(page: str) -> list[int]:
        return [int(n) for n in re.findall(r'来自需求</dt><dd><a href="/needs/(\d+)"', page)]

    counts, pages = {}, {}
    for who in ("admin", "liaison"):
        counts[(who, 1)], pages[(who, 1)] = page_statements(
            client, login, count_queries, getattr(world, who), url)
    more = [need(world.community, world.liaison, title=f"需求{i}", task_id=task.id)
            for i, task in enumerate((world.task, week))]
    db.session.commit()
    for who in ("admin", "liaison"):
        counts[(who, 3)], pages[(who, 3)] = page_statements(
            client, login, count_queries, getattr(world, who), url)
    assert counts == {("admin", 1): 6, ("liaison", 1): 6, ("admin", 3): 6, ("liaison", 3): 6}
    assert {who: shown(page) for (who, n), page in pages.items() if n == 1} == {
        "admin": [first.id], "liaison": [first.id]}
    assert {who: shown(page) for (who, n), page in pages.items() if n == 3} == {
        "admin": sorted([first.id, *(m.id for m in more)]),
        "liaison": sorted([first.id, *(m.id for m in more)])}
    assert other.id not in shown(pages[("liaison", 3)]) and "每周代购米面" in pages[("admin", 3)]


def test_the_waitlist_is_read_with_the_task(client, login, world, count_queries):
    """An open task's 候补名单 — those waiting on it, first in line first, each with when
    they joined — was a statement of its own on its page (8 once the needs were read
    with the task): read with the task now (``tasks.queries.waiting_load``), 6 for a
    liaison and an admin (the namesakes read with the task too: pages51) with one waiting and with four; the list as before: in line
    order, each with the local time they joined and the 转正 and 移出候补 buttons, and
    no one waiting on another task or no longer waiting."""
    from tests.page_statements import page_statements
    from tracker.models import WaitlistEntry, WaitStatus

    other = f.task(world.item, world.liaison, starts_in=timedelta(days=5))
    world.task.slots = world.task.taken + 1  # a slot free: 转正 offered
    db.session.commit()
    start = utcnow().replace(microsecond=0) - timedelta(hours=3)

    def waits(name: str, minutes: int, task=None, status=WaitStatus.waiting):
        entry = WaitlistEntry(task_id=(task or world.task).id,
                              member_id=f.member(world.unit, name=name).id,
                              joined_at=start + timedelta(minutes=minutes), status=status)
        db.session.add(entry)
        db.session.commit()
        return entry

    def listed(page: str) -> list:
        section = page.split('<section id="waitlist">', 1)[1].split("</section>", 1)[0]
        return re.findall(r'<li>(\S+) <span class="muted">([^<]*)</span>', section)

    first = waits("候补乙", 20)
    waits("别的候补", 0, task=other)
    waits("已离开", 5, status=WaitStatus.left)
    url = f"/manage/tasks/{world.task.id}"
    counts, pages = {}, {}
    for who in ("admin", "liaison"):
        counts[(who, 1)], pages[(who, 1)] = page_statements(
            client, login, count_queries, getattr(world, who), url)
    later = [waits("候补丙", 40), waits("候补甲", 10), waits("候补丁", 10)]
    for who in ("admin", "liaison"):
        counts[(who, 4)], pages[(who, 4)] = page_statements(
            client, login, count_queries, getattr(world, who), url)
    assert counts == {("admin", 1): 6, ("liaison", 1): 6, ("admin", 4): 6, ("liaison", 4): 6}

    def at(minutes: int) -> str:
        return to_local(start + timedelta(minutes=minutes)).strftime("%m-%d %H:%M")

    # joined at the same minute: the one who joined first by id first
    line = [("候补甲", at(10)), ("候补丁", at(10)), ("候补乙", at(20)), ("候补丙", at(40))]
    for who in ("admin", "liaison"):
        assert listed(pages[(who, 1)]) == [("候补乙", at(20))]
        assert listed(pages[(who, 4)]) == line
        assert "候补名单（4）" in pages[(who, 4)]
        for entry in (first, *later):
            assert f"/manage/waitlist/{entry.id}/promote" in pages[(who, 4)]
            assert f"/manage/waitlist/{entry.id}/remove" in pages[(who, 4)]


def test_an_approved_activitys_page_asks_its_months_signing_once(
        client, login, world, count_queries):
    """A liaison's page of an approved activity (a 补录) asked whether its month is
    已定稿 twice — for 作废's refusal and for 添加遗漏的参加人员's and 更换组长's — each
    in a statement of its own (14): read with the task since (mergepage49), 12; 10
    with the needs it serves and its 候补名单 read with the task too (pagesb50); 9 with
    the namesakes read with the task and the members offered; 6 with 作废's four reads
    — the participants' units of the day signed, the needs' and the findings' places,
    the needs' signed units — run as one statement (pages51: ``voiding.void_refusal``).
    Signed, both refusals are said in their own words, as before."""
    from tests.page_statements import page_statements
    from tests.web.test_manage_approved_task import _recorded

    task = _recorded(client, login, world)
    url = f"/manage/tasks/{task.id}"
    before, page = page_statements(client, login, count_queries, world.liaison, url)
    day = task.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    after, signed = page_statements(client, login, count_queries, world.liaison, url)
    month = f"{day.year}年{day.month}月的月报已定稿"
    assert (before, f"{month}，作废该月的活动须由单位管理员操作" in page) == (6, False)
    assert (f"{month}，作废该月的活动须由单位管理员操作" in signed,
            f"{month}，向该月的活动添加参加人员须由单位管理员操作" in signed) == (True, True)


def test_an_approved_surveys_page_asks_its_steps_months_with_its_reads(
        client, login, world, count_queries):
    """The common 双创 摸排: approved, its finding handed over one month and fixed the
    next, and a need it fulfilled in a third — each month a 作废 would take figures out
    of (its steps' and its needs' 完成, surveys51). Whether each is 已定稿 is asked with
    the page's other reads, not one statement a month: within the budget of 6 for an
    admin (no 定稿 refuses her) and a liaison alike; signed, the liaison is told so in
    the steps' words, as before."""
    from tests.needs.support import need
    from tests.rollups import builders as b
    from tests.page_statements import page_statements
    from tracker.models import FindingStatus, NeedStatus, ReportStatus
    from tracker.timeutil import local_today

    months = [local_today().replace(day=1)]
    for _ in range(3):
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    held, handed, fixed, fulfilled = (day.replace(day=10) for day in months)
    survey = b.task_on(f.item(world.unit, world.community, "facility_survey"), world.liaison,
                       held, title="雨污管网摸排")
    b.join(survey, world.member)
    found = b.finding(survey, world.leader)
    found.status, found.handed_to, found.handed_over_on, found.fixed_on = (
        FindingStatus.fixed, "县住建局", handed, fixed)
    b.report(survey, world.leader, ReportStatus.approved, quantity=1)
    need(world.community, world.liaison, status=NeedStatus.fulfilled, task_id=survey.id,
         fulfilled_on=fulfilled, fulfilled_at=utcnow(), fulfilled_by_id=world.liaison.id)
    db.session.commit()
    url = f"/manage/tasks/{survey.id}"
    counts = {who: page_statements(client, login, count_queries, who, url)[0]
              for who in (world.admin, world.liaison)}
    assert counts == {world.admin: 6, world.liaison: 6}

    def words(day):
        return (f"该活动的数据也计入{day.year}年{day.month}月的月报（摸排问题在该月移交或整改，"
                "或需求在该月完成），该月的月报已定稿，作废须由单位管理员操作")

    # the community's 月报 of the need's 完成, then the unit's of the 整改 and of the
    # 移交: the earliest signed month is the one named
    signed = []
    for day, scope in ((fulfilled, {"scope_key": f"community:{world.community.id}",
                                    "community_id": world.community.id}),
                       (fixed, {"scope_key": f"unit:{world.unit.id}", "unit_id": world.unit.id}),
                       (handed, {"scope_key": f"unit:{world.unit.id}",
                                 "unit_id": world.unit.id})):
        db.session.add(SummaryNote(year=day.year, month=day.month, finalized_at=utcnow(),
                                   finalized_by_id=world.admin.id, **scope))
        db.session.commit()
        count, page = page_statements(client, login, count_queries, world.liaison, url)
        signed.append((count, [d for d in (handed, fixed, fulfilled) if words(d) in page]))
    assert signed == [(6, [fulfilled]), (6, [fixed]), (6, [handed])]
