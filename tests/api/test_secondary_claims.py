"""Secondary and tertiary claims end to end: a claim sent and accepted through the sandbox, its payer's 835
delivered through the inbox, then POST .../claims/{id}/secondary bills the patient's next coverage with the
payer's adjudication (837 loops 2320/2330/2430), which submits and passes pyx12; and every refusal says why."""
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from chalicelib.core.settings import get_settings
from chalicelib.remits import secondary_claims
from chalicelib.remits.items import RemittanceClaim
from chalicelib.claims.items import ClaimItem
from chalicelib.db import keys
from tests.api.test_claims import Practice
from tests.api.test_remittances import _pay_differently, an_835, answer
from tests.api.test_tracking import answer_batches, claim, deliver, s3, submit_all
from tests.dates import at_desk, days_ago
from tests.x12_validate import pyx12_errors


class Coordinated(Practice):
    """A practice whose patient has a primary (Aetna) and a secondary (Cigna) coverage."""

    def __init__(self, world, api, app, secondary=True, claim_type="professional"):
        super().__init__(world, api, claim_type=claim_type)
        self.app, self.claim_type = app, claim_type
        self.cigna = self.add_coverage("Cigna", "62308", "secondary") if secondary else None

    def add_coverage(self, name, payer_id, order):
        payer = self.post("/payers", {"name": name, "payer_id": payer_id, "claim_type": self.claim_type,
                                      "timely_filing_days": 365})["id"]
        self.post(f"/patients/{self.patient}/coverages", {"payer_id": payer, "member_id": f"{payer_id}MEM",
                                                          "effective_from": "2026-01-01", "order": order})
        return payer

    def remitted(self, days=10, status="1", body=None, coding=None, **answered):
        """A claim sent and accepted through the sandbox, and its payer's 835 delivered: the claim as sent."""
        made = self.claim(body, at=at_desk(days_ago(days)), coding=coding)
        answer_batches(self.app, submit_all(self))
        self.pay(made, status, **answered)
        return made

    def pay(self, made, status="1", trace=None, clp04=None, **answered):
        """The payer's 835 for `made`; `clp04` (dollars) makes it one that does not balance."""
        paid = replace(answer(made, status=status), **answered)
        trace = trace or f"EFT{made['patient_control_number']}"
        text = an_835([paid], trace=trace)
        if clp04 is not None:
            text = _pay_differently(text, made["patient_control_number"], clp04)
        deliver(self.app, f"inbox/{self.firm_id}/era-{trace}.835", text)

    def secondary(self, claim_id, status=201):
        return self.post(f"/claims/{claim_id}/secondary", {}, status=status)


@pytest.fixture
def practice(world, api, app):
    return Coordinated(world, api, app)


def sent_837(practice, claim_ids, answered=False):
    """The 837 the claims were submitted in; `answered`: the sandbox clearinghouse's 999 and 277CA delivered."""
    submission = practice.post("/claim-batches", {"claim_ids": claim_ids})
    if answered:
        answer_batches(practice.app, submission)
    key = submission["batches"][0]["file_key"]
    return s3().get_object(Bucket=get_settings().edi_bucket, Key=key)["Body"].read().decode()


def test_a_remitted_claim_becomes_a_secondary_claim_that_carries_the_primarys_adjudication_and_submits(
        practice, api):
    primary = practice.remitted()
    assert claim(practice, api, primary["id"])["status"] == "paid"

    secondary = practice.secondary(primary["id"])
    assert secondary["status"] == "ready", secondary["findings"]
    assert (secondary["primary_claim_id"], secondary["payer_id"], secondary["frequency_code"]) == (
        primary["id"], practice.cigna, "1")
    assert secondary["patient_control_number"] != primary["patient_control_number"]
    assert secondary["lines"] == primary["lines"]
    assert claim(practice, api, primary["id"])["secondary_claim_id"] == secondary["id"]

    text = sent_837(practice, [secondary["id"]], answered=True)
    assert claim(practice, api, secondary["id"])["status"] == "accepted"  # the sandbox read and accepted it
    segments = text.split("~")
    assert pyx12_errors(text) == []
    assert [s for s in segments if s.startswith("SBR*")] == ["SBR*S*18*******CI", "SBR*P*18*******CI"]
    assert "NM1*PR*2*CIGNA*****PI*62308" in segments and "NM1*PR*2*AETNA*****PI*60054" in segments
    assert f"REF*F8*SBX{primary['patient_control_number']}" in segments
    svd = [s for s in segments if s.startswith("SVD*")]
    assert [s.split("*")[3] for s in svd] == ["HC:99213", "HC:82962"] and all(s.startswith("SVD*60054*") for s in svd)
    assert ["CAS*CO*45*25", "CAS*PR*2*12.5"] == [s for s in segments if s.startswith("CAS*")][:2]
    assert sum(s.startswith("DTP*573*D8*") for s in segments) == 2


def test_an_institutional_claims_secondary_is_an_837i_with_revenue_codes_in_2430_and_passes_pyx12(world, api, app):
    hospital = Coordinated(world, api, app, claim_type="institutional")
    coding = {"diagnoses": ["I10"], "lines": [
        {"code": "99283", "revenue_code": "0450", "diagnosis_pointers": [1], "unit_charge_cents": 52000},
        {"code": "85025", "revenue_code": "0300", "diagnosis_pointers": [1], "unit_charge_cents": 4500}]}
    facts = {"type_of_bill": "131", "attending_provider_id": hospital.provider, "admission_type": "1",
             "admission_source": "1", "patient_status": "01"}
    primary = hospital.remitted(body={"institutional": facts}, coding=coding)
    secondary = hospital.secondary(primary["id"])
    assert (secondary["claim_type"], secondary["type_of_bill"], secondary["status"]) == (
        "institutional", "131", "ready"), secondary["findings"]
    text = sent_837(hospital, [secondary["id"]])
    segments = text.split("~")
    assert "GS" in segments[1] and "005010X223A2" in segments[1]
    assert pyx12_errors(text) == []
    assert [s.split("*")[4] for s in segments if s.startswith("SVD*")] == ["0450", "0300"]
    assert "SBR*P*18*******CI" in segments and "OI***Y***Y" in segments


def test_the_paid_amount_is_the_primarys_and_balances_the_claim(practice, api):
    primary = practice.remitted()
    secondary = practice.secondary(primary["id"])
    segments = sent_837(practice, [secondary["id"]]).split("~")
    charge = sum(line["charge_cents"] for line in primary["lines"])
    adjusted = sum(line["charge_cents"] // 5 + line["charge_cents"] // 10 for line in primary["lines"])
    [paid] = [s for s in segments if s.startswith("AMT*D*")]
    assert paid == "AMT*D*" + format((charge - adjusted) / 100, "g")


def test_the_secondarys_835_builds_the_tertiary_with_both_earlier_payers(practice, api):
    practice.add_coverage("Humana", "61101", "tertiary")
    primary = practice.remitted()
    secondary = practice.secondary(primary["id"])
    practice.pay(secondary, status="2")

    tertiary = practice.secondary(secondary["id"])
    assert tertiary["primary_claim_id"] == secondary["id"] and tertiary["status"] == "ready", tertiary["findings"]
    text = sent_837(practice, [tertiary["id"]])
    segments = text.split("~")
    assert pyx12_errors(text) == []
    assert [s for s in segments if s.startswith("SBR*")] == [
        "SBR*T*18*******CI", "SBR*P*18*******CI", "SBR*S*18*******CI"]
    assert [s.split("*")[1] for s in segments if s.startswith("SVD*")] == ["60054", "62308", "60054", "62308"]


def test_a_later_835_that_does_not_balance_leaves_the_balanced_one_to_build_from(practice, api):
    primary = practice.remitted()
    paid = answer(primary)
    practice.pay(primary, trace="EFTLATER", clp04="1")  # recorded, refused
    secondary = practice.secondary(primary["id"])
    [amount] = [s for s in sent_837(practice, [secondary["id"]]).split("~") if s.startswith("AMT*D*")]
    assert amount == "AMT*D*" + format(paid.paid_cents / 100, "g")


def test_only_an_835_that_does_not_balance_is_a_conflict_that_says_so(practice):
    made = practice.claim(at=at_desk(days_ago(11)))
    answer_batches(practice.app, submit_all(practice))
    practice.pay(made, clp04="1")
    assert "does not balance" in practice.secondary(made["id"], status=409)["detail"]


def test_no_835_recorded_is_a_conflict_that_says_so(practice):
    made = practice.claim()
    refused = practice.secondary(made["id"], status=409)
    assert "No 835 has been recorded" in refused["detail"]


def test_a_crossover_builds_no_secondary_claim(practice, api):
    primary = practice.remitted(status="19")
    refused = practice.secondary(primary["id"], status=409)
    assert "crossover" in refused["detail"]
    assert claim(practice, api, primary["id"])["secondary_claim_id"] is None


def test_an_835_that_left_nothing_builds_no_secondary_claim(practice):
    made = practice.claim(at=at_desk(days_ago(12)))
    answer_batches(practice.app, submit_all(practice))
    paid = answer(made)
    written_off = tuple(replace(line, paid_cents=0, adjustments=(replace(line.adjustments[0],
                                                                         amount_cents=line.charge_cents),))
                        for line in paid.lines)
    deliver(practice.app, f"inbox/{practice.firm_id}/era-nothing.835",
            an_835([replace(paid, paid_cents=0, lines=written_off, status="4")], trace="EFTNOTHING"))
    refused = practice.secondary(made["id"], status=409)
    assert "left nothing" in refused["detail"]


def test_a_patient_without_a_secondary_coverage_gets_no_secondary_claim(world, api, app):
    single = Coordinated(world, api, app, secondary=False)
    made = single.remitted()
    refused = single.secondary(made["id"], status=409)
    assert "no active secondary coverage" in refused["detail"]


def test_a_second_request_builds_nothing_twice(practice):
    primary = practice.remitted()
    first = practice.secondary(primary["id"])
    again = practice.secondary(primary["id"], status=409)
    assert first["id"] in again["detail"]


def test_another_practices_claim_is_not_found(practice, world, api):
    primary = practice.remitted()
    other = Practice(world, api, firm=(practice.firm_id, practice.admin))  # of the same firm
    code, answered, _ = api.post(f"{other.base}/claims/{primary['id']}/secondary", {}, key=practice.admin)
    assert code == 404, answered
    outsider = world.key(practice.admin, "biller", [other.id])
    code, _, _ = api.post(f"{practice.base}/claims/{primary['id']}/secondary", {}, key=outsider)
    assert code == 404


def test_the_practice_setting_is_on_request_by_default_and_takes_automatic(practice, api):
    code, got, _ = api.get(practice.base, key=practice.admin)
    assert got["secondary_claims"] == "on_request"
    code, changed, _ = api.patch(practice.base, {"secondary_claims": "automatic"}, key=practice.admin,
                                 headers={"If-Match": str(got["version"])})
    assert code == 200 and changed["secondary_claims"] == "automatic"
    code, refused, _ = api.patch(practice.base, {"secondary_claims": "sometimes"}, key=practice.admin,
                                 headers={"If-Match": str(changed["version"])})
    assert code == 422 and refused["errors"][0]["field"] == "secondary_claims"


def _items(practice, made):
    pk = keys.practice_pk(practice.id)
    item = ClaimItem.get(pk, keys.claim_sk(made["id"]))
    record = secondary_claims.latest_payment(practice.id, made["id"])
    assert isinstance(record, RemittanceClaim)
    return item, record


def test_posting_builds_the_secondary_only_when_the_practice_says_automatic(practice, api):
    primary = practice.remitted()
    item, record = _items(practice, primary)
    now = datetime.now(timezone.utc)
    assert secondary_claims.build_if_automatic(practice.firm_id, item, record, now) is None
    version = api.get(practice.base, key=practice.admin)[1]["version"]
    api.patch(practice.base, {"secondary_claims": "automatic"}, key=practice.admin, headers={"If-Match": str(version)})

    built = secondary_claims.build_if_automatic(practice.firm_id, item, record, now)
    assert built is not None and built.primary_claim_id == primary["id"]
    assert claim(practice, api, primary["id"])["secondary_claim_id"] == built.id
    assert secondary_claims.build_if_automatic(practice.firm_id, item, record, now) is None  # once


def test_posting_may_pass_the_setting_it_read_once_for_many_claims(practice, api):
    primary = practice.remitted()
    item, record = _items(practice, primary)
    now = datetime.now(timezone.utc)
    assert secondary_claims.build_if_automatic(practice.firm_id, item, record, now, setting="on_request") is None
    built = secondary_claims.build_if_automatic(practice.firm_id, item, record, now, setting="automatic")
    assert built is not None and claim(practice, api, built.id)["status"] == "ready"


def test_a_practice_that_bills_the_next_coverage_automatically_gets_the_secondary_when_the_835_posts(practice, api):
    version = api.get(practice.base, key=practice.admin)[1]["version"]
    api.patch(practice.base, {"secondary_claims": "automatic"}, key=practice.admin, headers={"If-Match": str(version)})

    primary = practice.remitted()  # the 835 through the inbox: posted, then the next coverage billed

    built_id = claim(practice, api, primary["id"])["secondary_claim_id"]
    built = claim(practice, api, built_id)
    assert (built["primary_claim_id"], built["payer_id"], built["status"]) == (primary["id"], practice.cigna, "ready")
    practice.pay(primary, trace="EFT-AGAIN")  # the same payment in another 835: posted nothing, built nothing
    assert claim(practice, api, primary["id"])["secondary_claim_id"] == built_id


def test_a_practice_that_bills_on_request_gets_no_secondary_when_the_835_posts(practice, api):
    primary = practice.remitted()
    assert claim(practice, api, primary["id"])["secondary_claim_id"] is None
    assert practice.secondary(primary["id"])["primary_claim_id"] == primary["id"]
