"""One module per verb: a function that takes typed keyword arguments and returns a result object
(`run`, `suite`, `list`, `doctor`, `history`, `recover`, `report`, `gate`), with the helpers only
they use. The CLI parses arguments, calls these and renders what they return: text, or with
``--format json`` the result's versioned envelope (``envelope.py``, docs/json-output.md)."""
