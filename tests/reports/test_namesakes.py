"""Namesakes in the 月报: a bureau of 2,000 has several 陈芳, and 「未参与：陈芳、陈芳」
tells no reader which. Where a name occurs more than once among the people the 月报
can name — the unit's roll of the month's last day (its 未参与名单) and everyone on its
activities (its ledger's 参与人员) — the 未参与名单, the text and the ledger give each
with their 党支部, or — the 党支部 shared or unknown — the last four digits of the
phone; a name nobody else there has stays as it is."""
import re

from tests import factories as f
from tests.reports.test_participation_story import approved_activity, coverage_sentence
from tracker.extensions import db
from tracker.models import Role
from tracker.reports.summary import build_summary


def _chen(unit, branch, phone):
    member = f.member(unit, name="陈芳", phone=phone)
    member.branch = branch
    return member


def test_namesakes_on_the_roll_are_told_apart_in_the_list_of_those_not_taking_part(october):
    took_part = _chen(october.unit, "第1党支部", "13900000051")
    _chen(october.unit, "第2党支部", "13900000052")
    _chen(october.unit, "第3党支部", "13900000063")
    _chen(october.unit, "第3党支部", "13900000071")
    _chen(october.other_unit, "第2党支部", "13900000099")  # another unit's roll
    db.session.commit()
    approved_activity(october.unit, october.jiefang, october.liaison, 13, [took_part])
    db.session.commit()

    summary = build_summary(2022, 10, unit=october.unit)
    [table] = [t for t in summary.tables() if t.key == "not_yet"]
    listed = [row[1] for row in table.rows]
    assert [n for n in listed if n.startswith("陈芳")] == [
        "陈芳（第2党支部）", "陈芳（尾号0063）", "陈芳（尾号0071）"]
    # a name nobody else on the roll has is given as it is
    assert all("（" not in n for n in listed if not n.startswith("陈芳"))
    # the text names them the same way: never a bare 陈芳
    sentence = coverage_sentence(summary)
    assert "陈芳（第2党支部）" in sentence and not re.search(r"陈芳(?!（)", sentence)


def test_a_name_shared_only_with_another_unit_is_given_as_it_is(october):
    _chen(october.unit, "第1党支部", "13900000051")
    _chen(october.other_unit, "第2党支部", "13900000052")
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    [table] = [t for t in summary.tables() if t.key == "not_yet"]
    assert "陈芳" in [row[1] for row in table.rows]


def test_namesakes_in_the_ledgers_participants_are_told_apart(october):
    """The ledger's 参与人员 names a member as the 未参与名单 does: two 陈芳 of the unit
    who both worked read 「陈芳（第1党支部）、陈芳（第2党支部）」, never 「陈芳、陈芳」; a name
    shared only with another unit's member is given as it is."""
    first = _chen(october.unit, "第1党支部", "13900000051")
    second = _chen(october.unit, "第2党支部", "13900000052")
    wang = f.member(october.unit, name="王立新", phone="13900000053")
    f.member(october.other_unit, name="王立新", phone="13900000054")
    db.session.commit()
    approved_activity(october.unit, october.jiefang, october.liaison, 13, [first, second, wang])
    db.session.commit()

    summary = build_summary(2022, 10, unit=october.unit)
    [ledger] = [t for t in summary.tables() if t.key == "ledger"]
    column = ledger.headers.index("参与人员")
    [cell] = [row[column] for row in ledger.rows if "陈芳" in row[column]]
    assert cell.split("、") == ["陈芳（第1党支部）", "陈芳（第2党支部）", "王立新"]


def _ledger_names(summary) -> list[str]:
    [ledger] = [t for t in summary.tables() if t.key == "ledger"]
    column = ledger.headers.index("参与人员")
    return [name for row in ledger.rows for name in row[column].split("、")]


def _not_yet_names(summary) -> list[str]:
    [table] = [t for t in summary.tables() if t.key == "not_yet"]
    return [row[1] for row in table.rows]


def test_a_liaison_in_the_ledger_and_a_member_in_the_list_are_told_apart(october):
    """The liaison 陈芳 (off the roll) worked; the member 陈芳 (on it) did not: one is
    named in the ledger, the other in the 未参与名单, and a reader of the one document
    must tell them apart in both."""
    liaison = f.member(october.unit, Role.liaison, "陈芳", communities=[october.jiefang],
                       phone="13900000051")
    liaison.branch = "机关党支部"
    _chen(october.unit, "第2党支部", "13900000052")
    approved_activity(october.unit, october.jiefang, october.liaison, 13, [liaison])
    db.session.commit()

    summary = build_summary(2022, 10, unit=october.unit)
    assert "陈芳（机关党支部）" in _ledger_names(summary)
    assert "陈芳（第2党支部）" in _not_yet_names(summary)
    assert "陈芳（第2党支部）" in coverage_sentence(summary)


def test_another_units_member_in_the_ledger_is_told_apart_from_the_units_own(october):
    """补录 puts 县财政局's 陈芳 on 县商务局's activity: the 月报 names her in the ledger
    and 县商务局's own 陈芳 in the 未参与名单."""
    guest = _chen(october.other_unit, "第1党支部", "13900000051")
    _chen(october.unit, "第2党支部", "13900000052")
    approved_activity(october.unit, october.jiefang, october.liaison, 13, [guest])
    db.session.commit()

    summary = build_summary(2022, 10, unit=october.unit)
    assert "陈芳（第1党支部）" in _ledger_names(summary)
    assert "陈芳（第2党支部）" in _not_yet_names(summary)


def test_a_namesake_the_document_cannot_name_changes_no_name(october):
    """A liaison 陈芳 who did nothing this month is in neither list: the member 陈芳 in
    the ledger is written as she is, as she would be in the 未参与名单."""
    worked = _chen(october.unit, "第1党支部", "13900000051")
    f.member(october.unit, Role.liaison, "陈芳", communities=[october.jiefang],
             phone="13900000052")
    approved_activity(october.unit, october.jiefang, october.liaison, 13, [worked])
    db.session.commit()

    summary = build_summary(2022, 10, unit=october.unit)
    assert "陈芳" in _ledger_names(summary)
    assert not any(n.startswith("陈芳（") for n in _ledger_names(summary))


def test_the_ledgers_leader_and_reviewer_are_told_apart_as_the_participants_are(october):
    """The 组长 and 审核人 of a ledger row read by the rule of the 参与人员 beside
    them: with two 程芳 of one 党支部 on the unit's roll and a third of another unit
    working with them — three people of one name the document names — each reads with
    the end of their phone number, the leader 「程芳（尾号0011）」 in both columns,
    never a bare 「程芳」."""
    leader = f.member(october.unit, name="程芳", phone="13900000011")
    second = f.member(october.unit, name="程芳", phone="13900000012")
    leader.branch = second.branch = "第1党支部"
    guest = f.member(october.other_unit, name="程芳", phone="13900000013")
    reviewer = f.member(october.unit, name="李审核", phone="13900000021")
    other_reviewer = f.member(october.unit, name="李审核", phone="13900000022")
    other_reviewer.branch, reviewer.branch = "第1党支部", "第2党支部"
    db.session.commit()
    task = approved_activity(october.unit, october.jiefang, october.liaison, 27,
                             [leader, guest, second])
    task.leader_id = leader.id
    task.report.reviewed_by_id = reviewer.id
    db.session.commit()

    summary = build_summary(2022, 10, unit=october.unit)
    [ledger] = [t for t in summary.tables() if t.key == "ledger"]
    [row] = [row for row in ledger.rows if "程芳" in row[ledger.headers.index("参与人员")]]
    assert row[ledger.headers.index("参与人员")] == "程芳（尾号0011）、程芳（尾号0013）、程芳（尾号0012）"
    assert row[ledger.headers.index("组长")] == "程芳（尾号0011）"
    assert row[ledger.headers.index("审核人")] == "李审核（第2党支部）"


def _ledger_row_with(summary, name):
    [ledger] = [t for t in summary.tables() if t.key == "ledger"]
    [row] = [r for r in ledger.rows if name in r[ledger.headers.index("参与人员")]]
    return {header: row[i] for i, header in enumerate(ledger.headers)}


def test_a_reviewer_named_only_as_such_is_told_apart_from_a_participant(october):
    """The liaison 陈芳 (on no roll, no work) approved the activity the member 陈芳
    worked: the document names both, in one row, so both read with their phone's end."""
    worker = f.member(october.unit, name="陈芳", phone="13900000051")
    reviewer = f.member(october.unit, Role.liaison, "陈芳", communities=[october.jiefang],
                        phone="13900000052")
    db.session.commit()
    task = approved_activity(october.unit, october.jiefang, october.liaison, 13, [worker])
    task.report.reviewed_by_id = reviewer.id
    db.session.commit()

    row = _ledger_row_with(build_summary(2022, 10, unit=october.unit), "陈芳")
    assert (row["参与人员"], row["审核人"]) == ("陈芳（尾号0051）", "陈芳（尾号0052）")


def test_a_leader_who_did_not_work_is_told_apart_from_a_participant(october):
    """The 组长 陈芳 (off the roll, not among the activity's participants) and the member
    陈芳 who worked: two people the row names, told apart."""
    worker = f.member(october.unit, name="陈芳", phone="13900000051")
    leader = f.member(october.unit, name="陈芳", phone="13900000052", on_roll=False)
    db.session.commit()
    task = approved_activity(october.unit, october.jiefang, october.liaison, 13, [worker])
    task.leader_id = leader.id
    db.session.commit()

    row = _ledger_row_with(build_summary(2022, 10, unit=october.unit), "陈芳")
    assert (row["参与人员"], row["组长"]) == ("陈芳（尾号0051）", "陈芳（尾号0052）")
