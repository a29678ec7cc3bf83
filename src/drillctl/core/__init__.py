"""The project-wide basics: input files (more of the top level moves here)."""
