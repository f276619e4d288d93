"""Form fields shared by every area's forms.

Number and date fields parse their own input so that every refusal is a Chinese
message (WTForms' built-in "Not a valid integer" must not reach a user), and keep
what was typed so the page can show it again.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .i18n import lazy_gettext as _l
from .form import Form
from wtforms import (DateField, HiddenField, SearchField, SelectField, SelectMultipleField,
                     StringField)
from wtforms.validators import InputRequired, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .formatting import hours as fmt_hours
from .security import record_id_or_none
from .services.cell_dates import TOO_EARLY, NotADay, read_day, too_early

MAX_COUNT = 1_000_000
MAX_HOURS = Decimal(24)
HALF_HOUR = Decimal("0.5")
NOTE_MAX = 2000
CHOOSE = _l("请从列表中选择。")  # a choice that is not one of the list's
# What a whole-number field accepts: ASCII or full-width digits only. Not ``\d``, which
# also matches other scripts' digits (「٣٠٠」 was saved as 300 while the form showed
# something else: review "resources" #4), as money refuses them (``money._AMOUNT``).
# Any number of digits: a number too long is still a whole number, refused by its
# field's range (「请输入0到1000000之间的整数。」), not as if it were not one (review
# "walk", #3).
WHOLE_NUMBER = re.compile(r"[+-]?[0-9０-９]+")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
WHOLE_NUMBER_MESSAGE = _l("请输入整数（只能填写数字）。")
# More significant digits than this is beyond every range a field checks (the widest,
# a 资源清单 target's 100,000,000), so the number is read as ±10**BEYOND_DIGITS: the
# range refuses it all the same, and no int of thousands of digits is built (``int()``
# refuses 4,300+ digits with an English ValueError; nothing that long reaches the
# database).
BEYOND_DIGITS = 18


def parse_whole_number(text: str) -> int:
    """What a whole-number field reads from ``text`` (stripped, not empty): an int, or
    ValueError with the Chinese message when it is not ASCII or full-width digits. The
    caller compares it with its range; a number of more than ``BEYOND_DIGITS`` digits
    reads as one just as far out of it."""
    if not WHOLE_NUMBER.fullmatch(text):
        raise ValueError(WHOLE_NUMBER_MESSAGE)
    digits = text.translate(_FULL_WIDTH_DIGITS)
    sign = -1 if digits[0] == "-" else 1
    digits = digits.lstrip("+-").lstrip("0") or "0"
    if len(digits) > BEYOND_DIGITS:
        return sign * 10 ** BEYOND_DIGITS
    return sign * int(digits)

# Number fields are text inputs with a numeric keyboard, never ``type=number``: a number
# input drops what it cannot read, so a Chinese number pad's 「，」 or 「。」 for the
# decimal point turned 「0，5」 into 5 before the server saw it (and 「1..5」 into
# nothing). The server's parsing is the only reading of what was typed; ``pattern``
# only describes it (the forms are ``novalidate``). Digits may be full-width.
DIGITS = "[0-9０-９]"
DECIMAL_MARKS = ".,，。．"  # what a phone keyboard may type for the decimal point
WHOLE_NUMBER_PATTERN = rf"\s*[+\-]?{DIGITS}+\s*"
HOURS_PATTERN = rf"\s*{DIGITS}*([{DECIMAL_MARKS}]{DIGITS}*)?\s*"
# What HoursField reads once the decimal marks are "." (a sign only to say "须大于0"):
# not Decimal's own grammar, which also takes other scripts' digits (「٢」), exponents
# (「1e1」) and underscores (「1_0」).
_HOURS_TEXT = re.compile(rf"[+-]?(?={DIGITS}|\.{DIGITS}){DIGITS}*(\.{DIGITS}*)?")


# Characters a Word or Excel file cannot hold (XML 1.0 refuses them: python-docx and
# openpyxl raise): the C0 controls other than tab, LF and CR, lone surrogates, and the
# non-characters U+FFFE and U+FFFF. A vertical tab or a form feed is what Word and WPS
# put in copied text for a line or page break (Shift+Enter): it becomes a line break.
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """``value`` without the characters a document cannot hold: a vertical tab or a
    form feed is a line break, the other control characters are dropped. Used on the
    way in (``strip_text``, imports) and on the way out (the .docx and .xlsx writers,
    for text stored before)."""
    if _UNFIT.search(value) is None:
        return value
    return _DROPPED.sub("", value.translate(_BREAKS))


def put_text(cell, value) -> None:
    """Write text into a spreadsheet cell (openpyxl) as text, never as a formula:
    openpyxl stores a string that begins with "=" as one, and Excel runs it — a unit
    or task name typed as ``=HYPERLINK(...)`` would be a live link in the download
    (security review, session 49, finding 2). Every .xlsx the app writes puts the text
    people typed through here (``reports.xlsx_export.put``, the member template)."""
    cell.value = "" if value is None else clean_text(str(value))
    cell.data_type = "s"


def strip_text(value):
    """A WTForms filter for typed text: surrounding blanks are not part of what was
    meant, and control characters pasted with it are not text (``clean_text``). For a
    field of several lines (说明, 情况说明); a one-line field takes ``strip_line``."""
    return clean_text(value).strip() if isinstance(value, str) else value


# What ends a line, to Python (``str.splitlines``) and to a mail header: CR, LF, VT,
# FF, the file/group/record separators, NEL and the Unicode line and paragraph
# separators. A title is one line: one with a break in it made the reminder e-mail's
# Subject refused by the mail library, and that stopped the whole reminder run
# (review37 F1) — and pasted into a form or typed into an Excel cell with Alt+Enter,
# such a break is never meant.
_LINE_BREAKS = re.compile("[ \t]*[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+[ \t]*")


def one_line(value: str) -> str:
    """``value`` on one line: each run of line breaks (with the blanks around it) is one
    space. 「楼道清理\n第二行」 → 「楼道清理 第二行」."""
    return _LINE_BREAKS.sub(" ", value)


def strip_line(value):
    """A WTForms filter for a one-line field (a title, a place, a name): ``strip_text``,
    and any line break in it a space (``one_line``)."""
    return one_line(clean_text(value)).strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (rendered by the forms macro) with Chinese refusals."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            self.data = [self.coerce(x) for x in valuelist]
        except (TypeError, ValueError):
            self.data = []
            raise ValueError(_l("所选内容无效，请重新选择。")) from None

    def pre_validate(self, form):
        if not self.data:
            return
        acceptable = {self.coerce(choice[0]) for choice in self.iter_choices()}
        if any(value not in acceptable for value in self.data):
            raise ValidationError(_l("所选内容无效，请重新选择。"))


class WholeNumberField(StringField):
    """A required whole number in [minimum, maximum]; text is refused in Chinese."""

    def __init__(self, label=None, *, minimum: int = 0, maximum: int = MAX_COUNT,
                 required_message=None, **kwargs):
        render_kw = {"type": "text", "inputmode": "numeric", "pattern": WHOLE_NUMBER_PATTERN,
                     "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, render_kw=render_kw, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.required_message = required_message or _l("请填写此项。")
        self.flags.required = True

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        if not raw:
            return
        self.data = parse_whole_number(raw)

    def process_data(self, value):
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            raise StopValidation(self.required_message)
        if not self.minimum <= self.data <= self.maximum:
            raise StopValidation(
                _l("请输入%(low)s到%(high)s之间的整数。", low=self.minimum, high=self.maximum)
            )


class HoursField(StringField):
    """服务时长 in hours, 0.5 h steps; ``data`` is a Decimal, never a float.

    The most it takes is the activity's length where its form knows it (the form's
    ``activity_minutes``: ``claims.task_span_minutes`` of the task, or of the times
    typed on the 补录 form), else 24 hours. The stricter limit is the one named: a
    member told 「不能超过24小时」 for a 3-hour activity retyped 4 and was refused again
    (review "walk", #4)."""

    def __init__(self, label=None, **kwargs):
        render_kw = {"type": "text", "inputmode": "decimal", "pattern": HOURS_PATTERN,
                     "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, render_kw=render_kw, **kwargs)
        self.flags.required = True

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        for dot in DECIMAL_MARKS[1:]:  # a phone keyboard may type these for "."
            raw = raw.replace(dot, ".")
        if not raw:
            return
        if not _HOURS_TEXT.fullmatch(raw):
            raise ValueError(_l("服务时长须为数字，例如 2 或 2.5。"))
        self.data = Decimal(raw.translate(_FULL_WIDTH_DIGITS))

    def process_data(self, value):
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data.normalize():f}"

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            raise StopValidation(_l("请填写服务时长。"))
        if self.data <= 0:
            raise StopValidation(_l("服务时长须大于0。"))
        limit = getattr(form, "activity_minutes", None)
        if limit is not None and self.data * 60 > limit:
            # the service's words (``claims.check_minutes``), said before it is reached
            raise StopValidation(_l("服务时长不能超过活动时长（%(hours)s小时）。",
                                    hours=fmt_hours(limit)))
        if self.data > MAX_HOURS:
            raise StopValidation(_l("服务时长不能超过24小时。"))
        if self.data % HALF_HOUR != 0:
            raise StopValidation(_l("服务时长须为0.5小时的整数倍，例如 1.5 或 2。"))

    @property
    def minutes(self) -> int | None:
        """Whole minutes, computed exactly with Decimal."""
        if self.data is None:
            return None
        return int((self.data * 60).to_integral_value())


class ChoiceField(SelectField):
    """A select of record ids (``security.record_id_or_none``: text, or an id past the
    database's INTEGER, is no id); anything not offered gets a Chinese message:
    ``message`` when nothing was chosen (and ``required``), ``invalid`` (by default
    ``message``) when what came is not one of the choices. ``parse`` reads a value
    (``EnumField`` reads an enum's)."""

    @staticmethod
    def parse(value):
        """The submitted value as the choices' values compare, or None: nothing chosen,
        or nothing readable."""
        return record_id_or_none(value)

    def __init__(self, label=None, *, message, invalid=None, required=True, **kwargs):
        super().__init__(label, coerce=self.parse, validate_choice=False, **kwargs)
        self.message = message
        self.invalid = invalid or message
        self.required = required
        self.flags.required = required

    def process_formdata(self, valuelist):
        raw = (valuelist[0] or "").strip() if valuelist else ""
        self.data = self.parse(raw)
        self.garbled = bool(raw) and self.data is None

    def pre_validate(self, form):
        if getattr(self, "garbled", False):
            raise StopValidation(self.invalid)
        if self.data is None:
            if self.required:
                raise StopValidation(self.message)
            return
        offered = {self.parse(choice[0]) for choice in self.iter_choices()}
        if self.data not in offered:
            raise StopValidation(self.invalid)


class LenientSelectField(SelectField):
    """A filter select: an unknown or malformed value means "no filter", silently."""

    def process_formdata(self, valuelist):
        try:
            self.data = self.coerce(valuelist[0]) if valuelist and valuelist[0] else None
        except (TypeError, ValueError):
            self.data = None

    def pre_validate(self, form):
        if self.data is not None and self.data not in {c[0] for c in self.choices or []}:
            self.data = None


class LocalDateField(DateField):
    """A date. What a browser's date picker sends (2026-12-03) first; typed into a text
    box (no picker: an old WeChat/X5 build, JS off) it is read as the imports read a
    date cell (``cell_dates.read_day``: 2026/12/3, 2026年12月3日, full-width digits), so
    the form takes what the import takes.

    A day before the house's floor (``timeutil.EARLIEST_DAY``) is refused with
    ``early_message`` (default ``cell_dates.TOO_EARLY``), what was typed kept — unless
    it is the stored day the form was filled with (``object_data``: a row older than
    the floor is re-saved as it is, not forced to change)."""

    def __init__(self, label=None, validators=None, *, early_message=TOO_EARLY, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.early_message = early_message

    def pre_validate(self, form):
        if too_early(self.data) and self.data != self.object_data:
            raise StopValidation(self.early_message)

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            super().process_formdata([valuelist[0].strip()])
        except ValueError:
            try:
                self.data = read_day(valuelist[0])
            except NotADay:
                self.data = None
                raise ValueError(_l("日期格式不正确，请按“年-月-日”填写。")) from None


class DayRequired(InputRequired):
    """``InputRequired`` for a ``LocalDateField``: a box of blanks (what a text box on
    an old WeChat build sends when cleared) is no date either, so the form asks for one
    instead of passing ``None`` on; a day typed but not read keeps its own message."""

    def __call__(self, form, field):
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


class VersionField(HiddenField):
    """A version key: the stored state the page was read under (``roll.shown_key``,
    ``directory.member_shown_key``), posted back so that a change another made since is
    refused (or, for the member form's fields, merged with: kept where the post left a
    field as shown), not written over. Rendered marked ``data-draft-version``: the device draft
    (static/js/drafts.js) keeps the page's keys with what was typed.

    Two kinds, and the draft treats them apart:

    - plain (the default: the roll's ``roll_shown`` and ``change``, 定稿's ``shown``):
      any change since refuses the post, so a draft typed under other keys is not put
      back on a page read again — its old values would be posted under the new keys and
      saved over the change the keys exist to protect;
    - ``merge=True`` (``data-draft-version="merge"``): the key of a three-way merge
      (``services/shown.py``: a form's ``shown``). Posted with the key the draft was
      typed under, the server keeps another's change in every field the draft left
      alone and refuses a real conflict on the stale page, so such a draft is put back
      with its own key, not thrown away.

    A merge key the server has just refused over another's change (``refuse``) and that
    the page shows again unchanged — the member form's, which stays refused until the
    page is read again — is rendered plain: a draft typed under it must not come back
    under it on the page read again, where it would only be refused once more."""

    def __init__(self, *args, merge: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.merge = merge
        self.refused = None  # the key value the server refused, while the page shows it

    def refuse(self) -> None:
        """The post carrying this key was refused over another's change (``shown.StaleEdit``
        or the member form's refusal): while the page shows the same key, it is plain."""
        self.refused = self.data

    def __call__(self, **kwargs):
        merging = self.merge and (self.refused is None or self.data != self.refused)
        kwargs.setdefault("data-draft-version", "merge" if merging else True)
        # what the form says when a draft typed under other keys is not put back: with
        # the keys, so a form without them (the 补录申请 form's) does not carry it
        kwargs.setdefault("data-draft-outdated", str(_l("本机草稿填写于该记录被修改之前，已不再恢复；页面显示的是现在的内容，请核对后重新填写。")))
        if merging:
            # what the form says when a draft comes back under this key (here, not on
            # <body> with drafts.js's other notes: a page without a merge key pays
            # nothing for the words — a member's first load has a budget)
            kwargs.setdefault("data-draft-note", str(_l("已恢复本机保存的草稿；该记录此后有过修改，保存时会与之核对。")))
        return super().__call__(**kwargs)


KEYWORD_MAX = 30  # a keyword longer than this is a paste, not a search


def keyword_field(label, description=None):
    """The keyword box of a list page's GET filter: trimmed, clipped, empty = no filter."""
    return SearchField(label, description=description,
                       filters=[lambda value: (value or "").strip()[:KEYWORD_MAX] or None])


class EmptyForm(Form):
    """A POST that carries only its CSRF token (mark read, retry, a new feed address)."""
