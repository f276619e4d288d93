"""Where a claim POST's CPU goes: the storm of ``bench/load.py`` replayed in one process.

    .venv/bin/python bench/profile_claim.py --scale small             # CPU and statements
    .venv/bin/python bench/profile_claim.py --scale small --sampler   # + pyinstrument
    .venv/bin/python bench/profile_claim.py --scale small --statements  # print the SQL

Reuses (or generates) the data set of ``bench/run.py`` for the scale (``--pg-url`` for a
PostgreSQL one), adds the storm's ten tasks of five slots, signs 200 members in through
the test client with production settings (CSRF on, the login throttle counting), and
lets each try every task in its own order, one request at a time. Prints the CPU per
request (``time.process_time``, this process only: on SQLite that is the whole request;
on PostgreSQL the server's own work is not in it) and the statements of a winning and of
a losing claim, split the same way. The tasks and their rows are deleted afterwards.
Not a test; the figures go to docs/performance.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import delete, select  # noqa: E402

import run as county  # noqa: E402
from load import CSRF, STORM, _storm_world  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.datagen import PASSWORD  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Assignment, Task  # noqa: E402


def sign_in(app, phone: str):
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    match = CSRF.search(page)
    response = client.post("/auth/login", data={"phone": phone, "password": PASSWORD,
                                                "csrf_token": match.group(1) or match.group(2)})
    assert response.status_code == 302 and "/auth/login" not in response.location, phone
    match = CSRF.search(client.get("/tasks/").get_data(as_text=True))
    return client, match.group(1) or match.group(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(county.SCALES), default="small")
    parser.add_argument("--pg-url", help="a PostgreSQL database holding the data set")
    parser.add_argument("--sampler", action="store_true", help="profile with pyinstrument")
    parser.add_argument("--statements", action="store_true", help="print the SQL of each kind")
    args = parser.parse_args()

    county.DATA.mkdir(parents=True, exist_ok=True)
    url = args.pg_url or f"sqlite:///{county.DATA / f'county-{args.scale}.sqlite3'}"
    county.ensure_data(county.make_app(url), county.SCALES[args.scale], reuse=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_MODE": "production",
                      "SECRET_KEY": "profile-claim-secret-of-32-characters-or-more",
                      "PUBLIC_URL": "http://localhost", "LOGIN_LIMIT_PER_ADDRESS": "100000 per 15 minutes"})
    task_ids, phones = _storm_world(app)
    try:
        sessions = [sign_in(app, phone) for phone in phones]
        attempts = [(s, t) for s in sessions
                    for t in random.Random(s[1]).sample(task_ids, len(task_ids))]
        random.Random(2022).shuffle(attempts)
        with app.app_context():
            engine = db.engine
        cpu = {"won": [], "lost": []}
        statements = {}
        sampler = None
        if args.sampler:
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.0002)
            sampler.start()
        for (client, token), task_id in attempts:
            with county.counting(engine) as seen:
                started = time.process_time()
                response = client.post(f"/tasks/{task_id}/claim", data={"csrf_token": token})
                spent = (time.process_time() - started) * 1000
            assert response.status_code == 302, response.status_code
            # the flash waits in the session cookie for the page the redirect leads to
            with client.session_transaction() as session:
                messages = session.pop("_flashes", [])
            kind = "won" if messages and messages[0][0] == "success" else "lost"
            cpu[kind].append(spent)
            statements.setdefault(kind, (list(seen), messages))
        if sampler:
            sampler.stop()
        for kind in ("won", "lost"):
            values = cpu[kind]
            seen, messages = statements[kind]
            print(f"{kind}: {len(values)} claims, CPU median {statistics.median(values):.2f} ms "
                  f"(min {min(values):.2f}, p90 {sorted(values)[len(values) * 9 // 10]:.2f}); "
                  f"{len(seen)} statements; flashed {messages}")
            if args.statements:
                for statement in seen:
                    print("   ", " ".join(statement.split())[:200])
        if sampler:
            print(sampler.output_text(unicode=True, show_all=False))
    finally:
        with app.app_context():
            held = db.session.scalar(select(db.func.count()).select_from(Assignment)
                                     .where(Assignment.task_id.in_(task_ids)))
            print(f"slots held afterwards: {held} of {STORM['tasks'] * STORM['slots']}")
            db.session.execute(delete(Assignment).where(Assignment.task_id.in_(task_ids)))
            db.session.execute(delete(Task).where(Task.id.in_(task_ids)))
            db.session.commit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
