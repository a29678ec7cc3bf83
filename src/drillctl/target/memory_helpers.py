"""The in-memory target's fault helpers and limits: what a helper would print, no container.

A helper started in mode ``run`` is running and has printed ``ready``; stopping it prints
``undone`` with ``helper_counters`` and nothing left (``helper_left`` plants leftovers). One-shot
modes (caps, probe, undo) have exited with their event. Limits and addresses are plain dicts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from drillctl.core.errors import TargetError
from drillctl.target.base import HELPER_LABEL, HelperState


class MemoryHelpers:
    """Mixed into ``MemoryDriver``; needs its ``_call`` and ``_get``."""

    def _init_helpers(self) -> None:
        self.helper_box: dict[str, dict[str, Any]] = {}  # id -> {labels, status, output, spec}
        self.caps: dict[str, bool] = {"netem": False, "tbf": True, "statistic": True,
                                      "redirect": True}  # fmt: skip
        self.probe_answer: dict[str, Any] = {"tcp": [], "resolve": []}
        self.helper_counters: dict[str, Any] = {}
        self.helper_left: list[str] = []
        self.service_limits: dict[str, dict[str, int]] = {}
        self.service_addresses: dict[str, list[str]] = {}

    def _call(self, verb: str, *args: str) -> None:
        raise NotImplementedError

    def _get(self, service: str) -> Any:
        raise NotImplementedError

    def run_helper(
        self, service: str, argv: list[str], *, labels: Mapping[str, str], pid: bool = False
    ) -> str:
        self._call("run_helper", service, argv[0])
        if self._get(service).status != "running":
            raise TargetError(f"service {service} has no running container")
        spec = json.loads(argv[0])
        helper = f"helper-{len(self.helper_box) + 1}"
        status, line = self._first_words(spec)
        box = {"labels": {HELPER_LABEL: "mem", **labels}, "status": status, "spec": spec}
        self.helper_box[helper] = {**box, "output": json.dumps(line) + "\n"}
        return helper

    def _first_words(self, spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        mode = spec.get("mode")
        if mode == "caps":
            return "exited", {"event": "caps", **self.caps}
        if mode == "probe":
            return "exited", {"event": "probe", **self.probe_answer}
        if mode == "undo":
            return "exited", {"event": "undone", "left": self.helper_left, "by": "undo"}
        filled = [{"path": f["path"], "bytes": f.get("bytes", 1), "used_pct": 50.0}
                  for f in spec.get("files", [])]  # fmt: skip
        return "running", {"event": "ready", "rules": len(spec.get("rules", [])), "filled": filled}

    def helper_state(self, helper_id: str) -> HelperState:
        box = self.helper_box.get(helper_id)
        if box is None:
            return HelperState(helper_id, "missing", None, "")
        code = 0 if box["status"] == "exited" else None
        return HelperState(helper_id, box["status"], code, box["output"])

    def stop_helper(self, helper_id: str, timeout: float) -> HelperState:
        self._call("stop_helper", helper_id)
        box = self.helper_box.get(helper_id)
        if box is not None and box["status"] == "running":
            undone = {"event": "undone", "left": self.helper_left, "by": "SIGTERM",
                      "counters": self.helper_counters}  # fmt: skip
            box["status"], box["output"] = "exited", box["output"] + json.dumps(undone) + "\n"
        return self.helper_state(helper_id)

    def remove_helper(self, helper_id: str) -> None:
        self._call("remove_helper", helper_id)
        self.helper_box.pop(helper_id, None)

    def helpers(self, labels: Mapping[str, str]) -> list[str]:
        return [h for h, box in self.helper_box.items()
                if all(box["labels"].get(k) == v for k, v in labels.items())]  # fmt: skip

    def addresses(self, service: str) -> list[str]:
        self._get(service)
        return self.service_addresses.get(service, ["10.0.0.9"])

    def limits(self, service: str) -> dict[str, int]:
        self._get(service)
        zero = {"NanoCpus": 0, "CpuQuota": 0, "CpuPeriod": 0, "Memory": 0, "MemorySwap": 0}
        return {**zero, "NCPU": 2, **self.service_limits.get(service, {})}

    def update_limits(self, service: str, limits: Mapping[str, int]) -> None:
        self._call("update_limits", service, json.dumps(dict(limits), sort_keys=True))
        if any(v == -1 for k, v in limits.items() if k == "Memory"):
            raise TargetError("Minimum memory limit allowed is 6MB")  # as Docker Engine 20.10
        self.service_limits[service] = {**self.service_limits.get(service, {}), **limits}
