"""The progress pages' figures are computed once per state of the database
(``tracker/rollups/cache.py``): a reload while nothing changed reads no figures, and
any committed change — through the app, or through another connection as another
worker's or another process's — is on the very next page, exactly as a recount
shows it."""
from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from tests.scratch_db import BACKENDS
from tracker.extensions import db
from tracker.models import ReportStatus, TaskReport
from tracker.progress import routes as progress_routes
from tracker.rollups import batch, cache
from tracker.services import unit_of_work
from tracker.services.reviews import ReportData, approve_report, submit_report
from tracker.templating import FRAGMENTS

PAGES = ("/progress/community?community=all&period=year&year={year}",
         "/progress/double?community=all&period=year&year={year}",
         "/progress/community?community={community}&period=year&year={year}")


def _figures_ran(statements) -> bool:
    # the page's figures go to the database as one batch (rollups.batch)
    return any("batch_part" in s for s in statements)


def _pages(world) -> list[str]:
    """The pages of the year of the world's past work (yesterday's: last year's on
    1 January, when this year's pages have no work and draw no chart)."""
    return [page.format(year=world.past_task.service_date.year, community=world.community.id)
            for page in PAGES]


def _html(response) -> str:
    # a chart's element id is numbered per process (tracker/charts.py), not per page
    return re.sub(r"chart-\d+", "chart-N", response.get_data(as_text=True))


def _recounted(client, url: str) -> str:
    """The page as a recount shows it: with nothing cached, neither the figures nor the
    sections rendered from them, and its statements built anew."""
    cache.clear()
    FRAGMENTS.clear()
    batch.forget_built()
    return _html(client.get(url))


@pytest.fixture
def admin_in(client, login, world):
    login(world.admin)
    cache.clear()
    return world


# On PostgreSQL the stamp is the cluster's snapshot: the other test worker's commits, in
# its own database of the same cluster, move it between any two requests (a shared
# cluster caches less, never wrongly). The hit is shown there in one snapshot instead
# (test_one_snapshot_computes_the_figures_once, below).
@pytest.mark.skipif(BACKENDS != ["sqlite"],
                    reason="the cluster's other databases move PostgreSQL's stamp")
@pytest.mark.parametrize("page", range(len(PAGES)))
def test_a_reload_with_nothing_changed_reads_no_figures(client, admin_in, count_queries, page,
                                                        monkeypatch):
    """… nor draws its charts again: they are part of the section kept with them."""
    _submit_report(admin_in)  # a trend to draw: a period without work shows no chart
    url = _pages(admin_in)[page]
    first = client.get(url)
    assert first.status_code == 200
    drawn = _charts_drawn(monkeypatch)
    with count_queries() as again:
        second = client.get(url)
    assert not _figures_ran(again.statements)
    assert drawn == []
    assert _html(second) == _html(first) == _recounted(client, url)
    assert drawn  # the recount drew them afresh


def _charts_drawn(monkeypatch) -> list[str]:
    """The name of each chart the progress views draw from now on."""
    drawn = []
    for name in ("bar_chart", "trend_chart"):
        real = getattr(progress_routes, name)
        monkeypatch.setattr(progress_routes, name,
                            lambda *a, _n=name, _real=real, **k: drawn.append(_n) or _real(*a, **k))
    return drawn


def _submit_report(world) -> TaskReport:
    with unit_of_work():
        return submit_report(world.past_task, world.leader,
                             ReportData(quantity=None, people_served=None, note="清理楼道。"))


def _batches_built(monkeypatch) -> list:
    """Each batch of statements a page builds from now on (rollups.batch.combined)."""
    built, real = [], batch.combined
    monkeypatch.setattr(batch, "combined", lambda parts: built.append(parts) or real(parts))
    return built


def test_an_approval_through_the_app_is_on_the_next_page(client, admin_in, count_queries,
                                                          monkeypatch):
    """The app's own connection commits the approval: the next page recounts, running
    the statements each view built once for its scope in this process
    (rollups.batch.built_once) — none is built again."""
    report = _submit_report(admin_in)
    urls = _pages(admin_in)
    batch.forget_built()
    built = _batches_built(monkeypatch)
    before = [_html(client.get(url)) for url in urls]
    assert len(built) == len(urls)  # each page's batch, made once
    with unit_of_work():
        approve_report(report, admin_in.liaison)
    after = []
    for url in urls:
        with count_queries() as q:
            after.append(_html(client.get(url)))
        assert _figures_ran(q.statements), url
    assert len(built) == len(urls)  # and not made again
    for url, html in zip(urls, after):
        assert html == _recounted(client, url)
    # a task moved from 待审核 to official: each page says so
    assert all(html != old for html, old in zip(after, before))


def test_an_approval_on_another_connection_is_on_the_next_page(client, admin_in, count_queries):
    """Another worker (another connection, another process) approves: this worker's
    next page recounts, however recently it cached the figures."""
    report_id = _submit_report(admin_in).id
    urls = _pages(admin_in)
    before = [_html(client.get(url)) for url in urls]
    db.session.rollback()  # this test's own session holds no lock the other one needs
    engine = create_engine(db.engine.url)
    try:
        with Session(engine) as other:
            other.get(TaskReport, report_id).status = ReportStatus.approved
            other.commit()
    finally:
        engine.dispose()
    for url, old in zip(urls, before):
        with count_queries() as q:
            html = _html(client.get(url))
        assert _figures_ran(q.statements), url
        assert html == _recounted(client, url)
        assert html != old, url


def test_a_transaction_that_has_written_is_never_served_from_the_cache(admin_in):
    """Its figures would include what it has not committed, under a stamp other
    requests share."""
    assert cache.data_stamp() is not None
    admin_in.past_task.place = "社区广场"
    assert cache.data_stamp() is None  # pending, not yet flushed
    db.session.flush()
    assert cache.data_stamp() is None  # written, not committed
    db.session.rollback()
    assert cache.data_stamp() is not None


def test_each_language_has_its_own_figures(client, admin_in):
    url = _pages(admin_in)[1]
    chinese = _html(client.get(url))
    english = _html(client.get(url + "&lang=en"))
    assert english != chinese
    assert english == _recounted(client, url + "&lang=en")


@pytest.mark.sqlite_file
def test_sqlite_data_version_holds_still_within_a_read_transaction(tmp_path):
    """What the SQLite stamp relies on: a connection's ``data_version`` changes after
    another connection commits, and not in the middle of a read transaction that
    began before that commit (which still sees the old rows)."""
    path = tmp_path / "stamp.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    reader = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t (n INTEGER)")
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    version = reader.execute("PRAGMA data_version").fetchone()
    writer.execute("INSERT INTO t VALUES (1)")
    assert reader.execute("PRAGMA data_version").fetchone() == version
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    reader.execute("COMMIT")
    reader.execute("BEGIN")
    assert reader.execute("PRAGMA data_version").fetchone() != version
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)
    reader.execute("COMMIT")
    writer.close()
    reader.close()


@pytest.mark.skipif(BACKENDS != ["postgresql"], reason="PostgreSQL's snapshot")
def test_one_snapshot_computes_the_figures_once(app, admin_in):
    """PostgreSQL: two requests for the same figures under one snapshot compute them
    once — shown inside one REPEATABLE READ transaction, whose statements all share
    its snapshot, whatever the cluster's other databases commit meanwhile; after a
    commit on another connection, the next transaction computes them again."""
    task_id = admin_in.past_task.id
    computed = []

    def figures():
        computed.append(1)
        return len(computed)

    def twice() -> list:
        db.session.rollback()
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        with app.test_request_context():
            got = [cache.cached("probe", ("key",), figures)[0] for _ in range(2)]
        db.session.rollback()
        return got

    assert twice() == [1, 1] and len(computed) == 1
    engine = create_engine(db.engine.url)
    try:
        with engine.begin() as other:
            other.execute(text("UPDATE task SET place = place || '' WHERE id = :id"),
                          {"id": task_id})
    finally:
        engine.dispose()
    assert twice() == [2, 2] and len(computed) == 2


def test_each_sort_order_of_the_double_view_is_its_own_page(client, admin_in):
    """The “双创” view's figures section is kept per query too: its sorting links and
    the order of its rows follow the sort asked for, reload after reload."""
    url = _pages(admin_in)[1]
    for direction in ("asc", "desc", "asc", "desc"):
        sorted_url = f"{url}&sort=name&dir={direction}"
        assert _html(client.get(sorted_url)) == _recounted(client, sorted_url)
    ascending = _html(client.get(f"{url}&sort=name&dir=asc"))
    descending = _html(client.get(f"{url}&sort=name&dir=desc"))
    assert ascending != descending
