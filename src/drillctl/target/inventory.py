"""What each service of a compose project runs: image, image id and creation time, and the hash
compose keeps of the service's definition (the ``com.docker.compose.config-hash`` label), so
"what changed since the last drill?" can be answered by comparing two runs' journals."""

from __future__ import annotations

from typing import Any

import docker
import docker.errors

SERVICE_LABEL = "com.docker.compose.service"
CONFIG_HASH_LABEL = "com.docker.compose.config-hash"


def container_inventory(sdk: docker.DockerClient, containers: list[Any]) -> list[dict[str, object]]:
    created: dict[str, str | None] = {}
    return [_entry(sdk, c, created) for c in containers]


def _entry(
    sdk: docker.DockerClient, container: Any, created: dict[str, str | None]
) -> dict[str, object]:
    image_id = str(container.attrs.get("Image") or "")
    if image_id not in created:
        created[image_id] = _image_created(sdk, image_id)
    return {
        "service": container.labels.get(SERVICE_LABEL, ""),
        "container": container.name,
        "state": container.status,
        "image": (container.attrs.get("Config") or {}).get("Image"),
        "image_id": image_id,
        "image_created": created[image_id],
        "definition_sha256": container.labels.get(CONFIG_HASH_LABEL),
    }


def _image_created(sdk: docker.DockerClient, image_id: str) -> str | None:
    try:
        return str(sdk.images.get(image_id).attrs.get("Created")) if image_id else None
    except docker.errors.DockerException:  # removed since the container started: still say so
        return None
