"""deploy/install-site.sh, the one way docs/deploy.md installs the nginx site (step 8,
"HTTPS", "Upgrading"): the release's deploy/nginx.conf for this host, with the
documented HTTPS edit on request, and never an upgrade that turns HTTPS off."""
from __future__ import annotations

import os
import re
import subprocess

from tests.flask_cli import ROOT

SCRIPT = ROOT / "deploy" / "install-site.sh"
SHIPPED = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")


def _install(site, *args):
    return subprocess.run(["sh", str(SCRIPT), *args], capture_output=True, text=True,
                          env={**os.environ, "TRACKER_SITE_FILE": str(site)})


def test_the_site_is_the_releases_for_this_host(tmp_path):
    site = tmp_path / "tracker"
    site.write_text("an older release's site\n")
    result = _install(site, "gongjian.county.gov.cn")
    assert result.returncode == 0, result.stderr
    text = site.read_text(encoding="utf-8")
    assert text == SHIPPED.replace("gongjian.example.gov.cn", "gongjian.county.gov.cn")
    assert "error_page 502 503 504 /maintenance.html;" in text
    assert not (tmp_path / "tracker.new").exists()


def test_https_switches_on_the_marked_lines_and_an_upgrade_keeps_it_on(tmp_path):
    site = tmp_path / "tracker"
    assert _install(site, "gongjian.county.gov.cn", "--https").returncode == 0
    https = site.read_text(encoding="utf-8")
    assert not re.search(r"^\s*# HTTPS: |# HTTP-only$", https, re.M)
    assert re.search(r"^\s*listen 443 ssl http2;$", https, re.M)
    assert "return 301 https://$host$request_uri;" in https

    # the upgrade run without --https would switch HTTPS off: refused, file untouched
    refused = _install(site, "gongjian.county.gov.cn")
    assert refused.returncode != 0 and "--https" in refused.stderr
    assert site.read_text(encoding="utf-8") == https
    assert _install(site, "gongjian.county.gov.cn", "--https").returncode == 0
    assert site.read_text(encoding="utf-8") == https


def test_a_mistyped_call_changes_nothing(tmp_path):
    site = tmp_path / "tracker"
    site.write_text("kept\n")
    for args in ((), ("",), ("gongjian.county.gov.cn|x",), ("a.gov.cn", "--http"),
                 ("a.gov.cn", "--https", "more")):
        result = _install(site, *args)
        assert result.returncode != 0, args
        assert site.read_text() == "kept\n"
