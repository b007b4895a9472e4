from openapi_spec_validator import validate


def test_the_document_is_valid_openapi_3_1(api):
    status, document, _ = api.get("/openapi.json")
    assert status == 200 and document["openapi"] == "3.1.0"
    validate(document)


def test_every_chalice_route_is_in_the_document(api, app):
    _, document, _ = api.get("/openapi.json")
    served = {(m.lower(), path) for path, methods in app.routes.items() for m in methods}
    documented = {(m, path) for path, ops in document["paths"].items() for m in ops}
    assert served == documented


def test_every_keyed_route_declares_its_security_and_problem_answers(api):
    _, document, _ = api.get("/openapi.json")
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if path in {"/health", "/openapi.json"}:
                assert op["security"] == []
                continue
            if path == "/webhooks/stripe":  # Stripe signs the body instead of sending a key
                assert op["security"] == [] and [p["name"] for p in op["parameters"]] == ["Stripe-Signature"]
                assert "application/problem+json" in op["responses"]["400"]["content"]
                continue
            assert op["security"] == [{"apiKey": []}], (method, path)
            assert "application/problem+json" in op["responses"]["404"]["content"], (method, path)
