"""NCCI edit tables: build, load and look up the compact PTP index on a synthetic file of CMS's size.

    .venv/bin/python bench/ncci_index.py [--rows 1500000] [--lookups 100000] [--runs 3]

It writes a practitioner PTP table shaped like CMS's (four parts by column-1 code range, each with the AMA
copyright line and the column headings, Windows-1252 with CRLF, sorted by code; a rationale from CMS's list on
every row, a fifth of the edits deleted, some pairs edited twice over time) with `--rows` edits in all, and a
practitioner MUE file of 15,000 codes. moto's S3 server runs in its own process, so the bucket's copies are
not in the figures. Each step then runs the project's own code in a fresh process:

- build: `edit_tables.load_table`, as `POST /admin/edit-tables/{name}/load` runs it: stream the files from S3,
  read the rows, write the index to a temporary file, store it in the bucket;
- load: a container's first use, `reference.get_cache().get(spec)`: HEAD the index, GET it into /tmp, map it,
  check its header;
- lookups: `PtpIndex.edit` of `--lookups` pairs, half of them edits in the file and half not, on dates of
  service from 2020 to 2026, after one first lookup timed alone.

Lookups are timed in CPU time (`time.process_time`) as well as wall time: on a shared machine the wall
clock also counts the time other processes hold the cores. Memory is from /proc/self/status, in MiB, less VmRSS before the step (after imports and the S3 client):
"peak" is VmHWM, "resident" VmRSS after the step. For scale, the same rows as Python objects (a dict of
`PtpEdit` tuples by pair, what a table in memory would hold) are measured too. Figures are medians of `--runs`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.request_latency import free_ports  # noqa: E402
from local.procs import http_answers  # noqa: E402

BUCKET = "revcycle-documents"
COPYRIGHT = "CPT codes, descriptions and other data only are copyright 2025 American Medical Association."
HEADING = ("Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\t"
           "Modifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale")
RATIONALES = ["Standards of medical / surgical practice", "Mutually exclusive procedures",
              "Misuse of column two code with column one code", "CPT Manual or CMS manual coding instructions",
              "HCPCS/CPT procedure code definition", "More extensive procedure", "Gender-specific procedures",
              "Anesthesia service included in surgical procedure", "Laboratory panel", "Sequential procedure",
              "Standard preparation / monitoring services for anesthesia", "Separate procedure",
              "Deleted/Not Valid Code", "Medicare policy", "Mutually exclusive edit based on code definition"]
QUARTERS = [f"{year}{month:02d}01" for year in range(1996, 2027) for month in (1, 4, 7, 10)]


def codes(rng: random.Random, count: int) -> list[str]:
    """CPT-shaped and HCPCS-shaped codes, sorted as CMS sorts them (digits before letters)."""
    numeric = rng.sample(range(10004, 99608), count * 4 // 5)
    lettered = [f"{rng.choice('AGJ')}{rng.randrange(1000, 9999)}" for _ in range(count - len(numeric))]
    return sorted({f"{n:05d}" for n in numeric} | set(lettered))


def ptp_rows(rng: random.Random, rows: int) -> list[str]:
    column_1 = codes(rng, max(1, rows // 125))
    pool = codes(rng, 15_000)
    out: list[str] = []
    for n, code in enumerate(column_1):
        want = (rows - len(out)) // (len(column_1) - n)
        for other in sorted(rng.sample(pool, min(len(pool), max(0, want - want // 30)))):
            out.extend(pair_rows(rng, code, other, twice=len(out) % 30 == 0))
    return out[:rows]


def pair_rows(rng: random.Random, code: str, other: str, twice: bool) -> list[str]:
    start = rng.randrange(len(QUARTERS) - 2)
    indicator = rng.choices("019", weights=(25, 70, 5))[0]
    rationale = rng.choice(RATIONALES)
    prior = "*" if start == 0 else ""
    if twice:  # deleted, then edited again with another indicator: two rows for the pair
        end = rng.randrange(start + 1, len(QUARTERS) - 1)
        return [f"{code}\t{other}\t{prior}\t{QUARTERS[start]}\t{QUARTERS[end]}\t{indicator}\t{rationale}",
                f"{code}\t{other}\t\t{QUARTERS[end]}\t*\t{'1' if indicator == '0' else '0'}\t{rationale}"]
    deletion = QUARTERS[rng.randrange(start + 1, len(QUARTERS))] if rng.random() < 0.2 else "*"
    return [f"{code}\t{other}\t{prior}\t{QUARTERS[start]}\t{deletion}\t{indicator}\t{rationale}"]


def write_files(folder: Path, rows: int) -> tuple[list[Path], Path, list[tuple[str, str]]]:
    rng = random.Random(20270101)
    edits = ptp_rows(rng, rows)
    parts, bounds = [], [0, *(len(edits) * k // 4 for k in (1, 2, 3)), len(edits)]
    for k in range(4):
        path = folder / f"ccipra-v330r0-f{k + 1}.txt"
        body = [COPYRIGHT, "", HEADING, *edits[bounds[k]:bounds[k + 1]]]
        path.write_bytes(("\r\n".join(body) + "\r\n").encode("cp1252"))
        parts.append(path)
    mue = folder / "MCR_MUE_PractitionerServices_Eff_01-01-2027.csv"
    mue_rows = [f"{code},{rng.randrange(1, 9)},{rng.choice(['1 Line Edit', '2 Date of Service Edit: Policy'])},"
                f"Clinical: Data" for code in codes(rng, 15_000)]
    mue.write_bytes(("\r\n".join([f'"{COPYRIGHT}"', '"HCPCS/\nCPT Code",Practitioner Services MUE Values,'
                                  "MUE Adjudication Indicator,MUE Rationale", *mue_rows]) + "\r\n").encode("cp1252"))
    present = [tuple(row.split("\t", 2)[:2]) for row in rng.sample(edits, 1000)]
    return parts, mue, present  # type: ignore[return-value]


def status(field: str) -> float:
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def child_build(table: str, keys: list[str]) -> dict[str, float]:
    from chalicelib.scrubbing import service as edit_tables
    from chalicelib.scrubbing import reference
    from chalicelib.scrubbing.models import EditTableLoad

    reference.get_store()
    before = status("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    out = edit_tables.load_table(table, EditTableLoad(source_keys=keys, quarter="2027Q1"))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = reference.get_store().client.head_object(Bucket=BUCKET, Key=out.index_key)["ContentLength"]
    return {"seconds": seconds, "cpu": cpu, "peak": status("VmHWM") - before, "rows": out.rows,
            "index_mib": size / 2**20}


def child_load(pairs: list[list[str]]) -> dict[str, float]:
    from chalicelib.scrubbing import reference

    reference.get_store()
    spec = reference.TABLES["ptp-practitioner"]
    before = status("VmRSS")
    started = time.perf_counter()
    index = reference.get_cache().get(spec)
    load = time.perf_counter() - started
    assert index is not None and len(index) > 0
    loaded = {"load_s": load, "load_peak": status("VmHWM") - before, "load_resident": status("VmRSS") - before}
    rng = random.Random(7)
    days = [date.fromordinal(rng.randrange(date(2020, 1, 1).toordinal(), date(2026, 12, 31).toordinal()))
            for _ in pairs]
    started = time.perf_counter()
    index.edit(*pairs[0], days[0])
    first = time.perf_counter() - started
    wall, cpu = time.perf_counter(), time.process_time()
    for (code_1, code_2), day in zip(pairs, days):
        index.edit(code_1, code_2, day)
    warm, warm_cpu = time.perf_counter() - wall, time.process_time() - cpu
    cpu = time.process_time()
    for (code_1, code_2), day in zip(pairs, days):
        index.edits_between(code_2, code_1, day)
    between = time.process_time() - cpu
    return {**loaded, "first_us": first * 1e6, "warm_us": warm / len(pairs) * 1e6,
            "warm_cpu_us": warm_cpu / len(pairs) * 1e6, "between_cpu_us": between / len(pairs) * 1e6,
            "after_lookups_peak": status("VmHWM") - before, "after_lookups_resident": status("VmRSS") - before}


def child_objects(paths: list[str]) -> dict[str, float]:
    from chalicelib.scrubbing.ncci import read_ptp

    def lines():
        for path in paths:
            with open(path, encoding="cp1252", newline="") as file:
                yield from file

    before = status("VmRSS")
    started = time.perf_counter()
    table: dict[tuple[str, str], tuple] = {}
    for edit in read_ptp(lines()):
        key = (edit.column_1, edit.column_2)
        table[key] = table.get(key, ()) + (edit,)
    return {"seconds": time.perf_counter() - started, "peak": status("VmHWM") - before,
            "resident": status("VmRSS") - before}


def run_child(env: dict[str, str], step: str, *args: object) -> dict[str, float]:
    """One step in a fresh process; its arguments go as JSON on stdin (100,000 pairs are too long for argv)."""
    done = subprocess.run([sys.executable, __file__, "--child", step], env=env, input=json.dumps(args),
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.splitlines()[-1])


def median(results: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(result[key] for result in results) for key in results[0]}


def lookup_pairs(present: list[tuple[str, str]], count: int) -> list[list[str]]:
    rng = random.Random(11)
    absent = [[f"{rng.randrange(10004, 99608):05d}", f"{rng.randrange(10004, 99608):05d}"] for _ in range(count)]
    return [list(present[n % len(present)]) if n % 2 == 0 else absent[n] for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--lookups", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        work = {"build": child_build, "load": child_load, "objects": child_objects}[args.child]
        print(json.dumps(work(*json.load(sys.stdin))))
        return
    with tempfile.TemporaryDirectory(prefix="revcycle-ncci-bench-") as folder:
        measure(Path(folder), args)


def measure(folder: Path, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    parts, mue, present = write_files(folder, args.rows)
    print(f"NCCI edit index (Python {sys.version.split()[0]}); synthetic files written in "
          f"{time.perf_counter() - started:.1f} s: PTP {args.rows:,} rows in 4 parts, "
          f"{sum(p.stat().st_size for p in parts) / 2**20:.1f} MiB; MUE 15,000 codes")
    (port,) = free_ports(1)
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "REVCYCLE_STAGE": "test",
           "REVCYCLE_LOG_LEVEL": "WARNING", "REVCYCLE_DOCUMENTS_BUCKET": BUCKET}
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not http_answers(f"http://127.0.0.1:{port}/moto-api/"):
            time.sleep(0.2)
        keys = upload(env, parts, mue)
        report(env, keys, [str(p) for p in parts], lookup_pairs(present, args.lookups), args.runs)
    finally:
        moto.terminate()
        moto.wait()


def upload(env: dict[str, str], parts: list[Path], mue: Path) -> dict[str, list[str]]:
    os.environ.update(env)
    import boto3

    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    keys: dict[str, list[str]] = {"ptp-practitioner": [], "mue-practitioner": []}
    for path in [*parts, mue]:
        key = f"reference/ncci/2027q1/{path.name}"
        client.upload_file(str(path), BUCKET, key)
        keys["mue-practitioner" if path == mue else "ptp-practitioner"].append(key)
    return keys


def report(env: dict[str, str], keys: dict[str, list[str]], paths: list[str], pairs: list[list[str]],
           runs: int) -> None:
    for table in ("ptp-practitioner", "mue-practitioner"):
        built = median([run_child(env, "build", table, keys[table]) for _ in range(runs)])
        print(f"  build {table:<17} {built['rows']:>10,.0f} rows  {built['seconds']:7.2f} s "
              f"({built['cpu']:.2f} s CPU)   peak "
              f"{built['peak']:6.1f} MiB   index {built['index_mib']:6.2f} MiB")
    loaded = median([run_child(env, "load", pairs) for _ in range(runs)])
    print(f"  load ptp-practitioner (HEAD + GET to /tmp + mmap)  {loaded['load_s'] * 1000:7.1f} ms   peak "
          f"{loaded['load_peak']:6.1f} MiB   resident {loaded['load_resident']:6.1f} MiB")
    print(f"  lookups ({len(pairs):,}: half present)  first {loaded['first_us']:6.1f} µs   edit "
          f"{loaded['warm_us']:5.2f} µs wall, {loaded['warm_cpu_us']:5.2f} µs CPU   edits_between "
          f"{loaded['between_cpu_us']:5.2f} µs CPU   peak {loaded['after_lookups_peak']:6.1f} MiB   resident "
          f"{loaded['after_lookups_resident']:6.1f} MiB")
    objects = median([run_child(env, "objects", paths) for _ in range(runs)])
    print(f"  for scale, as Python objects (dict of PtpEdit tuples)  {objects['seconds']:7.2f} s   peak "
          f"{objects['peak']:6.1f} MiB   resident {objects['resident']:6.1f} MiB")


if __name__ == "__main__":
    main()
