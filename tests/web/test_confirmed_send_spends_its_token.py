"""walk45 #2: a change confirmed on its naming page is the form's own send, confirmed —
the one-time token of the form it came from is spent with it, so that form sent again
(its old page, the back button, a draft restored) is a resend answered as the first,
「已提交，无需重复提交。」, never a second record (docs/design.md, "A form sent twice
changes things once"). Every naming page (``named_page.ask_first``) and 冲销's
confirmation page post the token of the send they ask about (confirm.html
``once(carry=True)``); its 「返回，不操作」 spends nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.web.test_named_first import _confirmation, _sign_october_only
from tests.web.test_named_first_since import CHANGES
from tracker.extensions import db
from tracker.models import AuditEvent

TOKEN = "walk45-the-forms-own-token"


def _audit() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_the_forms_token_is_spent_by_its_confirmed_change(client, login, october, change):
    login(october.admin)
    _sign_october_only(client, october)
    case = CHANGES[change]
    before = case.before(october)
    url, typed = case.post(client, october)
    sent = {**typed, "submission_token": TOKEN}

    page = client.post(url, data=sent).get_data(as_text=True)
    action, fields = _confirmation(page)
    assert "已定稿" in page and not case.done(october, before)
    # the naming page asks about the form's send: it posts that send's token
    assert fields["submission_token"] == TOKEN

    # 返回，不操作: the form back as typed, nothing done, the token still free
    back = client.post(action, data={**fields, **typed, "returning": "1"})
    assert back.status_code == 200 and not case.done(october, before)
    assert f'data-answered="{TOKEN}"' in back.get_data(as_text=True)

    confirmed = client.post(action, data={**fields, **typed})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert case.done(october, before)
    records = _audit()

    # the form it came from, sent again with its own token: answered as the first
    again = client.post(url, data=sent)
    assert again.status_code == 303 and again.location == confirmed.location
    db.session.expire_all()
    assert _audit() == records
    assert "已提交，无需重复提交。" in client.get(again.location).get_data(as_text=True)


def test_an_expense_confirmed_twice_from_one_form_is_one_entry(client, login, october):
    """walk45's steps: 登记支出 in a signed month, 确认登记; the same form (its token) sent
    again and confirmed again — one entry, not two."""
    from tests.web.test_named_first import _entries

    login(october.admin)
    _sign_october_only(client, october)
    url, typed = CHANGES["登记支出"].post(client, october)
    sent = {**typed, "submission_token": TOKEN}
    before = _entries()
    action, fields = _confirmation(client.post(url, data=sent).get_data(as_text=True))
    assert client.post(action, data=fields).status_code == 302
    assert _entries() == before + 1
    # sent again and, were a naming page shown, confirmed again: still one entry
    again = client.post(url, data=sent)
    if again.status_code == 200:
        action, fields = _confirmation(again.get_data(as_text=True))
        client.post(action, data=fields)
    assert _entries() == before + 1
