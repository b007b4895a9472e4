"""Round trips per request: every route of the app driven once on a warm container (tests/route_requests.py, the
same requests as docs/benchmarks.md's table from bench/route_calls.py), every AWS call recorded with when it
started and ended, and the budgets of issue 11 held: a read route waits for at most 2 sequential DynamoDB round
trips (the key's read and the audit record included), a write route writes once (one TransactWriteItems with
its audit record) after at most 2 round trips of its own reads beside the key's. Each exception says why."""
import pytest

from chalicelib.core.api import ROUTES
from chalicelib.payments import stripe_client
from tests.api.conftest import World
from tests.route_requests import IN_TRANSACTION, measure
from tests.stripe_fakes import RecordingStripe

CLAIM = "/practices/{practice_id}/claims/{claim_id}"
VISIT = "/practices/{practice_id}/visits/{visit_id}"
CONTROL_NUMBER_FIRST = "the 270's control number is taken (UpdateItem) before the 270 goes out: sent once, never again"

# Write requests that write in more than one round trip, and why.
WRITES_TWICE = {
    ("POST", "/practices/{practice_id}/patients/{patient_id}/eligibility-checks", ""): CONTROL_NUMBER_FIRST,
    ("POST", VISIT + "/check-in", "eligibility checked again (a 270 sent)"): CONTROL_NUMBER_FIRST,
    ("POST", VISIT + "/copays", "card"): "the co-pay and its idempotency key are saved before Stripe is called "
                                         "(STYLE.md 12); the intent Stripe made is saved with the audit record",
    ("POST", "/practices/{practice_id}/claim-batches", ""): "a submission (submission/service.py, the writer's part): "
                                                            "control numbers, the batch, its claims' moves",
    ("POST", CLAIM + "/status-inquiries", ""): "the 276's control number and the inquiry are saved before it goes "
                                               "out (tracking/status_inquiry.py, the follow-up's part)",
    ("POST", "/edi-files/{file_id}/reprocess", ""): "an inbound file's processing (clearinghouse/inbox.py) records "
                                                    "its state as it goes, for the recovery sweeper",
}
# Write requests that read in more than 3 round trips (the key's read and 2 of their own), and why.
READS_MORE = {
    ("POST", VISIT + "/claim", ""): "the duplicate check queries the finished document's fingerprint, which "
                                    "needs the patient, coverage, payer and provider read the round before",
    ("POST", CLAIM + "/refresh", ""): "the same duplicate check, of the refreshed document",
    ("POST", CLAIM + "/secondary", ""): "the claim names the patient whose next coverage is read, which names its "
                                        "payer, read next; then the same duplicate check, of the new document",
}
# Read requests that take more than 2 round trips, and why.
READS_LONGER = {
    ("POST", "/practices/{practice_id}/patients/search", "by MRN"): "the MRN's item names the patient, read next "
                                                                     "(no index finds a patient by MRN)",
}


@pytest.fixture(scope="module")
def rows(api, app):
    stripe_client.use_http_client(RecordingStripe())  # a card co-pay's PaymentIntent, as Stripe answers it
    try:
        # 50 ms a call: calls started together still overlap when a loaded machine starts a thread late
        rows = measure(api, World(api), app, latency=0.05)
        return {(row.method, row.route, row.variant): row for row in rows}
    finally:
        stripe_client.use_http_client(None)


def test_every_route_of_the_app_is_measured(rows):
    assert {(method, route) for method, route, _ in rows} == {(spec.method, spec.path) for spec in ROUTES}


def test_a_read_route_waits_for_at_most_two_round_trips_its_key_and_audit_record_included(rows):
    over = {key: row.round_trips for key, row in rows.items() if row.reads and row.round_trips > 2
            and key not in READS_LONGER}
    assert over == {}


def test_a_write_route_writes_in_one_round_trip(rows):
    over = {key: row.by_operation(True) for key, row in rows.items() if not row.reads
            and row.write_round_trips > 1 and key not in WRITES_TWICE}
    assert over == {}


def test_a_write_route_reads_in_at_most_three_round_trips_its_keys_read_included(rows):
    over = {key: row.read_round_trips for key, row in rows.items() if not row.reads
            and row.read_round_trips > 3 and key not in READS_MORE}
    assert over == {}


def test_a_changes_audit_record_is_written_in_the_changes_transaction(rows):
    apart = {key: row.audit for key, row in rows.items() if not row.reads and row.audit.startswith("written")
             and _writes_more_than_the_audit(row) and key not in WRITES_TWICE}
    assert apart == {}


def test_a_reads_audit_record_is_written_beside_the_read(rows):
    audited = [row for row in rows.values() if row.reads and row.audit != "none"]
    assert audited and all(row.audit == "beside the read" for row in audited)


def test_every_exception_named_here_is_still_needed(rows):
    """An exception a route no longer needs is taken out, so that the budget holds it from then on."""
    unneeded = [key for key in WRITES_TWICE if rows[key].write_round_trips <= 1] \
        + [key for key in READS_MORE if rows[key].read_round_trips <= 3] \
        + [key for key in READS_LONGER if rows[key].round_trips <= 2]
    assert unneeded == []


def test_the_routes_issue_11_names_meet_their_budgets(rows):
    patient = rows[("GET", "/practices/{practice_id}/patients/{patient_id}", "")]
    check_in = rows[("POST", VISIT + "/check-in", "last eligibility check recent")]
    coding = rows[("PUT", VISIT + "/coding", "")]
    claim = rows[("POST", VISIT + "/claim", "")]
    assert patient.round_trips == 2  # was 4 calls one after another
    assert (check_in.write_round_trips, check_in.read_round_trips, check_in.audit) == (1, 3, IN_TRANSACTION)
    assert (coding.write_round_trips, coding.read_round_trips, coding.audit) == (1, 2, IN_TRANSACTION)
    assert "BatchGetItem" in claim.by_operation(True) and claim.write_round_trips == 1
    assert claim.audit == IN_TRANSACTION


def _writes_more_than_the_audit(row):
    """A route that changed nothing (the same Stripe account linked again) writes only its audit record."""
    return any(call.writes and set(call.puts) != {"audit"} for call in row.dynamodb)
