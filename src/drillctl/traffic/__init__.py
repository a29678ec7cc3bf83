"""The traffic generator that keeps the target busy during a drill."""
