"""The 结对党员 picker (the register form's, new and edit) names each member as the
task page does — two 陈艳 of one unit told apart by their 党支部, the unit written
beside — on her namesakes read with her row (``names.namesakes_of`` in
``services.residents.pairing_candidate_list``; ``names.choice_names``' ``read``), as
the 补录 form's list reads them (form52): the labels ask no statement of their own
(they asked ``names.names_told_apart`` in one, post53), and are the names that
statement gives."""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.page_statements import page_statements, signed_in_statements
from tests.residents.support import resident
from tracker.extensions import db
from tracker.names import choices_with_unit
from tracker.services.residents import pairing_candidate_list

FIRST, SECOND = "陈艳（机关第一党支部）", "陈艳（机关第二党支部）"

# the register form's pages, counted (tests/page_statements.py): the names of the
# picker were asked in a statement of their own (``names_told_apart``), now read with the
# candidates' rows — new 6 → 5, edit (which writes the view to the audit trail too) 12 → 11
NEW, EDIT = 5, 11


@pytest.fixture
def chens(world):
    first = f.member(world.unit, name="陈艳", phone="13800000061")
    second = f.member(world.unit, name="陈艳", phone="13800000062")
    first.branch, second.branch = "机关第一党支部", "机关第二党支部"
    db.session.commit()
    return first, second


def _labels(page: str) -> dict[str, str]:
    return {value: label.strip() for value, label in re.findall(
        r'<label class="option"><input[^>]*name="paired_ids"[^>]*value="(\d+)"[^>]*>'
        r'([^<]*)</label>', page)}


def test_the_new_forms_picker_tells_namesakes_apart_in_its_stated_statements(
        client, login, count_queries, world, chens):
    n, page = page_statements(client, login, count_queries, world.liaison,
                              f"/residents/new?community={world.community.id}")
    labels = _labels(page)
    assert labels[str(chens[0].id)] == FIRST + "（县商务局）"
    assert labels[str(chens[1].id)] == SECOND + "（县商务局）"
    assert labels[str(world.member.id)] == "张三（县商务局）"
    assert n == NEW


def test_a_paired_member_no_longer_a_candidate_stays_told_apart_on_the_edit_page(
        client, login, count_queries, world, chens):
    """One 陈艳 paired, then switched off: no longer a candidate, still listed on the
    edit page (after the candidates) and still told apart from the other 陈艳."""
    r = resident(world.community, world.liaison, paired=[chens[0]])
    chens[0].active = False
    db.session.commit()
    login(world.liaison)
    n, page = signed_in_statements(client, count_queries, f"/residents/{r.id}/edit")
    labels = _labels(page)
    assert labels[str(chens[0].id)] == FIRST + "（县商务局）"
    assert labels[str(chens[1].id)] == SECOND + "（县商务局）"
    assert list(labels)[-1] == str(chens[0].id)
    assert n == EDIT


def test_the_labels_read_with_the_list_are_the_names_asked_on_their_own(
        world, chens, count_queries):
    """Read with the rows, the labels ask nothing and equal the names
    ``names_told_apart`` gives in its own statement (``read=None``), a kept member of
    another unit's namesake included."""
    other = f.member(f.unit("县林业局"), name="陈艳", phone="13800000063")
    db.session.commit()
    members, namesakes = pairing_candidate_list(world.community.id, keep=[other.id])
    with count_queries() as q:
        read = choices_with_unit(members, read=namesakes)
    assert q.statements == []
    assert read == choices_with_unit(members)
    labels = dict(read)
    assert labels[chens[0].id] == FIRST + "（县商务局）"
    assert labels[other.id] == "陈艳（县林业局）"
