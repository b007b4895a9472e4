"""X12 control numbers taken at once by many threads against DynamoDB Local never repeat."""
import json
import os
import subprocess
import sys

import pytest

from local.config import REPO

pytestmark = pytest.mark.integration

SCRIPT = """
import json
from concurrent.futures import ThreadPoolExecutor
from chalicelib.db.counters import next_control_number
with ThreadPoolExecutor(max_workers=16) as pool:
    print(json.dumps(list(pool.map(lambda _: next_control_number("01M840610B9DZ0GRXFN6GWBSXG"), range(300)))))
"""


def test_control_numbers_taken_concurrently_never_repeat(stack):
    env = {**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{stack.ports['DYNAMODB_PORT']}",
           "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    numbers = json.loads(out)
    assert len(set(numbers)) == 300 and sorted(numbers) == list(range(1, 301))
