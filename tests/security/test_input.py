"""Input the app must not trust: ``next=`` (only plain local paths; CR/LF never turns
saved work into an error), ids past the database's INTEGER on every route (404), CSRF
on every POST, GET never on a POST-only URL, the password policy and hashing, and
uploaded member lists that try to exhaust memory or read files (zip bomb, XXE, rows).
"""
from __future__ import annotations

import functools
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests import factories as f
from tests.security.support import csrf_token, dummy_url, login_response, post_only_rules, writes
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, AuditEvent, Unit

OVER_INT = ("2147483648", "99999999999999999999")


# ---------------------------------------------------------------- next= (case 4)

@pytest.mark.parametrize("target", [
    "//evil.com", "//evil.com/tasks/", "http://evil.com", "https://evil.com/x", "/\\evil.com",
    "\\\\evil.com", "javascript:alert(1)", "JavaScript:alert(1)", "http:/evil.com",
    "/%5Cevil.com", " //evil.com", "evil.com", "https:evil.com", "https:/evil.com",
    "/\t/evil.com", "/\u3000/evil.com",
])
def test_next_never_leaves_the_app(client, world, target):
    response = login_response(client, world.member, next_url=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert parts.scheme in ("", "http"), location
    assert not location.startswith("//") and "evil" not in parts.netloc, location
    assert "\\" not in location and not location.lower().startswith("javascript"), location


def test_next_inside_the_app_is_followed(client, world):
    response = login_response(client, world.member, next_url="/tasks/mine")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/tasks/mine"


# As the server decodes them (the test client percent-encodes them on the way).
INJECTED = ["/tasks/\r\nSet-Cookie: injected=1", "/tasks/\nSet-Cookie: injected=1",
            "/tasks/\nLocation: //evil.com", "/tasks/\t/evil", "/tasks/ x", "/tasks/\x00"]


@pytest.mark.parametrize("target", INJECTED)
def test_next_with_control_characters_is_not_followed_at_login(client, world, target):
    response = client.post("/auth/login", query_string={"next": target},
                           data={"phone": world.member.phone, "password": f.PASSWORD})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    assert not any("injected" in header for header in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("target", INJECTED[:2])
def test_a_claim_with_a_bad_next_is_saved_and_says_so(client, world, login, target):
    login(world.member)
    response = client.post(f"/tasks/{world.task.id}/claim", query_string={"next": target})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/tasks/{world.task.id}"
    assert not any("injected" in header for header in response.headers.getlist("Set-Cookie"))
    row = db.session.scalar(select(Assignment).where(Assignment.task_id == world.task.id,
                                                     Assignment.member_id == world.member.id))
    assert row is not None and row.status == AssignmentStatus.claimed
    assert "认领成功" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("target", INJECTED[:2])
def test_a_withdrawal_with_a_bad_next_is_saved_and_says_so(client, world, login, target):
    login(world.member)
    client.post(f"/tasks/{world.task.id}/claim")
    response = client.post(f"/tasks/{world.task.id}/withdraw", query_string={"next": target},
                           data={"confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(Assignment).where(Assignment.task_id == world.task.id,
                                                     Assignment.member_id == world.member.id))
    assert row.status == AssignmentStatus.withdrawn
    assert "已取消认领" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_admin_toggle_with_a_bad_next_is_saved(client, world, login):
    login(world.admin)
    unit = f.unit("县粮食局")  # nobody belongs to it: 停用 is allowed
    db.session.commit()
    response = client.post(f"/admin/units/{unit.id}/active",
                           query_string={"next": INJECTED[0]}, data={"active": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).active is False


# ---------------------------------------------------------------- ids past the INTEGER (case 5)

def _int_rules(app):
    from werkzeug.routing import IntegerConverter

    rules = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if isinstance(conv, IntegerConverter)]
        for name in ints:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                rules.append((rule, name, method))
    return rules


def test_every_route_with_an_id_is_covered(app):
    """Derived from the URL map: a new route with an <int:…> joins automatically."""
    endpoints = {rule.endpoint for rule, _name, _method in _int_rules(app)}
    assert {"residents.detail", "manage.report", "funds.ledger", "onsite.qr",
            "progress.finding", "tasks.claim"} <= endpoints


@pytest.mark.parametrize("value", OVER_INT)
def test_an_id_past_the_database_integer_is_not_found_on_every_route(app, client, world, login,
                                                                      value):
    login(world.admin)
    wrong = []
    for rule, name, method in _int_rules(app):
        url = _url_with(app, rule, name, value)
        with writes() as written:
            response = client.open(url, method=method, data={})
        if response.status_code != 404 or written:
            wrong.append(f"{method} {url}: {response.status_code} {written}")
    assert not wrong, "\n".join(wrong)


def _url_with(app, rule, name: str, value: str) -> str:
    """The rule's URL with 1 for every int, "x" for other arguments, ``value`` for ``name``."""
    marker = 1234567
    url = dummy_url(app, rule, **{name: marker})
    return url.replace(str(marker), value, 1)


@pytest.mark.parametrize("value", OVER_INT)
def test_a_page_number_past_the_database_integer_is_no_error(app, client, world, login, value):
    """Every GET page without arguments, derived from the URL map, with ?page=huge."""
    login(world.admin)
    wrong = []
    for rule in app.url_map.iter_rules():
        if ("GET" in rule.methods and not rule.arguments
                    # /readyz is 503 by design here: the suite's schema is not stamped by
                    # `db upgrade` (tests/ops cover it); it takes no page argument anyway.
                    and rule.endpoint not in ("static", "main.readyz")):
            response = client.get(f"{rule.rule}?page={value}")
            if response.status_code >= 500:
                wrong.append(f"{rule.rule}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_a_query_argument_named_like_a_path_part_is_no_error(app, client, world, login):
    """Every GET page with arguments in its path, derived from the URL map, with the same
    names again in the query string (a mangled link): the footer's language links are
    built from both, and the path's values win."""
    login(world.admin)
    wrong = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.arguments and rule.endpoint != "static":
            url = f"{dummy_url(app, rule)}?{urlencode({name: '2' for name in rule.arguments})}"
            response = client.get(url)
            if response.status_code >= 500:
                wrong.append(f"{url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_language_link_keeps_the_path_when_the_query_repeats_it(client, world, login):
    login(world.admin)
    task, other = world.task, world.other_task
    for url, kept in [(f"/tasks/{task.id}?task_id={other.id}", f"/tasks/{task.id}?lang=en"),
                      (f"/reports/records/{world.member.id}?member_id={world.leader.id}&year=2025",
                       f"/reports/records/{world.member.id}?year=2025&amp;lang=en")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'href="{kept}"' in response.get_data(as_text=True), url


# Ids that come in a query string or a form rather than in the path: every name the
# app reads one under (request.args/.form with type=record_id; selects and checkbox
# lists with coerce=record_id).
QUERY_IDS = ("item", "need", "request", "community", "unit", "task")
FORM_IDS = ("participants", "resource_item", "leader", "community", "category", "zone",
            "from_request", "community_ids", "absent", "paired_ids", "residents", "members",
            "unit", "task")


# Digits to ``str.isdigit`` that ``int`` cannot read (superscript two, circled one): an id
# or a year checked with isdigit and then read with int was a ValueError, a 500.
NOT_DECIMAL = ("²", "①")


def _as_admin(client, login, admin, method: str, url: str, query: dict, form: dict):
    """The request, sent as the signed-in admin. The admin signs in once; a request
    sent after an earlier one ended the session (its answer the sign-in page's
    redirect) is sent again once the admin has signed in anew — what signing in before
    every request did, without two more requests for each of ~190 routes."""
    for attempt in range(2):
        if method == "GET":
            response = client.get(url, query_string=query)
        else:
            response = client.post(url, query_string=query, data=form)
        if attempt or not _to_sign_in(response):
            return response
        login(admin)
    raise AssertionError("unreachable")


def _to_sign_in(response) -> bool:
    return response.status_code in (301, 302, 303) \
        and urlsplit(response.headers["Location"]).path == "/auth/login"


@pytest.mark.parametrize("value", OVER_INT + NOT_DECIMAL)
def test_an_id_past_the_database_integer_in_a_query_or_a_form_is_no_error(
        app, client, world, login, value):
    """Every route of the URL map (its path ids 1), GET with every query id (and a
    year, for the pages that filter by one) and POST with every form id set past the
    INTEGER, or to a digit that is no number: an answer, never a 500 (an OverflowError
    when the id reached its first look-up, as ``/manage/backfill?request=…`` did; a
    ValueError for ``/progress/community?community=²``)."""
    wrong = []
    query = {name: value for name in QUERY_IDS + ("year",)}
    form = {name: value for name in FORM_IDS}
    login(world.admin)
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "main.readyz") or rule.endpoint.startswith("auth."):
            continue  # logging out would end the admin's session mid-loop; readyz: above
        url = dummy_url(app, rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = _as_admin(client, login, world.admin, method, url, query, form)
            if response.status_code >= 500:
                wrong.append(f"{method} {url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("value", NOT_DECIMAL)
@pytest.mark.parametrize("url", [
    "/progress/community?community={v}", "/progress/double?community={v}",
    "/progress/findings?community={v}", "/progress/coverage?unit={v}",
    "/admin/zones?community={v}", "/admin/items?year={v}", "/admin/items?community={v}"])
def test_a_digit_that_is_no_number_in_a_query_id_is_no_id(client, world, login, url, value):
    """``²`` is not an id: the page answers as for any other text there."""
    login(world.admin)
    assert client.get(url.format(v=value)).status_code == 200, url


@pytest.mark.parametrize("value", NOT_DECIMAL + ("２０２６０", "9" * 5000),
                         ids=["superscript", "circled", "full-width", "5000 digits"])
def test_a_year_that_is_no_number_is_refused_on_the_period_form(client, world, login, value):
    """The 年份 field of the progress pages' period form: a message, not a 500."""
    login(world.liaison)
    response = client.get("/progress/community", query_string={"period": "year", "year": value})
    assert response.status_code == 200
    assert "年份须为2000到2100之间的整数" in response.get_data(as_text=True)


def test_an_id_at_the_limit_is_still_an_id(client, world, login):
    login(world.admin)
    assert client.get("/residents/2147483647").status_code == 404  # looked up, not found


# ---------------------------------------------------------------- CSRF and methods

class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_login_without_token_is_refused_in_chinese(self, client, world):
        response = client.post("/auth/login",
                               data={"phone": world.member.phone, "password": f.PASSWORD})
        assert response.status_code == 400
        assert "页面已过期" in response.get_data(as_text=True)
        assert client.get("/tasks/mine").status_code == 302  # not logged in

    def test_login_with_token_works(self, client, world):
        token = csrf_token(client)
        response = client.post("/auth/login", data={"phone": world.member.phone,
                                                    "password": f.PASSWORD, "csrf_token": token})
        assert response.status_code == 302

    def test_every_post_route_needs_the_token(self, app, client, world):
        token = csrf_token(client)
        client.post("/auth/login", data={"phone": world.admin.phone, "password": f.PASSWORD,
                                         "csrf_token": token})
        assert client.get("/admin/").status_code == 200
        rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
        assert rules
        refused = []
        for rule in rules:
            url = dummy_url(app, rule)
            response = client.post(url, data={})
            if response.status_code != 400:
                refused.append(f"POST {url} ({rule.endpoint}) without token → {response.status_code}")
        assert not refused, "\n".join(refused)

    def test_claim_without_token_changes_nothing(self, client, world):
        token = csrf_token(client)
        client.post("/auth/login", data={"phone": world.member.phone, "password": f.PASSWORD,
                                         "csrf_token": token})
        response = client.post(f"/tasks/{world.task.id}/claim")
        assert response.status_code == 400
        assert db.session.scalar(select(Assignment).where(
            Assignment.task_id == world.task.id, Assignment.member_id == world.member.id)) is None


def test_get_on_post_only_urls_is_405(app, client, world, login):
    login(world.admin)
    adapter = app.url_map.bind("localhost")
    checked = []
    for rule in post_only_rules(app):
        url = dummy_url(app, rule)
        try:
            adapter.match(url, method="GET")
        except MethodNotAllowed:
            pass
        except NotFound:  # pragma: no cover — the dummy URL must route somewhere
            pytest.fail(f"{url} does not route")
        else:
            continue  # the same path also has a GET page (e.g. a landing page)
        with writes() as written:
            response = client.get(url)
        assert response.status_code == 405, f"GET {url}: {response.status_code}"
        assert "操作方式不正确" in response.get_data(as_text=True)
        assert not written, f"GET {url} wrote: {written}"
        checked.append(url)
    assert "/auth/logout" in checked
    assert any(url.endswith("/claim") for url in checked)


# ---------------------------------------------------------------- passwords

def test_passwords_are_hashed_with_scrypt(app, world, client, login):
    world.member.set_password("Ein-neues-Passwort-42")
    assert world.member.password_hash.startswith("scrypt:")
    db.session.commit()
    login(world.other_member)
    response = client.post("/auth/password", data={
        "current": f.PASSWORD, "new_password": "Gongjian-Neu-2027", "confirm": "Gongjian-Neu-2027"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.other_member.password_hash.startswith("scrypt:")
    assert "Gongjian-Neu-2027" not in world.other_member.password_hash


# ---------------------------------------------------------------- member lists that attack

def _xlsx_with(replace: dict[str, bytes], rows=()) -> bytes:
    """A real member-list workbook with some of its zip entries replaced."""
    import io
    import zipfile

    from tests.imports.helpers import xlsx_bytes

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows or [("张三", "13700000001", "县商务局")])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry)))
        for name, content in replace.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def _upload(client, data: bytes, name: str):
    import io

    return client.post("/imports/members", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _read_bounded(data: bytes, name: str):
    """read_table's refusal and the most memory it took."""
    import tracemalloc

    from tracker.services import ServiceError
    from tracker.services.member_import import read_table

    tracemalloc.start()
    try:
        read_table(name, data)
        refusal = None
    except ServiceError as error:
        refusal = str(error.message)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return refusal, peak


SHEET = "xl/worksheets/sheet1.xml"
XXE = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
       b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
       b'</sheetData></worksheet>')


def test_a_zip_bomb_is_refused_in_chinese_within_bounded_memory(client, world, login):
    # 200 MB of one byte, deflated to a few hundred KB: far past any member list.
    bomb = _xlsx_with({SHEET: b'<?xml version="1.0"?><worksheet>' + b" " * (200 * 1024 * 1024)
                       + b"</worksheet>"})
    assert len(bomb) < 1024 * 1024
    refusal, peak = _read_bounded(bomb, "名单.xlsx")
    assert refusal and "解压后超过" in refusal
    assert peak < 20 * 1024 * 1024, peak  # never unpacked
    login(world.admin)
    response = _upload(client, bomb, "名单.xlsx")
    assert response.status_code == 200 and "解压后超过" in response.get_data(as_text=True)


@pytest.mark.parametrize("entry", [SHEET, "xl/sharedStrings.xml"])
def test_an_xlsx_with_an_external_entity_is_refused(client, world, login, entry):
    evil = _xlsx_with({entry: XXE})
    refusal, _peak = _read_bounded(evil, "名单.xlsx")
    assert refusal and "实体声明" in refusal
    login(world.admin)
    page = _upload(client, evil, "名单.xlsx").get_data(as_text=True)
    assert "实体声明" in page and "root:" not in page


def test_entities_are_refused_by_the_parser_too():
    """Defence in depth: openpyxl parses with defusedxml."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def _sheet_xml(rows, dimension: bool) -> bytes:
    """A worksheet of inline strings, written directly (openpyxl takes a minute for this)."""
    rows = tuple(tuple(row) for row in rows)
    size = f'<dimension ref="A1:F{len(rows)}"/>' if dimension else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main">{size}<sheetData>').encode("utf-8") \
        + _rows_xml(rows) + b"</sheetData></worksheet>"


@functools.lru_cache(maxsize=2)
def _rows_xml(rows: tuple[tuple, ...]) -> bytes:
    """The <row> elements, kept: the sized and unsized sheets of a test share them."""
    from xml.sax.saxutils import escape

    lines = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                        for c, v in enumerate(row))
        lines.append(f'<row r="{r}">{cells}</row>')
    return "".join(lines).encode("utf-8")


@pytest.mark.parametrize("kind", ["xlsx-sized", "xlsx-unsized", "csv"])
def test_a_hundred_thousand_rows_are_refused_in_bounded_memory(client, world, login, kind):
    from tests.imports.helpers import HEADER, csv_bytes, many_rows

    rows = many_rows(100_000)
    if kind == "csv":
        data = csv_bytes(rows)
    else:
        data = _xlsx_with({SHEET: _sheet_xml([HEADER, *rows], kind == "xlsx-sized")})
    kind = kind.split("-")[0]
    refusal, peak = _read_bounded(data, f"名单.{kind}")
    assert refusal == "一次最多导入20000行，请分批导入。" or refusal is None
    assert peak < 120 * 1024 * 1024, peak
    login(world.admin)
    page = _upload(client, data, f"名单.{kind}").get_data(as_text=True)
    assert "一次最多导入20000行，请分批导入。" in page


def _phone_of_many_digits(member) -> str:
    """Her phone made one of nine different digits: a factory phone (166 and a sequence
    number, 16600000010) may hold only three, which the policy refuses as too simple
    before it looks for the phone — which of the two rules answers would then hang on
    the order the tests ran in (notice48)."""
    member.phone = "13912345678"
    db.session.commit()
    return member.phone


@pytest.mark.parametrize("password,message", [
    ("Ab3$x", "密码长度须为8到128个字符"),
    ("x" * 129, "密码长度须为8到128个字符"),
    ("{phone}", "密码不能包含手机号"),
    ("a{phone}", "密码不能包含手机号"),
    ("sunshine", "密码太常见或太简单"),      # from the shipped list
    ("Password1", "密码太常见或太简单"),     # compared case-insensitively
    ("woaini1314", "密码太常见或太简单"),
    ("aaaa1111", "密码太常见或太简单"),      # fewer than 4 different characters
])
def test_the_password_policy_when_changing(client, world, login, password, message):
    _phone_of_many_digits(world.member)
    login(world.member)
    password = password.format(phone=world.member.phone)
    response = client.post("/auth/password", data={"current": f.PASSWORD,
                                                   "new_password": password, "confirm": password})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.member.check_password(f.PASSWORD)


def test_the_password_policy_on_an_invitation_link(client, world):
    from tracker.services.invitations import issue_links

    link = issue_links(world.admin, [world.member])[0]
    db.session.commit()
    phone = _phone_of_many_digits(world.member)
    response = client.post(f"/invite/{link.token}", data={"new_password": phone, "confirm": phone})
    assert "密码不能包含手机号" in response.get_data(as_text=True)
    assert client.get(f"/invite/{link.token}").status_code == 200  # the link still works


def test_the_shipped_list_is_a_few_thousand_entries():
    from tracker.services.passwords import COMMON_FILE, common_passwords

    assert 2000 < len(common_passwords()) < 50000
    assert "common" in COMMON_FILE.read_text(encoding="utf-8")[:400].lower()  # says its source


class TestRehash:
    @pytest.fixture
    def app_config(self):
        return {"PASSWORD_HASH_METHOD": "scrypt:2048:8:1"}  # newer than the factories' hash

    def test_a_login_rehashes_with_the_current_parameters(self, client, world):
        old = world.member.password_hash
        assert old.startswith(f.PASSWORD_HASH_METHOD + "$")
        assert login_response(client, world.member).status_code == 302
        db.session.expire_all()
        assert world.member.password_hash.startswith("scrypt:2048:8:1$")
        assert world.member.check_password(f.PASSWORD)
        rehashed = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "rehash_password")).all()
        assert [e.entity_id for e in rehashed] == [world.member.id]

    def test_a_failed_login_changes_no_hash(self, client, world):
        old = world.member.password_hash
        client.post("/auth/login", data={"phone": world.member.phone, "password": "wrong-1234"})
        db.session.expire_all()
        assert world.member.password_hash == old


# ---------------------------------------------------------------- 台账 files (bulk 补录) that attack

def _ledger_upload(client, data: bytes, name: str):
    import io

    return client.post("/imports/ledger", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("kind", ["xlsx-sized", "xlsx-unsized", "csv"])
def test_a_ledger_of_a_hundred_thousand_rows_is_refused_in_bounded_memory(client, world, login,
                                                                        kind):
    import tracemalloc

    from tests.imports.helpers import csv_bytes
    from tracker.services import ServiceError
    from tracker.services.ledger_import import HEADERS, read_ledger

    rows = [("2026-10-08", "09:00", "11:00", "县商务局", "解放路社区", "", "环境整治", f"活动{i}",
             "党群服务中心", "", f"党员{i}", f"137{i:08d}", "2", "是", "1", "10", "清理。", "")
            for i in range(100_000)]
    data = csv_bytes(rows, header=HEADERS) if kind == "csv" else \
        _xlsx_with({SHEET: _sheet_xml([HEADERS, *rows], kind == "xlsx-sized")})
    kind = kind.split("-")[0]
    tracemalloc.start()
    try:
        read = read_ledger(f"台账.{kind}", data)
        refusal = read.file_errors[0] if read.file_errors else None
    except ServiceError as error:
        refusal = str(error.message)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    # Refused for its rows, or (a wide sheet) already for its unpacked size.
    assert refusal in ("一次最多导入5000行，请分批导入。", "文件解压后超过50MB，请检查文件或分批导入。")
    assert peak < 120 * 1024 * 1024, peak
    login(world.liaison)
    response = _ledger_upload(client, data, f"台账.{kind}")
    # (uncompressed, the CSV is past the upload limit before anything reads it)
    assert response.status_code == 413 or refusal in response.get_data(as_text=True)


def test_a_ledger_zip_bomb_is_refused_in_chinese(client, world, login):
    bomb = _xlsx_with({SHEET: b'<?xml version="1.0"?><worksheet>' + b" " * (200 * 1024 * 1024)
                       + b"</worksheet>"})
    login(world.liaison)
    page = _ledger_upload(client, bomb, "台账.xlsx").get_data(as_text=True)
    assert "解压后超过" in page
