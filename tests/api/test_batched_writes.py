"""Many units of writes in few transactions (db/batched.py): each unit all or nothing, and one unit that meets a
changed item or fails otherwise never stops the others."""
from chalicelib.core.ids import new_id
from chalicelib.db import batched, keys
from chalicelib.tasks.items import Task
from tests.aws_calls import counting


def task(practice_id, title="Call the payer"):
    task_id = new_id()
    return Task(keys.practice_pk(practice_id), keys.task_sk(task_id), id=task_id, created_at="t", updated_at="t",
                practice_id=practice_id, reason="manual", queue="billing", priority="normal", status="open",
                title=title, due_on="2026-01-01", created_by="test")


def stored(pk_sk):
    return Task.get(*pk_sk, consistent_read=True)


def test_units_go_as_many_a_transaction_as_fit_in_100_items(aws):
    practice_id = new_id()
    units = [batched.Unit(f"u{n}", saves=[task(practice_id), task(practice_id), task(practice_id)]) for n in range(40)]
    with counting() as calls:
        result = batched.write(units)
    assert len(result.written) == 40 and not result.conflicts and not result.failed
    assert calls.of("dynamodb") == {"TransactWriteItems": 2}  # 33 units of 3 items, then 7
    assert all(stored((t.pk, t.sk)).version == 1 for u in units for t in u.saves)


def test_a_unit_whose_item_changed_meanwhile_is_set_aside_and_the_others_are_written(aws):
    practice_id = new_id()
    changed = task(practice_id)
    changed.save()
    stale = Task.get(changed.pk, changed.sk)
    changed.title = "Edited by a biller meanwhile"
    changed.save()
    stale.title = "The job's edit"
    fine = [batched.Unit(f"new{n}", saves=[task(practice_id)]) for n in range(3)]
    with counting() as calls:
        result = batched.write([fine[0], batched.Unit("stale", saves=[stale, task(practice_id)]), *fine[1:]])
    assert [u.name for u in result.conflicts] == ["stale"] and not result.failed
    assert [u.name for u in result.written] == ["new0", "new1", "new2"]
    assert calls.of("dynamodb") == {"TransactWriteItems": 2}  # cancelled, then sent again without the stale unit
    assert stored((changed.pk, changed.sk)).title == "Edited by a biller meanwhile"
    assert all(stored((t.pk, t.sk)).version == 1 for u in fine for t in u.saves)
    assert Task.count(stale.pk) == 4  # the stale unit's new task was not written either


def test_a_unit_that_fails_for_another_reason_fails_alone(aws):
    practice_id = new_id()
    too_big = task(practice_id, title="x" * 410_000)  # over DynamoDB's 400 KB item limit
    fine = [batched.Unit(f"new{n}", saves=[task(practice_id)]) for n in range(2)]
    result = batched.write([fine[0], batched.Unit("too big", saves=[too_big]), fine[1]])
    assert [u.name for u, _ in result.failed] == ["too big"] and not result.conflicts
    assert [u.name for u in result.written] == ["new0", "new1"]


def test_updates_and_deletes_carry_their_own_conditions(aws):
    practice_id = new_id()
    done, gone = task(practice_id), task(practice_id)
    done.save()
    gone.save()
    closing = [Task.status.set("done")]
    result = batched.write([batched.Unit("close", updates=[(done, closing, Task.status == "open")]),
                            batched.Unit("remove", deletes=[gone])])
    assert len(result.written) == 2 and stored((done.pk, done.sk)).status == "done"
    assert Task.count(gone.pk, Task.sk == gone.sk) == 0
    again = batched.write([batched.Unit("close again", updates=[(done, closing, Task.status == "open")])])
    assert [u.name for u in again.conflicts] == ["close again"]
