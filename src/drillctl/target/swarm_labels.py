"""Labels swarm and drillctl put on a stack's services and task containers (no docker import:
the lab's stack-file generator uses them, and ``drillctl lab`` starts without the docker SDK)."""

STACK_LABEL = "com.docker.stack.namespace"
SERVICE_NAME_LABEL = "com.docker.swarm.service.name"
TASK_ID_LABEL = "com.docker.swarm.task.id"
SCALED_FROM = "io.drillctl.scaled-from"  # replica count before stop-service, kept on the service
PROFILE_LABEL = "io.drillctl.profile"  # a service deployed at 0 replicas, started by its profile
