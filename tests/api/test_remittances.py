"""835s through the firm's inbox: each claim payment matched to our claim (CLP01) and line (REF*6R, else
procedure, modifiers and date), a remittance per practice, the work list for what cannot be posted, once per
claim payment. What the posting does is proven in test_remit_posting.py."""
import re
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from chalicelib.edi.remittance.reader import read_835
from chalicelib.edi.remittance.result import Adjustment, Procedure, ProviderAdjustment
from chalicelib.edi.remittance.writer import ClaimAnswer, LineAnswer, Patient, Payee, Payer, build_835
from chalicelib.edi.x12 import ControlNumbers, Parties
from tests.api.test_claims import Practice
from tests.api.test_tracking import claim, deliver, s3, submit_all
from tests.aws_calls import counting
from tests.dates import today
from tests.unit.edi.samples import SAMPLES, read_sample, sample_files
from tests.unit.edi.test_remittance_835_samples import REFUSED

PAYER = Payer("SANDBOX HEALTH PLAN", "123456789", ("1 MAIN ST", "ANYTOWN", "PA", "17111"), "8005551212", "SBX01")
PAYEE = Payee("RIVERSIDE FAMILY MEDICINE", "1245319599", "123456789")
REFUSED_FILES = [SAMPLES / name for name in sorted(REFUSED) if (SAMPLES / name).is_file()]


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def submitted(practice, n=1, first_day=10):
    """`n` claims of the practice, built and sent (each its own day, so none is a duplicate of another)."""
    from tests.dates import at_desk, days_ago

    made = [practice.claim(at=at_desk(days_ago(first_day + k))) for k in range(n)]
    submit_all(practice)
    return made


def answer(made, six_r=True, status="1", extra_adjustments=0):
    """The payer's answer to a claim as the API showed it: every line paid less a contractual adjustment and a
    coinsurance, echoing our REF*6R (builder.lines: the claim's number and the line's) unless told not to."""
    lines = []
    for line in made["lines"]:
        charge = line["charge_cents"]
        adjustments = (Adjustment("CO", "45", charge // 5), Adjustment("PR", "2", charge // 10))
        adjustments += tuple(Adjustment("OA", "94", 0) for _ in range(extra_adjustments))
        lines.append(LineAnswer(Procedure("HC", line["code"], tuple(line["modifiers"])), charge,
                                charge - sum(a.amount_cents for a in adjustments),
                                date.fromisoformat(line["service_date"]), units=line["units"],
                                control_number=f"{made['patient_control_number']}-{line['number']}" if six_r else "",
                                adjustments=adjustments, remarks=("N130",)))
    return ClaimAnswer(made["patient_control_number"], status, sum(x.charge_cents for x in lines),
                       sum(x.paid_cents for x in lines), f"SBX{made['patient_control_number']}",
                       Patient("CHEN", "LU", "ACT123456"), lines=tuple(lines))


def an_835(answers, trace="EFT0001", control=901, plb=()):
    return build_835(PAYER, PAYEE, answers, trace_number=trace, paid_on=today(),
                     parties=Parties("ZZ", "SANDBOXPAYER", "ZZ", "REVCYCLE"),
                     controls=ControlNumbers(control, control, 1),
                     created=datetime.now(timezone.utc), usage="T", provider_adjustments=plb)


def remittances(api, practice):
    return api.get(f"{practice.base}/remittances", key=practice.admin)[1]["data"]


def one_remittance(api, practice):
    [listed] = remittances(api, practice)
    status, got, _ = api.get(f"{practice.base}/remittances/{listed['id']}", key=practice.admin)
    assert status == 200, got
    return got


def test_an_835_records_each_claim_payment_and_line_in_the_practice(app, practice, api):
    first, second = submitted(practice, 2)
    plb = (ProviderAdjustment("1245319599", today(), "L6", "INTEREST1", -125),)
    deliver(app, f"inbox/{practice.firm_id}/era-1.835", an_835([answer(first), answer(second)], plb=plb))

    got = one_remittance(api, practice)
    paid = sum(c["paid_cents"] for c in got["claims"])
    assert (got["trace_number"], got["payer_name"], got["payer_id"], got["method"]) == (
        "EFT0001", "SANDBOX HEALTH PLAN", "SBX01", "CHK")
    assert got["amount_cents"] == paid + 125 and got["paid_cents"] == paid and got["balanced"] is True
    assert (got["claim_count"], got["recorded_count"], got["duplicate_count"], got["refused_count"]) == (2, 2, 0, 0)
    assert [(p["reason"], p["reference"], p["amount_cents"]) for p in got["provider_adjustments"]] == [
        ("L6", "INTEREST1", -125)]
    assert {c["claim_id"] for c in got["claims"]} == {first["id"], second["id"]}
    recorded = next(c for c in got["claims"] if c["claim_id"] == first["id"])
    assert recorded["posting"] == "posted" and recorded["payer_claim_number"] == "SBX" + first["patient_control_number"]
    assert [(line["line_number"], line["matched_by"]) for line in recorded["lines"]] == [
        (1, "control_number"), (2, "control_number")]
    assert [(a["group"], a["reason"]) for a in recorded["lines"][0]["adjustments"]] == [("CO", "45"), ("PR", "2")]
    assert recorded["lines"][0]["remarks"] == [{"qualifier": "HE", "code": "N130"}]


def test_two_practices_of_one_firm_in_one_835_each_get_their_own_remittance(app, world, api):
    east = Practice(world, api)
    west = Practice(world, api, firm=(east.firm_id, east.admin))
    [east_claim], [west_claim] = submitted(east), submitted(west)
    deliver(app, f"inbox/{east.firm_id}/era-2.835", an_835([answer(east_claim), answer(west_claim)]))

    east_got, west_got = one_remittance(api, east), one_remittance(api, west)
    assert [c["claim_id"] for c in east_got["claims"]] == [east_claim["id"]]
    assert [c["claim_id"] for c in west_got["claims"]] == [west_claim["id"]]
    assert east_got["id"] == west_got["id"] and east_got["set_claim_count"] == 2
    firm = api.get("/remittances", key=east.admin)[1]["data"]
    assert sorted(r["practice_id"] for r in firm) == sorted([east.id, west.id])
    west_only = world.key(east.admin, "biller", [west.id])
    assert api.get(f"{east.base}/remittances/{east_got['id']}", key=west_only)[0] == 404
    assert api.get("/remittances", key=west_only)[0] == 403


def test_a_line_without_its_6r_is_matched_by_procedure_modifiers_and_date(app, practice, api):
    [made] = submitted(practice)
    deliver(app, f"inbox/{practice.firm_id}/era-3.835", an_835([answer(made, six_r=False)]))
    [recorded] = one_remittance(api, practice)["claims"]
    assert [(line["line_number"], line["matched_by"]) for line in recorded["lines"]] == [
        (1, "procedure_and_date"), (2, "procedure_and_date")]
    assert api.get(f"{practice.base}/unmatched-remittances", key=practice.admin)[1]["data"] == []


def test_a_line_that_answers_none_of_ours_is_listed_with_the_reason(app, practice, api):
    [made] = submitted(practice)
    paid = answer(made, six_r=False)
    stranger = replace(paid.lines[1], procedure=Procedure("HC", "99999"))
    deliver(app, f"inbox/{practice.firm_id}/era-4.835", an_835([replace(paid, lines=(paid.lines[0], stranger))]))
    [recorded] = one_remittance(api, practice)["claims"]
    assert recorded["lines"][1]["line_number"] is None
    assert "99999" in recorded["lines"][1]["unmatched_reason"]
    [work] = api.get(f"{practice.base}/unmatched-remittances", key=practice.admin)[1]["data"]
    assert work["reason"] == "unmatched_lines" and work["claim_id"] == made["id"] and "99999" in work["detail"]


def test_an_unknown_claim_number_goes_to_the_firms_work_list_and_to_no_practice(app, practice, api):
    [made] = submitted(practice)
    stranger = replace(answer(made), patient_control_number="NOTOURS77", payer_claim_number="SBXNOTOURS77")
    deliver(app, f"inbox/{practice.firm_id}/era-5.835", an_835([stranger]))
    assert remittances(api, practice) == []
    assert api.get(f"{practice.base}/unmatched-remittances", key=practice.admin)[1]["data"] == []
    [work] = api.get("/unmatched-remittances", key=practice.admin)[1]["data"]
    assert (work["reason"], work["practice_id"], work["patient_control_number"]) == (
        "unknown_claim", None, "NOTOURS77")
    [file] = api.get("/edi-files?status=processed", key=practice.admin)[1]["data"]
    assert file["kind"] == "835" and file["unmatched"] == ["835 for claim number NOTOURS77"]


def _pay_differently(text, number, paid):
    """The 835 with one claim's CLP04 changed: the claim (and the transaction) no longer balance."""
    return re.sub(rf"(CLP\*{number}\*\w+\*[\d.]+\*)[\d.]+", lambda m: m.group(1) + paid, text)


def test_an_unbalanced_claim_is_refused_and_listed_while_the_others_are_recorded(app, practice, api):
    good, bad = submitted(practice, 2)
    text = _pay_differently(an_835([answer(good), answer(bad)]), bad["patient_control_number"], "1")
    deliver(app, f"inbox/{practice.firm_id}/era-6.835", text)

    got = one_remittance(api, practice)
    assert (got["recorded_count"], got["refused_count"], got["balanced"]) == (1, 1, False)
    refused = next(c for c in got["claims"] if c["claim_id"] == bad["id"])
    assert refused["posting"] == "refused" and any("CLP04" in m for m in refused["imbalances"])
    [work] = api.get(f"{practice.base}/unmatched-remittances", key=practice.admin)[1]["data"]
    assert work["reason"] == "unbalanced" and work["claim_id"] == bad["id"] and "does not balance" in work["detail"]
    [file] = api.get(f"{practice.base}/edi-files", key=practice.admin)[1]["data"]
    assert sorted(c["outcome"] for c in file["claims"]) == ["remitted", "unbalanced"]


def test_the_same_835_twice_and_a_claim_payment_sent_again_are_recorded_once(app, practice, api):
    first, second = submitted(practice, 2)
    text = an_835([answer(first)])
    deliver(app, f"inbox/{practice.firm_id}/era-7.835", text)
    deliver(app, f"inbox/{practice.firm_id}/era-7-again.835", text)
    assert len(remittances(api, practice)) == 1
    # The payer sends the check's 835 again, another interchange, with a claim it had left out.
    deliver(app, f"inbox/{practice.firm_id}/era-7-resent.835", an_835([answer(first), answer(second)], control=902))
    newest, oldest = remittances(api, practice)
    assert (oldest["recorded_count"], newest["recorded_count"], newest["duplicate_count"]) == (1, 1, 1)
    assert newest["duplicates"] == [{"claim_id": first["id"], "remittance_id": oldest["id"]}]
    got = api.get(f"{practice.base}/remittances/{newest['id']}", key=practice.admin)[1]
    assert [c["claim_id"] for c in got["claims"]] == [second["id"]]


def test_an_835_cut_short_fails_and_runs_again_once_the_whole_file_is_in_the_bucket(app, practice, api):
    from chalicelib.core.settings import get_settings

    [made] = submitted(practice)
    whole = an_835([answer(made)])
    key = f"inbox/{practice.firm_id}/era-8.835"
    deliver(app, key, whole[: whole.index("CLP*") + 10])
    [failed] = api.get("/edi-files?status=failed", key=practice.admin)[1]["data"]
    assert remittances(api, practice) == []
    s3().put_object(Bucket=get_settings().edi_bucket, Key=key, Body=whole.encode())
    status, done, _ = api.post(f"/edi-files/{failed['id']}/reprocess", {}, key=practice.admin)
    assert status == 200 and done["status"] == "processed" and done["kind"] == "835", done
    assert one_remittance(api, practice)["recorded_count"] == 1


def test_a_run_of_an_835_that_died_halfway_is_finished_without_recording_twice(app, practice, api):
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.remits import service
    from chalicelib.tracking import inbox

    [made] = submitted(practice)
    body = an_835([answer(made)])
    key = f"inbox/{practice.firm_id}/era-9.835"
    s3().put_object(Bucket=edi_bucket(), Key=key, Body=body.encode())
    stuck = inbox._start(practice.firm_id, key, body.encode(), iso(utcnow()))
    service.record(practice.firm_id, read_835(body), stuck.id, iso(utcnow()))  # the first try died after this
    status, done, _ = api.post(f"/edi-files/{stuck.id}/reprocess", {}, key=practice.admin)
    assert status == 200 and done["status"] == "processed", done
    got = one_remittance(api, practice)
    assert (got["recorded_count"], got["duplicate_count"], len(got["claims"])) == (1, 0, 1)


def edi_bucket():
    from chalicelib.core.settings import get_settings

    return get_settings().edi_bucket


THIRD_PARTY = [p for p in sample_files("835") if str(p.relative_to(SAMPLES)) not in REFUSED]


@pytest.mark.skipif(not THIRD_PARTY, reason="the third-party 835 samples (../shared/x12-samples) are not here")
def test_third_party_835s_read_without_error_and_go_to_the_firms_work_list(app, practice, api):
    for n, path in enumerate(THIRD_PARTY):
        deliver(app, f"inbox/{practice.firm_id}/third-party-{n}.835", read_sample(path).encode("utf-8"))
    assert api.get("/edi-files?status=failed", key=practice.admin)[1]["data"] == []
    files = api.get("/edi-files?status=processed&limit=100", key=practice.admin)[1]["data"]
    assert len(files) == len(THIRD_PARTY) and all(f["kind"] == "835" and not f["practice_ids"] for f in files)
    work = api.get("/unmatched-remittances?limit=100", key=practice.admin)[1]["data"]
    # Their claims are none of ours, and so their PLB names none of the practices the 835 pays.
    assert work and {w["reason"] for w in work} == {"unknown_claim", "provider_adjustment"}
    assert remittances(api, practice) == []


@pytest.mark.skipif(not REFUSED_FILES, reason="the third-party 835 samples (../shared/x12-samples) are not here")
def test_an_835_that_is_not_one_a_payer_could_send_fails_with_its_reason(app, practice, api):
    for n, path in enumerate(REFUSED_FILES):
        deliver(app, f"inbox/{practice.firm_id}/refused-{n}.835", read_sample(path).encode("utf-8"))
    failed = api.get("/edi-files?status=failed&limit=100", key=practice.admin)[1]["data"]
    assert len(failed) == len(REFUSED_FILES) and all(f["reason"] for f in failed)


def _ingest_calls(app, practice, claims, extra_adjustments):
    text = an_835([answer(c, extra_adjustments=extra_adjustments) for c in claims],
                  trace=f"EFT{len(claims)}X{extra_adjustments}")
    with counting() as calls:
        deliver(app, f"inbox/{practice.firm_id}/count-{len(claims)}-{extra_adjustments}.835", text)
    return calls.of("dynamodb")


def test_dynamodb_calls_grow_with_claims_not_with_lines_or_adjustments(app, practice, api):
    few = submitted(practice, 3)
    many = submitted(practice, 3, first_day=20)
    plain = _ingest_calls(app, practice, few, extra_adjustments=0)
    crowded = _ingest_calls(app, practice, many, extra_adjustments=5)
    assert plain == crowded
    # Reads: the firm, the file's digest, PCN pointers, claims, the patients' balances and payers, and (the claims
    # leave coinsurance for a next payer) the practice's secondary-claim setting (BatchGetItem); writes: the file's
    # start, the claim payments recorded and posted (one transaction), the remittance, the practice's file record
    # and its audit, the finish.
    assert plain.get("BatchGetItem", 0) == 4 and plain.get("TransactWriteItems", 0) <= 3, plain
    assert sum(plain.values()) <= 11, plain
