"""Where the app's AWS clients come from: only chalicelib/core/aws.py makes them, for the services it lists."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.core import aws

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
OWN_CLIENT = re.compile(r"^\s*(import boto3|from boto3)|boto3\.(client|resource|Session)\(|\.create_client\(|"
                        r"get_session\(", re.MULTILINE)


def test_no_module_of_the_app_makes_an_aws_client_of_its_own() -> None:
    # A client made elsewhere would load its own service model and open its own connections on the request
    # that pays for it, and could ask for a service whose model the package leaves out (tools/package.py).
    found = [f"{path.relative_to(CHALICELIB)}: {match.group(0).strip()}"
             for path in CHALICELIB.rglob("*.py") if path != CHALICELIB / "core" / "aws.py"
             for match in OWN_CLIENT.finditer(path.read_text())]
    assert found == []


def test_a_service_the_package_leaves_out_cannot_be_asked_for() -> None:
    with pytest.raises(ValueError, match="SERVICES"):
        aws.client("ses")
