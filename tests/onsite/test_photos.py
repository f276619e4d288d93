"""现场照片: the pipeline, the upload page, refusals, and who may fetch a photo."""
from __future__ import annotations

import http.client
import io
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests import factories as f
from tests.onsite import samples
from tests.rollups import builders
from tracker.extensions import db
from tracker.images import ImageRejected, process_image
from tracker.models import (
    AuditEvent,
    Photo,
    ReportStatus,
    TaskReport,
    TaskStatus,
)
from tracker.services import PermissionDenied, ServiceError
from tracker.services.photos import (
    MAX_PHOTOS_PER_TASK,
    add_task_photo,
    finding_photo,
    photo_path,
    remove_photo,
    set_finding_photo,
)


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _photo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Photo))


def _upload(client, task, data: bytes, filename: str = "IMG_0001.JPG"):
    return client.post(f"/onsite/tasks/{task.id}/photos",
                       data={"photo": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


# --- the pipeline --------------------------------------------------------------------

def test_a_phone_photo_comes_out_upright_small_and_without_exif():
    original = samples.phone_jpeg()
    assert Image.open(io.BytesIO(original)).getexif()[0x0112] == 6  # the sample is honest
    result = process_image(original)
    image = Image.open(io.BytesIO(result.full))
    assert image.format == "JPEG"
    assert image.size == (1200, 1600)  # 4032×3024 turned upright, long side 1600
    assert max(image.size) <= 1600
    # The blue band (the sensor's top rows) is on the right once turned upright.
    assert image.getpixel((image.width - 5, image.height // 2))[2] > 200
    assert image.getpixel((5, image.height // 2))[0] > 150
    assert len(image.getexif()) == 0
    assert b"Exif" not in result.full and b"PhoneMaker" not in result.full
    assert max(Image.open(io.BytesIO(result.thumb)).size) <= 320


@pytest.mark.parametrize("data", [samples.svg(), samples.html(), samples.truncated_jpeg(),
                                  samples.pixel_flood_png(), b""],
                         ids=["svg", "html", "truncated", "pixel-flood", "empty"])
def test_the_pipeline_refuses_what_is_not_a_clean_photo(data):
    with pytest.raises(ImageRejected) as error:
        process_image(data)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error.value.message))


def test_a_jpeg_with_html_glued_on_is_refused():
    with pytest.raises(ImageRejected):
        process_image(samples.phone_jpeg(400, 300) + b"<html><script>alert(1)</script>")


def test_png_and_webp_are_accepted_and_become_jpeg():
    webp = io.BytesIO()
    Image.new("RGBA", (80, 60), (0, 0, 255, 128)).save(webp, "WEBP")
    for data in (samples.small_png(), webp.getvalue()):
        assert Image.open(io.BytesIO(process_image(data).full)).format == "JPEG"


# Run in a process of its own: how far processing one file raises the process's peak
# resident memory (VmHWM, in kB; getrusage's ru_maxrss would carry the parent's peak
# over the fork). Not tracemalloc: Pillow keeps pixels in memory of its own (its C
# arena), which tracemalloc does not see — it reports ~2 MB for a job that needs hundreds.
_PEAK_MEMORY = """
import re, sys
from tracker.images import process_image

def peak():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))

data = sys.stdin.buffer.read()
before = peak()
result = process_image(data)
print(peak() - before, result.width, result.height)
"""


def _peak_growth_kb(data: bytes) -> tuple[int, int, int]:
    """(peak resident memory grown by processing ``data``, in kB; stored width, height)."""
    import subprocess
    import sys

    if not Path("/proc/self/status").is_file():
        pytest.skip("reads the peak memory from Linux's /proc")
    answer = subprocess.run([sys.executable, "-c", _PEAK_MEMORY], input=data,
                            capture_output=True, check=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    grown_kb, width, height = map(int, answer.stdout.split())
    return grown_kb, width, height


def test_a_small_png_of_many_pixels_is_decoded_once_not_copied_at_full_size():
    """4000×4000 transparent, 60 KB: its decoded pixels take 61 MB. Flattening and
    copying them at full size before scaling down took three more copies; the pipeline
    now reduces right after decoding, a band at a time. Stored as before."""
    data = samples.transparent_png()
    assert len(data) < 200_000
    grown_kb, width, height = _peak_growth_kb(data)
    decoded_mb = 4000 * 4000 * 4 / 2**20
    assert grown_kb / 1024 < decoded_mb + 80, f"peak grew by {grown_kb // 1024} MB"
    assert (width, height) == (1600, 1600)


def _flat(fmt: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 160, 90)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_over_16_megapixels_are_refused_before_decoding(fmt):
    """PNG and WebP are decoded whole (no scaled decoding as for JPEG): a 30 KB WebP of
    40 MP took 625 MB to process. Above 4000×4000 they are refused with their own
    message; at it they are processed; a JPEG of the same size still is."""
    with pytest.raises(ImageRejected) as error:
        process_image(_flat(fmt, (4001, 4000)))
    assert "1600万像素" in str(error.value.message)
    assert process_image(_flat(fmt, (4000, 4000))).width == 1600
    assert process_image(_flat("JPEG", (6000, 6000))).width == 1600


def test_a_webp_at_the_cap_stays_within_a_few_hundred_megabytes():
    grown_kb, width, _height = _peak_growth_kb(_flat("WEBP", (4000, 4000)))
    assert grown_kb / 1024 < 320, f"peak grew by {grown_kb // 1024} MB"
    assert width == 1600


@pytest.mark.parametrize("mode,size,fmt", [
    ("RGB", (4032, 3024), "JPEG"), ("RGB", (3203, 1601), "JPEG"), ("CMYK", (3500, 2600), "JPEG"),
    ("LA", (4567, 1234), "PNG"), ("L", (1601, 9991), "PNG"), ("P", (4799, 3333), "PNG"),
    ("RGBA", (1700, 1700), "WEBP"), ("RGB", (1600, 900), "PNG"),
])
def test_stored_sizes_are_those_of_scaling_the_whole_image(mode, size, fmt):
    """Decoded scaled down (JPEG) or reduced early (the others), a photo is stored at the
    size scaling the whole original down gives (Image.thumbnail), photo and thumbnail."""
    original = Image.new(mode, size)
    out = io.BytesIO()
    original.save(out, fmt)
    result = process_image(out.getvalue())
    for data, box in ((result.full, 1600), (result.thumb, 320)):
        expected = original.copy()
        expected.thumbnail((box, box))
        stored = Image.open(io.BytesIO(data))
        assert stored.format == "JPEG" and stored.mode == "RGB"
        assert stored.size == expected.size, (box, stored.size, expected.size)
    assert (result.width, result.height) == Image.open(io.BytesIO(result.full)).size


# --- the service ---------------------------------------------------------------------

def test_leader_adds_a_photo_stored_under_a_generated_name(app, world):
    photo = add_task_photo(world.past_task, world.leader, samples.phone_jpeg())
    db.session.commit()
    full, thumb = photo_path(photo), photo_path(photo, thumb=True)
    assert full.is_file() and thumb.is_file()
    assert str(full).startswith(app.config["UPLOAD_FOLDER"])
    assert "IMG" not in full.name and len(photo.stored_name) == 32
    assert Image.open(full).size == (1200, 1600)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "add_photo"))


def test_a_member_on_the_task_cannot_add_photos(world):
    with pytest.raises(PermissionDenied):
        add_task_photo(world.past_task, world.member, samples.small_png())


def test_photos_wait_for_the_activity_and_stop_after_approval(world):
    with pytest.raises(ServiceError, match="活动开始后"):
        add_task_photo(world.task, world.leader, samples.small_png())  # starts in two days
    db.session.add(TaskReport(task_id=world.past_task.id, quantity=1, people_served=1, note="好",
                              status=ReportStatus.approved, submitted_by_id=world.leader.id))
    db.session.commit()
    db.session.refresh(world.past_task)
    with pytest.raises(ServiceError, match="审核通过"):
        add_task_photo(world.past_task, world.leader, samples.small_png())


def test_there_is_a_cap_on_photos(world):
    for _ in range(MAX_PHOTOS_PER_TASK):
        add_task_photo(world.past_task, world.leader, samples.small_png())
    with pytest.raises(ServiceError, match="最多"):
        add_task_photo(world.past_task, world.leader, samples.small_png())


def _finding_left_with_two_live_photos(world):
    """A finding as two uploads at once left it before ``set_finding_photo`` held the
    finding (photo55): two live photos. Returns the finding, the first, the second."""
    finding = builders.finding(world.past_task, world.leader)
    first = set_finding_photo(finding, world.leader, samples.small_png())
    second = set_finding_photo(finding, world.leader, samples.small_png())
    first.active = True  # as the race left it: both live
    db.session.commit()
    return finding, first, second


def test_a_finding_left_with_two_live_photos_shows_the_newest_and_the_next_replaces_both(
        app, world):
    """A finding has one photo (docs/design.md). Two uploads at once could leave two live
    ones before ``set_finding_photo`` held the finding (photo55,
    tests/onsite/test_finding_photo_race.py): such a finding shows the newer one on every
    read, and its next photo replaces both, their files removed."""
    finding, first, second = _finding_left_with_two_live_photos(world)
    assert finding_photo(finding).id == second.id
    third = set_finding_photo(finding, world.leader, samples.small_png())
    db.session.commit()
    assert db.session.scalars(select(Photo.id).where(
        Photo.finding_id == finding.id, Photo.active.is_(True))).all() == [third.id]
    assert finding_photo(finding).id == third.id
    assert [p.name for p in _stored_files(app)] == sorted(
        [f"{third.stored_name}.jpg", f"{third.stored_name}_t.jpg"])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "add_photo")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.detail["replaces"] == second.id and event.detail["also"] == [first.id]


def test_removing_the_photo_of_a_finding_left_with_two_takes_both_off(app, world):
    """删除 of a finding's photo leaves the finding without one: a second live photo the
    race left (tests/onsite/test_finding_photo_race.py) — most likely the same picture,
    double-tapped — is not shown in its place; both go with their files."""
    finding, first, second = _finding_left_with_two_live_photos(world)
    remove_photo(finding_photo(finding), world.leader)
    db.session.commit()
    assert finding_photo(finding) is None
    assert _stored_files(app) == []
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "remove_photo")
                               ).one()
    assert event.entity_id == second.id and event.detail["also"] == [first.id]


# --- the upload page -----------------------------------------------------------------

def test_leader_uploads_through_the_form(app, client, login, world):
    login(world.leader)
    page = client.get(f"/onsite/tasks/{world.past_task.id}/photos")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in text and 'type="file"' in text
    assert "不是必需" in text
    response = _upload(client, world.past_task, samples.phone_jpeg())
    assert response.status_code == 302
    assert _photo_count() == 1
    assert len(_stored_files(app)) == 2
    listing = client.get(f"/onsite/tasks/{world.past_task.id}/photos").get_data(as_text=True)
    photo = db.session.scalar(select(Photo))
    assert f"/onsite/photos/{photo.id}/thumb" in listing


def _photo_label(page: str) -> str:
    """The text the photo field's label row shows: its label and, marked required, the
    form macro's 「*」 after it."""
    found = re.search(r'(<label for="photo">[^<]*</label>(?:<span class="req"[^>]*>\*</span>)?)',
                      page)
    assert found, page[:2000]
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_photo_field_is_not_marked_required_where_no_photo_is(client, login, world):
    """walk55: 「现场照片 *」 stood right above 「照片不是必需的」. No page needs a photo —
    not a report's, not a finding's —: the field bears no required mark (the form still
    asks for a file when 上传照片 is pressed with none)."""
    finding = builders.finding(world.past_task, world.leader)
    db.session.commit()
    login(world.leader)
    for url in (f"/onsite/tasks/{world.past_task.id}/photos",
                f"/onsite/findings/{finding.id}/photo"):
        page = client.get(url).get_data(as_text=True)
        assert "照片不是必需的" in page, url
        assert _photo_label(page) == "现场照片", url
        assert not re.search(r'<input[^>]*type="file"[^>]*\brequired\b', page), url


def _back_to_report(client, task) -> bool:
    page = client.get(f"/onsite/tasks/{task.id}/photos").get_data(as_text=True)
    return f'href="/tasks/{task.id}/report">返回完成情况</a>' in page


def test_the_leader_gets_back_to_the_report_form_before_sending_it(client, login, world):
    """walk55 #2: 提交完成's 「添加现场照片（可选）」 comes here before the report is sent;
    the page led back to that form only once a report existed, so the 组长 who added
    her photo first was left with the task's title to find her way."""
    login(world.leader)
    assert world.past_task.report is None
    assert _back_to_report(client, world.past_task)
    assert _upload(client, world.past_task, samples.phone_jpeg()).status_code == 302
    assert _back_to_report(client, world.past_task)
    # not before the activity starts: its 提交完成 would only say it cannot be sent yet
    assert not _back_to_report(client, world.task)


@pytest.mark.parametrize("data,filename", [
    (samples.svg(), "photo.svg"),
    (samples.html(), "photo.jpg"),  # HTML renamed .jpg
    (samples.truncated_jpeg(), "photo.jpg"),
    (samples.pixel_flood_png(), "huge.png"),
], ids=["svg", "html-renamed-jpg", "truncated-jpeg", "20000x20000-png"])
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(app, client, login, world,
                                                                     data, filename):
    login(world.leader)
    response = _upload(client, world.past_task, data, filename)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("只能上传 JPEG、PNG 或 WebP" in text or "不完整或已损坏" in text
            or "像素过大" in text), text[:2000]
    assert _photo_count() == 0
    assert _stored_files(app) == []


def test_an_iphone_heic_photo_is_refused_with_what_to_do_instead(client, login, world):
    """An iPhone's camera saves HEIC: the refusal says how to send it as JPEG."""
    login(world.leader)
    heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 200
    text = _upload(client, world.past_task, heic, "IMG_0001.HEIC").get_data(as_text=True)
    assert "HEIC" in text and "相册" in text and "兼容性最佳" in text
    assert _photo_count() == 0


def test_the_photo_field_offers_any_image_so_the_camera_stays_in_the_chooser(client, login,
                                                                             world):
    login(world.leader)
    page = client.get(f"/onsite/tasks/{world.past_task.id}/photos").get_data(as_text=True)
    assert re.search(r'<input[^>]*accept="image/\*"[^>]*type="file"|'
                     r'<input[^>]*type="file"[^>]*accept="image/\*"', page)


def _unwritable_uploads(app, tmp_path, monkeypatch) -> Path:
    """An upload folder the app cannot write (as root too: a file stands where the folder
    should be; the same refusal as a read-only mount or a folder owned by root)."""
    blocker = tmp_path / "uploads"
    blocker.write_bytes(b"")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(blocker / "inner"))
    return blocker


def _post_photo(client, login, world, page: str, before_post=lambda: None):
    """A phone's JPEG sent where a photo is taken: the leader's photo of the past task's
    report (``page`` "report"), or the liaison's photo confirming a 微心愿 claimed by a
    member, with the note 「轮椅已修好」 ("need"). ``before_post`` runs just before the
    request, after the set-up's own commit. The response, and the 微心愿 (or None)."""
    from tests.needs.support import need
    from tracker.models import NeedStatus

    upload = samples.phone_jpeg(640, 480)
    wish = None
    if page == "need":
        wish = need(world.community, world.liaison, status=NeedStatus.claimed,
                    claimer=world.member)
        db.session.commit()
    login(world.leader if page == "report" else world.liaison)
    before_post()
    if page == "report":
        return _upload(client, world.past_task, upload), wish
    return client.post(f"/needs/{wish.id}/fulfil", content_type="multipart/form-data",
                       data={"note": "轮椅已修好", "photo": (io.BytesIO(upload), "done.jpg")}), wish


@pytest.mark.parametrize("page", ["report", "need"])
def test_a_folder_the_app_cannot_write_keeps_the_form_and_writes_nothing(
        app, client, login, world, tmp_path, monkeypatch, caplog, page):
    """The leader (or the liaison confirming a 微心愿) is told on the same page to try again
    later or call the admin; no photo row without its file, the need stays claimed, and
    the operator finds the cause in the log."""
    from tracker.models import Need, NeedStatus

    _unwritable_uploads(app, tmp_path, monkeypatch)
    response, wish = _post_photo(client, login, world, page)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "照片暂时无法保存，请稍后再试或联系管理员。" in text
    assert _photo_count() == 0
    if page == "need":
        db.session.expire_all()
        kept = db.session.get(Need, wish.id)
        assert kept.status == NeedStatus.claimed and kept.fulfil_photo is None
        assert "轮椅已修好" in text  # the typed note is kept
    assert any("could not be stored" in r.getMessage() for r in caplog.records)


def test_the_pixel_flood_gets_the_pixel_message(client, login, world):
    login(world.leader)
    text = _upload(client, world.past_task, samples.pixel_flood_png(), "huge.png") \
        .get_data(as_text=True)
    assert "像素过大" in text


def test_an_empty_form_says_choose_a_photo(client, login, world):
    login(world.leader)
    response = client.post(f"/onsite/tasks/{world.past_task.id}/photos", data={},
                           content_type="multipart/form-data")
    assert "请选择一张照片" in response.get_data(as_text=True)


def test_an_11_mb_upload_gets_the_chinese_413_page(app, client, login, world):
    login(world.leader)
    big = b"\xff\xd8\xff\xe0" + b"\0" * (11 * 1024 * 1024)
    response = _upload(client, world.past_task, big)
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)
    assert _photo_count() == 0 and _stored_files(app) == []


def test_over_a_real_socket_the_client_reads_the_413_page(app, world):
    """A real server must answer 413 with the page, not reset the connection."""
    phone, task_id = world.leader.phone, world.past_task.id
    db.session.commit()  # end this thread's transaction: the server thread writes
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        conn.request("POST", "/auth/login",
                     body=f"phone={phone}&password={f.PASSWORD}",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        login = conn.getresponse()
        login.read()
        cookie = "; ".join(h.split(";")[0] for k, h in login.getheaders()
                           if k.lower() == "set-cookie")
        assert login.status == 302 and cookie

        boundary = "----upload"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; "
                f"filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode()
        body = head + b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024) \
            + f"\r\n--{boundary}--\r\n".encode()
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        conn.request("POST", f"/onsite/tasks/{task_id}/photos", body=body,
                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                              "Cookie": cookie})
        response = conn.getresponse()
        text = response.read().decode()
        assert response.status == 413
        assert "文件太大" in text
    finally:
        server.shutdown()
        server.server_close()


# --- who may fetch a photo -----------------------------------------------------------

@pytest.fixture
def photo(world):
    stored = add_task_photo(world.past_task, world.leader, samples.phone_jpeg(800, 600))
    db.session.commit()
    return stored


@pytest.mark.parametrize("who,status", [
    ("member", 200),  # on the task
    ("leader", 200),
    ("liaison", 200),
    ("admin", 200),
    ("other_member", 403),  # not on the task: sees the open task, not its photos
    ("other_liaison", 403),  # another community's liaison: the same
])
def test_only_people_of_the_report_fetch_the_photo(client, login, world, photo, who, status):
    login(getattr(world, who))
    for url in (f"/onsite/photos/{photo.id}", f"/onsite/photos/{photo.id}/thumb"):
        response = client.get(url)
        assert response.status_code == status, (who, url)
        if status == 200:
            assert response.mimetype == "image/jpeg"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "private" in response.headers["Cache-Control"]
            assert "public" not in response.headers["Cache-Control"]
            assert response.data.startswith(b"\xff\xd8")


@pytest.mark.parametrize("who", ["other_member", "other_liaison"])
def test_a_closed_task_one_is_not_on_hides_its_photos_as_it_hides_itself(client, login, world,
                                                                         photo, who):
    """A task one may not see answers 404, and so does everything hanging on it; one
    may see (an open task) but not its photos answers 403."""
    world.past_task.status = TaskStatus.closed
    db.session.commit()
    login(getattr(world, who))
    assert client.get(f"/tasks/{world.past_task.id}").status_code == 404
    for url in (f"/onsite/photos/{photo.id}", f"/onsite/photos/{photo.id}/thumb",
                f"/onsite/tasks/{world.past_task.id}/photos"):
        assert client.get(url).status_code == 404, url


def _visitor(world, who: str):
    """The member ``who`` names: the slot holder (``member``), the member who withdrew
    from the task, a member of another unit, another community's liaison."""
    from tracker.models import Assignment, AssignmentStatus

    if who == "withdrawn":
        mine = db.session.scalar(select(Assignment).where(
            Assignment.task_id == world.past_task.id, Assignment.member_id == world.member.id))
        mine.status = AssignmentStatus.withdrawn
        world.past_task.taken -= 1
        return world.member
    if who == "other_unit":
        return f.member(f.unit("县财政局"), name="赵六")
    return getattr(world, who)


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize("who,theirs", [
    ("member", True),  # holds a slot on the task
    ("withdrawn", False),
    ("other_unit", False),
    ("other_liaison", False),  # another community's liaison
])
def test_the_photos_answer_as_the_task_page_answers(client, login, world, photo, who,
                                                    theirs, closed):
    """The photos are those on the task's and its staff's; anyone else gets 403 when the
    task's own page shows them the task (an open one, or one they hold a slot on) and
    404 when that page does not exist for them — the check-in code's answer too."""
    visitor = _visitor(world, who)
    if closed:
        world.past_task.status = TaskStatus.closed
    db.session.commit()
    login(visitor)
    page = client.get(f"/tasks/{world.past_task.id}").status_code
    assert page == (200 if theirs or not closed else 404)
    refused = 403 if page == 200 else 404
    photos = (f"/onsite/tasks/{world.past_task.id}/photos", f"/onsite/photos/{photo.id}",
              f"/onsite/photos/{photo.id}/thumb")
    for url in photos:
        assert client.get(url).status_code == (200 if theirs else refused), url
    # the check-in code is the leader's and staff's: refused to all of them alike
    assert client.get(f"/onsite/tasks/{world.past_task.id}/qr").status_code == refused


def test_anonymous_is_sent_to_login_for_a_photo(client, world, photo):
    response = client.get(f"/onsite/photos/{photo.id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_removed_photo_is_no_longer_served(client, login, world, photo):
    login(world.leader)
    assert client.post(f"/onsite/photos/{photo.id}/remove",
                       data={"confirmed": "1"}).status_code == 302
    login(world.member)
    assert client.get(f"/onsite/photos/{photo.id}").status_code == 404


def test_a_removed_photo_leaves_no_file(client, login, world, photo):
    """Removing a photo deletes its image and thumbnail (it may show someone who asked
    for it to go); the row stays as history, and the backup no longer asks for it."""
    from tracker.services.photos import stored_image_names

    files = [photo_path(photo), photo_path(photo, thumb=True)]
    assert all(path.is_file() for path in files)
    login(world.leader)
    assert client.post(f"/onsite/photos/{photo.id}/remove",
                       data={"confirmed": "1"}).status_code == 302
    assert not any(path.is_file() for path in files)
    db.session.expire_all()
    assert db.session.get(Photo, photo.id).active is False
    assert photo.stored_name not in stored_image_names(db.session.connection())


def test_a_member_of_another_community_cannot_fetch_it_even_when_on_other_tasks(client, login,
                                                                               world, photo):
    other = f.task(world.other_item, world.other_liaison, leader=world.other_member,
                   starts_in=-timedelta(days=1))
    db.session.commit()
    add_task_photo(other, world.other_member, samples.small_png())
    db.session.commit()
    login(world.other_member)
    assert client.get(f"/onsite/photos/{photo.id}").status_code == 403


# --- files of a transaction that does not commit ---------------------------------------

@pytest.mark.parametrize("page", ["report", "need"])
def test_a_photo_whose_commit_fails_leaves_no_file(app, client, login, world, commit_fails,
                                                   page):
    """The page says nothing was saved, and nothing was: no row, and no file on disk that
    no record names (it would never be shown, backed up or erased)."""
    response, _wish = _post_photo(client, login, world, page, before_post=commit_fails)
    assert response.status_code == 503
    assert _photo_count() == 0
    assert _stored_files(app) == []


def test_sweep_uploads_removes_only_old_files_no_record_names(app, world, runner):
    import os
    import time

    kept = add_task_photo(world.past_task, world.leader, samples.small_png())
    db.session.commit()
    folder = photo_path(kept).parent
    day_and_more = time.time() - 25 * 3600
    old_orphan, fresh_orphan = "a" * 32, "b" * 32
    for name in (old_orphan, fresh_orphan):
        (folder / f"{name}.jpg").write_bytes(b"jpeg")
        (folder / f"{name}_t.jpg").write_bytes(b"jpeg")
    for path in [photo_path(kept), photo_path(kept, thumb=True),
                 folder / f"{old_orphan}.jpg", folder / f"{old_orphan}_t.jpg"]:
        os.utime(path, (day_and_more, day_and_more))
    result = runner.invoke(args=["sweep-uploads"])
    assert result.exit_code == 0, result.output
    assert "2" in result.output
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([photo_path(kept).name, photo_path(kept, thumb=True).name,
                           f"{fresh_orphan}.jpg", f"{fresh_orphan}_t.jpg"])
