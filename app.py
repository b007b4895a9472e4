"""Revcycle: the Chalice app. It only wires: middleware, blueprints, and (later) schedules and queues."""
from chalice import Chalice

from chalicelib.core.gateway import gateway, problem_middleware
from chalicelib.patients.routes import bp as patients
from chalicelib.tenants.routes import bp as tenants
from chalicelib.tenants.setup_routes import bp as practice_setup
from chalicelib.visits.routes import bp as visits

app = Chalice(app_name="revcycle", configure_logs=False)  # logs are Powertools JSON (chalicelib/core/logs.py)
app.register_middleware(problem_middleware, "http")
app.register_blueprint(gateway)
app.register_blueprint(tenants)
app.register_blueprint(practice_setup)
app.register_blueprint(patients)
app.register_blueprint(visits)
