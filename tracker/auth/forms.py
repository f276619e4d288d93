from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

PHONE = Regexp(r"^1\d{10}$", message=_l("请输入11位手机号。"))
COMMON_PASSWORDS = {
    "12345678", "123456789", "1234567890", "87654321", "11111111", "00000000",
    "88888888", "66666666", "password", "password1", "qwertyui", "qwerty123",
    "abcd1234", "a1234567", "aa123456", "1qaz2wsx", "iloveyou", "woaini1314",
    "demo1234", "abc12345", "admin123", "12341234", "11223344", "asdfghjk",
}


class LoginForm(FlaskForm):
    phone = StringField(_l("手机号"), validators=[DataRequired(_l("请输入手机号。")), PHONE],
                        render_kw={"inputmode": "numeric", "autocomplete": "username"})
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。"))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("在这台手机上保持登录"), default=True)


def strong_password(_form, field):
    value = field.data or ""
    if value.lower() in COMMON_PASSWORDS or len(set(value)) < 4:
        raise ValidationError(_l("密码太常见或太简单，请换一个。"))


def new_password_field():
    return PasswordField(
        _l("新密码"),
        validators=[DataRequired(_l("请输入新密码。")),
                    Length(min=8, max=128, message=_l("密码长度须为8到128个字符。")),
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


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))],
                            render_kw={"autocomplete": "current-password"})
    new_password = new_password_field()
    confirm = confirm_field()
