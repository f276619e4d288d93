"""Bulk 补录 from Excel: the 台账's 「参与明细」 sheet read back, all or nothing.

The sheet has one row per participation (``COLUMNS``; the .xlsx 月报 writes it, and
``template_xlsx`` is the same sheet empty). Rows sharing a date, start, end, unit,
community, zone, category and title are one activity — the date and times as read
(「2026-10-05」, 「2026.10.5」 and a date cell are one date; so are 「9:00」, 「09:00」 and a
time cell), not as written. An end at or before the start is on the next day (an
overnight duty: the sheet has no end date). Each activity is recorded
through ``backfill.record_past_activity`` — the one-form 补录 — so it is checked by
the same rules (future, 已定稿, unit not working there, overlaps, surveys …),
approved, audited and counted exactly as a 补录 typed in by hand.

Checking without writing: the preview runs the very same recording inside a
savepoint and rolls it back, so an activity that overlaps another row of the same
file is refused in the preview too, and no rule is written twice.

Importing the same file twice changes nothing: an activity already in the database
(same checklist line — any year's item of it, so an activity recorded on last year's
item before this year's was added is still found —, start, end and title, not
cancelled: ``backfill.same_activity``) is recognised, and its
rows are skipped when every member on them took part in it — whether it was
recorded by 补录, 现场签到 or 组长提交. An activity found only 作废'd (the same four,
cancelled by a ``void``) is not recorded again either: a kept export brought back after the 作废
would undo it without a word. Its rows are skipped, each saying when it was voided and
why (``voided``), and counted apart in the preview and the result; an activity voided
by mistake is recorded again deliberately, on the one form.
"""
from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..i18n import lazy_gettext as _l
from ..i18n import lazy, lazy_ngettext
from sqlalchemy import and_, not_, select

from ..extensions import db
from ..fields import MAX_COUNT, clean_text, one_line
from ..models import (
    Assignment,
    AssignmentStatus,
    Category,
    Community,
    Member,
    ResourceItem,
    Task,
    Unit,
    Zone,
)
from ..permissions import manages_community
from ..phones import normalise_phone
from ..timeutil import local_date, local_to_utc, utcnow
from . import ServiceError
from .audit import Target, record
from .backfill import (
    BackfillData,
    Participant,
    already_recorded,
    backfill_event,
    nameable,
    nameable_ids,
    record_past_activity,
    recordable,
    same_activity,
    units_working_in,
    why_not_nameable,
)
from .cell_dates import NotADay, day_or_none, early_cell, on_cell, read_day, too_early
from .claims import held_active
from .member_import import (
    PHONE_CHUNK,
    ImportPreview,
    ReadRow,
    SignedChangedSincePreview,
    header_text,
    read_table,
    rows_under_header,
    signed_promise,
)
from .named_first import counted_places, import_places_signed
from .reviews import uncounted_figures
from .summary_notes import may_change_final
from .tasks import off_checklist_note
from .voiding import void_event, voided

SHEET = "参与明细"
# (key, header): the export writes these headers, the import finds its columns by them.
COLUMNS = [
    ("day", "日期"), ("starts", "开始"), ("ends", "结束"), ("unit", "单位"),
    ("community", "社区"), ("zone", "责任区"), ("category", "类别"), ("title", "活动"),
    ("place", "地点"), ("beneficiary", "服务对象"), ("name", "姓名"), ("phone", "手机号"),
    ("hours", "服务时长（小时）"), ("leader", "组长"), ("quantity", "完成数量"),
    ("people_served", "受益"), ("note", "情况说明"), ("source", "来源"),
]
HEADERS = [header for _key, header in COLUMNS]
# The template's 填写说明 sheet (and the WeChat download page, which shows it).
TEMPLATE_NOTES = [
    "1. 每行是一名党员参加一次活动；日期、开始、结束、单位、社区、责任区、类别、活动相同的行是同一次活动。",
    "2. 日期如2026-10-08，开始、结束如09:00；结束不晚于开始时为次日结束（如22:00至02:00的夜间值守，最长12小时）。"
    "单位、社区、责任区、类别须与系统中的名称一致，责任区可不填。",
    "3. 手机号识别党员；服务时长（小时）不填为活动时长；每次活动须有一行组长填“是”。",
    "4. 完成数量、受益、地点、服务对象、情况说明每次活动填一样的内容；类别不统计完成数量或受益的（如环境整治），"
    "该列留空或填0。",
    "5. 月报页面“导出参与明细（可再导入）”下载的文件可直接导入；系统中已有的活动会跳过，不会重复。",
    "6. 打印或从其他系统导出的台账也可导入：每页重复的标题行和表头，以及页脚（页码如“第1页 共5页”“第一页”"
    "“- 3 -”“1/5”，制表人、审核人、制表时间，合计行）会自动跳过，预览中列出跳过的行号；"
    "有手机号或日期的行不会当作页脚跳过。",
]
REQUIRED = ("day", "starts", "ends", "unit", "community", "category", "title", "place",
            "phone", "note")
# Fields of the activity (not of one participation): every row of it must agree.
MULTI_LINE = ("note",)  # the columns that keep their line breaks
ACTIVITY_FIELDS = ("place", "beneficiary", "quantity", "people_served", "note")
MAX_ROWS = 5_000  # each activity is recorded with the one-form checks: a month, not a decade
HEADER_SEARCH = 5  # the export puts a title and a unit/period row above the header
LEADER_MARK = "是"  # what the export writes in 组长
LEADER_WORDS = {LEADER_MARK, "组长", "y", "yes", "1", "√", "✓"}
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?::\d{2})?$")
# A time cell formatted as 常规 shows the fraction of a day (a date cell, Excel's
# serial number: ``cell_dates`` reads the dates).
_FRACTION = re.compile(r"^0?\.\d+$|^0$")
# Cells holding dates, times, phones, hours and marks: full-width digits, colons and
# letters as a Chinese input method types them are read as ASCII (NFKC). Names are left
# as typed (a title's or a unit's full-width brackets must still match the records), and
# so are the counts, where NFKC would read ① or ² as a number.
NORMALISED = ("day", "starts", "ends", "phone", "hours", "leader")


@dataclass
class LedgerRow(ReadRow):
    line: int  # the row number in the sheet
    day: str = ""
    starts: str = ""
    ends: str = ""
    unit: str = ""
    community: str = ""
    zone: str = ""
    category: str = ""
    title: str = ""
    place: str = ""
    beneficiary: str = ""
    name: str = ""
    phone: str = ""
    hours: str = ""
    leader: str = ""
    quantity: str = ""
    people_served: str = ""
    note: str = ""
    source: str = ""
    errors: list[str] = field(default_factory=list)
    action: str = ""  # record | skip | voided (set by the check)
    voided: str = ""  # action voided: when the activity was voided and why
    # action record on another year's checklist item: the task page's warning
    off_checklist: str = ""

    def raw(self) -> dict:
        values = super().raw()
        del values["voided"], values["off_checklist"]  # what the check found, not the file
        return values

    @property
    def shown_day(self) -> str:
        """The date as read (a serial number or 「2026.10.5」 shown as 2026-10-05)."""
        day = day_or_none(self.day)
        return day.isoformat() if day else self.day

    @property
    def shown_times(self) -> str:
        """The times as read; an end on the next day says so (22:00–次日02:00), so a
        start and end typed the wrong way round shows as the long activity it would be."""
        starts, ends = _time(self.starts), _time(self.ends)
        if starts is None or ends is None:
            return f"{self.starts}–{self.ends}"
        end = ends.strftime("%H:%M")
        if ends <= starts:
            end = str(_l("次日%(time)s", time=end))
        return f"{starts.strftime('%H:%M')}–{end}"


@dataclass
class LedgerPreview(ImportPreview):
    task_ids: list[int] = field(default_factory=list)  # the activities recorded
    # for an admin, the months the activities recorded count in
    # (``named_first.counted_places``): kept with the rows, the preview names the
    # 已定稿 月报 and 年度总结 among them (``named_first.import_places_signed``)
    # before 确认导入
    places: list = field(default_factory=list)

    @property
    def activities(self) -> int:
        """Activities the import records (not those already there)."""
        return len({_key(row) for row in self.rows if row.action == "record" and not row.errors})

    @property
    def off_checklist_rows(self) -> list[LedgerRow]:
        """Rows recorded on another year's checklist item, each with the warning."""
        return [row for row in self.rows if row.off_checklist and not row.errors]

    @property
    def voided_rows(self) -> list[LedgerRow]:
        """Rows of an activity 作废'd in the system: skipped, each saying so."""
        return [row for row in self.rows if row.action == "voided" and not row.errors]


def rows_from_raw(raw_rows: list[dict]) -> list[LedgerRow]:
    return [LedgerRow(**raw) for raw in raw_rows]


# --- reading ---------------------------------------------------------------------------

def _text(value) -> str:
    """A cell as text that survives the JSON kept between preview and import."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%H:%M") if value.date() == date(1899, 12, 30) else \
            value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip()  # no control characters: they break exports


def read_ledger(filename: str, data: bytes) -> LedgerPreview:
    """The rows of the 「参与明细」 sheet (or of the first sheet, or of a .csv), under
    the first of its top rows that holds the headers; nothing is checked yet."""
    table = read_table(filename, data, sheet=SHEET, limit=MAX_ROWS)
    lines = [(n, [_text(v) for v in values]) for n, values in enumerate(table, start=1)]
    lines = [(n, cells) for n, cells in lines if any(cells)]
    if not lines:
        return LedgerPreview([], [str(_l("文件中没有数据。"))])
    positions = None
    headers = [(key, header_text(header)) for key, header in COLUMNS]
    for at, (_n, cells) in enumerate(lines[:HEADER_SEARCH]):
        found = {}
        for index, text in enumerate(cells):
            text = header_text(text)  # 「日　期」, 「服务时长(小时)」, 「手机号*」
            for key, header in headers:
                if text == header and key not in found:
                    found[key] = index
        if all(key in found for key in REQUIRED):
            positions, start = found, at
            break
    if positions is None:
        missing = "”“".join(h for k, h in COLUMNS if k in REQUIRED)
        return LedgerPreview([], [str(_l("没有找到表头：“参与明细”表应有“%(columns)s”列。"
                                         "请使用导出的台账或补录模板。", columns=missing))])
    # the member list's sorting of the rows under the header: the header repeated on a
    # printed sheet's every page, 合计 rows, page footers, rows with something only in
    # columns not read (a 序号 numbered down an empty sheet) are left out and named
    under = rows_under_header(lines, start, False, positions.values())
    body = under.body
    if not body:
        return LedgerPreview([], [str(_l("文件中只有表头，没有参与记录。"))])
    if len(body) > MAX_ROWS:
        return LedgerPreview([], [str(_l("一次最多导入%(n)d行，请分批导入。", n=MAX_ROWS))])
    rows = []
    for number, cells in body:
        values = {key: cells[i] if i < len(cells) else "" for key, i in positions.items()}
        # every column but 情况说明 is one line: an Alt+Enter in a cell of 活动 (the
        # task's title, in its reminders' Subject) or 地点 is a space (review37 F1)
        values = {key: text if key in MULTI_LINE else one_line(text).strip()
                  for key, text in values.items()}
        for key in NORMALISED:
            if key in values:
                values[key] = unicodedata.normalize("NFKC", values[key]).strip()
        values["phone"] = normalise_phone(values.get("phone", ""))
        rows.append(LedgerRow(line=number, **values))
    return LedgerPreview(rows, header_line=lines[start][0], **under.left_out())


# --- checking and recording -----------------------------------------------------------------

def _key(row: LedgerRow) -> tuple:
    """The activity a row belongs to: its date and times as read (a cell that does not
    read keeps its text, and gets its own row error), and its names."""
    day, starts, ends = day_or_none(row.day), _time(row.starts), _time(row.ends)
    return (day or ("?", row.day), starts or ("?", row.starts), ends or ("?", row.ends),
            row.unit.strip(), row.community.strip(), row.zone.strip(), row.category.strip(),
            row.title.strip())


def _time(text: str) -> time | None:
    if _FRACTION.match(text):
        minutes = round(float(text) * 24 * 60)
        return time(minutes // 60, minutes % 60) if minutes < 24 * 60 else None
    match = _TIME.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


# An end before the start is read as the next day only for a night's duty: 11:00 / 09:00
# is far likelier the two times swapped than a 22-hour activity, which would give every
# participant 22 hours.
OVERNIGHT_MAX_HOURS = 12


def _overnight_too_long(starts: time, ends: time) -> bool:
    if ends > starts:
        return False
    start, end = _span(date(2000, 1, 1), starts, ends)
    return end - start > timedelta(hours=OVERNIGHT_MAX_HOURS)


def _span(day: date, starts: time, ends: time) -> tuple[datetime, datetime]:
    """The activity's start and end; an end at or before the start is on the next day
    (the 24-hour cap of every activity still bounds it)."""
    start, end = datetime.combine(day, starts), datetime.combine(day, ends)
    return start, end + timedelta(days=1) if end <= start else end


def _count(text: str) -> int | None:
    """A whole number in [0, MAX_COUNT]; -1 for anything else. ``isdecimal``, not
    ``isdigit``: full-width digits are numbers ``int`` reads, but ① and ² are
    "digits" ``int`` refuses."""
    if not text:
        return None
    if not text.isdecimal():
        return -1
    value = int(text)
    return value if value <= MAX_COUNT else -1


def _minutes(text: str) -> int | None:
    if not text:
        return None
    try:
        hours = float(text)
    except ValueError:
        return -1
    if not math.isfinite(hours) or hours < 0:  # "inf", "nan", "1e400"
        return -1
    return round(hours * 60)


@dataclass
class _Lookups:
    units: dict[str, Unit]
    communities: dict[str, Community]
    zones: dict[tuple[int, str], Zone]
    categories: dict[str, Category]
    shared_names: set[str]  # 类别 names more than one active category has
    items: dict[tuple, list[ResourceItem]]  # a checklist line's items, every year's
    members: dict[str, Member]  # by phone: only those the actor may record


def _lookups(actor: Member, rows: list[LedgerRow]) -> _Lookups:
    """Everything the rows name, a handful of statements for a file of thousands.

    The members are only those the actor may name in a 补录 on some day
    (``backfill.recordable``; each activity's day is asked of its rows,
    ``_members_may_take_part``): a phone of anyone else — another community's liaison,
    an admin, a member of a unit that never worked there, someone 停用 with no stay in
    such a unit, an account erased — or of no one reads alike, so a file of numbers
    does not turn into the names of the county's accounts (security review, session 26,
    finding 2)."""
    phones = sorted({row.phone for row in rows if row.phone})
    members = {}
    for start in range(0, len(phones), PHONE_CHUNK):
        members.update((m.phone, m) for m in db.session.scalars(
            select(Member).where(Member.phone.in_(phones[start:start + PHONE_CHUNK]),
                                 *recordable(actor))))
    items: dict[tuple, list[ResourceItem]] = {}
    for item in db.session.scalars(select(ResourceItem).order_by(ResourceItem.id)):
        items.setdefault((item.unit_id, item.community_id, item.zone_id, item.category_id),
                         []).append(item)
    return _Lookups(
        units={u.name: u for u in db.session.scalars(select(Unit))},
        communities={c.name: c for c in db.session.scalars(select(Community))},
        zones={(z.community_id, z.name): z for z in db.session.scalars(select(Zone))},
        **_categories_by_name(), items=items, members=members)


def _categories_by_name() -> dict:
    """``_Lookups``' categories, by the name a 类别 cell gives. Units, communities and
    zones (within their community) have names unique in the schema; categories do not:
    an admin re-creates one under its old name, the old one 停用. The active category of
    a name is the one it reads. Two active categories of one name leave the sheet's
    author's meaning unknown: the name is in ``shared_names`` and its rows are refused
    (on the 类别 cell), not counted under either. A name no active category has reads the
    one made last (by id, not the database's row order), as before the active one won."""
    named: dict[str, list[Category]] = {}
    for category in db.session.scalars(select(Category).order_by(Category.id)):
        named.setdefault(category.name, []).append(category)
    categories, shared = {}, set()
    for name, same in named.items():
        active = [c for c in same if c.active]
        if len(active) > 1:
            shared.add(name)
        else:
            categories[name] = active[0] if active else same[-1]
    return {"categories": categories, "shared_names": shared}


@dataclass
class _Activity:
    rows: list[LedgerRow]
    item: ResourceItem | None = None
    starts: datetime | None = None
    ends: datetime | None = None


def _read_row(actor: Member, row: LedgerRow, look: _Lookups,
              activity: _Activity) -> list[tuple[str, str]]:
    """Row-level errors (what the cells say); the activity's item and times from its
    first row.

    Every error of the row at once, in the sheet's column order: a missing cell is
    named with the 2026-13-45 beside it, not only on the next upload (walk 2, defect 4).
    A check that needs a missing cell is left out (the missing cell says it). Returns
    the errors with their columns (``_apply`` may add the activity's missing 组长)."""
    found: list[tuple[str, str]] = []  # (column key, message): sorted by column below

    def error(key: str, message) -> None:
        found.append((key, str(message)))

    for key, header in COLUMNS:
        if key in REQUIRED and not getattr(row, key):
            error(key, _l("缺少“%(column)s”。", column=header))
    starts, ends = _time(row.starts), _time(row.ends)
    day = None
    if row.day:
        try:
            day = read_day(row.day)
        except NotADay as refused:
            error("day", refused.message(dict(COLUMNS)["day"]))
        if too_early(day):  # the 补录 form's floor, in its words, on the row
            error("day", early_cell(dict(COLUMNS)["day"], row.day))
            day = None
    for key, text, value in (("starts", row.starts, starts), ("ends", row.ends, ends)):
        if text and value is None:
            error(key, _l("时间“%(v)s”无法识别，应为如09:00的时间。", v=text))
    if day is not None and starts is not None and ends is not None \
            and local_to_utc(_span(day, starts, ends)[1]) > utcnow():
        # the recording's rule, said here with the row's other errors (a 2027 date
        # beside an 「abc」 of hours), not once they are fixed
        error("day", _l("补录的活动须已经结束：时间不能晚于现在。"))
    if starts is not None and ends is not None and _overnight_too_long(starts, ends):
        error("ends", _l("结束时间早于开始时间。跨夜活动（如22:00至次日02:00）最长%(h)d小时，"
                         "请检查开始和结束是否写反。", h=OVERNIGHT_MAX_HOURS))
    unit, community = look.units.get(row.unit), look.communities.get(row.community)
    category = look.categories.get(row.category)
    if row.unit and unit is None:
        error("unit", _l("单位“%(v)s”不存在。", v=row.unit))
    if row.community and community is None:
        error("community", _l("社区“%(v)s”不存在。", v=row.community))
    if row.category in look.shared_names:
        # an admin's to settle (类别 are managed there), said where the cell is
        error("category", _l("启用的类别中有多个都叫“%(v)s”，无法确定是哪一个：请管理员在"
                             "“管理 › 类别”中修改其中一个的名称（或停用不用的那个）后再导入。",
                             v=row.category))
    elif row.category and category is None:
        error("category", _l("类别“%(v)s”不存在。", v=row.category))
    zone = None
    if row.zone and community is not None:
        zone = look.zones.get((community.id, row.zone))
        if zone is None:
            error("zone", _l("责任区“%(v)s”不在%(c)s。", v=row.zone, c=row.community))
    member = look.members.get(row.phone)
    if community is not None and not manages_community(actor, community.id):
        # said before the member: a community the actor has not is no one's reach
        error("community", _l("无权在该社区补录活动。"))
    elif not row.phone:
        pass  # 缺少“手机号” says it
    elif member is None:  # no name and no "no such account": the same for all outside reach
        error("phone", _l("手机号%(phone)s不是本社区可补录的党员。", phone=row.phone))
    elif row.name and row.name != member.name:  # in reach: the 补录 form lists them too
        error("phone", _l("手机号%(phone)s是%(found)s的，与姓名“%(name)s”不符。",
                          phone=row.phone, found=member.name, name=row.name))
    if _minutes(row.hours) == -1:
        error("hours", _l("服务时长“%(v)s”应为小时数，如2或1.5。", v=row.hours))
    figures = {}
    for key in ("quantity", "people_served"):
        text = getattr(row, key)
        figures[key] = _count(text)
        if figures[key] == -1:
            error(key, _l("“%(v)s”应为0到%(high)s之间的整数。", v=text, high=MAX_COUNT))
            figures[key] = None
    if category is not None and not category.is_survey:
        # a figure the category does not count, on its cell in the 补录 form's words
        # (the one rule, ``reviews.uncounted_figures``): a sheet's columns are filled by
        # habit, and a figure dropped without a word is data lost (import56). A survey
        # is refused whole, in its own words (``_record``).
        for key, message in uncounted_figures(category, figures["quantity"],
                                              figures["people_served"]):
            error(key, on_cell(dict(COLUMNS)[key], getattr(row, key), message))
    row.errors = _in_column_order(found)
    if found or activity.item is not None:
        return found
    item = _item_for(look.items.get((unit.id, community.id, zone.id if zone else None,
                                     category.id), []), day.year)
    if item is None:
        where = row.community + (f"·{row.zone}" if row.zone else "")
        row.errors.append(str(_l("%(unit)s%(y)d年在%(where)s没有“%(category)s”资源清单项目。",
                                 unit=row.unit, y=day.year, where=where,
                                 category=row.category)))
        return found
    activity.item = item
    activity.starts, activity.ends = _span(day, starts, ends)
    return found


_COLUMN_ORDER = {key: index for index, (key, _header) in enumerate(COLUMNS)}
# an activity no row of which marks its 组长, said on its first row in the file's terms
# (the recording says it in the web form's: 「请从参加人员中选择组长。」)
NO_LEADER = _l("该活动没有组长：请在其中一行的“组长”填“%(mark)s”。", mark=LEADER_MARK)


def _in_column_order(found: list[tuple[str, str]]) -> list[str]:
    return [message for _key, message in sorted(found, key=lambda f: _COLUMN_ORDER[f[0]])]


def _item_for(line: list[ResourceItem], year: int) -> ResourceItem | None:
    """The checklist item an activity of ``year`` is recorded on, of the items of its
    line (unit, community, zone, category): that year's (an active one first; a
    switched-off one is refused by the recording, as on the form); without one, as on
    the 补录 form, where the liaison picks another year's item: the line's active item of
    the nearest earlier year (a January activity before the new checklist exists), else
    of the nearest later one. The recording keeps it there (``tasks.item_of_year`` finds
    no item of the year) and the preview warns as the task page does
    (``tasks.off_checklist_note``)."""
    same = sorted((i for i in line if i.year == year), key=lambda i: not i.active)
    if same:
        return same[0]
    others = [i for i in line if i.active]
    earlier = [i for i in others if i.year < year]
    if earlier:
        return max(earlier, key=lambda i: i.year)
    return min(others, key=lambda i: i.year, default=None)


def _agrees(row: LedgerRow, first: LedgerRow) -> None:
    for key in ACTIVITY_FIELDS:
        if getattr(row, key) != getattr(first, key):
            header = dict(COLUMNS)[key]
            row.errors.append(str(_l("与第%(line)d行是同一活动，“%(column)s”却不同。",
                                     line=first.line, column=header)))


def _the_activity(activity: _Activity) -> tuple:
    """``activity`` as ``backfill.same_activity`` and ``already_recorded`` take it."""
    return (activity.item, activity.rows[0].title, local_to_utc(activity.starts),
            local_to_utc(activity.ends))


def _existing(actor: Member, activity: _Activity) -> Task | None:
    """The activity already in the database — what the recording would refuse as
    already recorded (``backfill.already_recorded``) — looked for only where the actor
    may record (elsewhere the recording refuses, as the one form does)."""
    if not manages_community(actor, activity.item.community_id):
        return None
    return already_recorded(*_the_activity(activity))


def _voided(actor: Member, activity: _Activity) -> Task | None:
    """The same activity (``backfill.same_activity``) as a voided one
    (``voiding.voided``); looked for where ``_existing`` looks."""
    if not manages_community(actor, activity.item.community_id):
        return None
    return db.session.scalar(select(Task).where(
        *same_activity(*_the_activity(activity)), voided()).order_by(Task.id.desc()).limit(1))


def _skip_voided(activity: _Activity, task: Task) -> None:
    """Every row of a voided activity is skipped, saying when and why it was voided."""
    event = void_event(task)
    detail = (event.detail or {}) if event else {}
    note = str(_l("该活动已于%(day)s作废（原因：%(reason)s），跳过。",
                  day=local_date(event.created_at).isoformat() if event else "",
                  reason=detail.get("reason", "")))
    for row in activity.rows:
        row.action, row.voided = "voided", note


def _skip(activity: _Activity, task: Task, look: _Lookups) -> None:
    took_part = set(db.session.scalars(select(Assignment.member_id).where(
        Assignment.task_id == task.id, Assignment.status == AssignmentStatus.done)))
    for row in activity.rows:
        if look.members[row.phone].id in took_part:
            row.action = "skip"
        else:
            row.errors.append(str(_l("该活动已存在，但%(name)s不在其参加人员中；请在该任务页面用“添加遗漏的参加人员”添加。",
                                     name=look.members[row.phone].name)))


def _repeated(activity: _Activity, look: _Lookups) -> None:
    """A member listed twice in one activity: the later row says which row it repeats."""
    seen: dict[str, LedgerRow] = {}
    for row in activity.rows:
        earlier = seen.setdefault(row.phone, row)
        if earlier is not row:
            row.errors.append(str(_l("与第%(line)d行重复（%(name)s）。", line=earlier.line,
                                     name=look.members[row.phone].name)))


def _members_may_take_part(actor: Member, activity: _Activity, look: _Lookups) -> None:
    """The one form's rule about each participant (``backfill.nameable`` on the
    activity's day), on that participant's own row (the recording would name only the
    first it meets, on the activity's first row). Only where the actor may record:
    elsewhere the recording refuses the whole activity."""
    item = activity.item
    if not manages_community(actor, item.community_id):
        return
    day = activity.starts.date()
    fine = nameable_ids(item.community_id, day,
                        {look.members[row.phone].id for row in activity.rows})
    for row in activity.rows:
        member = look.members[row.phone]
        if member.id not in fine:
            row.errors.append(str(why_not_nameable(member, item.community_id, day)))


def _leads(row: LedgerRow) -> bool:
    """The row marks its member the activity's 组长."""
    return row.leader.strip().lower() in LEADER_WORDS


def _record(actor: Member, activity: _Activity, look: _Lookups, audit: bool) -> Task | None:
    _members_may_take_part(actor, activity, look)
    first = activity.rows[0]
    leaders = [row for row in activity.rows if _leads(row)]
    for extra in leaders[1:]:
        extra.errors.append(str(_l("同一活动只能有一名组长（第%(line)d行已是组长）。",
                                   line=leaders[0].line)))
    if activity.item.category.is_survey:
        # the ledger carries a survey's count of findings, not the findings themselves
        # (kind and place of each): recorded from it, the survey would count none
        first.errors.append(str(_l("摸排类活动须逐处登记问题，不能从台账导入；请在“补录活动”页面填写。")))
    if not leaders:
        first.errors.append(str(NO_LEADER))
    if any(row.errors for row in activity.rows):
        return None
    data = BackfillData(
        title=first.title, place=first.place, starts_local=activity.starts,
        ends_local=activity.ends,
        participants=[Participant(look.members[row.phone], _minutes(row.hours))
                      for row in activity.rows],
        leader=look.members[leaders[0].phone] if leaders else None, note=first.note,
        # as typed: one its category does not count was refused on its cell
        # (``_read_row``), and the recording refuses it too (``reviews.report_figures``)
        quantity=_count(first.quantity), people_served=_count(first.people_served),
        beneficiary=first.beneficiary or None)
    savepoint = db.session.begin_nested()
    try:
        task = record_past_activity(actor, activity.item, data, audit=audit, hold=False)
    except ServiceError as error:  # PermissionDenied too: a row the actor may not record
        savepoint.rollback()
        # each refusal of a ``ServiceErrors``, as the form would show them
        first.errors.extend(str(one.message) for one in getattr(error, "errors", [error]))
        return None
    savepoint.commit()
    warning = off_checklist_note([task], actor)
    for row in activity.rows:
        row.action = "record"
        row.off_checklist = str(warning) if warning else ""
    return task


def _apply(actor: Member, rows: list[LedgerRow], audit: bool = True) -> LedgerPreview:
    """Record every activity of the rows that reads right; fill each row's errors and
    action. The caller keeps or rolls back what was written. ``audit=False``: the
    activities' own ``backfill`` events are the caller's to write."""
    look = _lookups(actor, rows)
    activities: dict[tuple, _Activity] = {}
    of_row = []
    for row in rows:  # the activities first: whether one has a 组长 is every row's to say
        row.errors, row.action, row.voided, row.off_checklist = [], "", "", ""
        activity = activities.setdefault(_key(row), _Activity([]))
        activity.rows.append(row)
        of_row.append(activity)
    found = {id(row): _read_row(actor, row, look, activity)
             for row, activity in zip(rows, of_row)}
    for activity in activities.values():
        # a 组长 missing is named with the activity's other errors, in one upload; an
        # activity with none is still looked for first (a kept export of an activity
        # recorded without a 组长 is skipped as before) and refused in ``_record``
        first = activity.rows[0]
        if not any(_leads(row) for row in activity.rows) \
                and any(row.errors for row in activity.rows):
            cells = found[id(first)]  # its errors are these, then any of its activity's
            first.errors = [*_in_column_order([*cells, ("leader", str(NO_LEADER))]),
                            *first.errors[len(cells):]]
    for row, activity in zip(rows, of_row):
        if row is not activity.rows[0]:
            _agrees(row, activity.rows[0])
    recorded = []
    for activity in activities.values():
        if activity.item is None or any(row.errors for row in activity.rows):
            continue
        _repeated(activity, look)
        if any(row.errors for row in activity.rows):
            continue
        task = _existing(actor, activity)
        if task is not None:
            _skip(activity, task, look)
        elif (task := _voided(actor, activity)) is not None:
            _skip_voided(activity, task)
        elif (task := _record(actor, activity, look, audit)) is not None:
            recorded.append(task.id)
    _participants_still_active(recorded)
    return LedgerPreview(rows, task_ids=recorded)


def _participants_still_active(task_ids: list[int]) -> None:
    """Every participant recorded, share-locked at once in id order after every
    activity's checklist item (``claims.held_active``; the order a 补录 takes them in,
    items then members), and 补录's rule (``backfill.nameable``) asked again under the
    locks, on each activity's day: refused if any was merged (or erased) meanwhile, or
    moved to a unit not working there that day — never an import's hours left on an
    account merged away. Each is told the rule's own reason (``why_not_nameable``)."""
    ids = set(db.session.scalars(select(Assignment.member_id).where(
        Assignment.task_id.in_(task_ids)))) if task_ids else set()
    held_active(ids)
    if not ids:
        return
    refused = db.session.execute(
        select(Member, Task.community_id, Task.service_date)
        .join(Assignment, Assignment.member_id == Member.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Assignment.task_id.in_(task_ids),
               not_(and_(*nameable(units_working_in(Task.community_id), Task.service_date))))
        .order_by(Member.id, Task.service_date)).all()
    if refused:
        # each in 补录's own words (switched off, erased, or that day's unit not working
        # there — moved meanwhile by a dated 自何日起), read now, before the rollback
        first = {}
        for member, community_id, day in refused:
            first.setdefault(member.id, (member, community_id, day))
        raise ServiceError(lazy(_sentences, [why_not_nameable(*each) for each in first.values()]))


def _sentences(parts) -> str:
    """Refusals one after another: a Chinese full stop needs no space after it, an
    English one does."""
    said = [str(part) for part in parts]
    return "".join(text if text.endswith("。") or n == len(said) - 1 else text + " "
                   for n, text in enumerate(said))


def check_ledger(actor: Member, rows: list[LedgerRow]) -> LedgerPreview:
    """The preview: every row's errors and what importing it would do; writes nothing
    (the recording runs inside a savepoint that is rolled back). For an admin, whom no
    定稿 refuses, also the months its activities count in (``places``), read from them
    before the rollback: what the preview names of them
    (``named_first.import_places_signed``)."""
    savepoint = db.session.begin_nested()
    try:
        preview = _apply(actor, rows)
        if preview.ok and may_change_final(actor):
            preview.places = counted_places(preview.task_ids)
        return preview
    finally:
        savepoint.rollback()


class SignedChangedSinceLedgerPreview(SignedChangedSincePreview):
    """The import is refused whole: the 已定稿 月报 and 年度总结 it changes are not those
    its preview named — one signed (or re-opened) since, a participant's unit of the day
    corrected —; ``places``, read again, is what the preview names afresh."""

    def __init__(self, places: list, signed, promised: str, actor: Member):
        super().__init__(signed, promised, actor)
        self.places = places


@dataclass
class LedgerResult:
    activities: int
    participations: int
    skipped: int
    voided: int = 0  # rows of activities 作废'd in the system, skipped too


def file_digest(data: bytes) -> str:
    """The uploaded file's SHA-256, which the import's audit event names."""
    return hashlib.sha256(data).hexdigest()


def import_ledger(actor: Member, rows: list[LedgerRow], *, filename: str = "",
                  sha256: str | None = None, promised: str | None = None) -> LedgerResult:
    """All or nothing (the caller's unit of work): one wrong row and nothing is kept.
    One ``ledger_import`` audit event says what the file did: its name and SHA-256, its
    rows, the activities it recorded (their task ids) and the rows it skipped. Each
    activity's own ``backfill`` event, as the one form writes it, follows it and names
    it (``ledger_import_event_id``): from any activity the file it came from is found.

    ``promised``: the key of what the preview named of the 已定稿 月报 and 年度总结 the
    import changes (``named_first.import_places_signed`` of ``LedgerPreview.places``, as
    ``member_import.signed_promise`` keys it; "" for none). Asked again of what was just
    recorded, by the preview's rule and under the months' share locks, the import is
    refused whole (``SignedChangedSinceLedgerPreview``) when they are others now: a
    month signed between the preview and 确认导入 — even within this request — is named,
    never changed unseen. None (no page named anything: the service called directly)
    asks nothing."""
    preview = _apply(actor, rows, audit=False)
    if not preview.ok:
        raise ServiceError(lazy_ngettext("有%(n)d行存在错误，未导入任何数据。请修改后重新上传。",
                                         "有%(n)d行存在错误，未导入任何数据。请修改后重新上传。",
                                         len(preview.error_rows) or 1,
                              n=len(preview.error_rows) or 1))
    if promised is not None and may_change_final(actor):
        # asked after the recording's own locks (checklist items, then participants)
        # and under the months' share locks, taken last as 通过's: a 定稿 committed
        # in this very request is named here, one later waits for the import and signs it
        places = counted_places(preview.task_ids)
        signed = import_places_signed(actor, places, lock=True)
        if signed_promise(signed) != promised:
            raise SignedChangedSinceLedgerPreview(places, signed, promised, actor)
    result = LedgerResult(preview.activities, preview.count("record"), preview.count("skip"),
                          preview.count("voided"))
    event = record(actor, "ledger_import", Target("ledger_import", None), filename=filename,
                   sha256=sha256, rows=len(rows), activities=result.activities,
                   participations=result.participations, skipped=result.skipped,
                   voided=result.voided, task_ids=preview.task_ids)
    db.session.flush()  # the event's id, which each activity's event names
    for task_id in preview.task_ids:
        backfill_event(actor, db.session.get(Task, task_id), ledger_import_event_id=event.id)
    return result


# --- the sheet ----------------------------------------------------------------------------

def template_xlsx() -> bytes:
    """The 「参与明细」 sheet, empty, with a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in range(2, 1001):
        for col in (1, 2, 3, 12):  # dates, times and phones as typed
            sheet.cell(row=row, column=col).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    for line in [["填写说明"], *([note] for note in TEMPLATE_NOTES)]:
        notes.append(line)
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
