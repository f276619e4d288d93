"""The same set of phone screenshots for any git revision, to compare before and after.

    .venv/bin/python bench/screenshots.py main            # → test-artifacts/screenshots/<rev>/
    .venv/bin/python bench/screenshots.py d98c175 HEAD   # several revisions, one after the other

For each revision: its tree (``git archive``, so no worktree is registered) in a scratch
folder, a fresh SQLite database migrated and loaded with ``seed-demo``, that revision's
app served on a free loopback port with this checkout's virtualenv, then Chromium
(Playwright) at 390×844 signs in through the login form as the demo member and the demo
liaison and keeps a full-page screenshot of each page in PAGES. A page the revision does
not have is kept too (its 404 is part of the comparison). Not a test.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess  # nosec B404 — runs git and the app's own flask commands
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
PASSWORD = "demo1234"  # nosec B105 — seed-demo's published demo password
MEMBER, LIAISON = "13800000002", "13800000001"
PAGES = [
    (None, "/auth/login"),
    (MEMBER, "/tasks/todo"),
    (MEMBER, "/tasks/"),
    (MEMBER, "/tasks/mine"),
    (MEMBER, "/progress/mine"),
    (MEMBER, "/me/"),
    (MEMBER, "/auth/sessions"),
    (LIAISON, "/manage/"),
    (LIAISON, "/manage/reviews"),
    (LIAISON, "/manage/tasks"),
    (LIAISON, "/reports/"),
    (LIAISON, "/progress/"),
    (LIAISON, "/invite/manage"),
    (LIAISON, "/funds/"),
]


def resolve(rev: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev],  # nosec B603 B607
                          check=True, capture_output=True, text=True).stdout.strip()


def unpack(rev: str, folder: Path) -> None:
    archive = folder / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev],  # nosec B603 B607
                   check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "tree", filter="data")
    archive.unlink()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tree: Path, env: dict, port: int) -> subprocess.Popen:
    flask = [sys.executable, "-m", "flask", "--app", str(tree / "wsgi.py")]
    for command in (["db", "upgrade"], ["seed-demo"]):
        done = subprocess.run(flask + command, cwd=tree, env=env,  # nosec B603
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    server = subprocess.Popen(flask + ["run", "--host", "127.0.0.1", "--port", str(port)],  # nosec B603
                              cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login", timeout=2)  # nosec B310
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the app of {tree} did not start on port {port}")


def shoot(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        contexts = {}
        for number, (who, path) in enumerate(PAGES, start=1):
            if who not in contexts:
                context = browser.new_context(viewport=PHONE, locale="zh-CN",
                                              timezone_id="Asia/Shanghai")
                if who:
                    page = context.new_page()
                    page.goto(base + "/auth/login")
                    page.get_by_label("手机号").fill(who)
                    page.get_by_label("密码", exact=True).fill(PASSWORD)
                    with page.expect_navigation():
                        page.get_by_role("button", name="登录", exact=True).click()
                    page.close()
                contexts[who] = context
            page = contexts[who].new_page()
            response = page.goto(base + path)
            name = re.sub(r"[^\w.-]+", "_", path).strip("_") or "home"
            role = {MEMBER: "member", LIAISON: "liaison"}.get(who, "visitor")
            page.screenshot(path=str(out / f"{number:02d}-{role}-{name}.png"), full_page=True)
            print(f"  {response.status if response else '—'} {role} {path}")
            page.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revisions", nargs="+", help="git revisions (main, HEAD, a commit …)")
    args = parser.parse_args()
    for rev in args.revisions:
        short = resolve(rev)
        out = ROOT / "test-artifacts" / "screenshots" / short
        print(f"{rev} ({short}) → {out.relative_to(ROOT)}")
        scratch = Path(tempfile.mkdtemp(prefix=f"shots-{short}-"))
        server = None
        try:
            unpack(short, scratch)
            env = {**os.environ, "TRACKER_ENV": "development",
                   "DATABASE_URL": f"sqlite:///{scratch / 'demo.sqlite3'}"}
            port = free_port()
            server = serve(scratch / "tree", env, port)
            shoot(f"http://127.0.0.1:{port}", out)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=20)
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
