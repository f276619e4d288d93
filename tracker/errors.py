"""Error pages in the user's language; the 500 handler rolls the session back."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from .extensions import db

MESSAGES = {
    400: lambda: (_("请求有误"), _("提交的内容无法处理，请返回重试。")),
    403: lambda: (_("无权访问"), _("您没有权限查看或操作这个页面。")),
    404: lambda: (_("页面不存在"), _("您要找的内容不存在或已被删除。")),
    405: lambda: (_("操作方式不正确"), _("请通过页面上的按钮进行操作。")),
    413: lambda: (_("文件太大"), _("上传的文件超过了大小限制，请压缩后重试。")),
    429: lambda: (_("操作过于频繁"), _("尝试次数过多，请稍后再试。")),
    500: lambda: (_("系统出错了"), _("服务器遇到问题，请稍后重试。我们已记录此错误。")),
}


def _page(code: int, detail: str | None = None):
    title, message = MESSAGES[code]()
    if request.path.startswith("/healthz") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=detail or message), code
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def register(app) -> None:
    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda e, code=code: _page(code))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _page(400, _("页面已过期，请返回上一页刷新后重新提交。"))

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return _page(500)
