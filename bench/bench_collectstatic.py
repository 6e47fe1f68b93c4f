#!/usr/bin/env python3
"""collectstatic benchmark (issue 7): a generated project with N static files
spread over A apps; times `mvt collectstatic --noinput` (first run into an
empty STATIC_ROOT, second run with nothing to copy) beside Django 3.2's
collectstatic on the same tree and `cp -r` of the same folders, and prints
the ratios. Targets: mvt >= 20x Django, and within 2x of cp -r.

Usage: bench/bench_collectstatic.py [--mvt build/mvt] [--files 5000] [--apps 10]
                                    [--repeat 5] [--storage StaticFilesStorage]
                                    [--tree simple|rich] [--verify]
--tree rich uses tests/e2e/static_tree.py's tree (duplicates across apps,
ignored files, stylesheets with url()/@import); --verify also checks that
mvt's STATIC_ROOT is byte-identical to Django's (issue 7's Done-when).
Run it with /usr/bin/python3 (Debian's Python, which has Django)."""
import argparse
import os
import pathlib
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "e2e"))
from django_mirror import DjangoMirror, files_with_bytes  # noqa: E402
import static_tree  # noqa: E402


def generate(project, mvt, files, apps, seed=7):
    """startproject + A startapps, then `files` static files over the apps'
    static/<app>/ folders (css, js, img, fonts, nested), sizes 50 B..16 KiB."""
    rng = random.Random(seed)
    subprocess.run([mvt, "startproject", project.name], cwd=project.parent, check=True, capture_output=True)
    labels = [f"app{i}" for i in range(apps)]
    for label in labels:
        subprocess.run([mvt, "startapp", label], cwd=project, check=True, capture_output=True)
    settings = project / "settings.yaml"
    settings.write_text(settings.read_text().replace(
        "  - staticfiles\n", "  - staticfiles\n" + "".join(f"  - {a}\n" for a in labels)))
    kinds = [("css", ".css"), ("js", ".js"), ("img", ".png"), ("img/icons", ".svg"), ("fonts", ".woff2"),
             ("vendor/lib/dist", ".min.js")]
    per_app = files // apps
    for n, label in enumerate(labels):
        count = per_app + (1 if n < files % apps else 0)
        base = project / label / "static" / label
        paths = []
        for i in range(count):
            folder, ext = kinds[i % len(kinds)]
            sub = f"{folder}/part{i % 7}" if i % 3 == 0 else folder
            paths.append(base / sub / f"f{i}{ext}")
        images = [p for p in paths if p.suffix == ".png"]
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".css":
                # Stylesheets reference images, as real ones do (ManifestStaticFilesStorage rewrites them).
                refs = [os.path.relpath(rng.choice(images), path.parent) for _ in range(3)]
                path.write_text("".join(f".c{k} {{ background: url('{r}'); }}\n" for k, r in enumerate(refs)))
            else:
                path.write_bytes(rng.randbytes(rng.randint(50, 16384)))
    return labels


def timed(cmd, cwd, env=None):
    """Runs cmd; returns (wall seconds, CPU seconds (user + system), stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{r.stdout}\n{r.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mvt", default=os.environ.get("MVT_BIN", str(HERE.parent / "build" / "mvt")))
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--apps", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                    help="where to build the tree (default /dev/shm: a tmpfs, so that the programs are "
                         "measured rather than the disk; pass e.g. /tmp to include the disk)")
    ap.add_argument("--storage", default="StaticFilesStorage",
                    choices=["StaticFilesStorage", "ManifestStaticFilesStorage"])
    ap.add_argument("--tree", default="simple", choices=["simple", "rich"])
    ap.add_argument("--verify", action="store_true",
                    help="compare mvt's STATIC_ROOT with Django's, file by file (not timed)")
    args = ap.parse_args()
    mvt = str(pathlib.Path(args.mvt).resolve())

    with tempfile.TemporaryDirectory(prefix="mvt-bench-", dir=args.dir) as tmp:
        tmp = pathlib.Path(tmp)
        project = tmp / "site"
        if args.tree == "rich":
            labels = static_tree.generate(project, mvt, args.files, args.apps, seed=7)
        else:
            labels = generate(project, mvt, args.files, args.apps)
        if args.storage != "StaticFilesStorage":
            s = project / "settings.yaml"
            s.write_text(s.read_text().replace("STATICFILES_STORAGE: StaticFilesStorage",
                                               f"STATICFILES_STORAGE: {args.storage}"))
        root = project / "staticfiles"
        django = DjangoMirror(tmp / "django", project, apps=labels, storage=args.storage)
        django_cmd = [django_python(), "-m", "django", "collectstatic", "--noinput", "--settings=djsettings"]
        django_env = {**os.environ, "PYTHONPATH": str(tmp / "django"), "PYTHONDONTWRITEBYTECODE": "1"}
        sources = [str(project / label / "static") + "/." for label in labels] + [str(project / "static") + "/."]
        sources = [s for s in sources if os.path.isdir(s)]
        cp_dest = tmp / "cp-dest"

        names = ("mvt first", "mvt second", "django first", "django second", "cp -r")
        results = {k: [] for k in names}
        cpu = {k: [] for k in names}
        summaries = {}
        # Warm the page cache once so every contender reads from memory.
        cp_dest.mkdir()
        subprocess.run(["cp", "-r", *sources, str(cp_dest)], check=True)
        for _ in range(args.repeat):
            shutil.rmtree(cp_dest, ignore_errors=True)
            cp_dest.mkdir()
            t, c, _ = timed(["cp", "-r", *sources, str(cp_dest)], tmp)
            results["cp -r"].append(t)
            cpu["cp -r"].append(c)

            shutil.rmtree(root, ignore_errors=True)
            t, c, out = timed([mvt, "collectstatic", "--noinput"], project)
            results["mvt first"].append(t)
            cpu["mvt first"].append(c)
            summaries["mvt first"] = out.strip().splitlines()[-1]
            t, c, out = timed([mvt, "collectstatic", "--noinput"], project)
            results["mvt second"].append(t)
            cpu["mvt second"].append(c)
            summaries["mvt second"] = out.strip().splitlines()[-1]

            shutil.rmtree(root, ignore_errors=True)
            t, c, out = timed(django_cmd, tmp / "django", django_env)
            results["django first"].append(t)
            cpu["django first"].append(c)
            summaries["django first"] = out.strip().splitlines()[-1]
            t, c, out = timed(django_cmd, tmp / "django", django_env)
            results["django second"].append(t)
            cpu["django second"].append(c)
            summaries["django second"] = out.strip().splitlines()[-1]

        if args.verify:
            verify(mvt, project, root, django_cmd, tmp / "django", django_env)

        med = {k: statistics.median(v) for k, v in results.items()}
        mcpu = {k: statistics.median(v) for k, v in cpu.items()}
        print(f"collectstatic benchmark: {args.files} files over {args.apps} apps, {args.storage}, "
              f"in {tmp.parent}, median of {args.repeat} runs (load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs)")
        print(f"  {'':14s} {'wall':>9s}    {'CPU':>9s}")
        for k in names:
            line = f"  {k:14s} {med[k] * 1000:7.1f} ms  {mcpu[k] * 1000:7.1f} ms"
            if k in summaries:
                line += f"   {summaries[k].replace(str(root), 'STATIC_ROOT')}"
            print(line)
        print("ratios (wall, CPU):")
        for label, a, b, target in (("Django / mvt, first run ", "django first", "mvt first", ">= 20x"),
                                    ("Django / mvt, second run", "django second", "mvt second", ">= 20x"),
                                    ("mvt first / cp -r       ", "mvt first", "cp -r", "<= 2")):
            print(f"  {label}: {med[a] / med[b]:7.2f}  {mcpu[a] / mcpu[b]:7.2f}   (target {target})")


def verify(mvt, project, root, django_cmd, django_dir, django_env):
    """Django's first run, then mvt's into an empty STATIC_ROOT: the same files
    with the same bytes (staticfiles.json and rewritten CSS included)."""
    shutil.rmtree(root, ignore_errors=True)
    _, _, d_out = timed(django_cmd, django_dir, django_env)
    django_files = files_with_bytes(root)
    shutil.rmtree(root)
    _, _, m_out = timed([mvt, "collectstatic", "--noinput"], project)
    mvt_files = files_with_bytes(root)
    differ = sorted(n for n in set(mvt_files) | set(django_files) if mvt_files.get(n) != django_files.get(n))
    print(f"verify: Django and mvt STATIC_ROOT: {len(django_files)} / {len(mvt_files)} files, "
          f"{len(differ)} differ{' (e.g. ' + ', '.join(differ[:5]) + ')' if differ else ''}; "
          f"output {'identical' if d_out == m_out else 'DIFFERENT'}")
    _, _, m2 = timed([mvt, "collectstatic", "--noinput"], project)
    print(f"verify: mvt second run: {m2.strip().splitlines()[-1].replace(str(root), 'STATIC_ROOT')}; "
          f"STATIC_ROOT {'unchanged' if files_with_bytes(root) == django_files else 'CHANGED'}")


def django_python():
    return "/usr/bin/python3"


if __name__ == "__main__":
    main()
