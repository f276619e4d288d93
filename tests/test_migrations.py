"""`flask --app wsgi db upgrade` builds the whole schema from nothing — on SQLite and, when
TEST_DATABASE_URL is set, on a fresh PostgreSQL database — and the migrated schema is
exactly what the models describe (Alembic's autogenerate finds nothing to add).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text

from tests import factories as f
from tests.flask_cli import (
    NEW_INTERPRETER_SWITCH,
    ROOT,
    close_zygote,
    prepare_with_flask,
    run_flask,
    run_flask_forked,
)
from tests.owed_marks import assert_marks_follow_the_rule
from tests.scratch_app import app_on, engine_on
from tests.scratch_db import BACKENDS, fresh_database
from tracker.extensions import db
from tracker.models import (
    SURVEY_CODE,
    Assignment,
    AssignmentStatus,
    Category,
    CountedCategoryMemberTotal,
    CountedDoubleCommunityYear,
    CountedDoubleMemberAnyYear,
    CountedDoubleMemberYear,
    CountedFinding,
    CountedFindingCommunityYear,
    CountedFindingMonth,
    CountedFindingStepYear,
    CountedItemYear,
    CountedMemberCategoryYear,
    CountedMemberYear,
    CountedMonth,
    CountedParticipation,
    CountedServed,
    CountedServedCategoryYear,
    CountedServedTotal,
    CountedServedYear,
    CountedTask,
    Finding,
    FindingKind,
    FindingStatus,
    Member,
    ReportStatus,
    ResourceItem,
    Role,
    Task,
    TaskReport,
    TaskStatus,
)
from tracker.reference import CATEGORIES


@pytest.fixture(scope="module", autouse=True)
def _zygote_ended():
    """The worker's flask zygote (tests/flask_cli.py: ``run_flask_forked``) ends with the
    module, its children's CPU counted in the run's like a new interpreter's was."""
    yield
    close_zygote()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_checked_command_that_fails_fails_with_its_status_and_its_error(backend, tmp_path,
                                                                        monkeypatch):
    """A command run from the zygote that fails (an upgrade to a revision there is not)
    reports what a new interpreter reports: its exit status, its output and its error, so
    a test that asserts the command succeeded fails."""
    monkeypatch.delenv(NEW_INTERPRETER_SWITCH, raising=False)
    with fresh_database(backend, tmp_path, "failing") as url:
        forked = run_flask_forked(url, "db", "upgrade", "0099_no_such_revision")
        new = run_flask(url, "db", "upgrade", "0099_no_such_revision")
        assert forked.returncode == 1
        assert "Can't locate revision identified by '0099_no_such_revision'" in forked.stderr
        assert (forked.returncode, forked.stdout, forked.stderr) == (
            new.returncode, new.stdout, new.stderr)
        with pytest.raises(AssertionError, match="0099_no_such_revision"):
            _upgrade(url, "0099_no_such_revision")


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_nothing_matches_the_models(backend, tmp_path):
    assert (ROOT / "migrations" / "env.py").exists(), "no Alembic migrations yet (migrations/)"
    with fresh_database(backend, tmp_path, "migrations") as url:
        upgrade = run_flask_forked(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]

        with engine_on(url) as engine, engine.connect() as conn:
            rows = conn.execute(select(Category.code, Category.name)).all()
        assert sorted(rows) == sorted((code, name) for code, name, *_ in CATEGORIES)

        # Nothing left for autogenerate to add or change: migrations == models.
        check = run_flask_forked(url, "db", "check")
        output = check.stdout + check.stderr
        detected = [line for line in output.splitlines() if "Detected" in line]
        assert check.returncode == 0, (
            "the models differ from the migrations (regenerate them):\n"
            + "\n".join(detected or [output[-3000:]])
        )

        # A second upgrade is a no-op, not an error.
        again = run_flask_forked(url, "db", "upgrade")
        assert again.returncode == 0, again.stderr[-3000:]


def _upgrade(url: str, revision: str = "head") -> None:
    """``flask db upgrade`` to the head (or ``revision``), the real command in a process
    of its own; it must succeed."""
    upgrade = run_flask_forked(url, "db", "upgrade", revision)
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]


def _counted_rows(url: str) -> tuple[list, list]:
    with engine_on(url) as engine, engine.connect() as conn:
        tasks = conn.execute(select(CountedTask.__table__).order_by(CountedTask.task_id)).all()
        people = conn.execute(select(CountedParticipation.__table__).order_by(
            CountedParticipation.task_id, CountedParticipation.member_id)).all()
    return [tuple(r) for r in tasks], [tuple(r) for r in people]


def _one_community(code: str = "environment_cleanup"):
    """A unit working in a community with a checklist item and its liaison."""
    unit = f.unit("县商务局")
    com = f.community("解放路社区")
    item = f.item(unit, com, code)
    return unit, item, f.member(unit, Role.liaison, "联络员", communities=[com])


def _work_in_every_report_state(url: str, code: str = "environment_cleanup") -> None:
    """Four tasks of one community in the category ``code``, reported approved, 待审核,
    returned and not at all, each with three members done and one absent, written
    through the application."""
    with app_on(url):
        unit, item, liaison = _one_community(code)
        people = [f.member(unit, name=f"党员{i}") for i in range(4)]
        statuses = (ReportStatus.approved, ReportStatus.submitted, ReportStatus.returned, None)
        for days, status in enumerate(statuses, 1):
            task = f.task(item, liaison, starts_in=-timedelta(days=days))
            for i, person in enumerate(people):
                done = i != 3
                db.session.add(Assignment(
                    task_id=task.id, member_id=person.id,
                    status=AssignmentStatus.done if done else AssignmentStatus.absent,
                    minutes=60 * (i + 1) if done else None))
            if status is not None:
                db.session.add(TaskReport(task_id=task.id, quantity=days, people_served=10,
                                          note="", status=status,
                                          submitted_by_id=liaison.id))
        db.session.commit()


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_counted_rows_migration_derives_them_from_existing_work(backend, migrated_database):
    """0003 creates the derived tables on a database that already holds work: what it
    fills in must be exactly what the application keeps up to date afterwards."""
    with migrated_database(backend, "counted") as url:  # `flask db upgrade` from nothing
        _work_in_every_report_state(url)
        kept = _counted_rows(url)
        assert len(kept[0]) == 2 and len(kept[1]) == 6  # approved + submitted, 3 done each

        assert prepare_with_flask(url, "db", "downgrade", "0002_seed_categories").returncode == 0
        _upgrade(url)
        assert _counted_rows(url) == kept


def _sorted_rows(conn, *models) -> tuple[list, ...]:
    """Each model's table, its rows sorted (as tuples): the columns the table has at the
    database's revision (a later one may add some: 0065's step days of a counted
    finding are not there at 0045)."""
    def columns(model):
        held = {c["name"] for c in inspect(conn).get_columns(model.__tablename__)}
        return [c for c in model.__table__.c if c.name in held]

    return tuple(sorted(tuple(r) for r in conn.execute(select(*columns(model))))
                 for model in models)


def _summaries(url: str) -> tuple[list, ...]:
    with engine_on(url) as engine, engine.connect() as conn:
        return _sorted_rows(conn, CountedMonth, CountedMemberYear, CountedMemberCategoryYear,
                            CountedDoubleMemberYear, CountedCategoryMemberTotal)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_month_summaries_migration_fills_them_from_existing_work(backend, migrated_database):
    """0016 creates the county-wide summaries on a database that already holds work: it
    fills in what the application keeps afterwards, and what the rule says — the
    approved and the 待审核 task each add one activity, three 人次 and 60 + 120 + 180
    minutes to their month; each of the three members who were done is one member of the
    year under each of those two statements (one participation each), overall, in its
    category and — 牛皮癣清除 is a "双创" category — in its community's "双创" work; the
    returned and the unreported tasks count nowhere."""
    with migrated_database(backend, "summaries") as url:  # `flask db upgrade` from nothing
        _work_in_every_report_state(url, "ad_removal")
        kept = _summaries(url)
        months, members, member_categories, double_members, category_totals = kept
        assert sorted((status, activities, person_times, minutes)
                      for _m, _c, status, activities, _q, _p, person_times, minutes in months) \
            == sorted((status, 1, 3, 360) for status in ("approved", "submitted"))
        assert len(members) == len(member_categories) == len(double_members) == 6
        assert {row[-1] for row in members + member_categories + double_members} == {1}
        assert sorted((status, n) for _y, _c, status, n in category_totals) == [
            ("approved", 3), ("submitted", 3)]

        assert prepare_with_flask(url, "db", "downgrade", "0015_admin_home_indexes").returncode == 0
        _upgrade(url)
        assert _summaries(url) == kept


def _kept_households(url: str) -> tuple[list, ...]:
    with engine_on(url) as engine, engine.connect() as conn:
        return _sorted_rows(conn, CountedServed, CountedServedYear, CountedServedTotal,
                            CountedServedCategoryYear)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_kept_households_migration_fills_them_from_existing_visits(backend,
                                                                       migrated_database):
    """0068 creates the county's kept households on a database that already holds
    visits: it fills in what the application keeps afterwards, and what the rule says.
    The approved 结对帮扶 visit (受益 10) names two 困难群众 households and an 空巢老人 (not
    of its kind: not counted), so the year has one approved activity, one that does not
    name as many as its 受益, and two households named; the 待审核 and the returned
    visits name them too and count nowhere."""
    with migrated_database(backend, "kept_households") as url:  # `flask db upgrade`
        _work_in_every_report_state(url, "household_assistance")
        with app_on(url):
            from tests.residents.support import resident
            from tracker.models import ResidentCategory, task_resident
            from tracker.participation import rebuild_served

            community, liaison = db.session.scalars(select(Task)).first().community, \
                db.session.scalar(select(Member).where(Member.role == Role.liaison))
            named = [resident(community, liaison, name=f"困难户{n}", phone=f"1380000000{n}",
                              category=kind)
                     for n, kind in enumerate([ResidentCategory.needy] * 2
                                              + [ResidentCategory.elderly])]
            for task in db.session.scalars(select(Task)):
                db.session.execute(task_resident.insert(), [
                    {"task_id": task.id, "resident_id": r.id} for r in named])
            rebuild_served(db.session.connection())  # written past the ORM, as datagen
            db.session.commit()
        kept = _kept_households(url)
        served, years, totals, categories = kept
        assert len(served) == len(years) == 2 and [r[-1] for r in years] == [1, 1]
        assert [r[-1] for r in totals] == [2]
        assert [r[-2:] for r in categories] == [(1, 1)]

        assert prepare_with_flask(url, "db", "downgrade",
                                  "0067_pgprogress_served_index").returncode == 0
        _upgrade(url)
        assert _kept_households(url) == kept


def _second_round(url: str) -> tuple[list, ...]:
    """The items, then the rows of the summaries 0017 and 0018 create."""
    with engine_on(url) as engine, engine.connect() as conn:
        items = conn.execute(select(ResourceItem.id)).scalars().all()
        return (items, *_sorted_rows(conn, CountedItemYear, CountedDoubleCommunityYear,
                                     CountedDoubleMemberAnyYear))


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_checklist_and_double_summary_migrations_fill_them_from_existing_work(
        backend, migrated_database):
    """0017 and 0018 create the per-item summary and the “双创” ones on a database that
    already holds work: they fill in what the application keeps afterwards, and what the
    rule says. The one item's approved task and its 待审核 task each add one activity and
    their reports' 完成数量 (1 and 2 处 of 牛皮癣清除, a "双创" category) to the item's
    year and to its community's “双创” work, with three 人次 and 60 + 120 + 180 minutes
    each; 牛皮癣清除 has no beneficiary unit, so 受益 adds nothing; each of the three
    members who were done is one "双创" member of the year under each status (one
    participation each); the returned and the unreported tasks count nowhere."""
    with migrated_database(backend, "second_round") as url:  # `flask db upgrade` from nothing
        _work_in_every_report_state(url, "ad_removal")
        kept = _second_round(url)
        (item,), item_years, double_work, double_members = kept
        assert [(item_id, status, activities, quantity, people_served)
                for _year, item_id, status, activities, quantity, people_served in item_years] \
            == [(item, "approved", 1, 1, 0), (item, "submitted", 1, 2, 0)]
        assert sorted(row[3:] for row in double_work) == [
            ("approved", 1, 1, 3, 360), ("submitted", 1, 2, 3, 360)]
        assert len(double_members) == 6 and {row[-1] for row in double_members} == {1}

        assert prepare_with_flask(url, "db", "downgrade", "0016_month_summaries").returncode == 0
        _upgrade(url)
        assert _second_round(url) == kept


def _surveys_with_findings(url: str) -> None:
    """Four surveys (摸排) of one community, reported approved, 待审核, returned and not
    at all, each with three findings recorded through the application — a sewer
    handed over, a road fixed, a sidewalk found — and a fourth, deactivated."""
    with app_on(url):
        unit, item, liaison = _one_community(SURVEY_CODE)
        statuses = (ReportStatus.approved, ReportStatus.submitted, ReportStatus.returned, None)
        for days, status in enumerate(statuses, 1):
            task = f.task(item, liaison, starts_in=-timedelta(days=days))
            for kind, state in ((FindingKind.sewer, FindingStatus.handed_over),
                                (FindingKind.road, FindingStatus.fixed),
                                (FindingKind.sidewalk, FindingStatus.found),
                                (FindingKind.other, FindingStatus.found)):
                db.session.add(Finding(
                    task_id=task.id, unit_id=unit.id, community_id=task.community_id,
                    found_on=task.service_date, kind=kind, place="解放路12号", status=state,
                    created_by_id=liaison.id, active=kind != FindingKind.other))
            if status is not None:
                db.session.add(TaskReport(task_id=task.id, quantity=0, people_served=0,
                                          note="", status=status,
                                          submitted_by_id=liaison.id))
        db.session.commit()


def _finding_rows(url: str) -> tuple[list, ...]:
    with engine_on(url) as engine, engine.connect() as conn:
        return _sorted_rows(conn, CountedFinding, CountedFindingMonth,
                            CountedFindingCommunityYear)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_finding_summary_migration_fills_them_from_existing_findings(backend,
                                                                          migrated_database):
    """0019 creates the kept findings on a database that already holds surveys: it fills
    in what the application keeps afterwards, and what the rule says — the three active
    findings of the approved survey and of the 待审核 one each count once under their
    survey's status, with their kind and status today; the deactivated finding, and
    those of the returned and the unreported survey, count nowhere."""
    with migrated_database(backend, "findings") as url:
        _surveys_with_findings(url)
        kept = _finding_rows(url)
        findings, months, communities = kept
        assert sorted((status, kind, state) for _f, _t, status, _d, _c, kind, state, *_days
                      in findings) == sorted(
            (status, kind, state) for status in ("approved", "submitted")
            for kind, state in (("road", "fixed"), ("sewer", "handed_over"),
                                ("sidewalk", "found")))
        assert sum(row[-1] for row in months) == 6
        assert sorted((status, state, n) for _y, _c, status, state, n in communities) == [
            ("approved", "fixed", 1), ("approved", "found", 1), ("approved", "handed_over", 1),
            ("submitted", "fixed", 1), ("submitted", "found", 1),
            ("submitted", "handed_over", 1)]

        assert prepare_with_flask(url, "db", "downgrade", "0018_double_summaries").returncode == 0
        _upgrade(url)
        assert _finding_rows(url) == kept


def _read_after(url: str, changes, read: str) -> list:
    """The rows of ``read`` after running ``changes`` (SQL, committed) in a connection
    of their own, as an operator's client would."""
    with engine_on(url) as engine:
        with engine.begin() as conn:
            for change in changes:
                conn.execute(text(change))
        with engine.connect() as conn:
            return conn.execute(text(read)).all()


def _lists_token(url: str, change: str | None = None) -> str:
    """The lists' version after running ``change``."""
    ((token,),) = _read_after(url, [change] if change else [],
                              "SELECT token FROM lists_version")
    return token


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_lists_version_migration_makes_the_database_change_the_token(backend,
                                                                        migrated_database):
    """0020: a migrated database changes the lists' token itself whenever a community
    or a category is added, renamed, closed or removed — whoever writes the SQL — and
    not when a column no drop-down shows changes; after a downgrade and an upgrade
    again it still does."""
    with migrated_database(backend, "lists") as url:
        for again in (False, True):
            before = _lists_token(url)
            added = _lists_token(url, "INSERT INTO community (name, sort_key, active) "
                                      "VALUES ('人民路社区', 'renmin', TRUE)")
            renamed = _lists_token(url, "UPDATE community SET name = '人民路第一社区' "
                                        "WHERE name = '人民路社区'")
            closed = _lists_token(url, "UPDATE category SET active = FALSE "
                                       "WHERE code = 'environment_cleanup'")
            unrelated = _lists_token(url, "UPDATE category SET beneficiary_unit = '户' "
                                          "WHERE code = 'environment_cleanup'")
            removed = _lists_token(url, "DELETE FROM community WHERE name = '人民路第一社区'")
            reopened = _lists_token(url, "UPDATE category SET active = TRUE "
                                         "WHERE code = 'environment_cleanup'")
            assert len({before, added, renamed, closed, removed, reopened}) == 6
            assert unrelated == closed
            if again:
                break
            assert prepare_with_flask(url, "db", "downgrade", "0019_finding_summaries").returncode == 0
            _upgrade(url)


def _tally(url: str, *changes: str) -> dict:
    """finding_tally as {(community, status): findings} (rows of 0 left out) after
    running ``changes``."""
    rows = _read_after(url, changes, "SELECT community_id, status, findings FROM finding_tally")
    return {(c, s): n for c, s, n in rows if n}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_finding_tally_migration_counts_the_findings_there_and_follows_them(
        backend, migrated_database):
    """0021 on a database that already holds findings: the tally counts each active
    finding once under its community and status (four surveys, each with one finding
    found, one handed over, one fixed and one deactivated), and from then on the
    database moves it on every change, whoever writes the SQL."""
    with migrated_database(backend, "tally") as url:
        _surveys_with_findings(url)
        assert prepare_with_flask(url, "db", "downgrade", "0020_lists_version").returncode == 0
        with engine_on(url) as engine:
            assert "finding_tally" not in inspect(engine).get_table_names()
        _upgrade(url, "0021_finding_tally")  # 0050 drops it again
        ((community,),) = _read_after(url, [], "SELECT DISTINCT community_id FROM finding")
        assert _tally(url) == {(community, "found"): 4, (community, "handed_over"): 4,
                               (community, "fixed"): 4}
        one_found = "(SELECT min(id) FROM finding WHERE status = 'found' AND active = TRUE)"
        assert _tally(url, "UPDATE finding SET status = 'handed_over', handed_to = '县城管局', "
                           f"handed_over_on = found_on WHERE id = {one_found}") == {
            (community, "found"): 3, (community, "handed_over"): 5, (community, "fixed"): 4}
        assert _tally(url, "UPDATE finding SET active = TRUE WHERE kind = 'other'") == {
            (community, "found"): 7, (community, "handed_over"): 5, (community, "fixed"): 4}
        fixed = "(SELECT id FROM finding WHERE status = 'fixed')"
        assert _tally(url, f"DELETE FROM counted_finding WHERE finding_id IN {fixed}",
                      f"DELETE FROM finding WHERE id IN {fixed}") == {
            (community, "found"): 7, (community, "handed_over"): 5}


def _tally_objects(url: str) -> set[str]:
    """The triggers on ``finding`` and, on PostgreSQL, the functions named for the
    tally: what 0021 made besides the table."""
    with engine_on(url) as engine, engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return set(conn.execute(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgrelid = 'finding'::regclass"
                " UNION SELECT proname FROM pg_proc WHERE proname LIKE 'finding_tally%'")).scalars())
        return set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                     " AND tbl_name = 'finding'")).scalars())


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_drop_finding_tally_migration_drops_it_and_its_triggers(backend, migrated_database):
    """0050: no page reads the tally any more, so the table, its triggers (and their
    functions) are gone and findings are written, changed and deleted without them;
    a downgrade makes them again, counting the findings there, and they follow again."""
    made = ({"finding_tally", "finding_tally_truncate", "finding_tally_move",
             "finding_tally_clear"} if backend == "postgresql" else
            {"finding_tally_insert", "finding_tally_delete", "finding_tally_update"})
    with migrated_database(backend, "droptally") as url:
        with engine_on(url) as engine:
            assert "finding_tally" not in inspect(engine).get_table_names()
        assert _tally_objects(url) == set()

        # written through the application: per survey a sewer handed over, a road fixed,
        # a sidewalk found and a deactivated 'other' — 4 surveys, one community
        _surveys_with_findings(url)
        one = "(SELECT min(id) FROM finding WHERE kind = 'sidewalk')"
        fixed = "(SELECT min(id) FROM finding WHERE status = 'fixed')"
        _read_after(url, [
            "INSERT INTO community (name, sort_key, active) VALUES ('人民路社区', 'renmin', TRUE)",
            "INSERT INTO finding (task_id, unit_id, community_id, found_on, kind, place, status,"
            " created_by_id, created_at, active) SELECT task_id, unit_id, community_id,"
            " found_on, 'road', '人民路1号', 'found', created_by_id, created_at, TRUE"
            f" FROM finding WHERE id = {one}",
            "UPDATE finding SET community_id = (SELECT id FROM community WHERE name = '人民路社区')"
            " WHERE place = '人民路1号'",
            "UPDATE finding SET status = 'handed_over', handed_to = '县城管局',"
            f" handed_over_on = found_on WHERE id = {one}",
            f"DELETE FROM counted_finding WHERE finding_id = {fixed}",
            f"DELETE FROM finding WHERE id = {fixed}"], "SELECT 1")
        rows = _read_after(url, [], "SELECT place, status, active FROM finding")
        assert len(rows) == 16 and ("人民路1号", "found", True) in [
            (place, status, bool(active)) for place, status, active in rows]
        (here,), (there,) = _read_after(url, [], "SELECT id FROM community ORDER BY id")

        downgrade = run_flask_forked(url, "db", "downgrade", "0049_figfix_open_findings_index")
        assert downgrade.returncode == 0, downgrade.stderr[-3000:]
        assert _tally_objects(url) == made
        # counted by hand: 4 sidewalks found, one handed over → 3 found; 4 sewers + that
        # one handed over → 5; 4 roads fixed, one deleted → 3; the deactivated ones
        # nowhere; the one inserted, found, in the other community
        assert _tally(url) == {(here, "found"): 3, (here, "handed_over"): 5,
                               (here, "fixed"): 3, (there, "found"): 1}
        assert _tally(url, "UPDATE finding SET active = FALSE WHERE place = '人民路1号'") == {
            (here, "found"): 3, (here, "handed_over"): 5, (here, "fixed"): 3}

        _upgrade(url)
        with engine_on(url) as engine:
            assert "finding_tally" not in inspect(engine).get_table_names()
        assert _tally_objects(url) == set()
        _read_after(url, ["UPDATE finding SET active = TRUE WHERE place = '人民路1号'"], "SELECT 1")


def _report_owed_marks(url: str) -> dict:
    with engine_on(url) as engine, engine.connect() as conn:
        return dict(conn.execute(select(Task.id, Task.report_owed_at)).all())


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_report_owed_migration_marks_the_tasks_that_owe(backend, migrated_database):
    """0014 fills ``task.report_owed_at`` from the tasks and reports already there: what it
    writes is what the application keeps afterwards, and what the rule says."""
    with migrated_database(backend, "owed") as url:  # `flask db upgrade` from nothing
        with app_on(url):
            unit, item, liaison = _one_community()
            statuses = (ReportStatus.approved, ReportStatus.submitted, ReportStatus.returned, None)
            for days, status in enumerate(statuses, 1):
                task = f.task(item, liaison, starts_in=-timedelta(days=days))
                if status is not None:
                    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1,
                                              note="", status=status, submitted_by_id=liaison.id))
            f.task(item, liaison, starts_in=-timedelta(days=5), status=TaskStatus.cancelled)
            f.task(item, liaison)  # still to come: owes from its end
            db.session.commit()
            assert_marks_follow_the_rule()
        kept = _report_owed_marks(url)
        assert sum(mark is not None for mark in kept.values()) == 3  # returned, none, to come

        assert prepare_with_flask(url, "db", "downgrade", "0013_need_photo").returncode == 0
        _upgrade(url)
        assert _report_owed_marks(url) == kept


OLD_WORK = [  # rows as they stood before 0004, written in that schema
    "INSERT INTO unit (id, name, active) VALUES (1, '县商务局', TRUE)",
    "INSERT INTO community (id, name, active) VALUES (1, '解放路社区', TRUE)",
    "INSERT INTO zone (id, community_id, name, unit_id, active) VALUES (1, 1, '十区', 1, TRUE),"
    " (2, 1, '二区', 1, TRUE)",
    "INSERT INTO member (id, name, phone, unit_id, role, active, created_at) VALUES"
    " (1, '管理员', '13800000000', 1, 'admin', TRUE, '2022-01-01 00:00:00'),"
    " (2, '联络员', '13800000001', 1, 'liaison', TRUE, '2022-01-01 00:00:00'),"
    " (3, '党员', '13800000002', 1, 'member', TRUE, '2022-01-01 00:00:00')",
    "INSERT INTO resource_item (id, unit_id, community_id, category_id, year, target, active)"
    " SELECT 1, 1, 1, id, 2022, 240, TRUE FROM category WHERE code = 'ecommerce_training'",
    "INSERT INTO resource_item (id, unit_id, community_id, category_id, year, target, active)"
    " SELECT 2, 1, 1, id, 2022, 5000, TRUE FROM category WHERE code = 'cobuild_funding'",
    "INSERT INTO resource_item (id, unit_id, community_id, category_id, year, target, active)"
    " SELECT 3, 1, 1, id, 2022, 200, TRUE FROM category WHERE code = 'epidemic_duty'",
    "INSERT INTO fund_budget (unit_id, community_id, year, amount_fen) VALUES"
    " (1, 1, 2022, 1000000), (1, 1, 2021, 800000)",
    "INSERT INTO task (id, resource_item_id, unit_id, community_id, category_id, title, place,"
    " starts_at, ends_at, service_date, slots, taken, status, checkin_token, created_by_id,"
    " created_at) SELECT 1, 1, 1, 1, id, '培训', '中心', '2022-10-08 01:00:00',"
    " '2022-10-08 03:00:00', '2022-10-08', 5, 0, 'closed', 'tok1', 2, '2022-10-01 00:00:00'"
    " FROM category WHERE code = 'ecommerce_training'",
    "INSERT INTO task_report (id, task_id, quantity, people_served, note, status,"
    " submitted_by_id, submitted_at) VALUES (1, 1, 30, 45, '培训', 'approved', 2,"
    " '2022-10-08 05:00:00')",
    "INSERT INTO counted_task (task_id, report_status, service_date, unit_id, community_id,"
    " category_id, resource_item_id, quantity, people_served, person_times, minutes)"
    " SELECT 1, 'approved', '2022-10-08', 1, 1, id, 1, 30, 45, 0, 0 FROM category"
    " WHERE code = 'ecommerce_training'",
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_0004_carries_the_old_figures_forward(backend, database_at):
    """The training's 完成数量 (人次) becomes its 受益, the old unit-less figure kept in
    an audit row; the budgets move onto the 共建活动经费 items; staff leave the roll;
    names get their natural-order key; 疫情防控's hour target is flagged."""
    from sqlalchemy import text

    with database_at(backend, "0003_counted_rows", "carry") as url:  # upgraded from nothing
        with engine_on(url) as engine:
            with engine.begin() as conn:
                for statement in OLD_WORK:
                    conn.execute(text(statement))
                if engine.dialect.name == "postgresql":
                    # Rows written with their ids leave PostgreSQL's sequences behind;
                    # the old release's own inserts would have moved them on.
                    for table in ("unit", "community", "zone", "member", "resource_item",
                                  "task", "task_report"):
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                                          f" (SELECT max(id) FROM {table}))"))
        _upgrade(url)
        with engine_on(url) as engine, engine.connect() as conn:
            report = conn.execute(text(
                "SELECT quantity, people_served FROM task_report WHERE id = 1")).one()
            counted = conn.execute(text(
                "SELECT quantity, people_served FROM counted_task WHERE task_id = 1")).one()
            audit = conn.execute(text(
                "SELECT action, entity_id FROM audit_event")).all()
            items = conn.execute(text(
                "SELECT id, year, target, target_measure, description FROM resource_item"
                " ORDER BY id")).all()
            roll = conn.execute(text("SELECT id, on_roll FROM member ORDER BY id")).all()
            zones = conn.execute(text("SELECT name FROM zone ORDER BY sort_key")).all()
            tables = set(inspect(conn).get_table_names())
    assert tuple(report) == (30, 30)  # the 人次 trained, now its 受益
    assert tuple(counted) == (0, 30)  # training has no 完成数量: it counts nowhere
    assert [tuple(a) for a in audit] == [("migrate_report_figures", 1)]
    by_id = {row[0]: row for row in items}
    assert by_id[1][2:4] == (240, "beneficiaries")
    assert by_id[2][2:4] == (1_000_000, "money")  # the ledger's budget, in fen
    assert "5000元" in by_id[2][4]  # the item's own old target, kept
    assert by_id[3][3] == "activities" and "200小时" in by_id[3][4]
    added = [row for row in items if row[0] not in (1, 2, 3)]
    assert [(row[1], row[2], row[3]) for row in added] == [(2021, 800_000, "money")]
    assert [tuple(r) for r in roll] == [(1, False), (2, False), (3, True)]
    assert [name for (name,) in zones] == ["二区", "十区"]
    assert "fund_budget" not in tables


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_database_at_a_revision_holds_no_rows_of_an_earlier_tests_copy(backend,
                                                                         database_at):
    """``database_at`` keeps one database per revision a worker has reached and hands
    each test a copy: a row one copy is given is in no later copy — of the same
    revision, nor of a later one built on top of it — and the revision reached is the
    one asked for."""
    def units(url: str) -> list:
        return _read_after(url, [], "SELECT name FROM unit")

    with database_at(backend, "0023_member_roll_dates", "first") as url:
        _read_after(url, ["INSERT INTO unit (name, sort_key, active)"
                          " VALUES ('县商务局', '县商务局', TRUE)"], "SELECT 1")
        assert units(url) == [("县商务局",)]
    for revision in ("0023_member_roll_dates", "0030_data_clean_text"):
        with database_at(backend, revision, "again") as url:
            assert units(url) == []
            assert _read_after(url, [], "SELECT version_num FROM alembic_version") == [
                (revision,)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_name_key_migration_puts_existing_members_in_pinyin_order(backend, database_at):
    """0024 gives the members already there their pinyin key: ordered by it they read as
    in a dictionary, and each key is what the application writes for that name."""
    from tracker.name_order import name_key

    names = ["赵六", "曾小明", "安然", "单田芳", "李安", "黎明"]  # code-point order: 单 first
    with database_at(backend, "0023_member_roll_dates", "names") as url:
        rows = ", ".join(f"({i}, '{name}', '1380000000{i}', 1, 'member', TRUE, TRUE, "
                         "'2026-01-01 00:00:00')" for i, name in enumerate(names))
        listed = _read_after(url, [
            "INSERT INTO unit (id, name, sort_key, active) VALUES (1, '县商务局', '县商务局', TRUE)",
            "INSERT INTO member (id, name, phone, unit_id, role, active, on_roll, created_at) "
            "VALUES " + rows], "SELECT name FROM member ORDER BY id")
        assert [name for (name,) in listed] == names
        _upgrade(url)
        keyed = _read_after(url, [], "SELECT name, name_key FROM member ORDER BY name_key")
        assert [name for name, _key in keyed] == ["安然", "黎明", "李安", "单田芳", "曾小明", "赵六"]
        assert all(key == name_key(name) for name, key in keyed)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_need_tasked_migration_gives_converted_needs_their_state(backend, migrated_database):
    """0026: a live need whose task was cancelled loses the task (and can be converted
    again); an open need with a live task is 已转任务; a claimed one keeps its claimer.
    Downgraded, a need done by its task names who approved it as its claimer, as the
    old rule wanted."""
    with migrated_database(backend, "needs") as url:
        with app_on(url):
            unit, item, liaison = _one_community()
            live = f.task(item, liaison)
            cancelled = f.task(item, liaison, status=TaskStatus.cancelled)
            ids = (live.id, cancelled.id, liaison.id, item.category_id)
            db.session.commit()
        live_id, cancelled_id, liaison_id, category_id = ids
        assert prepare_with_flask(url, "db", "downgrade", "0025_l1_outbox_failed_at_reason").returncode == 0
        columns = ("id, kind, title, category_id, community_id, task_id, wanted_by, status,"
                   " claimed_by_id, created_by_id, created_at, posted_on, updated_at")
        rows = [(1, live_id, "open", "NULL"), (2, cancelled_id, "open", "NULL"),
                (3, live_id, "claimed", liaison_id), (4, cancelled_id, "claimed", liaison_id),
                (5, "NULL", "open", "NULL")]
        _read_after(url, [
            f"INSERT INTO need ({columns}) VALUES ({n}, 'need', '需求{n}', {category_id}, 1,"
            f" {task}, '2030-01-01', '{status}', {claimer}, {liaison_id},"
            " '2026-01-01 00:00:00', '2026-01-01', '2026-01-01 00:00:00')"
            for n, task, status, claimer in rows], "SELECT 1")
        _upgrade(url)
        read = "SELECT id, status, task_id, claimed_by_id FROM need ORDER BY id"
        assert [tuple(r) for r in _read_after(url, [], read)] == [
            (1, "tasked", live_id, None), (2, "open", None, None),
            (3, "claimed", live_id, liaison_id), (4, "claimed", None, liaison_id),
            (5, "open", None, None)]
        # the new rule holds: a tasked need has its task
        with pytest.raises(Exception, match="(?i)check|ck_need_claimer"):
            _read_after(url, ["UPDATE need SET status = 'tasked' WHERE id = 5"], "SELECT 1")
        _read_after(url, ["UPDATE need SET status = 'fulfilled', fulfilled_by_id ="
                          f" {liaison_id} WHERE id = 1"], "SELECT 1")
        assert run_flask_forked(url, "db", "downgrade", "0025_l1_outbox_failed_at_reason").returncode == 0
        assert [tuple(r) for r in _read_after(url, [], read)][0] == (
            1, "fulfilled", live_id, liaison_id)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_clean_text_migration_cleans_text_stored_before_the_forms_did(backend,
                                                                        migrated_database):
    """0030: text stored with control characters (Word's Shift+Enter pasted as a vertical
    tab, a bell, a unit separator) reads afterwards as the forms store it now — a vertical
    tab or form feed is a line break, the rest are gone — in a task, its report and a
    community's name (whose natural-order key follows); a community whose cleaned name is
    another's keeps its own, for an admin to rename; each row cleaned or kept is in the
    audit trail; text without such a character is untouched."""
    from tracker.natural import sort_key

    with migrated_database(backend, "cleaned") as url:
        with app_on(url):
            unit, item, liaison = _one_community()
            pasted = f.task(item, liaison, title="电商培训一")
            untouched = f.task(item, liaison, title="环境整治\t二")
            untouched.place = "建设路 "
            report = TaskReport(task_id=pasted.id, quantity=1, people_served=10, note="",
                                status=ReportStatus.submitted, submitted_by_id=liaison.id)
            db.session.add(report)
            twin = f.community("建设路社区")
            db.session.commit()
            ids = (pasted.id, untouched.id, report.id, item.community_id, twin.id)
        pasted_id, untouched_id, report_id, community_id, twin_id = ids
        assert prepare_with_flask(url, "db", "downgrade", "0028_loop_news_start").returncode == 0
        ch = "char" if backend == "sqlite" else "chr"  # ch(11) is \x0b, and so on
        _read_after(url, [  # as the forms stored them before session 19
            f"UPDATE task SET title = '电商' || {ch}(12) || '培训一', place = '党群服务中心'"
            f" || {ch}(7), beneficiary = '社区' || {ch}(31) || '居民' WHERE id = {pasted_id}",
            f"UPDATE task_report SET note = '讲解网店开设。' || {ch}(11) || '直播带货'"
            f" || {ch}(1) || '。' WHERE id = {report_id}",
            f"UPDATE community SET name = '解放路' || {ch}(11) || '1区' WHERE id = {community_id}",
            f"UPDATE community SET name = '建设路社区' || {ch}(7) WHERE id = {twin_id}",
            "INSERT INTO community (name, sort_key, active) VALUES ('建设路社区', '建设路社区', TRUE)",
        ], "SELECT 1")

        _upgrade(url)

        def read(sql):
            return [tuple(r) for r in _read_after(url, [], sql)]

        assert read(f"SELECT title, place, beneficiary FROM task WHERE id = {pasted_id}") == [
            ("电商\n培训一", "党群服务中心", "社区居民")]
        assert read(f"SELECT note FROM task_report WHERE id = {report_id}") == [
            ("讲解网店开设。\n直播带货。",)]
        assert read(f"SELECT title, place FROM task WHERE id = {untouched_id}") == [
            ("环境整治\t二", "建设路 ")]
        assert read(f"SELECT name, sort_key FROM community WHERE id = {community_id}") == [
            ("解放路\n1区", sort_key("解放路\n1区"))]
        assert read(f"SELECT name FROM community WHERE id = {twin_id}") == [("建设路社区\x07",)]
        assert sorted(read("SELECT action, entity_type, entity_id FROM audit_event"
                           " WHERE action LIKE 'clean_text%'")) == sorted([
            ("clean_text", "community", community_id), ("clean_text", "task", pasted_id),
            ("clean_text", "task_report", report_id),
            ("clean_text_skipped", "community", twin_id)])


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_news_start_migration_bounds_news_and_keys_tomorrow_by_the_day(backend,
                                                                          migrated_database):
    """0028: each news kind (``Kind.news``) begins at the upgrade, so its first run does
    not tell the weeks before as news; the 明天的任务 rows of the last two days get the
    day key (Asia/Shanghai), so an upgrade in the evening does not send them again — a
    second row of the same task and day (a start moved within it) keeps its old key and
    no longer waits to be sent."""
    from tracker.reminders import kinds

    with migrated_database(backend, "news") as url:
        with app_on(url):
            unit, item, liaison = _one_community()
            task_id, member_id = f.task(item, liaison).id, liaison.id
            db.session.commit()
        assert prepare_with_flask(url, "db", "downgrade", "0026_need_tasked").returncode == 0
        columns = ("dedupe_key, kind, channel, member_id, task_id, subject, body, status,"
                   " attempts, next_attempt_at, created_at")
        old = [f"tomorrow:m{member_id}:task:{task_id}:202612042330:sms",  # 12-05 07:30 local
               f"tomorrow:m{member_id}:task:{task_id}:202612050130:sms",  # same day, moved
               f"tomorrow:m{member_id}:task:{task_id}:202612041000:inapp"]  # 12-04 18:00
        now = "CURRENT_TIMESTAMP"
        _read_after(url, [f"INSERT INTO outbox ({columns}) VALUES ('{key}', 'tomorrow',"
                          f" '{key.rsplit(':', 1)[1]}', {member_id}, {task_id}, 's', 'b',"
                          f" 'pending', 0, {now}, {now})" for key in old], "SELECT 1")
        _upgrade(url)
        read = "SELECT dedupe_key, status FROM outbox ORDER BY id"
        assert [tuple(r) for r in _read_after(url, [], read)] == [
            (f"tomorrow:m{member_id}:task:{task_id}:20261205:sms", "pending"),
            (old[1], "obsolete"),
            (f"tomorrow:m{member_id}:task:{task_id}:20261204:inapp", "pending")]
        started = _read_after(url, [], "SELECT kind FROM reminder_news_start")
        assert {kind for (kind,) in started} == {kind.code for kind in kinds.KINDS if kind.news}
        assert run_flask_forked(url, "db", "downgrade", "0026_need_tasked").returncode == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_roll_period_migration_keeps_every_past_roll(backend, database_at):
    """0032 turns each member's roll_since/roll_until into one stay in their unit, so
    every month's roll (在册 and 未参与名单) reads as before: a member counted from a
    day, one who left on a day, one switched off before the dates were kept (off every
    roll), one off the roll. Downgraded, each gets their latest stay back as the dates."""
    from datetime import date

    from tracker.rollups.coverage import coverage

    with database_at(backend, "0030_data_clean_text", "rolls") as url:
        people = [  # id, name, active, on_roll, roll_since, roll_until
            (1, "甲一直在册", "TRUE", "TRUE", "NULL", "NULL"),
            (2, "乙十一月加入", "TRUE", "TRUE", "'2026-11-15'", "NULL"),
            (3, "丙十月离开", "FALSE", "TRUE", "NULL", "'2026-10-10'"),
            (4, "丁早已停用", "FALSE", "TRUE", "NULL", "NULL"),
            (5, "戊不计入", "TRUE", "FALSE", "NULL", "NULL"),
            (6, "己当日来去", "FALSE", "TRUE", "'2026-10-10'", "'2026-10-10'"),
        ]
        _read_after(url, [
            "INSERT INTO unit (id, name, sort_key, active) VALUES (1, '县商务局', '县商务局', TRUE)",
            "INSERT INTO member (id, name, phone, unit_id, role, active, on_roll, roll_since,"
            " roll_until, created_at) VALUES " + ", ".join(
                f"({i}, '{name}', '1380000000{i}', 1, 'member', {active}, {on_roll}, {since},"
                f" {until}, '2026-01-01 00:00:00')"
                for i, name, active, on_roll, since, until in people)], "SELECT 1")
        _upgrade(url)
        stays = _read_after(url, [], "SELECT member_id, unit_id, since, until FROM roll_period"
                                     " ORDER BY member_id")
        as_text = [(m, u, s and str(s), t and str(t)) for m, u, s, t in stays]
        assert as_text == [(1, 1, None, None), (2, 1, "2026-11-15", None),
                           (3, 1, None, "2026-10-10")]

        with app_on(url):
            def roll(start, end):
                figures = coverage(1, start, end)
                return figures.on_roll, sorted(n.member_id for n in figures.not_yet)

            # the rule before 0032, month by month (each month's last day)
            assert roll(date(2026, 9, 1), date(2026, 10, 1)) == (2, [1, 3])
            assert roll(date(2026, 10, 1), date(2026, 11, 1)) == (1, [1])
            assert roll(date(2026, 11, 1), date(2026, 12, 1)) == (2, [1, 2])

        assert run_flask_forked(url, "db", "downgrade", "0030_data_clean_text").returncode == 0
        back = _read_after(url, [], "SELECT id, roll_since, roll_until FROM member ORDER BY id")
        assert [(i, s and str(s), t and str(t)) for i, s, t in back] == [
            (1, None, None), (2, "2026-11-15", None), (3, None, "2026-10-10"),
            (4, None, None), (5, None, None), (6, None, None)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_roll_from_audit_migration_dates_moves_and_switch_offs_made_before_0032(
        backend, migrated_database):
    """0037: a database upgraded from a release before 0032 has each member's stay in
    the unit they had at the upgrade, as if always; the audit trail knows when a member
    was moved or switched off, and the past months follow that, as they do for changes
    made today: 郑红梅, moved to 县财政局 on 2 December (23:55 Beijing), is 县商务局's own
    in October; 县财政局, created that day, has nobody on its October roll; 吴俊,
    switched off at 01:30 Beijing on 2 December (1 December in UTC), is on October's
    roll; a member of 县财政局 with no event of their own is on its roll from that day
    (a unit set up before any work, 县商务局, bounds nothing: months recorded later
    by 补录 count its members). A member whose move was dated through today's form
    keeps the stays it wrote.
    Each rebuilt history is in the audit trail, the stays before with it."""
    from datetime import date, datetime, timezone

    from tracker.models import Unit
    from tracker.reports.summary import build_summary
    from tracker.rollups.coverage import coverage
    from tracker.rollups.stays import unit_then

    october = (date(2026, 10, 1), date(2026, 11, 1))
    with migrated_database(backend, "rollaudit") as url:
        with app_on(url):
            unit, item, liaison = _one_community()
            zheng, wu, wang, qian = (f.member(unit, name=n) for n in ("郑红梅", "吴俊", "王芳", "钱七"))
            finance = f.unit("县财政局")
            sun = f.member(finance, name="孙八")  # there since; no event of theirs
            task = f.task(item, liaison, starts_at=datetime(2026, 10, 15, 1, 0, tzinfo=timezone.utc))
            for person in (zheng, wu, wang):
                db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                          status=AssignmentStatus.done, minutes=60))
            db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=10, note="",
                                      status=ReportStatus.approved, submitted_by_id=liaison.id))
            db.session.commit()
            ids = (unit.id, finance.id, zheng.id, wu.id, wang.id, qian.id, sun.id)
        u, fin, zheng, wu, wang, qian, sun = ids
        assert prepare_with_flask(url, "db", "downgrade", "0033_final_summary_copy").returncode == 0

        def event(action, entity, entity_id, detail, at):
            detail = "NULL" if detail is None else f"'{detail}'"
            return ("INSERT INTO audit_event (actor_id, action, entity_type, entity_id, detail,"
                    f" created_at) VALUES (NULL, '{action}', '{entity}', {entity_id}, {detail},"
                    f" '{at}')")

        _read_after(url, [  # as an old release and then 0032 left them (UTC times)
            f"UPDATE member SET unit_id = {fin} WHERE id IN ({zheng}, {qian})",
            f"UPDATE member SET active = FALSE WHERE id = {wu}",
            f"DELETE FROM roll_period WHERE member_id IN ({zheng}, {wu}, {qian})",
            "INSERT INTO roll_period (member_id, unit_id, since, until) VALUES"
            f" ({zheng}, {fin}, NULL, NULL), ({qian}, {u}, NULL, '2026-12-02'),"
            f" ({qian}, {fin}, '2026-12-02', NULL)",
            "UPDATE task SET created_at = '2026-10-10 02:00:00'",  # the first work
            event("create", "unit", u, '{"name": "县商务局"}', "2026-09-01 02:00:00"),
            event("create", "unit", fin, '{"name": "县财政局"}', "2026-12-02 02:00:00"),
            event("update", "member", zheng, f'{{"unit_id": [{u}, {fin}]}}', "2026-12-02 15:55:00"),
            event("update", "member", wang, '{"branch": ["一支部", "二支部"]}', "2026-11-02 02:00:00"),
            event("deactivate", "member", wu, None, "2026-12-01 17:30:00"),
            event("update", "member", qian, f'{{"unit_id": [{u}, {fin}], "roll_from": "2026-12-02"}}',
                  "2026-12-02 04:00:00"),
        ], "SELECT 1")

        _upgrade(url)
        stays = _read_after(url, [], "SELECT member_id, unit_id, since, until FROM roll_period"
                                     " ORDER BY member_id, since IS NOT NULL, since")
        as_text = {}
        for m, unit_id, since, until in stays:
            as_text.setdefault(m, []).append((unit_id, since and str(since), until and str(until)))
        assert as_text[zheng] == [(u, None, "2026-12-02"), (fin, "2026-12-02", None)]
        assert as_text[wu] == [(u, None, "2026-12-02")]
        assert as_text[wang] == [(u, None, None)]  # 县商务局 was there before any work
        assert as_text[sun] == [(fin, "2026-12-02", None)]  # not before 县财政局 was
        assert set(as_text[qian]) == {(u, None, "2026-12-02"), (fin, "2026-12-02", None)}
        rebuilt = _read_after(url, [], "SELECT entity_id FROM audit_event"
                                       " WHERE action = 'roll_rebuilt' ORDER BY entity_id")
        assert [m for (m,) in rebuilt] == [zheng, wu, sun]

        with app_on(url):
            old_unit = coverage(u, *october)
            assert (old_unit.on_roll, old_unit.took_part, old_unit.elsewhere_only) == (4, 3, 0)
            assert db.session.scalar(select(unit_then(zheng, date(2026, 10, 15)))) == u
            new_unit = coverage(fin, *october)
            assert (new_unit.on_roll, new_unit.took_part) == (0, 0)
            # the 月报: 县商务局's lead names nobody 外单位; 县财政局 has no 参与情况
            texts = [p.text for p in build_summary(2026, 10, unit=db.session.get(Unit, u)).paragraphs]
            assert any("人次" in t for t in texts) and not any("外单位" in t for t in texts)
            texts = [p.text for p in build_summary(2026, 10, unit=db.session.get(Unit, fin)).paragraphs]
            assert not any("在册" in t for t in texts)
        assert run_flask_forked(url, "db", "downgrade", "0033_final_summary_copy").returncode == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_copy_communities_migration_gives_kept_copies_the_communities_they_cover(
        backend, migrated_database):
    """0039: who may read a signed 月报 depends on the communities it covers. A copy
    kept before the revision gets those its month touches (the data as it is now):
    for a unit's month the communities of its activities not cancelled and of its
    budgets of the year; for a community's summary that community — the same that
    定稿 writes for a copy kept since."""
    from datetime import datetime, timezone

    from tracker.models import SummaryScope
    from tracker.reports import final

    with migrated_database(backend, "copycommunities") as url:
        with app_on(url):
            unit, item, liaison = _one_community()  # 解放路社区
            admin = f.member(unit, Role.admin, "管理员")
            jianshe, dongmen, ximen = (f.community(n) for n in ("建设路社区", "东门社区", "西门社区"))
            october = datetime(2025, 10, 15, 1, 0, tzinfo=timezone.utc)
            for where, status in ((item.community, TaskStatus.closed),
                                  (jianshe, TaskStatus.closed), (dongmen, TaskStatus.cancelled)):
                f.task(f.item(unit, where, year=2025), liaison, starts_at=october, status=status)
            f.item(unit, ximen, "cobuild_funding", year=2025, target=1_000_000)
            final.finalize(admin, SummaryScope(unit.id), 2025, 10)
            final.finalize(admin, SummaryScope(community_id=jianshe.id), 2025, 10)
            db.session.commit()
            expected = {(1, item.community.id), (1, jianshe.id), (1, ximen.id), (2, jianshe.id)}
        read = "SELECT copy_id, community_id FROM summary_copy_community"
        assert set(_read_after(url, [], read)) == expected  # written at 定稿
        assert prepare_with_flask(url, "db", "downgrade", "0037_roll_from_audit").returncode == 0
        _upgrade(url)
        assert set(_read_after(url, [], read)) == expected  # filled by the migration


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_void_reopened_requests_migration_reopens_those_voided_before_it(
        backend, migrated_database):
    """0042: a 补录申请 采纳 into an activity voided before the revision read 「已采纳
    （活动已作废，不计入）」 and counted nowhere; the migration puts it back in the
    liaison's queue as voiding now does (pending, naming the voided activity and no
    task); one adopted into a live activity stays adopted; one still pending that names
    an activity voided before the revision is marked the same way (it can no longer be
    采纳 into it), as voiding marks it. Down again, they read as before: adopted into the
    voided activity, pending on it."""
    from tracker.models import AssignmentStatus as Status
    from tracker.services import unit_of_work
    from tracker.services.backfill_requests import RequestData, adopt_into_task, ask_backfill
    from tracker.services.voiding import void_activity

    with migrated_database(backend, "voidreopened") as url:
        with app_on(url, request=True):
            unit, item, liaison = _one_community()
            tasks = [f.task(item, liaison, starts_in=-timedelta(days=2, hours=n),
                            title=f"清扫{n}") for n in range(3)]
            asking = [f.member(unit, name=f"党员{n}") for n in range(3)]
            db.session.commit()
            ids = []
            for n, (task, member) in enumerate(zip(tasks, asking)):
                with unit_of_work():
                    request = ask_backfill(member, item.community, RequestData(
                        service_date=None, minutes=60, task=task))
                if n < 2:  # the third stays pending
                    with unit_of_work():
                        adopt_into_task(request, liaison)
                ids.append(request.id)
            db.session.add(Assignment(task_id=tasks[2].id, member_id=asking[0].id,
                                      status=Status.done, minutes=60))  # 作废 allowed
            db.session.commit()
            for task in (tasks[0], tasks[2]):
                with unit_of_work():
                    void_activity(task, liaison, "误录")
            voided, live, asked_on = (t.id for t in tasks)
            assert db.session.scalar(select(Assignment.status).where(
                Assignment.task_id == live)) == Status.done
        read = ("SELECT id, status, task_id, result_task_id, voided_task_id"
                " FROM backfill_request ORDER BY id")
        reopened = [(ids[0], "pending", None, None, voided), (ids[1], "adopted", live, live, None),
                    (ids[2], "pending", None, None, asked_on)]
        assert _read_after(url, [], read) == reopened  # by 作废 itself
        assert run_flask_forked(url, "db", "downgrade", "0040_step_and_name_indexes").returncode == 0
        old = "SELECT id, status, task_id, result_task_id FROM backfill_request ORDER BY id"
        assert _read_after(url, [], old) == [(ids[0], "adopted", None, voided),
                                             (ids[1], "adopted", live, live),
                                             (ids[2], "pending", asked_on, None)]
        _upgrade(url)
        assert _read_after(url, [], read) == reopened  # by the migration


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_member_names_migration_spells_stored_names_as_new_input_is_spelled(
        backend, migrated_database):
    """0043: a name stored before the form and the import spelled names one way — padded
    (「陈芳 」), with blanks between its characters (「王　芳」, 「李 明」), with a
    look-alike of the middle dot (「阿依古丽.买买提」, 「热合曼•艾力」) — reads afterwards
    as a name typed today is stored: 陈芳, 王芳, 李明, 阿依古丽·买买提, 热合曼·艾力; its
    pinyin key is the one the name has; a name already so, or in Latin letters with a
    space (「Tom Lee」), is untouched; each member renamed has an audit row with the name
    before and after."""
    from tracker.name_order import name_key

    stored = {"陈芳 ": "陈芳", "王\u3000芳": "王芳", "李 明": "李明",
              "阿依古丽.买买提": "阿依古丽·买买提", "热合曼\u2022艾力": "热合曼·艾力",
              "Tom Lee": "Tom Lee", "张伟": "张伟"}
    with migrated_database(backend, "membernames") as url:
        with app_on(url):
            unit = f.unit("县商务局")
            ids = {}
            for number, name in enumerate(stored):
                member = f.member(unit, name=stored[name], phone=f"1390000010{number}")
                ids[name] = member.id
            db.session.commit()
        assert prepare_with_flask(url, "db", "downgrade", "0040_step_and_name_indexes").returncode == 0
        _read_after(url, [f"UPDATE member SET name = '{name}' WHERE id = {ids[name]}"
                          for name in stored], "SELECT 1")  # as stored before session 22
        _upgrade(url)

        names = dict(_read_after(url, [], "SELECT id, name FROM member"))
        assert {name: names[ids[name]] for name in stored} == stored
        keys = dict(_read_after(url, [], "SELECT id, name_key FROM member"))
        assert all(keys[ids[name]] == name_key(spelled) for name, spelled in stored.items())
        audited = _read_after(url, [], "SELECT entity_id, detail FROM audit_event"
                                       " WHERE action = 'update' AND entity_type = 'member'")
        renamed = {entity_id: detail if isinstance(detail, dict) else json.loads(detail)
                   for entity_id, detail in audited}
        assert {entity_id: tuple(detail["name"]) for entity_id, detail in renamed.items()} == {
            ids[name]: (name, spelled) for name, spelled in stored.items() if name != spelled}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_phones_migration_stores_old_numbers_as_new_input_is_stored(
        backend, migrated_database):
    """0051 (review "forms" #3, #5): a member saved by the old form with full-width
    digits (「1３９００００１００１」) has the 11 ASCII digits afterwards, so they log in
    with their number and the import matches them. Where two members would then hold
    one number (one already holds it, or both would), both are left as they are (the
    unique rule holds) and the migration's log names their ids, never the numbers. An
    erased number is left. A resident's landline is stored 区号-号码, a mobile as 11
    digits. Each member rewritten has an audit row with the number masked."""
    from tests.residents.support import resident

    with migrated_database(backend, "phones") as url:
        with app_on(url):
            unit, item, liaison = _one_community()
            ids = {key: f.member(unit, name=f"党员{key}", phone=f"139000010{n}").id
                   for key, n in zip("ABCDEF", (11, 12, "03", 14, 15, 16))}
            homes = [resident(item.community, liaison, name=f"居民{n}", phone=f"1380000000{n}").id
                     for n in range(4)]
            db.session.commit()
        assert prepare_with_flask(url, "db", "downgrade", "0050_tally_drop_finding_tally").returncode == 0
        old = {"A": "1３９００００１００１",  # alone: rewritten
               "B": "１３９００００１００３",  # C holds 13900001003 already: both left
               "D": "1３９００００１００７", "E": "１39００００１００７",  # would share: both left
               "F": f"-{ids['F']}"}  # erased (privacy.erased_phone): no number
        homes_old = ["057188888888", "(0571)8888-8888", "+86 139 1234 5678", "0571-87654321"]
        _read_after(url, [f"UPDATE member SET phone = '{phone}' WHERE id = {ids[key]}"
                          for key, phone in old.items()]
                    + [f"UPDATE resident SET phone = '{phone}' WHERE id = {home}"
                       for home, phone in zip(homes, homes_old)], "SELECT 1")
        upgrade = run_flask_forked(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]

        phones = dict(_read_after(url, [], "SELECT id, phone FROM member"))
        assert {key: phones[ids[key]] for key in "ABCDEF"} == {
            "A": "13900001001", "B": old["B"], "C": "13900001003", "D": old["D"], "E": old["E"],
            "F": old["F"]}
        log = upgrade.stdout + upgrade.stderr
        assert f"members {min(ids['B'], ids['C'])}, {max(ids['B'], ids['C'])} would share" in log
        assert f"members {ids['D']}, {ids['E']} would share" in log
        assert "13900001003" not in log and "13900001007" not in log
        stored = dict(_read_after(url, [], "SELECT id, phone FROM resident"))
        assert [stored[home] for home in homes] == [
            "0571-88888888", "0571-88888888", "13912345678", "0571-87654321"]
        audited = _read_after(url, [], "SELECT entity_type, entity_id, detail FROM audit_event"
                                       " WHERE action = 'update'")
        details = {(kind, entity_id): detail if isinstance(detail, dict) else json.loads(detail)
                   for kind, entity_id, detail in audited}
        assert {key for key, detail in details.items() if "0051" in detail.get("why", "")} == {
            ("member", ids["A"]), *(("resident", home) for home in homes[:3])}
        assert details[("member", ids["A"])]["phone"] == ["1３９****１００１", "139****1001"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_copy_wording_migration_marks_copies_kept_before_it_as_an_older_wording(
        backend, migrated_database):
    """0044: a 月报 signed before the revision was rendered by an earlier release, whose
    wording may differ from today's: its copy reads as wording 0, older than any
    release's, so the page does not take a change of wording for a change of data; a
    copy kept since carries the wording of the code that rendered it."""
    from tracker.models import SummaryScope
    from tracker.reports import final
    from tracker.reports.wording import WORDING_VERSION

    with migrated_database(backend, "copywording") as url:
        with app_on(url):
            unit, _item, _liaison = _one_community()
            admin = f.member(unit, Role.admin, "管理员")
            final.finalize(admin, SummaryScope(unit.id), 2025, 10)
            db.session.commit()
        read = "SELECT wording_version FROM summary_copy"
        assert _read_after(url, [], read) == [(WORDING_VERSION,)]  # written at 定稿
        assert prepare_with_flask(url, "db", "downgrade", "0043_clean_member_names").returncode == 0
        _upgrade(url)
        assert _read_after(url, [], read) == [(0,)]  # kept before the revision


def _copies_again(where: str) -> str:
    """SQL that writes each signed copy of a 月报 matching ``where`` a second time, as it
    was (a new id): what two 定稿 of one month at the same moment left."""
    columns = ("note_id, finalized_at, finalized_by_id, reopened_at, reopened_by_id,"
               " title, page, csv, docx, xlsx, wording_version")
    return f"INSERT INTO summary_copy ({columns}) SELECT {columns} FROM summary_copy WHERE {where}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_one_current_copy_migration_keeps_the_newest_of_two_current_copies(
        backend, migrated_database):
    """0045: a month signed twice at once before the revision (two 定稿 on PostgreSQL
    before their lock) had two current copies. The newest (the one its pages serve)
    stays current; the older one is kept as history, re-opened when the newest was
    signed; a month signed once, or re-opened, keeps its copies as they were. From then
    on the database refuses a second current copy."""
    from sqlalchemy.exc import IntegrityError

    from tracker.models import SummaryScope
    from tracker.reports import final
    from tracker.services.summary_notes import reopen

    with migrated_database(backend, "onecurrentcopy") as url:
        with app_on(url):
            unit, _item, _liaison = _one_community()
            admin = f.member(unit, Role.admin, "管理员")
            for month in (9, 10):
                final.finalize(admin, SummaryScope(unit.id), 2025, month)
            reopen(admin, SummaryScope(unit.id), 2025, 9)
            final.finalize(admin, SummaryScope(unit.id), 2025, 9)  # signed again
            db.session.commit()
        before = _read_after(url, [], "SELECT id, finalized_at, reopened_at FROM summary_copy"
                                      " ORDER BY id")
        (sep_old_id, _, _), (oct_id, oct_at, _), (sep_id, _, _) = before
        assert [at is None for *_, at in before] == [False, True, True]
        assert prepare_with_flask(url, "db", "downgrade", "0044_copy_wording").returncode == 0
        # October signed a second time at the same moment, as two 定稿 at once did
        _read_after(url, [_copies_again(f"id = {oct_id}")], "SELECT 1")
        _upgrade(url)
        after = _read_after(url, [], "SELECT id, reopened_at FROM summary_copy ORDER BY id")
        newest = after[-1][0]
        assert [(i, at is None) for i, at in after] == [
            (sep_old_id, False), (oct_id, False), (sep_id, True), (newest, True)]
        reopened_at = dict(after)[oct_id]
        assert str(reopened_at)[:19] == str(oct_at)[:19]  # when the newest was signed
        with pytest.raises(IntegrityError):
            _read_after(url, [_copies_again(f"id = {newest}")], "SELECT 1")


def _signed_twice_at_once(url: str) -> tuple[int, int, int, object]:
    """September 2025 of a unit signed twice at the same moment before 0045 (two 定稿
    on PostgreSQL before their lock): the database at 0044 with two current copies of
    one note. (note id, older copy, newer copy, the admin's id.)"""
    from tracker.models import SummaryScope
    from tracker.reports import final

    with app_on(url):
        unit, _item, _liaison = _one_community()
        admin = f.member(unit, Role.admin, "管理员")
        note = final.finalize(admin, SummaryScope(unit.id), 2025, 9)
        note_id, admin_id = note.id, admin.id
        db.session.commit()
    assert prepare_with_flask(url, "db", "downgrade", "0044_copy_wording").returncode == 0
    _read_after(url, [_copies_again("TRUE")], "SELECT 1")
    (older, _), (newer, _) = _read_after(
        url, [], "SELECT id, reopened_at FROM summary_copy ORDER BY id")
    return note_id, older, newer, admin_id


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_one_current_copy_migration_leaves_no_current_copy_of_a_month_reopened_before_it(
        backend, migrated_database):
    """0045: a month signed twice at once, then re-opened before the revision — whose
    重新打开 marked only the newer copy — kept the older copy current while the month
    was no longer final. After the migration a month that is not final has no current
    copy: the older one is re-opened by that 重新打开 (when and by whom its audit event
    says), and the month can be signed again."""
    from tracker.models import SummaryScope
    from tracker.reports import final

    with migrated_database(backend, "reopenedbefore") as url:
        note_id, older, newer, admin_id = _signed_twice_at_once(url)
        ((signed_at,),) = _read_after(url, [], f"SELECT finalized_at FROM summary_copy"
                                               f" WHERE id = {older}")
        if isinstance(signed_at, str):  # SQLite
            signed_at = datetime.fromisoformat(signed_at)
        reopened_at = (signed_at + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S.%f")
        # 重新打开 as the release before 0045 did it: the newer copy only
        _read_after(url, [
            f"UPDATE summary_copy SET reopened_at = '{reopened_at}', reopened_by_id = {admin_id}"
            f" WHERE id = {newer}",
            "UPDATE summary_note SET finalized_at = NULL, finalized_by_id = NULL"
            f" WHERE id = {note_id}",
            "INSERT INTO audit_event (actor_id, action, entity_type, entity_id, created_at)"
            f" VALUES ({admin_id}, 'reopen_summary', 'summary_note', {note_id},"
            f" '{reopened_at}')"], "SELECT 1")
        _upgrade(url)
        after = _read_after(url, [], "SELECT id, reopened_at, reopened_by_id FROM summary_copy"
                                     " ORDER BY id")
        assert [(i, str(at)[:19], by) for i, at, by in after] == [
            (older, reopened_at[:19], admin_id), (newer, reopened_at[:19], admin_id)]

        with app_on(url):
            admin = db.session.get(Member, admin_id)
            final.finalize(admin, SummaryScope(admin.unit_id), 2025, 9)  # signed again
            db.session.commit()
        current = _read_after(url, [], "SELECT id FROM summary_copy WHERE reopened_at IS NULL")
        assert len(current) == 1 and current[0][0] not in (older, newer)


@pytest.mark.parametrize("backend", BACKENDS)
def test_reopening_a_month_leaves_none_of_its_copies_current(backend, migrated_database):
    """重新打开 keeps every copy still current as history, not only the newest: a month
    signed twice at once before 0045 has no current copy once re-opened, so the
    revision's index can be built and the month signed again."""
    from tracker.models import SummaryScope
    from tracker.services.summary_notes import reopen

    with migrated_database(backend, "reopenall") as url:
        _note_id, older, newer, admin_id = _signed_twice_at_once(url)
        with app_on(url):
            admin = db.session.get(Member, admin_id)
            reopen(admin, SummaryScope(admin.unit_id), 2025, 9)
            db.session.commit()
        after = _read_after(url, [], "SELECT id, reopened_at IS NULL, reopened_by_id"
                                     " FROM summary_copy ORDER BY id")
        assert [(i, bool(current), by) for i, current, by in after] == [
            (older, False, admin_id), (newer, False, admin_id)]


def _findings_pages(url: str, finding_id: int) -> tuple[str, str]:
    """The liaison's 摸排问题 list (the handed-over ones) and one finding's page, as
    served by the application on the database at ``url``; both must answer 200."""
    with app_on(url, WTF_CSRF_ENABLED=False) as app:
        liaison = db.session.scalar(select(Member).where(Member.role == Role.liaison))
        client = app.test_client()
        login = client.post("/auth/login", data={"phone": liaison.phone, "password": f.PASSWORD})
        assert login.status_code == 302
        pages = [client.get(path) for path in ("/progress/findings?status=handed_over",
                                               f"/progress/findings/{finding_id}")]
    assert [page.status_code for page in pages] == [200, 200]
    return tuple(page.get_data(as_text=True) for page in pages)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_handed_together_migration_repairs_half_written_hand_overs(backend,
                                                                       migrated_database):
    """0046: before it a finding could hold a 移交给 without a 移交日期 (or a date
    without a target), and the findings pages answered it with a 500; they now show the
    hand-over without its date. The migration repairs such rows — a target without a
    date is dated the day found (the day the figures already counted it on), a date
    without a target keeps its date and reads 「未记录」, a target of spaces is none —
    keeps every finding, its counted rows and the tally the database keeps of them, and
    from then on the database refuses one written without the other."""
    from sqlalchemy.exc import IntegrityError

    with migrated_database(backend, "handedtogether") as url:
        _surveys_with_findings(url)
        assert prepare_with_flask(url, "db", "downgrade", "0045_one_current_copy").returncode == 0
        ids = [i for (i,) in _read_after(url, [], "SELECT id FROM finding WHERE kind = 'sewer'"
                                                  " ORDER BY id")]
        undated, untargeted, blank, whole = ids
        found = dict(_read_after(url, [], "SELECT id, found_on FROM finding"))
        _read_after(url, [
            f"UPDATE finding SET handed_to = '县城管局' WHERE id = {undated}",
            f"UPDATE finding SET handed_over_on = found_on WHERE id = {untargeted}",
            f"UPDATE finding SET handed_to = '  ' WHERE id = {blank}",
            f"UPDATE finding SET handed_to = '县住建局', handed_over_on = found_on"
            f" WHERE id = {whole}"], "SELECT 1")
        listed, page = _findings_pages(url, undated)  # the older schema's row, served
        assert "已移交：县城管局" in listed and "县城管局" in page
        counted, tally = _finding_rows(url), _tally(url)

        _upgrade(url, "0046_leftovers_handed_together")  # 0050 drops the tally
        after = {i: (to, str(on)[:10] if on else None) for i, to, on in _read_after(
            url, [], "SELECT id, handed_to, handed_over_on FROM finding")}
        assert after[undated] == ("县城管局", str(found[undated])[:10])
        assert after[untargeted] == ("未记录", str(found[untargeted])[:10])
        assert after[blank] == (None, None)
        assert after[whole] == ("县住建局", str(found[whole])[:10])
        assert len(after) == 16 and _finding_rows(url) == counted and _tally(url) == tally
        listed, page = _findings_pages(url, undated)
        assert f"已移交：县城管局（{str(found[undated])[:10]}）" in listed
        # the tally still follows the findings (a rebuild of the table keeps its triggers)
        ((community,),) = _read_after(url, [], "SELECT DISTINCT community_id FROM finding")
        moved = _tally(url, f"UPDATE finding SET status = 'found', handed_to = NULL,"
                            f" handed_over_on = NULL WHERE id = {undated}")
        assert moved[(community, "found")] == tally[(community, "found")] + 1

        for half in (f"UPDATE finding SET handed_over_on = NULL WHERE id = {whole}",
                     f"UPDATE finding SET handed_to = NULL WHERE id = {whole}",
                     f"UPDATE finding SET handed_to = '县城管局' WHERE id = {blank}"):
            with pytest.raises(IntegrityError):
                _read_after(url, [half], "SELECT 1")
        assert prepare_with_flask(url, "db", "downgrade", "0045_one_current_copy").returncode == 0
        _upgrade(url)
def _double_rows(url: str) -> tuple[list, ...]:
    with engine_on(url) as engine, engine.connect() as conn:
        return _sorted_rows(conn, CountedDoubleCommunityYear, CountedDoubleMemberYear,
                            CountedDoubleMemberAnyYear)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_double_section_migration_counts_an_admins_own_double_category(
        backend, migrated_database):
    """0047: "双创" work is every category of the "双创" section, not only the three
    reference ones. A database kept under the old rule holds nothing of an admin's own
    "双创" category (共享单车整理) in the “双创” summaries; after the migration they hold
    what the application keeps from then on: its approved and its 待审核 activity, with
    their 完成数量 (1 and 2辆), three 人次 and 60 + 120 + 180 minutes each, and each of the
    three members who were done, per community and across communities, under each status
    (the returned and the unreported activities count nowhere)."""
    from tracker.models import Section

    with migrated_database(backend, "doublesection") as url:
        with app_on(url):
            bikes = f.category("bike_tidy", "共享单车整理", quantity="辆", beneficiary=None,
                               section=Section.double)
            unit, item, liaison = _one_community(bikes)
            people = [f.member(unit, name=f"党员{i}") for i in range(4)]
            for days, status in enumerate((ReportStatus.approved, ReportStatus.submitted,
                                           ReportStatus.returned, None), 1):
                task = f.task(item, liaison, starts_in=-timedelta(days=days))
                for i, person in enumerate(people[:3]):
                    db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                              status=AssignmentStatus.done,
                                              minutes=60 * (i + 1)))
                if status is not None:
                    db.session.add(TaskReport(task_id=task.id, quantity=days, people_served=0,
                                              note="", status=status,
                                              submitted_by_id=liaison.id))
            db.session.commit()
        kept = _double_rows(url)
        work, members, anywhere = kept
        assert sorted(row[3:] for row in work) == [
            ("approved", 1, 1, 3, 360), ("submitted", 1, 2, 3, 360)]
        assert len(members) == len(anywhere) == 6

        assert prepare_with_flask(url, "db", "downgrade", "0046_leftovers_handed_together").returncode == 0
        assert _double_rows(url) == ([], [], [])  # as the old rule kept them
        _upgrade(url)
        assert _double_rows(url) == kept


def _outbox(url: str) -> dict:
    """Each outbox row by its dedupe key: (status, reason, attempts, holds a claim)."""
    read = "SELECT dedupe_key, status, reason, attempts, claim_token FROM outbox"
    return {key: (status, reason, attempts, token is not None)
            for key, status, reason, attempts, token in _read_after(url, [], read)}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_old_timeouts_migration_leaves_a_person_to_decide_on_each_old_timeout(
        backend, migrated_database):
    """0057 (small2 A): before session 31 a read timeout after the whole SMS request or
    robot post was written was ``timed_out`` as a connect timeout was, and retried — the
    gateway may have sent it already. So every row still ``timed_out`` (waiting for its
    retry, claimed by a job stopped for the upgrade, or given up) is failed and never
    sent by the job again, as an unconfirmed send is: listed among the failed with
    重试, a work group's digest in the 工作台's notice, and words telling the admin to
    ask the recipient first. Rows of other reasons, and sent ones, are untouched."""
    from tracker.models import Channel, Community, Outbox, OutboxStatus
    from tracker.outbox import queries
    from tracker.reminders import job, reasons
    from tracker.services.notify import WebhookData, save_webhook
    from tracker.timeutil import utcnow

    with migrated_database(backend, "oldtimeouts") as url:
        with app_on(url):
            unit, item, liaison = _one_community()
            member = f.member(unit, name="陈丽华")
            community = item.community
            save_webhook(liaison, community, WebhookData(
                "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"))
            tried = utcnow() - timedelta(hours=2)

            def row(key, channel, status, reason, attempts=1, **more):
                to = {"community_id": community.id} if channel == Channel.wecom \
                    else {"member_id": member.id}
                db.session.add(Outbox(
                    dedupe_key=key, kind="review_waiting" if "community_id" in to
                    else "confirm_hours", channel=channel, subject="s", body="b",
                    status=status, reason=reason, attempts=attempts, next_attempt_at=tried,
                    failed_at=tried if status != OutboxStatus.sent else None,
                    last_error="timed out" if reason == "timed_out" else None, **to, **more))

            row("digest", Channel.wecom, OutboxStatus.pending, "timed_out")
            row("sms", Channel.sms, OutboxStatus.pending, "timed_out", attempts=2)
            row("claimed", Channel.sms, OutboxStatus.sending, "timed_out",
                claim_token="t" * 32, claimed_at=tried)
            row("given_up", Channel.email, OutboxStatus.failed, "timed_out", attempts=5)
            row("http_500", Channel.email, OutboxStatus.pending, None)
            row("unconfirmed", Channel.sms, OutboxStatus.failed, "unconfirmed")
            row("sent", Channel.inapp, OutboxStatus.sent, None, sent_at=tried)
            db.session.commit()
            member_id = member.id
        assert prepare_with_flask(url, "db", "downgrade",
                                  "0056_nextyear_item_year_index").returncode == 0
        before = _outbox(url)
        _upgrade(url)

        after = _outbox(url)
        old = ("failed", "timed_out_old")
        assert after == {**before, "digest": (*old, 1, False), "sms": (*old, 2, False),
                         "claimed": (*old, 1, False), "given_up": (*old, 5, False)}
        with app_on(url):
            # the job picks none of them, however long it waits; the other retry it does
            later = utcnow() + timedelta(days=30)
            assert job._due_groups(later) == [(member_id, None, Channel.email)]
            # shown as the unconfirmed send is: among the failed (with 重试), the work
            # group's in the 工作台's notice, the admin asked to check with the recipient
            failed = {m.dedupe_key for m in queries.failed_page(1, 50).items}
            assert failed == {"digest", "sms", "claimed", "given_up", "unconfirmed"}
            [robot] = queries.given_up_robots([])
            assert robot.community.id == db.session.scalar(select(Community.id))
            for words in (reasons.words("timed_out_old"), reasons.words("unconfirmed")):
                assert "未自动重发" in words and "请先向收件人核实，确实没有收到再点“重试”" in words
            # but it does not say the message was handed over: the old row cannot tell
            assert "已完整交给对方服务器" not in reasons.words("timed_out_old")
        assert run_flask_forked(url, "db", "downgrade", "0056_nextyear_item_year_index").returncode == 0
        assert {key for key, (_s, reason, *_r) in _outbox(url).items()
                if reason == "unconfirmed"} == {"digest", "sms", "claimed", "given_up",
                                                 "unconfirmed"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_erased_again_migration_puts_restored_erased_residents_back_as_erased(
        backend, migrated_database):
    """0062 (review "walk2", #1): before it an erased 服务对象 could be restored (恢复) and
    edited. Afterwards every erased record is as the erasure leaves it — archived (its
    archive time kept, or the erasure's), 「（已删除）」, no address, phone, notes, consent
    method or pairings — and the log names the ids it changed, not what they held. A
    record erased as it should be, and one never erased, are untouched."""
    from tests.residents.support import resident

    erased_on = datetime(2026, 10, 1, 2, 0)
    with migrated_database(backend, "erased") as url:
        with app_on(url):
            unit, item, liaison = _one_community()
            pair = f.member(unit, name="结对党员", phone="13900004444")
            restored = resident(item.community, liaison, name="钱某某", phone="13900005555",
                                paired=[pair]).id
            kept_erased = resident(item.community, liaison, name="孙某某", active=False).id
            never = resident(item.community, liaison, name="李某某", paired=[pair]).id
            db.session.commit()
        assert run_flask_forked(url, "db", "downgrade", "0061_yearerase_year_redacted").returncode == 0
        stamp = erased_on.isoformat(sep=" ")
        _read_after(url, [
            # erased, then 恢复 and 修改: back on the register with a name typed again
            f"UPDATE resident SET erased_at = '{stamp}', archived_at = NULL WHERE id = {restored}",
            # erased as the erasure leaves it, archived before
            f"UPDATE resident SET erased_at = '{stamp}', archived_at = '2026-09-01 00:00:00',"
            f" name = '（已删除）', address = '', phone = NULL, notes = NULL,"
            f" consent_method = '' WHERE id = {kept_erased}"], "SELECT 1")
        before = {row[0]: tuple(row[1:]) for row in _read_after(
            url, [], "SELECT id, name, address, phone, notes, consent_method, active,"
                     " archived_at FROM resident")}
        upgrade = run_flask_forked(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]

        after = {row[0]: tuple(row[1:]) for row in _read_after(
            url, [], "SELECT id, name, address, phone, notes, consent_method, active,"
                     " archived_at FROM resident")}
        name, address, phone, notes, method, active, archived = after[restored]
        assert (name, address, phone, notes, method, bool(active)) == (
            "（已删除）", "", None, None, "", False)
        assert str(archived).startswith("2026-10-01 02:00")  # the erasure's time
        assert after[kept_erased] == before[kept_erased]
        assert after[never] == before[never]
        pairs = _read_after(url, [], "SELECT resident_id FROM resident_member")
        assert sorted(r for (r,) in pairs) == [never]
        log = upgrade.stdout + upgrade.stderr
        assert f"erased residents {restored} were restored" in log
        assert "钱某某" not in log and "13900005555" not in log
        assert f"{kept_erased}" not in log.split("erased residents", 1)[1].split("\n", 1)[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_outbox_facts_migration_keeps_old_messages_as_they_were_sent(
        backend, migrated_database):
    """0063 (remindlang): a reminder keeps what it says as data (``outbox.facts``) so a
    page words it in its reader's language. A message written before has no facts and
    keeps its text; a downgrade drops the column, and the text stays."""
    with migrated_database(backend, "facts") as url:
        with app_on(url):
            unit, _item, _liaison = _one_community()
            member = f.member(unit, name="周建国")
            db.session.commit()
            member_id = member.id
        assert run_flask_forked(url, "db", "downgrade", "0062_erased_erased_again").returncode == 0
        with engine_on(url) as engine, engine.connect() as conn:
            assert "facts" not in {c["name"] for c in inspect(conn).get_columns("outbox")}
        sent = ("INSERT INTO outbox (dedupe_key, kind, channel, member_id, subject, body,"
                " status, attempts, next_attempt_at, created_at, sent_at) VALUES"
                f" ('old:{member_id}', 'tomorrow', 'inapp', {member_id}, '明天的任务：旧',"
                " '旧的正文。', 'sent', 0, '2026-12-01 10:00:00', '2026-12-01 10:00:00',"
                " '2026-12-01 10:00:00')")
        _read_after(url, [sent], "SELECT 1")
        _upgrade(url)
        assert _read_after(url, [], "SELECT subject, body, facts FROM outbox") == [
            ("明天的任务：旧", "旧的正文。", None)]

        downgrade = run_flask_forked(url, "db", "downgrade", "0062_erased_erased_again")
        assert downgrade.returncode == 0, downgrade.stderr[-3000:]
        assert _read_after(url, [], "SELECT subject, body FROM outbox") == [
            ("明天的任务：旧", "旧的正文。")]
        with engine_on(url) as engine, engine.connect() as conn:
            assert "facts" not in {c["name"] for c in inspect(conn).get_columns("outbox")}
        _upgrade(url)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_resident_name_key_migration_puts_existing_residents_in_pinyin_order(
        backend, migrated_database):
    """0064 (walk6fix2) gives the 服务对象 already there their pinyin key, as 0024 gave the
    members theirs: ordered by it they read as in a dictionary (安 an … 曾 zeng as a
    surname), each key what the application writes for that name; a downgrade drops it."""
    from tests.residents.support import resident
    from tracker.name_order import name_key

    names = ["万秀珍", "黄金花", "曾阿姨", "安阿婆", "陈水生"]
    with migrated_database(backend, "residentkeys") as url:
        with app_on(url):
            _unit, item, liaison = _one_community()
            for i, name in enumerate(names):
                resident(item.community, liaison, name=name, phone=f"1390000000{i}")
            db.session.commit()
        down = run_flask_forked(url, "db", "downgrade", "0063_remindlang_outbox_facts")
        assert down.returncode == 0, down.stderr[-3000:]
        with engine_on(url) as engine, engine.connect() as conn:
            assert "name_key" not in {c["name"] for c in inspect(conn).get_columns("resident")}
        assert [n for (n,) in _read_after(url, [], "SELECT name FROM resident ORDER BY id")] \
            == names
        _upgrade(url)
        keyed = _read_after(url, [], "SELECT name, name_key FROM resident ORDER BY name_key")
        assert [name for name, _key in keyed] == ["安阿婆", "陈水生", "黄金花", "万秀珍", "曾阿姨"]
        assert all(key == name_key(name) for name, key in keyed)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_finding_steps_migration_keeps_each_years_steps_from_existing_findings(
        backend, migrated_database):
    """0065 (doublekept) gives the kept findings the days of their steps and keeps the
    county's 移交 / 整改 per year and community, on a database that already holds them:
    it fills in what the application keeps afterwards, and what the rule says — a
    finding found on 10 March 2024, handed over on 1 May and fixed on 1 February 2025 is
    handed over in 2024 and fixed in 2025 (found in an earlier year); one handed over
    without a day counts from the day found; one only found has no step; a switched-off
    one counts nowhere, nor do those of the returned survey. A downgrade drops both."""
    with migrated_database(backend, "findingsteps") as url:
        with app_on(url):
            unit, item, liaison = _one_community(SURVEY_CODE)
            for day, status in ((10, ReportStatus.approved), (11, ReportStatus.submitted),
                                (12, ReportStatus.returned)):
                task = f.task(item, liaison,
                              starts_at=datetime(2024, 3, day, 1, tzinfo=timezone.utc))
                for state, handed, fixed, active in (
                        (FindingStatus.fixed, date(2024, 5, 1), date(2025, 2, 1), True),
                        (FindingStatus.handed_over, None, None, True),
                        (FindingStatus.found, None, None, True),
                        (FindingStatus.fixed, date(2025, 1, 5), date(2025, 1, 9), False)):
                    db.session.add(Finding(
                        task_id=task.id, unit_id=unit.id, community_id=task.community_id,
                        found_on=task.service_date, kind=FindingKind.road, place="解放路12号",
                        status=state, handed_to="县住建局" if handed else None,
                        handed_over_on=handed, fixed_on=fixed, created_by_id=liaison.id,
                        active=active))
                db.session.add(TaskReport(task_id=task.id, quantity=0, people_served=0,
                                          note="", status=status, submitted_by_id=liaison.id))
            db.session.commit()

        def kept():
            with engine_on(url) as engine, engine.connect() as conn:
                return _sorted_rows(conn, CountedFinding, CountedFindingStepYear)

        findings, steps = before = kept()
        assert sorted((status, state, days) for _f, _t, status, found, _c, _k, state, *days
                      in findings if found == date(2024, 3, 10)) == sorted([
            ("approved", "fixed", [date(2024, 5, 1), date(2025, 2, 1)]),
            ("approved", "handed_over", [date(2024, 3, 10), date(2024, 3, 10)]),
            ("approved", "found", [date(2024, 3, 10), date(2024, 3, 10)])])
        assert sorted((year, status, n, handed, fixed, earlier)
                      for year, _c, status, n, handed, fixed, earlier in steps) == sorted(
            row for status in ("approved", "submitted")
            for row in ((2024, status, 2, 2, 0, 0), (2025, status, 1, 0, 1, 1)))

        down = run_flask_forked(url, "db", "downgrade", "0064_walk6fix2_resident_name_key")
        assert down.returncode == 0, down.stderr[-3000:]
        with engine_on(url) as engine, engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("counted_finding")}
            assert not {"handed_over_on", "fixed_on"} & columns
            assert "counted_finding_step_year" not in inspect(conn).get_table_names()
        _upgrade(url)
        assert kept() == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_hours_origin_migration_tells_each_past_row_from_the_audit_trail(
        backend, migrated_database):
    """0069 (origin48) gives each participation already holding hours who stated them
    (时长来源), from the audit trail: on one activity 甲 confirmed her own hours (本人确认),
    乙 was counted by check-in at 通过 (按签到计入), 丙's were corrected by the liaison
    (联络员改正), 丁's corrected to the hours she had confirmed (still hers), 戊 was counted
    by check-in and, after 撤销审核, confirmed her own (the later event decides: 本人确认),
    and 己 was added after approval (添加遗漏的参加人员: 联络员补录); 庚's 补录申请 was
    采纳 into another activity and 辛, 壬 and 寅 were on a 补录 (联络员补录); 癸 never
    confirmed and has no hours. What the migration gives is what the application wrote.
    A row with hours written past the application (no event of its own) is 联络员补录 on
    a 补录's activity (丑) and cannot be told elsewhere (子: NULL, 「不详」). A downgrade
    drops the column."""
    from tests.services.test_backfill import data
    from tracker.services import unit_of_work
    from tracker.services.backfill import add_forgotten_participant, record_past_activity
    from tracker.services.backfill_requests import RequestData, adopt_into_task, ask_backfill
    from tracker.services.claims import confirm_participation, correct_minutes
    from tracker.services.reviews import ReportData, approve_report, reopen_report, submit_report

    Status = AssignmentStatus
    read = ("SELECT member.name, assignment.hours_origin FROM assignment"
            " JOIN member ON member.id = assignment.member_id")
    with migrated_database(backend, "hoursorigin") as url:
        with app_on(url, request=True):
            unit, item, liaison = _one_community()
            admin = f.member(unit, Role.admin, "管理员")
            people = {n: f.member(unit, name=n) for n in "甲乙丙丁戊己庚辛壬癸子丑寅"}
            task = f.task(item, liaison, starts_in=-timedelta(days=2), slots=10,
                          leader=people["甲"])
            asked = f.task(item, liaison, starts_in=-timedelta(days=4), leader=people["庚"])
            plain, typed = (f.task(item, liaison, starts_in=-timedelta(days=days), leader=who)
                            for days, who in ((5, people["子"]), (6, people["丑"])))
            for n, status in (("甲", Status.claimed), ("乙", Status.checked_in),
                              ("丙", Status.claimed), ("丁", Status.claimed),
                              ("戊", Status.checked_in), ("癸", Status.claimed)):
                db.session.add(Assignment(task_id=task.id, member_id=people[n].id,
                                          status=status, checked_in_at=task.starts_at
                                          if status == Status.checked_in else None))
            task.taken = 6
            db.session.commit()

            def mine(n, on=task):
                return db.session.scalar(select(Assignment).where(
                    Assignment.task_id == on.id, Assignment.member_id == people[n].id))

            def approve(on=task):
                with unit_of_work():
                    report = submit_report(on, on.leader, ReportData(None, None, "已完成。"))
                    approve_report(report, liaison, count_checked_in=True)

            with unit_of_work():
                for n in "甲丙丁":
                    confirm_participation(mine(n), people[n], 120)
                correct_minutes(mine("丙"), liaison, 60, "实际一小时")
                correct_minutes(mine("丁"), liaison, 120, "核对无误")
            approve()
            with unit_of_work():
                reopen_report(task.report, admin, "完成数量填错了")
            with unit_of_work():
                confirm_participation(mine("戊"), people["戊"], 60)
            approve()
            with unit_of_work():
                add_forgotten_participant(liaison, task, people["己"], None)
            with unit_of_work():
                request = ask_backfill(people["庚"], item.community,
                                       RequestData(service_date=None, minutes=60, task=asked))
            with unit_of_work():
                adopt_into_task(request, liaison)
            approve(asked)
            with unit_of_work():
                record_past_activity(liaison, item, data([people[n] for n in "辛壬寅"]))
            typed.backfilled = True  # written past the application, no event of their own
            for on, n in ((plain, "子"), (typed, "丑")):
                db.session.add(Assignment(task_id=on.id, member_id=people[n].id,
                                          status=Status.done, minutes=60))
                db.session.add(TaskReport(task_id=on.id, quantity=0, people_served=0, note="",
                                          status=ReportStatus.approved,
                                          submitted_by_id=liaison.id))
            db.session.commit()

        written = dict(_read_after(url, [], read))
        assert written == {"甲": "confirmed", "乙": "checkin", "丙": "corrected",
                           "丁": "confirmed", "戊": "confirmed", "己": "recorded",
                           "庚": "recorded", "辛": "recorded", "壬": "recorded",
                           "寅": "recorded", "癸": None, "子": None, "丑": None}

        assert run_flask_forked(url, "db", "downgrade", "0068_hhkept41_served_kept").returncode == 0
        with engine_on(url) as engine, engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("assignment")}
        assert "hours_origin" not in columns
        _upgrade(url)
        # what the application wrote, and 丑's told by its activity's being a 补录
        assert dict(_read_after(url, [], read)) == {**written, "丑": "recorded"}
