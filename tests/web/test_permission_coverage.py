"""Every route of the app must appear in some permission matrix."""
import importlib
import pkgutil

import tests.web as web_tests


def _matrix_endpoints() -> set[str]:
    covered = set()
    for info in pkgutil.iter_modules(web_tests.__path__):
        if info.name.startswith("test_permissions_"):
            module = importlib.import_module(f"tests.web.{info.name}")
            covered |= {(r.endpoint, r.method) for r in module.CASES}
    return covered


def test_every_route_is_in_the_matrix(app):
    covered = _matrix_endpoints()
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from the permission matrix:\n" + "\n".join(missing)
