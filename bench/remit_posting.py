"""835 posting on moto: the DynamoDB calls a 1,000-claim 835 costs through the inbox, by operation, and the same
file sent again (another interchange: read, recorded as duplicates, nothing posted).

The world (bench/tracking_world.py: the table from the template, the EDI bucket, a firm) gets a practice (the
835's payee NPI) and `--claims` submitted claims of `--patients` patients (several claims each), 2 to 4 lines,
with their claim-number pointers. One claim is paid by a first, small 835 beforehand (not counted), so that
the big 835 reverses it (CLP02 22) and posts its correction. The big 835 (build_835, the sandbox payer's
writer) answers every claim from a seeded mix: 70 % paid with CO-45 and PR-1/PR-2/PR-3, 10 % with a denied line
(CO-50: partial), 10 % denied (CLP02 4), 10 % paid with a claim-level PR-3; plus two PLB adjustments (L6
interest, WO recovery) naming the practice's NPI.

Sides, to show that calls grow with claims and not with entries: `base` (the mix as above) and `crowded`
(the same claims with `--extra` more OA-94 adjustments of one cent on every line, each an entry of its own),
and `half` (the first half of the claims). Each round builds a fresh world per side and ingests, the sides in
turn (base, crowded, half; then crowded, half, base; ...), so the shared machine's load falls on each alike.
Counts are exact; the CPU seconds (`time.process_time`, moto's included) are medians with the spread.

The run fails rather than print a figure of work not done: every claim must be posted (status as the mix
says), the patients' balances must equal what the 835 moved to them, the PLB must be posted, and the file
sent again must post nothing (every claim a duplicate, balances unchanged).

    .venv/bin/python bench/remit_posting.py [--claims 1000] [--patients 100] [--rounds 3] [--extra 4]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tracking_world import Tenant, counting, world  # noqa: E402 (after the path is set)

NPI = "1245319599"
DAY = date(2026, 3, 10)  # dates inside the stored claims and the file only: nothing here ages
CODES = (("99213", 12500), ("82962", 1500), ("36415", 1000), ("93000", 4500))


def _claims(tenant: Tenant, count: int, patients: int, rng: random.Random) -> list[Any]:
    """`count` submitted claims, patient k % `patients`, 2 to 4 lines each with REF*6R control numbers."""
    from chalicelib.claims import codec
    from chalicelib.edi.claim.document import Line
    from chalicelib.core.ids import new_id
    from tests.claims_factory import make_document
    from bench.tracking_world import claim_item, save_claims

    patient_ids = [new_id() for _ in range(patients)]
    made = []
    for k in range(count):
        pcn = f"B{k:07d}"
        lines = tuple(Line(n, code, charge, 1, DAY, (1,), (), control_number=f"{pcn}-{n}")
                      for n, (code, charge) in enumerate(rng.sample(CODES, rng.randint(2, 4)), start=1))
        document = codec.dumps(make_document(lines=lines, patient_control_number=pcn))
        item = claim_item(tenant, pcn, document, "2026-03-11T10:00:00.000Z",
                          {"status": "submitted", "submitted_at": "2026-03-11T10:00:00.000Z"}, "submitted")
        item.patient_id, item.total_charge_cents = patient_ids[k % patients], sum(x.charge_cents for x in lines)
        made.append(item)
    save_claims(tenant, iter(made), pointers=True)
    return made


def _answer(claim: Any, kind: str, extra: int, status: str | None = None, sign: int = 1) -> Any:
    from chalicelib.edi.remittance.result import Adjustment, Procedure
    from chalicelib.edi.remittance.writer import ClaimAnswer, LineAnswer, Patient
    from chalicelib.remits.matching import our_lines

    lines = []
    for n, ours in enumerate(our_lines(claim.document), start=1):
        charge = dict(CODES)[ours.procedure_code]
        denied = kind == "denied" or (kind == "partial" and n == 1)
        crowd = [Adjustment("OA", "94", 1) for _ in range(extra)]
        if denied:  # the crowd inside the denial: a denied line pays nothing
            cas = [Adjustment("CO", "50", charge - extra), *crowd]
        else:
            cas = [Adjustment("CO", "45", charge // 5), Adjustment("PR", str(1 + n % 3), charge // 10), *crowd]
        cas = [Adjustment(a.group, a.reason, sign * a.amount_cents) for a in cas]
        lines.append(LineAnswer(Procedure("HC", ours.procedure_code), sign * charge,
                                sign * charge - sum(a.amount_cents for a in cas), ours.service_date,
                                control_number=ours.control_number, adjustments=tuple(cas), remarks=("N130",)))
    claim_cas = (Adjustment("PR", "3", sign * 500),) if kind == "copay" else ()
    paid = sum(x.paid_cents for x in lines) - sum(a.amount_cents for a in claim_cas)
    return ClaimAnswer(claim.patient_control_number, status or ("4" if kind == "denied" else "1"),
                       sum(x.charge_cents for x in lines), paid, f"SBX{claim.patient_control_number}",
                       Patient("DOE", "PAT", "M123"), adjustments=claim_cas, lines=tuple(lines))


def _file(answers: list[Any], trace: str, control: int, plb: tuple[Any, ...] = ()) -> str:
    from chalicelib.edi.remittance.writer import Payee, Payer, build_835
    from chalicelib.edi.x12 import ControlNumbers, Parties

    return build_835(Payer("BENCH HEALTH PLAN", "123456789", ("1 MAIN ST", "ANYTOWN", "PA", "17111"), "8005551212",
                           "BHP01"), Payee("BENCH PRACTICE", NPI, "123456789"), answers, trace_number=trace,
                     paid_on=DAY, parties=Parties("ZZ", "BENCHPAYER", "ZZ", "REVCYCLE"),
                     controls=ControlNumbers(control, control, 1), created=datetime(2026, 3, 20, tzinfo=timezone.utc),
                     usage="T", provider_adjustments=plb)


def _ingest(tenant: Tenant, name: str, text: str) -> tuple[dict[str, int], float]:
    from chalicelib.tracking import inbox

    start = time.process_time()
    with counting() as calls:
        done = inbox.ingest(f"inbox/{tenant.firm_id}/{name}", text.encode())
    seconds = time.process_time() - start
    assert done is not None and done.status == "processed", f"{name} was not processed"
    return calls.of("dynamodb"), seconds


def _kinds(count: int, rng: random.Random) -> list[str]:
    return [rng.choices(("paid", "partial", "denied", "copay"), (70, 10, 10, 10))[0] for _ in range(count)]


def _check(tenant: Tenant, claims: list[Any], kinds: list[str], remittance_id: str | None = None) -> dict[str, int]:
    """Fails unless every claim posted as its kind says, and each patient's balance is what moved to them."""
    from chalicelib.claims.items import ClaimItem
    from chalicelib.db import keys
    from chalicelib.ledger.items import PatientBalance

    stored = {c.id: c for c in ClaimItem.batch_get([(c.pk, c.sk) for c in claims])}
    expected = {"paid": "paid", "copay": "paid", "partial": "partial", "denied": "denied"}
    wrong = [c.id for c, kind in zip(claims[1:], kinds[1:]) if stored[c.id].status != expected[kind]]
    assert not wrong, f"{len(wrong)} claims not posted as the mix says: " + ", ".join(
        sorted({f"{k} -> {stored[c.id].status}" for c, k in zip(claims, kinds) if c.id in wrong}))
    moved: Counter = Counter()
    for c in claims:
        moved[c.patient_id] += int(stored[c.id].patient_cents or 0)
    pk = keys.practice_pk(tenant.practice_id)
    balances = {b.patient_id: int(b.balance_cents) for b in PatientBalance.batch_get(
        [(pk, keys.balance_sk(p)) for p in moved])}
    assert balances == dict(moved), "a patient's balance is not what the 835 moved to the patient"
    return balances


def _side(side: str, claims_wanted: int, patients: int, extra: int, seed: int) -> dict[str, Any]:
    from chalicelib.db import keys
    from chalicelib.db.models import Practice
    from chalicelib.edi.remittance.result import ProviderAdjustment
    from chalicelib.remits.items import PracticeEntry, RemittanceItem

    count = claims_wanted // 2 if side == "half" else claims_wanted
    rng = random.Random(seed)
    with world() as tenant:
        Practice(keys.firm_pk(tenant.firm_id), keys.practice_sk(tenant.practice_id), id=tenant.practice_id,
                 created_at="x", updated_at="x", firm_id=tenant.firm_id, name="Bench", npi=NPI, tax_id="123456789",
                 address={"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}).save()
        claims = _claims(tenant, count, patients, rng)
        kinds = _kinds(count, rng)
        kinds[0] = "paid"
        first = _answer(claims[0], "paid", 0)
        _ingest(tenant, "first.835", _file([first], "EFT-FIRST", 100))  # what the big 835 reverses
        extra_now = extra if side == "crowded" else 0
        reversal = _answer(claims[0], "paid", 0, status="22", sign=-1)
        answers = [reversal] + [_answer(c, k, extra_now) for c, k in zip(claims, kinds)]
        plb = (ProviderAdjustment(NPI, DAY, "L6", "INT2026", -1250), ProviderAdjustment(NPI, DAY, "WO", "OVP77", 4000))
        text = _file(answers, "EFT-BIG", 200, plb)
        calls, seconds = _ingest(tenant, "big.835", text)
        balances = _check(tenant, claims, kinds)
        pk = keys.practice_pk(tenant.practice_id)
        [big] = [r for r in RemittanceItem.query(pk, RemittanceItem.sk.startswith("REMITTANCE#"))
                 if isinstance(r, RemittanceItem) and r.trace_number == "EFT-BIG"]
        assert int(big.posted_count) == count + 1, f"{big.posted_count} of {count + 1} claim payments posted"
        plb_posted = list(PracticeEntry.query(pk, PracticeEntry.sk.startswith(keys.PRACTICE_ENTRIES_PREFIX)))
        assert len(plb_posted) == 2, "the PLB was not posted"
        again_calls, again_seconds = _ingest(tenant, "big-resent.835", text.replace("*000000200*", "*000000201*"))
        assert _check(tenant, claims, kinds) == balances, "the file sent again moved a balance"
        [resent] = [r for r in RemittanceItem.query(pk, RemittanceItem.sk.startswith("REMITTANCE#"))
                    if isinstance(r, RemittanceItem) and r.id not in (big.id,) and r.trace_number == "EFT-BIG"]
        assert (int(resent.posted_count), int(resent.duplicate_count)) == (0, count + 1), "the re-sent file posted"
        lines = sum(len(a.lines) for a in answers)
        entries = sum(len(a.lines) + sum(len(x.adjustments) for x in a.lines) + len(a.adjustments) for a in answers)
    return {"claims": count + 1, "lines": lines, "svc_and_cas": entries, "calls": calls, "seconds": seconds,
            "again_calls": again_calls, "again_seconds": again_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--extra", type=int, default=4)
    parser.add_argument("--seed", type=int, default=835)
    args = parser.parse_args()
    sides = ["base", "crowded", "half"]
    print("| side | claim payments | SVC | SVC + CAS | DynamoDB calls | the same file again | CPU s (median, "
          "range) | again: CPU s |")
    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in sides}
    for r in range(args.rounds):
        for side in sides[r % 3:] + sides[:r % 3]:
            runs[side].append(_side(side, args.claims, args.patients, args.extra, args.seed))
            print(f"round {r + 1} {side}: {runs[side][-1]['seconds']:.1f} s", file=sys.stderr)
    for side in sides:
        first = runs[side][0]
        assert all(run["calls"] == first["calls"] for run in runs[side]), f"{side}: calls differ between rounds"
        cpu = sorted(run["seconds"] for run in runs[side])
        again = sorted(run["again_seconds"] for run in runs[side])
        print(f"| {side} | {first['claims']:,} | {first['lines']:,} | {first['svc_and_cas']:,} | "
              f"{_calls(first['calls'])} | {_calls(first['again_calls'])} | "
              f"{statistics.median(cpu):.1f} ({cpu[0]:.1f} .. {cpu[-1]:.1f}) | "
              f"{statistics.median(again):.1f} ({again[0]:.1f} .. {again[-1]:.1f}) |")


def _calls(calls: dict[str, int]) -> str:
    return f"{sum(calls.values()):,}: " + ", ".join(f"{op} {n:,}" for op, n in sorted(calls.items()))


if __name__ == "__main__":
    main()
