"""The bottom layer every other package may import: the journal and its typed events, the clock,
errors and exit codes, redaction, time conversion, reading user files and checking URLs. Imports
nothing else of drillctl."""
