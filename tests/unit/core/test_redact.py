from __future__ import annotations

import pytest

from drillctl.core.redact import MASK, Redactor


def test_known_secrets_are_masked_longest_first() -> None:
    redactor = Redactor(["hunter2", "hunter2-long"])
    assert redactor.redact("a=hunter2-long b=hunter2") == f"a={MASK} b={MASK}"


def test_values_shorter_than_three_characters_are_not_treated_as_secrets() -> None:
    # masking "ab" or "" would shred every message
    redactor = Redactor(["ab", ""])
    redactor.add("x")
    assert redactor.redact("tab stab") == "tab stab"


def test_secrets_added_later_are_masked_too() -> None:
    redactor = Redactor()
    assert redactor.redact("pw s3cret") == "pw s3cret"
    redactor.add("s3cret")
    assert redactor.redact("pw s3cret") == f"pw {MASK}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "posting to https://hooks.slack.com/services/T000/B000/XXXX now",
            f"posting to https://hooks.slack.com/{MASK} now",
        ),
        ("login password=abc&user=x", f"login password={MASK}&user=x"),
        (
            "TOKEN=zzz api-key=kkk api_key=k2 secret=s",
            f"TOKEN={MASK} api-key={MASK} api_key={MASK} secret={MASK}",
        ),
        ("Authorization: Bearer abc.def", f"Authorization: Bearer {MASK}"),
        ("authorization: basic dXNlcjpwYXNz", f"authorization: basic {MASK}"),
        ("redis://:cache@ebit-redis-cache:6379/0", f"redis://:{MASK}@ebit-redis-cache:6379/0"),
        ("postgresql://ebit:ebit@db:5432/ebit", f"postgresql://ebit:{MASK}@db:5432/ebit"),
        ("nothing secret here: rate(x[10s])", "nothing secret here: rate(x[10s])"),
    ],
)
def test_secrets_are_recognised_by_shape(text: str, expected: str) -> None:
    assert Redactor().redact(text) == expected


def test_argv_masks_the_value_after_a_secret_flag() -> None:
    redactor = Redactor()
    assert redactor.redact_argv(["redis-cli", "-a", "cache", "FLUSHDB"]) == [
        "redis-cli",
        "-a",
        MASK,
        "FLUSHDB",
    ]
    assert redactor.redact_argv(["curl", "-u", "me:pw", "--token", "t0k", "http://x"]) == [
        "curl",
        "-u",
        MASK,
        "--token",
        MASK,
        "http://x",
    ]


def test_argv_masks_the_value_of_a_long_secret_flag_written_with_equals() -> None:
    argv = ["redis-cli", "--pass=cache", "--user=admin", "--password=x", "--port=6379"]
    assert Redactor().redact_argv(argv) == [
        "redis-cli",
        f"--pass={MASK}",
        f"--user={MASK}",
        f"--password={MASK}",
        "--port=6379",
    ]


def test_argv_ending_with_a_secret_flag_does_not_fail() -> None:
    assert Redactor().redact_argv(["redis-cli", "-a"]) == ["redis-cli", "-a"]


def test_redact_obj_walks_json_like_data() -> None:
    redactor = Redactor(["hunter22"])
    data = {
        "argv": ["redis-cli", "-a", "cache", "PING"],
        "env": {"ADMIN_DEFAULT_PASSWORD": "wrong", "EMPTY_TOKEN": "", "LOG_LEVEL": "info"},
        "notes": ["said hunter22", 3, None, {"webhook_url": "https://example.com/x"}],
        "count": 2,
    }
    assert redactor.redact_obj(data) == {
        "argv": ["redis-cli", "-a", MASK, "PING"],
        "env": {"ADMIN_DEFAULT_PASSWORD": MASK, "EMPTY_TOKEN": "", "LOG_LEVEL": "info"},
        "notes": [f"said {MASK}", 3, None, {"webhook_url": MASK}],
        "count": 2,
    }


def test_redact_obj_does_not_change_its_input() -> None:
    data = {"password": "x", "items": ["-a", "y"]}
    Redactor().redact_obj(data)
    assert data == {"password": "x", "items": ["-a", "y"]}


def test_url_userinfo_of_any_scheme_is_masked() -> None:
    assert Redactor().redact("GET http://drill:hunter22@api:8080/health") == (
        "GET http://drill:***@api:8080/health"
    )
    assert Redactor().redact("https://u:p%40ss@h/x and redis://:cache@r:6379/0") == (
        "https://u:***@h/x and redis://:***@r:6379/0"
    )


def test_a_webhook_path_echoed_without_its_host_is_masked() -> None:
    redactor = Redactor(["https://chat.example/hooks/team/0123456789abcdef"])
    assert redactor.redact("404: no hook at /hooks/team/0123456789abcdef") == "404: no hook at ***"
    slack = "invalid_token for /services/T0AAA/B0BBB/abcDEF123"
    assert Redactor().redact(slack) == "invalid_token for /services/***"


def test_masking_keeps_the_closing_quote() -> None:
    assert Redactor().redact('{"h": "Authorization: Bearer abc.def"}') == (
        '{"h": "Authorization: Bearer ***"}'
    )
    assert Redactor().redact("args='token=s3cr3t' password=\"pw\"") == (
        "args='token=***' password=\"***\""
    )
