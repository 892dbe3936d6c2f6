"""Production serves static files from a hashed manifest; every asset a page names must be in it."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_collectstatic_builds_the_manifest_with_every_asset_base_html_uses(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = render_to_string("base.html", request=request)
    assert "bootstrap.min." in html and ".css" in html
    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "js/app.js",
        "js/scoring.js",
        "vendor/chartjs/chart.umd.min.js",
        "vendor/axe-core/axe.min.js",
        "js/dashboard.js",
        "css/dashboard.css",
    ):
        hashed = staticfiles_storage.stored_name(name)
        assert hashed != name and (settings.STATIC_ROOT / hashed).exists()
    assert "cdn" not in html.lower()
