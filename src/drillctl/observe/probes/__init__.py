"""Direct probes: HTTP, Redis, SQL, TCP. Each is a source whose target comes from the signal.

A probe's ``query`` says what to ask (a URL, a Redis command, an SQL query, ``host:port``) and
``dsn`` where (Redis and SQL). Where the probed thing itself does not answer, HTTP and TCP report
that as a value (status 0, up 0) because that is the symptom they watch for; Redis and SQL raise
``SourceUnavailable`` because their number cannot be read at all.
"""
