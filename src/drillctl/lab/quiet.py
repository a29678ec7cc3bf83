"""After ``lab up``: wait (bounded) until the lab is quiet, so the first drill's baseline is one.

Healthy is not quiet. Right after start-up ebit-game settles bets before the BullMQ worker in
ebit-api consumes them, so ``bet_settled_queue`` holds a backlog and its alert may fire; a drill
started then refuses its baseline (an expected alert already firing: exit 5) or measures the
backlog as normal. Quiet means, read from the lab's Prometheus: no alert firing but BetsLost,
and the queue's depth scraped, with fewer than ``QUEUE_QUIET`` waiting jobs. A lab that stays loud
is reported, never an error: ``lab up`` succeeded, and the drill's own steady-state check decides.

BetsLost is left out on purpose: it tells of bets lost earlier (a cache flush loses queued jobs
for good, and a lab restarted on an old Postgres volume finds such bets), it clears 2 minutes
after the last loss, and no drill expects it; waiting for it would add 2 minutes to a lab up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from drillctl.lab.progress import Report, quiet

QUIET_TIMEOUT_S = 90.0
QUEUE_QUIET = 10  # the lab's alert fires above 25 waiting jobs; a healthy lab stays under 10
_ALERTS = 'ALERTS{alertstate="firing",alertname!="BetsLost"}'
FIRING = f"count by (alertname) ({_ALERTS})"
WAITING = 'sum(bullmq_queue_jobs{queue="bet_settled_queue",state="waiting"})'
# the same conditions as PromQL that answers 1 when each holds (the lab tests poll these)
QUIET_CHECKS = {
    "no alert firing": f"absent({_ALERTS})",
    "queue drained": f"{WAITING} < bool {QUEUE_QUIET}",
}


def noise(client: httpx.Client) -> list[str]:
    """What keeps the lab from being quiet now, in words; ``[]`` when it is quiet. A Prometheus
    that does not answer yet is noise too (its scrape is what a drill reads)."""
    try:
        firing = sorted(r["metric"].get("alertname", "?") for r in _query(client, FIRING))
        waiting = [float(r["value"][1]) for r in _query(client, WAITING)]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        return [f"Prometheus does not answer yet ({type(exc).__name__})"]
    found = [f"alerts firing: {', '.join(firing)}"] if firing else []
    if not waiting:  # a Prometheus that has not scraped ebit-exporter yet knows no backlog
        found.append("bet_settled_queue depth not scraped yet")
    elif waiting[0] >= QUEUE_QUIET:
        found.append(f"bet_settled_queue has {waiting[0]:.0f} waiting jobs")
    return found


def _query(client: httpx.Client, expr: str) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/query", params={"query": expr})
    answer.raise_for_status()
    result: list[dict[str, Any]] = answer.json()["data"]["result"]
    return result


def wait_until_quiet(
    prometheus_url: str,
    report: Report = quiet,
    timeout: float = QUIET_TIMEOUT_S,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Poll until quiet or ``timeout``; report each change of what is loud; return what still is."""
    deadline, said = time.monotonic() + timeout, None
    with httpx.Client(base_url=prometheus_url, timeout=5) as client:
        while (loud := noise(client)) and time.monotonic() < deadline:
            if loud != said:
                report("waiting for the lab to settle: " + "; ".join(loud))
                said = loud
            sleep(1.0)
    if loud:
        report(f"the lab is up but not quiet after {timeout:.0f} s: " + "; ".join(loud))
    else:
        report("the lab is quiet: no alert firing, bet_settled_queue drained")
    return loud
