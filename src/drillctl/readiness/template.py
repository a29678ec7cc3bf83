"""The team's runbook template and its five sections.

``runbook new`` reads ``<runbooks_dir>/_template.md`` when the team keeps one (files starting with
``_`` are not runbooks: lint and the index skip them) and falls back to ``DEFAULT_TEMPLATE``. Only
``{{title}}`` and ``{{name}}`` are substituted; ``{{TBD}}`` stays for the author, and lint fails
until every one is replaced.
"""

from __future__ import annotations

SECTIONS = ("Symptom", "Likely causes", "Diagnosis", "Fix", "Prevention")
PLACEHOLDER = "{{TBD}}"
TEMPLATE_NAME = "_template.md"

DEFAULT_TEMPLATE = """\
# {{title}}

<!-- Runbook `{{name}}`. `drillctl runbook lint` fails while a TBD placeholder is left. -->

## Symptom

{{TBD}} One paragraph: what the on-call sees first (the alert that fires, the dashboard panel,
what users report) and how bad it is.

## Likely causes

Most frequent first.

- {{TBD}}

## Diagnosis

Copy-pasteable commands, in both forms.

Local lab (from the compose project directory):

```sh
docker compose exec {{TBD}}
```

Deployed environment (`kubectl`, or `aws ecs execute-command` on ECS):

```sh
kubectl exec -n "$NAMESPACE" deploy/{{TBD}} -- {{TBD}}
```

## Fix

Step by step. Say what "fixed" looks like before you start.

1. {{TBD}}

Rollback: {{TBD}}

## Prevention

{{TBD}} The alert, dashboard or code change that catches this sooner or stops it happening.
"""


def render_template(template: str, *, name: str, title: str) -> str:
    return template.replace("{{title}}", title).replace("{{name}}", name)
