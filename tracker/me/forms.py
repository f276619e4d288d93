"""Forms of the member's own pages: reminder settings."""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import BooleanField, EmailField
from wtforms.validators import Length, Optional

from ..fields import strip_line


def settings_form(kinds, data=None, formdata=None):
    """One switch per reminder kind offered to this member, and where push messages go."""

    class SettingsForm(Form):
        email = EmailField(_l("电子邮箱"), filters=[strip_line],
                           validators=[Optional(), Length(max=120)],
                           description=_l("只用于发送提醒，不会公开。"))
        email_on = BooleanField(_l("用邮件提醒我"))
        sms_on = BooleanField(_l("用短信提醒我"))
        sms_with_email = BooleanField(
            _l("有邮件时也发短信"),
            description=_l("不勾选时，开了邮件提醒就只发邮件，不再为同一条提醒另发短信。"))

    for kind in kinds:
        setattr(SettingsForm, f"kind_{kind.code}",
                BooleanField(kind.label, description=kind.explain))
    return SettingsForm(formdata=formdata, data=data)
