"""The project-wide basics: input files, errors, clock, redaction (moving here from the top level)."""
