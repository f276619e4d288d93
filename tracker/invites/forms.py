from ..i18n import lazy_gettext as _l
from ..form import Form

from ..auth.forms import confirm_field, new_password_field
from ..fields import MultiCheckboxField
from ..security import record_id


class SetPasswordForm(Form):
    new_password = new_password_field()
    confirm = confirm_field()


class IssueForm(Form):
    members = MultiCheckboxField(_l("党员"), coerce=record_id)
