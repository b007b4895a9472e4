"""Runs in a fresh `python -I -S -B` process, as a Lambda container's first invocation runs: code only from the
folders named (an unpacked deployment package, nothing of the virtual environment), then one JSON line out.

    python -I -S -B tools/lambda_probe.py ROOTS SPEC_JSON

ROOTS: folders joined by os.pathsep, put first on sys.path (-I -S leaves only the standard library there;
-B writes no bytecode, as in a read-only /var/task).
SPEC_JSON: {"module": "app"} imports a module and stops. With "authorizer" (a dotted handler) it then calls
that handler with "authorizer_event"; with "event" it calls `<module>.app(event, context)` as API Gateway's
proxy integration does, with the authorizer's policy context in the request context, as API Gateway puts it.

Printed: wall and CPU seconds from before the import to after it and to the answer, the answer's status and
body, and every module compiled from source under ROOTS (none when the package's bytecode was used).
Only the standard library is imported before the clock starts.
"""
import importlib
import importlib.machinery
import json
import os
import sys
import time


class LambdaContext:
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    function_name = "probe"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:probe"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def count_compiles(roots: list[str]) -> list[str]:
    """Wrap the one place importlib turns source into code: it runs only when no usable pyc was found."""
    compiled: list[str] = []
    original = importlib.machinery.SourceFileLoader.source_to_code

    def source_to_code(self, data, path, *, _optimize=-1):  # type: ignore[no-untyped-def]
        if any(str(path).startswith(root) for root in roots):
            compiled.append(str(path))
        return original(self, data, path, _optimize=_optimize)

    importlib.machinery.SourceFileLoader.source_to_code = source_to_code  # type: ignore[method-assign]
    return compiled


def handler(dotted: str):  # type: ignore[no-untyped-def]
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def main() -> None:
    roots, spec = sys.argv[1].split(os.pathsep), json.loads(sys.argv[2])
    sys.path[:0] = roots
    compiled = count_compiles(roots)
    wall, cpu = time.perf_counter(), time.process_time()
    module = importlib.import_module(spec["module"])
    out = {"import_s": time.perf_counter() - wall, "import_cpu_s": time.process_time() - cpu}
    context = LambdaContext()
    if "authorizer" in spec:
        policy = handler(spec["authorizer"])(spec["authorizer_event"], context)
        out.update(authorized_s=time.perf_counter() - wall, authorized_cpu_s=time.process_time() - cpu,
                   allowed=policy["policyDocument"]["Statement"][0]["Effect"] == "Allow")
    if "event" in spec:
        event = spec["event"]
        if "authorizer" in spec:
            event["requestContext"]["authorizer"] = {**policy.get("context", {}), "principalId": policy["principalId"]}
        answer = module.app(event, context)
        out.update(status=answer["statusCode"], body=answer["body"])
    out.update(total_s=time.perf_counter() - wall, total_cpu_s=time.process_time() - cpu, compiled=compiled)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
