"""The ledger import's preview names only the members its reader may record (security
review, session 26, finding 2): a file of phone numbers must not come back as the names
of the county's accounts. Whom a liaison may record is whom the 补录 form offers them —
the active members of the units working in their communities; for any other number,
registered or not, a row says the same, without a name."""
from __future__ import annotations

import pytest

from tests import factories as f
from tests.imports.test_ledger_import_service import errors_by_line, preview, row, sheet
from tracker.extensions import db
from tracker.manage.queries import backfill_candidates
from tracker.models import Member, Role

TYPED_NAME = "某某"


@pytest.fixture
def jianshe_liaison(october):
    """A liaison of 建设路社区 only, where 县商务局 works and 县财政局 does not."""
    liaison = f.member(october.unit, Role.liaison, "建设路联络员", communities=[october.jianshe],
                       phone="13800000088")
    db.session.commit()
    return liaison


def _rows(october, phones: list[str]) -> bytes:
    painting = october.tasks["楼道粉刷"].category.name  # 县商务局's, in 建设路社区·一区
    return sheet([row(october, october.members["张伟"], title=f"活动{n}", community="建设路社区",
                      zone="一区", category=painting, leader="是",
                      **{"手机号": phone, "姓名": TYPED_NAME})
                  for n, phone in enumerate(phones)])


def test_a_liaisons_preview_names_no_one_they_may_not_record(october, jianshe_liaison):
    admin = f.member(october.other_unit, Role.admin, "财政局管理员", phone="13900000010")
    elsewhere = f.member(october.other_unit, Role.liaison, "解放路联络员",
                         communities=[october.jiefang], phone="13900000011")
    db.session.commit()
    stranger = db.session.scalar(db.select(Member).where(Member.name == "财政局党员"))
    left = db.session.scalar(db.select(Member).where(Member.name == "已调离"))
    assert not left.active and stranger.unit_id == october.other_unit.id
    outside = [admin, elsewhere, stranger, left]
    unregistered = "13712345678"

    result = preview(jianshe_liaison, _rows(october, [m.phone for m in outside] + [unregistered]))

    errors = errors_by_line(result)
    for line, phone in enumerate([m.phone for m in outside] + [unregistered], start=2):
        assert errors[line] == [f"手机号{phone}不是本社区可补录的党员。"]
    shown = "\n".join(e for row_errors in errors.values() for e in row_errors)
    for member in outside:
        assert member.name not in shown


def test_a_member_they_may_record_is_still_named_when_the_name_is_wrong(
        october, jianshe_liaison):
    zhang = october.members["张伟"]
    assert zhang in backfill_candidates(jianshe_liaison, zhang.phone, []).members  # listed
    errors = errors_by_line(preview(jianshe_liaison, _rows(october, [zhang.phone])))
    assert errors == {2: [f"手机号{zhang.phone}是张伟的，与姓名“{TYPED_NAME}”不符。"]}


def test_the_reach_is_the_backfill_forms(october, jianshe_liaison):
    """Whom the preview names and whom the 补录 form offers are one list."""
    everyone = list(db.session.scalars(db.select(Member).order_by(Member.id)))
    offered = set(backfill_candidates(jianshe_liaison, None, [], limit=len(everyone)).members)
    result = preview(jianshe_liaison, _rows(october, [m.phone for m in everyone]))
    refused = {m for m, r in zip(everyone, sorted(result.rows, key=lambda r: r.line))
               if f"手机号{m.phone}不是本社区可补录的党员。" in r.errors}
    assert refused == set(everyone) - offered
    assert offered and refused
