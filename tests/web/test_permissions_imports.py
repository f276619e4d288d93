"""Permission matrix rows for member import (admins only)."""
import io

import pytest

from tests.imports.helpers import xlsx_bytes
from tests.web.matrix import ADMIN_ONLY, Route, cases_for, check

TOKEN = "A" * 32  # not this session's: even an admin gets 404


def _file(w):
    return {"file": (io.BytesIO(xlsx_bytes([("钱七", "13700000001", "县商务局", "", "", "")])), "a.xlsx")}


CASES = [
    Route("imports.members", "GET", lambda w: "/imports/members", ADMIN_ONLY),
    Route("imports.members", "POST", lambda w: "/imports/members", ADMIN_ONLY, data=_file),
    Route("imports.member_template", "GET", lambda w: "/imports/members/template.xlsx", ADMIN_ONLY),
    Route("imports.preview", "GET", lambda w: f"/imports/members/{TOKEN}", {}),
    Route("imports.confirm", "POST", lambda w: f"/imports/members/{TOKEN}", {}),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_imports_permissions(client, login, world, route, actor):
    check(client, login, world, route, actor)
