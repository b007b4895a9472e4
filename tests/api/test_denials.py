"""Denials through the API: an 835 through the inbox records the claim payment, `denials.service.opened_by`
makes its denial work items as the posting will (tests/api/denials_world.py), and billers list, filter and work
them; another practice reaches none of them."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from tests.api.denials_world import deliver_and_open, denied_claim, line_denied, open_denials
from tests.api.test_claims import Practice
from tests.api.test_remittances import answer, submitted
from tests.dates import today


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def listed(api, practice, query=""):
    status, got, _ = api.get(f"{practice.base}/denials{query}", key=practice.admin)
    assert status == 200, got
    return got


def task_of(api, practice, denial):
    status, got, _ = api.get(f"{practice.base}/tasks/{denial['task_id']}", key=practice.admin)
    assert status == 200, got
    return got


def test_a_denied_claim_becomes_one_denial_with_its_codes_in_words_and_a_billers_task(app, practice, api):
    [made] = submitted(practice)
    deliver_and_open(app, practice, [denied_claim(made, "29", remarks=("MA01",))], "era-d1")

    [denial] = listed(api, practice)["data"]
    assert (denial["level"], denial["claim_id"], denial["claim_status"]) == ("claim", made["id"], "4")
    assert (denial["category"], denial["action"]) == ("timely_filing", "appeal")
    assert denial["reason"] == {"code": "29", "words": "filed after the payer's time limit"}
    assert denial["remarks"][0]["code"] == "MA01" and denial["remarks"][0]["words"] != "MA01"
    assert denial["adjustments"][0]["group_words"] == "contractual obligations"
    assert denial["denied_cents"] == made["total_charge_cents"] == denial["charge_cents"]
    assert denial["appeal_due"] == (today() + timedelta(days=180)).isoformat()
    assert (denial["status"], denial["priority"], denial["payer_id"]) == ("open", "normal", "SBX01")
    task = task_of(api, practice, denial)
    assert (task["claim_id"], task["reason"], task["queue"], task["status"]) == (made["id"], "denied", "billing",
                                                                                 "open")
    assert "timely filing" in task["title"] and "CO-29" in task["detail"]


def test_a_paid_claim_with_a_denied_line_becomes_a_denial_of_that_line_only(app, practice, api):
    [made] = submitted(practice)
    deliver_and_open(app, practice, [line_denied(made, "97", remarks=("M15",))], "era-d2")

    [denial] = listed(api, practice)["data"]
    assert (denial["level"], denial["line_number"], denial["svc"]) == ("line", 2, 2)
    assert denial["procedure"] == made["lines"][1]["code"]
    assert (denial["category"], denial["action"]) == ("bundling", "write_off")
    assert denial["denied_cents"] == made["lines"][1]["charge_cents"]
    assert task_of(api, practice, denial)["reason"] == "denied_line"


def test_a_paid_claim_opens_no_denial(app, practice, api):
    [made] = submitted(practice)
    deliver_and_open(app, practice, [answer(made)], "era-d3")
    assert listed(api, practice)["data"] == []


def test_opening_again_makes_nothing_twice(app, practice, api):
    [made] = submitted(practice)
    deliver_and_open(app, practice, [denied_claim(made, "50")], "era-d4")
    again = open_denials(practice.id, practice.firm_id)

    assert again.written == [] and len(again.conflicts) == 1
    [denial] = listed(api, practice)["data"]
    tasks = api.get(f"{practice.base}/claims/{made['id']}/tasks", key=practice.admin)[1]["data"]
    assert [t["id"] for t in tasks] == [denial["task_id"]]


def test_the_list_filters_by_category_status_payer_and_age_and_pages(app, practice, api):
    first, second, third = submitted(practice, 3)
    deliver_and_open(app, practice, [denied_claim(first, "29"), denied_claim(second, "18"),
                                     line_denied(third, "97")], "era-d5")

    assert len(listed(api, practice)["data"]) == 3
    assert [d["claim_id"] for d in listed(api, practice, "?category=duplicate")["data"]] == [second["id"]]
    assert len(listed(api, practice, "?payer_id=SBX01&status=open&age=0-30")["data"]) == 3
    assert listed(api, practice, "?payer_id=OTHER")["data"] == []
    assert listed(api, practice, "?age=31-60")["data"] == []
    page = listed(api, practice, "?limit=2")
    rest = listed(api, practice, f"?limit=2&cursor={page['next_cursor']}")
    assert len(page["data"]) == 2 and len(rest["data"]) == 1 and rest["next_cursor"] is None
    assert {d["id"] for d in page["data"] + rest["data"]} == {d["id"] for d in listed(api, practice)["data"]}


def test_the_priority_order_puts_the_larger_amount_first_and_leaves_out_closed_denials(app, practice, api):
    first, second = submitted(practice, 2)
    deliver_and_open(app, practice, [denied_claim(first, "50"), line_denied(second, "97")], "era-d6")
    by_priority = listed(api, practice, "?order=priority")["data"]
    assert [d["level"] for d in by_priority] == ["claim", "line"]  # $155.00 (normal) before $30.00 (low)
    assert [d["priority"] for d in by_priority] == ["normal", "low"]

    claim_denial = by_priority[0]
    api.patch(f"{practice.base}/denials/{claim_denial['id']}", {"status": "written_off", "note": "CO-50 upheld"},
              key=practice.admin, headers={"If-Match": str(claim_denial["version"])})
    assert [d["id"] for d in listed(api, practice, "?order=priority")["data"]] == [by_priority[1]["id"]]


def test_working_a_denial_keeps_its_notes_and_resolving_it_closes_its_task(app, practice, api):
    [made] = submitted(practice)
    deliver_and_open(app, practice, [denied_claim(made, "16", remarks=("MA130",))], "era-d7")
    [denial] = listed(api, practice)["data"]
    assert (denial["category"], denial["action"]) == ("missing_information", "correct_and_resubmit")
    url = f"{practice.base}/denials/{denial['id']}"

    status, worked, _ = api.patch(url, {"status": "in_progress", "note": "replacement claim being prepared",
                                        "version": denial["version"]}, key=practice.admin)
    assert status == 200 and worked["status"] == "in_progress"
    assert task_of(api, practice, denial)["status"] == "open"
    status, resolved, _ = api.patch(url, {"status": "resolved", "note": "replacement sent"}, key=practice.admin,
                                    headers={"If-Match": str(worked["version"])})
    assert status == 200 and resolved["status"] == "resolved" and resolved["closed_at"]
    assert [(n["status"], n["note"]) for n in resolved["notes"]] == [
        ("in_progress", "replacement claim being prepared"), ("resolved", "replacement sent")]
    task = task_of(api, practice, denial)
    assert task["status"] == "done" and "replacement sent" in task["note"]


def test_a_closed_denial_does_not_change_and_a_stale_version_is_refused(app, practice, api):
    [made] = submitted(practice)
    deliver_and_open(app, practice, [denied_claim(made, "18")], "era-d8")
    [denial] = listed(api, practice)["data"]
    url = f"{practice.base}/denials/{denial['id']}"

    assert api.patch(url, {"status": "resolved", "note": "x"}, key=practice.admin)[0] == 428
    assert api.patch(url, {"status": "resolved", "note": "x", "version": 9}, key=practice.admin)[0] == 409
    assert api.patch(url, {"status": "written_off", "note": "duplicate of the paid claim",
                           "version": denial["version"]}, key=practice.admin)[0] == 200
    status, problem, _ = api.patch(url, {"status": "open", "note": "again", "version": denial["version"] + 1},
                                   key=practice.admin)
    assert status == 409 and "written_off" in problem["detail"]


def test_bad_input_is_a_problem_and_writes_nothing(app, practice, api):
    [made] = submitted(practice)
    deliver_and_open(app, practice, [denied_claim(made, "18")], "era-d9")
    [denial] = listed(api, practice)["data"]
    url = f"{practice.base}/denials/{denial['id']}"

    for body in ({"status": "closed", "note": "x", "version": 1}, {"status": "resolved", "version": 1},
                 {"status": "resolved", "note": "", "version": 1}):
        status, problem, _ = api.patch(url, body, key=practice.admin)
        assert status == 422 and problem["errors"], body
    for query in ("?category=nope", "?age=7", "?order=priority&status=resolved"):
        assert api.get(f"{practice.base}/denials{query}", key=practice.admin)[0] == 422, query
    assert api.get(f"{practice.base}/denials?cursor=forged", key=practice.admin)[0] == 400
    assert api.get(url, key=practice.admin)[1]["version"] == denial["version"]


def test_the_firm_list_shows_every_practices_denials_to_a_key_of_the_whole_firm_only(app, world, api):
    east = Practice(world, api)
    west = Practice(world, api, firm=(east.firm_id, east.admin))
    [east_claim], [west_claim] = submitted(east), submitted(west)
    deliver_and_open(app, east, [denied_claim(east_claim, "29"), denied_claim(west_claim, "22")], "era-d10")
    open_denials(west.id, west.firm_id)

    firm = api.get("/denials", key=east.admin)[1]["data"]
    assert sorted(d["practice_id"] for d in firm) == sorted([east.id, west.id])
    cob = api.get("/denials?category=coordination_of_benefits", key=east.admin)[1]["data"]
    assert [(d["practice_id"], d["action"]) for d in cob] == [(west.id, "bill_secondary")]
    west_only = world.key(east.admin, "biller", [west.id])
    assert api.get("/denials", key=west_only)[0] == 403


def test_another_practice_reaches_none_of_its_denials(app, world, api):
    east = Practice(world, api)
    west = Practice(world, api, firm=(east.firm_id, east.admin))
    [made] = submitted(east)
    deliver_and_open(app, east, [denied_claim(made, "29")], "era-d11")
    [denial] = listed(api, east)["data"]
    west_only = world.key(east.admin, "firm_admin", [west.id])

    assert api.get(f"{east.base}/denials/{denial['id']}", key=west_only)[0] == 404
    assert api.get(f"{west.base}/denials/{denial['id']}", key=east.admin)[0] == 404
    status, _, _ = api.patch(f"{west.base}/denials/{denial['id']}", {"status": "resolved", "note": "x",
                                                                    "version": 1}, key=east.admin)
    assert status == 404 and listed(api, west)["data"] == []
    assert api.get(f"{east.base}/denials/{denial['id']}", key=east.admin)[1]["status"] == "open"


def test_working_a_denial_ranks_it_again_with_the_days_now_left_to_appeal(app, practice, api):
    from chalicelib.core.auth import PracticeScope, Principal
    from chalicelib.denials import service
    from chalicelib.denials.models import DenialWork

    [made] = submitted(practice)
    deliver_and_open(app, practice, [denied_claim(made, "50")], "era-d12")
    [denial] = listed(api, practice)["data"]
    assert denial["priority"] == "normal"  # $155.00, 180 days left
    scope = PracticeScope(practice.id, Principal("K1", practice.firm_id, "biller", None))
    ten_days_left = datetime.combine(date.fromisoformat(denial["appeal_due"]) - timedelta(days=10), time(12),
                                     timezone.utc)

    worked = service.work(scope, denial["id"], DenialWork(status="in_progress", note="records asked for"),
                          denial["version"], clock=lambda: ten_days_left)
    assert worked.priority == "high"  # 1 point for the amount, 3 for 10 days left
    assert [d["priority"] for d in listed(api, practice, "?order=priority")["data"]] == ["high"]


def test_the_sandbox_payers_denials_become_the_denials_its_rules_say(app, practice, api):
    """docs/x12.md: total cents .01 denied CO-50 + N130, .02 denied CO-16 + MA130, .03 last line denied CO-97 + M15."""
    from tests.api.test_sandbox_payer import coded, payer_poll, sandbox_payer, through_the_clearinghouse
    from tests.dates import at_desk, days_ago

    made = {cents: practice.claim(coding=coded(12500 + cents), at=at_desk(days_ago(10 + cents)))["id"]
            for cents in (1, 2, 3)}
    payer = sandbox_payer()
    through_the_clearinghouse(app, practice.post("/claim-batches", {"all_ready": True}), payer)
    payer_poll(app, payer, practice.firm_id)
    open_denials(practice.id, practice.firm_id)

    got = {d["claim_id"]: (d["level"], d["category"], d["action"]) for d in listed(api, practice)["data"]}
    assert got == {made[1]: ("claim", "medical_necessity", "appeal"),
                   made[2]: ("claim", "missing_information", "correct_and_resubmit"),
                   made[3]: ("line", "bundling", "write_off")}
