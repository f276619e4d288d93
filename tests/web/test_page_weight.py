"""A member page's first load stays within the design's budget (docs/design.md,
"Budgets"): the HTML with every same-origin stylesheet and script it references,
≤ 30 KB uncompressed and ≤ 8 KB compressed as nginx serves it (deploy/nginx.conf's
gzip_comp_level; a file under its gzip_min_length is sent uncompressed), no web fonts, no outside host. Sizes in bytes, not times.

The pages are the permission matrix's (tests/web/test_permissions_*.py): every GET a
member is allowed (OK), which shows a page (HTML) rather than a download or redirect."""
from __future__ import annotations

import functools
import gzip
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import tests.web as web_tests
from tests.web.matrix import OK

RAW_BUDGET = 30 * 1024
GZIP_BUDGET = 8 * 1024
NGINX = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def _nginx_setting(name: str, default: int) -> int:
    found = re.search(rf"^\s*{name}\s+(\d+)\s*;", NGINX.read_text(), re.M)
    return int(found.group(1)) if found else default


def nginx_gzip_level() -> int:
    """The level nginx compresses with: its gzip_comp_level, 1 (nginx's default) if unset."""
    return _nginx_setting("gzip_comp_level", 1)


def served_size(body: bytes, level: int) -> int:
    """The bytes nginx sends for ``body``: gzipped, unless shorter than its
    gzip_min_length (nginx's default 20), which it sends as it is."""
    if len(body) < _nginx_setting("gzip_min_length", 20):
        return len(body)
    return len(gzip.compress(body, level))


def pages_of(actor: str):
    """The matrix's GET rows ``actor`` is allowed (OK)."""
    rows = []
    for info in sorted(pkgutil.iter_modules(web_tests.__path__), key=lambda i: i.name):
        if info.name.startswith("test_permissions_"):
            module = importlib.import_module(f"tests.web.{info.name}")
            rows += [r for r in module.CASES
                     if r.method == "GET" and r.expectation(actor) == OK]
    return rows


def member_pages():
    return pages_of("member")


ASSET = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="([^"]+)"')


def first_load(client, url: str, level: int) -> tuple[int, int, list[str]] | None:
    """(raw bytes, gzip bytes, assets) of the page and what it references; None if the
    answer is no HTML page (a download, a redirect, a JSON)."""
    page = client.get(url)
    if page.status_code != 200 or page.mimetype != "text/html":
        return None
    html = page.get_data()
    raw, packed = len(html), served_size(html, level)
    assets = [a for a in ASSET.findall(html.decode()) if re.search(r"\.(css|js)(\?|$)", a)]
    for href in assets:
        assert href.startswith("/"), f"{url} loads {href} from another host"
        body = client.get(href).get_data()
        raw += len(body)
        packed += served_size(body, level)
    return raw, packed, assets


def test_gzip_settings_read_from_nginx():
    assert nginx_gzip_level() == 5
    assert served_size(b"x" * 100, 5) == 100  # under gzip_min_length 512: sent as it is
    assert served_size(b"x" * 1000, 5) < 100


@pytest.mark.parametrize("route", member_pages(), ids=lambda r: r.id or r.endpoint)
@pytest.mark.usefixtures("route_world")
def test_member_first_load_within_budget(client, login, world, route):
    login(world.member)
    url = route.url(world)
    weight = first_load(client, url, nginx_gzip_level())
    if weight is None:
        # a download, a redirect or JSON: no first load to weigh, but still an answer the
        # member may have (not an error page, not a page of HTML that escaped the check)
        answer = client.get(url)
        assert (answer.status_code in (302, 303)
                or answer.status_code == 200 and answer.mimetype != "text/html"), url
        return
    raw, packed, assets = weight
    assert raw <= RAW_BUDGET and packed <= GZIP_BUDGET, (
        f"{url}: {raw} bytes raw (budget {RAW_BUDGET}), {packed} gzip (budget {GZIP_BUDGET}); "
        f"loads {assets}")
    assert not any(".woff" in a or ".ttf" in a for a in assets)


# The demo world (`flask seed-demo`, the house's usual scale for a look at the pages):
# its first member's pages, with the lists as full as the demo makes them.
DEMO_PAGES = ["/tasks/", "/tasks/todo", "/tasks/mine", "/tasks/mine?tab=done", "/me/",
              "/me/data", "/me/messages", "/me/settings", "/me/calendar", "/progress/mine",
              "/needs/", "/needs/mine", "/auth/sessions", "/auth/password",
              "/backfill-requests/new", "/reports/records"]


def test_demo_member_pages_within_budget(client, login, seeded_demo):
    from tracker.demo import DEMO_PASSWORD
    from tracker.timeutil import local_today

    demo = seeded_demo(local_today())
    login(demo.members[0], DEMO_PASSWORD)
    listed = client.get("/tasks/").get_data(as_text=True)
    task_pages = sorted(set(re.findall(r'href="(/tasks/\d+)"', listed)))[:3]
    assert task_pages, "the demo lists no open task"
    measured, over = 0, []
    for url in DEMO_PAGES + task_pages:
        weight = first_load(client, url, nginx_gzip_level())
        if weight is None:
            continue
        measured += 1
        raw, packed, assets = weight
        if raw > RAW_BUDGET or packed > GZIP_BUDGET:
            over.append(f"{url}: {raw} raw, {packed} gzip, loads {assets}")
    assert measured >= 15 and not over, "\n".join(over)



@functools.cache
def classes_by_sheet() -> dict[str, frozenset[str]]:
    """Each built stylesheet → the classes its selectors name."""
    sheets = {}
    for path in (Path(__file__).resolve().parents[2] / "static" / "css").glob("*.css"):
        names = set()
        for rule in path.read_text(encoding="utf-8").split("}"):
            if "{" in rule:
                selector = rule.rsplit("{", 1)[0].split("{")[-1]  # inside an @media too
                names |= set(re.findall(r"\.([A-Za-z_][\w-]*)", selector))
        sheets[path.name] = frozenset(names)
    return sheets


def test_classes_are_read_from_the_sheets():
    sheets = classes_by_sheet()
    assert {"app.css", "parts.css", "staff.css", "tables.css"} <= set(sheets)
    assert "qr-box" in sheets["parts.css"] and "bar" in sheets["staff.css"]


@pytest.mark.parametrize(("actor", "route"),
                         [(a, r) for a in ("member", "leader", "liaison", "admin")
                          for r in pages_of(a)],
                         ids=lambda v: v if isinstance(v, str) else (v.id or v.endpoint))
@pytest.mark.usefixtures("route_world")
def test_a_members_page_links_every_sheet_its_classes_need(client, login, world,
                                                          actor, route):
    """Review "merged29" #2: the 签到二维码 page a 组长 who is a member opens drew its QR
    856 px wide: `.qr-box` was only in staff.css, which members never get. Every class a
    member's (or a member 组长's) page uses that some stylesheet styles is styled by a
    sheet the page links — and a liaison's or an admin's, since parts.css is linked by
    the classes a page uses (session 46)."""
    login(getattr(world, actor))
    page = client.get(route.url(world))
    if page.status_code != 200 or page.mimetype != "text/html":
        assert page.status_code in (200, 302, 303)  # a download or a redirect: no page
        return
    html = page.get_data(as_text=True)
    sheets = classes_by_sheet()
    linked = {Path(href.split("?")[0]).name for href in ASSET.findall(html) if ".css" in href}
    styled_here = set().union(*(sheets[name] for name in linked if name in sheets))
    used = {name for attr in re.findall(r'class="([^"]*)"', html) for name in attr.split()}
    unstyled = {name: sorted(sheet for sheet, names in sheets.items() if name in names)
                for name in used - styled_here
                if any(name in names for names in sheets.values())}
    assert unstyled == {}, f"{route.url(world)} links only {sorted(linked)}"


# The open-task list at county scale: as many communities as bench/run.py's county
# ("full"), named the way `generate-data` names them, and a page of cards and more.
COUNTY = re.search(r'"full": Plan\([^)]*\bcommunities=(\d+)',
                   (NGINX.parents[1] / "bench" / "run.py").read_text())


def _county_list(world, app) -> list:
    """The world grown to a county's communities (the member's unit working in two of
    them, the world's), with a page and a half of open tasks over them, some full, as
    the generated county's cards read: returns the communities' ids."""
    from datetime import timedelta

    from sqlalchemy import insert, select

    from tests import factories as f
    from tracker.datagen import PLACES, ROADS
    from tracker.extensions import db
    from tracker.models import Community, Unit, Zone
    from tracker.natural import sort_key

    wanted = int(COUNTY.group(1))
    taken = set(db.session.scalars(select(Community.name)))
    names = []
    for i in range(len(ROADS) * 20):
        name = f"{ROADS[i % len(ROADS)]}第{i // len(ROADS) + 2}社区"
        if name not in taken and len(names) < wanted - len(taken):
            names.append(name)
    db.session.execute(insert(Community), [{"name": n, "sort_key": sort_key(n)} for n in names])
    others = db.session.scalars(select(Community).where(Community.name.in_(names))
                                .order_by(Community.id)).all()
    other_unit = f.unit("县住建局")
    longest = "下水道、人行道及破损道路摸排活动"
    for n in range(app.config["PAGE_SIZE"] + 10):
        community = others[n % len(others)]
        zone = Zone(community_id=community.id, name=f"第{n % 5 + 1}责任区", unit_id=other_unit.id)
        db.session.add(zone)
        db.session.flush()
        item = f.item(db.session.get(Unit, other_unit.id), community, "facility_survey", zone=zone)
        task = f.task(item, world.liaison, starts_in=timedelta(hours=3, minutes=n), slots=12,
                      title=longest if n % 2 else "慰问“空巢”老人活动")
        task.place = PLACES[n % len(PLACES)]
        task.taken = 12 if n % 4 == 0 else 11  # full (候补) or the last slot (is-few)
    db.session.commit()
    return [world.community.id, world.other_community.id] + [c.id for c in others]


def test_county_open_list_within_budget(client, login, world, app):
    """The open list and its community chooser with a county's communities: within the
    budget (the list once offered all of them in its filter, 12 KB of a 42 KB page)."""
    from tracker.models import Community
    from tracker.extensions import db

    ids = _county_list(world, app)
    assert len(ids) == db.session.query(Community).count() == int(COUNTY.group(1)) == 200
    login(world.member)
    level = nginx_gzip_level()
    listed = client.get("/tasks/").get_data(as_text=True)
    assert len(re.findall(r'<article class="card task-card">', listed)) == app.config["PAGE_SIZE"]
    assert "候补</button>" in listed and "认领</button>" in listed
    for url in ("/tasks/", "/tasks/communities"):
        weight = first_load(client, url, level)
        assert weight is not None, f"{url}: no page"
        raw, packed, assets = weight
        assert raw <= RAW_BUDGET and packed <= GZIP_BUDGET, (
            f"{url}: {raw} bytes raw (budget {RAW_BUDGET}), {packed} gzip "
            f"(budget {GZIP_BUDGET}); loads {assets}")
    # every community is still one tap from the list: the chooser links each of them
    chooser = client.get("/tasks/communities").get_data(as_text=True)
    assert {int(i) for i in re.findall(r'href="/tasks/\?community=(\d+)"', chooser)} == set(ids)


def _county_backfill_tasks(world) -> list:
    """Three months of ended tasks in the member's unit's two communities, as dense as
    the generated county's (about one a day between them) and titled as its are: what
    the 补录申请 form could offer. Returns them, the latest first."""
    from datetime import timedelta

    from tests import factories as f
    from tracker.extensions import db
    from tracker.services.backfill_requests import REQUEST_DAYS_BACK

    titles = ["下水道、人行道及破损道路摸排活动", "慰问“空巢”老人活动", "牛皮癣清除活动",
              "楼道粉刷活动", "电子商务培训活动", "困难群众结对帮扶活动"]
    tasks = []
    for n in range(REQUEST_DAYS_BACK - 4):
        item = world.item if n % 2 else world.other_item
        tasks.append(f.task(item, world.liaison, starts_in=-timedelta(days=n + 2, hours=n % 5),
                            title=titles[n % len(titles)]))
    db.session.commit()
    return tasks


def test_county_backfill_form_within_budget(client, login, world):
    """补录申请 at county scale: within the budget. Its task select once listed the 60
    most recent tasks of three months (9.5 KB of HTML, the page 28.5 KB / 8.3 KB sent);
    it lists the recent ones, and an earlier task is still one GET away: by its day, or
    by ?task= from its page."""
    tasks = _county_backfill_tasks(world)
    login(world.other_member)
    weight = first_load(client, "/backfill-requests/new", nginx_gzip_level())
    assert weight is not None
    raw, packed, assets = weight
    assert raw <= RAW_BUDGET and packed <= GZIP_BUDGET, (
        f"/backfill-requests/new: {raw} bytes raw (budget {RAW_BUDGET}), {packed} gzip "
        f"(budget {GZIP_BUDGET}); loads {assets}")
    page = client.get("/backfill-requests/new").get_data(as_text=True)
    assert f'<option value="{tasks[0].id}">' in page  # the latest is offered as it was
    oldest = tasks[-1]
    by_day = client.get(f"/backfill-requests/new?day={oldest.service_date.isoformat()}")
    assert f'<option value="{oldest.id}">' in by_day.get_data(as_text=True)
    by_link = client.get(f"/backfill-requests/new?task={oldest.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{oldest.id}"', by_link)


def test_county_backfill_form_refusing_a_day_within_budget(client, login, world):
    """补录申请 at county scale with a ?day= outside the 90 days refused: the page has the
    error summary, the refusal under the field, errors.js on top of drafts.js, and the
    recent tasks listed as on a first load. Review "askweight": 8,624 bytes sent, over;
    within the budget since the scripts' local names are shortened and the table-only
    rules and the stale-draft words left the pages that do not use them."""
    from datetime import timedelta

    from tracker.services.backfill_requests import REQUEST_DAYS_BACK
    from tracker.timeutil import local_today

    tasks = _county_backfill_tasks(world)
    login(world.other_member)
    for day in (local_today() - timedelta(days=REQUEST_DAYS_BACK + 30), local_today() + timedelta(days=1)):
        url = f"/backfill-requests/new?day={day.isoformat()}"
        page = client.get(url).get_data(as_text=True)
        assert 'id="form-errors"' in page and "js/errors.js" in page and "js/drafts.js" in page
        assert f'<option value="{tasks[0].id}">' in page  # the recent list, kept
        raw, packed, assets = first_load(client, url, nginx_gzip_level())
        assert raw <= RAW_BUDGET and packed <= GZIP_BUDGET, (
            f"{url}: {raw} bytes raw (budget {RAW_BUDGET}), {packed} gzip "
            f"(budget {GZIP_BUDGET}); loads {assets}")
