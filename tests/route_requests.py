"""Every route of the app driven once on a warm container, each request's AWS calls recorded: the table of
docs/benchmarks.md ("Round trips per route", made by bench/route_calls.py) and the guard on it
(tests/api/test_round_trips.py).

The objects each request needs are made first, through the API, and not counted. Every botocore call of the
measured request is recorded (tests/aws_calls.py), whichever client made it (PynamoDB's, boto3's), with when it
started and ended. A request's sequential round trips are the longest chain of calls each of which started after
the one before it had ended. Calls the app makes at the same time run on other threads than the request's
(core/fanout.py, while the request's thread waits for them), and each of those is held for `latency` seconds
before it reaches moto, as a network round trip would hold it, so that they overlap even when a loaded machine
starts one thread late. The request's own calls follow one another whatever they take, so they are not held.

"Warm container": the process has served this firm's practice before (the practice check's answer may be kept),
and every client exists: each route's request is sent once unmeasured first. `measure` fails, naming the route,
if a route has no request here or a request is answered with another status than it expects: a figure is only
made of work that was really done.
"""
from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from tests.aws_calls import Span, counting, round_trips

LATENCY_SECONDS = 0.02
IN_TRANSACTION = "in the change's transaction"


@dataclass
class Request:
    method: str
    path: str
    body: Any = None
    key: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    raw: bytes | None = None
    variant: str = ""  # a second row of the same route: what differs
    after: Callable[[], None] | None = None  # undoes what the request did that would change later requests


@dataclass
class Row:
    method: str
    route: str
    variant: str
    reads: bool  # a read route: GET, or a POST that only reads (search)
    calls: list[Span]

    @property
    def dynamodb(self) -> list[Span]:
        return [call for call in self.calls if call.dynamodb]

    @property
    def round_trips(self) -> int:
        return round_trips(self.dynamodb)

    @property
    def write_round_trips(self) -> int:
        return round_trips([call for call in self.dynamodb if call.writes])

    @property
    def read_round_trips(self) -> int:
        """The DynamoDB reads' own chain (the authorizer's key read included)."""
        return round_trips([call for call in self.dynamodb if not call.writes])

    @property
    def audit(self) -> str:
        """How the route's audit record was written: with the change, beside a read, on its own, or not."""
        ways = {call.name for call in self.dynamodb if "audit" in call.puts}
        if not ways:
            return "none"
        if "TransactWriteItems" in ways:
            return IN_TRANSACTION
        return "beside the read" if self.reads else "written on its own: " + ", ".join(sorted(ways))

    @property
    def all_round_trips(self) -> int:
        return round_trips(self.calls)

    def by_operation(self, dynamodb: bool) -> str:
        counts = Counter(call.name for call in self.calls if call.dynamodb == dynamodb)
        return ", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "none"


PATIENT = {"first_name": "Rita", "last_name": "Trips", "birth_date": "1971-07-17", "sex": "F",
           "address": {"line1": "4 Oak St", "city": "Springfield", "state": "IL", "zip": "62704"}}
MUE_LINES = ['"CPT only copyright 2025 American Medical Association. All rights reserved."',
             '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale',
             "82962,1,1 Line Edit,Clinical: Data"]


class Routes:
    """A practice ready for every route (tests.api.test_claims.Practice: payer, fee, provider, patient with a
    primary coverage) and the requests that drive each route, in ROUTES order. Setup goes through the API and
    is not counted."""

    def __init__(self, api: Any, world: Any, app: Any) -> None:
        from tests.api.test_claims import Practice

        self.api, self.world, self.app = api, world, app
        self.practice = Practice(world, api)
        self.admin, self.pid, self.base = self.practice.admin, self.practice.id, self.practice.base
        self.serial = 0

    # helpers: uncounted setup through the API
    def ok(self, method: str, path: str, body: Any = None, status: int = 200, key: str | None = None,
           **kw: Any) -> Any:
        code, answer, _ = self.api.call(method, path, body, key=key or self.admin, **kw)
        assert code == status, (method, path, code, answer)
        return answer

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def new_patient(self) -> str:
        n = self.next()
        body = {**PATIENT, "first_name": f"Rita{'abcdefghij'[n % 10]}", "mrn": f"RT-{os.getpid()}-{n}"}
        return self.ok("POST", self.base + "/patients", body, 201)["id"]

    def visit(self, **body: Any) -> dict[str, Any]:
        from tests.dates import at_desk, days_ago

        return self.ok("POST", self.base + "/visits", {"patient_id": self.practice.patient,
                                                       "provider_id": self.practice.provider,
                                                       "scheduled_at": at_desk(days_ago(10)), **body}, 201)

    def claim(self) -> dict[str, Any]:
        """A ready claim; each of its own day, so that none is a duplicate of another."""
        return self.practice.claim(at=self.distinct_day())

    def coded_visit(self) -> str:
        return self.practice.coded_visit(at=self.distinct_day())

    def distinct_day(self) -> str:
        from tests.dates import at_desk, days_ago

        return at_desk(days_ago(5 + self.next() % 300))

    def submitted_claim(self) -> dict[str, Any]:
        claim = self.claim()
        self.ok("POST", self.base + "/claim-batches", {"claim_ids": [claim["id"]]}, 201)
        return claim

    def task(self) -> dict[str, Any]:
        return self.ok("POST", self.base + "/tasks", {"title": f"Call the payer {self.next()}"}, 201)

    def version(self, path: str) -> str:
        return str(self.ok("GET", path)["version"])

    def fee_entry(self) -> dict[str, Any]:
        return self.ok("POST", self.base + "/fee-schedule", {"code": f"9920{self.next() % 10}", "charge_cents": 100,
                                                            "effective_from": "2020-01-01",
                                                            "effective_to": "2020-01-01"}, 201)

    def inbound_file(self) -> dict[str, Any]:
        """A 999 answering a batch of this practice's: processed, touching its claim."""
        from tests.api.test_tracking import answer_batches

        claim = self.claim()
        submission = self.ok("POST", self.base + "/claim-batches", {"claim_ids": [claim["id"]]}, 201)
        answer_batches(self.app, submission, only=".999")
        return self.ok("GET", self.base + "/edi-files")["data"][-1]

    def remittance(self) -> dict[str, Any]:
        """An 835 paying a submitted claim of this practice, through the inbox: its remittance."""
        from tests.api.test_remittances import an_835, answer
        from tests.api.test_tracking import deliver

        claim = self.submitted_claim()
        deliver(self.app, f"inbox/{self.practice.firm_id}/era-{self.next()}.835",
                an_835([answer(claim)], trace=f"TRIPS{self.serial}"))
        return self.ok("GET", self.base + "/remittances")["data"][0]

    def denial(self, reason: str = "50") -> dict[str, Any]:
        """A claim of this practice denied (CARC `reason`) by an 835 through the inbox: its denial
        (tests/api/denials_world.py)."""
        from tests.api.denials_world import deliver_and_open, denied_claim

        claim = self.submitted_claim()
        deliver_and_open(self.app, self.practice, [denied_claim(claim, reason)], f"denied-{self.next()}")
        return self.ok("GET", self.base + "/denials")["data"][0]

    def denial_work(self) -> Request:
        denial = self.denial()
        return Request("PATCH", f"{self.base}/denials/{denial['id']}", {"status": "resolved", "note": "appealed"},
                       headers={"If-Match": str(denial["version"])})

    def remitted_with_secondary(self) -> str:
        """A sent claim of this practice its payer's 835 answered, the patient having a secondary coverage (added
        once): what a secondary claim is built from."""
        from tests.api.test_remittances import an_835, answer
        from tests.api.test_tracking import deliver

        if not getattr(self, "secondary_payer", None):
            self.secondary_payer = self.ok("POST", self.base + "/payers", {"name": "Cigna", "payer_id": "62308"},
                                           201)["id"]
            self.ok("POST", f"{self.base}/patients/{self.practice.patient}/coverages", {
                "payer_id": self.secondary_payer, "member_id": "CIG778899", "effective_from": "2026-01-01",
                "order": "secondary"}, 201)
        claim = self.submitted_claim()
        deliver(self.app, f"inbox/{self.practice.firm_id}/era-{self.next()}.835",
                an_835([answer(claim)], trace=f"TRIPS{self.serial}"))
        return claim["id"]

    def posted_claim(self) -> str:
        """A claim an 835 paid, through the inbox: its id (its postings are the claim's entries)."""
        remittance = self.remittance()
        return self.ok("GET", f"{self.base}/remittances/{remittance['id']}")["claims"][0]["claim_id"]

    def appeal(self, reason: str = "50") -> dict[str, Any]:
        """A first-level appeal of a denial (CARC `reason`) of this practice, a draft."""
        return self.ok("POST", f"{self.base}/denials/{self.denial(reason)['id']}/appeals",
                       {"level": "first", "reason": "Medically necessary: notes enclosed."}, 201)

    def appeal_move(self) -> Request:
        appeal = self.appeal()
        return Request("PATCH", f"{self.base}/appeals/{appeal['id']}", {"status": "sent"},
                       headers={"If-Match": str(appeal["version"])})

    def appeal_attachment(self) -> Request:
        appeal = self.appeal()
        return Request("POST", f"{self.base}/appeals/{appeal['id']}/attachments", {
            "name": "notes.txt", "content_type": "text/plain", "size_bytes": 5, "content_base64": "bm90ZXM="},
            headers={"If-Match": str(appeal["version"])}, expect=201)

    def failed_file(self) -> dict[str, Any]:
        from tests.api.test_tracking import deliver

        deliver(self.app, f"inbox/{self.practice.firm_id}/garbage-{self.next()}.999", "not x12 at all")
        return self.ok("GET", "/edi-files?status=failed")["data"][-1]

    def stripe_linked(self) -> str:
        account = f"acct_{self.pid}"
        if self.api.get(self.base + "/stripe/account", key=self.admin)[0] == 404:
            self.ok("POST", self.base + "/stripe/account", {"account_id": account}, 201)
        return account

    # the requests, one per route of ROUTES (and a few variants)
    def requests(self) -> dict[tuple[str, str], Callable[[], list[Request]]]:
        from tests.api.conftest import ROOT_KEY

        b, pid = self.base, self.pid
        root = {"key": ROOT_KEY}
        r = self
        p = self.practice
        return {
            ("GET", "/admin/edit-tables"): lambda: [Request("GET", "/admin/edit-tables", **root)],
            ("GET", "/admin/edit-tables/{name}"): lambda: [
                Request("GET", "/admin/edit-tables/mue-practitioner", **root)],
            ("POST", "/admin/edit-tables/{name}/load"): lambda: [Request(
                "POST", "/admin/edit-tables/mue-practitioner/load",
                {"source_keys": [r.upload_mue()], "quarter": "2020Q1"}, after=_clear_edit_tables, **root)],
            ("POST", "/practices/{practice_id}/visits/{visit_id}/claim"): lambda: [
                Request("POST", f"{b}/visits/{r.coded_visit()}/claim", {}, expect=201)],
            ("GET", "/practices/{practice_id}/claims"): lambda: [Request("GET", f"{b}/claims?status=ready")],
            ("GET", "/practices/{practice_id}/claims/{claim_id}"): lambda: [
                Request("GET", f"{b}/claims/{r.claim()['id']}")],
            ("PATCH", "/practices/{practice_id}/claims/{claim_id}"): lambda: [r.claim_edit()],
            ("POST", "/practices/{practice_id}/claims/{claim_id}/refresh"): lambda: [r.claim_refresh()],
            ("GET", "/practices/{practice_id}/claims/{claim_id}/events"): lambda: [
                Request("GET", f"{b}/claims/{r.claim()['id']}/events")],
            ("POST", "/practices/{practice_id}/claims/{claim_id}/replacement"): lambda: [Request(
                "POST", f"{b}/claims/{r.submitted_claim()['id']}/replacement",
                {"payer_claim_control_number": "ICN0001"}, expect=201)],
            ("POST", "/practices/{practice_id}/claims/{claim_id}/void"): lambda: [Request(
                "POST", f"{b}/claims/{r.submitted_claim()['id']}/void", {"payer_claim_control_number": "ICN0002"},
                expect=201)],
            ("POST", "/practices/{practice_id}/claims/{claim_id}/secondary"): lambda: [Request(
                "POST", f"{b}/claims/{r.remitted_with_secondary()}/secondary", {}, expect=201)],
            ("POST", "/practices/{practice_id}/claim-batches"): lambda: [
                Request("POST", f"{b}/claim-batches", {"claim_ids": [r.claim()["id"]]}, expect=201)],
            ("GET", "/practices/{practice_id}/claim-batches"): lambda: [Request("GET", f"{b}/claim-batches")],
            ("GET", "/practices/{practice_id}/claim-batches/{batch_id}"): lambda: [
                Request("GET", f"{b}/claim-batches/{r.batch_id()}")],
            ("POST", "/practices/{practice_id}/claims/{claim_id}/status-inquiries"): lambda: [
                Request("POST", f"{b}/claims/{r.submitted_claim()['id']}/status-inquiries", {}, expect=201)],
            ("GET", "/practices/{practice_id}/claims/{claim_id}/status-inquiries"): lambda: [
                Request("GET", f"{b}/claims/{r.inquired_claim()}/status-inquiries")],
            ("GET", "/practices/{practice_id}/edi-files"): lambda: [Request("GET", f"{b}/edi-files")],
            ("GET", "/practices/{practice_id}/edi-files/{file_id}"): lambda: [
                Request("GET", f"{b}/edi-files/{r.inbound_file()['id']}")],
            ("GET", "/edi-files"): lambda: [Request("GET", "/edi-files?status=processed")],
            ("POST", "/edi-files/{file_id}/reprocess"): lambda: [
                Request("POST", f"/edi-files/{r.failed_file()['id']}/reprocess", {})],
            ("GET", "/practices/{practice_id}/remittances"): lambda: [Request("GET", f"{b}/remittances")],
            ("GET", "/practices/{practice_id}/remittances/{remittance_id}"): lambda: [
                Request("GET", f"{b}/remittances/{r.remittance()['id']}")],
            ("GET", "/practices/{practice_id}/unmatched-remittances"): lambda: [
                Request("GET", f"{b}/unmatched-remittances")],
            ("GET", "/practices/{practice_id}/claims/{claim_id}/entries"): lambda: [
                Request("GET", f"{b}/claims/{r.posted_claim()}/entries")],
            ("GET", "/practices/{practice_id}/provider-adjustments"): lambda: [
                Request("GET", f"{b}/provider-adjustments")],
            ("GET", "/remittances"): lambda: [Request("GET", "/remittances")],
            ("GET", "/unmatched-remittances"): lambda: [Request("GET", "/unmatched-remittances")],
            ("GET", "/practices/{practice_id}/denials"): lambda: [
                Request("GET", f"{b}/denials"),
                Request("GET", f"{b}/denials?order=priority&category=medical_necessity", variant="by priority")],
            ("GET", "/practices/{practice_id}/denials/{denial_id}"): lambda: [
                Request("GET", f"{b}/denials/{r.denial()['id']}")],
            ("PATCH", "/practices/{practice_id}/denials/{denial_id}"): lambda: [r.denial_work()],
            ("GET", "/denials"): lambda: [Request("GET", "/denials")],
            ("POST", "/practices/{practice_id}/denials/{denial_id}/appeals"): lambda: [Request(
                "POST", f"{b}/denials/{r.denial()['id']}/appeals", {"level": "first", "reason": "Notes enclosed."},
                expect=201)],
            ("GET", "/practices/{practice_id}/appeals"): lambda: [
                Request("GET", f"{b}/appeals"), Request("GET", f"{b}/appeals?status=draft", variant="of a status")],
            ("GET", "/practices/{practice_id}/appeals/{appeal_id}"): lambda: [
                Request("GET", f"{b}/appeals/{r.appeal()['id']}")],
            ("PATCH", "/practices/{practice_id}/appeals/{appeal_id}"): lambda: [r.appeal_move()],
            ("POST", "/practices/{practice_id}/appeals/{appeal_id}/letter"): lambda: [
                Request("POST", f"{b}/appeals/{r.appeal()['id']}/letter", {}, expect=201),
                Request("POST", f"{b}/appeals/{r.appeal('29')['id']}/letter", {}, expect=201,
                        variant="timely filing: with its proof")],
            ("POST", "/practices/{practice_id}/appeals/{appeal_id}/attachments"): lambda: [r.appeal_attachment()],
            ("GET", "/practices/{practice_id}/appeals/{appeal_id}/attachments"): lambda: [
                Request("GET", f"{b}/appeals/{r.appeal()['id']}/attachments")],
            ("POST", "/admin/jobs/claim-follow-up/run"): lambda: [
                Request("POST", "/admin/jobs/claim-follow-up/run", {}, expect=202, **root)],
            ("GET", "/codes/icd10cm/{code}"): lambda: [Request("GET", "/codes/icd10cm/E11.9")],
            ("GET", "/codes/icd10cm"): lambda: [Request("GET", "/codes/icd10cm?prefix=E11")],
            ("GET", "/practices/{practice_id}/patients/{patient_id}/ledger"): lambda: [
                Request("GET", f"{b}/patients/{p.patient}/ledger")],
            ("GET", "/practices/{practice_id}/patients/{patient_id}/balance"): lambda: [
                Request("GET", f"{b}/patients/{p.patient}/balance")],
            ("POST", "/practices/{practice_id}/patients"): lambda: [Request(
                "POST", f"{b}/patients", {**PATIENT, "last_name": f"Newcomer{'abcdefghij'[r.next() % 10]}"},
                expect=201)],
            ("GET", "/practices/{practice_id}/patients"): lambda: [Request("GET", f"{b}/patients")],
            ("POST", "/practices/{practice_id}/patients/search"): lambda: [
                Request("POST", f"{b}/patients/search", {"name": "Chen"}),
                Request("POST", f"{b}/patients/search", {"mrn": r.mrn_of(r.new_patient())}, variant="by MRN")],
            ("GET", "/practices/{practice_id}/patients/{patient_id}"): lambda: [
                Request("GET", f"{b}/patients/{p.patient}")],
            ("PATCH", "/practices/{practice_id}/patients/{patient_id}"): lambda: [r.patient_edit()],
            ("POST", "/practices/{practice_id}/patients/{patient_id}/coverages"): lambda: [Request(
                "POST", f"{b}/patients/{r.new_patient()}/coverages",
                {"payer_id": p.payer, "member_id": "ACT778899", "effective_from": "2026-01-01"}, expect=201)],
            ("GET", "/practices/{practice_id}/patients/{patient_id}/coverages"): lambda: [
                Request("GET", f"{b}/patients/{p.patient}/coverages")],
            ("GET", "/practices/{practice_id}/patients/{patient_id}/coverages/{coverage_id}"): lambda: [
                Request("GET", f"{b}/patients/{p.patient}/coverages/{r.coverage_id()}")],
            ("PATCH", "/practices/{practice_id}/patients/{patient_id}/coverages/{coverage_id}"): lambda: [
                r.coverage_edit()],
            ("POST", "/practices/{practice_id}/patients/{patient_id}/eligibility-checks"): lambda: [
                Request("POST", f"{b}/patients/{p.patient}/eligibility-checks", {}, expect=201)],
            ("GET", "/practices/{practice_id}/patients/{patient_id}/eligibility-checks"): lambda: [
                Request("GET", f"{b}/patients/{p.patient}/eligibility-checks")],
            ("GET", "/practices/{practice_id}/patients/{patient_id}/eligibility-checks/{check_id}"): lambda: [
                Request("GET", f"{b}/patients/{p.patient}/eligibility-checks/{r.check_id()}")],
            ("POST", "/practices/{practice_id}/stripe/account"): lambda: [Request(
                "POST", f"{b}/stripe/account", {"account_id": f"acct_{pid}"}, expect=201)],
            ("GET", "/practices/{practice_id}/stripe/account"): lambda: [r.stripe_account()],
            ("POST", "/practices/{practice_id}/visits/{visit_id}/copays"): lambda: [
                Request("POST", f"{b}/visits/{r.checked_in()}/copays", {"method": "cash", "amount_cents": 2500},
                        expect=201, variant="cash"),
                r.card_copay()],
            ("GET", "/practices/{practice_id}/visits/{visit_id}/copays"): lambda: [
                Request("GET", f"{b}/visits/{r.checked_in()}/copays")],
            ("POST", "/webhooks/stripe"): lambda: [r.webhook()],
            ("POST", "/practices/{practice_id}/tasks"): lambda: [
                Request("POST", f"{b}/tasks", {"title": "Call the payer"}, expect=201)],
            ("GET", "/practices/{practice_id}/tasks"): lambda: [Request("GET", f"{b}/tasks")],
            ("GET", "/practices/{practice_id}/tasks/{task_id}"): lambda: [
                Request("GET", f"{b}/tasks/{r.task()['id']}")],
            ("PATCH", "/practices/{practice_id}/tasks/{task_id}"): lambda: [r.task_edit()],
            ("POST", "/practices/{practice_id}/tasks/{task_id}/complete"): lambda: [r.task_done()],
            ("GET", "/practices/{practice_id}/claims/{claim_id}/tasks"): lambda: [
                Request("GET", f"{b}/claims/{r.claim()['id']}/tasks")],
            ("GET", "/tasks"): lambda: [Request("GET", f"/tasks?practice_ids={pid}")],
            ("POST", "/admin/firms"): lambda: [Request("POST", "/admin/firms", {"name": "Trips Billing"},
                                                       expect=201, **root)],
            ("GET", "/me"): lambda: [Request("GET", "/me")],
            ("POST", "/practices"): lambda: [Request("POST", "/practices", r.practice_body(), expect=201)],
            ("GET", "/practices"): lambda: [Request("GET", "/practices")],
            ("GET", "/practices/{practice_id}"): lambda: [Request("GET", b)],
            ("PATCH", "/practices/{practice_id}"): lambda: [Request(
                "PATCH", b, {"name": f"Riverside {r.next()}"}, headers={"If-Match": r.version(b)})],
            ("POST", "/api-keys"): lambda: [Request("POST", "/api-keys", {"role": "viewer", "practice_ids": [pid]},
                                                    expect=201)],
            ("GET", "/api-keys"): lambda: [Request("GET", "/api-keys")],
            ("DELETE", "/api-keys/{key_id}"): lambda: [Request("DELETE", f"/api-keys/{r.key_id()}", expect=204)],
            ("GET", "/practices/{practice_id}/audit"): lambda: [Request("GET", f"{b}/audit")],
            ("POST", "/practices/{practice_id}/providers"): lambda: [Request("POST", f"{b}/providers", {
                "entity_type": "individual", "npi": "1245319599", "first_name": "Ann", "last_name": "Ray",
                "taxonomy_code": "207Q00000X", "roles": ["rendering"]}, expect=201)],
            ("GET", "/practices/{practice_id}/providers"): lambda: [Request("GET", f"{b}/providers")],
            ("GET", "/practices/{practice_id}/providers/{provider_id}"): lambda: [
                Request("GET", f"{b}/providers/{p.provider}")],
            ("PATCH", "/practices/{practice_id}/providers/{provider_id}"): lambda: [Request(
                "PATCH", f"{b}/providers/{p.provider}", {"first_name": "Samuel"},
                headers={"If-Match": r.version(f"{b}/providers/{p.provider}")})],
            ("POST", "/practices/{practice_id}/payers"): lambda: [
                Request("POST", f"{b}/payers", {"name": "Cigna", "payer_id": f"6{r.next():04d}"}, expect=201)],
            ("GET", "/practices/{practice_id}/payers"): lambda: [Request("GET", f"{b}/payers")],
            ("GET", "/practices/{practice_id}/payers/{payer_id}"): lambda: [Request("GET", f"{b}/payers/{p.payer}")],
            ("PATCH", "/practices/{practice_id}/payers/{payer_id}"): lambda: [Request(
                "PATCH", f"{b}/payers/{p.payer}", {"name": f"Aetna {r.next()}"},
                headers={"If-Match": r.version(f"{b}/payers/{p.payer}")})],
            ("POST", "/practices/{practice_id}/fee-schedule"): lambda: [Request("POST", f"{b}/fee-schedule", {
                "code": "99214", "charge_cents": 16000, "effective_from": f"20{10 + r.next() % 10}-01-01",
                "effective_to": f"20{10 + r.serial % 10}-06-30"}, expect=201)],
            ("GET", "/practices/{practice_id}/fee-schedule"): lambda: [Request("GET", f"{b}/fee-schedule")],
            ("GET", "/practices/{practice_id}/fee-schedule/{entry_id}"): lambda: [
                Request("GET", f"{b}/fee-schedule/{r.fee_entry()['id']}")],
            ("PATCH", "/practices/{practice_id}/fee-schedule/{entry_id}"): lambda: [r.fee_edit()],
            ("DELETE", "/practices/{practice_id}/fee-schedule/{entry_id}"): lambda: [r.fee_delete()],
            ("POST", "/practices/{practice_id}/visits"): lambda: [r.schedule()],
            ("GET", "/practices/{practice_id}/visits"): lambda: [Request("GET", f"{b}/visits?date={r.visit_day()}")],
            ("GET", "/practices/{practice_id}/visits/{visit_id}"): lambda: [
                Request("GET", f"{b}/visits/{r.visit()['id']}")],
            ("POST", "/practices/{practice_id}/visits/{visit_id}/check-in"): lambda: [
                Request("POST", f"{b}/visits/{r.visit()['id']}/check-in", {"version": 1},
                        variant="last eligibility check recent"),
                Request("POST", f"{b}/visits/{r.visit()['id']}/check-in", {"version": 1, "recheck_eligibility": True},
                        variant="eligibility checked again (a 270 sent)")],
            ("POST", "/practices/{practice_id}/visits/{visit_id}/check-out"): lambda: [
                Request("POST", f"{b}/visits/{r.checked_in()}/check-out", {"version": 2})],
            ("POST", "/practices/{practice_id}/visits/{visit_id}/cancel"): lambda: [
                Request("POST", f"{b}/visits/{r.visit()['id']}/cancel", {"version": 1, "reason": "patient called"})],
            ("POST", "/practices/{practice_id}/visits/{visit_id}/no-show"): lambda: [
                Request("POST", f"{b}/visits/{r.visit()['id']}/no-show", {"version": 1})],
            ("PUT", "/practices/{practice_id}/visits/{visit_id}/coding"): lambda: [r.coding()],
            ("GET", "/practices/{practice_id}/visits/{visit_id}/coding"): lambda: [
                Request("GET", f"{b}/visits/{r.coded_visit()}/coding")],
        }

    # the requests that need more than a line of setup
    def upload_mue(self) -> str:
        import boto3

        from chalicelib.core.settings import get_settings

        key = f"reference/ncci/bench/mue-{self.next()}.csv"
        boto3.client("s3").put_object(Bucket=get_settings().documents_bucket, Key=key,
                                      Body="\r\n".join(MUE_LINES).encode("cp1252"))
        return key

    def claim_edit(self) -> Request:
        claim = self.claim()
        return Request("PATCH", f"{self.base}/claims/{claim['id']}", {"referral_number": "R1"},
                       headers={"If-Match": str(claim["version"])})

    def claim_refresh(self) -> Request:
        claim = self.claim()
        return Request("POST", f"{self.base}/claims/{claim['id']}/refresh", {"version": claim["version"]})

    def batch_id(self) -> str:
        claim = self.claim()
        return self.ok("POST", self.base + "/claim-batches", {"claim_ids": [claim["id"]]}, 201)["batches"][0]["id"]

    def inquired_claim(self) -> str:
        claim = self.submitted_claim()
        self.ok("POST", f"{self.base}/claims/{claim['id']}/status-inquiries", {}, 201)
        return claim["id"]

    def mrn_of(self, patient_id: str) -> str:
        return self.ok("GET", f"{self.base}/patients/{patient_id}")["mrn"]

    def patient_edit(self) -> Request:
        patient = self.new_patient()
        path = f"{self.base}/patients/{patient}"
        return Request("PATCH", path, {"phone": "2175550123", "mrn": f"RT-{os.getpid()}-{self.next()}b"},
                       headers={"If-Match": self.version(path)})

    def coverage_id(self) -> str:
        return self.ok("GET", f"{self.base}/patients/{self.practice.patient}/coverages")["data"][0]["id"]

    def coverage_edit(self) -> Request:
        patient = self.new_patient()
        coverage = self.ok("POST", f"{self.base}/patients/{patient}/coverages",
                           {"payer_id": self.practice.payer, "member_id": "ACT445566",
                            "effective_from": "2026-01-01"}, 201)
        return Request("PATCH", f"{self.base}/patients/{patient}/coverages/{coverage['id']}",
                       {"active": False, "version": coverage["version"]}, variant="")

    def check_id(self) -> str:
        return self.ok("POST", f"{self.base}/patients/{self.practice.patient}/eligibility-checks", {}, 201)["id"]

    def checked_in(self) -> str:
        visit = self.visit()
        self.ok("POST", f"{self.base}/visits/{visit['id']}/check-in", {"version": 1})
        return visit["id"]

    def webhook(self) -> Request:
        import time as clock

        from tests.api.conftest import STRIPE_WEBHOOK_SECRET
        from tests.stripe_fakes import event, signed

        account = self.stripe_linked()
        ready = {"id": account, "object": "account", "charges_enabled": True, "payouts_enabled": True,
                 "details_submitted": True, "requirements": {"currently_due": []}}
        payload, signature = signed(event("account.updated", ready, event_id=f"evt_trips_{self.next()}_{self.pid}",
                                          created=int(clock.time()) + self.serial, account=account),
                                    STRIPE_WEBHOOK_SECRET)
        return Request("POST", "/webhooks/stripe", raw=payload, headers={"Stripe-Signature": signature})

    def stripe_account(self) -> Request:
        self.stripe_linked()
        return Request("GET", f"{self.base}/stripe/account")

    def card_copay(self) -> Request:
        self.stripe_linked()
        return Request("POST", f"{self.base}/visits/{self.checked_in()}/copays",
                       {"method": "card", "amount_cents": 2500}, expect=201, variant="card")

    def task_edit(self) -> Request:
        task = self.task()
        return Request("PATCH", f"{self.base}/tasks/{task['id']}", {"priority": "high"},
                       headers={"If-Match": str(task["version"])})

    def task_done(self) -> Request:
        task = self.task()
        return Request("POST", f"{self.base}/tasks/{task['id']}/complete",
                       {"note": "Called the payer", "version": task["version"]})

    def practice_body(self) -> dict[str, Any]:
        from tests.api.conftest import practice_body

        return practice_body(name=f"Hillside {self.next()}")

    def key_id(self) -> str:
        return self.ok("POST", "/api-keys", {"role": "viewer", "practice_ids": [self.pid]}, 201)["id"]

    def fee_edit(self) -> Request:
        entry = self.fee_entry()
        return Request("PATCH", f"{self.base}/fee-schedule/{entry['id']}", {"charge_cents": 200},
                       headers={"If-Match": str(entry["version"])})

    def fee_delete(self) -> Request:
        entry = self.fee_entry()
        return Request("DELETE", f"{self.base}/fee-schedule/{entry['id']}", headers={"If-Match": str(entry["version"])},
                       expect=204)

    def schedule(self) -> Request:
        from tests.dates import at_desk, days_ago

        return Request("POST", f"{self.base}/visits", {"patient_id": self.practice.patient,
                                                       "provider_id": self.practice.provider,
                                                       "scheduled_at": at_desk(days_ago(10))}, expect=201)

    def visit_day(self) -> str:
        return self.visit()["visit_date"]

    def coding(self) -> Request:
        from tests.api.test_claims import CODING

        visit = self.visit()["id"]
        self.ok("POST", f"{self.base}/visits/{visit}/check-in", {"version": 1})
        self.ok("POST", f"{self.base}/visits/{visit}/check-out", {"version": 2})
        return Request("PUT", f"{self.base}/visits/{visit}/coding", CODING)


def _reads(spec: Any) -> bool:
    return spec.method == "GET" or spec.audit_action == "read"


def _send(api: Any, routes: Routes, spec: Any, request: Request) -> None:
    key = request.key if request.key is not None or request.raw else routes.admin
    status, answer, _ = api.call(request.method, request.path, request.body, key=key, headers=request.headers,
                                 raw=request.raw)
    if request.after is not None:
        request.after()
    if status != request.expect:
        raise AssertionError(f"{request.method} {spec.path}: {status} {answer}")


def measure(api: Any, world: Any, app: Any, latency: float = LATENCY_SECONDS,
            only: Callable[[str, str], bool] | None = None) -> list[Row]:
    """Each route's measured request(s), in ROUTES order. Fails, naming the route, when a route has no request
    here or a request is not answered as expected."""
    from chalicelib.core.api import ROUTES
    from chalicelib.scrubbing import reference

    routes = Routes(api, world, app)
    requests = routes.requests()
    missing = [f"{s.method} {s.path}" for s in ROUTES if (s.method, s.path) not in requests]
    if missing:
        raise AssertionError(f"routes without a request in bench/route_calls.py: {missing}")
    rows = []
    request_thread = threading.get_ident()

    def hold(_: str) -> float:
        return latency if threading.get_ident() != request_thread else 0.0

    try:
        for spec in ROUTES:
            if only is not None and not only(spec.method, spec.path):
                continue
            for warm_up in requests[(spec.method, spec.path)]():  # the route's code loaded, as in a warm container
                _send(api, routes, spec, warm_up)
            for request in requests[(spec.method, spec.path)]():
                with counting(delay=hold) as calls:
                    _send(api, routes, spec, request)
                rows.append(Row(spec.method, spec.path, request.variant, _reads(spec), calls.spans))
    finally:
        reference.forget()
        _clear_edit_tables()
    return rows


def _clear_edit_tables() -> None:
    """Loaded NCCI tables would judge every later claim of the process (the API tests share one table)."""
    import boto3

    from chalicelib.core.settings import get_settings
    from chalicelib.scrubbing import reference

    client, bucket = boto3.client("s3"), get_settings().documents_bucket
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=reference.PREFIX):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    reference.forget()

