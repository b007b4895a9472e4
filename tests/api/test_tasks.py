"""Tasks through the API: the work queue by queue and priority, assignment, snoozing, completion, one open task
per claim and reason, a claim's tasks, and the firm's open tasks across practices."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.db import keys
from tests.api.helpers import partition_items
from tests.api.test_claims import Practice

TODAY = datetime.now(timezone.utc).date()


class Desk:
    """A practice with its admin key, and shortcuts to its task routes."""

    def __init__(self, world, api, admin=None):
        self.api, self.world = api, world
        if admin is None:
            _, admin = world.firm()
        self.admin = admin
        self.id = world.practice(admin)
        self.base = f"/practices/{self.id}/tasks"

    def task(self, title="Call the payer", status=201, key=None, **fields):
        code, body, _ = self.api.post(self.base, {"title": title, **fields}, key=key or self.admin)
        assert code == status, body
        return body

    def open(self, query="", key=None):
        code, body, _ = self.api.get(self.base + query, key=key or self.admin)
        assert code == 200, body
        return body

    def titles(self, query=""):
        return [t["title"] for t in self.open(query)["data"]]

    def patch(self, task, body, version=None):
        return self.api.patch(f"{self.base}/{task['id']}", body, key=self.admin,
                              headers={"If-Match": str(version or task["version"])})

    def complete(self, task, note="Resubmitted with corrected NPI", version=None):
        return self.api.post(f"{self.base}/{task['id']}/complete", {"note": note}, key=self.admin,
                             headers={"If-Match": str(version or task["version"])})

    def labelled_key(self, label, role="biller", practice_ids=None):
        code, body, _ = self.api.post("/api-keys", {"role": role, "practice_ids": practice_ids or [self.id],
                                                    "label": label}, key=self.admin)
        assert code == 201, body
        return body


@pytest.fixture
def desk(world, api):
    return Desk(world, api)


@pytest.fixture
def claimed(world, api):
    """A practice with a claim, for the tasks that are about claims."""
    practice = Practice(world, api)
    return practice, practice.claim()["id"]


def task_items(practice_id):
    return [i for i in partition_items(keys.practice_pk(practice_id)) if i.get("kind", {}).get("S") == "task"]


def stored_claim(practice_id, claim_id):
    from chalicelib.claims.items import ClaimItem

    return ClaimItem.get(keys.practice_pk(practice_id), keys.claim_sk(claim_id), consistent_read=True)


def open_for_claim(practice_id, claim_id, reason="rejected", claim=None, **overrides):
    from chalicelib.tasks import service

    given = {"title": "Claim rejected: fix and resubmit", "priority": "high", "queue": "billing",
             "due_on": TODAY, "actor": "job:follow-up", **overrides}
    return service.open_for_claim(claim or stored_claim(practice_id, claim_id), reason, **given)


def test_open_tasks_list_urgent_first_then_soonest_due(desk):
    desk.task("normal later", due_on="2026-03-01")
    desk.task("urgent", priority="urgent", due_on="2026-03-10")
    desk.task("high", priority="high", due_on="2026-03-05")
    desk.task("normal sooner", due_on="2026-02-01")
    desk.task("low", priority="low", due_on="2026-01-01")
    desk.task("code it", queue="coding")
    assert desk.titles() == ["urgent", "high", "normal sooner", "normal later", "low"]
    assert desk.titles("?queue=coding") == ["code it"]
    assert desk.titles("?priority=normal") == ["normal sooner", "normal later"]


def test_a_created_task_is_manual_open_and_due_today_by_default(desk):
    task = desk.task(detail="Payer 60054, ask for claim status")
    assert (task["status"], task["reason"], task["queue"], task["priority"]) == ("open", "manual", "billing", "normal")
    assert task["due_on"] == TODAY.isoformat() and task["version"] == 1 and task["claim_id"] is None
    code, again, _ = desk.api.get(f"{desk.base}/{task['id']}", key=desk.admin)
    assert code == 200 and again == task


def test_the_open_list_pages_with_a_cursor(desk):
    for day in range(1, 6):
        desk.task(f"task {day}", due_on=f"2026-04-0{day}")
    seen, cursor = [], None
    while True:
        page = desk.open("?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        seen += [t["title"] for t in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"task {day}" for day in range(1, 6)]


def test_pages_of_one_task_step_over_snoozed_ones(desk):
    tasks = [desk.task(f"task {day}", due_on=f"2026-04-0{day}") for day in range(1, 5)]
    later = (TODAY + timedelta(days=3)).isoformat()
    for task in tasks[1:3]:
        assert desk.patch(task, {"snoozed_until": later})[0] == 200
    first = desk.open("?limit=1")
    second = desk.open(f"?limit=1&cursor={first['next_cursor']}")
    assert [t["title"] for t in first["data"] + second["data"]] == ["task 1", "task 4"]
    assert second["next_cursor"] is None or desk.open(f"?limit=1&cursor={second['next_cursor']}")["data"] == []


def test_a_task_is_assigned_to_the_label_of_a_key_that_sees_the_practice(desk):
    desk.labelled_key("dana")
    task = desk.task()
    code, assigned, _ = desk.patch(task, {"assignee": "dana"})
    assert code == 200 and assigned["assignee"] == "dana" and assigned["version"] == 2
    assert [t["id"] for t in desk.open("?assignee=dana")["data"]] == [task["id"]]
    assert desk.open("?assignee=someone")["data"] == []
    code, unassigned, _ = desk.patch(assigned, {"assignee": None})
    assert code == 200 and unassigned["assignee"] is None


def test_assigning_to_an_unknown_label_is_refused_and_changes_nothing(desk, world):
    other = world.practice(desk.admin, name="Other Practice")
    desk.labelled_key("elsewhere", practice_ids=[other])
    desk.labelled_key("watcher", role="viewer")
    revoked = desk.labelled_key("gone")
    assert desk.api.delete(f"/api-keys/{revoked['id']}", key=desk.admin)[0] == 204
    task = desk.task()
    for label in ("nobody", "elsewhere", "watcher", "gone"):
        code, problem, headers = desk.patch(task, {"assignee": label})
        assert code == 422 and headers["Content-Type"] == "application/problem+json", label
        assert problem["errors"] == [{"field": "assignee", "message": "no such key label"}]
    assert desk.open()["data"][0]["version"] == 1


def test_a_snoozed_task_is_hidden_until_its_date(desk):
    task = desk.task("wait for the payer")
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    code, snoozed, _ = desk.patch(task, {"snoozed_until": tomorrow})
    assert code == 200 and snoozed["snoozed_until"] == tomorrow
    assert desk.titles() == []
    assert desk.titles("?include_snoozed=true") == ["wait for the payer"]
    code, due, _ = desk.patch(snoozed, {"snoozed_until": TODAY.isoformat()})
    assert code == 200 and desk.titles() == ["wait for the payer"]


def test_a_completed_task_leaves_the_open_list_and_keeps_its_note(desk):
    task = desk.task()
    code, done, _ = desk.complete(task, note="Payer says paid on 2026-05-01, check 835")
    assert code == 200 and done["status"] == "done" and done["note"].startswith("Payer says paid")
    assert done["completed_at"] and done["completed_by"] and done["version"] == 2
    assert desk.open()["data"] == []
    assert desk.patch(done, {"priority": "urgent"})[0] == 409
    assert desk.complete(done, version=done["version"])[0] == 409


def test_completing_needs_a_note_and_the_version(desk):
    task = desk.task()
    url = f"{desk.base}/{task['id']}/complete"
    assert desk.api.post(url, {"note": "done"}, key=desk.admin)[0] == 428
    assert desk.api.post(url, {"version": 1}, key=desk.admin)[1]["errors"][0]["field"] == "note"
    assert desk.api.post(url, {"note": "done", "version": 1}, key=desk.admin)[0] == 200


def test_a_stale_version_is_refused_and_changes_nothing(desk):
    task = desk.task()
    code, changed, _ = desk.patch(task, {"priority": "urgent"})
    assert code == 200
    code, problem, _ = desk.patch(task, {"priority": "low"}, version=1)
    assert code == 409 and problem["type"] == "/problems/conflict"
    assert desk.complete(task, version=1)[0] == 409
    assert desk.open()["data"][0]["priority"] == "urgent"


def test_opening_a_claims_task_twice_gives_one_task(claimed):
    practice, claim_id = claimed
    first, created = open_for_claim(practice.id, claim_id)
    again, created_again = open_for_claim(practice.id, claim_id, title="A second title")
    assert created is True and created_again is False
    assert again.id == first.id and again.title == "Claim rejected: fix and resubmit"
    _, listed, _ = practice.api.get(f"{practice.base}/claims/{claim_id}/tasks", key=practice.admin)
    assert [t["id"] for t in listed["data"]] == [first.id]
    other, other_created = open_for_claim(practice.id, claim_id, reason="no_payment")
    assert other_created and other.id != first.id


def test_a_racing_opener_cannot_take_a_slot_already_taken(claimed):
    """Two openers that both read the claim before either wrote: the claim's version lets only one win."""
    from chalicelib.core.errors import Conflict

    practice, claim_id = claimed
    first_reader, second_reader = stored_claim(practice.id, claim_id), stored_claim(practice.id, claim_id)
    task, created = open_for_claim(practice.id, claim_id, reason="no_999", claim=first_reader)
    with pytest.raises(Conflict):
        open_for_claim(practice.id, claim_id, reason="no_999", claim=second_reader)
    again, created_again = open_for_claim(practice.id, claim_id, reason="no_999")
    assert created and not created_again and again.id == task.id
    assert [t["id"]["S"] for t in task_items(practice.id)] == [task.id]


def test_completing_a_claims_task_frees_its_slot(claimed, api):
    practice, claim_id = claimed
    task, _ = open_for_claim(practice.id, claim_id, reason="denied")
    code, done, _ = api.post(f"{practice.base}/tasks/{task.id}/complete", {"note": "Appealed", "version": 1},
                             key=practice.admin)
    assert code == 200 and done["status"] == "done"
    fresh, created = open_for_claim(practice.id, claim_id, reason="denied")
    assert created and fresh.id != task.id
    _, listed, _ = api.get(f"{practice.base}/claims/{claim_id}/tasks", key=practice.admin)
    assert [(t["id"], t["status"]) for t in listed["data"]] == [(task.id, "done"), (fresh.id, "open")]


def test_a_job_gives_a_valid_task_or_writes_nothing(claimed):
    from chalicelib.core.errors import ValidationFailed

    practice, claim_id = claimed
    for bad in ({"priority": "soon"}, {"queue": "nowhere"}, {"due_on": "someday"}, {"title": ""},
                {"reason": "manual"}, {"reason": "bad#reason"}):
        with pytest.raises(ValidationFailed):
            open_for_claim(practice.id, claim_id, **bad)
    assert task_items(practice.id) == []


def test_a_manual_task_about_a_claim_is_listed_with_the_claim(claimed, api):
    practice, claim_id = claimed
    code, task, _ = api.post(f"{practice.base}/tasks", {"title": "Check modifier 25", "claim_id": claim_id,
                                                        "queue": "coding"}, key=practice.admin)
    assert code == 201 and task["claim_id"] == claim_id and task["reason"] == "manual"
    _, listed, _ = api.get(f"{practice.base}/claims/{claim_id}/tasks", key=practice.admin)
    assert [t["id"] for t in listed["data"]] == [task["id"]]


def test_a_task_about_an_unknown_claim_is_refused_and_writes_nothing(desk):
    missing = "01J0000000000000000000000Z"
    problem = desk.task(claim_id=missing, status=422)
    assert problem["errors"] == [{"field": "claim_id", "message": "no such claim"}]
    assert desk.api.get(f"/practices/{desk.id}/claims/{missing}/tasks", key=desk.admin)[0] == 404
    assert task_items(desk.id) == []


@pytest.mark.parametrize("body", [{}, {"title": "ok", "priority": "soon"}, {"title": "ok", "due_on": "03/01/2026"},
                                  {"title": "ok", "colour": "red"}, {"title": "line\nbreak"},
                                  {"title": "x" * 121}, {"title": "ok", "due_on": 20260301}])
def test_bad_input_is_a_problem_and_writes_nothing(desk, body):
    code, problem, headers = desk.api.post(desk.base, body, key=desk.admin)
    assert code == 422 and headers["Content-Type"] == "application/problem+json"
    assert problem["status"] == 422 and problem["errors"]
    assert task_items(desk.id) == []


def test_bad_list_queries_are_refused(desk):
    for query in ("?queue=nowhere", "?priority=soon", "?cursor=abc", "?limit=0"):
        code, problem, _ = desk.api.get(desk.base + query, key=desk.admin)
        assert code in {400, 422} and problem["status"] == code, query


def test_a_cursor_serves_only_the_list_it_came_from(desk):
    desk.task("one", queue="coding")
    desk.task("two", queue="coding")
    cursor = desk.open("?queue=coding&limit=1")["next_cursor"]
    assert cursor
    code, problem, _ = desk.api.get(f"{desk.base}?queue=billing&cursor={cursor}", key=desk.admin)
    assert code == 400 and problem["errors"] == [{"field": "cursor", "message": "invalid cursor"}]


def test_a_viewer_reads_tasks_but_cannot_work_them(desk, world):
    viewer = world.key(desk.admin, "viewer", [desk.id])
    task = desk.task()
    assert [t["id"] for t in desk.open(key=viewer)["data"]] == [task["id"]]
    assert desk.task(key=viewer, status=403)["status"] == 403
    code, _, _ = desk.api.post(f"{desk.base}/{task['id']}/complete", {"note": "x", "version": 1}, key=viewer)
    assert code == 403 and desk.open()["data"][0]["status"] == "open"


def test_a_front_desk_key_works_its_queue(desk, world):
    front = world.key(desk.admin, "front_desk", [desk.id])
    task = desk.task("Collect the new insurance card", key=front, queue="front_desk")
    assert desk.titles("?queue=front_desk") == [task["title"]]


class TestFirmLevel:
    @pytest.fixture
    def firm(self, world, api):
        first = Desk(world, api)
        second = Desk(world, api, admin=first.admin)
        first.task("A normal", due_on="2026-05-02")
        first.task("A urgent", priority="urgent", due_on="2026-05-09")
        second.task("B normal", due_on="2026-05-01")
        second.task("B high", priority="high", due_on="2026-05-20")
        second.task("B low", priority="low", due_on="2026-01-01")
        return first, second

    def test_open_tasks_of_several_practices_are_merged(self, firm, api):
        first, second = firm
        code, body, _ = api.get(f"/tasks?practice_ids={first.id},{second.id}", key=first.admin)
        assert code == 200 and body["next_cursor"] is None
        assert [t["title"] for t in body["data"]] == ["A urgent", "B high", "B normal", "A normal", "B low"]
        assert {t["practice_id"] for t in body["data"]} == {first.id, second.id}

    def test_the_merged_read_is_audited_in_each_practice(self, firm, api):
        first, second = firm
        assert api.get(f"/tasks?practice_ids={first.id},{second.id}", key=first.admin)[0] == 200
        for practice in (first, second):
            trail = api.get(f"/practices/{practice.id}/audit", key=first.admin)[1]["data"]
            assert ("task", "read", None) in [(r["entity"], r["action"], r["entity_id"]) for r in trail]

    def test_the_merged_list_pages_without_skipping_or_repeating(self, firm, api):
        first, second = firm
        seen, cursor = [], None
        while True:
            url = f"/tasks?practice_ids={second.id},{first.id}&limit=2" + (f"&cursor={cursor}" if cursor else "")
            code, body, _ = api.get(url, key=first.admin)
            assert code == 200 and len(body["data"]) <= 2, body
            seen += [t["title"] for t in body["data"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == ["A urgent", "B high", "B normal", "A normal", "B low"]

    def test_a_practice_the_key_cannot_see_answers_404(self, firm, api, world):
        first, second = firm
        scoped = world.key(first.admin, "biller", [first.id])
        assert api.get(f"/tasks?practice_ids={first.id}", key=scoped)[0] == 200
        code, problem, _ = api.get(f"/tasks?practice_ids={first.id},{second.id}", key=scoped)
        assert code == 404 and problem["type"] == "/problems/not-found"
        _, stranger = world.firm("Another Firm")
        assert api.get(f"/tasks?practice_ids={first.id}", key=stranger)[0] == 404
        assert api.get("/tasks?practice_ids=01J0000000000000000000000Z", key=first.admin)[0] == 404

    def test_too_many_or_malformed_practice_ids_are_refused(self, firm, api):
        first, _ = firm
        many = ",".join(f"01J00000000000000000000{n:03d}" for n in range(21))
        assert api.get(f"/tasks?practice_ids={many}", key=first.admin)[0] == 422
        assert api.get("/tasks?practice_ids=acme", key=first.admin)[0] == 422
        assert api.get("/tasks", key=first.admin)[0] == 422
