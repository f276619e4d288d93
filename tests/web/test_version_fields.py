"""A form's version keys are marked for the device draft.

The rule: a hidden field that names the stored state a page was read under (posted
back so that a change another made since is refused) is a ``VersionField``, rendered
with ``data-draft-version``; static/js/drafts.js keeps those keys with a draft and does
not restore a draft typed under other keys (tests/browser/test_drafts_versions.py). A
version key that was a plain hidden field would let a draft put a page's old values
back under the new keys. So every hidden field of the app's forms is either a version
key or named here as something else."""
from __future__ import annotations

import re
from datetime import date

from wtforms import HiddenField

from tests import factories as f
from tests.app_forms import declared_fields
from tests.web.roll_support import correction, page_of
from tracker.extensions import db
from tracker.fields import VersionField
from tracker.models import Member
from tracker.services import directory

# Hidden fields that are no version of anything stored.
NOT_VERSIONS = {
    "tracker.admin.forms.ActiveForm.active": "the state 停用 / 重新启用 asks for",
}


def test_every_hidden_field_is_a_version_key_or_named_as_none(app):
    hidden = {path: field.field_class for path, field in declared_fields().items()
              if issubclass(field.field_class, HiddenField)}
    versions = {path for path, cls in hidden.items() if issubclass(cls, VersionField)}
    assert {"tracker.admin.forms.MemberForm.shown", "tracker.admin.forms.MemberForm.roll_shown",
            "tracker.admin.forms.RollCorrectionForm.change"} <= versions
    assert set(hidden) - versions == set(NOT_VERSIONS)


def _marked(html: str) -> set[str]:
    return {re.search(r'name="([^"]+)"', tag).group(1)
            for tag in re.findall(r"<input[^>]*>", html) if "data-draft-version" in tag}


def test_the_member_page_marks_its_forms_keys(client, login, world):
    """张三 moved to another unit on 1 November 2022: the page has the member form and
    the 更正日期 form naming that move."""
    zhang = db.session.get(Member, world.member.id)
    directory.update_member(zhang, world.admin, directory.MemberData(
        name=zhang.name, phone=zhang.phone, unit_id=f.unit("县财政局").id, role=zhang.role,
        roll_from=date(2022, 11, 1)))
    db.session.commit()
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{world.member.id}/edit"))
    assert _marked(page[:page.find('id="roll-date"')]) == {"shown", "roll_shown"}
    assert _marked(correction(page)) == {"roll-change"}
    for tag in re.findall(r"<input[^>]*data-draft-version[^>]*>", page):
        assert 'type="hidden"' in tag
