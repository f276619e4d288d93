from ..i18n import lazy_gettext as _l
from ..form import Form
from flask_wtf.file import FileField, FileRequired

from ..fields import VersionField


class MemberUploadForm(Form):
    file = FileField(_l("党员名单文件（.xlsx 或 .csv）"),
                     validators=[FileRequired(_l("请选择要上传的文件。"))],
                     render_kw={"accept": ".xlsx,.csv"})


class LedgerUploadForm(Form):
    file = FileField(_l("台账文件（.xlsx）"),
                     validators=[FileRequired(_l("请选择要上传的文件。"))],
                     render_kw={"accept": ".xlsx,.csv"})


class ConfirmImportForm(Form):
    """Only the CSRF token: the rows were kept on the server at upload."""


class ConfirmMemberImportForm(ConfirmImportForm):
    """The member import's confirmation: which preview it confirms (the digest of what
    that page showed of the file's members, kept on the server with the rows)."""

    shown = VersionField()
