"""A responder's hypothesis typed as a sentence only (the panel does not ask for the fields yet):
drillctl reads the service and the kind of change from it, and the verdict compares those."""

from __future__ import annotations

import pytest

from drillctl.core.events import ChangeKind, Claim
from drillctl.core.verdict import judge_claim
from drillctl.engine.diagnosis import read_sentence

CAUSE = {"service": "ebit-api", "kind": "stopped", "signals": []}


@pytest.mark.parametrize(
    ("sentence", "service", "kind"),
    [
        ("the consumer ebit-api is down, the queue is backing up", "ebit-api", "stopped"),
        ("someone flushed the ebit-redis-cache keyspace", "ebit-redis-cache", "flushed"),
        ("ebit-api recreated with a wrong admin password", "ebit-api", "recreated"),
        ("a handshake storm from one source hit ebit-api", "ebit-api", "surge"),
        ("ebit-api is not running", "ebit-api", "stopped"),
        ("latency between ebit-api and postgres", "ebit-api", "network-or-resource"),
        ("no idea yet", None, None),
    ],
)
def test_the_sentence_states_service_and_kind(sentence: str, service: str, kind: str) -> None:
    expected = service or "ebit-api"
    assert read_sentence(sentence, expected) == (service, kind)


def test_a_service_the_sentence_does_not_name_is_not_stated() -> None:
    assert read_sentence("ebit-postgres is down", "ebit-api") == (None, "stopped")


def test_a_right_sentence_matches_and_a_wrong_one_does_not() -> None:
    def verdict(sentence: str) -> bool:
        service, kind = read_sentence(sentence, "ebit-api")
        claim = Claim(service=service, kind=ChangeKind(kind) if kind else None, sentence=sentence)
        return judge_claim(claim, CAUSE)[0]

    assert verdict("ebit-api is down so nothing consumes the queue")
    assert not verdict("the redis cache was flushed")  # wrong service and kind
    assert not verdict("ebit-api was recreated with a bad config")  # right service, wrong kind
