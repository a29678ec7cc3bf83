#!/usr/bin/env bash
# Placeholder until the reference-lab work lands: nothing to prepare yet.
exit 0
