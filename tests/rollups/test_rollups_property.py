"""Property test: random histories → every rollup figure equals a brute-force recount.

Hypothesis draws tasks (any category, date, status), participations in every state,
reports in every state (or none), findings (active or not) on surveys in every
report state, members on the roll or off it, and fund entries; the test writes them,
asks ``tracker.rollups`` and recounts the same figure in plain Python from what it
drew, by the rules of docs/design.md stated here in their own terms:

- a report's 完成数量 counts only for a category with a unit for it (牛皮癣清除 处,
  楼道粉刷 个), and a survey's is its active findings; its 受益 only for a category
  with a beneficiary unit (电子商务培训 人次);
- findings count once their survey is approved, apart as pending while it is 待审核,
  and nowhere when it is returned or not reported;
- the roll of a period is who was on the unit's roll on the period's last day (today
  for one still running): a member's history is stays on a unit's roll (from a day,
  or as far back as the records go; up to a day, or still on it), and a member counts
  in the unit of the stay that includes that day — moves, leaving and returning
  included; a member who took part in any approved task of the period took part;
- 人次 and hours of a unit are its members' work, a member's unit being that of their
  stay on the activity's day (their current unit when they were on no roll then);
- a target counts its own measure (activities, 受益, 完成数量 or money).

Finally every submitted report is returned: official figures must not move
(pending never leaks into official figures) and pending ones must drop to zero.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from tests import factories as f
from tests.rollups import builders as b
from tests.rollups.counted import assert_in_sync
from tracker.extensions import db
from tracker.models import (
    AssignmentStatus,
    Category,
    FindingKind,
    FindingStatus,
    ReportStatus,
    Role,
    RollPeriod,
    Section,
    TargetMeasure,
    TaskReport,
    TaskStatus,
)
from tracker.reference import ensure_categories
from tracker.rollups import Figures, Scope, Totals
from tracker.rollups.checklist import resource_progress
from tests.plans import resource_progress_by_category
from tracker.rollups.coverage import coverage
from tracker.rollups.member_status import member_status, member_totals
from tests.plans import double_progress
from tracker.rollups.figures import categories, figures, figures_by_month, totals, trend
from tests.plans import figures_by_category
from tests.plans import findings_counts
from tracker.rollups.funds import fund_figures
from tracker.rollups.home import home_figures
from tracker.rollups.scope import months_between, year_of
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
NOW = datetime.now(timezone.utc)
CODES = ["ecommerce_training", "cobuild_funding", "environment_cleanup", "ad_removal",
         "stairwell_painting", "facility_survey", "bike_tidy"]
# "双创" work: the categories of the "双创" section — the three reference ones and an
# admin's own (bike_tidy: 共享单车整理, 完成数量 in 辆, made in ``wipe``)
DOUBLE = {"ad_removal", "stairwell_painting", "facility_survey", "bike_tidy"}
OWN_DOUBLE = "bike_tidy"  # not one of the view's three fixed columns: counted per category
# The design's table (docs/design.md, "Categories"), for the categories drawn here.
QUANTITY_CODES = {"ad_removal", "stairwell_painting", "bike_tidy"}  # 处, 个, 辆 (the
# survey's: its findings)
BENEFICIARY_CODES = {"ecommerce_training"}  # 人次
MEASURES = {  # the measures a target of each may count
    "ecommerce_training": ("activities", "beneficiaries"),
    "cobuild_funding": ("money",),
    "environment_cleanup": ("activities",),
    "ad_removal": ("activities", "quantity"),
    "stairwell_painting": ("activities", "quantity"),
    "facility_survey": ("activities", "quantity"),
    "bike_tidy": ("activities", "quantity"),
}
N_MEMBERS = 6

# Named functions, not lambdas, in strategies: Hypothesis describes a lambda by
# parsing this file's source, which on CPython 3.11 can fail at random with
# "AST constructor recursion depth mismatch" under pytest-xdist.


def half_hours(n: int) -> int:
    return n * 30


def member_index(p: tuple) -> int:
    return p[0]


participation = st.tuples(
    st.integers(0, N_MEMBERS - 1),
    st.sampled_from(list(AssignmentStatus)),
    st.integers(1, 8).map(half_hours),
)
task_spec = st.fixed_dictionaries({
    "item": st.integers(0, 100),  # index into the drawn world's items (mod len)
    "day": st.integers(-400, 20),  # days from today
    "status": st.sampled_from(list(TaskStatus)),
    "report": st.sampled_from([None, *ReportStatus]),
    "quantity": st.integers(0, 60),
    "people": st.integers(0, 40),
    "submitted_days_ago": st.integers(0, 20),
    "people_on_it": st.lists(participation, max_size=5, unique_by=member_index),
    "findings": st.lists(st.tuples(st.sampled_from(list(FindingKind)),
                                   st.sampled_from(list(FindingStatus)), st.booleans()),
                         max_size=3),
})
# a member's stays on a roll: the first day (days from today; None: as far back as the
# records go), then changes, each some days after the last: to a unit (0, 1) or off the
# roll (None) — a move, leaving, returning
roll_spec = st.tuples(st.one_of(st.none(), st.integers(-420, 20)),
                      st.lists(st.tuples(st.integers(1, 200), st.one_of(st.none(), st.integers(0, 1))),
                               max_size=3))
fund_spec = st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(-400, 0),
                      st.integers(-50_000, 500_000))


@dataclass
class Drawn:
    """What was written, in plain Python, for the brute-force recount."""

    members: list = field(default_factory=list)  # (id, unit_id, active, on_roll)
    rolls: dict = field(default_factory=dict)  # id → [(unit_id, since, until)]: the stays
    items: list = field(default_factory=list)  # dict
    tasks: list = field(default_factory=list)  # dict
    assignments: list = field(default_factory=list)  # dict
    findings: list = field(default_factory=list)  # dict
    funds: list = field(default_factory=list)  # (unit_id, community_id, day, fen)


def wipe() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    db.session.expunge_all()  # ids are reused: forget the objects of the last example
    ensure_categories()
    f.category(OWN_DOUBLE, "共享单车整理", quantity="辆", beneficiary=None,
               section=Section.double)
    db.session.commit()


def stays(unit: int, first, changes, open_ok: bool) -> list:
    """The drawn history as stays (unit index, since, until); the last one is closed
    (today, or the day after it began) unless the member is on the roll now."""
    since = None if first is None else TODAY + timedelta(days=first)
    day = since or TODAY - timedelta(days=430)
    out, current = [], unit
    for gap, then in changes:
        day += timedelta(days=gap)
        if current is not None:
            out.append([current, since, day])
        current, since = then, day
    if current is not None:
        out.append([current, since, None])
        if not open_ok:
            out[-1][2] = max(TODAY, (since or TODAY) + timedelta(days=1))
    return [tuple(x) for x in out]


def build(tasks, funds, range_start, range_len, rolls=()) -> tuple[Drawn, dict]:
    d = Drawn()
    units = [f.unit("甲单位"), f.unit("乙单位")]
    coms = [f.community("一社区"), f.community("二社区")]
    zones = [f.zone(coms[0], "一区", units[0]), f.zone(coms[0], "二区", units[0])]
    admin = f.member(units[0], Role.admin, "admin")
    d.members.append((admin.id, admin.unit_id, True, False))  # an admin's account: off the roll
    for i in range(N_MEMBERS):
        # m3 is a liaison who volunteers (on the roll); m4 a member taken off it
        m = f.member(units[i % 2], Role.liaison if i == 3 else Role.member, name=f"m{i}",
                     active=i != 5, on_roll={3: True, 4: False}.get(i))
        d.members.append((m.id, m.unit_id, m.active, m.on_roll))
        if i < len(rolls):  # else the factory's: on their unit's roll since always, if on it
            m.roll_periods = []
            db.session.flush()
            m.roll_periods = [RollPeriod(unit_id=units[u].id, since=since, until=until)
                              for u, since, until in stays(i % 2, *rolls[i],
                                                           open_ok=m.active and m.on_roll)]
            db.session.flush()
        d.rolls[m.id] = [(p.unit_id, p.since, p.until) for p in m.roll_periods]
    members = [db.session.get(type(admin), mid) for mid, *_rest in d.members[1:]]
    for year in (TODAY.year - 1, TODAY.year):
        for ci, com in enumerate(coms):
            for code in CODES:
                for zone in ([None] if code not in DOUBLE or ci == 1 else [None, *zones]):
                    measure = MEASURES[code][len(d.items) % len(MEASURES[code])]
                    if code == "cobuild_funding" and zone is not None:
                        continue
                    category = db.session.scalar(db.select(Category).where(Category.code == code))
                    it = f.item(units[ci], com, category, year=year, target=10 + len(d.items),
                                zone=zone, measure=TargetMeasure(measure))
                    d.items.append({"id": it.id, "obj": it, "unit": it.unit_id, "community": com.id,
                                    "zone": zone.id if zone else None, "code": code, "year": year,
                                    "target": it.target, "measure": measure, "active": True})
    d.items[-1]["obj"].active = False  # a retired item still counts in its year
    d.items[-1]["active"] = False
    for spec in tasks:
        item = d.items[spec["item"] % len(d.items)]
        day = TODAY + timedelta(days=spec["day"])
        t = b.task_on(item["obj"], admin, day, status=spec["status"], leader=members[0])
        row = {"id": t.id, "item": item["id"], "unit": item["unit"], "community": item["community"],
               "zone": item["zone"], "code": item["code"], "category": t.category_id,
               "day": day, "status": spec["status"], "ends_at": t.ends_at, "report": spec["report"],
               "quantity": spec["quantity"], "people": spec["people"]}
        d.tasks.append(row)
        for index, status, minutes in spec["people_on_it"]:
            mid = members[index].id
            b.join(t, members[index], status, minutes)
            d.assignments.append({"task": t.id, "member": mid, "status": status,
                                  "minutes": minutes if status == AssignmentStatus.done else None})
        if spec["report"] is not None:
            rep = b.report(t, admin, spec["report"], spec["quantity"], spec["people"])
            rep.submitted_at = NOW - timedelta(days=spec["submitted_days_ago"], hours=1)
            row["submitted_at"] = rep.submitted_at
        if item["code"] == "facility_survey":
            for kind, status, active in spec["findings"]:
                b.finding(t, admin, kind, status, active)
                d.findings.append({"task": t.id, "community": item["community"],
                                   "zone": item["zone"], "unit": item["unit"], "day": day,
                                   "kind": kind, "status": status, "active": active,
                                   "report": spec["report"]})
            row["findings"] = sum(active for _k, _s, active in spec["findings"])
    for ui, ci, day_offset, fen in funds:
        day = TODAY + timedelta(days=day_offset)
        b.fund(units[ui], coms[ci], admin, day, fen)
        d.funds.append((units[ui].id, coms[ci].id, day, fen))
    db.session.commit()
    ids = {"units": [u.id for u in units], "coms": [c.id for c in coms],
           "zones": [z.id for z in zones], "range": (TODAY + timedelta(days=range_start),
                                                     TODAY + timedelta(days=range_start + range_len))}
    return d, ids


# --- brute force -------------------------------------------------------------------


def in_scope(t, s: Scope) -> bool:
    return ((s.date_from is None or t["day"] >= s.date_from)
            and (s.date_to is None or t["day"] < s.date_to)
            and (s.unit_id is None or t["unit"] == s.unit_id)
            and (s.community_ids is None or t["community"] in s.community_ids)
            and (s.zone_id is None or t["zone"] == s.zone_id)
            and (s.category_id is None or t["category"] == s.category_id))


def counted_quantity(t) -> int:
    """完成数量 as the category counts it: a survey's findings, else the report's
    figure where the category has a unit for it, else nothing."""
    if t["code"] == "facility_survey":
        return t.get("findings", 0)
    return t["quantity"] if t["code"] in QUANTITY_CODES else 0


def counted_people(t) -> int:
    return t["people"] if t["code"] in BENEFICIARY_CODES else 0


def recount(d: Drawn, s: Scope, status: ReportStatus, extra=lambda t: True) -> Totals:
    tasks = {t["id"]: t for t in d.tasks if in_scope(t, s) and t["report"] == status and extra(t)}
    done = [a for a in d.assignments if a["task"] in tasks and a["status"] == AssignmentStatus.done]
    return Totals(
        activities=len(tasks),
        quantity=sum(counted_quantity(t) for t in tasks.values()),
        people_served=sum(counted_people(t) for t in tasks.values()),
        person_times=len(done),
        members=len({a["member"] for a in done}),
        minutes=sum(a["minutes"] for a in done),
    )


def recount_findings(d: Drawn, s: Scope, extra=lambda x: True,
                     report: ReportStatus = ReportStatus.approved) -> list:
    """Active findings of surveys whose report has ``report`` (approved: official)."""
    return [x for x in d.findings if x["active"] and x["report"] == report
            and (s.date_from is None or x["day"] >= s.date_from)
            and (s.date_to is None or x["day"] < s.date_to)
            and (s.unit_id is None or x["unit"] == s.unit_id)
            and (s.community_ids is None or x["community"] in s.community_ids)
            and (s.zone_id is None or x["zone"] == s.zone_id) and extra(x)]


def check_all(d: Drawn, ids: dict) -> None:
    cats = {c.code: c.id for c in categories()}
    lo, hi = ids["range"]
    month_from = TODAY.replace(day=1)
    month_to = date(month_from.year + (month_from.month == 12), month_from.month % 12 + 1, 1)
    year_from, year_to = date(TODAY.year, 1, 1), date(TODAY.year + 1, 1, 1)
    scopes = [
        Scope(),
        Scope(lo, hi),
        Scope(month_from, month_to),
        Scope(year_from, year_to, community_ids=(ids["coms"][0],)),
        Scope(lo, hi, unit_id=ids["units"][1]),
        Scope(None, hi, zone_id=ids["zones"][0]),
        Scope(lo, None, category_id=cats["ad_removal"]),
        Scope(lo, hi, community_ids=()),
    ]
    for s in scopes:
        official, pending = recount(d, s, ReportStatus.approved), recount(d, s, ReportStatus.submitted)
        assert totals(s) == official, s
        assert totals(s, ReportStatus.submitted) == pending, s
        assert figures(s) == Figures(official, pending), s
        by_cat = {row.category_id: row for row in figures_by_category(s)}
        for code, cat_id in cats.items():
            extra = (lambda t, c=cat_id: t["category"] == c)
            expected = Figures(recount(d, s, ReportStatus.approved, extra),
                               recount(d, s, ReportStatus.submitted, extra))
            got = by_cat.get(cat_id)
            assert (Figures(got.official, got.pending) if got else Figures()) == expected, code
        counted = findings_counts(s)
        for counts, report in ((counted.official, ReportStatus.approved),
                               (counted.pending, ReportStatus.submitted)):
            found = recount_findings(d, s, report=report)
            assert counts.total == len(found)
            assert counts.by_kind == {k: sum(x["kind"] == k for x in found) for k in FindingKind}
            assert counts.by_status == {k: sum(x["status"] == k for x in found)
                                        for k in FindingStatus}
            assert counts.handed_over == sum(x["status"] != FindingStatus.found for x in found)
        # the official findings are the approved surveys' 完成数量, by construction —
        # in a scope that has the surveys in it (findings are not narrowed by category)
        if s.category_id in (None, cats["facility_survey"]):
            survey = recount(d, s, ReportStatus.approved, lambda t: t["code"] == "facility_survey")
            assert counted.official.total == survey.quantity

    # month by month
    for s in (Scope(lo, hi), Scope(year_from, year_to, community_ids=(ids["coms"][1],))):
        months = figures_by_month(s)
        assert [(m.year, m.month) for m in months] == months_between(s.date_from, s.date_to)
        for m in months:
            start = date(m.year, m.month, 1)
            end = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
            ms = Scope(max(start, s.date_from), min(end, s.date_to), community_ids=s.community_ids)
            assert (m.official, m.pending) == (recount(d, ms, ReportStatus.approved),
                                               recount(d, ms, ReportStatus.submitted))
        for m, t in zip(months, trend(s)):
            assert (t.year, t.month, t.activities, t.person_times, t.minutes,
                    t.pending_activities, t.pending_person_times) == (
                m.year, m.month, m.official.activities, m.official.person_times,
                m.official.minutes, m.pending.activities, m.pending.person_times)

    check_double(d, ids, cats, Scope(lo, hi, community_ids=(ids["coms"][0],)), "zone")
    check_double(d, ids, cats, Scope(lo, hi), "community")
    check_double(d, ids, cats, Scope(month_from, month_to, unit_id=ids["units"][0]), "zone")
    check_resources(d, ids)
    check_coverage(d, ids, lo, hi)
    check_coverage(d, ids, month_from, month_to)
    check_home(d, ids, month_from, month_to)


def check_double(d: Drawn, ids, cats, s: Scope, by: str) -> None:
    view = double_progress(s, by=by)
    year = year_of(s)
    year_from = date(year, 1, 1)
    key = "zone" if by == "zone" else "community"
    wide = Scope(min(year_from, s.date_from) if s.date_from else None, s.date_to,
                 s.unit_id, s.community_ids)
    rows = {row.key: row for row in view.rows}
    keys = set(rows)
    expected_keys = set(ids["zones"] if by == "zone" else ids["coms"])
    if s.community_ids is not None and by == "community":
        expected_keys &= set(s.community_ids)
    assert expected_keys <= keys
    for k in keys:
        def mine(t, k=k):
            return t[key] == k and t["code"] in DOUBLE

        def qty(code, sc, status=ReportStatus.approved, k=k):
            return recount(d, sc, status, lambda t: t[key] == k and t["code"] == code).quantity

        row = rows[k]
        assert row.ads == qty("ad_removal", s)
        assert row.ads_pending == qty("ad_removal", s, ReportStatus.submitted)
        ytd = Scope(year_from, s.date_to, s.unit_id, s.community_ids)
        assert row.ads_year == qty("ad_removal", ytd)
        assert row.stairs == qty("stairwell_painting", s)
        assert row.stairs_year == qty("stairwell_painting", ytd)
        own = row.other(cats[OWN_DOUBLE])
        assert (own.done, own.pending, own.year) == (
            qty(OWN_DOUBLE, s), qty(OWN_DOUBLE, s, ReportStatus.submitted), qty(OWN_DOUBLE, ytd))
        people = recount(d, s, ReportStatus.approved, mine)
        assert (row.person_times, row.members, row.minutes) == (
            people.person_times, people.members, people.minutes)
        assert row.pending_person_times == recount(d, s, ReportStatus.submitted, mine).person_times
        assert row.activities == people.activities
        found = recount_findings(d, s, lambda x, k=k: x[key] == k)
        assert (row.found, row.handed_over, row.fixed) == (
            len(found), sum(x["status"] != FindingStatus.found for x in found),
            sum(x["status"] == FindingStatus.fixed for x in found))
        assert row.found_pending == len(recount_findings(
            d, s, lambda x, k=k: x[key] == k, report=ReportStatus.submitted))
        pending = recount(d, s, ReportStatus.submitted, mine)
        assert (row.pending_activities, row.pending_minutes) == (pending.activities,
                                                                 pending.minutes)
        assert row.found_year == len(recount_findings(d, wide, lambda x, k=k: x[key] == k
                                                      and x["day"] >= year_from))
        targets = Counter()
        for it in d.items:
            if (it["year"] == year and it[key] == k and it["code"] in DOUBLE
                    and it["measure"] == "quantity"  # the view's targets are in 完成数量
                    and (s.unit_id is None or it["unit"] == s.unit_id)
                    and (s.community_ids is None or it["community"] in s.community_ids)):
                targets[it["code"]] += it["target"]
        assert (row.ads_target, row.stairs_target, row.survey_target, own.target) == (
            targets["ad_removal"], targets["stairwell_painting"], targets["facility_survey"],
            targets[OWN_DOUBLE])
    everyone = recount(d, s, ReportStatus.approved, lambda t: t["code"] in DOUBLE)
    assert view.total.person_times == everyone.person_times
    assert view.total.members == everyone.members
    assert view.total.ads == sum(row.ads for row in view.rows)


def check_resources(d: Drawn, ids) -> None:
    for year in (TODAY.year - 1, TODAY.year):
        for com_ids in (None, (ids["coms"][0],)):
            got = {p.item_id: p for p in resource_progress(year, community_ids=com_ids)}
            expected_items = [it for it in d.items if it["year"] == year
                              and (com_ids is None or it["community"] in com_ids)]
            assert set(got) == {it["id"] for it in expected_items}
            for it in expected_items:
                p = got[it["id"]]
                assert (p.target, p.measure.value) == (it["target"], it["measure"])
                if it["measure"] == "money":  # the budget: fen spent that year
                    fen = sum(x[3] for x in d.funds if x[0] == it["unit"] and x[1] == it["community"]
                              and x[2].year == year)
                    assert (p.done, p.pending) == (fen, 0)
                    spent = fund_figures(Scope(date(year, 1, 1), date(year + 1, 1, 1),
                                               unit_id=it["unit"],
                                               community_ids=(it["community"],)), year)
                    assert (spent.spent_fen, spent.budget_fen) == (fen, it["target"])
                    continue
                tasks = [t for t in d.tasks if t["item"] == it["id"] and t["day"].year == year]
                measured = {"activities": lambda t: 1, "beneficiaries": counted_people,
                            "quantity": counted_quantity}[it["measure"]]
                assert p.done == sum(measured(t) for t in tasks
                                     if t["report"] == ReportStatus.approved)
                assert p.pending == sum(measured(t) for t in tasks
                                        if t["report"] == ReportStatus.submitted)
            by_cat = {(c.category_code, c.measure.value): c
                      for c in resource_progress_by_category(year, com_ids)}
            for code in CODES:
                for measure in MEASURES[code]:
                    items = [p for p in got.values()
                             if p.category_code == code and p.measure.value == measure]
                    if not items:
                        assert (code, measure) not in by_cat
                        continue
                    c = by_cat[(code, measure)]
                    if measure == "money":  # each (unit, community) ledger counted once
                        pairs = {(it["unit"], it["community"]) for it in expected_items
                                 if it["id"] in {p.item_id for p in items}}
                        done = sum(x[3] for x in d.funds if (x[0], x[1]) in pairs
                                   and x[2].year == year)
                    else:
                        done = sum(p.done for p in items)
                    assert (c.items, c.target, c.done, c.pending) == (
                        len(items), sum(p.target for p in items), done,
                        sum(p.pending for p in items))


def check_coverage(d: Drawn, ids, lo, hi) -> None:
    approved = {t["id"] for t in d.tasks if lo <= t["day"] < hi and t["report"] == ReportStatus.approved}
    submitted = {t["id"] for t in d.tasks
                 if lo <= t["day"] < hi and t["report"] == ReportStatus.submitted}
    day_of = {t["id"]: t["day"] for t in d.tasks}
    current_unit = {mid: uid for mid, uid, _active, _on_roll in d.members}

    def unit_on(mid, day):
        """The unit whose roll the member was on that day (None: none)."""
        return next((u for u, since, until in d.rolls.get(mid, [])
                     if (since is None or since <= day) and (until is None or until > day)), None)

    done = [a for a in d.assignments if a["status"] == AssignmentStatus.done]
    took = {a["member"] for a in done if a["task"] in approved}
    pending_members = {a["member"] for a in done if a["task"] in submitted}
    for unit_id in ids["units"]:
        # on the roll of the period's last day (today for one still running)
        day = min(hi - timedelta(days=1), TODAY)
        rolled = {mid for mid in current_unit if unit_on(mid, day) == unit_id}

        def ours(a):
            unit = unit_on(a["member"], day_of[a["task"]])
            return (current_unit[a["member"]] if unit is None else unit) == unit_id

        cov = coverage(unit_id, lo, hi)
        assert cov.on_roll == len(rolled)
        assert cov.took_part == len(rolled & took)
        assert cov.person_times == sum(a["task"] in approved and ours(a) for a in done)
        assert cov.minutes == sum(a["minutes"] for a in done if a["task"] in approved and ours(a))
        assert cov.pending_person_times == sum(a["task"] in submitted and ours(a) for a in done)
        not_yet = rolled - took
        assert [n.member_id for n in cov.not_yet] == sorted(not_yet)  # names m0…m5 sort like ids
        assert {n.member_id for n in cov.not_yet if n.has_pending} == not_yet & pending_members
    for mid in current_unit:
        status = member_status(mid, lo, hi)
        assert status.activities == sum(a["member"] == mid and a["task"] in approved for a in done)
        assert status.pending == sum(a["member"] == mid and a["task"] in submitted for a in done)
        assert member_totals(mid, lo, hi) == (status.activities, status.minutes)


def check_home(d: Drawn, ids, month_from, month_to) -> None:
    for com_ids in (None, (ids["coms"][0],), ()):
        home = home_figures(com_ids, now=NOW)
        reach = [t for t in d.tasks if com_ids is None or t["community"] in com_ids]
        pending = [t for t in reach if t["report"] == ReportStatus.submitted]
        assert home.pending_reviews == len(pending)
        assert home.stale_reviews == sum(t["submitted_at"] < NOW - timedelta(days=7) for t in pending)
        assert home.stale_tasks == sum(
            t["status"] != TaskStatus.cancelled and t["ends_at"] < NOW
            and t["report"] in (None, ReportStatus.returned) for t in reach)
        # open: found or handed over, of a survey approved (待审核: told apart)
        for figure, report in ((home.open_findings, ReportStatus.approved),
                               (home.pending_findings, ReportStatus.submitted)):
            assert figure == sum(
                x["active"] and x["status"] != FindingStatus.fixed and x["report"] == report
                and (com_ids is None or x["community"] in com_ids) for x in d.findings)
        s = Scope(month_from, month_to, community_ids=com_ids)
        assert home.month == Figures(recount(d, s, ReportStatus.approved),
                                     recount(d, s, ReportStatus.submitted))
        # per word (场, 次), all of them
        assert sum(n for n, _word in home.activities) == home.month.official.activities


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(tasks=st.lists(task_spec, max_size=14), funds=st.lists(fund_spec, max_size=4),
       range_start=st.integers(-420, 0), range_len=st.integers(1, 500),
       rolls=st.lists(roll_spec, max_size=N_MEMBERS))
def test_every_figure_equals_a_recount(app, tasks, funds, range_start, range_len, rolls):
    wipe()
    try:
        d, ids = build(tasks, funds, range_start, range_len, rolls)
        assert_in_sync()  # the derived rows the figures are read from
        check_all(d, ids)

        # Pending never leaks: returning every submitted report changes no official figure.
        before = [figures(s).official for s in (Scope(), Scope(*ids["range"]))]
        findings_before = findings_counts(Scope()).official
        for report in db.session.scalars(db.select(TaskReport).where(
                TaskReport.status == ReportStatus.submitted)):
            report.status = ReportStatus.returned
        db.session.commit()
        assert_in_sync()
        after = [figures(s) for s in (Scope(), Scope(*ids["range"]))]
        assert [a.official for a in after] == before
        assert all(a.pending == Totals() for a in after)
        findings_after = findings_counts(Scope())  # a returned survey's findings: nowhere
        assert (findings_after.official, findings_after.pending.total) == (findings_before, 0)
    finally:
        wipe()
