"""The offline Data Docs machinery without a pipeline run: GX's CDN URLs all have a vendored file,
the project's templates name none, and the page check refuses what would not open offline."""

from __future__ import annotations

import re
from pathlib import Path

import great_expectations as gx
import pytest

from orchestration.quality import data_docs as docs

GX_TEMPLATES = Path(gx.__file__).parent / "render" / "view" / "templates"
GX_STYLES = Path(gx.__file__).parent / "render" / "view" / "static" / "styles"
#: A tag that loads something, with its URL (scripts, stylesheets, icons, images).
LOADING_TAG = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def test_the_templates_were_copied_from_this_gx_release():
    # plugins/custom_data_docs/views holds copies of GX's page.j2, index_page.j2 and top_navbar.j2:
    # after a GX upgrade, compare them with the new release's and move TEMPLATES_FROM_GX.
    assert gx.__version__.startswith(docs.TEMPLATES_FROM_GX), gx.__version__


def test_every_cdn_url_of_gx_templates_has_a_vendored_file():
    mapped = {url for url, _, _ in docs.HEAD_STYLESHEETS} | {url for _, url, _, _ in docs.SCRIPT_IMPORTS}
    for name in ("page.j2", "index_page.j2", "js_script_imports.j2"):
        remote = {u for u in LOADING_TAG.findall((GX_TEMPLATES / name).read_text("utf-8")) if u.startswith("http")}
        assert remote and remote <= mapped, (name, remote - mapped)
    navbar = (GX_TEMPLATES / "top_navbar.j2").read_text("utf-8")
    default_css = (GX_STYLES / "data_docs_default_styles.css").read_text("utf-8")
    images = set(re.findall(r"https://great-expectations-web-assets[^\"')]*", default_css))
    images |= {re.search(r'static_images_dir = "(https://[^"]+)"', navbar).group(1) + "logo-long.png"}
    assert images == set(docs.REMOTE_IMAGES)


def test_the_project_templates_load_nothing_remote():
    views = docs.CUSTOM_DATA_DOCS_DIR / "views"
    for template in views.glob("*.j2"):
        text = template.read_text("utf-8")
        assert not [u for u in LOADING_TAG.findall(text) if "//" in u], template.name
        assert "add_data_context_id_to_url" not in text  # GX's tracking query string on the logo
    # the <head> of GX's pages loads the vendored stylesheets instead of the CDN ones
    for name in ("page.j2", "index_page.j2"):
        text = (views / name).read_text("utf-8")
        assert "{% include 'offline_styles.j2' %}" in text and "offline_images" in text


def test_the_vendored_files_are_those_of_the_pinned_packages():
    files = docs.vendored_files()
    versions = docs.pinned_versions()
    assert versions["jquery"] == "3.7.1" and versions["bootstrap"] == "4.3.1" and versions["bootstrap-table"] == "1.19.1"
    assert versions["@fortawesome/fontawesome-free"] == "6.6.0"
    assert {v.split(".")[0] for k, v in versions.items() if k in ("vega", "vega-lite")} == {"5"}
    assert versions["vega-embed"].startswith("6.")
    for _, url, package, path in docs.SCRIPT_IMPORTS:
        assert files[f"{package}/{path}"].stat().st_size > 1000, url
    assert any(k.startswith("@fortawesome/fontawesome-free/webfonts/") and k.endswith(".woff2") for k in files)


def test_missing_npm_packages_are_a_clear_error(tmp_path):
    with pytest.raises(docs.VendoredAssetsMissing, match="make gx-assets"):
        docs.vendored_files(node_modules=tmp_path)


def _page(root: Path, body: str) -> Path:
    page = root / "validations" / "suite" / "run" / "time" / "batch.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html><head>{body}</head><body></body></html>", "utf-8")
    return page


def test_a_self_contained_page_passes(tmp_path):
    (tmp_path / "static" / "vendor").mkdir(parents=True)
    (tmp_path / "static" / "vendor" / "jquery.min.js").write_text("//", "utf-8")
    page = _page(tmp_path, '<script src="../../../../static/vendor/jquery.min.js?v=1"></script>'
                           '<a href="https://greatexpectations.io">a link is not a load</a>'
                           '<img src="data:image/png;base64,AAAA">'
                           '<style>.x { background: url("../../../../static/vendor/jquery.min.js") }</style>')
    assert docs.assert_self_contained([page]) == 1


@pytest.mark.parametrize("body, problem", [
    ('<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>', "from another host"),
    ('<link rel="stylesheet" href="//cdn.example.org/x.css">', "from another host"),
    ('<img src="http://example.org/logo.png">', "from another host"),
    ("<style>.a { background: url('https://example.org/dark.png') }</style>", "from another host"),
    ('<div style="background: url(https://example.org/x.png)"></div>', "from another host"),
    ('<link rel="preconnect" href="https://example.org">', "from another host"),
    ('<script src="../../../../static/vendor/missing.js"></script>', "not in the site"),
])
def test_a_page_that_would_not_open_offline_is_refused(tmp_path, body, problem):
    page = _page(tmp_path, body)
    with pytest.raises(docs.DataDocsNotSelfContained, match=problem) as raised:
        docs.assert_self_contained([page])
    assert str(page) in str(raised.value)


class _DictBackend:
    """GX's static-assets store backend, in memory (has_key / get / set)."""

    def __init__(self):
        self.files = {}

    def has_key(self, key):
        return key in self.files

    def get(self, key):
        value = self.files[key]
        return value.decode() if isinstance(value, bytes) else value

    def set(self, key, value, **kwargs):
        self.files[key] = value


class _Store:
    def __init__(self):
        self.store_backends = {"static_assets": _DictBackend()}


def test_vendored_files_are_copied_once_and_again_when_one_is_missing():
    store = _Store()
    files = store.store_backends["static_assets"].files
    copied = docs.copy_vendored_assets(store)
    assert copied == len(docs.vendored_files()) and ("static", "vendor", "jquery", "dist", "jquery.min.js") in files
    assert docs.copy_vendored_assets(store) == 0  # the site carries these versions
    del files[("static", "vendor", "jquery", "dist", "jquery.min.js")]
    assert docs.copy_vendored_assets(store) == copied
