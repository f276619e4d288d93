"""Permission matrix rows for member import (admins only) and bulk 补录 (liaisons and
admins)."""
import io

import pytest

from tests.imports.helpers import xlsx_bytes
from tests.web.matrix import ADMIN_ONLY, HIDDEN, STAFF_ANY, STAFF_NOT_FOUND, Route, cases_for, check
from tracker.services.ledger_import import template_xlsx

TOKEN = "A" * 32  # not this session's: even an admin gets 404


def _file(w):
    return {"file": (io.BytesIO(xlsx_bytes([("钱七", "13700000001", "县商务局", "", "", "")])), "a.xlsx")}


def _ledger(w):
    return {"file": (io.BytesIO(template_xlsx()), "台账.xlsx")}


CASES = [
    Route("imports.members", "GET", lambda w: "/imports/members", ADMIN_ONLY),
    Route("imports.members", "POST", lambda w: "/imports/members", ADMIN_ONLY, data=_file),
    Route("imports.member_template", "GET", lambda w: "/imports/members/template.xlsx", ADMIN_ONLY),
    Route("imports.preview", "GET", lambda w: f"/imports/members/{TOKEN}", {"admin": HIDDEN}),
    Route("imports.confirm", "POST", lambda w: f"/imports/members/{TOKEN}", {"admin": HIDDEN}),
    Route("imports.ledger", "GET", lambda w: "/imports/ledger", STAFF_ANY),
    Route("imports.ledger", "POST", lambda w: "/imports/ledger", STAFF_ANY, data=_ledger),
    Route("imports.ledger_template", "GET", lambda w: "/imports/ledger/template.xlsx", STAFF_ANY),
    Route("imports.ledger_preview", "GET", lambda w: f"/imports/ledger/{TOKEN}", STAFF_NOT_FOUND),
    Route("imports.ledger_confirm", "POST", lambda w: f"/imports/ledger/{TOKEN}",
          STAFF_NOT_FOUND),

]


@pytest.mark.parametrize(**cases_for(CASES))
def test_imports_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
