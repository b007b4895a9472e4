"""What keeping moto's state on disk costs the local stack (`python -m local.aws --state DIR`).

    .venv/bin/python bench/local_aws.py [--objects 0,1000,10000] [--requests 50] [--stack-runs 3]

For each number of kept objects, a state holding that many S3 objects (2 KiB bodies, EDI-sized, in one
versioned bucket, as the EDI bucket is) and one queue is written in this process by local/kept_state.py, from
moto's in-process backends. Then `python -m local.aws --state DIR` starts on it (timed from the spawn until it
answers, so Python's and moto's imports are in it), and N sequential PutObject (a new key each), GetObject and
SQS SendMessage calls are timed from a boto3 client. The first row is `python -m local.aws` without --state:
moto in memory, as the stack ran before it kept anything. Each row's server is stopped before the next starts.

Then the whole stack (`python -m local.stack`, on free ports, in a temp dir) is started --stack-runs times each
way, timed from the spawn to its "stack is up" line: with --in-memory (the integration tests' stack), on a new
state dir (a first `make run`), and again on that state (a restart, which reads the kept state back).
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `local` is importable from any cwd

from local.config import REPO  # noqa: E402
from local.procs import http_answers, spawn, stop_all, wait_ready  # noqa: E402

BODY = b"ISA*00*" + b"x" * (2048 - 7)
BUCKET, QUEUE = "bench-edi", "bench-jobs"


def aws_environment() -> None:
    """Fake credentials, and no endpoint variables: seeding must reach moto's in-process mock, nothing else."""
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL") or n == "AWS_PROFILE"]:
        del os.environ[name]
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "us-east-1"})


def seed(state: Path, objects: int) -> None:
    import boto3
    from moto import mock_aws

    from local.kept_state import KEPT_SERVICES, KeptState

    with mock_aws():
        s3, sqs = boto3.client("s3"), boto3.client("sqs")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        for number in range(objects):
            s3.put_object(Bucket=BUCKET, Key=f"inbox/F1/{number:06d}.999", Body=BODY)
        sqs.create_queue(QueueName=QUEUE)
        KeptState(state).save(KEPT_SERVICES)


def timed(calls: int, call: Callable[[int], Any]) -> list[float]:
    for number in range(5):  # connections and first-use costs out of the figures
        call(-1 - number)
    times = []
    for number in range(calls):
        start = time.perf_counter()
        call(number)
        times.append((time.perf_counter() - start) * 1000)
    return times


def figures(times: list[float]) -> str:
    ordered = sorted(times)
    return f"{statistics.median(ordered):.1f} / {ordered[int(len(ordered) * 0.9) - 1]:.1f}"


def measure(label: str, state: Path | None, calls: int, workdir: Path) -> str:
    import boto3

    port = free_port()
    argv = [sys.executable, "-m", "local.aws", "--port", str(port), *(["--state", str(state)] if state else [])]
    start = time.perf_counter()
    child = spawn("aws", argv, dict(os.environ), workdir / f"{label}.log", cwd=REPO)
    try:
        wait_ready(child, lambda: http_answers(f"http://127.0.0.1:{port}/moto-api/", timeout=0.2),
                   threading.Event(), timeout=120)
        started = (time.perf_counter() - start) * 1000
        endpoint = f"http://127.0.0.1:{port}"
        s3, sqs = boto3.client("s3", endpoint_url=endpoint), boto3.client("sqs", endpoint_url=endpoint)
        if state is None:
            s3.create_bucket(Bucket=BUCKET)
            sqs.create_queue(QueueName=QUEUE)
        url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
        puts = timed(calls, lambda n: s3.put_object(Bucket=BUCKET, Key=f"outbox/F1/P1/{n}.837", Body=BODY))
        gets = timed(calls, lambda n: s3.get_object(Bucket=BUCKET, Key=f"outbox/F1/P1/{max(n, 0)}.837")["Body"].read())
        sends = timed(calls, lambda n: sqs.send_message(QueueUrl=url, MessageBody='{"job": "bench"}'))
    finally:
        stop_all([child])
    disk = sum(f.stat().st_size for f in state.rglob("*") if f.is_file()) / 2**20 if state else 0.0
    return f"| {label} | {started:.0f} | {figures(puts)} | {figures(gets)} | {figures(sends)} | {disk:.1f} |"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stack_start_ms(state_dir: Path, in_memory: bool) -> float:
    env = {**os.environ, **{name: str(free_port()) for name in ("PORT", "DYNAMODB_PORT", "MOTO_PORT", "STRIPE_PORT")}}
    argv = [sys.executable, "-m", "local.stack", "--state-dir", str(state_dir), *(["--in-memory"] if in_memory else [])]
    output = state_dir.parent / f"{state_dir.name}-output.txt"
    start = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        while "stack is up" not in output.read_text(errors="replace"):
            if process.poll() is not None or time.perf_counter() - start > 180:
                raise SystemExit(f"the stack did not start:\n{output.read_text(errors='replace')}")
            time.sleep(0.05)
        return (time.perf_counter() - start) * 1000
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def stack_starts(runs: int, workdir: Path) -> None:
    times: dict[str, list[float]] = {"in memory (--in-memory)": [], "kept, first start": [], "kept, restart": []}
    for run in range(runs):
        times["in memory (--in-memory)"].append(stack_start_ms(workdir / f"memory-{run}", in_memory=True))
        times["kept, first start"].append(stack_start_ms(workdir / f"kept-{run}", in_memory=False))
        times["kept, restart"].append(stack_start_ms(workdir / f"kept-{run}", in_memory=False))
    print("\n| stack start | median (ms) | min | max |\n| --- | --- | --- | --- |")
    for label, found in times.items():
        print(f"| {label} | {statistics.median(found):.0f} | {min(found):.0f} | {max(found):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", default="0,1000,10000", help="kept S3 objects per row, comma-separated")
    parser.add_argument("--requests", type=int, default=50, help="timed calls of each kind per row")
    parser.add_argument("--stack-runs", type=int, default=3, help="starts of the whole stack each way (0: none)")
    options = parser.parse_args()
    aws_environment()
    print("| moto | start (ms) | PutObject p50 / p90 (ms) | GetObject p50 / p90 | SendMessage p50 / p90 "
          "| on disk (MiB) |\n| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="bench-local-aws-") as tmp:
        workdir = Path(tmp)
        print(measure("in memory", None, options.requests, workdir), flush=True)
        for objects in (int(n) for n in options.objects.split(",")):
            state = workdir / f"kept-{objects}"
            seed(state, objects)
            print(measure(f"kept, {objects:,} objects", state, options.requests, workdir), flush=True)
        if options.stack_runs:
            stack_starts(options.stack_runs, workdir)


if __name__ == "__main__":
    main()
