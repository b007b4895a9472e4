"""Revcycle: the Chalice app. It only wires: middleware, blueprints, schedules and queues."""
from chalice import Chalice, Cron, Rate

from chalicelib.claims.routes import bp as claims
from chalicelib.coding.routes import bp as coding
from chalicelib.core.gateway import gateway, problem_middleware
from chalicelib.core.lazy import lazy_module
from chalicelib.denials.routes import bp as denials
from chalicelib.jobs import JOBS_QUEUE
from chalicelib.jobs.routes import bp as job_runs
from chalicelib.ledger.routes import bp as ledger
from chalicelib.patients.routes import bp as patients
from chalicelib.payments.routes import bp as payments
from chalicelib.remits.routes import bp as remits
from chalicelib.remits.secondary_routes import bp as secondary_claims
from chalicelib.scrubbing.routes import bp as edit_tables
from chalicelib.submission.routes import bp as submission
from chalicelib.tasks.routes import bp as tasks
from chalicelib.tenants.routes import bp as tenants
from chalicelib.tenants.setup_routes import bp as practice_setup
from chalicelib.tracking.routes import bp as tracking
from chalicelib.visits.routes import bp as visits

app = Chalice(app_name="revcycle", configure_logs=False)  # logs are Powertools JSON (chalicelib/core/logs.py)
app.register_middleware(problem_middleware, "http")
app.register_blueprint(gateway)
app.register_blueprint(coding)
app.register_blueprint(tenants)
app.register_blueprint(practice_setup)
app.register_blueprint(patients)
app.register_blueprint(visits)
app.register_blueprint(ledger)
app.register_blueprint(payments)
app.register_blueprint(claims)
app.register_blueprint(submission)
app.register_blueprint(tracking)
app.register_blueprint(remits)
app.register_blueprint(denials)
app.register_blueprint(secondary_claims)
app.register_blueprint(edit_tables)
app.register_blueprint(tasks)
app.register_blueprint(job_runs)

jobs = lazy_module("chalicelib.jobs.worker")
inbox = lazy_module("chalicelib.tracking.inbox")


@app.schedule(Cron(0, 11, "*", "*", "?", "*"), name="eligibility_dispatch")  # 11:00 UTC: before US offices open
def eligibility_dispatch(event):  # type: ignore[no-untyped-def]
    jobs.dispatch_eligibility()


@app.schedule(Cron(0, 12, "*", "*", "?", "*"), name="claim_follow_up_dispatch")  # daily, after eligibility
def claim_follow_up_dispatch(event):  # type: ignore[no-untyped-def]
    jobs.dispatch_follow_up()


@app.schedule(Rate(5, unit=Rate.MINUTES), name="recovery_sweep")  # finishes what a crash cut in half
def recovery_sweep(event):  # type: ignore[no-untyped-def]
    jobs.sweep_recovery(event)


@app.on_sqs_message(queue=JOBS_QUEUE, batch_size=1, name="jobs_worker")
def jobs_worker(event):  # type: ignore[no-untyped-def]
    jobs.handle(event)


# A file landing in the EDI bucket's inbox/ (EventBridge notifications are on for the bucket; its generated
# name is not known when the rule is packaged, so the handler checks the bucket itself).
@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"],
                  "detail": {"object": {"key": [{"prefix": "inbox/"}]}}}, name="edi_inbox")
def edi_inbox(event):  # type: ignore[no-untyped-def]
    inbox.handle_event(event.to_dict())
