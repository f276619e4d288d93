"""Reading a page as its user sees it: the page's text after a GET that must succeed, and
one figure by its ``data-figure`` name — written once for the files that compare a page's
figures with the rule."""
from __future__ import annotations

import re


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', html)
    assert match, f"figure {name} not on the page"
    return match.group(1).strip()
