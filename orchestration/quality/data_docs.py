"""GX Data Docs that open offline, name their data asset and show each expectation's severity and notes.

GX 1.24's page templates load jQuery, Bootstrap, bootstrap-table, Font Awesome,
vega/vega-lite/vega-embed … from CDNs, and its logo from a web host: opened
from disk without a network, the pages render blank. GX offers no setting for
those URLs, and its ``plugins/custom_data_docs/views`` folder cannot replace a
template of its own (GX's package loader comes first). What GX does let a
``data_docs_sites`` entry configure is the *classes* it builds with, so
``expectations/gx/great_expectations.yml`` names these:

- :class:`OfflineSiteBuilder` (the site): before GX builds, copies the
  vendored files of :data:`VENDORED` into the site's ``static/vendor/``
  through the site's own static-assets store; after, checks every page it
  wrote with :func:`assert_self_contained` and raises
  :class:`DataDocsNotSelfContained` when one still loads something from
  another host or a local file that is not there.
- :class:`OfflinePageView` / :class:`OfflineIndexPageView` (the views): GX's
  own, with the templates of ``plugins/custom_data_docs/views`` taking
  precedence over GX's. Those templates are GX 1.24's with the CDN tags
  replaced by the vendored files (:data:`HEAD_STYLESHEETS`,
  :data:`SCRIPT_IMPORTS`, in GX's order) and the logo taken from the site's
  ``static/images``.
- :class:`AnnotatedValidationResultsPageRenderer` and
  :class:`AnnotatedValidationResultsTableContentBlockRenderer` (validation
  pages): the data asset in the header (GX shows "Data asset: None" for a
  dataframe asset) and under each expectation of the tables its severity
  and notes (GX shows the notes on the suite page only).

The files come from the npm packages pinned in
``expectations/gx/plugins/custom_data_docs/assets/package.json`` (+ lock),
installed by ``make gx-assets`` (part of ``make setup``) into that folder's
``node_modules/``, which git ignores. Nothing else is downloaded at run time.
"""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from great_expectations.render import RenderedStringTemplateContent
from great_expectations.render.renderer import ValidationResultsPageRenderer
from great_expectations.render.renderer.content_block import ValidationResultsTableContentBlockRenderer
from great_expectations.render.renderer.site_builder import SiteBuilder
from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import ChoiceLoader, FileSystemLoader, pass_context

from orchestration.settings import EXPECTATIONS_DIR

CUSTOM_DATA_DOCS_DIR = EXPECTATIONS_DIR / "gx" / "plugins" / "custom_data_docs"
ASSETS_DIR = CUSTOM_DATA_DOCS_DIR / "assets"
NODE_MODULES = ASSETS_DIR / "node_modules"
#: The GX release whose templates ``plugins/custom_data_docs/views`` were copied from.
TEMPLATES_FROM_GX = "1.24."

#: The ``<link rel=stylesheet>`` tags in the ``<head>`` of GX's ``page.j2`` and ``index_page.j2``:
#: (the CDN URL GX uses, npm package, file in the package). GX's index asks for the 1.19.0
#: filter-control CSS and its pages for 1.19.1 of the rest: one bootstrap-table, 1.19.1, serves both.
HEAD_STYLESHEETS = (
    ("https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css",
     "bootstrap-table", "dist/bootstrap-table.min.css"),
    ("https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css",
     "bootstrap", "dist/css/bootstrap.min.css"),
    ("https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",
     "bootstrap-table", "dist/extensions/filter-control/bootstrap-table-filter-control.min.css"),
    ("https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
     "bootstrap-table", "dist/extensions/filter-control/bootstrap-table-filter-control.min.css"),
    ("https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css",
     "bootstrap-datepicker", "dist/css/bootstrap-datepicker.min.css"),
    ("https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
     "@forevolve/bootstrap-dark", "dist/css/bootstrap-prefers-dark.css"),
)

#: GX's ``js_script_imports.j2``, in its order: (kind, CDN URL, npm package, file in the package).
#: ``vega@5``, ``vega-lite@5`` and ``vega-embed@6`` are ranges on the CDN: the newest release of
#: each major is pinned. Popper is 1.14.7, not GX's 1.12.9: Bootstrap 4.3.1 requires ^1.14.7.
SCRIPT_IMPORTS = (
    ("script", "https://cdn.jsdelivr.net/npm/vega@5", "vega", "build/vega.min.js"),
    ("script", "https://cdn.jsdelivr.net/npm/vega-lite@5", "vega-lite", "build/vega-lite.min.js"),
    ("script", "https://cdn.jsdelivr.net/npm/vega-embed@6", "vega-embed", "build/vega-embed.min.js"),
    ("stylesheet", "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css",
     "@fortawesome/fontawesome-free", "css/all.min.css"),
    ("script", "https://code.jquery.com/jquery-3.7.1.min.js", "jquery", "dist/jquery.min.js"),
    ("script", "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js",
     "popper.js", "dist/umd/popper.min.js"),
    ("script", "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js",
     "bootstrap", "dist/js/bootstrap.min.js"),
    ("script", "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js",
     "bootstrap-table", "dist/bootstrap-table.min.js"),
    ("script", "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
     "bootstrap-table", "dist/extensions/filter-control/bootstrap-table-filter-control.min.js"),
    ("script", "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js",
     "bootstrap-datepicker", "dist/js/bootstrap-datepicker.min.js"),
)

#: Files a vendored file loads in turn (Font Awesome's CSS: ``url(../webfonts/…)``).
COMPANION_FILES = {"@fortawesome/fontawesome-free": ("webfonts/*.woff2", "webfonts/*.ttf")}

#: GX's images on a web host (``top_navbar.j2``, the dark theme of ``data_docs_default_styles.css``)
#: → the image of GX's own ``static/images`` that the site carries.
REMOTE_IMAGES = {
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png": "logo-long.png",
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png": "logo-long.png",
}


def _vendored() -> dict[str, tuple[str, ...]]:
    files: dict[str, list[str]] = {}
    for _url, package, path in HEAD_STYLESHEETS:
        files.setdefault(package, []).append(path)
    for _kind, _url, package, path in SCRIPT_IMPORTS:
        files.setdefault(package, []).append(path)
    for package, patterns in COMPANION_FILES.items():
        files.setdefault(package, []).extend(patterns)
    return {package: tuple(dict.fromkeys(paths)) for package, paths in files.items()}


#: npm package → the files (glob patterns) of it that the site carries under ``static/vendor/<package>/``.
VENDORED = _vendored()


class DataDocsNotSelfContained(RuntimeError):
    """A Data Docs page would load something from another host, or a local file that is missing."""


class VendoredAssetsMissing(DataDocsNotSelfContained):
    """The npm packages the pages' scripts and styles come from are not installed (``make gx-assets``)."""


# --------------------------------------------------------------------------
# The vendored files
# --------------------------------------------------------------------------


def pinned_versions(assets_dir: Path = ASSETS_DIR) -> dict[str, str]:
    """npm package → exact version, from ``assets/package.json``."""
    return json.loads((assets_dir / "package.json").read_text("utf-8"))["dependencies"]


def vendored_files(node_modules: Path = NODE_MODULES, assets_dir: Path = ASSETS_DIR) -> dict[str, Path]:
    """Site path under ``static/vendor/`` (``bootstrap/dist/css/bootstrap.min.css``) → installed file.

    Raises :class:`VendoredAssetsMissing` when a package is not installed at
    its pinned version or a file is not in it.
    """
    versions = pinned_versions(assets_dir)
    files: dict[str, Path] = {}
    for package, patterns in VENDORED.items():
        pinned = versions.get(package)
        root = node_modules / package
        manifest = root / "package.json"
        installed = json.loads(manifest.read_text("utf-8")).get("version") if manifest.is_file() else None
        if pinned is None or installed != pinned:
            raise VendoredAssetsMissing(
                f"GX Data Docs: the npm package {package}@{pinned or '?'} is not installed in {node_modules} "
                f"(found {installed or 'nothing'}); run `make gx-assets`. Without it the pages load nothing offline."
            )
        for pattern in patterns:
            matches = sorted(p for p in root.glob(pattern) if p.is_file())
            if not matches:
                raise VendoredAssetsMissing(f"GX Data Docs: {package}@{pinned} has no {pattern} (in {root})")
            for path in matches:
                files[f"{package}/{path.relative_to(root).as_posix()}"] = path
    return files


def copy_vendored_assets(target_store) -> int:
    """Copy the vendored files into the site's ``static/vendor/`` through GX's static-assets store.

    Skipped when the site already carries these versions (``static/vendor/versions.json``)
    and every file. Returns the number of files copied.
    """
    backend = target_store.store_backends["static_assets"]
    files = vendored_files()
    marker_key = ("static", "vendor", "versions.json")
    marker = json.dumps({"versions": pinned_versions(), "files": sorted(files)}, sort_keys=True)
    try:
        if (backend.has_key(marker_key) and backend.get(marker_key) == marker
                and all(backend.has_key(("static", "vendor", *k.split("/"))) for k in files)):
            return 0
    except Exception:  # noqa: BLE001 - an unreadable marker means: copy again
        pass
    for site_path, source in files.items():
        content_type = _CONTENT_TYPES.get(source.suffix, "application/octet-stream")
        backend.set(("static", "vendor", *site_path.split("/")), source.read_bytes(), content_type=content_type)
    backend.set(marker_key, marker, content_type="application/json")
    return len(files)


_CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".woff2": "font/woff2", ".ttf": "font/ttf"}


# --------------------------------------------------------------------------
# The views: GX's, with the project's templates first
# --------------------------------------------------------------------------


@pass_context
def static_root(context) -> str:
    """Relative path from the page being rendered to the site's ``static/`` folder.

    The layout is GX's: ``index.html``; ``expectations/<suite, one folder per
    dot>.html``; ``validations/<suite …>/<run name>/<run time>/<batch>.html``.
    """
    renderer_type = context.get("renderer_type") or ""
    suite = context.get("expectation_suite_name") or ""
    dots = suite.count(".")
    if "ValidationResults" in renderer_type or "ProfilingResults" in renderer_type:
        return "../" * (dots + 4) + "static/"
    if "ExpectationSuite" in renderer_type:
        return "../" * (dots + 1) + "static/"
    return "./static/"


@pass_context
def offline_images(context, css: str) -> str:
    """GX's default styles with the images of :data:`REMOTE_IMAGES` taken from the site's ``static/images``."""
    for url, image in REMOTE_IMAGES.items():
        css = css.replace(url, static_root(context) + "images/" + image)
    return css


def _vendor_path(package: str, path: str) -> str:
    return f"vendor/{package}/{path}"


class _ProjectTemplatesFirst:
    """A GX Jinja view whose templates in ``plugins/custom_data_docs/views`` replace GX's of the same name."""

    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory=custom_styles_directory,  # type: ignore[call-arg]
                         custom_views_directory=custom_views_directory)
        views = Path(custom_views_directory) if custom_views_directory else CUSTOM_DATA_DOCS_DIR / "views"
        if not (views / "js_script_imports.j2").is_file():
            raise DataDocsNotSelfContained(f"GX Data Docs: the offline templates are missing from {views}")
        self.env.loader = ChoiceLoader([FileSystemLoader(str(views)), self.env.loader])
        self.env.globals.update(
            static_root=static_root,
            vendor_stylesheets=tuple(dict.fromkeys(_vendor_path(p, f) for _u, p, f in HEAD_STYLESHEETS)),
            vendor_imports=tuple((kind, _vendor_path(p, f)) for kind, _u, p, f in SCRIPT_IMPORTS),
        )
        self.env.filters["offline_images"] = offline_images


class OfflinePageView(_ProjectTemplatesFirst, DefaultJinjaPageView):
    """GX's page view (validation results, expectation suites) with the offline templates."""


class OfflineIndexPageView(_ProjectTemplatesFirst, DefaultJinjaIndexPageView):
    """GX's index page view with the offline templates."""


# --------------------------------------------------------------------------
# Validation pages: the data asset, and each expectation's severity and notes
# --------------------------------------------------------------------------


class AnnotatedValidationResultsPageRenderer(ValidationResultsPageRenderer):
    """GX's validation page, with the data asset in its header.

    GX takes the asset name from ``batch_spec``, which a dataframe asset leaves
    without one ("Data asset: None"), although the result knows it
    (``asset_name``, from the active batch definition).
    """

    def render(self, validation_results, suite_parameters=None):
        meta = dict(validation_results.meta or {})
        asset = getattr(validation_results, "asset_name", None)
        spec_key = "batch_kwargs" if meta.get("batch_kwargs") else "batch_spec"
        spec = dict(meta.get(spec_key) or {})
        if asset and not spec.get("data_asset_name"):
            meta[spec_key] = {**spec, "data_asset_name": asset}
            validation_results.meta = meta
        return super().render(validation_results, suite_parameters)


_SEVERITY_BADGES = {"critical": "badge-danger", "warning": "badge-warning", "info": "badge-info"}


def expectation_annotation(config) -> RenderedStringTemplateContent | None:
    """The line under an expectation in a validation table: its severity (a badge) and its notes."""
    if config is None:
        return None
    severity = getattr(config, "severity", None)
    severity = str(getattr(severity, "value", severity) or "")
    notes = getattr(config, "notes", None)
    if isinstance(notes, (list, tuple)):
        notes = " ".join(str(n) for n in notes)
    if not severity and not notes:
        return None
    return RenderedStringTemplateContent(
        content_block_type="string_template",
        string_template={
            "template": "$severity $notes",
            "params": {"severity": severity, "notes": str(notes or "")},
            "tag": "div",
            "styling": {
                "classes": ["mt-2", "small", "ge-expectation-notes"],
                "params": {"severity": {"classes": ["badge", _SEVERITY_BADGES.get(severity, "badge-secondary")]}},
            },
        },
    )


class AnnotatedValidationResultsTableContentBlockRenderer(ValidationResultsTableContentBlockRenderer):
    """GX's expectation table, each expectation followed by its severity and notes.

    GX 1.24 shows an expectation's ``notes`` on the suite page only, and its
    ``meta_properties_to_render`` columns fail in 1.24 (the extra kwarg is
    rejected when the expectation is rebuilt): the line is added to the
    Expectation cell of each row instead.
    """

    @classmethod
    def _get_content_block_fn(cls, expectation_type, expectation_config=None):
        row_fn = super()._get_content_block_fn(expectation_type=expectation_type,
                                               expectation_config=expectation_config)
        if row_fn is None:
            return None

        def annotated_rows(configuration=None, result=None, runtime_configuration=None, **kwargs):
            rows = row_fn(configuration=configuration, result=result,
                          runtime_configuration=runtime_configuration, **kwargs)
            annotation = expectation_annotation(getattr(result, "expectation_config", None))
            if annotation is None:
                return rows
            annotated = []
            for row in rows or []:
                row = list(row)
                if len(row) > 1:  # [status, expectation (one block, or a list: the sentence, the unexpected rows), …]
                    cell = row[1]
                    row[1] = [cell[0], annotation, *cell[1:]] if isinstance(cell, list) and cell else [cell, annotation]
                annotated.append(row)
            return annotated

        return annotated_rows


# --------------------------------------------------------------------------
# The site: vendored files in, every page written checked
# --------------------------------------------------------------------------


class OfflineSiteBuilder(SiteBuilder):
    """GX's site builder that carries the vendored files and refuses pages that load from elsewhere."""

    def build(self, resource_identifiers=None, build_index: bool = True):
        if copy_vendored_assets(self.target_store) and resource_identifiers:
            # A site without these vendored files (new, or built before them): every page is built
            # once, so the older pages it lists open offline too.
            resource_identifiers = None
        started = time.time() - 1  # file times: a page written by this build is newer
        built = super().build(resource_identifiers=resource_identifiers, build_index=build_index)
        site = Path(self.target_store.store_backends["index_page"].full_base_directory)
        assert_self_contained(p for p in site.rglob("*.html") if p.stat().st_mtime >= started)
        return built


# --------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------

_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:)?//", re.IGNORECASE)  # http:, https:, file:, protocol-relative
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", re.IGNORECASE)
#: Attributes that make the browser load something (``<a href>`` only navigates when clicked).
_LOADING = {("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
            ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
            ("embed", "src"), ("object", "data"), ("input", "src"), ("track", "src")}


class _LoadedReferences(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in _LOADING:
                if name == "srcset":
                    self.references += [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
                elif not (tag == "link" and name == "href" and _is_navigation_link(attrs)):
                    self.references.append(value.strip())
            elif name == "style":
                self._css(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._css(data)

    def _css(self, text: str) -> None:
        self.references += [a or b for a, b in _CSS_URL.findall(text)]


def _is_navigation_link(attrs) -> bool:
    rel = (dict(attrs).get("rel") or "").lower().split()
    return bool(rel) and all(r in {"canonical", "alternate", "next", "prev", "author", "help", "license"} for r in rel)


def loaded_references(html: str) -> list[str]:
    """Every URL a page makes the browser load: script/img src, link href, CSS ``url()`` and ``@import``."""
    parser = _LoadedReferences()
    parser.feed(html)
    parser.close()
    return parser.references


def page_problems(page: Path) -> list[str]:
    """What keeps ``page`` from opening offline: references to another host, local files that are missing."""
    problems = []
    for reference in loaded_references(page.read_text("utf-8")):
        if not reference or reference.startswith(("data:", "#", "about:", "javascript:")):
            continue
        if _REMOTE.match(reference):
            problems.append(f"loads {reference} from another host")
            continue
        path = unquote(urlsplit(reference).path)
        if path and not (page.parent / PurePosixPath(path)).resolve().is_file():
            problems.append(f"loads {reference}, which is not in the site")
    return problems


def assert_self_contained(pages) -> int:
    """Raise :class:`DataDocsNotSelfContained` when a page of ``pages`` would not open offline.

    Returns the number of pages checked.
    """
    checked = 0
    found = []
    for page in pages:
        checked += 1
        found += [f"{page}: {problem}" for problem in dict.fromkeys(page_problems(Path(page)))]
    if found:
        shown = "\n  ".join(found[:20]) + (f"\n  … and {len(found) - 20} more" if len(found) > 20 else "")
        raise DataDocsNotSelfContained(
            "GX Data Docs would not open offline (a CDN URL that orchestration/quality/data_docs.py does not "
            f"replace, or a vendored file missing: `make gx-assets`):\n  {shown}"
        )
    return checked
