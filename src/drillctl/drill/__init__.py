"""Old import paths, kept as re-export shims for one release: the code moved to core/, engine/,
operator/, traffic/ and commands/."""
