"""On site: the check-in QR code and landing page (签到), and report photos (现场照片).

Records outside the visitor's reach answer 404, like a record that does not exist;
a task the visitor sees (its page) whose code or photos are not theirs answers 403.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import too_many_requests
from ..extensions import db
from ..models import Photo, Task, TaskStatus
from ..models.findings import Finding
from ..services.checkin import (
    check_in,
    checked_in_count,
    checkin_state,
    may_show_code,
    rotate_token,
    sees_task,
    task_for_token,
    window_opens,
)
from ..services.photos import (
    MAX_PHOTOS_PER_TASK,
    add_task_photo,
    finding_photo,
    holds_report_photo,
    may_add_finding_photo,
    may_add_photos,
    may_remove_photo,
    may_view_photos,
    photo_path,
    remove_photo,
    set_finding_photo,
    task_photos,
)
from ..security import public_url_for
from ..throttle import unknown_link_wait
from ..services.residents import may_pick_residents
from ..services.reviews import report_refusal
from ..timeutil import utcnow
from ..view_support import confirmed, no_store, run_service
from .forms import PhotoForm
from .qr import qr_svg

bp = Blueprint("onsite", __name__)

def _private(body, *, secret: bool = False):
    """A page for this visitor only (``private, no-store``, as every signed-in page:
    ``security.private_by_default``); ``secret`` (the check-in code): ``no-store``
    and ``Pragma``, as every page with a secret."""
    response = make_response(body)
    return no_store(response) if secret else response


def _task_or_404(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    return task


def _refuse_unless_photos_seen(task: Task) -> None:
    """Whoever may not see ``task``'s photos gets 403 when they see the task (its page,
    given their participation: ``sees_task``, as for the check-in code — an open task,
    to a member not on it or withdrawn from it), 404 when it is out of their reach."""
    if not may_view_photos(current_user, task):
        # they neither lead nor manage it and hold no slot on it
        abort(403 if sees_task(current_user, task) else 404)


def _refuse_unless_code_shown(task: Task) -> None:
    """The check-in code is the leader's and the task's staff's (``may_show_code``):
    anyone else gets 403 when they see the task (an open one, or one they hold a slot
    on), 404 when it is out of their reach — as its page answers them."""
    if not may_show_code(current_user, task):
        abort(403 if sees_task(current_user, task) else 404)


def _max_mb() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))


@bp.app_context_processor
def onsite_helpers():
    return {"onsite_task_links": task_links, "onsite_report_photos": report_photos}


def task_links(task: Task, holding: bool | None = None) -> list[tuple[str, str]]:
    """The on-site pages of a task the current member may open (for task pages).
    ``holding``: whether she holds a place on it, as the page read her row (None: not
    read); with the task's ``has_report_photo`` read with it, the 现场照片 link costs
    no statement (count48 #4)."""
    if not current_user.is_authenticated:
        return []
    links = []
    reporter = may_show_code(current_user, task)
    if reporter and task.status == TaskStatus.open and task.ends_at > utcnow():
        links.append((_("签到二维码"), url_for("onsite.qr", task_id=task.id)))
    if reporter and task.status != TaskStatus.cancelled and utcnow() >= window_opens(task):
        links.append((_("现场照片"), url_for("onsite.photos", task_id=task.id)))
    elif (not reporter and holds_report_photo(task)
          and may_view_photos(current_user, task, holding=holding)):
        links.append((_("现场照片"), url_for("onsite.photos", task_id=task.id)))
    if may_pick_residents(current_user, task):
        links.append((_("服务对象"), url_for("residents.for_task", task_id=task.id)))
    return links


def report_photos(task: Task, photos=None) -> dict:
    """Thumbnails for a report page, and whether the viewer may add more. ``photos``:
    the task's photos as the page read them already (the liaison's report page reads
    them with the report, ``manage.queries.load_report_page``); else they are read."""
    if not current_user.is_authenticated or not may_view_photos(current_user, task):
        return {"photos": [], "can_add": False, "url": None}
    return {"photos": task_photos(task) if photos is None else photos,
            "can_add": may_add_photos(current_user, task) and task.status != TaskStatus.cancelled,
            "url": url_for("onsite.photos", task_id=task.id)}


# --- check-in ------------------------------------------------------------------------

def _invalid_code():
    """An unknown code: counted, a 404 — a 429 once this address tried too many (a
    known code is served first, whatever others tried from the same address)."""
    wait = unknown_link_wait(request.remote_addr or "")
    if wait:
        return too_many_requests(wait)
    return render_template("onsite/checkin_invalid.html"), 404


@bp.get("/c/<token>")
@login_required
def checkin_landing(token: str):
    """What the QR code opens: the task and one big 签到 button (GET changes nothing
    but the count of unknown codes tried from this address)."""
    task = task_for_token(token)
    if task is None:
        return _invalid_code()
    state = checkin_state(task, current_user)
    return _private(render_template("onsite/checkin.html", task=task, token=token, state=state))


@bp.post("/c/<token>")
@login_required
def checkin(token: str):
    task = task_for_token(token)
    if task is None:
        return _invalid_code()
    if run_service(None, check_in, task, current_user, token):
        flash(_("签到成功。"), "success")
    return redirect(url_for(".checkin_landing", token=token))


@bp.get("/onsite/tasks/<int:task_id>/qr")
@login_required
def qr(task_id: int):
    """The code the leader or liaison shows on their phone."""
    task = _task_or_404(task_id)
    _refuse_unless_code_shown(task)
    link = public_url_for("onsite.checkin_landing", token=task.checkin_token)
    return _private(render_template(
        "onsite/qr.html", task=task, link=link, svg=qr_svg(link),
        checked_in=checked_in_count(task), opens_at=window_opens(task),
    ), secret=True)


@bp.post("/onsite/tasks/<int:task_id>/qr/rotate")
@login_required
def rotate(task_id: int):
    task = _task_or_404(task_id)
    _refuse_unless_code_shown(task)
    if not confirmed():  # asked once (walk10 D13): a code printed or shared stops working
        return render_template(
            "confirm.html", title=_("更换签到码"), task=task, submit=_("确认更换"),
            action=request.path, back=url_for(".qr", task_id=task.id),
            explain=_("更换后，已打印、张贴或转发到群里的旧二维码和签到链接立即失效，"
                      "需要重新打印或转发新的签到码。"))
    if run_service(None, rotate_token, task, current_user):
        flash(_("签到码已更换，旧的签到码不能再使用。"), "success")
    return redirect(url_for(".qr", task_id=task.id))


# --- photos --------------------------------------------------------------------------

def _uploaded(form, save) -> bool:
    """Validate the photo form and store its file with ``save(data)``; True when stored.

    A refusal (bad type, too many pixels …) is put on the form, nothing is kept."""
    if form is None or not form.validate_on_submit():
        return False
    data = form.photo.data.read()
    if not run_service(form, save, data):
        return False
    flash(_("照片已上传。"), "success")
    return True


@bp.route("/onsite/tasks/<int:task_id>/photos", methods=["GET", "POST"])
@login_required
def photos(task_id: int):
    """The report's photos; the leader or liaison may add some (never required)."""
    task = _task_or_404(task_id)
    _refuse_unless_photos_seen(task)
    can_add = may_add_photos(current_user, task)
    if request.method == "POST" and not can_add:
        abort(403)
    form = PhotoForm() if can_add else None
    if _uploaded(form, lambda data: add_task_photo(task, current_user, data)):
        return redirect(url_for(".photos", task_id=task.id))
    # 提交完成's 「添加现场照片（可选）」 leads here before there is a report: the way back
    # to that form is offered as soon as it can be sent, not only once it was (walk55 #2)
    back_to_report = can_add and (task.report is not None or report_refusal(task) is None)
    return _private(render_template(
        "onsite/photos.html", task=task, photos=task_photos(task), form=form,
        max_photos=MAX_PHOTOS_PER_TASK, max_mb=_max_mb(), back_to_report=back_to_report,
    ))


@bp.route("/onsite/findings/<int:finding_id>/photo", methods=["GET", "POST"])
@login_required
def finding_photo_page(finding_id: int):
    """A finding's one photo: see it, or add/replace it."""
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        abort(404)
    _refuse_unless_photos_seen(finding.task)
    can_add = may_add_finding_photo(current_user, finding)
    if request.method == "POST" and not can_add:
        abort(403)
    form = PhotoForm() if can_add else None
    if _uploaded(form, lambda data: set_finding_photo(finding, current_user, data)):
        return redirect(url_for(".finding_photo_page", finding_id=finding.id))
    return _private(render_template(
        "onsite/finding_photo.html", finding=finding, photo=finding_photo(finding),
        form=form, max_mb=_max_mb(),
    ))


# The thumbnail's rule needs ``size`` spelled out, so url_for(photo_id=…) alone can
# only build the full image's URL (a rule with defaults would match either way, and
# the first registered — the thumbnail — won: the link under each thumbnail opened
# the 320 px copy).
@bp.get("/onsite/photos/<int:photo_id>/<any(thumb):size>")
@bp.get("/onsite/photos/<int:photo_id>", defaults={"size": "full"})
@login_required
def photo_file(photo_id: int, size: str):
    """The stored JPEG (full size, EXIF-free, or its thumbnail), only for those who
    may see the report or finding."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or not photo.active:
        abort(404)
    _refuse_unless_photos_seen(photo.task)
    path = photo_path(photo, thumb=size == "thumb")
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", conditional=True, etag=True,
                         max_age=0, download_name=f"photo-{photo.id}.jpg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f"inline; filename=photo-{photo.id}.jpg"
    return response


@bp.post("/onsite/photos/<int:photo_id>/remove")
@login_required
def remove(photo_id: int):
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        abort(404)
    _refuse_unless_photos_seen(photo.task)
    back = (url_for(".finding_photo_page", finding_id=photo.finding_id) if photo.finding_id
            else url_for(".photos", task_id=photo.task_id))
    if not may_remove_photo(current_user, photo):
        abort(403)
    if not confirmed():  # asked once (walk12 #4): the image files are deleted with it
        return render_template(
            "confirm.html", title=_("删除照片"), task=photo.task, submit=_("确认删除"),
            action=request.path, back=back,
            explain=_("删除后照片文件随即删除，不能恢复；如还需要，只能重新拍摄上传。"))
    if run_service(None, remove_photo, photo, current_user):
        flash(_("照片已删除。"), "success")
    return redirect(back)
