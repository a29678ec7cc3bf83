"""${var:name} with defaults and precedence, and ${env:NAME} left for run time."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_samples import VALID, load, only, problems

from drillctl.config import load_settings
from drillctl.core.errors import ConfigError
from drillctl.scenario.loader import faults_of
from drillctl.scenario.render import to_yaml

WITH_QUEUE = VALID.replace(
    "  svc: ebit-api\n", "  svc: ebit-api\n  queue: bet_settled_queue\n"
).replace(
    'query: sum(bullmq_queue_jobs{state="waiting"})',
    'query: sum(bullmq_queue_jobs{queue="${var:queue}",state="waiting"})',
)


def service(text: str = VALID, **kwargs: object) -> str:
    return str(faults_of(load(text, **kwargs))[0].service)  # type: ignore[arg-type, attr-defined]


def test_file_default_is_used() -> None:
    scenario = load(WITH_QUEUE)
    assert (
        scenario.signals[0].query
        == 'sum(bullmq_queue_jobs{queue="bet_settled_queue",state="waiting"})'
    )
    assert service() == "ebit-api"


def test_precedence_flag_over_config_layer_over_file_default() -> None:
    assert service(variables={"svc": "from-config"}) == "from-config"
    assert service(variables={"svc": "from-config"}, sets=["svc=from-flag"]) == "from-flag"
    assert service(sets=["vars.svc=from-flag"]) == "from-flag"


def test_settings_layer_env_over_toml_reaches_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "drillctl.toml").write_text('[vars]\nsvc = "toml-api"\n', encoding="utf-8")
    toml_only = load_settings(env={}, cwd=tmp_path)
    with_env = load_settings(env={"DRILLCTL_VAR_SVC": "env-api"}, cwd=tmp_path)
    assert service(variables=toml_only.vars) == "toml-api"
    assert service(variables=with_env.vars) == "env-api"
    assert service(variables=with_env.vars, sets=["svc=flag-api"]) == "flag-api"


def test_the_effective_values_are_kept_in_vars_so_show_explains_them() -> None:
    scenario = load(WITH_QUEUE, variables={"queue": "bets", "unrelated": "x"}, sets=["svc=api"])
    assert scenario.vars == {"queue": "bets", "svc": "api"}  # unrelated config vars stay out


def test_a_variable_inside_a_longer_string_and_several_in_one() -> None:
    text = WITH_QUEUE.replace("title: Demo drill", "title: ${var:svc} drains ${var:queue}")
    assert load(text).title == "ebit-api drains bet_settled_queue"


def test_numeric_defaults_and_non_string_fields() -> None:
    text = VALID.replace(
        "  - type: stop-service\n    service: ${var:svc}\n    duration: 60s\n",
        "  - type: ws-storm\n    url: http://127.0.0.1:18080\n"
        "    clients: ${var:clients}\n    duration: 10s\n",
    ).replace("  svc: ebit-api\n", "  clients: 200\n")
    scenario = load(text)
    assert faults_of(scenario)[0].clients == 200  # type: ignore[attr-defined]
    assert scenario.vars == {"clients": "200"}
    problem = only(text, sets=["clients=many"])
    assert (problem.line, problem.path) == (11, "faults[0].clients")
    assert problem.message.startswith("Input should be a valid integer")


def test_undefined_variable_is_a_located_error() -> None:
    problem = only(VALID.replace("service: ${var:svc}", "service: ${var:api_service}"))
    assert str(problem) == (
        "demo.yaml:10:14: faults[0].service: undefined variable 'api_service':"
        " declare it under vars: or pass --set api_service=VALUE"
    )


def test_undefined_variable_is_fine_once_given_by_config_or_flag() -> None:
    text = VALID.replace("service: ${var:svc}", "service: ${var:api_service}")
    assert service(text, variables={"api_service": "x"}) == "x"
    assert service(text, sets=["api_service=y"]) == "y"


def test_bad_variable_names() -> None:
    problem = only(VALID.replace("service: ${var:svc}", "service: ${var:bad-name}"))
    assert (problem.line, problem.col) == (10, 14)
    assert (
        problem.message == "bad variable name 'bad-name' in ${var:...}: use letters, digits and _"
    )
    problem = only(VALID.replace("  svc: ebit-api", "  svc: ebit-api\n  bad-name: x"))
    assert (problem.line, problem.col, problem.path) == (8, 3, "vars.bad-name")


def test_a_variable_default_must_be_a_scalar() -> None:
    problem, undefined = problems(VALID.replace("  svc: ebit-api", "  svc: [a, b]"))
    assert (problem.line, problem.col, problem.path) == (7, 8, "vars.svc")
    assert problem.message == "a variable's default is a string or a number"
    assert undefined.message.startswith("undefined variable 'svc'")


def test_vars_must_be_a_mapping() -> None:
    found = problems(VALID.replace("vars:\n  svc: ebit-api\n", "vars: [svc]\n"))
    assert "demo.yaml:6:7: vars: expected a mapping of variable names to default values" in [
        str(p) for p in found
    ]


def test_unknown_set_name_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(
        ConfigError, match=r"--set svcc=x: 'svcc' is neither a variable .*did you mean 'svc'"
    ):
        load(sets=["svcc=x"])
    with pytest.raises(ConfigError, match=r"--set vars.nope=x: 'vars.nope' is neither a variable"):
        load(sets=["vars.nope=x"])


@pytest.mark.parametrize("item", ["novalue", "=x", "faults[x].a=1", "a..b=1"])
def test_malformed_set_is_a_usage_error(item: str) -> None:
    with pytest.raises(ConfigError, match="--set"):
        load(sets=[item])


def test_env_references_stay_as_written_through_load_and_show() -> None:
    text = VALID.replace("svc: ebit-api", "svc: ${env:API_SERVICE}").replace(
        "summary: consumer down", "summary: password ${env:REDIS_PASSWORD} was flushed"
    )
    scenario = load(text)
    assert service(text) == "${env:API_SERVICE}"
    assert scenario.root_cause.summary == "password ${env:REDIS_PASSWORD} was flushed"
    shown = to_yaml(scenario)
    assert "${env:REDIS_PASSWORD}" in shown and "${env:API_SERVICE}" in shown


def test_a_variable_may_hold_an_env_reference_for_run_time() -> None:
    # the real stack's password comes from the environment, never from the file or the flags
    assert service(sets=["svc=${env:API_SERVICE}"]) == "${env:API_SERVICE}"


def test_bad_env_reference_name_is_located() -> None:
    problem = only(VALID.replace("summary: consumer down", "summary: ${env:not ok}"))
    assert (problem.line, problem.path) == (20, "root_cause.summary")
    assert problem.message.startswith("bad variable name 'not ok' in ${env:...}")


def test_substitution_does_not_touch_keys_or_unrelated_dollar_braces() -> None:
    text = VALID.replace(
        'query: sum(bullmq_queue_jobs{state="waiting"})',
        'query: up{job="${job}"} + ${__rate_interval}',
    )
    assert load(text).signals[0].query == 'up{job="${job}"} + ${__rate_interval}'
