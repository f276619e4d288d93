"""A member's first load on a generated data set: each member page's HTML plus every
same-origin stylesheet and script it references, in bytes, raw and as nginx sends them
(deploy/nginx.conf: gzip at gzip_comp_level; a file under gzip_min_length as it is).
The design's budget (docs/design.md, "Budgets"): ≤ 30 KB raw, ≤ 8 KB gzip. Sizes, not times: the machine's load does not
change them. tests/web/test_page_weight.py asserts the same on the test worlds.

    .venv/bin/python bench/page_weight.py --scale full          # the county, SQLite
    .venv/bin/python bench/page_weight.py --scale full --reuse  # its bench/out/ file again
"""
from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402

RAW_BUDGET, GZIP_BUDGET = 30 * 1024, 8 * 1024
ASSET = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/[^"]+\.(?:css|js)(?:\?[^"]*)?)"')
# The member's pages (the permission matrix's member rows that show HTML), the lists first.
PAGES = ["/tasks/todo", "/tasks/", "/tasks/communities", "/tasks/mine",
         "/tasks/mine?tab=history", "/progress/mine", "/needs/", "/needs/mine", "/me/",
         "/me/data", "/me/messages", "/me/settings", "/me/calendar", "/auth/sessions",
         "/auth/password", "/backfill-requests/new", "/backfill-requests/mine"]


def nginx_setting(name: str, default: int) -> int:
    found = re.search(rf"^\s*{name}\s+(\d+)\s*;",
                      (ROOT / "deploy" / "nginx.conf").read_text(), re.M)
    return int(found.group(1)) if found else default


def gzip_level() -> int:
    return nginx_setting("gzip_comp_level", 1)  # nginx's default


def served(body: bytes, level: int) -> int:
    """What nginx sends: gzipped, or as it is under gzip_min_length (default 20)."""
    if len(body) < nginx_setting("gzip_min_length", 20):
        return len(body)
    return len(gzip.compress(body, level))


def weigh(client, url: str, level: int):
    page = client.get(url)
    if page.status_code != 200 or page.mimetype != "text/html":
        return None
    html = page.get_data()
    raw, packed = len(html), served(html, level)
    assets = ASSET.findall(html.decode())
    for href in assets:
        body = client.get(href).get_data()
        raw, packed = raw + len(body), packed + served(body, level)
    return len(html), raw, packed, [a.split("?")[0].rsplit("/", 1)[1] for a in assets]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(bench.SCALES), default="full")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    plan = bench.SCALES[args.scale]
    plan.seed = args.seed
    bench.DATA.mkdir(parents=True, exist_ok=True)
    app = bench.make_app(f"sqlite:///{bench.DATA / f'county-{args.scale}.sqlite3'}")
    bench.ensure_data(app, plan, args.reuse)
    actors = bench.pick_actors(app)
    client = app.test_client()
    assert client.post("/auth/login", data={"phone": actors["member"],
                                            "password": bench.PASSWORD}).status_code == 302
    listed = client.get("/tasks/").get_data(as_text=True)
    urls = PAGES + sorted(set(re.findall(r'href="(/tasks/\d+)"', listed)))[:2]
    mine = client.get("/tasks/mine?tab=confirm").get_data(as_text=True)
    urls += sorted(set(re.findall(r'href="(/tasks/assignments/\d+/confirm)"', mine)))[:1]
    level, over = gzip_level(), 0
    print(f"scale {args.scale}, gzip level {level} (nginx), budget {RAW_BUDGET} raw / "
          f"{GZIP_BUDGET} gzip bytes")
    print(f"{'page':32} {'HTML':>6} {'raw':>6} {'gzip':>6}  files")
    for url in urls:
        weight = weigh(client, url, level)
        if weight is None:
            continue
        html, raw, packed, files = weight
        over += raw > RAW_BUDGET or packed > GZIP_BUDGET
        flag = "  OVER" if raw > RAW_BUDGET or packed > GZIP_BUDGET else ""
        print(f"{url:32} {html:6} {raw:6} {packed:6}  {' '.join(files)}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
