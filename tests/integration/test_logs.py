"""What the local stack prints: no patient's name, birth date or MRN, whatever a client puts in a URL."""
import socket
import time

import pytest
import requests

pytestmark = pytest.mark.integration
PATIENT = {"first_name": "Ottoline", "last_name": "Quintavalle", "birth_date": "1958-07-23", "sex": "F",
           "mrn": "PHIPROBE-77", "address": {"line1": "3 Elm St", "city": "Springfield", "state": "IL", "zip": "62704"}}
PHI = ("Ottoline", "OTTOLINE", "Quintavalle", "QUINTAVALLE", "1958-07-23", "PHIPROBE-77")


def call(stack, method, path, body=None, key=None):
    answer = requests.request(method, stack.api + path, json=body, headers={"Authorization": f"Bearer {key}"},
                              timeout=30)
    return answer.status_code, answer.json() if answer.content else None


@pytest.fixture(scope="module")
def front_desk(stack):
    key = call(stack, "POST", "/admin/firms", {"name": "Log Billing"}, stack.root_key)[1]["api_key"]
    pid = call(stack, "POST", "/practices", {"name": "Log Clinic", "npi": "1245319599", "tax_id": "12-3456789",
                                             "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL",
                                                         "zip": "627011234"}}, key)[1]["id"]
    status, patient = call(stack, "POST", f"/practices/{pid}/patients", PATIENT, key)
    assert status == 201, patient
    return {"key": key, "base": f"/practices/{pid}/patients", "patient": patient["id"]}


def send_raw(stack, request_line: bytes) -> None:
    """A request line http.server cannot parse: its own error line would quote it whole."""
    with socket.create_connection(("127.0.0.1", stack.ports["PORT"]), timeout=10) as sock:
        sock.sendall(request_line + b"\r\n\r\n")
        sock.recv(4096)


def test_searching_patients_leaves_no_patient_data_in_what_the_stack_prints(stack, front_desk):
    key, base = front_desk["key"], front_desk["base"]
    for terms in ({"name": "quintavalle, ott"}, {"birth_date": "1958-07-23"}, {"mrn": "PHIPROBE-77"}):
        status, page = call(stack, "POST", base + "/search", terms, key)
        assert status == 200 and [p["id"] for p in page["data"]] == [front_desk["patient"]], terms
    status, refused = call(stack, "GET", base + "?name=Quintavalle&birth_date=1958-07-23&mrn=PHIPROBE-77", key=key)
    assert status == 400 and "POST" in refused["detail"]
    assert call(stack, "GET", "/no-such-route?name=Quintavalle")[0] in (403, 404)
    assert call(stack, "POST", base, {**PATIENT, "birth_date": "1958-02-30"}, key)[0] == 422
    send_raw(stack, b"GET /x?name=Quintavalle&birth_date=1958-07-23 HTTP/1.1 trailing")
    time.sleep(1.0)  # the stack's children print as they go; give the last lines time to land
    printed = stack.printed() + "".join(log.read_text(errors="replace")
                                        for log in (stack.state_dir / "logs").glob("*.log"))
    assert [value for value in PHI if value in printed] == []
    assert f"{base}/search HTTP/1.1\" 200" in printed  # the access log is still there, without the query
    assert f"GET {base} HTTP/1.1\" 400" in printed
