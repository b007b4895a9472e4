import io
import json

from chalicelib.core.logs import get_logger
from tests.api.conftest import practice_body

REFUSED = "input_value='Quintavalle' born 1958-07-23"  # as pydantic quotes what it refused


def capture(api, call):
    handler = get_logger().registered_handler
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        call()
    finally:
        handler.setStream(previous)
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def test_each_request_logs_one_json_line_with_its_request_id_and_route(api, world):
    _, admin = world.firm()
    lines = capture(api, lambda: api.get("/me", key=admin))
    assert len(lines) == 1
    assert lines[0]["route"] == "GET /me" and lines[0]["status"] == 200 and lines[0]["request_id"]


def test_logs_carry_no_submitted_values_even_on_errors(api, world):
    _, admin = world.firm()
    marker = "Zebulon Quixote"
    lines = capture(api, lambda: (api.post("/practices", practice_body(name=marker), key=admin),
                                  api.post("/practices", practice_body(name=marker + "~"), key=admin)))
    assert [line["status"] for line in lines] == [201, 422]
    assert marker not in json.dumps(lines)


def test_an_unhandled_errors_traceback_says_where_it_broke_never_its_message(app, api, world):
    _, admin = world.firm()

    def fail_inside_a_request():
        api.get("/me", key=admin)  # the app's logger as a live container has it after a request
        try:
            raise ValueError(REFUSED)
        except ValueError:
            app.log.error("Caught exception for path %s", "/me", exc_info=True)  # chalice's line for a 500

    [error] = [line for line in capture(api, fail_inside_a_request) if line["level"] == "ERROR"]
    assert error["exception_name"] == "ValueError" and "fail_inside_a_request" in error["exception"]
    assert "Quintavalle" not in json.dumps(error) and "1958" not in json.dumps(error)
