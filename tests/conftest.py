"""Shared test settings: no real AWS, ever. Endpoint variables are cleared so moto intercepts calls."""
import os

for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[name]
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "REVCYCLE_STAGE": "test",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
})
