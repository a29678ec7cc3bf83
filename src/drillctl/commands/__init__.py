"""One module per verb that does more than parse: `run` (one drill) and `suite` (many), with the
helpers only they use. The CLI parses arguments, calls these and renders what they return."""
