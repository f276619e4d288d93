"""An admin's 登记支出 posted straight from the ledger's form while its month was not
signed — no naming page shown —, the month signed between the view's read and the
service's share locks (docs/design.md, "Refused in a 已定稿 month", refusalgone46).

Nothing is written, and the post is answered by the naming page as if asked the first
time: the plain question naming the month, every typed field carried — not
「打开页面之后，…有了变化…」, which tells of a page that named something else; the admin
was shown none. The 定稿 is written in the change's own unit of work just before the
months' share locks are asked (what they read when another admin's 定稿 commits in
between, as ``tests/web/test_leader_approved_since.py`` does for 通过), and committed there:
it outlives the refusal, as another admin's would."""
from __future__ import annotations

from tests.reports.test_signed_named import named
from tests.web.test_named_first import MONTH, _confirmation, _entries
from tracker.extensions import db
from tracker.models import SummaryNote
from tracker.services import funds
from tracker.timeutil import utcnow


def _signed_just_before_the_lock(monkeypatch, o) -> None:
    """The next ``entry_signed(lock=True)`` finds October's unit 月报 signed."""
    real = funds.entry_signed

    def signed_meanwhile(*args, lock=False, **kwargs):
        if lock:
            monkeypatch.setattr(funds, "entry_signed", real)
            db.session.add(SummaryNote(scope_key=f"unit:{o.unit.id}", unit_id=o.unit.id,
                                       year=2022, month=10, finalized_at=utcnow(),
                                       finalized_by_id=o.admin.id))
            # committed, as another admin's 定稿 is: it outlives the entry's refusal,
            # which the page then names afresh (``NamedFirst.since`` reads it again)
            db.session.commit()
        return real(*args, lock=lock, **kwargs)

    monkeypatch.setattr(funds, "entry_signed", signed_meanwhile)


def test_a_month_signed_before_the_lock_asks_a_form_post_plainly(
        client, login, october, monkeypatch):
    login(october.admin)
    before = _entries()
    typed = {"entry_date": "2022-10-25", "amount": "300", "purpose": "补登购买垃圾桶",
             "task_id": ""}
    _signed_just_before_the_lock(monkeypatch, october)
    response = client.post(f"/funds/{october.unit.id}/{october.jiefang.id}/2022/entries",
                           data=typed)
    assert response.status_code == 200
    db.session.expire_all()
    assert _entries() == before  # nothing written
    page = response.get_data(as_text=True)
    assert "有了变化" not in page and 'id="form-errors"' not in page  # nothing said first
    (words,) = named(page)
    assert f"登记支出会改变以下已定稿月报的当前数据：{MONTH}。" in words
    _action, fields = _confirmation(page)
    assert {k: fields.get(k) for k in typed} == typed  # every typed field carried
