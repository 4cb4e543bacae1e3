"""The performance benchmark (see docs/performance.md): `python -m bench.run`."""
