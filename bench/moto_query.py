"""moto's Query against the API tests' partition Query (tests/moto_query.py), on a table the size a whole API test
session leaves.

    .venv/bin/python bench/moto_query.py [--items 40000] [--rounds 7]

In-process on moto: a table shaped like ours (pk, sk, gsi1 over gsi1pk/gsi1sk) holds `--items` items, 20 to a
partition, every item on the index, 20 to an index partition, written in a shuffled order as a test session
writes its partitions (moto's sort of an already sorted table is a single pass, and would flatter it). Each round asks three Queries (one partition of
the table, one index partition, and the table partition again in pages of 5) of each side in turn, the side that
goes first alternating from round to round, and times each in CPU (time.process_time) and wall time. The run fails if the two sides' answers differ in any page, or if a Query finds nothing: a figure is
only made of the work the tests ask for.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLE = "bench-moto-query"
PER_PARTITION = 20


def make_table(items: int) -> Any:
    from tests.moto_query import table_like_ours

    table = table_like_ours(TABLE)
    order = list(range(items))
    random.Random(7).shuffle(order)  # as a session writes them: partitions in no order (moto's sort then works)
    with table.batch_writer() as batch:
        for n in order:
            # The index partitions cut across the table's: the 20 items of one are in 20 table partitions.
            batch.put_item(Item={"pk": f"P#{n // PER_PARTITION}", "sk": f"S#{n:07d}", "kind": "claim",
                                 "gsi1pk": f"G#{n % (items // PER_PARTITION)}", "gsi1sk": f"D#{n:07d}"})
    return table


def queries(items: int) -> dict[str, dict[str, Any]]:
    from boto3.dynamodb.conditions import Key

    middle = items // PER_PARTITION // 2
    return {"table partition": dict(KeyConditionExpression=Key("pk").eq(f"P#{middle}")),
            "index partition": dict(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq(f"G#{middle}")),
            "table partition, pages of 5": dict(KeyConditionExpression=Key("pk").eq(f"P#{middle}"), Limit=5)}


def every_page(table: Any, query: dict[str, Any]) -> list[list[dict]]:
    pages, start = [], {}
    while True:
        page = table.query(**query, **start)
        pages.append(page["Items"])
        if "LastEvaluatedKey" not in page:
            return pages
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def run_query(table: Any, query: dict[str, Any]) -> tuple[float, float, list[list[dict]]]:
    cpu, wall = time.process_time(), time.perf_counter()
    pages = every_page(table, query)
    return time.process_time() - cpu, time.perf_counter() - wall, pages


def spread(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.1f} ms ({min(values) * 1000:,.1f} to {max(values) * 1000:,.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40000)
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    from moto import mock_aws
    from moto.dynamodb.models.table import Table

    from tests.moto_query import partition_queries

    partition_queries()
    sides: dict[str, Callable[..., Any]] = {"moto": Table.query.moto_original, "partition": Table.query}
    load = "%.2f, %.2f, %.2f" % os.getloadavg()
    with mock_aws():
        table, asked = make_table(options.items), queries(options.items)
        cpu = {(name, side): [] for name in asked for side in sides}
        wall = {(name, side): [] for name in asked for side in sides}
        for round_ in range(options.rounds):
            for name, query in asked.items():
                answers = {}
                for side in (list(sides) if round_ % 2 == 0 else list(reversed(sides))):
                    Table.query = sides[side]  # type: ignore[method-assign]
                    spent_cpu, spent_wall, answers[side] = run_query(table, query)
                    cpu[name, side].append(spent_cpu)
                    wall[name, side].append(spent_wall)
                Table.query = sides["partition"]  # type: ignore[method-assign]
                if answers["moto"] != answers["partition"]:
                    raise SystemExit(f"{name}: the two sides answered differently")
                if not answers["moto"][0]:
                    raise SystemExit(f"{name}: the query found nothing")
    print(f"{options.items:,} items, {options.rounds} rounds; load average {load} at the start, "
          f"{'%.2f, %.2f, %.2f' % os.getloadavg()} at the end. Median (min to max) per Query, all its pages:")
    print("| Query | moto CPU | partition CPU | moto wall | partition wall | moto / partition, CPU, per round |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in asked:
        ratios = [m / p for m, p in zip(cpu[name, "moto"], cpu[name, "partition"])]
        print(f"| {name} | {spread(cpu[name, 'moto'])} | {spread(cpu[name, 'partition'])} "
              f"| {spread(wall[name, 'moto'])} | {spread(wall[name, 'partition'])} "
              f"| {statistics.median(ratios):,.1f}x ({min(ratios):,.1f}x to {max(ratios):,.1f}x) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
