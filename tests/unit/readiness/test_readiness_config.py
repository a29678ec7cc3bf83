"""``[readiness]`` in drillctl.toml: paths relative to the file, DRILLCTL_READINESS_* overrides,
and the commented block `drillctl init` writes loads once uncommented."""

from __future__ import annotations

from pathlib import Path

from drillctl.config import load_settings
from drillctl.init.render import READINESS


def test_paths_are_relative_to_the_file_and_the_environment_overrides(tmp_path: Path) -> None:
    config = tmp_path / "team" / "drillctl.toml"
    config.parent.mkdir()
    config.write_text('[readiness]\nsecurity_register = "sec/register.md"\nrepo = ".."\n')
    settings = load_settings(config_path=config, env={}, cwd=tmp_path)
    assert settings.readiness.security_register == config.parent / "sec" / "register.md"
    assert settings.readiness.repo == config.parent / ".."
    env = {"DRILLCTL_READINESS_API_REFERENCE": "api", "DRILLCTL_READINESS_MIGRATIONS": "/m"}
    settings = load_settings(config_path=config, env=env, cwd=tmp_path)
    assert settings.readiness.api_reference == tmp_path / "api"
    assert settings.readiness.migrations == Path("/m")


def test_the_block_init_writes_loads_once_uncommented(tmp_path: Path) -> None:
    config = tmp_path / "drillctl.toml"
    config.write_text("\n".join(line.removeprefix("# ") for line in READINESS[2:]) + "\n")
    readiness = load_settings(config_path=config, env={}, cwd=tmp_path).readiness
    assert readiness.migrations == tmp_path / "prisma" / "migrations"
    assert readiness.repo == tmp_path / "."
