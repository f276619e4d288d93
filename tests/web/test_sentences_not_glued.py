"""UI sentences are whole msgids, joined as their language joins them — never an English
msgstr that starts with a space to be glued onto the text before it (words53's Open,
then54): the sentence joiner (``%(sentence)s%(next)s``: nothing in Chinese, a space in
English) or a placeholder inside one phrase (「%(link)s，与定稿的月报核对…」, 「%(names)s等
%(n)s人」) puts the space. The Chinese reads byte for byte as it did: each changed place is
rendered here in zh_CN beside its old template text and compared. then55 joined the last
four that carried the next sentence's space at their end (「存在问题。」 "Problems. " …):
every msgstr is held to the rule now."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tracker" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# English writes a Chinese bracket 「（」 as " (": the space before it is the bracket's own
# (``narrative.bracketed``), and after 「，」「；」「：」「、」 English puts its space — the
# mark's own, not a sentence's glue
OPENS_WITH_ITS_SPACE = ("（",)
ENDS_WITH_ITS_SPACE = ("，", "；", "：", "、")


def _pairs():
    with CATALOG.open("rb") as po:
        for message in read_po(po):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strs = message.string if isinstance(message.string, tuple) else (message.string,)
            yield from ((i, s) for i, s in zip(ids, strs) if s)


def test_no_english_msgstr_is_glued_on_by_a_space_of_its_own():
    starts = [(i, s) for i, s in _pairs() if s.startswith(" ") and not i.startswith(" ")
              and not i.startswith(OPENS_WITH_ITS_SPACE)]
    assert not starts, starts
    ends = [(i, s) for i, s in _pairs() if s.endswith(" ") and not i.endswith(" ")
            and not i.endswith(ENDS_WITH_ITS_SPACE)]
    assert not ends, ends


def _render(app, source: str, lang: str, **context) -> str:
    with app.test_request_context("/"), force_locale(lang):
        return app.jinja_env.from_string(source).render(**context)


def _in_template(name: str, text: str) -> str:
    """``text`` as it stands in the template ``name`` (so this test follows the page)."""
    assert text in (ROOT / "templates" / name).read_text(encoding="utf-8"), name
    return text


COVERAGE_OLD = ("""{{ ngettext('统计范围：%(places)s。在册党员是全单位的；参与党员、人次和服务时长只计在该社区的已审核活动（含其他单位组织的），未参与名单是在该社区没有参加过活动的在册党员。', '统计范围：%(places)s。在册党员是全单位的；参与党员、人次和服务时长只计在这些社区的已审核活动（含其他单位组织的），未参与名单是在这些社区没有参加过活动的在册党员。', places|length, places=places|join(_('、'))) }}{% if document == 'month' %}{{ _('与该范围月报的“%(part)s”一致。', part=printed('coverage')) }}{% elif document == 'year' %}{{ _('与该范围年度总结的“%(part)s”一致。', part=printed('coverage')) }}{% else %}{{ _('季度和自定义时间段没有对应的月报或年度总结，这里的数字不与某一份文件对照。') }}{% endif %}""")
COVERAGE_NEW = ("""{% if document == 'month' %}{% set against = _('与该范围月报的“%(part)s”一致。', part=printed('coverage')) %}{% elif document == 'year' %}{% set against = _('与该范围年度总结的“%(part)s”一致。', part=printed('coverage')) %}{% else %}{% set against = _('季度和自定义时间段没有对应的月报或年度总结，这里的数字不与某一份文件对照。') %}{% endif %}
<p class="notice" data-figure="scope">{{ _('%(sentence)s%(next)s', sentence=ngettext('统计范围：%(places)s。在册党员是全单位的；参与党员、人次和服务时长只计在该社区的已审核活动（含其他单位组织的），未参与名单是在该社区没有参加过活动的在册党员。', '统计范围：%(places)s。在册党员是全单位的；参与党员、人次和服务时长只计在这些社区的已审核活动（含其他单位组织的），未参与名单是在这些社区没有参加过活动的在册党员。', places|length, places=places|join(_('、'))), next=against) }}</p>""")


@pytest.mark.parametrize("document", ["month", "year", None])
def test_the_coverage_scope_reads_as_before_in_chinese(app, document):
    context = {"places": ["解放路社区", "建设路社区"], "document": document,
               "printed": lambda part: "参与情况"}
    new = _render(app, _in_template("progress/coverage.html", COVERAGE_NEW), "zh_CN", **context)
    old = _render(app, COVERAGE_OLD, "zh_CN", **context)
    assert new == f'<p class="notice" data-figure="scope">{old}</p>'
    english = _render(app, COVERAGE_NEW, "en", **context)
    assert "  " not in english and ".This" not in english and ".A quarter" not in english
    assert re.search(r"[a-z]\. (This is what the section|A quarter or a range)", english), english


ANNUAL_OLD = ("""{{ _('本年度总结已定稿（%(who)s，%(when)s），存在问题和下步打算不能再修改。', who=summary.note.finalized_by.name if summary.note.finalized_by else '', when=summary.note.finalized_at|local_dt) }}{% if signed %}{{ _('以下是定稿时的年度总结，下载的文件也是定稿时的。') }}{% endif %}""")
ANNUAL_NEW = ("""  {% set final_words = _('本年度总结已定稿（%(who)s，%(when)s），存在问题和下步打算不能再修改。', who=summary.note.finalized_by.name if summary.note.finalized_by else '', when=summary.note.finalized_at|local_dt) %}
  {# the second sentence joined as the language joins sentences, never by a space of its own #}
  <p class="notice" data-figure="final">{{ _('%(sentence)s%(next)s', sentence=final_words, next=_('以下是定稿时的年度总结，下载的文件也是定稿时的。')) if signed else final_words }}</p>""")


@pytest.mark.parametrize("signed", [True, False])
def test_the_signed_annual_notice_reads_as_before_in_chinese(app, signed):
    note = SimpleNamespace(finalized_by=SimpleNamespace(name="管理员"),
                           finalized_at=datetime(2023, 1, 3, 2, 0, tzinfo=timezone.utc))
    context = {"summary": SimpleNamespace(note=note), "signed": signed}
    new = _render(app, _in_template("reports/annual.html", ANNUAL_NEW), "zh_CN", **context)
    old = _render(app, ANNUAL_OLD, "zh_CN", **context)
    assert new == f'  <p class="notice" data-figure="final">{old}</p>'
    english = _render(app, ANNUAL_NEW, "en", **context)
    assert "  " not in english.strip() and ".Below" not in english
    assert ("can no longer change. Below is the annual summary" in english) is signed


MONTHLY_OLD = ("""    <a href="{{ url_for('reports.monthly', current=1, **query) }}">{{ _('查看当前数据') }}</a>{% if current_user.is_admin %}{{ _('，与定稿的月报核对；如数据确有变化，需按当前数据定稿，请先重新打开本月月报，再次定稿。') }}{% else %}{{ _('，与定稿的月报核对；如数据确有变化，需按当前数据定稿，请管理员重新打开本月月报后再次定稿。') }}{% endif %}""")
MONTHLY_NEW = ("""    {# the link inside its sentence (「查看当前数据，与定稿的月报核对…」), a whole msgid #}
    {% set link %}<a href="{{ url_for('reports.monthly', current=1, **query) }}">{{ _('查看当前数据') }}</a>{% endset %}
    {{ _('%(link)s，与定稿的月报核对；如数据确有变化，需按当前数据定稿，请先重新打开本月月报，再次定稿。', link=link) if current_user.is_admin else _('%(link)s，与定稿的月报核对；如数据确有变化，需按当前数据定稿，请管理员重新打开本月月报后再次定稿。', link=link) }}""")


@pytest.mark.parametrize("admin", [True, False])
def test_the_reworded_monthly_notice_reads_as_before_in_chinese(app, admin):
    context = {"query": {"unit": 1, "month": "2022-10"},
               "current_user": SimpleNamespace(is_admin=admin)}
    new = _render(app, _in_template("reports/monthly.html", MONTHLY_NEW), "zh_CN", **context)
    assert new == _render(app, MONTHLY_OLD, "zh_CN", **context)
    english = _render(app, MONTHLY_NEW, "en", **context)
    assert "</a> to compare with the finalised" in english and "  " not in english.strip()


SETUP_OLD = ("""{% macro names(all, people=False) %}{{ _('、').join(all[:progress.names_shown]) }}{% if all|length > progress.names_shown %}{{ _('等%(n)s人', n=all|length) if people else _('等%(n)s个社区', n=all|length) }}{% endif %}{% endmacro %}{{ names(all, people) }}""")
SETUP_NEW = ("""{% macro names(all, people=False) %}{% set shown = _('、').join(all[:progress.names_shown]) %}{% if all|length <= progress.names_shown %}{{ shown }}{% elif people %}{{ _('%(names)s等%(n)s人', names=shown, n=all|length) }}{% else %}{{ _('%(names)s等%(n)s个社区', names=shown, n=all|length) }}{% endif %}{% endmacro %}""")


@pytest.mark.parametrize("count", [2, 3, 5])
@pytest.mark.parametrize("people", [True, False])
def test_the_setup_names_read_as_before_in_chinese(app, count, people):
    context = {"all": ["甲", "乙", "丙", "丁", "戊"][:count], "people": people,
               "progress": SimpleNamespace(names_shown=3)}
    new = _in_template("admin/setup.html", SETUP_NEW) + "{{ names(all, people) }}"
    assert _render(app, new, "zh_CN", **context) == _render(app, SETUP_OLD, "zh_CN", **context)
    english = _render(app, new, "en", **context)
    assert not english.startswith(" ") and "  " not in english and " ," not in english
    if count > 3:
        assert english.startswith("甲, 乙, 丙 and others"), english


def test_the_funds_year_reads_as_before_in_chinese(app):
    assert "{{ _('%(y)s年', y=year) }}" in (ROOT / "templates/funds/index.html").read_text(
        encoding="utf-8")
    source = "{{ _('%(y)s年', y=year) }}"
    assert _render(app, source, "zh_CN", year=2026) == "2026年"
    assert _render(app, source, "en", year=2026) == "2026"


# then55: the 社区联络员 step's two sentences, 「还没有联络员的社区：…。」 and 「…尚未激活…」
# (its link after it), joined by the joiner — "…: 建设路社区. " carried the space before
SETUP_LIAISONS_OLD = ("""    {# each its own sentence: run together, the last community read as the first name (browse48 #1) #}
    {% if step.missing %}{{ _('还没有联络员的社区：%(names)s。', names=names(step.missing)) }}{% endif %}
    {% if step.not_activated %}{{ ngettext('%(names)s尚未激活，不能登录发布任务。', '%(names)s尚未激活，不能登录发布任务。', step.not_activated|length, names=names(step.not_activated, people=True)) }}
      <a href="{{ url_for('invites.manage', role='liaison', status='pending') }}">{{ ngettext('为其生成激活链接', '为其生成激活链接', step.not_activated|length, n=step.not_activated|length) }}</a>{% endif %}
""")
SETUP_LIAISONS_NEW = ("""    {% set missing = _('还没有联络员的社区：%(names)s。', names=names(step.missing)) if step.missing else '' %}
    {% set inactive %}{% if step.not_activated %}{{ ngettext('%(names)s尚未激活，不能登录发布任务。', '%(names)s尚未激活，不能登录发布任务。', step.not_activated|length, names=names(step.not_activated, people=True)) }}
      <a href="{{ url_for('invites.manage', role='liaison', status='pending') }}">{{ ngettext('为其生成激活链接', '为其生成激活链接', step.not_activated|length, n=step.not_activated|length) }}</a>{% endif %}{% endset %}
    {{- _('%(sentence)s%(next)s', sentence=missing, next=inactive) if missing and inactive else missing ~ inactive }}
""")


def _liaisons_step(old: bool) -> str:
    """The step's note as the template has it (between its first sentence and its
    ``{%- else %}``), the ``names`` macro before it."""
    macro = _in_template("admin/setup.html", SETUP_NEW)
    body = SETUP_LIAISONS_OLD if old else _in_template("admin/setup.html", SETUP_LIAISONS_NEW)
    return macro + "{% if true %}\n" + body + "    {%- else %}{% endif %}"


@pytest.mark.parametrize("missing", [[], ["建设路社区"], ["甲", "乙", "丙", "丁"]])
@pytest.mark.parametrize("inactive", [[], ["林芳"], ["林芳", "王强"]])
def test_the_liaison_step_reads_as_before_in_chinese(app, missing, inactive):
    context = {"step": SimpleNamespace(missing=missing, not_activated=inactive),
               "progress": SimpleNamespace(names_shown=3)}
    new = _render(app, _liaisons_step(old=False), "zh_CN", **context)
    assert new == _render(app, _liaisons_step(old=True), "zh_CN", **context)
    english = _render(app, _liaisons_step(old=False), "en", **context)
    assert english == english.rstrip() and "  " not in english.replace("\n      <a", ""), english
    if missing and inactive:
        assert re.search(r"Communities without a liaison: [^.]+\. 林芳", english), english
    elif missing:
        assert english.endswith("."), english


def test_the_switch_off_question_reads_as_before(app, world):
    """停用's effects, then 「重新启用不会恢复以上任何一项。」 — a sentence of its own, joined
    by the joiner, not by the space the effects' last msgstr carried (then55)."""
    from tracker.admin.crud import deactivate_effects
    from tracker.extensions import db
    from tracker.models import WaitlistEntry

    db.session.add(WaitlistEntry(task_id=world.task.id, member_id=world.member.id))
    db.session.flush()
    title = world.task.title
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            assert deactivate_effects(world.member) == (
                f"停用后：其退出“{title}”的候补名单；其在所有设备上的登录退出，日历订阅地址失效。"
                "重新启用不会恢复以上任何一项。")
        with force_locale("en"):
            assert deactivate_effects(world.member) == (
                f"Once deactivated: they leave the waitlist of “{title}”; they are signed out "
                "on every device and their calendar feed address stops working. Reactivating "
                "brings back none of this.")
