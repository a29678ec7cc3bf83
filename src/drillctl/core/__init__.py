"""The bottom layer every other package may import: the journal and its typed events, the clock,
errors and exit codes, redaction, time conversion. Imports nothing else of drillctl."""
