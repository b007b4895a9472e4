"""Schemas build their validators on first use (`defer_build` in chalicelib/core/types.py): a container's first
request pays for the schemas it uses, not for every schema of the modules it imports."""
from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from chalicelib.patients import models
before = {"email_validator": "email_validator" in sys.modules, "create_built": models.PatientCreate.__pydantic_complete__}
body = {"first_name": "Ana", "last_name": "Lee", "birth_date": "1980-02-03", "sex": "F", "email": "ana@example.com",
        "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}}
created = models.PatientCreate.model_validate_json(json.dumps(body))
print(json.dumps({**before, "email_validator_after": "email_validator" in sys.modules, "email": created.email}))
"""


def test_the_patient_schemas_load_the_email_validator_only_when_a_body_is_validated() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen == {"email_validator": False, "create_built": False, "email_validator_after": True,
                    "email": "ana@example.com"}
