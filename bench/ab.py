"""Versions of the code measured side by side in one run, round by round.

A side is a worker process with its own copy of the project first on `sys.path`: this checkout, or a commit's
files from `git archive` (`tree(rev)`). The work itself comes from one bench module of this checkout, loaded by
its path into every worker, so each side is asked the very same thing and only the project's code differs.
Each round asks every side for one measurement, the order turned around every other round (A B C, C B A, ...),
so load that drifts during a run (the machine is shared) lands on all sides alike. A worker that fails stops the
run with its traceback: no side is ever left out of a figure.

    with Sides({"before": tree("234f86e"), "now": HERE}, Path("bench/claims_sides.py")) as sides:
        for ask in sides.rounds(9):
            results = ask("write_round", passes=3)  # {side: what the module's write_round returned}

A worker is `python bench/ab.py --serve ROOT MODULE`; it reads one JSON request a line ({"call", "kwargs"}) and
answers one JSON line ({"result"} or {"error"}) on the stdout it started with (what the work prints goes to
stderr). Before any work, each side is asked where its `chalicelib` comes from, and must name its own tree.
"""
from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator

HERE = Path(__file__).resolve().parent.parent
ARCHIVED = ("app.py", "chalicelib", "tests", "infra", "bench")  # what a worker imports from its side's tree


def tree(rev: str) -> Path:
    """The project's files as they were at `rev` (`git archive`), in a new temporary folder the caller removes."""
    folder = Path(tempfile.mkdtemp(prefix=f"ab-{rev[:12]}-"))
    archive = subprocess.run(["git", "-C", str(HERE), "archive", "--format=tar", rev, *ARCHIVED],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as files:
        files.extractall(folder, filter="data")
    return folder


class Sides:
    def __init__(self, roots: dict[str, Path], module: Path, env: dict[str, str] | None = None) -> None:
        self.roots, self.module, self.env = roots, module.resolve(), env
        self.workers: dict[str, subprocess.Popen[str]] = {}

    def __enter__(self) -> "Sides":
        for label, root in self.roots.items():
            self.workers[label] = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--serve", str(root), str(self.module)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root,
                env={**os.environ, **(self.env or {}), "PYTHONPATH": ""})
        for label, root in self.roots.items():
            origin = Path(self.ask(label, "_origin"))
            assert origin.is_relative_to(root), f"side {label!r} imports the project from {origin}, not {root}"
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers.values():
            if worker.stdin:
                worker.stdin.close()
        for worker in self.workers.values():
            worker.wait(timeout=60)

    def ask(self, label: str, call: str, **kwargs: Any) -> Any:
        worker = self.workers[label]
        assert worker.stdin and worker.stdout
        worker.stdin.write(json.dumps({"call": call, "kwargs": kwargs}) + "\n")
        worker.stdin.flush()
        line = worker.stdout.readline()
        if not line:
            raise RuntimeError(f"side {label!r} died during {call} (its stderr is above)")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"side {label!r} failed in {call}:\n{answer['error']}")
        return answer["result"]

    def everywhere(self, call: str, **kwargs: Any) -> dict[str, Any]:
        """The same call on every side, in order (set-up, not measured)."""
        return {label: self.ask(label, call, **kwargs) for label in self.workers}

    def rounds(self, count: int) -> Iterator[Callable[..., dict[str, Any]]]:
        """`count` rounds; each yields a function that asks every side once, in this round's order."""
        labels = list(self.workers)
        for number in range(count):
            order = labels if number % 2 == 0 else labels[::-1]

            def ask_all(call: str, _order: list[str] = order, **kwargs: Any) -> dict[str, Any]:
                return {label: self.ask(label, call, **kwargs) for label in _order}

            yield ask_all


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _serve(root: str, module_path: str) -> None:
    answers = os.fdopen(os.dup(1), "w")
    sys.stdout = sys.stderr  # what the work prints must not break the answers
    sys.path[:] = [root, *[p for p in sys.path[1:] if Path(p).resolve() != HERE]]
    spec = importlib.util.spec_from_file_location("ab_side_module", module_path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for line in sys.stdin:
        request = json.loads(line)
        call = (lambda: importlib.import_module("chalicelib").__file__) if request["call"] == "_origin" else (
            getattr(module, request["call"]))
        try:
            answer = {"result": call(**request["kwargs"])}
        except BaseException:  # noqa: BLE001 (any failure goes back to the parent, which stops the run)
            answer = {"error": traceback.format_exc()}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__" and sys.argv[1:2] == ["--serve"]:
    _serve(sys.argv[2], sys.argv[3])
