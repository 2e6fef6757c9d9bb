"""JUnit XML for scenario runs: one <testsuite> per scenario file, one <testcase> per step.

One test case per step is what CI systems (GitLab, Jenkins, GitHub test
reporters) list best: the failing step is the failing test, its message says
what was expected, its text the nearest entries received.  Steps after a
failure are <skipped>; a connection that could not be made is an <error>.
"""
from __future__ import annotations

import re
import socket
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from inspector.scenarios.run_stats import RunStats
from inspector.scenarios.runner import FAILED, SKIPPED, StepResult

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class SuiteReport:
    file: str
    name: str
    url: str | None
    results: list[StepResult]
    started: float = field(default_factory=time.time)
    output: str = ""
    stats: RunStats | None = None        # a run with several clients: deliveries, ack percentiles

    @property
    def classname(self) -> str:
        return Path(self.file).stem.replace(" ", "_") if self.file else self.name


def _clean(text: str) -> str:
    return _INVALID_XML.sub("?", text)


def build(suites: list[SuiteReport]) -> ET.Element:
    root = ET.Element("testsuites", name="socketio-inspector")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for suite in suites:
        counts = {"tests": len(suite.results), "failures": 0, "errors": 0, "skipped": 0}
        seconds = sum(r.duration_ms for r in suite.results) / 1000.0
        el = ET.SubElement(root, "testsuite", name=suite.name, file=suite.file,
                           timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(suite.started)),
                           hostname=socket.gethostname())
        props = ET.SubElement(el, "properties")
        ET.SubElement(props, "property", name="url", value=suite.url or "")
        for name, value in (suite.stats.properties() if suite.stats else {}).items():
            ET.SubElement(props, "property", name=_clean(name), value=value)
        for r in suite.results:
            case = ET.SubElement(el, "testcase", classname=suite.classname,
                                 name=_clean(f"{r.index:02d} {r.label}"),
                                 time=f"{r.duration_ms / 1000.0:.3f}", file=suite.file)
            if r.line is not None:
                case.set("line", str(r.line))
            if r.status == FAILED:
                kind = "error" if r.index == 0 else "failure"
                counts["errors" if kind == "error" else "failures"] += 1
                bad = ET.SubElement(case, kind, message=_clean(r.message),
                                    type="ConnectError" if kind == "error" else "StepFailed")
                bad.text = _clean("\n".join([r.message, *r.details]))
            elif r.status == SKIPPED:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=_clean(r.message))
        out = ET.SubElement(el, "system-out")
        out.text = _clean(suite.output)
        for k, v in counts.items():
            el.set(k, str(v))
            totals[k] += v
        el.set("time", f"{seconds:.3f}")
        totals["time"] += seconds
    for k, v in totals.items():
        root.set(k, f"{v:.3f}" if k == "time" else str(v))
    return root


def write(suites: list[SuiteReport], path: str | Path) -> None:
    tree = ET.ElementTree(build(suites))
    ET.indent(tree)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tree.write(str(path), encoding="utf-8", xml_declaration=True)
