"""The deployable template: `chalice package` merged with infra/template.json, checked by cfn-lint.

The app is packaged from a copy of the project without requirements.txt: the dependency bundle would need
PyPI (chalice downloads Lambda wheels) and adds nothing to the template, which is what these tests check.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.settings import PREFIX, Settings
from tools import package

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "infra" / "template.json"
BIN = Path(sys.executable).parent
PROBLEM = "'application/problem+json'"
# The environment a packaging run sees: fake credentials, one region, no endpoint or profile of the caller's.
PACKAGE_ENV = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("package")
    project, out = package.copy_project(base / "project", requirements=False), base / "out"
    package.chalice_package(project, out, "prod", PACKAGE_ENV)
    return out / "sam.json"


@pytest.fixture(scope="module")
def sam(packaged: Path) -> dict[str, Any]:
    return json.loads(packaged.read_text())


def functions(sam: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in sam["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_packaged_template_has_no_cfn_lint_errors(packaged: Path) -> None:
    run = subprocess.run([str(BIN / "cfn-lint"), "--format", "json", str(packaged)],
                         cwd=REPO, env=PACKAGE_ENV, capture_output=True, text=True, timeout=120)
    findings = json.loads(run.stdout or "[]")
    errors = [f"{f['Rule']['Id']} {f['Message']} ({f['Location']['Path']})" for f in findings if f["Level"] == "Error"]
    assert errors == []
    assert run.returncode in (0, 4, 8, 12), run.stderr  # 2 is the "errors found" bit; 1 or above 15: it failed


def test_every_function_gets_the_production_settings(sam: dict[str, Any]) -> None:
    shared = sam["Globals"]["Function"]["Environment"]["Variables"]
    assert {"APIHandler", "ApiKeyAuthorizer"} <= set(functions(sam))
    for name, function in functions(sam).items():
        variables = {**shared, **function["Properties"].get("Environment", {}).get("Variables", {})}
        assert variables["REVCYCLE_STAGE"] == "prod", name
        assert variables["REVCYCLE_TABLE_NAME"] == {"Ref": "Table"}, name
        assert variables["REVCYCLE_SECRET_ID"] == {"Ref": "AppSecret"}, name
        # Settings.from_env ignores unknown names, so a typo here would silently fall back to a default.
        unknown = {v for v in variables if v.startswith(PREFIX)} - {PREFIX + f.upper() for f in Settings.model_fields}
        assert unknown == set(), name


def test_the_api_function_has_the_cpu_to_load_a_quarter_of_cms_edits_within_the_gateways_29_seconds(
        sam: dict[str, Any]) -> None:
    # Lambda's CPU follows its memory (one vCPU at 1,769 MB); loading CMS's practitioner PTP table takes about
    # 5 CPU-seconds (docs/benchmarks.md, "NCCI edit tables"), over a minute at the default 128 MB.
    assert functions(sam)["APIHandler"]["Properties"]["MemorySize"] >= 1024


def test_every_function_runs_as_the_role_the_app_policy_is_attached_to(sam: dict[str, Any]) -> None:
    resources = sam["Resources"]
    assert resources["AppPolicy"]["Properties"]["Roles"] == [{"Ref": "DefaultRole"}]
    for name, function in functions(sam).items():
        assert function["Properties"]["Role"] == {"Fn::GetAtt": ["DefaultRole", "Arn"]}, name
    # The role's own policy (chalice's, replaced by infra/template.json) is logs, plus what the SQS trigger
    # needs on the jobs queue alone (chalice would grant those on "*"); data access is AppPolicy's, by name.
    trigger = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
    policies = resources["DefaultRole"]["Properties"]["Policies"]
    statements = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
    actions = [a for s in statements for a in as_list(s["Action"])]
    assert actions and all(a.startswith("logs:") or a in trigger for a in actions)
    for statement in statements:
        if set(as_list(statement["Action"])) & trigger:
            assert statement["Resource"] == {"Fn::GetAtt": ["JobsQueue", "Arn"]}, statement  # only the jobs queue


def test_table_keeps_its_keys_and_is_encrypted_with_the_stack_key(sam: dict[str, Any]) -> None:
    table = sam["Resources"]["Table"]
    props = table["Properties"]
    assert table["DeletionPolicy"] == "Retain"
    assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert [i["IndexName"] for i in props["GlobalSecondaryIndexes"]] == ["gsi1", "gsi2", "gsi3"]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "Key"}


def gateway_responses() -> dict[str, dict[str, Any]]:
    return json.loads(TEMPLATE.read_text())["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]


@pytest.mark.parametrize("response_type", sorted(gateway_responses()))
def test_gateway_errors_answer_problem_json_with_their_own_status(response_type: str) -> None:
    response = gateway_responses()[response_type]
    assert response["ResponseParameters"]["Headers"]["Content-Type"] == PROBLEM
    # API Gateway substitutes $context.error.messageString with the message as a quoted JSON string.
    body = json.loads(response["ResponseTemplates"]["application/json"]
                      .replace("$context.error.messageString", '"a message"'))
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == int(response["StatusCode"])


def test_the_four_gateway_answers_the_app_relies_on_are_declared() -> None:
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED", "ACCESS_DENIED"} <= set(gateway_responses())
