"""A generated static tree for comparing collectstatic with Django's (issue 7):
`files` static files over `apps` apps plus the project's STATICFILES_DIRS,
deterministic for a seed. It has what real trees have and what the
finders and the manifest storage must get right:
- nested folders (up to five levels) under each app's static/<app>/ and a
  few shared paths (static/shared/..., static/vendor/...) that several apps
  and the project folder all provide: first found wins, in Django's order;
- files Django ignores (.hidden, *~, CVS/, .git/), empty files, double
  extensions (.tar.gz, .min.js), names with spaces and non-ASCII letters;
- stylesheets that reference images, fonts and other stylesheets through
  url() (quoted three ways, relative, ../ across apps, /static/ absolute,
  with #fragment and the ?#iefix hack) and @import (both forms), alongside
  references that must be left alone (data:, http:, #id, //host, other
  roots). Stylesheet imports only point at "leaf" stylesheets (which import
  nothing), so Django's post-process always settles within its passes.

Used by test_collectstatic.py (a few hundred files) and
bench/bench_collectstatic.py (5,000)."""
import pathlib
import posixpath
import random
import subprocess

KINDS = [("img", ".png"), ("js", ".js"), ("img/icons", ".svg"), ("fonts", ".woff2"), ("js/vendor", ".min.js"),
         ("data", ".json"), ("archives", ".tar.gz"), ("img", ".jpg")]
SHARED = ["shared/base.js", "shared/img/logo.png", "shared/fonts/icons.woff2", "vendor/jquery/jquery.min.js",
          "favicon.ico"]


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def _folder(rng, base, kind):
    depth = rng.choice([0, 0, 1, 1, 2, 3])
    parts = [kind] + [f"d{rng.randint(0, 3)}" for _ in range(depth)]
    return base.joinpath(*parts)


def generate(project, mvt, files=300, apps=10, seed=7, storage="StaticFilesStorage"):
    """Creates the project at `project` (startproject + startapp, apps in
    INSTALLED_APPS) and its static files; returns the app labels. About
    `files` files are found by the finders (duplicates and ignored files
    included)."""
    rng = random.Random(seed)
    project = pathlib.Path(project)
    subprocess.run([mvt, "startproject", project.name], cwd=project.parent, check=True, capture_output=True)
    labels = [f"app{i}" for i in range(apps)]
    for label in labels:
        subprocess.run([mvt, "startapp", label], cwd=project, check=True, capture_output=True)
    settings = project / "settings.yaml"
    text = settings.read_text().replace("  - staticfiles\n",
                                        "  - staticfiles\n" + "".join(f"  - {a}\n" for a in labels))
    text = text.replace("STATICFILES_STORAGE: StaticFilesStorage", f"STATICFILES_STORAGE: {storage}")
    settings.write_text(text)

    roots = [project / "static"] + [project / label / "static" for label in labels]
    # Paths every location may provide (the first location that has one wins).
    for path in SHARED:
        for i, root in enumerate(roots):
            if i == 0 or rng.random() < 0.4:
                _write(root / path, f"{path} from location {i}\n")
    # Ignored by default everywhere.
    for i, root in enumerate(roots):
        _write(root / ".hidden", "hidden\n")
        _write(root / "css" / f"old{i}.css~", "backup\n")
        _write(root / "CVS" / "Entries", "cvs\n")
        _write(root / ".git" / "config", "[core]\n")
    _write(roots[0] / "empty.txt", b"")
    _write(roots[0] / "docs" / "read me.txt", "spaces\n")
    _write(roots[0] / "docs" / "café.txt", "non-ascii\n")

    budget = max(files - 6 * len(roots) - 3, len(labels) * 8)
    per_app = budget // len(labels)
    assets = []  # (static name, absolute path) of the images/fonts stylesheets may reference
    plans = []
    for n, label in enumerate(labels):
        base = roots[n + 1] / label
        count = per_app + (1 if n < budget % len(labels) else 0)
        css_count = max(2, count // 6)
        for i in range(count - css_count):
            folder, ext = KINDS[i % len(KINDS)]
            path = _folder(rng, base, folder) / f"f{i}{ext}"
            _write(path, rng.randbytes(rng.randint(0, 4096)))
            if ext in (".png", ".svg", ".woff2", ".jpg"):
                assets.append(path.relative_to(roots[n + 1]).as_posix())
        plans.append((n, base, css_count))
    # Project-level assets referenced with absolute /static/ URLs.
    _write(roots[0] / "img" / "bg.png", rng.randbytes(300))
    _write(roots[0] / "fonts" / "f.eot", rng.randbytes(200))
    _write(roots[0] / "fonts" / "f.woff", rng.randbytes(200))
    assets += ["img/bg.png", "shared/img/logo.png"]

    def relative(name, css_name):  # a URL relative to the stylesheet, in STATIC_ROOT's namespace
        return posixpath.relpath("/" + name, posixpath.dirname("/" + css_name))

    sheets = []  # (absolute path, static name, leaf?)
    for n, base, css_count in plans:
        for i in range(css_count):
            path = _folder(rng, base, "css") / f"s{i}.css"
            sheets.append((path, path.relative_to(roots[n + 1]).as_posix(), i % 2 == 0))
    leaf_names = [name for _, name, leaf in sheets if leaf]
    for path, css_name, is_leaf in sheets:
        lines = []
        for k in range(rng.randint(1, 5)):
            name = rng.choice(assets)
            rel = relative(name, css_name)
            style = rng.randrange(6)
            if style == 0:
                lines.append(f".r{k} {{ background: url('{rel}'); }}")
            elif style == 1:
                lines.append(f'.r{k} {{ background: url("{rel}") no-repeat; }}')
            elif style == 2:
                lines.append(f".r{k} {{ background: url({rel}); }}")
            elif style == 3:
                lines.append(f".r{k} {{ background: url(/static/{name}); }}")
            elif style == 4:
                lines.append(f".r{k} {{ background: url('{rel}#frag{k}'); }}")
            else:
                lines.append(f"@font-face {{ src: url('/static/fonts/f.eot?#iefix') format('eot'), "
                             f"url(\"{relative('fonts/f.woff', css_name)}\"); }}")
        lines += [".k1 { background: url(data:image/png;base64,iVBORw0KGgo=); }",
                  ".k2 { background: url(http://example.com/x.png); }",
                  ".k3 { filter: url(#blur); }",
                  ".k4 { background: url(//cdn.example.com/y.png); }",
                  ".k5 { background: url(/elsewhere/z.png); }",
                  "/* café ünïcode */"]
        if not is_leaf:
            head = []
            for j, target in enumerate(rng.sample(leaf_names, k=min(2, len(leaf_names)))):
                rel = relative(target, css_name)
                head.append(f'@import "{rel}";' if j % 2 == 0 else f"@import url('{rel}');")
            lines = head + lines
        _write(path, "\n".join(lines) + "\n")
    return labels
