"""An example third-party drillctl fault type (see marker.py)."""
