"""CMS's NCCI edit tables through the API: platform operators see and load them, claims say which judged them."""
from datetime import timedelta
from functools import partial

import boto3
import pytest

from chalicelib.core.clock import utcnow
from chalicelib.core.settings import get_settings
from chalicelib.scrubbing import reference
from chalicelib.scrubbing.edit_index import in_memory
from chalicelib.scrubbing.ncci import read_ptp, write_ptp
from tests.api.conftest import ROOT_KEY
from tests.api.test_claims import Practice

COPYRIGHT = "CPT only copyright 2025 American Medical Association. All rights reserved."
PTP_HEADING = ("Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\t"
               "Modifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale")
MUE_HEADING = '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale'
# CMS splits the practitioner PTP edits by code range; the second part bundles 82962 into 99213 outright.
PTP_PART_1 = [COPYRIGHT, "", PTP_HEADING, "11042\t97597\t\t20130101\t*\t1\tMisuse of column two code with column one code",
              "29881\t29877\t*\t19960101\t*\t0\tMutually exclusive procedures"]
PTP_PART_2 = [COPYRIGHT, "", PTP_HEADING, "99213\t82962\t\t19960101\t*\t0\tStandards of medical / surgical practice"]
MUE = [f'"{COPYRIGHT}"', MUE_HEADING, "82962,1,1 Line Edit,Clinical: Data", "99213,1,2 Date of Service Edit: Policy,"
       "Code Descriptor / CPT Instruction"]
ADMIN = "/admin/edit-tables"


def documents():
    return boto3.client("s3"), get_settings().documents_bucket


def upload(key, lines):
    client, bucket = documents()
    # CMS's files are Windows-1252 text with CRLF line endings.
    client.put_object(Bucket=bucket, Key=key, Body="\r\n".join(lines).encode("cp1252"))
    return key


def this_quarter(days_from_now=0):
    day = utcnow().date() + timedelta(days=days_from_now)
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def a_recent_visit():
    """A morning a few days ago, so the claim is within filing limits and not in the future on any day."""
    return f"{(utcnow().date() - timedelta(days=3)).isoformat()}T09:00:00-06:00"


@pytest.fixture(autouse=True)
def no_tables(aws):
    """Each test starts and ends with no table loaded: other tests' claims must not meet these edits."""
    def clear():
        client, bucket = documents()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=reference.PREFIX):
            for item in page.get("Contents", []):
                client.delete_object(Bucket=bucket, Key=item["Key"])
        reference.forget()
    clear()
    yield
    clear()


def load(api, name, keys, quarter=None, key=ROOT_KEY):
    return api.post(f"{ADMIN}/{name}/load", {"source_keys": keys, "quarter": quarter or this_quarter()}, key=key)


def load_practitioner_tables(api):
    parts = [upload("reference/ncci/2027q1/ptp-f2.txt", PTP_PART_2), upload("reference/ncci/2027q1/ptp-f1.txt",
                                                                             PTP_PART_1)]
    assert load(api, "ptp-practitioner", parts)[0] == 200
    assert load(api, "mue-practitioner", [upload("reference/ncci/2027q1/mue.csv", MUE)])[0] == 200


def test_an_operator_sees_each_table_and_that_none_is_loaded_yet(api):
    status, body, _ = api.get(ADMIN, key=ROOT_KEY)
    assert status == 200 and body["next_cursor"] is None
    assert [(t["id"], t["kind"], t["claim_type"], t["present"], t["quarter"], t["rows"]) for t in body["data"]] == [
        ("ptp-practitioner", "ptp", "professional", False, None, None),
        ("mue-practitioner", "mue", "professional", False, None, None),
        ("ptp-outpatient", "ptp", "institutional", False, None, None),
        ("mue-outpatient", "mue", "institutional", False, None, None)]


def test_a_loaded_table_shows_its_quarter_rows_load_time_and_source_files(api):
    parts = [upload("reference/ncci/q/ptp-f1.txt", PTP_PART_1), upload("reference/ncci/q/ptp-f2.txt", PTP_PART_2)]
    before = utcnow().isoformat()[:19]
    status, loaded, _ = load(api, "ptp-practitioner", parts, quarter="2027Q4")
    assert status == 200, loaded
    assert (loaded["present"], loaded["quarter"], loaded["rows"]) == (True, "2027Q4", 3)
    assert (loaded["effective_from"], loaded["effective_to"]) == ("2027-10-01", "2027-12-31")
    assert loaded["loaded_at"][:19] >= before and loaded["index_key"] == "reference/ncci/ptp-practitioner.idx"
    client, bucket = documents()
    assert loaded["sources"] == [{"key": key, "etag": client.head_object(Bucket=bucket, Key=key)["ETag"]}
                                 for key in parts]
    assert loaded["index_etag"] == client.head_object(Bucket=bucket, Key=loaded["index_key"])["ETag"]
    assert api.get(f"{ADMIN}/ptp-practitioner", key=ROOT_KEY)[1] == loaded
    assert [t["present"] for t in api.get(ADMIN, key=ROOT_KEY)[1]["data"]] == [True, False, False, False]


def test_a_claim_scrubbed_without_the_tables_warns_once_that_ptp_and_mue_were_not_checked(world, api):
    claim = Practice(world, api).claim(at=a_recent_visit())
    warned = [f for f in claim["findings"] if f["rule_id"] == "ncci-tables"]
    assert [(f["severity"], f["field"]) for f in warned] == [("warning", "claim.lines")]
    assert "ptp-practitioner and mue-practitioner are not loaded" in warned[0]["message"]
    assert claim["edit_tables"] == [] and claim["status"] == "ready"


def test_a_claim_built_after_a_load_is_judged_by_the_tables_and_records_their_quarters(world, api):
    load_practitioner_tables(api)
    claim = Practice(world, api).claim(at=a_recent_visit())
    failed = {f["rule_id"]: f["field"] for f in claim["findings"] if f["severity"] == "error"}
    assert failed == {"ncci-ptp": "claim.lines.1.procedure_code", "mue-units": "claim.lines.1.units"}
    assert not [f for f in claim["findings"] if f["rule_id"] == "ncci-tables"]
    assert [(t["table"], t["quarter"]) for t in claim["edit_tables"]] == [
        ("ptp-practitioner", this_quarter()), ("mue-practitioner", this_quarter())]
    assert claim["status"] == "needs_fix"


def test_an_institutional_claim_is_judged_by_the_outpatient_tables_not_the_practitioner_ones(world, api):
    load_practitioner_tables(api)
    practice = Practice(world, api, claim_type="institutional")
    coding = {"diagnoses": ["I10"], "lines": [
        {"code": "99283", "revenue_code": "0450", "diagnosis_pointers": [1], "unit_charge_cents": 52000}]}
    visit = practice.coded_visit(at=a_recent_visit(), coding=coding)
    claim = practice.post(f"/visits/{visit}/claim", {"institutional": {
        "type_of_bill": "131", "attending_provider_id": practice.provider}})
    assert claim["edit_tables"] == []
    assert [f["message"] for f in claim["findings"] if f["rule_id"] == "ncci-tables"] == [
        "NCCI PTP and MUE edits were not checked: CMS's tables ptp-outpatient and mue-outpatient are not loaded"]


def test_a_new_quarter_replaces_the_last_and_the_next_scrub_uses_it(world, api):
    load_practitioner_tables(api)
    practice = Practice(world, api)
    claim = practice.claim(at=a_recent_visit())
    first = api.get(f"{ADMIN}/ptp-practitioner", key=ROOT_KEY)[1]
    next_quarter = this_quarter(days_from_now=92)
    status, second, _ = load(api, "ptp-practitioner", [upload("reference/ncci/next/ptp.txt", PTP_PART_1)],
                             quarter=next_quarter)
    assert status == 200 and second["rows"] == 2 and second["index_etag"] != first["index_etag"]
    refreshed = practice.post(f"/claims/{claim['id']}/refresh", {"version": claim["version"]}, status=200)
    assert "ncci-ptp" not in {f["rule_id"] for f in refreshed["findings"]}
    assert ("ptp-practitioner", next_quarter) in {(t["table"], t["quarter"]) for t in refreshed["edit_tables"]}


def test_an_mue_file_given_as_the_ptp_table_is_refused_and_the_loaded_quarter_stays(api):
    parts = [upload("reference/ncci/a/ptp.txt", PTP_PART_1)]
    before = load(api, "ptp-practitioner", parts)[1]
    wrong = upload("reference/ncci/a/mue.csv", MUE)
    status, problem, headers = load(api, "ptp-practitioner", [wrong], quarter="2030Q1")
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert problem["errors"] == [{"field": "source_keys.0", "message": "no 'Column 1' heading: not a CMS PTP file"}]
    assert api.get(f"{ADMIN}/ptp-practitioner", key=ROOT_KEY)[1] == before


def test_a_malformed_row_is_refused_naming_the_file_and_its_line_and_nothing_is_stored(api):
    good = upload("reference/ncci/b/f1.txt", PTP_PART_1)
    bad = upload("reference/ncci/b/f2.txt", PTP_PART_2 + ["99214\t8296\t\t19960101\t*\t0\tx"])
    status, problem, _ = load(api, "ptp-practitioner", [good, bad])
    assert status == 422 and problem["detail"].startswith("reference/ncci/b/f2.txt is not a CMS PTP file")
    assert problem["errors"] == [{"field": "source_keys.1", "message":
                                  "line 5: column 2 '8296' is not a five-character HCPCS/CPT code"}]
    assert api.get(f"{ADMIN}/ptp-practitioner", key=ROOT_KEY)[1]["present"] is False


def test_an_mue_code_listed_in_two_files_is_refused(api):
    keys = [upload("reference/ncci/c/mue-1.csv", MUE), upload("reference/ncci/c/mue-2.csv", MUE[:3])]
    status, problem, _ = load(api, "mue-practitioner", keys)
    assert status == 422 and problem["errors"] == [{"field": "source_keys", "message": "82962 is listed twice"}]


@pytest.mark.parametrize("body, field", [
    ({"source_keys": ["statements/p1/s1.pdf"], "quarter": "2027Q1"}, "source_keys.0"),
    ({"source_keys": ["reference/ncci/../x"], "quarter": "2027Q1"}, "source_keys.0"),
    ({"source_keys": [], "quarter": "2027Q1"}, "source_keys"),
    ({"source_keys": ["reference/ncci/a.txt", "reference/ncci/a.txt"], "quarter": "2027Q1"}, "source_keys"),
    ({"source_keys": ["reference/ncci/a.txt"], "quarter": "2027Q5"}, "quarter"),
    ({"source_keys": ["reference/ncci/a.txt"]}, "quarter"),
])
def test_a_load_request_out_of_shape_is_refused(api, body, field):
    status, problem, _ = api.post(f"{ADMIN}/ptp-practitioner/load", body, key=ROOT_KEY)
    assert status == 422 and (field is None or field in {e["field"] for e in problem["errors"]})


def test_files_not_in_the_bucket_are_named_and_nothing_is_stored(api):
    there = upload("reference/ncci/d/f1.txt", PTP_PART_1)
    status, problem, _ = load(api, "ptp-practitioner", [there, "reference/ncci/d/f2.txt"])
    assert status == 422 and problem["errors"] == [{"field": "source_keys.1",
                                                    "message": "no such object in the documents bucket"}]
    assert api.get(f"{ADMIN}/ptp-practitioner", key=ROOT_KEY)[1]["present"] is False


def test_an_unknown_table_is_not_found(api):
    assert api.get(f"{ADMIN}/ptp-dme", key=ROOT_KEY)[0] == 404
    assert load(api, "ptp-dme", [upload("reference/ncci/e/f.txt", PTP_PART_1)])[0] == 404


def test_only_platform_operators_see_or_load_edit_tables(world, api):
    _, admin = world.firm()
    assert api.get(ADMIN, key=admin)[0] == 403 and api.get(ADMIN)[0] == 401
    assert load(api, "ptp-practitioner", [upload("reference/ncci/f/f.txt", PTP_PART_1)], key=admin)[0] == 403
    assert api.get(f"{ADMIN}/ptp-practitioner", key=ROOT_KEY)[1]["present"] is False


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def stored_by_another_container(name, lines, quarter):
    """What another container's load leaves in the bucket: the index at the table's key."""
    index = in_memory(partial(write_ptp, table=name, quarter=quarter), read_ptp(lines))
    client, bucket = documents()
    client.put_object(Bucket=bucket, Key=reference.TABLES[name].index_key, Body=index)


def test_a_table_another_container_loads_reaches_this_one_at_its_next_check_a_minute_on(api):
    clock, spec = Clock(), reference.TABLES["ptp-practitioner"]
    cache = reference.TableCache(reference.get_store, clock=clock)
    assert cache.get(spec) is None
    stored_by_another_container(spec.name, PTP_PART_1, "2027Q1")
    clock.now += reference.CHECK_SECONDS - 1
    assert cache.get(spec) is None  # "absent" is believed for under a minute only
    clock.now += 1
    assert cache.get(spec).info.quarter == "2027Q1"
    stored_by_another_container(spec.name, PTP_PART_1 + PTP_PART_2[3:], "2027Q2")
    clock.now += reference.CHECK_SECONDS
    assert (cache.get(spec).info.quarter, len(cache.get(spec))) == ("2027Q2", 3)
