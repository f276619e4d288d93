"""Time the admin's member directory (/admin/members) statement by statement on a
county's members, and ask the database how it runs the shared-phones check.

    .venv/bin/python bench/members_page.py sqlite:////…/bench/out/members.sqlite3 [runs]
    .venv/bin/python bench/members_page.py postgresql+psycopg://postgres@127.0.0.1:PORT/db [runs]
    .venv/bin/python bench/members_page.py URL 21 without-index   # the same, as before 0053

Builds the county's people the first time (``datagen`` with the full scale's 20,000
members, 100 units, 200 communities and 1,000 zones, and a few tasks: the page reads
members, not work), else brings the member table's indexes up to the models. Then,
signed in as its admin, requests the page once to warm up and ``runs`` times, and
prints the median wall ms of the page, of each of its SQL statements (in the order
the page runs them), and of ``admin.queries.shared_phones`` called alone, then the
plan of the shared-phones statement (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE). With
``without-index`` the partial index ``ix_member_phone_unplain`` (migration 0053) is
dropped first, so the same data under the same load times the page as it was before
it; the next run without that word builds it again. Not a test; the figures go to
docs/performance.md.
"""
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from sqlalchemy import event, func, select, text  # noqa: E402
from tracker.admin import queries as q  # noqa: E402
from tracker.datagen import PASSWORD, Plan, generate  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Member, Role  # noqa: E402

PLAN = Plan(members=20000, communities=200, zones=1000, tasks=2000, assignments=20000, years=1)


UNPLAIN = "ix_member_phone_unplain"


def ensure_members(app, without_index: bool) -> None:
    with app.app_context():
        try:
            have = db.session.scalar(select(func.count(Member.id)))
        except Exception:  # noqa: BLE001 — no schema yet
            db.session.rollback()
            have = 0
        if have >= PLAN.members:
            db.session.commit()
            with db.engine.begin() as conn:  # the member table's indexes as the models have them
                for index in Member.__table__.indexes:
                    if index.name == UNPLAIN and without_index:
                        index.drop(conn, checkfirst=True)
                    else:
                        index.create(conn, checkfirst=True)
            return
        db.drop_all()
        db.create_all()
        db.session.commit()
        started = time.perf_counter()
        generate(PLAN)
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))


def statement_timer(engine):
    """(list of [statement, ms] of the statements run, remove())."""
    ran, started = [], {}

    def before(conn, cursor, statement, params, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            return
        ran.append([" ".join(statement.split())[:110],
                    (time.perf_counter() - started.pop(id(cursor))) * 1000])

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)

    def remove():
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)

    return ran, remove


def main() -> None:
    url = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21
    without_index = sys.argv[3:] == ["without-index"]
    app = bench.make_app(url)
    ensure_members(app, without_index)
    with app.app_context():
        engine = db.engine
        admin = db.session.scalar(select(Member.phone).where(
            Member.role == Role.admin, Member.active.is_(True)).order_by(Member.id))
        active = db.session.scalar(select(func.count(Member.id)).where(Member.active.is_(True)))
        db.session.commit()
    client = app.test_client()
    assert client.post("/auth/login", data={"phone": admin, "password": PASSWORD}
                       ).status_code == 302
    print(f"{engine.dialect.name}{' without ' + UNPLAIN if without_index else ''}: "
          f"{active:,} active members; load "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    assert client.get("/admin/members").status_code == 200
    page, per_statement = [], defaultdict(list)
    for _ in range(runs):
        with app.app_context():
            ran, remove = statement_timer(engine)
        started = time.perf_counter()
        client.get("/admin/members")
        page.append((time.perf_counter() - started) * 1000)
        remove()
        for position, (statement, ms) in enumerate(ran):
            per_statement[(position, statement)].append(ms)
    print(f"/admin/members: median {statistics.median(page):.1f} ms "
          f"(min {min(page):.1f}), {len(per_statement)} statements", flush=True)
    for (position, statement), times in sorted(per_statement.items()):
        print(f"  {position + 1:2d}. {statistics.median(times):6.2f} ms  {statement}")
    with app.app_context():
        alone = []
        for _ in range(runs):
            started = time.perf_counter()
            q.shared_phones(db.session)
            alone.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        print(f"shared_phones alone: median {statistics.median(alone):.2f} ms "
              f"(min {min(alone):.2f})")
        compiled = q.odd_phones_query().compile(engine)
        connection = db.session.connection()
        if engine.dialect.name == "sqlite":  # qmark: the parameters in their order
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled),
                tuple(compiled.params[name] for name in compiled.positiontup)).all()
            print("plan:", " / ".join(row[-1] for row in plan))
        else:
            plan = connection.exec_driver_sql("EXPLAIN ANALYZE " + str(compiled),
                                              compiled.params).all()
            print("plan:\n  " + "\n  ".join(row[0] for row in plan))
        db.session.rollback()


if __name__ == "__main__":
    main()
