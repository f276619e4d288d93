"""A form's version keys are marked for the device draft, each with its kind.

The rule: a hidden field that names the stored state a page was read under (posted
back so that a change another made since is refused) is a ``VersionField``, rendered
with ``data-draft-version``; static/js/drafts.js keeps those keys with a draft
(tests/browser/test_drafts_versions.py). A version key that was a plain hidden field
would let a draft put a page's old values back under the new keys. So every hidden
field of the app's forms is either a version key or named here as something else.

Two kinds (review "merged29" #1): a plain key (any change since refuses the post: the
roll's ``roll_shown`` and ``change``, 定稿's ``shown``, the 工作群机器人's ``shown``) is rendered
``data-draft-version`` and a draft typed under another is dropped; a three-way merge key
(``services/shown.py``: the ``shown`` of the task, 需求, 服务对象, 月报 notes and member
forms) is rendered ``data-draft-version="merge"`` and a draft typed under another comes
back under its own. A merge key the server refused and shows again unchanged (the
member form's refused page) is rendered plain; the merge's new key on a refused task
page is a merge key still."""
from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import select

from wtforms import HiddenField

from tests import factories as f
from tests.app_forms import declared_fields
from tests.web.roll_support import correction, page_of
from tests.web.stale_support import form_on
from tests.web.test_admin_roll_stale_page import form_on as member_form_on
from tracker.extensions import db
from tracker.fields import VersionField
from tracker.models import Member, Role
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


# The three-way merge keys (``services/shown.py``); every other version key is plain.
MERGE_KEYS = {
    "tracker.manage.forms.TaskEditForm.shown",
    "tracker.needs.forms.NeedEditForm.shown",
    "tracker.residents.forms.ResidentEditForm.shown",
    "tracker.reports.forms.NotesForm.shown",
    "tracker.reports.forms.AnnualNotesForm.shown",  # the 年度总结's words, as the 月报's
    "tracker.admin.forms.MemberForm.shown",
    # review "crudstale": the reference forms, 提交完成 and a visit's 服务对象 merge too
    "tracker.admin.forms.ReferenceForm.shown",
    "tracker.tasks.forms.ReportForm.shown",
    "tracker.residents.forms.TaskResidentsForm.shown",
}


def test_the_merge_keys_are_marked_as_such_and_only_they(app):
    versions = {path: field for path, field in declared_fields().items()
                if issubclass(field.field_class, VersionField)}
    assert MERGE_KEYS <= set(versions)
    merging = {path for path, field in versions.items() if field.kwargs.get("merge")}
    assert MERGE_KEYS <= merging
    # beyond these, only the forms that inherit ReferenceForm's ``shown``
    assert all(path.startswith("tracker.admin.forms.") and path.endswith(".shown")
               for path in merging - MERGE_KEYS), merging - MERGE_KEYS
    # refused on any change since: the choice of 组长, 退回, 改正服务时长, the import's
    # preview, a community's 工作群机器人 (review "robotstale": a robot is one thing)
    for plain in ("tracker.manage.forms.LeaderForm.shown", "tracker.manage.forms.ReturnForm.shown",
                  "tracker.manage.forms.CorrectHoursForm.shown",
                  "tracker.imports.forms.ConfirmMemberImportForm.shown",
                  "tracker.outbox.forms.WebhookForm.shown"):
        assert plain in versions and plain not in merging
    # 定稿 posts the notes form's merge key (walk10 D12); ``summary_notes.typed_key``
    # checks it as a plain one where nothing was typed, and refuses a merge that kept
    # another's words
    assert "tracker.admin.forms.MemberForm.roll_shown" not in merging
    assert "tracker.admin.forms.RollCorrectionForm.change" not in merging


def _kinds(html: str) -> dict[str, str]:
    """The page's version keys by name: "merge" or "plain"."""
    kinds = {}
    for tag in re.findall(r"<input[^>]*data-draft-version[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        kinds[name] = "merge" if 'data-draft-version="merge"' in tag else "plain"
    return kinds


def _marked(html: str) -> set[str]:
    return {re.search(r'name="([^"]+)"', tag).group(1)
            for tag in re.findall(r"<input[^>]*>", html) if "data-draft-version" in tag}


def test_the_member_page_marks_its_forms_keys(client, login, world):
    """张三 moved to another unit on 1 November 2022: the page has the member form and
    the 更正日期 form naming that move (and the signed months and years it named before
    a correction, none yet; the member form's likewise, before a save)."""
    zhang = db.session.get(Member, world.member.id)
    directory.update_member(zhang, world.admin, directory.MemberData(
        name=zhang.name, phone=zhang.phone, unit_id=f.unit("县财政局").id, role=zhang.role,
        roll_from=date(2022, 11, 1)))
    db.session.commit()
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{world.member.id}/edit"))
    # the member form's ``promised``: the signed months and years named before a save
    assert _marked(page[:page.find('id="roll-date"')]) == {"shown", "roll_shown", "promised"}
    assert _marked(correction(page)) == {"roll-change", "roll-promised"}
    assert _kinds(page[:page.find('id="roll-date"')]) == {"shown": "merge", "roll_shown": "plain",
                                                          "promised": "plain"}
    assert _kinds(correction(page)) == {"roll-change": "plain", "roll-promised": "plain"}
    for tag in re.findall(r"<input[^>]*data-draft-version[^>]*>", page):
        assert 'type="hidden"' in tag


def _shown(page: str) -> str:
    """The value of the page's (first) ``shown`` key."""
    tag = re.search(r'<input[^>]*name="shown"[^>]*>', page).group(0)
    return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))


def test_a_refused_member_forms_key_shown_again_is_plain(client, login, world):
    """The member form refused over another admin's 党支部: re-shown with the key it
    was posted with (posted again, it is refused again), that key is plain — a draft
    typed under it is not put back on the page read again; the page read again has a
    merge key."""
    other = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    login(world.admin)
    url = f"/admin/members/{world.member.id}/edit"
    page = page_of(client.get(url))
    typed = member_form_on(page, "phone", branch="第二党支部")
    zhang = db.session.get(Member, world.member.id)
    directory.update_member(zhang, other, directory.MemberData(
        name=zhang.name, phone=zhang.phone, unit_id=zhang.unit_id, role=zhang.role,
        branch="机关第一党支部", on_roll=zhang.on_roll))
    db.session.commit()

    refused = client.post(url, data=typed)
    assert refused.status_code == 200
    assert "该党员的信息已被他人修改，请刷新后重试。" in page_of(refused)
    assert _kinds(page_of(refused)[:page_of(refused).find('id="roll-date"')]) == {
        "shown": "plain", "roll_shown": "plain", "promised": "plain"}
    assert _shown(page_of(refused)) == typed["shown"]
    again = page_of(client.get(url))
    assert _kinds(again[:again.find('id="roll-date"')])["shown"] == "merge"


def test_a_refused_task_forms_new_key_is_a_merge_key(client, login, world):
    """A task edit refused over another's 任务说明: re-shown with the merge's new key
    (saved again, what was typed is written), a merge key still."""
    from tracker.models import Task

    task = db.session.scalar(select(Task).order_by(Task.id).limit(1))
    url = f"/manage/tasks/{task.id}/edit"
    login(world.admin)
    typed = form_on(page_of(client.get(url)), url, description="请带扳手。")
    task.description = "请自带扫帚。"
    db.session.commit()

    refused = page_of(client.post(url, data=typed))
    assert "该任务已被他人修改，请核对后重新保存。" in refused
    assert _kinds(refused)["shown"] == "merge"
    assert _shown(refused) != typed["shown"]
