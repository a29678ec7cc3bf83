"""declared_services, project_services: a project's services read from its compose files, or
None when only Docker can tell (then validate asks it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drillctl.config import ProjectConfig, Settings
from drillctl.target.compose_files import declared_services
from drillctl.target.declared import project_services


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_services_of_every_file_and_every_profile(tmp_path: Path) -> None:
    base = write(
        tmp_path,
        "compose.yaml",
        "x-common: &common\n  image: busybox\n"
        "services:\n  api:\n    <<: *common\n  tools:\n    <<: *common\n    profiles: [debug]\n",
    )
    override = write(tmp_path, "compose.override.yaml", "services:\n  db:\n    image: pg\n")
    assert declared_services([base, override]) == ["api", "db", "tools"]


def test_a_file_without_services_adds_none(tmp_path: Path) -> None:
    base = write(tmp_path, "compose.yaml", "services:\n  api:\n    image: busybox\n")
    volumes = write(tmp_path, "volumes.yaml", "volumes:\n  data: {}\n")
    assert declared_services([base, volumes]) == ["api"]


@pytest.mark.parametrize(
    "text",
    [
        "include:\n  - other.yaml\nservices:\n  api:\n    image: busybox\n",
        "services:\n  api: !reset null\n",  # compose's own YAML tags
        "services:\n  api: [oops\n",  # not YAML: compose says what is wrong
        "- not a mapping\n",
        "services: [api]\n",
        "",
    ],
    ids=["include", "reset-tag", "broken", "list", "services-list", "empty"],
)
def test_what_only_compose_can_read_gives_none(tmp_path: Path, text: str) -> None:
    assert declared_services([write(tmp_path, "compose.yaml", text)]) is None


def test_a_missing_file_gives_none(tmp_path: Path) -> None:
    assert declared_services([tmp_path / "compose.yaml"]) is None


def test_the_configured_project_is_read_from_its_default_files(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  api:\n    image: busybox\n")
    write(tmp_path, "compose.override.yaml", "services:\n  db:\n    image: pg\n")
    settings = Settings(project=ProjectConfig(dir=tmp_path))
    assert project_services(settings) == ["api", "db"]


def test_a_swarm_stack_or_a_folder_without_compose_file_is_for_docker_to_say(
    tmp_path: Path,
) -> None:
    assert project_services(Settings(project=ProjectConfig(dir=tmp_path))) is None
    write(tmp_path, "compose.yaml", "services:\n  api:\n    image: busybox\n")
    swarm = Settings(project=ProjectConfig(dir=tmp_path, driver="swarm"))
    assert project_services(swarm) is None
