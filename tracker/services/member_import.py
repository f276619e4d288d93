"""Member import from .xlsx or .csv: read, check every row, then write all or nothing.

The flow is two steps. ``read_table`` + ``parse_rows`` + ``check_rows`` build a
preview with row-level errors in Chinese and write nothing; ``import_members``
checks the same rows again against the database of that moment and writes them
only when not one row is wrong — and, confirmed from a page, only when every member
of the file is still as that preview showed them (``ImportPreview.shown``) and the
已定稿 月报 and 年度总结 it may change are those the preview named
(``ImportPreview.signed``, ``promise``). Members are matched by phone number, so
importing the same file twice updates and never duplicates. New members get no
password: they are invited by an admin later.

Lookups are bulk (one query per kind of record, phones in chunks), so a file of
thousands of rows costs a handful of statements, not thousands.

An uploaded file is read within bounds before anything parses it: an .xlsx (a zip of
XML files) is refused when it would unpack to more than ``XLSX_MAX_UNPACKED`` bytes
(a zip bomb) or when any of its XML declares a DOCTYPE or an entity (XXE, "billion
laughs"); openpyxl parses through defusedxml as well. Rows are read one by one and
reading stops past ``MAX_ROWS``.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..fields import clean_text, one_line, put_text
from ..models import Community, Member, MemberMerge, Role, Unit, liaison_community
from ..names import person_name
from ..phones import normalise_phone  # the one reading of a number: the forms' too
from ..timeutil import local_today
from . import PermissionDenied, ServiceError, reopened, roll
from .audit import record
from .cell_dates import ROLL_TOO_EARLY, NotADay, day_or_none, early_cell, read_day, too_early
from .directory import PHONE_RE, SHOWN_FIELDS, changed_since_shown, member_shown_key
from .invitations import STAFF_ROLES
from .link_revoking import revoke_links

MAX_ROWS = 20_000
XLSX_MAX_UNPACKED = 50 * 1024 * 1024  # a 20,000-row member list unpacks to a few MB
XLSX_MAX_ENTRIES = 200
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_MERGE = re.compile(r"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3}\d{1,7}:[A-Z]{1,3}\d{1,7})\"")
NAME_MAX, BRANCH_MAX = 40, 80
HEADER_SEARCH = 10  # the header is looked for in this many non-empty rows (title rows above)
PHONE_CHUNK = 500

# Column → accepted header texts (the template's are first). A header cell is compared
# after ``header_text``: NFKC, no blanks, no "*", no trailing （remark）.
COLUMNS = {
    "name": ("姓名", "名字", "党员姓名"),
    "phone": ("手机号", "手机号码", "手机", "联系电话", "联系方式", "移动电话", "电话", "电话号码"),
    "unit": ("单位", "所在单位", "工作单位", "单位名称"),
    "branch": ("党支部", "所在党支部", "支部", "所在支部"),
    "role": ("角色",),
    "communities": ("负责社区",),
    "on_roll": ("计入参与统计", "在册", "计入统计"),
    "roll_from": ("自何日起", "生效日期"),
}
REQUIRED = ("name", "phone", "unit")
# With a unit chosen on the upload form (a one-unit roster has no 单位 column), the
# header needs only these; the chosen unit is every row's.
REQUIRED_WITH_UNIT = ("name", "phone")
TEMPLATE_HEADERS = ["姓名*", "手机号*", "单位*", "党支部", "角色", "负责社区", "计入参与统计",
                    "自何日起"]
# The template's 填写说明 sheet (and the WeChat download page, which shows it).
TEMPLATE_NOTES = [
    "1. 带*的列必填：姓名、手机号（11位，以1开头）、单位（须与系统中的单位名称一致）。"
    "名单中没有单位列时（如一个单位自己的花名册），可在上传时选择全部计入的单位；"
    "名单中有单位列时按各行的单位导入。",
    "2. 角色可填：党员干部、社区联络员、单位管理员；不填：新党员为党员干部，已有党员的角色和负责社区不变。",
    "3. 社区联络员须填写负责社区，多个社区用顿号“、”分隔。",
    "4. 按手机号识别党员：已有的党员会被更新，不会重复添加。",
    "5. 新导入的党员暂无密码，由管理员发送邀请后自行设置。",
    "6. 计入参与统计可填：是、否；不填时新党员按角色（党员干部计入，联络员、管理员不计入），已有党员不变。",
    "7. 新党员自导入之日起计入在册人数（尚无任何任务时导入的名单计入以往各月）；已停用的账号导入后仍为停用。",
    "8. 自何日起（可不填）：新党员从哪一天起计入在册人数，或调整单位、计入参与统计从哪一天起生效，"
    "如2025-10-15；不填为导入当天。不能晚于今天，也不能早于该党员上一次在册变动的日期；"
    "不能早于2000-01-01（更早的日期不改变任何统计，请填2000-01-01）；"
    "没有调整单位和计入参与统计的已有党员不看此列。",
    "9. 表头可以占两行（如“联系方式”合并在“手机｜办公电话”之上，其余列上下合并）："
    "表头下一行只有列名时作为表头的第二行，不作为党员导入，手机号从“手机”列读取。",
    "10. 从其他系统导出或打印的名单可直接导入：每页重复的标题行和表头，以及页脚（页码如“第1页 共5页”“第一页”"
    "“- 3 -”“1/5”，制表人、审核人、制表时间，合计行）会自动跳过，预览中列出跳过的行号；"
    "有手机号或日期的行不会当作页脚跳过。",
]
# 计入参与统计 (Member.on_roll): empty keeps an existing member's value and gives a new
# one the role's default (党员干部 yes, 联络员 and 管理员 no).
ROLL_WORDS = {"是": True, "计入": True, "y": True, "yes": True, "1": True, "true": True,
              "否": False, "不计入": False, "n": False, "no": False, "0": False, "false": False}
ROLE_WORDS = {
    "党员干部": Role.member, "党员": Role.member, "member": Role.member,
    "社区联络员": Role.liaison, "联络员": Role.liaison, "liaison": Role.liaison,
    "单位管理员": Role.admin, "管理员": Role.admin, "admin": Role.admin,
}
_LIST_SPLIT = re.compile(r"[、,，;；/\s]+")


class ReadRow:
    """A row read from an uploaded file; a check fills its ``errors`` and ``action``."""

    def raw(self) -> dict:
        """What was read from the file (kept between preview and import)."""
        values = asdict(self)
        del values["errors"], values["action"]
        values.pop("inactive", None)
        values.pop("changes", None)
        values.pop("notes", None)
        return values


@dataclass
class ImportRow(ReadRow):
    line: int  # the row number in the spreadsheet
    name: str = ""
    phone: str = ""
    unit: str = ""
    branch: str = ""
    role: str = ""
    communities: str = ""
    on_roll: str = ""
    roll_from: str = ""  # 自何日起, as typed (``cell_dates.read_day`` reads it)
    # the file has no 单位 column: ``unit`` is the one chosen on the upload form (audited)
    unit_chosen: bool = False
    errors: list[str] = field(default_factory=list)
    action: str = ""  # create | update | same | merged (set by check_rows)
    inactive: bool = False  # an existing account that is switched off, and stays so
    changes: list[str] = field(default_factory=list)  # an update's 「角色：A → B」 …
    # what the admin should know of the row: whose merged account its number is, a
    # likely duplicate of an existing account (``_notes``); a note refuses nothing
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    """Rows with what their check found (member import, and 补录 from Excel)."""

    rows: list
    file_errors: list[str] = field(default_factory=list)
    header_line: int = 1  # the spreadsheet row of the header (member import)
    # the header's second row (「手机｜办公电话」 under a merged 「联系方式」), left out
    second_header_line: int | None = None
    # the upload form's field a file error belongs to (no 单位 column and none chosen)
    error_field: str | None = None
    # the unit chosen on the upload form and whether the rows took it (False: the file
    # has a 单位 column of its own, and the choice was not used)
    chosen_unit: str = ""
    unit_applied: bool = False
    # (id, name) of the communities left with no active liaison by the import
    without_liaison: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows under it left out: no data read
    totals: list[int] = field(default_factory=list)  # rows left out: a 合计 row
    # rows left out: the header again (a printed roster's every page, two pasted
    # blocks) and a title above it repeated with it (``repeated_header_rows``)
    repeated_headers: list[int] = field(default_factory=list)
    repeated_titles: list[int] = field(default_factory=list)
    # rows left out: a page's footer printed into the rows (``footer_row``)
    footers: list[int] = field(default_factory=list)
    # what the check read of each row's member, by 手机号: [id, key] of the member
    # (``PREVIEW_FIELDS``), or None where the row makes a new one (``preview_keys``)
    shown: dict[str, list | None] = field(default_factory=dict)
    # the 已定稿 月报 and 年度总结 the import may change (``foresee_signed``; None while
    # a row is wrong): named on the preview, their key posted back by 确认导入
    signed: object = None

    @property
    def promise(self) -> str:
        """The key of ``signed`` (``roll.named_key``): what 确认导入 posts back."""
        return signed_promise(self.signed)

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.error_rows

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


# --- reading a file -------------------------------------------------------------------

def read_table(filename: str, data: bytes, sheet: str | None = None,
               limit: int = MAX_ROWS) -> list[list]:
    """The cells of the first sheet (.xlsx; or of ``sheet`` when the workbook has one of
    that name) or of a .csv (UTF-8, with or without BOM, or GBK; its columns separated by
    commas, tabs or semicolons: ``_separator``); refused past ``limit``
    rows under the header."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xls":
        raise ServiceError(_l("不支持旧版 .xls 文件，请在Excel中另存为 .xlsx 后再上传。"), field="file")
    if suffix == "xlsx":
        return _read_xlsx(data, sheet, limit)
    if suffix == "csv":
        return _read_csv(data, limit)
    raise ServiceError(_l("只支持 .xlsx 或 .csv 文件。"), field="file")


def _check_xlsx_archive(data: bytes, limit: int) -> None:
    """Refuse a workbook that would unpack too large or that declares XML entities,
    before openpyxl opens it (zipfile never unpacks more than an entry declares)."""
    unreadable = ServiceError(_l("无法读取该Excel文件，请确认文件未损坏，并使用导入模板。"),
                              field="file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    if len(entries) > XLSX_MAX_ENTRIES or \
            sum(entry.file_size for entry in entries) > XLSX_MAX_UNPACKED:
        raise ServiceError(_l("文件解压后超过%(n)sMB，请检查文件或分批导入。",
                              n=XLSX_MAX_UNPACKED // (1024 * 1024)), field="file")
    try:
        for entry in entries:
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            entities, rows = _scan(archive, entry, limit)
            if entities:
                raise ServiceError(_l("文件包含不允许的内容（文档类型或实体声明），请在Excel中"
                                      "另存为新的 .xlsx 文件后再上传。"), field="file")
            if rows > limit + 1:
                raise ServiceError(_l("一次最多导入%(n)d行，请分批导入。", n=limit), field="file")
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
        raise unreadable from None


def _scan(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> tuple[bool, int]:
    """Stream one XML entry: does it declare a DOCTYPE or an entity, and how many rows
    does it hold (counted without parsing; reading stops once the count is past
    ``limit + 1``, so a hostile sheet of 100,000 rows costs no more than one at the limit)."""
    tail, rows = b"", 0
    with archive.open(entry) as stream:
        while chunk := stream.read(64 * 1024):
            window = tail + chunk
            if _DTD.search(window):
                return True, rows
            # Rows wholly inside the carried tail were counted with the previous chunk.
            rows += len(_ROW.findall(window)) - len(_ROW.findall(tail))
            if rows > limit + 1:
                return False, rows
            tail = window[-16:]
    return False, rows


def _read_xlsx(data: bytes, name: str | None, limit: int) -> list[list]:
    from openpyxl import load_workbook

    _check_xlsx_archive(data, limit)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "no default style" from other tools
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book[name] if name in book.sheetnames else book.worksheets[0]
            declared = sheet.max_row or 0  # from the sheet's <dimension>, before any row
            rows = []
            for values in ([] if declared > limit + 1 else sheet.iter_rows(values_only=True)):
                rows.append(list(values))
                if len(rows) > limit + 1:
                    break
            path = getattr(sheet, "_worksheet_path", None)
            book.close()
            if path and declared <= limit + 1:
                _fill_merged(rows, _merged_ranges(data, path))
    except Exception:  # noqa: BLE001 — any unreadable workbook gets the same message
        raise ServiceError(_l("无法读取该Excel文件，请确认文件未损坏，并使用导入模板。"),
                           field="file") from None
    if declared > limit + 1:
        raise ServiceError(_l("一次最多导入%(n)d行，请分批导入。", n=limit), field="file")
    return rows


def _merged_ranges(data: bytes, path: str) -> set[str]:
    """The merged ranges of a sheet ("A2:A5"), streamed from its XML (a read-only
    workbook does not read them)."""
    found, tail = set(), ""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if path.lstrip("/") not in archive.namelist():
            return found
        with archive.open(path.lstrip("/")) as stream:
            while chunk := stream.read(64 * 1024):
                window = tail + chunk.decode("utf-8", "replace")
                found.update(_MERGE.findall(window))
                tail = window[-80:]
    return found


def _fill_merged(rows: list[list], ranges: set[str]) -> None:
    """Give every cell of a merged range the value of its top-left cell, as a person
    reading the sheet sees it (a hand-made 台账 merges an activity's date, times and
    title down its participants' rows; read-only reading leaves those cells empty)."""
    from openpyxl.utils.cell import range_boundaries

    width = max((len(r) for r in rows), default=0)
    for ref in ranges:
        try:
            low_col, low_row, high_col, high_row = range_boundaries(ref)
        except ValueError:
            continue
        if low_row > len(rows) or low_col > width:
            continue
        value = rows[low_row - 1][low_col - 1] if low_col <= len(rows[low_row - 1]) else None
        for number in range(low_row, min(high_row, len(rows)) + 1):
            cells = rows[number - 1]
            for col in range(low_col, min(high_col, width) + 1):
                if len(cells) < col:
                    cells.extend([None] * (col - len(cells)))
                cells[col - 1] = value


def _read_csv(data: bytes, limit: int) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover — gb18030 decodes any byte string
        raise ServiceError(_l("无法识别文件编码，请另存为UTF-8编码的CSV。"), field="file")
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=_separator(text)):
            rows.append(row)
            if len(rows) > limit + 1:
                break
        return rows
    except csv.Error:
        raise ServiceError(_l("CSV文件格式不正确。"), field="file") from None


SEPARATORS = ",\t;"
_SNIFFED_LINES = 5


def _separator(text: str) -> str:
    """The character a .csv's columns are separated by: a comma as Excel's
    「CSV（逗号分隔）」 writes, or a tab («文本文件（制表符分隔）» saved as .csv, a table
    copied into Notepad) or a semicolon (a CSV of a European Excel) — ``csv.Sniffer`` on
    the first non-blank lines; a comma when it cannot tell. Read with commas, a tab-separated
    roster was one cell a line, refused with 「第1行的列为：姓名 手机号 单位，缺少姓名、手机号、单位」."""
    lines = [line for line in text.splitlines() if line.strip()][:_SNIFFED_LINES]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=SEPARATORS).delimiter
    except csv.Error:
        return ","


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # a date typed into a date cell: the day it shows
        value = value.date() if value.time() == time(0) else value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    # no control characters (they break exports), and one line: every column of a roster
    # is (an Alt+Enter in a cell is a space; a list of 负责社区 is split on it alike)
    return one_line(clean_text(str(value))).strip()


_BLANKS = re.compile(r"\s+")
_REMARK = re.compile(r"\([^()]*\)$")


def header_text(value: str) -> str:
    """A header cell as compared with ``COLUMNS``: 「姓　名」, 「手机\n号码（必填）」 and
    「单位*」 read 姓名, 手机号码 and 单位 (NFKC makes full-width brackets, stars and
    spaces ASCII; every blank goes; a trailing remark in brackets is cut)."""
    text = _BLANKS.sub("", unicodedata.normalize("NFKC", value or "")).replace("*", "")
    return _REMARK.sub("", text) or text


_TOTAL = re.compile(r"^(?:合计|总计|小计|共计)")


def total_row(cells: list[str]) -> bool:
    """A sheet's 合计 row, under the data: its first filled cell says 合计 (or 总计, 小计,
    共计; 「合　计」 and 「合计：25人」 too) and no cell of it holds a phone number."""
    filled = [cell for cell in cells if cell]
    if not filled or not _TOTAL.match(header_text(filled[0])):
        return False
    return not any(PHONE_RE.match(normalise_phone(cell)) for cell in filled)


# A page's footer as another system prints it into the cells of an exported roster or
# 台账: a page number (「第1页」「第 2 页 共 5 页」「共5页 第2页」「第2/5页」「- 3 -」「Page 1 of
# 5」, in Chinese numerals too: 「第一页 共五页」「第十二页」), a signature or date line
# (「制表人：张三」「制表时间：2026年11月」「审核人：…」, or the label alone in its cell and its
# value in the next: 「制表人」｜「张三」) and a count (「合计：35人」「共35人」). Page numbers
# need a number, and a label its colon, a blank and text after it, or a value beside it,
# so that a name — even 「页」 — is never one.
_NUMBER = r"(?:\d+|[〇零一二三四五六七八九十百]+)"
_PAGE = re.compile(rf"^(?:第{_NUMBER}页(?:[,，、/]?共{_NUMBER}页)?|共{_NUMBER}页(?:[,，、/]?第{_NUMBER}页)?"
                   rf"|第{_NUMBER}/{_NUMBER}页|[-–—]{_NUMBER}[-–—]|page\d+(?:(?:of|/)\d+)?)$", re.I)
# 「1/5」 is a page number only alone in its row: beside anything else it may be a date
_BARE_PAGE = re.compile(r"^(\d+)/(\d+)$")
_LABELS = (r"制表人?|填表人?|填报人|统计人|经办人|审核人?|审批人|复核人?|负责人|主管领导|领导签字"
           r"|制表单位|填报单位|填表单位|制表日期|制表时间|填表日期|填表时间|填报日期|填报时间"
           r"|打印日期|打印时间|导出日期|导出时间|审核日期|审核时间")
_FOOTER_LABEL = re.compile(rf"^(?:{_LABELS})(?:\s*[:：]|\s+\S)")
_BARE_LABEL = re.compile(rf"^(?:{_LABELS})$")
_DATE_LABEL = re.compile(r"(?:日期|时间)[:：]?$")
_HEADCOUNT = re.compile(r"^共\d+(?:人|名)$")
_MOBILE_IN = re.compile(r"(?<![0-9])1[0-9]{10}(?![0-9])")
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")


def _footer_text(cell: str) -> str | None:
    """What kind of footer text a cell is — "page", "alone" (a page number only when
    nothing else is in its row), "label" (with its value in it), "label:" (a colon and
    nothing after it: its value may follow in the next cell), "bare" (a label with no
    colon: its value must follow), "count" — or None."""
    text = unicodedata.normalize("NFKC", cell).strip()
    squeezed = _BLANKS.sub("", text)
    if squeezed and _PAGE.match(squeezed):
        return "page"
    if (fraction := _BARE_PAGE.match(squeezed)) and 1 <= int(fraction[1]) <= int(fraction[2]):
        return "alone"  # 「12/5」 is no page of five: a date, more likely
    if _BARE_LABEL.match(squeezed):
        return "bare"
    if _FOOTER_LABEL.match(text):
        return "label:" if squeezed.endswith(":") else "label"  # NFKC: ：is :
    if _TOTAL.match(squeezed) or _HEADCOUNT.match(squeezed):
        return "count"
    return None


def _dated(cell: str) -> bool:
    """A date or a time of day (「2026-11-30」, a serial, 「09:00」): a data row's."""
    text = unicodedata.normalize("NFKC", cell).strip()
    return bool(_CLOCK.match(text)) or day_or_none(text) is not None


def footer_row(cells: list[str]) -> bool:
    """A page footer repeated in the rows of a sheet exported from another system or
    printed (both imports): each filled cell of the row is footer text
    (``_footer_text``) or the value of the label in the cell before it (「制表人：」｜「张三」,
    「制表人」｜「张三」). A bare 「1/5」 is one only alone in its row. No cell may hold a
    mobile number, and a label's value no date or time unless the label is one of a date
    (「制表时间」｜「2026-11-30」): such a row could be a person's or an activity's, and
    stays a row."""
    filled = [cell for cell in cells if cell]
    if not filled or any(_MOBILE_IN.search(normalise_phone(cell)) for cell in filled):
        return False
    kinds = [_footer_text(cell) for cell in filled]
    if kinds == ["alone"]:
        return True
    index = 0
    while index < len(filled):
        kind = kinds[index]
        if kind is None or kind == "alone":
            return False
        index += 1
        if kind not in ("label:", "bare"):
            continue
        has_value = index < len(filled) and kinds[index] is None
        if not has_value:
            if kind == "bare":  # 「审核」 alone is no signature line
                return False
            continue
        label = unicodedata.normalize("NFKC", filled[index - 1]).strip()
        if _dated(filled[index]) and not _DATE_LABEL.search(label):
            return False
        index += 1
    return True


def _positions(cells: list[str]) -> dict[str, int]:
    """Column key → index, for the cells of a row read as a header."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = header_text(cell)
        for key, names in COLUMNS.items():
            if text in names and key not in positions:
                positions[key] = index
    return positions


def _is_header_word(text: str) -> bool:
    return any(text in names for names in COLUMNS.values())


def _second_header(top: list[str], positions: dict[str, int],
                   below: list[str]) -> dict[str, int] | None:
    """The positions of a two-row header when ``below`` is the second row of the header
    ``top`` (which read ``positions``), else None.

    Offices merge 「联系方式」 over 「手机｜办公电话」 and the other header cells down over
    both rows (read as repeating their text), or leave those cells empty, or name a
    column only under a heading the import does not know. ``below`` is the header's
    second row when each of its cells the import would read — under ``top``'s columns
    or a column name of ``COLUMNS`` — is empty, repeats ``top``, is a column name, or is
    a sub-heading (no digit) under a heading merged across columns, and one is a column
    name or repeats ``top``. A person's row has a name there (or a phone, which has
    digits) and stays a row. The second row's column names then say where a column is
    (手机 rather than the 联系方式 merged above it and 办公电话)."""
    if not positions:  # a title above the header is no header's first row
        return None
    sub = _positions(below)
    tops = [header_text(cell) for cell in top]

    def merged_across(index: int) -> bool:
        return index < len(tops) and bool(tops[index]) and any(
            0 <= other < len(tops) and tops[other] == tops[index]
            for other in (index - 1, index + 1))

    named = False
    for index in set(positions.values()) | set(sub.values()):
        cell = header_text(below[index]) if index < len(below) else ""
        if not cell:
            continue
        if cell == (tops[index] if index < len(tops) else "") or _is_header_word(cell):
            named = True
        elif not merged_across(index) or re.search(r"\d", cell):
            return None
    return {**positions, **sub} if named else None


def _find_header(lines: list[tuple[int, list[str]]], required=REQUIRED
                 ) -> tuple[bool, int, dict[str, int], bool]:
    """(found, index in ``lines``, positions, two rows) of the header: the first of the
    first ``HEADER_SEARCH`` non-empty rows that has every ``required`` column — alone, or
    with the row under it as its second row (``_second_header``; a roster's title rows
    above it are passed over). When no row has them all: False, and the row that came
    closest."""
    best_index, best = 0, {}
    for index, (_number, cells) in enumerate(lines[:HEADER_SEARCH]):
        positions, two_rows = _positions(cells), False
        if index + 1 < len(lines):
            below = lines[index + 1][1]
            combined = _second_header(cells, positions, below)
            # a row complete on its own under one that is not is the header itself, not
            # the second row of the row above it (a title that holds a column name)
            header_below = not all(key in positions for key in required) and all(
                key in _positions(below) for key in required)
            if combined is not None and not header_below:
                positions, two_rows = combined, True
        if all(key in positions for key in required):
            return True, index, positions, two_rows
        if sum(key in positions for key in required) > sum(key in best for key in required):
            best_index, best = index, positions
    return False, best_index, best, False


def _no_header(lines, index: int, positions: dict[str, int], required=REQUIRED) -> str:
    """The refusal when no header was found: what the closest row holds, what it lacks."""
    line, cells = lines[index]
    found = [text if len(text) <= 20 else text[:20] + "…" for text in cells if text]
    shown = found[:12] + (["…"] if len(found) > 12 else [])
    separator = str(_l("、"))
    missing = [COLUMNS[key][0] for key in required if key not in positions]
    return str(_l("没有找到表头：文件的前%(n)d行中没有一行同时有%(required)s列。"
                  "第%(line)d行的列为：%(found)s，缺少%(columns)s。请核对列名，或使用导入模板。",
                  n=min(len(lines), HEADER_SEARCH),
                  required=separator.join(COLUMNS[key][0] for key in required), line=line,
                  found=separator.join(shown), columns=separator.join(missing)))


def _row_key(cells: list[str]) -> tuple:
    """A row as a repeated header is compared: its filled cells by column, each read as
    a header cell is (``header_text``), blank cells left out."""
    return tuple((index, text) for index, cell in enumerate(cells)
                 if (text := header_text(cell)))


def repeated_header_rows(lines: list[tuple[int, list[str]]], start: int, two_rows: bool
                         ) -> tuple[set[int], set[int]]:
    """(repeated headers, repeated titles): the spreadsheet rows under the header of
    ``lines[start]`` that are the header again — a printed roster repeats it on every
    page, two pasted blocks bring two — and, right above such a row, those that repeat
    one of the rows above the first header (a title like 「XX单位党员花名册」 printed on
    every page: a title is known only as a row above the header, so a repeat of one is
    one only where a header follows it).

    A row is the header again when its filled cells, read as header cells, are the
    header's, column by column; with a two-row header, the row under a repeated first
    row is left out with it when it repeats the second. A person's row has a name and a
    number where the header has 姓名 and 手机号, so it never reads as one."""
    header = _row_key(lines[start][1])
    second = _row_key(lines[start + 1][1]) if two_rows else None
    titles = {_row_key(cells) for _number, cells in lines[:start]} - {()}
    first = start + (2 if two_rows else 1)
    headers: set[int] = set()
    for index in range(first, len(lines)):
        if _row_key(lines[index][1]) != header:
            continue
        headers.add(lines[index][0])
        if second is not None and index + 1 < len(lines) \
                and _row_key(lines[index + 1][1]) == second:
            headers.add(lines[index + 1][0])
    repeated_titles: set[int] = set()
    for index in range(first, len(lines)):
        if lines[index][0] not in headers:
            continue
        above = index - 1
        while above >= first and lines[above][0] not in headers \
                and _row_key(lines[above][1]) in titles:
            repeated_titles.add(lines[above][0])
            above -= 1
    return headers, repeated_titles


@dataclass
class UnderHeader:
    """The rows under a sheet's header as both imports sort them: ``body`` (number,
    cells) to read, and the spreadsheet rows left out, each kind named on the preview
    (``ignored_notes``)."""

    body: list[tuple[int, list[str]]]
    repeated_headers: list[int]
    repeated_titles: list[int]
    totals: list[int] = field(default_factory=list)
    footers: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    def left_out(self) -> dict[str, list[int]]:
        """The rows left out, as ``ImportPreview``'s fields of the same names."""
        return {"repeated_headers": self.repeated_headers,
                "repeated_titles": self.repeated_titles, "totals": self.totals,
                "footers": self.footers, "skipped": self.skipped}


def rows_under_header(lines: list[tuple[int, list[str]]], start: int, two_rows: bool,
                      read) -> UnderHeader:
    """The non-empty rows under the header of ``lines[start]`` (two rows of it with
    ``two_rows``), sorted: the header and a title above it repeated
    (``repeated_header_rows``), a 合计 row (``total_row``), a page footer
    (``footer_row``), a row with nothing in the columns ``read`` (a 序号 numbered down
    an empty sheet), and the body. One sorting for the member list and the 台账, so a
    printed or exported sheet of either is read alike."""
    read = sorted(read)
    headers, titles = repeated_header_rows(lines, start, two_rows)
    under = UnderHeader([], sorted(headers), sorted(titles))
    for number, cells in lines[start + (2 if two_rows else 1):]:
        if number in headers or number in titles:
            continue
        if total_row(cells):
            under.totals.append(number)
        elif footer_row(cells):
            under.footers.append(number)
        elif any(cells[index] for index in read if index < len(cells)):
            under.body.append((number, cells))
        else:
            under.skipped.append(number)
    return under


def parse_rows(table: list[list], unit: str = "") -> ImportPreview:
    """Rows of the table under its header row; file-level problems as ``file_errors``.
    Rows above the header (a title), the header's second row, the header (and its
    title) repeated, 合计 rows, page footers and rows with nothing in any column read
    here (only a 序号) are left out; ``header_line``, ``second_header_line``,
    ``repeated_headers``, ``repeated_titles``, ``totals``, ``footers`` and ``skipped``
    say which (``ignored_notes``).

    ``unit``: the unit chosen on the upload form, every row's when the file has no 单位
    column (the header then needs only 姓名 and 手机号); a file with one keeps its own.
    With none chosen and a header lacking only 单位, the refusal belongs to that choice
    (``error_field``)."""
    lines = [(number, [_cell(v) for v in values]) for number, values in enumerate(table, start=1)]
    lines = [(number, cells) for number, cells in lines if any(cells)]
    if not lines:
        return ImportPreview([], [str(_l("文件中没有数据。"))])
    required = REQUIRED_WITH_UNIT if unit else REQUIRED
    found, start, positions, two_rows = _find_header(lines, required)
    if not found:
        if not unit:
            found, start, positions, two_rows = _find_header(lines, REQUIRED_WITH_UNIT)
            if found:
                return ImportPreview([], [str(_l(
                    "名单中没有“单位”列（表头在第%(line)d行）。请选择全部计入的单位，"
                    "或在名单中加上单位列。", line=lines[start][0]))],
                    header_line=lines[start][0], error_field="unit")
        return ImportPreview([], [_no_header(lines, start, positions, required)])
    header_line = lines[start][0]
    second_header_line = lines[start + 1][0] if two_rows else None
    under = rows_under_header(lines, start, two_rows, positions.values())
    body = under.body
    if not body:
        return ImportPreview([], [str(_l("文件中只有表头，没有党员数据。"))])
    if len(body) > MAX_ROWS:
        return ImportPreview([], [str(_l("一次最多导入%(n)d行，请分批导入。", n=MAX_ROWS))])
    applied = bool(unit) and "unit" not in positions
    rows = []
    for number, cells in body:
        def get(key):
            index = positions.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        rows.append(ImportRow(line=number, name=person_name(get("name")),
                              phone=normalise_phone(get("phone")),
                              unit=unit if applied else get("unit"), unit_chosen=applied,
                              branch=get("branch"), role=get("role"),
                              communities=get("communities"), on_roll=get("on_roll"),
                              roll_from=get("roll_from")))
    return ImportPreview(rows, header_line=header_line, second_header_line=second_header_line,
                         chosen_unit=unit, unit_applied=applied, **under.left_out())


def _line_ranges(numbers: list[int]) -> str:
    """[2003, 2004, 2005, 2010] → 「2003–2005、2010」."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return str(_l("、")).join(f"{low}–{high}" if high > low else str(low) for low, high in spans)


def ignored_notes(header_line: int, skipped: list[int], totals: list[int] = (),
                  second_header_line: int | None = None, repeated_headers: list[int] = (),
                  repeated_titles: list[int] = (), footers: list[int] = ()) -> list[str]:
    """What the preview says of the rows it did not read: a title above the header,
    the header's second row, the header repeated further down and a title repeated
    above it (``repeated_header_rows``), page footers (``footer_row``), rows with
    something only in columns the import does not read (a 序号), and 合计 rows
    (``total_row``)."""
    notes = []
    if header_line > 1:
        notes.append(str(_l("表头在第%(line)d行，其上的标题行已忽略。", line=header_line)))
    if second_header_line:
        notes.append(str(_l("第%(line)d行是表头的第二行，已忽略。", line=second_header_line)))
    if repeated_titles:
        notes.append(str(_l("第%(lines)s行是重复的标题行，已跳过。",
                            lines=_line_ranges(list(repeated_titles)))))
    if repeated_headers:
        notes.append(str(_l("第%(lines)s行是重复的表头，已跳过。",
                            lines=_line_ranges(list(repeated_headers)))))
    if footers:
        notes.append(str(lazy_ngettext(
            "第%(lines)s行是页脚（页码、制表人、审核人等），共%(n)d行，已跳过。",
            "第%(lines)s行是页脚（页码、制表人、审核人等），共%(n)d行，已跳过。",
            len(footers), lines=_line_ranges(list(footers)), n=len(footers))))
    if skipped:
        notes.append(str(_l("第%(lines)s行只有导入不读取的列（如序号），没有姓名、手机号等，已忽略。",
                            lines=_line_ranges(skipped))))
    if totals:
        notes.append(str(_l("第%(lines)s行是合计行，已忽略。", lines=_line_ranges(list(totals)))))
    return notes


def unit_note(chosen_unit: str, applied: bool) -> str | None:
    """What the preview says of the unit chosen on the upload form: every row's, or not
    used because the file has a 单位 column of its own."""
    if not chosen_unit:
        return None
    if applied:
        return str(_l("名单中没有“单位”列，全部计入所选单位：%(unit)s。", unit=chosen_unit))
    return str(_l("名单中有“单位”列，各行按名单中的单位导入，未使用所选单位（%(unit)s）。",
                  unit=chosen_unit))


def rows_from_raw(raw_rows: list[dict]) -> list[ImportRow]:
    return [ImportRow(**raw) for raw in raw_rows]


# --- checking rows against the database -------------------------------------------------

@dataclass
class _Lookups:
    units: dict[str, Unit]
    communities: dict[str, Community]
    members: dict[str, Member]
    merged: dict[int, Member] = field(default_factory=dict)  # a merged account's id → kept


def _lookups(rows: list[ImportRow]) -> _Lookups:
    units = {u.name: u for u in db.session.scalars(select(Unit))}
    communities = {c.name: c for c in db.session.scalars(select(Community))}
    phones = sorted({row.phone for row in rows if PHONE_RE.match(row.phone)})
    members = {}
    for start in range(0, len(phones), PHONE_CHUNK):
        chunk = phones[start:start + PHONE_CHUNK]
        members.update((m.phone, m) for m in db.session.scalars(
            select(Member).where(Member.phone.in_(chunk))
            .options(selectinload(Member.communities), selectinload(Member.roll_periods))))
    # 合并账号: a merged account is switched off for good (never active)
    switched_off = sorted(m.id for m in members.values() if not m.active)
    merged = {}
    for start in range(0, len(switched_off), PHONE_CHUNK):
        rows_merged = db.session.execute(select(MemberMerge.member_id, Member).join(
            Member, Member.id == MemberMerge.into_id).where(
            MemberMerge.member_id.in_(switched_off[start:start + PHONE_CHUNK])))
        merged.update((member_id, kept) for member_id, kept in rows_merged)
    return _Lookups(units, communities, members, merged)


def _role(text: str) -> Role | None:
    return ROLE_WORDS.get(text.strip().lower() if text.isascii() else text.strip())


def _roll(text: str) -> bool | None:
    """True/False from the 计入参与统计 cell; None when empty (or unreadable)."""
    return ROLL_WORDS.get(text.strip().lower())


def _roll_after(existing: Member | None, unit: Unit, role: Role, row: ImportRow) -> int | None:
    """The unit whose roll the row's member is on after the import (None: off every
    roll), by what the import writes (``_values``): an existing member's 计入参与统计 as
    the row gives it or as it is, a new one's as given or the role's default; an
    account 停用 stays so (an import never switches one back on)."""
    on_roll = _values(row, unit, role, existing).get(
        "on_roll", existing.on_roll if existing is not None else None)
    return roll.roll_unit(existing.active if existing is not None else True, on_roll, unit.id)


def _moves(existing: Member, unit: Unit, row: ImportRow) -> bool:
    """Would the row change the existing member's roll (a move, 计入参与统计)?"""
    return roll.differs(existing, _roll_after(existing, unit, existing.role, row))


def _day_errors(row: ImportRow, existing: Member | None, unit: Unit | None) -> list[str]:
    """The 自何日起 cell against the form's bounds: a day, not before the house's floor
    (``timeutil.EARLIEST_DAY``, in the form's words), not in the future, and for a
    move or changed 计入参与统计 not before the member's last recorded change (ignored
    for an existing member whose roll the row does not change, as on the form)."""
    try:
        day = read_day(row.roll_from)
    except NotADay as refused:
        return [refused.message(COLUMNS["roll_from"][0])]
    if too_early(day):  # as the form's field refuses it, typed: moving the roll or not
        return [early_cell(COLUMNS["roll_from"][0], row.roll_from, ROLL_TOO_EARLY)]
    if day is None or unit is None:
        return []
    try:
        if existing is None:
            if day > local_today():
                raise ServiceError(_l("生效日期不能晚于今天。"))
        elif _moves(existing, unit, row):
            roll.check_day(existing, day)
    except ServiceError as refused:
        return [str(_l("自何日起：%(message)s", message=refused.message))]
    return []


def _community_names(text: str) -> list[str]:
    return list(dict.fromkeys(n for n in _LIST_SPLIT.split(text or "") if n))


def check_rows(rows: list[ImportRow], actor: Member | None = None,
               lookups: _Lookups | None = None, *, lock: bool = False) -> ImportPreview:
    """Fill each row's ``errors`` (Chinese) and ``action``; writes nothing. ``lock``:
    the import's own check, its signed documents asked under the months' share locks
    (``foresee_signed``)."""
    lookups = lookups or _lookups(rows)
    first_line_of_phone: dict[str, int] = {}
    for row in rows:
        errors = row.errors = []
        if not row.name:
            errors.append(str(_l("缺少姓名。")))
        elif len(row.name) > NAME_MAX:
            errors.append(str(_l("姓名不能超过%(n)d个字。", n=NAME_MAX)))
        if not row.phone:
            errors.append(str(_l("缺少手机号。")))
        elif not PHONE_RE.match(row.phone):
            errors.append(str(_l("手机号“%(phone)s”不正确，应为以1开头的11位数字。", phone=row.phone)))
        elif row.phone in first_line_of_phone:
            errors.append(str(_l("手机号与第%(line)d行重复。", line=first_line_of_phone[row.phone])))
        else:
            first_line_of_phone[row.phone] = row.line
        unit = lookups.units.get(row.unit)
        if not row.unit:
            errors.append(str(_l("缺少单位。")))
        elif unit is None:
            errors.append(str(_l("单位“%(unit)s”不存在，请先在“管理”中添加该单位。", unit=row.unit)))
        elif not unit.active:
            errors.append(str(_l("单位“%(unit)s”已停用。", unit=row.unit)))
        if len(row.branch) > BRANCH_MAX:
            errors.append(str(_l("党支部不能超过%(n)d个字。", n=BRANCH_MAX)))
        existing = lookups.members.get(row.phone)
        role = _wanted_role(row, existing)
        if role is None:
            errors.append(str(_l("角色“%(role)s”无法识别，可填：党员干部、社区联络员、单位管理员。",
                                 role=row.role)))
        if row.on_roll and _roll(row.on_roll) is None:
            errors.append(str(_l("“计入参与统计”应填“是”或“否”（不填：党员干部计入，联络员和管理员不计入）。")))
        names = _community_names(row.communities)
        unknown = [n for n in names if n not in lookups.communities]
        if unknown:
            errors.append(str(_l("负责社区“%(names)s”不存在。", names="、".join(unknown))))
        if role == Role.liaison and not names and not (existing and existing.communities):
            errors.append(str(_l("社区联络员须填写负责社区。")))
        errors.extend(_day_errors(row, existing, unit))
        if existing is not None and actor is not None and existing.id == actor.id \
                and role is not None and role != actor.role:
            errors.append(str(_l("不能通过导入修改自己的角色。")))
        row.notes = []
        if not errors and existing is not None and existing.id in lookups.merged:
            # the roster still lists the person under the merged account's number: the
            # row is left out (the duplicate is kept as it was merged, and the row's
            # values are not the kept account's to take unseen — its own number, its
            # login); the admin updates the kept account, or the roster's number
            kept = lookups.merged[existing.id]
            row.action = "merged"
            row.notes.append(str(_l("该手机号的账号已合并至%(name)s（%(phone)s），此行不导入；"
                                    "如需更新，请在名单中改填%(name)s的手机号。",
                                    name=kept.name, phone=kept.masked_phone)))
        elif not errors:
            row.action = _action(row, existing, unit, role, names)
            if row.action == "update":
                row.changes = _changes(row, existing, unit, role, names, lookups)
            # an import never switches an account back on (停用 is the admin's word)
            row.inactive = existing is not None and not existing.active
    _note_namesakes(rows, lookups)
    preview = ImportPreview(rows, shown=preview_keys(rows, lookups))
    if not preview.error_rows:
        preview.without_liaison = _left_without_liaison(rows, lookups)
        preview.signed = foresee_signed(rows, lookups, lock=lock)
    return preview


def planned(rows: list[ImportRow], lookups: _Lookups) -> tuple[list, list[Member]]:
    """What the import of these checked rows changes of what signed documents count and
    print, read before it writes: the changes of the roll it makes (``roll.Change``,
    ``roll.pending_change``: a new member on a unit's roll from 自何日起, else from today
    or since always while no work is recorded — ``roll.join_day``, which names no month;
    an existing member moved or 计入参与统计 changed from 自何日起, else from today) and
    the existing members whose 姓名 or 党支部 it changes. The import writes by the same
    rule (``_roll_after``, ``_values``); the preview names what this finds and the
    import, under the members' locks, finds it again (``import_members``' ``promised``)."""
    changes, renamed = [], []
    joins = today = None
    for row in rows:
        if row.errors or row.action not in ("create", "update"):
            continue
        unit, existing = lookups.units[row.unit], lookups.members.get(row.phone)
        role = _wanted_role(row, existing)
        day = read_day(row.roll_from)
        if day is None:
            if existing is None and joins is None:
                joins = [roll.join_day()]
            today = today or local_today()
            day = joins[0] if existing is None else today
        after = _roll_after(existing, unit, role, row)
        units_now = (existing.unit_id, unit.id) if existing else None
        # a member on no roll moved: no roll changes, her work on no roll moves (unroll53)
        change = (roll.pending_change(existing, after, day, units_now)
                  or roll.off_roll_move(existing, after, units_now))
        if change is not None:
            changes.append(change)
        if existing is not None and (existing.name, existing.branch or "") != (row.name, row.branch):
            renamed.append(existing)
    return changes, renamed


def foresee_signed(rows: list[ImportRow], lookups: _Lookups, *,
                   lock: bool = False) -> roll.Corrected:
    """The 已定稿 月报 and 年度总结 the import of these rows may change (``planned``,
    ``roll.signed_by``): what its preview names before 确认导入, keyed (``roll.named_key``)
    as the promise the confirmation posts back. ``lock``: asked by the import itself,
    under the members' locks, with the months' share locks taken last
    (``roll.signed_by``'s), so a 定稿 committed within 确认导入's own request is named
    and a later one signs what was imported; the preview passes False."""
    changes, renamed = planned(rows, lookups)
    return roll.signed_by(changes, local_today(), renamed, lock=lock)


# What the preview showed of a member: the member form's fields (the import writes
# them), whether the account is 停用 (the preview says it stays so) and the latest
# change of the roll history (a 自何日起 is checked against it) — the form's key, one
# format (``directory.member_shown_key``).
PREVIEW_FIELDS = (*SHOWN_FIELDS, "active", "roll")


def preview_keys(rows: list[ImportRow], lookups: _Lookups) -> dict[str, list | None]:
    """Each row's member as the check read it, by 手机号: [id, ``member_shown_key``] of
    the member the row updates (or leaves as is: a change since would be put back), or
    None where the row makes a new member (the number was free)."""
    keys = {}
    for row in rows:
        if PHONE_RE.match(row.phone):
            member = lookups.members.get(row.phone)
            keys[row.phone] = None if member is None else [
                member.id, member_shown_key(member, PREVIEW_FIELDS)]
    return keys


@dataclass
class ChangedRow:
    """A row whose member is no longer what the preview showed: ``member`` the member
    the preview showed (None: a new one), ``changes`` its fields changed since
    (``directory.ShownChange``), ``holder`` the member who has the row's 手机号 now when
    not that one (a number registered since, or moved to another)."""

    line: int
    name: str
    phone: str
    member: Member | None = None
    changes: list = field(default_factory=list)
    holder: Member | None = None


class ChangedSincePreview(ServiceError):
    """The import is refused whole: members of the file changed since the preview."""

    def __init__(self, rows: list[ChangedRow]):
        super().__init__(lazy_ngettext("预览之后，文件中%(n)d名党员的信息已有变动，未导入任何数据。"
                                       "请重新预览，核对后再确认导入。",
                                       "预览之后，文件中%(n)d名党员的信息已有变动，未导入任何数据。"
                                       "请重新预览，核对后再确认导入。", len(rows), n=len(rows)))
        self.rows = rows


def _changed_since_preview(rows: list[ImportRow], lookups: _Lookups,
                           shown: dict) -> list[ChangedRow]:
    """The rows whose member is not as the preview (``shown``: its ``preview_keys``)
    showed it: a field changed (the member form, another import, 停用 or 重新启用, a
    更正日期), the row's 手机号 now someone else's, or a new member's number taken.
    Members outside the file are not asked about."""
    changed = []
    for row in rows:
        if row.phone not in shown:
            continue
        then, now = shown[row.phone], lookups.members.get(row.phone)
        if then is None:
            if now is not None:
                changed.append(ChangedRow(row.line, row.name, row.phone, holder=now))
            continue
        member_id, key = then
        member = now if now is not None and now.id == member_id else \
            db.session.get(Member, member_id)
        changes = changed_since_shown(member, key, PREVIEW_FIELDS) if member else []
        if member is None or member is not now or changes:
            changed.append(ChangedRow(row.line, row.name, row.phone, member, changes,
                                      holder=now if member is not now else None))
    return changed


def _wanted_role(row: ImportRow, existing: Member | None) -> Role | None:
    """The role a row gives: as written (None: unreadable). An empty 角色 (a bureau's
    own roster has no such column) keeps an existing member's role, and with it a
    liaison's communities; a new member is a 党员干部."""
    if row.role:
        return _role(row.role)
    return existing.role if existing is not None else Role.member


def _wanted_communities(role: Role, names: list[str], existing: Member | None) -> list[str]:
    """The 负责社区 after the import: a liaison's as written, or kept when the cell is
    empty; nobody else answers for a community."""
    if role != Role.liaison:
        return []
    if names:
        return sorted(names)
    return sorted(c.name for c in existing.communities) if existing is not None else []


ROLE_LABELS = {Role.member: _l("党员干部"), Role.liaison: _l("社区联络员"), Role.admin: _l("单位管理员")}


def _changes(row, existing: Member, unit: Unit, role: Role, names, lookups) -> list[str]:
    """What an update changes, each as 「角色：社区联络员 → 党员干部」 (the preview shows it)."""
    unit_names = {u.id: u.name for u in lookups.units.values()}
    separator, nothing = str(_l("、")), str(_l("（空）"))
    on_roll = _roll(row.on_roll) if row.on_roll else None
    pairs = [
        (_l("姓名"), existing.name, row.name),
        (_l("单位"), unit_names.get(existing.unit_id, ""), unit.name),
        (_l("党支部"), existing.branch or "", row.branch),
        (_l("角色"), str(ROLE_LABELS[existing.role]), str(ROLE_LABELS[role])),
        (_l("负责社区"), separator.join(sorted(c.name for c in existing.communities)),
         separator.join(_wanted_communities(role, names, existing))),
        (_l("计入参与统计"), str(_l("是") if existing.on_roll else _l("否")),
         str(_l("是") if (existing.on_roll if on_roll is None else on_roll) else _l("否"))),
    ]
    return [str(_l("%(field)s：%(old)s → %(new)s", field=label, old=old or nothing,
                   new=new or nothing))
            for label, old, new in pairs if old != new]


def _left_without_liaison(rows: list[ImportRow], lookups: _Lookups) -> list[tuple[int, str]]:
    """(id, name) of the active communities that an active 社区联络员 answers for now and
    none would after the import (the member form's rule when a liaison is switched off:
    see ``admin.queries.communities_without_liaison``)."""
    before, after, in_file = set(), set(), set()
    for row in rows:
        existing = lookups.members.get(row.phone)
        role = _wanted_role(row, existing)
        if existing is not None:
            in_file.add(existing.id)
            if existing.active and existing.role == Role.liaison:
                before.update(c.id for c in existing.communities)
        if role == Role.liaison and (existing is None or existing.active):
            after.update(lookups.communities[name].id for name in _wanted_communities(
                role, _community_names(row.communities), existing))
    lost = before - after
    if not lost:
        return []
    others = db.session.execute(
        select(liaison_community.c.community_id, liaison_community.c.member_id)
        .join(Member, Member.id == liaison_community.c.member_id)
        .where(liaison_community.c.community_id.in_(sorted(lost)),
               Member.active.is_(True), Member.role == Role.liaison))
    lost -= {community_id for community_id, member_id in others if member_id not in in_file}
    bare = [c for c in lookups.communities.values() if c.id in lost and c.active]
    return [(c.id, c.name) for c in sorted(bare, key=lambda c: (c.sort_key, c.id))]


def _values(row: ImportRow, unit: Unit, role: Role, existing: Member | None = None) -> dict:
    values = {"name": row.name, "unit_id": unit.id, "branch": row.branch or None, "role": role}
    on_roll = _roll(row.on_roll) if row.on_roll else None
    if on_roll is not None:
        values["on_roll"] = on_roll
    elif existing is None:
        values["on_roll"] = Member.on_roll_by_default(role)
    return values


def _note_namesakes(rows: list[ImportRow], lookups: _Lookups) -> None:
    """A note on each new row whose 姓名, 单位 and 党支部 are an existing account's (not a
    merged one), or another new row's of the same file: likely one person under another
    number — the duplicate that later needs 合并账号. A note, not a refusal: two people
    of one name in one 党支部 happen."""
    new = [row for row in rows if row.action == "create"]
    in_file: dict[tuple, list[ImportRow]] = {}
    for row in new:
        in_file.setdefault((row.name, lookups.units[row.unit].id, row.branch), []).append(row)
    for same in in_file.values():
        for row in same if len(same) > 1 else ():
            unit = lookups.units[row.unit]
            row.notes.append(str(_l("第%(lines)s行也将新增%(place)s的%(name)s：如为同一人，"
                                    "请核对手机号，不要重复新增。",
                                    lines=str(_l("、")).join(str(o.line) for o in same if o is not row),
                                    place=unit.name + row.branch, name=row.name)))
    names = sorted({row.name for row in new})
    found: dict[tuple, list[Member]] = {}
    for start in range(0, len(names), PHONE_CHUNK):
        for member in db.session.scalars(
                select(Member).where(Member.name.in_(names[start:start + PHONE_CHUNK]))
                .order_by(Member.id)):
            found.setdefault((member.name, member.unit_id, member.branch or ""), []).append(member)
    merged = set(db.session.scalars(select(MemberMerge.member_id).where(MemberMerge.member_id.in_(
        [m.id for ms in found.values() for m in ms])))) if found else set()
    for row in new:
        unit = lookups.units[row.unit]
        same = [m for m in found.get((row.name, unit.id, row.branch), []) if m.id not in merged]
        if same:
            row.notes.append(str(_l("%(place)s已有同名账号%(accounts)s：如为同一人，"
                                    "请核对手机号，不要重复新增。",
                                    place=unit.name + row.branch,  # 县商务局第二党支部
                                    accounts=str(_l("、")).join(
                                        f"{m.name}（{m.masked_phone}）" for m in same))))


def _action(row, existing, unit, role, community_names) -> str:
    if existing is None:
        return "create"
    same = all(getattr(existing, k) == v for k, v in _values(row, unit, role, existing).items())
    current = sorted(c.name for c in existing.communities)
    wanted = current if role == Role.liaison and not community_names else sorted(
        community_names if role == Role.liaison else [])
    return "same" if same and current == wanted else "update"


# --- writing ---------------------------------------------------------------------------

@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    # (id, name) of the communities the import left with no active liaison
    without_liaison: list[tuple[int, str]] = field(default_factory=list)
    # the dated changes of the roll it made (``roll.Change``: a member added from a day,
    # a move or 计入参与统计 from its 自何日起), for the page to name the 已定稿 months
    # and years whose page now says 「定稿后数据有变化」, as the member form's save does
    roll_changes: list = field(default_factory=list)
    merged: int = 0  # rows left out: the number is a merged account's (合并账号)
    # the members whose 姓名 or 党支部 it changed: the signed documents that may print
    # them are asked too (``summary_notes.final_naming_many``), as after the member form
    renamed: list = field(default_factory=list)
    # the 已定稿 月报 and 年度总结 it may change (``roll.Corrected``), found under the
    # members' locks by the preview's rule — the set 确认导入 confirmed (``promised``):
    # what the message after the import tells of (``admin.told.foreseen_messages``)
    signed: object = None


SIGNED_CHANGED = _l("预览之后，这次导入涉及的已定稿月报或年度总结有了变化，未导入任何数据。"
                    "请查看预览中重新列出的月报和年度总结，核对后再确认导入。")


class SignedChangedSincePreview(roll.NamedSince):
    """The import is refused whole: the 已定稿 月报 and 年度总结 it may change (``signed``,
    found under the members' and the months' locks) are not those its preview named
    (``promised``, ``ImportPreview.promise``) — one 定稿 or reopened since, a first task
    recorded (new members now join today, not since always), a need moved —: every
    page's refusal over its key (``roll.NamedSince``). The preview, read again after the
    rollback, names them afresh and carries their new promise; its words are of that
    read (``said_afresh``), not of this one: a month signed under these locks may be
    re-opened before the preview is read (stale52, as since51)."""

    def __init__(self, signed, promised: str, actor: Member | None):
        # the preview's words, ending on its 确认导入 (then54: no default ``Then``)
        super().__init__(signed, SIGNED_CHANGED, promised, actor, then=reopened.THEN_IMPORT)


def said_afresh(asked: str, signed, actor: Member):
    """What the preview read again says first after 确认导入 was refused for what it named
    (``SignedChangedSincePreview``): ``signed``, what the import may change now, read
    with the preview after the rollback, against ``asked``, what 确认导入 posted
    (``asked_key``: the list, ``roll.named_key``, beside its digest; the digest alone
    from a page that posted no list) — ``roll.said_since``'s words, as every page's, in
    the preview's (``reopened.THEN_IMPORT``): naming something more, the preview's own
    sentence pointing at its list (``SIGNED_CHANGED``); the very list again (signed under
    the import's locks, re-opened after its rollback), that nothing on it changed; a
    month it listed re-opened, which (as the member form says it; stale53); naming
    nothing, the import is an ordinary one now, to be confirmed again knowingly
    (``THEN_IMPORT.none``), never 「请查看预览中重新列出的…」 over no list."""
    if asked and asked == signed_promise(signed):  # a bare digest, of the same list
        return reopened.THEN_IMPORT.same
    return roll.said_since(asked, signed, SIGNED_CHANGED, actor=actor, then=reopened.THEN_IMPORT)


def asked_key(promised: str, listed: str | None) -> str:
    """What a refused 确认导入's words are read against: ``listed``, the ``roll.named_key``
    its preview posted beside the digest (``promised``), when it is the list of that
    digest; else the digest (a post of no preview of ours, or of one before the list was
    posted: the words then cannot say which month was re-opened). Nothing is compared by
    it: the import's compare is of the digest."""
    if listed and key_promise(listed) == promised:
        return listed
    return promised


def listed_key(signed) -> str:
    """What a preview posts beside its digest (``asked_key``): the ``roll.named_key`` of
    ``signed``, or "" past what a refusal's words read of a key
    (``reopened.MAX_NAMED_PARTS`` parts, ``MAX_NAMED_LENGTH`` characters — the other
    naming pages' rule): a county's import of many units over many years names more, and
    a list no word would read is not posted (nor held to a form field's size); its
    refusal says the digest's words. The import is confirmed by the digest either way."""
    key = roll.named_key(signed)
    parts = reopened.key_parts(key)
    if len(parts) > reopened.MAX_NAMED_PARTS or len(key) > reopened.MAX_NAMED_LENGTH:
        return ""
    return key


def signed_promise(signed) -> str:
    """The promise of an import's ``signed`` (``roll.Corrected``): a digest of what its
    preview named (``roll.named_key``), "" for nothing signed. A digest, not the list:
    an import of many units over many months names many — the list rides beside it, for
    the words of a refusal only (``asked_key``)."""
    return key_promise(roll.named_key(signed))


def key_promise(key: str) -> str:
    """``signed_promise`` of a ``roll.named_key``: of the items in one order (their set is
    the promise, not the order the rows asked them in), "" for none."""
    named = ",".join(sorted(filter(None, (roll.bare_key(key) or "").split(","))))
    return hashlib.sha256(named.encode()).hexdigest()[:32] if named else ""


def import_members(actor: Member | None, rows: list[ImportRow],
                   shown: dict[str, list | None] | None = None,
                   promised: str | None = None) -> ImportResult:
    """All or nothing. ``actor`` None means the command line (trusted, audited as system).

    ``shown``: what the preview the admin confirms showed of each row's member
    (``ImportPreview.shown``). Under the members' locks, the import is refused whole
    (``ChangedSincePreview``, nothing written) when any of them changed since — their
    form saved, another import, 停用, a 更正日期 — or a new member's 手机号 was
    registered: the file's values would be written over a change the admin never saw.
    None (the command line: it checks and imports in one go) asks nothing of the kind.

    ``promised``: what the preview named of the 已定稿 月报 and 年度总结 the import may
    change (``ImportPreview.promise``; "" for none). Found again by the same rule
    (``foresee_signed``) under the members' locks and then the months' share locks
    (``lock=True``: a 定稿 committed within this request is named, a later one waits
    for the import), the import is refused whole (``SignedChangedSincePreview``) when
    they are others now. None (the command line) asks nothing."""
    if actor is not None and (not actor.is_admin or not actor.active):
        raise PermissionDenied(_l("只有单位管理员可以导入党员。"))
    lookups = _lookups(rows)
    # the members it changes locked and read again before their rows are checked: an
    # admin's move or 更正日期 of one of them at the same moment is then either in the
    # history the check reads, or waits for the import (``roll.lock_member``)
    roll.lock_members(lookups.members.values())
    if shown is not None and (changed := _changed_since_preview(rows, lookups, shown)):
        raise ChangedSincePreview(changed)
    # the signed documents asked last, under the months' share locks after the members'
    # (design.md's lock order): a 定稿 committed since the preview, even within this
    # request, is named; one coming later waits and signs what this imports
    preview = check_rows(rows, actor, lookups, lock=True)
    if not preview.ok:
        raise ServiceError(lazy_ngettext("有%(n)d行存在错误，未导入任何数据。请修改后重新上传。",
                                         "有%(n)d行存在错误，未导入任何数据。请修改后重新上传。",
                                         len(preview.error_rows) or 1,
                              n=len(preview.error_rows) or 1))
    if promised is not None and preview.promise != promised:
        raise SignedChangedSincePreview(preview.signed, promised, actor)
    created, updated = [], []
    chosen = {row.phone for row in preview.rows if row.unit_chosen}
    # A new member joins the roll on 自何日起, else today, or since always while no work
    # is recorded (the first roll); a move or a changed 计入参与统计 takes effect on
    # 自何日起, else today.
    joins, today = roll.join_day(), local_today()
    days = {}
    left: set[int] = set()  # communities of the liaisons the import changes
    changed, demoted = [], []  # a new role or unit; a staff role lost
    renamed = []  # a 姓名 or 党支部 that signed documents may print, made other
    for row in preview.rows:
        if row.action in ("same", "merged"):  # nothing to write; a merged account's row is left out
            continue
        unit = lookups.units[row.unit]
        member = lookups.members.get(row.phone)
        day = read_day(row.roll_from)
        role = _wanted_role(row, member)
        names = _community_names(row.communities)
        if member is None:
            member = Member(phone=row.phone, password_hash=None, active=True,
                            **_values(row, unit, role))
            roll.start(member, day if day is not None else joins)
            db.session.add(member)
            created.append(member)
        else:
            if member.active and member.role == Role.liaison:
                left.update(c.id for c in member.communities)
            before = member.role, member.unit_id
            printed = member.name, member.branch or ""
            for key, value in _values(row, unit, role, member).items():
                setattr(member, key, value)
            updated.append(member)
            if (member.name, member.branch or "") != printed:
                renamed.append(member)
            if (member.role, member.unit_id) != before:
                changed.append(member)
            if member.role != before[0] and before[0] in STAFF_ROLES \
                    and member.role != Role.admin:
                demoted.append(member)
        days[row.phone] = day
        if role != Role.liaison:
            member.communities = []
        elif names:
            member.communities = [lookups.communities[n] for n in names]
    db.session.flush()
    # as the member form does (``directory.update_member``): the links made for a member
    # whose role or unit changed die, and those a demoted liaison or admin made
    revoke_links(actor, "member_import", of=changed, made_by=demoted)
    moved_on = {}
    for member in updated:
        day = days[member.phone] or today
        if roll.settle(member, day):
            moved_on[member.id] = day.isoformat()
    for member in created:
        current = roll.open_period(member)
        record(actor, "import_create", member, role=member.role, unit_id=member.unit_id,
               on_roll=member.on_roll,
               roll_from=current.since.isoformat() if current and current.since else None,
               **_unit_chosen(member, chosen))
    for member in updated:
        record(actor, "import_update", member, role=member.role, unit_id=member.unit_id,
               on_roll=member.on_roll,
               **({"roll_from": moved_on[member.id]} if member.id in moved_on else {}),
               **_unit_chosen(member, chosen))
    db.session.flush()
    dated = [change for member in created + updated
             if (member in created or member.id in moved_on)
             and (change := roll.last_change(member)) is not None]
    return ImportResult(len(created), len(updated), preview.count("same"),
                        _without_liaison(left), dated, preview.count("merged"), renamed,
                        preview.signed)


def merged_left_out(n: int):
    """What the preview, the import's message and the command say of the rows left out
    because their number is a merged account's."""
    return lazy_ngettext("%(n)d行的手机号属于已合并的账号，不导入。",
                         "%(n)d行的手机号属于已合并的账号，不导入。", n, n=n)


def _unit_chosen(member: Member, chosen: set[str]) -> dict:
    """The audit's word that the member's unit came from the upload form's choice, not
    from the file (which had no 单位 column)."""
    return {"unit_chosen": True} if member.phone in chosen else {}


def _without_liaison(community_ids: set[int]) -> list[tuple[int, str]]:
    """Of ``community_ids``, those no active liaison answers for now (the member form's
    rule, asked of the database after the import's writes)."""
    from ..admin.queries import communities_without_liaison

    return communities_without_liaison(community_ids) if community_ids else []


# --- the template ------------------------------------------------------------------------

def template_xlsx(unit_names: list[str]) -> bytes:
    """An empty import sheet (phone as text, role as a list) and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "党员名单"
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (12, 16, 20, 24, 14, 30, 14, 14)):
        sheet.column_dimensions[letter].width = width
    for row in range(2, 2001):
        sheet.cell(row=row, column=2).number_format = "@"  # keep phones as text
        sheet.cell(row=row, column=8).number_format = "yyyy-mm-dd"
    roles = DataValidation(type="list", formula1='"党员干部,社区联络员,单位管理员"', allow_blank=True)
    sheet.add_data_validation(roles)
    roles.add("E2:E5000")
    roll_choice = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    sheet.add_data_validation(roll_choice)
    roll_choice.add("G2:G5000")
    sheet.freeze_panes = "A2"

    notes = book.create_sheet("填写说明")
    # one line a row, each as text: the unit names are typed by admins (新增单位), and
    # ``sheet.append`` would store one beginning with "=" as a live formula
    lines = ["填写说明", *TEMPLATE_NOTES, None, "系统中的单位", *unit_names]
    for row, line in enumerate(lines, start=1):
        if line is not None:
            put_text(notes.cell(row=row, column=1), line)
    notes.column_dimensions["A"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
