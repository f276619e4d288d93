from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Regexp, ValidationError


from ..phones import MOBILE_RE, mobile_or_typed
from ..services import ServiceError
from ..services.passwords import check_policy

PHONE = Regexp(MOBILE_RE, message=_l("请输入11位手机号。"))


class LoginForm(Form):
    # 「138 0000 0002」, 「+86 …」, full-width digits, a blank pasted along: the number
    # as stored (``phones``), so the throttle counts them as one account too
    phone = StringField(_l("手机号"), filters=[mobile_or_typed],
                        validators=[DataRequired(_l("请输入手机号。")), PHONE],
                        render_kw={"inputmode": "numeric", "autocomplete": "username"})
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。"))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("在这台手机上保持登录"), default=True)


def strong_password(_form, field):
    """The policy of ``services/passwords.py`` (the service checks the phone number too)."""
    try:
        check_policy(field.data or "", None)
    except ServiceError as error:
        raise ValidationError(error.message) from None


def new_password_field():
    return PasswordField(
        _l("新密码"),
        validators=[DataRequired(_l("请输入新密码。")),
                    strong_password],
        render_kw={"autocomplete": "new-password"},
    )


def confirm_field():
    return PasswordField(
        _l("再次输入新密码"),
        validators=[DataRequired(_l("请再次输入新密码。")),
                    EqualTo("new_password", message=_l("两次输入的密码不一致。"))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(Form):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))],
                            render_kw={"autocomplete": "current-password"})
    new_password = new_password_field()
    confirm = confirm_field()
