"""``drillctl init``: inspect an existing compose project and write a starting configuration.

Layers, one way: ``compose_source`` (I/O: ``docker compose config`` or the YAML files) hands a
parsed config to ``inspect`` (pure: services, ports, healthchecks, profiles, observability tools),
``starter`` picks a service and builds a starter scenario, ``render`` turns both into commented
text, and ``command`` writes the files, asking before it overwrites anything.
"""
