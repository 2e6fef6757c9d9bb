"""A scenario run in the capture process, seen from the window: ScenarioRunner's surface
(next(), close(), done, passed, results, position, connected, the labels), each step one
capture call (capture/scenario_commands.py), so the steps run on the Session they drive."""
from __future__ import annotations

import os
from pathlib import Path

from inspector.capture.client import CaptureClient
from inspector.capture.protocol import CaptureLost
from inspector.capture.scenario_commands import step_from_wire
from inspector.scenarios.recorded_clients import WorkspaceClient
from inspector.scenarios.recorder import RecordingContext
from inspector.scenarios.runner import ScenarioRunner, StepResult, skip_rest
from inspector.session.server_acks import AckReply
from inspector.wire.options import ConnectionOptions


class RemoteRunner:
    def __init__(self, scenario, path: str | Path, client: CaptureClient, *, url: str | None = None,
                 env: dict[str, str] | None = None):
        self.scenario = scenario
        # ${env:NAME} in a scenario means what the window gives (its environment, checked
        # before the run, and the secrets typed in for it)
        self.env = dict(os.environ) if env is None else dict(env)
        self.journal_seqs: list[int] = []   # the seqs of every entry the run saw (its journal)
        self.path = str(path)
        self.client = client
        self.url = url or scenario.url
        self.results: list[StepResult] = []
        self.position = 0
        self.connected = False
        self.connect_failed = False
        self._id: int | None = None

    connect_label = ScenarioRunner.connect_label
    labels = ScenarioRunner.labels
    done = ScenarioRunner.done
    passed = ScenarioRunner.passed

    async def next(self) -> StepResult | None:
        if self._id is None:
            self._id = await self.client.call("runner_start", self.path, self.url, self.env)
        view = await self.client.call("runner_next", self._id, len(self.journal_seqs))
        self.journal_seqs += view["journal"]
        self.position, self.connected = view["position"], view["connected"]
        self.connect_failed = view["connect_failed"]
        result = step_from_wire(view["result"])
        if result is not None:
            self.results.append(result)
        return result

    def skip_rest(self, why: str) -> list[StepResult]:
        return skip_rest(self, why)

    async def close(self, disconnect: bool = True) -> None:
        if self._id is None or self.client.lost is not None:
            return
        try:
            await self.client.call("runner_close", self._id, disconnect)
        except CaptureLost:
            pass        # the run ended with the capture process (the window is closing, say)


async def remote_context(client: CaptureClient) -> RecordingContext:
    """recorder.context_of, of the Session in the capture process."""
    return _context(await client.call("recorder_context"))


async def remote_clients(client: CaptureClient) -> list[WorkspaceClient]:
    """The workspace's clients as a recording sees them (recorded_clients.WorkspaceClient)."""
    got = await client.call("recorder_clients")
    history = {key: [(name, since) for name, since in names] for key, names in got["history"].items()}
    return [WorkspaceClient(r["name"], _context(r["context"]), history.get(r["key"], []),
                            key=r["key"])
            for r in got["clients"]] + [WorkspaceClient(None, None, names, key=key)
                                        for key, names in history.items()
                                        if key not in {r["key"] for r in got["clients"]}]


def _context(c: dict) -> RecordingContext:
    return RecordingContext(
        options=ConnectionOptions(**c["options"]), ns_auth=c["ns_auth"], join_event=c["join_event"],
        leave_event=c["leave_event"], server_acks={k: AckReply(**v) for k, v in c["server_acks"].items()},
        default_ack=AckReply(**c["default_ack"]), namespaces=list(c["namespaces"]))
