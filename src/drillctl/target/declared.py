"""The configured compose project's services, read from its files without Docker.

``drillctl validate`` warns about a fault on a service the project does not define; reading the
files answers at once and needs no Docker. None when only Docker can say (a swarm stack, files
that ``compose_files.declared_services`` cannot read): the caller then asks the target driver.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from drillctl.core.errors import DrillError
from drillctl.target.compose_files import declared_services, project_files

if TYPE_CHECKING:
    from drillctl.config import Settings


def project_services(settings: Settings, cwd: Path | None = None) -> list[str] | None:
    if settings.project.driver != "compose":
        return None
    try:
        files = project_files(settings.project.dir or cwd or Path.cwd(), settings.project.files)
    except DrillError:  # no compose file: docker would not find one either
        return None
    return declared_services(files)
