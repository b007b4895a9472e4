"""835 posting through the firm's inbox: per line the insurance payment and each adjustment with its CARC and
RARCs, the claim's status and insurance balance, the patient's share on the patient's ledger (net of a co-pay
taken at the visit), reversals, provider adjustments at practice level, and each posted once."""
import re
from datetime import date

import pytest

from chalicelib.edi.remittance.result import Adjustment, Procedure, ProviderAdjustment
from chalicelib.edi.remittance.writer import ClaimAnswer, LineAnswer, Patient
from tests.api.test_claims import CODING, Practice
from tests.api.test_remittances import an_835, one_remittance, remittances, submitted
from tests.api.test_tracking import claim, deliver
from tests.dates import at_desk, days_ago, today

NPI = "1245319599"  # the practice's (tests/api/conftest.py) and the 835's payee


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def paying(made, adjustments, status="1", remarks=("N130",), negate=False):
    """The payer's answer to `made`: each line paid its charge less `adjustments[i]`, echoing REF*6R."""
    sign = -1 if negate else 1
    lines = []
    for line, adjusted in zip(made["lines"], adjustments):
        charge = line["charge_cents"]
        cas = tuple(Adjustment(a.group, a.reason, sign * a.amount_cents) for a in adjusted)
        lines.append(LineAnswer(Procedure("HC", line["code"], tuple(line["modifiers"])), sign * charge,
                                sign * charge - sum(a.amount_cents for a in cas),
                                date.fromisoformat(line["service_date"]), units=line["units"],
                                control_number=f"{made['patient_control_number']}-{line['number']}",
                                adjustments=cas, remarks=remarks))
    return ClaimAnswer(made["patient_control_number"], status, sum(x.charge_cents for x in lines),
                       sum(x.paid_cents for x in lines), f"SBX{made['patient_control_number']}",
                       Patient("CHEN", "LU", "ACT123456"), lines=tuple(lines))

# 99213 at 125.00 and 82962 x2 at 30.00 (tests/api/test_claims.py CODING): 155.00 in all.
DEDUCTIBLE_AND_COINSURANCE = [(Adjustment("CO", "45", 2500), Adjustment("PR", "1", 3000), Adjustment("PR", "2", 1000)),
                              (Adjustment("CO", "45", 500), Adjustment("PR", "2", 250))]


def entries(api, practice, claim_id):
    status, got, _ = api.get(f"{practice.base}/claims/{claim_id}/entries", key=practice.admin)
    assert status == 200, got
    return got["data"]


def ledger(api, practice):
    status, got, _ = api.get(f"{practice.base}/patients/{practice.patient}/ledger", key=practice.admin)
    assert status == 200, got
    return got["data"]


def balance(api, practice):
    return api.get(f"{practice.base}/patients/{practice.patient}/balance", key=practice.admin)[1]["balance_cents"]


def test_a_paid_claim_posts_each_lines_payment_and_adjustments_and_moves_deductible_and_coinsurance_to_the_patient(
        app, practice, api):
    [made] = submitted(practice)
    deliver(app, f"inbox/{practice.firm_id}/paid.835", an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)]))

    got = claim(practice, api, made["id"])
    assert (got["status"], got["insurance_balance_cents"], got["follow_up_on"]) == ("paid", 0, None)
    assert (got["insurance_paid_cents"], got["adjusted_cents"], got["patient_responsibility_cents"]) == (
        8250, 3000, 4250)
    [posting] = entries(api, practice, made["id"])
    assert (posting["trace_number"], posting["patient_control_number"], posting["payer_claim_number"]) == (
        "EFT0001", made["patient_control_number"], "SBX" + made["patient_control_number"])
    assert [(e["kind"], e["amount_cents"], e["group"], e["carc"], e["line_number"]) for e in posting["entries"]] == [
        ("insurance_payment", 6000, None, None, 1), ("contractual_adjustment", 2500, "CO", "45", 1),
        ("patient_responsibility", 3000, "PR", "1", 1), ("patient_responsibility", 1000, "PR", "2", 1),
        ("insurance_payment", 2250, None, None, 2), ("contractual_adjustment", 500, "CO", "45", 2),
        ("patient_responsibility", 250, "PR", "2", 2)]
    assert all(e["rarcs"] == ["N130"] for e in posting["entries"])
    [charge] = ledger(api, practice)
    assert (charge["kind"], charge["amount_cents"]) == ("charge", 4250)
    assert charge["cause"] == f"remit:{posting['remittance_id']}:1" and charge["id"] == posting["ledger_entry_id"]
    assert "deductible 30.00" in charge["memo"] and "coinsurance 12.50" in charge["memo"]
    got = one_remittance(api, practice)
    assert (got["posted_count"], got["posted_paid_cents"], got["posted_adjusted_cents"],
            got["posted_patient_cents"]) == (1, 8250, 3000, 4250)
    assert got["claims"][0]["posting"] == "posted"


def test_a_copay_taken_at_the_visit_nets_the_patients_share(app, practice, api):
    visit = practice.post("/visits", {"patient_id": practice.patient, "provider_id": practice.provider,
                                      "scheduled_at": at_desk(days_ago(10))})
    url = f"/visits/{visit['id']}"
    practice.post(url + "/check-in", {"version": 1}, status=200)
    practice.post(url + "/copays", {"method": "cash", "amount_cents": 2000})
    practice.post(url + "/check-out", {"version": 2}, status=200)
    assert api.call("PUT", practice.base + url + "/coding", CODING, key=practice.admin)[0] == 200
    made = practice.post(url + "/claim", {})
    practice.post("/claim-batches", {"all_ready": True})
    co_payment = [(Adjustment("CO", "45", 2500), Adjustment("PR", "3", 2000)), (Adjustment("CO", "45", 500),)]
    deliver(app, f"inbox/{practice.firm_id}/copay.835", an_835([paying(made, co_payment)]))

    # The co-pay is a payment entry already; the 835's full co-payment (PR-3) charged against it nets to zero.
    assert [(e["kind"], e["amount_cents"]) for e in ledger(api, practice)] == [("payment", -2000), ("charge", 2000)]
    assert balance(api, practice) == 0


def test_a_claim_with_a_denied_line_is_partial_and_needs_no_follow_up(app, practice, api):
    [made] = submitted(practice)
    denied_line = [(Adjustment("CO", "45", 2500), Adjustment("PR", "2", 1000)), (Adjustment("CO", "50", 3000),)]
    deliver(app, f"inbox/{practice.firm_id}/partial.835", an_835([paying(made, denied_line)]))
    got = claim(practice, api, made["id"])
    assert (got["status"], got["insurance_balance_cents"], got["follow_up_on"]) == ("partial", 0, None)
    assert got["insurance_paid_cents"] == 9000 and got["patient_responsibility_cents"] == 1000


def test_a_denied_claim_moves_nothing_to_the_patient_and_is_due_for_follow_up_today(app, practice, api):
    [made] = submitted(practice)
    denial = [(Adjustment("CO", "50", 12500),), (Adjustment("CO", "50", 3000),)]
    deliver(app, f"inbox/{practice.firm_id}/denied.835", an_835([paying(made, denial, status="4")]))
    got = claim(practice, api, made["id"])
    assert (got["status"], got["follow_up_reason"]) == ("denied", "denied")
    assert got["follow_up_on"] == got["updated_at"][:10]  # due the day it was denied
    assert got["insurance_paid_cents"] == 0 and got["adjusted_cents"] == 15500
    assert ledger(api, practice) == []


def _with_crossover(text, carrier):
    """The 835 with NM1*TT (the payer the claim was forwarded to) after the patient's NM1, SE01 counted again."""
    text = re.sub(r"(NM1\*QC\*[^~]*~)", lambda m: m.group(1) + f"NM1*TT*2*{carrier}*****PI*MG001~", text)
    return re.sub(r"SE\*(\d+)\*", lambda m: f"SE*{int(m.group(1)) + 1}*", text)


def test_a_claim_forwarded_to_another_payer_keeps_the_patients_share_for_that_payer(app, practice, api):
    [made] = submitted(practice)
    text = _with_crossover(an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE, status="19")]), "MEDIGAP MUTUAL")
    deliver(app, f"inbox/{practice.firm_id}/forwarded.835", text)
    got = claim(practice, api, made["id"])
    assert (got["status"], got["forwarded_to"]) == ("forwarded", "MEDIGAP MUTUAL")
    assert (got["insurance_paid_cents"], got["insurance_balance_cents"], got["patient_responsibility_cents"]) == (
        8250, 4250, 0)
    assert ledger(api, practice) == []


def test_a_reversal_undoes_the_earlier_posting_and_its_correction_posts(app, practice, api):
    [made] = submitted(practice)
    deliver(app, f"inbox/{practice.firm_id}/first.835", an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)]))
    corrected = [(Adjustment("CO", "45", 2500), Adjustment("PR", "2", 2000)), (Adjustment("CO", "45", 500),)]
    reversal = paying(made, DEDUCTIBLE_AND_COINSURANCE, status="22", negate=True)
    text = an_835([reversal, paying(made, corrected)], trace="EFT0002", control=902)
    deliver(app, f"inbox/{practice.firm_id}/second.835", text)

    first, undo, correction = entries(api, practice, made["id"])
    assert undo["reverses"] == first["id"] and undo["claim_status"] == "accepted"
    assert [(e["kind"], e["of"], e["amount_cents"]) for e in undo["entries"]] == [
        ("reversal", e["kind"], -e["amount_cents"]) for e in first["entries"]]
    got = claim(practice, api, made["id"])
    assert (got["status"], got["insurance_balance_cents"]) == ("paid", 0)
    assert (got["insurance_paid_cents"], got["adjusted_cents"], got["patient_responsibility_cents"]) == (
        10500, 3000, 2000)
    charge, reversed_charge, new_charge = ledger(api, practice)
    assert (reversed_charge["kind"], reversed_charge["reverses"], reversed_charge["amount_cents"]) == (
        "reversal", charge["id"], -4250)
    assert new_charge["amount_cents"] == 2000 and balance(api, practice) == 2000
    history = api.get(f"{practice.base}/claims/{made['id']}/events", key=practice.admin)[1]["data"]
    assert [e["event"] for e in history][-3:] == ["remitted", "reversed", "remitted"]


def test_a_reversal_of_a_payment_never_posted_is_held_on_the_work_list(app, practice, api):
    made, other = submitted(practice, 2)
    reversal = paying(made, DEDUCTIBLE_AND_COINSURANCE, status="22", negate=True)
    deliver(app, f"inbox/{practice.firm_id}/stray-reversal.835",
            an_835([reversal, paying(other, DEDUCTIBLE_AND_COINSURANCE)]))
    held = [w for w in api.get(f"{practice.base}/unmatched-remittances", key=practice.admin)[1]["data"]
            if w["reason"] == "reversal_unmatched"]
    assert [w["claim_id"] for w in held] == [made["id"]]
    assert entries(api, practice, made["id"]) == [] and claim(practice, api, made["id"])["status"] == "submitted"
    assert claim(practice, api, other["id"])["status"] == "paid"
    got = one_remittance(api, practice)
    assert (got["posted_count"], got["held_count"]) == (1, 1)


def test_a_provider_adjustment_posts_to_the_practice_whose_npi_it_names_once(app, practice, api):
    [made] = submitted(practice)
    plb = (ProviderAdjustment(NPI, today(), "L6", "INTEREST1", -125),
           ProviderAdjustment(NPI, today(), "WO", "OVP9", 500))
    text = an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)], plb=plb)
    deliver(app, f"inbox/{practice.firm_id}/plb.835", text)
    deliver(app, f"inbox/{practice.firm_id}/plb-resent.835", text.replace("*901*", "*902*"))

    got = api.get(f"{practice.base}/provider-adjustments", key=practice.admin)[1]["data"]
    assert [(e["reason"], e["reference"], e["amount_cents"], e["provider_id"]) for e in got] == [
        ("L6", "INTEREST1", 125, NPI), ("WO", "OVP9", -500, NPI)]
    first = remittances(api, practice)[-1]
    assert first["provider_adjustment_cents"] == -375 and all(p["posted"] for p in first["provider_adjustments"])


def test_a_provider_adjustment_naming_no_practice_goes_to_the_firms_work_list(app, practice, api):
    [made] = submitted(practice)
    plb = (ProviderAdjustment("9999999999", today(), "WO", "OVP1", 700),)
    deliver(app, f"inbox/{practice.firm_id}/plb-stranger.835",
            an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)], plb=plb))
    assert api.get(f"{practice.base}/provider-adjustments", key=practice.admin)[1]["data"] == []
    [work] = api.get("/unmatched-remittances", key=practice.admin)[1]["data"]
    assert (work["reason"], work["practice_id"], work["paid_cents"]) == ("provider_adjustment", None, 700)
    assert "9999999999" in work["detail"]


def test_the_same_835_again_and_a_resent_claim_payment_post_nothing_twice(app, practice, api):
    [made] = submitted(practice)
    text = an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)])
    deliver(app, f"inbox/{practice.firm_id}/once.835", text)
    deliver(app, f"inbox/{practice.firm_id}/once-again.835", text)
    deliver(app, f"inbox/{practice.firm_id}/once-resent.835", an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)],
                                                                       control=903))
    assert len(entries(api, practice, made["id"])) == 1
    assert [e["amount_cents"] for e in ledger(api, practice)] == [4250]
    got = claim(practice, api, made["id"])
    assert (got["insurance_paid_cents"], got["insurance_balance_cents"]) == (8250, 0)
    newest = remittances(api, practice)[0]
    assert (newest["posted_count"], newest["duplicate_count"], newest["posted_paid_cents"]) == (0, 1, 0)


def test_two_claims_of_one_patient_in_one_835_post_in_sequence_on_one_balance(app, practice, api):
    first, second = submitted(practice, 2)
    deliver(app, f"inbox/{practice.firm_id}/two.835",
            an_835([paying(first, DEDUCTIBLE_AND_COINSURANCE), paying(second, DEDUCTIBLE_AND_COINSURANCE)]))
    got = ledger(api, practice)
    assert [(e["sequence"], e["amount_cents"], e["balance_after_cents"]) for e in got] == [
        (1, 4250, 4250), (2, 4250, 8500)]
    assert {claim(practice, api, c["id"])["status"] for c in (first, second)} == {"paid"}


def _pay_differently(text, number, paid):
    return re.sub(rf"(CLP\*{number}\*\w+\*[\d.]+\*)[\d.]+", lambda m: m.group(1) + paid, text)


def test_an_unbalanced_claim_posts_nothing(app, practice, api):
    [made] = submitted(practice)
    text = _pay_differently(an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)]), made["patient_control_number"], "1")
    deliver(app, f"inbox/{practice.firm_id}/unbalanced.835", text)
    got = claim(practice, api, made["id"])
    assert (got["status"], got["insurance_paid_cents"], got["insurance_balance_cents"]) == ("submitted", 0, 15500)
    assert entries(api, practice, made["id"]) == [] and ledger(api, practice) == []
    assert one_remittance(api, practice)["claims"][0]["posting"] == "refused"


def test_another_practice_sees_none_of_a_claims_postings(app, world, api, practice):
    [made] = submitted(practice)
    plb = (ProviderAdjustment(NPI, today(), "L6", "INTEREST1", -125),)
    deliver(app, f"inbox/{practice.firm_id}/mine.835", an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)], plb=plb))
    other = Practice(world, api)
    status, _, _ = api.get(f"{other.base}/claims/{made['id']}/entries", key=other.admin)
    assert status == 404
    assert api.get(f"{practice.base}/claims/{made['id']}/entries", key=other.admin)[0] == 404
    assert api.get(f"{other.base}/provider-adjustments", key=other.admin)[1]["data"] == []


def test_a_retried_run_of_the_same_file_posts_nothing_twice_and_counts_what_the_first_run_posted(app, practice, api):
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.core.ids import new_id
    from chalicelib.edi.remittance.reader import read_835
    from chalicelib.remits import service

    [made] = submitted(practice)
    sets, file_id, at = read_835(an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)])), new_id(), iso(utcnow())
    service.record(practice.firm_id, sets, file_id, at)
    again = service.record(practice.firm_id, sets, file_id, at)  # the invocation retried after it had written
    assert again.outcomes[practice.id] == [{"claim_id": made["id"], "outcome": "remitted"}]
    assert [e["amount_cents"] for e in ledger(api, practice)] == [4250]
    assert len(entries(api, practice, made["id"])) == 1
    got = one_remittance(api, practice)
    assert (got["posted_count"], got["posted_paid_cents"]) == (1, 8250)


def test_an_accepted_claim_once_paid_leaves_the_follow_up_index(app, practice, api):
    from chalicelib.claims.items import ClaimItem
    from chalicelib.db import keys
    from tests.api.test_tracking import answer_batches

    made = practice.claim()
    answer_batches(app, practice.post("/claim-batches", {"all_ready": True}))  # the sandbox's 999 and 277CA
    accepted = claim(practice, api, made["id"])
    assert (accepted["status"], accepted["follow_up_reason"]) == ("accepted", "no_payment")
    deliver(app, f"inbox/{practice.firm_id}/accepted-paid.835", an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)]))
    got = claim(practice, api, made["id"])
    assert (got["status"], got["follow_up_on"], got["follow_up_reason"]) == ("paid", None, None)
    stored = ClaimItem.get(keys.practice_pk(practice.id), keys.claim_sk(made["id"]))
    assert (stored.gsi3pk, stored.gsi3sk) == (None, None)  # the follow-up job's Query never meets it


def test_a_missing_payment_task_closes_when_the_835_pays_the_claim(app, practice, api):
    from tests.api.test_task_closing import closed_by, follow_up_when_due, open_list, submitted as sent_alone
    from tests.api.test_task_closing import tasks_of

    made, answers = sent_alone(practice)
    for key, text in answers:  # the 999 and the 277CA: accepted, due for payment
        deliver(app, key, text)
    follow_up_when_due(practice, made["id"])
    assert tasks_of(practice, made["id"])["no_payment"]["status"] == "open"
    deliver(app, f"inbox/{practice.firm_id}/pays-task.835", an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)]))
    assert closed_by(tasks_of(practice, made["id"])["no_payment"]) == ("remitted", "paid")
    assert open_list(practice) == []
