"""Forms of the reminder administration: a community's work-group robot."""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import PasswordField, RadioField
from wtforms.validators import DataRequired, Length

from ..fields import VersionField, strip_line


class WebhookForm(Form):
    channel = RadioField(_l("工作群"), choices=[("wecom", _l("企业微信群机器人")),
                                               ("dingtalk", _l("钉钉群机器人"))],
                         default="wecom", validators=[DataRequired(message=_l("请选择。"))])
    # PasswordField: the saved URL is never sent back to the browser, not even in a form.
    url = PasswordField(_l("Webhook 地址"), filters=[strip_line],
                        validators=[DataRequired(message=_l("请粘贴 Webhook 地址。")),
                                    Length(max=500)],
                        description=_l("在群设置 → 群机器人 → 添加机器人后复制。保存后只显示部分地址。"))
    secret = PasswordField(_l("加签密钥（钉钉，可选）"), filters=[strip_line],
                           validators=[Length(max=200)],
                           description=_l("钉钉机器人安全设置选择“加签”时填写，以 SEC 开头。"))
    # the robot the page showed (``notify.webhook_shown_key``): a plain key — a save
    # from a page read before another saved or stopped the robot is refused whole
    shown = VersionField()
