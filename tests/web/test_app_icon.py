"""The icon and the web app manifest: no 404 for /favicon.ico, and 添加到主屏幕 shows the
app under its Chinese name with an icon."""
import io
import re

from PIL import Image


def test_favicon_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO"
    assert (32, 32) in icon.info["sizes"]


def test_manifest_names_the_app_in_chinese_with_home_screen_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "社区共建任务台账"
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,6}", manifest["short_name"])  # fits under an icon
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    sizes = set()
    for entry in manifest["icons"]:
        assert entry["src"].startswith("/")  # this server, no outside host
        image = client.get(entry["src"])
        assert image.status_code == 200
        picture = Image.open(io.BytesIO(image.data))
        assert picture.format == "PNG"
        assert f"{picture.width}x{picture.height}" == entry["sizes"]
        image.close()
        sizes.add(picture.width)
    # Android asks for 192 px on the home screen and 512 px for the splash screen.
    assert {192, 512} <= sizes


def test_every_page_points_at_the_icon_and_the_manifest(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="icon" href="/favicon.ico"' in page
