"""Which of two checkouts serves a page faster through gunicorn, under load.

    .venv/bin/python bench/ab_load.py URL OLD NEW /tasks/ [PAIRS]

``bench/ab.py`` compares two checkouts in one process each (CPU a request); what a
change does to the server's side of PostgreSQL, to round trips and to wakeups shows
only under concurrent load. This serves the data set at ``URL`` (the bench's 1M
SQLite file or PostgreSQL database) from each checkout with gunicorn (2 sync workers,
production settings: ``bench/load.py``'s ``Server``), signs in as ``bench/run.py``'s
member on each, then runs ``wrk -t2 -c8`` for 8 s on the page against one and then
the other, alternating which goes first, ``PAIRS`` times (8). Prints the median
requests per second of each and the median (min–max) of NEW ÷ OLD over the pairs.
Not a test: a figure for docs/performance.md.
"""
from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path


def _load_module(tree: Path):
    """``bench/load.py`` of one checkout, importing that checkout's app."""
    sys.path[:0] = [str(tree), str(tree / "bench")]
    try:
        spec = importlib.util.spec_from_file_location(f"load_{tree.name}", tree / "bench" / "load.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        del sys.path[:2]


def main() -> int:
    if len(sys.argv) not in (5, 6):
        print(__doc__)
        return 2
    url, old, new, page = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    pairs = int(sys.argv[5]) if len(sys.argv) == 6 else 8
    modules = {"old": _load_module(old.resolve()), "new": _load_module(new.resolve())}
    county = modules["new"].county  # bench/run.py: the actors of the data set
    member = county.pick_actors(county.make_app(url))["member"]
    servers = {name: module.Server(url, 2) for name, module in modules.items()}
    try:
        cookies = {name: server.login(member)[0] for name, server in servers.items()}
        rates: dict[str, list[float]] = {"old": [], "new": []}
        for n in range(pairs):
            for name in (("old", "new") if n % 2 == 0 else ("new", "old")):
                rates[name].append(modules[name].wrk(servers[name], page, cookies[name], 8))
    finally:
        for server in servers.values():
            server.stop()
    ratios = [n / o for n, o in zip(rates["new"], rates["old"])]
    print(f"{page}: old {statistics.median(rates['old']):.0f} req/s, new "
          f"{statistics.median(rates['new']):.0f} req/s; new ÷ old "
          f"{statistics.median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f}) over {pairs} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
