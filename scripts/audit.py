"""`make lint`'s dependency audit: pip-audit on requirements.txt, when it can reach its data.

pip-audit asks PyPI's JSON API (or OSV) about every pinned package. Where the package
index is a mirror without that API (as on the project's build machines) it skips every
package and would still print "No known vulnerabilities found"; this says plainly that
nothing was audited instead, and fails only on a real finding.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    run = subprocess.run(
        [sys.executable, "-m", "pip_audit", "-r", str(ROOT / "requirements.txt"), "-f", "json",
         "--progress-spinner", "off"], capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print("pip-audit: could not reach its vulnerability data here; nothing audited "
              f"({(run.stderr.strip().splitlines() or ['no output'])[-1][:160]})")
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    found = [(d["name"], v["id"]) for d in audited for v in d.get("vulns", [])]
    if not audited:
        print(f"pip-audit: the package index here has no vulnerability data; none of the "
              f"{len(dependencies)} dependencies could be audited (see README, Security)")
        return 0
    for name, vuln in found:
        print(f"pip-audit: {name}: {vuln}")
    print(f"pip-audit: {len(audited)} of {len(dependencies)} dependencies audited, "
          f"{len(found)} known vulnerabilities")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
