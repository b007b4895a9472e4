"""The deployment package as tools/package.py builds it (docs/deploy.md, "The package"): within its budget,
compiled so that a cold start compiles nothing, with botocore's models for exactly the services the app calls.

Building it runs `chalice package` with the requirements, so pip fetches the Lambda wheels from the package
index (about a minute on this machine, most of it compiling); the module builds it once.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chalicelib.core.aws import SERVICES
from tools import package

REPO = Path(__file__).resolve().parents[2]
PROBE = REPO / "tools" / "lambda_probe.py"
# A hash-based pyc's flags word (PEP 552): bit 0 says hash-based, bit 1 says check the source. 0b01: unchecked.
UNCHECKED_HASH = 0b01


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return package.build(tmp_path_factory.mktemp("package") / "out")


@pytest.fixture(scope="module")
def unpacked(zip_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    into = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(zip_path) as source:
        source.extractall(into)
    return into


def probe(root: Path, spec: dict) -> dict:
    """tools/lambda_probe.py in a fresh process that sees only the package and the standard library."""
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1"}
    run = subprocess.run([sys.executable, "-I", "-S", "-B", str(PROBE), str(root), json.dumps(spec)], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_package_stays_within_its_budget(zip_path: Path) -> None:
    assert zip_path.stat().st_size <= package.BUDGET


def test_every_module_in_the_package_has_bytecode_that_is_never_checked_against_its_source(zip_path: Path) -> None:
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(zip_path) as source:
        names = set(source.namelist())
        modules = [n for n in names if n.endswith(".py")]
        missing = []
        for name in modules:
            folder, _, file = name.rpartition("/")
            pyc = f"{folder + '/' if folder else ''}__pycache__/{file[:-3]}.{tag}.pyc"
            if pyc not in names:
                missing.append(name)
                continue
            header = source.read(pyc)[:8]
            assert header[:4] == importlib.util.MAGIC_NUMBER, pyc
            assert int.from_bytes(header[4:8], "little") == UNCHECKED_HASH, pyc
    assert len(modules) > 1000 and missing == []


def test_the_packaged_app_imports_without_compiling_a_module(unpacked: Path) -> None:
    result = probe(unpacked, {"module": "app"})
    assert result["compiled"] == []


def test_botocore_in_the_package_has_the_model_of_every_service_the_app_calls_and_no_other(unpacked: Path) -> None:
    kept = sorted(p.name for p in (unpacked / "botocore" / "data").iterdir() if p.is_dir())
    assert kept == sorted(SERVICES)
    # Each kept model is whole: the package's botocore alone makes a client of each.
    script = (f"import sys; sys.path.insert(0, {str(unpacked)!r}); import botocore.session; "
              "session = botocore.session.get_session(); "
              f"print([session.create_client(n).meta.service_model.service_name for n in {list(SERVICES)!r}])")
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    run = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", script], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == repr(list(SERVICES))


# A region of each partition kind: commercial, China, GovCloud, and one the data names only by its pattern.
REGIONS = ("us-east-1", "eu-central-1", "cn-north-1", "us-gov-west-1", "us-isob-east-1")


def endpoint_urls(path: Path | None) -> list[list[str]]:
    """Each service's endpoint URL in each of REGIONS, from the botocore at `path` (None: the venv's, whole)."""
    prefix = f"import sys; sys.path.insert(0, {str(path)!r}); " if path else ""
    script = (prefix + "import botocore.session; s = botocore.session.get_session(); "
              f"print([[s.create_client(n, region_name=r).meta.endpoint_url for n in {list(SERVICES)!r}] "
              f"for r in {list(REGIONS)!r}])")
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    argv = [sys.executable, "-I", "-S", "-B", "-c", script] if path else [sys.executable, "-c", script]
    run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.replace("'", '"'))


def test_the_trimmed_endpoints_file_keeps_only_the_app_services_and_resolves_them_as_the_whole_one_does(
        unpacked: Path) -> None:
    endpoints = json.loads((unpacked / package.ENDPOINTS).read_text())
    services = {name for partition in endpoints["partitions"] for name in partition["services"]}
    assert services == set(SERVICES)  # each of these services' endpointPrefix is its name
    assert endpoint_urls(unpacked) == endpoint_urls(None)
