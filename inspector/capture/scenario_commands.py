"""The capture's commands for the session file and the scenario dock: recording starts,
moves and stops in the capture process (the writer lives there), and a scenario runs
there, on the Session it drives, one step per call."""
from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from inspector.capture import clients as workspace_clients
from inspector.capture import protocol as P
from inspector.scenarios import file as scenario_file
from inspector.scenarios import recorder
from inspector.scenarios.runner import ScenarioRunner, StepOutcome, StepResult
from inspector.store.writer import StoreWriter


def step_to_wire(r: StepResult | None) -> dict | None:
    if r is None:
        return None
    return {"index": r.index, "label": r.label, "status": str(r.status), "duration_ms": r.duration_ms,
            "line": r.line, "message": r.message, "details": list(r.details),
            "entries": [P.entry_to_wire(e) for e in r.entries]}


def step_from_wire(obj: dict | None) -> StepResult | None:
    if obj is None:
        return None
    return StepResult(obj["index"], obj["label"], StepOutcome(obj["status"]), obj["duration_ms"], obj["line"],
                      obj["message"], list(obj["details"]), [P.entry_from_wire(e) for e in obj["entries"]])


def runner_view(runner: ScenarioRunner, result: StepResult | None = None, journal_from: int = 0) -> dict:
    return {"journal": [e.seq for e in runner.journal.entries[journal_from:]],
            "result": step_to_wire(result), "done": runner.done, "passed": runner.passed,
            "connected": runner.connected, "position": runner.position,
            "connect_failed": runner.connect_failed}


def _record(c, path: str, rename_if_taken: bool = False) -> str:
    if c.writer is not None:
        raise RuntimeError(f"this capture records to {c.writer.path} already")
    c.writer = StoreWriter(path, rename_if_taken=rename_if_taken)
    c._unsubscribe_writer = c.writer.attach(c.session)
    c._writer_unsubs = {}
    for key, session in c.clients.items():      # the workspace's other clients too
        if session is not c.session:
            workspace_clients.attach_writer(c, key, session)
    return str(c.writer.path)


def _recording(c) -> dict | None:
    w = c.writer
    return None if w is None else {"path": str(w.path), "error": w.error, "written": w.written}


async def _stop_recording(c) -> None:
    if c.writer is None:
        return
    writer, c.writer = c.writer, None
    if c._unsubscribe_writer is not None:
        c._unsubscribe_writer()
    for unsubscribe in c._writer_unsubs.values():
        unsubscribe()
    c._writer_unsubs = {}
    await asyncio.get_running_loop().run_in_executor(None, writer.close)


async def _recorder_context(c) -> dict:
    ctx = await recorder.context_of(c.session)
    out = asdict(ctx)
    return out


async def _recorder_clients(c) -> dict:
    """Every client of the workspace, in the list's order: its name now and recording
    context; and every name each key's entries carried, from which seq (removed clients' too)."""
    clients = [{"key": key, "name": c.keys[key], "context": asdict(await recorder.context_of(session))}
               for key, session in c.clients.items()]
    return {"clients": clients, "history": workspace_clients.name_history(c)}


async def _runner_start(c, path: str, url: str | None = None, env: dict | None = None) -> int:
    sc = scenario_file.load(path)
    c._runner_ids = getattr(c, "_runner_ids", 0) + 1
    runner = ScenarioRunner(sc, c.session, url=url, env=env,
                            session_factory=lambda: workspace_clients.run_session(c))
    workspace_clients.adopt(c, runner)           # in the client list, on the workspace's seq
    c.runners[c._runner_ids] = runner
    return c._runner_ids


def _runner(c, runner_id: int) -> ScenarioRunner:
    runner = c.runners.get(runner_id)
    if runner is None:
        raise LookupError(f"no scenario run {runner_id}")
    return runner


async def _runner_next(c, runner_id: int, journal_from: int = 0) -> dict:
    runner = _runner(c, runner_id)
    return runner_view(runner, await runner.next(), journal_from)


async def _runner_close(c, runner_id: int, disconnect: bool = True) -> None:
    runner = c.runners.pop(runner_id, None)
    if runner is not None:
        await runner.close(disconnect=disconnect)
        workspace_clients.after_run(c, runner)


COMMANDS: dict[str, Any] = {
    "record": _record,
    "recording": _recording,
    "stop_recording": _stop_recording,
    "recorder_context": _recorder_context,
    "recorder_clients": _recorder_clients,
    "runner_start": _runner_start,
    "runner_next": _runner_next,
    "runner_close": _runner_close,
}
