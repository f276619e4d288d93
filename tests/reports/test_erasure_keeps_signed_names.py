"""The retention job's erasure of a phone changes no name a signed 月报 printed (review39
#4). Namesakes are told apart by the phone (「邹晓敏（尾号0001）」, tracker/names.py);
``flask purge-members`` erases the phone of a member 停用 past the retention period — a
cron run nobody is told of, in months signed long before. The phone as lists mask it is
kept at the erasure (``Member.phone_mask``), so each namesake reads as signed, no serial
is numbered afresh, and the 月报 page does not say 「定稿后数据有变化」. The 月报's SQL
(``names.namesake_columns``) and a task page's Python (``names.namesake_counts``) name
them alike."""
from datetime import date

from tests.reports.test_namesakes import _as_a_task_page_names, _not_yet_names, _zou, _zous
from tracker.extensions import db
from tracker.models import SummaryScope
from tracker.reports import final
from tracker.reports.summary import build_summary
from tracker.services.member_retention import erase_contact
from tracker.services.summary_notes import final_unit_months


def _signed_october(october):
    """October 2022 of the unit signed (定稿) as it reads now; its 未参与名单's 邹晓敏."""
    names = sorted(_zous(_not_yet_names(build_summary(2022, 10, unit=october.unit))))
    final.finalize(october.admin, SummaryScope(unit_id=october.unit.id), 2022, 10)
    db.session.commit()
    return names, final_unit_months([october.unit.id], date(2022, 10, 1), date(2022, 10, 31))


def _erased(member):
    """``member`` 停用 long ago and erased by ``flask purge-members``."""
    member.active = False
    erase_contact(member)
    db.session.commit()


def test_erasing_a_namesakes_phone_leaves_the_signed_months_names_as_signed(october):
    first = _zou(october.unit, "13700000001")
    second = _zou(october.unit, "13700000002")
    db.session.commit()
    signed, months = _signed_october(october)
    assert signed == ["邹晓敏（尾号0001）", "邹晓敏（尾号0002）"]

    _erased(first)

    assert first.phone_erased  # the number is gone: no login, search or import finds it
    assert sorted(_zous(_not_yet_names(build_summary(2022, 10, unit=october.unit)))) == signed
    assert final.told_changed(months).changed == []  # no 「定稿后数据有变化」
    assert _as_a_task_page_names(october.unit, [first, second]) == {
        first.id: "邹晓敏（尾号0001）", second.id: "邹晓敏（尾号0002）"}


def test_erasing_an_older_accounts_phone_renumbers_no_serial(october):
    """The oldest 邹晓敏 is told apart by her last four digits; the two after her only by
    serials (their phones masked alike). Her erasure leaves 同名1 and 同名2 naming the
    same two people, and her label as it was."""
    oldest = _zou(october.unit, "13700001234")
    one, two = _zou(october.unit, "13711110008"), _zou(october.unit, "13722220008")
    db.session.commit()
    signed, months = _signed_october(october)
    labels = {oldest.id: "邹晓敏（尾号1234）", one.id: "邹晓敏（同名1）", two.id: "邹晓敏（同名2）"}
    assert signed == sorted(labels.values())

    _erased(oldest)

    assert sorted(_zous(_not_yet_names(build_summary(2022, 10, unit=october.unit)))) == signed
    assert _as_a_task_page_names(october.unit, [oldest, one, two]) == labels
    assert final.told_changed(months).changed == []


def test_a_masked_label_survives_the_erasure_too(october):
    """Two whose last four digits are alike read by the masked phone (first three, last
    four); erased, she keeps hers — never more digits than lists show."""
    first, second = _zou(october.unit, "13700000008"), _zou(october.unit, "13600000008")
    db.session.commit()
    signed, months = _signed_october(october)
    assert signed == ["邹晓敏（136****0008）", "邹晓敏（137****0008）"]

    _erased(first)

    assert first.phone_mask == "137****0008"
    assert sorted(_zous(_not_yet_names(build_summary(2022, 10, unit=october.unit)))) == signed
    assert _as_a_task_page_names(october.unit, [first, second]) == {
        first.id: "邹晓敏（137****0008）", second.id: "邹晓敏（136****0008）"}
    assert final.told_changed(months).changed == []
