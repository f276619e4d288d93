from ..i18n import lazy_gettext as _l
from ..form import Form
from flask_wtf.file import FileField, FileRequired

from ..fields import CHOOSE, ChoiceField, VersionField


class MemberUploadForm(Form):
    file = FileField(_l("党员名单文件（.xlsx 或 .csv）"),
                     validators=[FileRequired(_l("请选择要上传的文件。"))],
                     render_kw={"accept": ".xlsx,.csv"})
    # a bureau's own roster names its unit in the title, not in a column
    unit = ChoiceField(_l("名单中没有“单位”列时，全部计入"), message=CHOOSE, required=False,
                       description=_l("名单中有“单位”列时不使用此项，各行按名单中的单位导入。"))

    def __init__(self, *args, units=(), **kwargs):
        """``units``: the active units offered; the only one is chosen already."""
        super().__init__(*args, **kwargs)
        self.unit.choices = [("", _l("不选"))] + [(str(u.id), u.name) for u in units]
        if len(units) == 1 and not self.is_submitted():
            self.unit.data = units[0].id

    def chosen_unit(self, units) -> str:
        """The name of the unit chosen (one of ``units``), or ""."""
        return next((u.name for u in units if u.id == self.unit.data), "")


class LedgerUploadForm(Form):
    file = FileField(_l("台账文件（.xlsx）"),
                     validators=[FileRequired(_l("请选择要上传的文件。"))],
                     render_kw={"accept": ".xlsx,.csv"})


class ConfirmImportForm(Form):
    """Only the CSRF token: the rows were kept on the server at upload."""


class ConfirmLedgerImportForm(ConfirmImportForm):
    """补录 from the 台账's confirmation: what its preview named of the 已定稿 月报 and
    年度总结 the import changes (``member_import.signed_promise`` of
    ``named_first.import_places_signed``, "" for none), posted back and asked again by
    the import (as the member import's ``promised``); ``listed``, the list it digests,
    as the member import's."""

    named = VersionField()
    listed = VersionField()


class ConfirmMemberImportForm(ConfirmImportForm):
    """The member import's confirmation: which preview it confirms (the digest of what
    that page showed of the file's members, kept on the server with the rows), and what
    it named of the 已定稿 月报 and 年度总结 the import may change (``promised``:
    ``member_import.signed_promise``, "" for none), as the member form's. ``listed``:
    the ``roll.named_key`` the digest is of, posted beside it for a refusal's words
    alone — which month was re-opened since (``member_import.asked_key``); the import
    compares the digest. Its size is the other naming pages' key's: a county's few
    hundred units' months, read for words up to ``reopened.MAX_NAMED_PARTS``."""

    shown = VersionField()
    promised = VersionField()
    listed = VersionField()
