"""Build the deployment package: `chalice package`, then compiled bytecode in, what the Lambda never loads out.

    .venv/bin/python tools/package.py [--out build/deploy] [--stage prod]

Writes `<out>/sam.json` (merged with infra/template.json) and `<out>/deployment.zip`, and fails when the zip is
over `BUDGET`. What it changes in chalice's zip, and why (docs/deploy.md, "The package"):

- Every module gets a `__pycache__/<name>.cpython-3XX.pyc` compiled as an unchecked hash-based pyc (PEP 552):
  Lambda's code directory is read-only, so without them every cold start compiles every module it imports,
  and an unchecked pyc is used without comparing it to its source. The pyc format follows the Python that
  runs this tool, so the tool refuses to build unless the template's runtime is that Python.
- botocore keeps the models of the services the app calls (`chalicelib.core.aws.SERVICES`) and none of the
  other ~450: 17 MB of the zip. Its `endpoints.json` (1.2 MB, parsed whole by every new session's first
  client: about 20 ms of CPU at each cold start) keeps every partition and region but only those services.
- Whatever `__pycache__` chalice copied from the working tree is dropped (timestamp pycs of whatever ran last).
"""
from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from chalicelib.core.aws import SERVICES  # noqa: E402  (the repo on the path first)

BUDGET = 25_000_000  # bytes of deployment.zip: Lambda takes 50 MB zipped; room for PDF rendering and more
TASK_ROOT = "/var/task"  # where Lambda unpacks the zip: the file names tracebacks show
BOTOCORE_DATA = "botocore/data/"
ENDPOINTS = BOTOCORE_DATA + "endpoints.json"


def copy_project(dest: Path, requirements: bool = True) -> Path:
    """What chalice bundles (app.py, chalicelib/, .chalice config, requirements.txt), without any pycache."""
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "app.py", dest / "app.py")
    shutil.copytree(REPO / "chalicelib", dest / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    (dest / ".chalice").mkdir()
    for config in (REPO / ".chalice").glob("*.json"):
        shutil.copy2(config, dest / ".chalice" / config.name)
    if requirements:
        shutil.copy2(REPO / "requirements.txt", dest / "requirements.txt")
    return dest


def chalice_package(project: Path, out: Path, stage: str, env: dict[str, str] | None = None) -> None:
    argv = [str(Path(sys.executable).parent / "chalice"), "--project-dir", str(project), "package",
            "--stage", stage, "--merge-template", str(REPO / "infra" / "template.json"), str(out)]
    if env is None:  # chalice asks for a region; the template it writes does not depend on it
        env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION")
               or os.environ.get("AWS_REGION") or "us-east-1"}
    run = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise SystemExit(f"chalice package failed:\n{run.stdout}{run.stderr}")


def check_runtime(sam: dict) -> None:
    """A pyc is only read by the Python version that wrote it: the Lambda runtime must be this one."""
    ours = f"python{sys.version_info.major}.{sys.version_info.minor}"
    runtimes = {r["Properties"].get("Runtime") or sam.get("Globals", {}).get("Function", {}).get("Runtime")
                for r in sam["Resources"].values() if r["Type"] == "AWS::Serverless::Function"}
    if runtimes != {ours}:
        raise SystemExit(f"the template runs {sorted(map(str, runtimes))} but this Python is {ours}: "
                         "package with the runtime's Python version")


def kept(name: str) -> bool:
    """False for what the Lambda never loads: other services' botocore models, stale pycache."""
    if "__pycache__/" in name or name.endswith(".pyc"):
        return False
    if name.startswith(BOTOCORE_DATA):
        rest = name[len(BOTOCORE_DATA):]
        return "/" not in rest or rest.split("/", 1)[0] in SERVICES  # top-level files: endpoints, partitions
    return True


def unpack(zip_path: Path, into: Path) -> dict[str, zipfile.ZipInfo]:
    """Extract what is kept; returns each kept entry's ZipInfo (its permissions travel to the new zip)."""
    infos = {}
    with zipfile.ZipFile(zip_path) as source:
        for info in source.infolist():
            if info.is_dir() or not kept(info.filename):
                continue
            source.extract(info, into)
            infos[info.filename] = info
    return infos


def endpoint_prefixes(data: Path) -> set[str]:
    """Each kept service's key in endpoints.json: its model's endpointPrefix (not always its name)."""
    prefixes = set()
    for service in SERVICES:
        models = list((data / service).glob("*/service-2.json*"))
        if not models:
            raise SystemExit(f"botocore in the package has no model of {service}")
        for model in models:
            raw = model.read_bytes()
            metadata = json.loads(gzip.decompress(raw) if model.suffix == ".gz" else raw)["metadata"]
            prefixes.add(metadata["endpointPrefix"])
    return prefixes


def trim_endpoints(root: Path) -> None:
    """endpoints.json with every partition, its defaults and regions, and only the kept services' entries."""
    path = root / ENDPOINTS
    endpoints = json.loads(path.read_text())
    prefixes = endpoint_prefixes(path.parent)
    for partition in endpoints["partitions"]:
        partition["services"] = {k: v for k, v in partition["services"].items() if k in prefixes}
    path.write_text(json.dumps(endpoints, separators=(",", ":")))


def compile_tree(root: Path) -> None:
    ok = compileall.compile_dir(root, quiet=1, stripdir=str(root), prependdir=TASK_ROOT, workers=0,
                                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    if not ok:
        raise SystemExit("some modules of the package do not compile (see above)")


def repack(root: Path, infos: dict[str, zipfile.ZipInfo], zip_path: Path) -> None:
    """Sorted entries, each source with its original permissions, pycs readable by all."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            info = infos.get(name)
            if info is None:  # a pyc this tool wrote
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, path.read_bytes(), compresslevel=9)


def build(out: Path, stage: str = "prod", env: dict[str, str] | None = None) -> Path:
    """The package in `out`; returns the zip's path. Raises SystemExit over budget or on any failure."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="revcycle-package-") as work:
        project = copy_project(Path(work) / "project")
        chalice_package(project, out, stage, env)
        check_runtime(json.loads((out / "sam.json").read_text()))
        tree = Path(work) / "tree"
        zip_path = out / "deployment.zip"
        infos = unpack(zip_path, tree)
        trim_endpoints(tree)
        compile_tree(tree)
        repack(tree, infos, zip_path)
    size = zip_path.stat().st_size
    if size > BUDGET:
        raise SystemExit(f"deployment.zip is {size:,} bytes, over the budget of {BUDGET:,} (docs/deploy.md)")
    return zip_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "deploy")
    parser.add_argument("--stage", default="prod")
    options = parser.parse_args()
    zip_path = build(options.out, options.stage)
    with zipfile.ZipFile(zip_path) as package:
        unzipped = sum(i.file_size for i in package.infolist())
        pycs = sum(1 for n in package.namelist() if n.endswith(".pyc"))
    print(f"{zip_path}: {zip_path.stat().st_size:,} bytes ({unzipped:,} unzipped, {pycs} compiled modules), "
          f"budget {BUDGET:,}")


if __name__ == "__main__":
    main()
