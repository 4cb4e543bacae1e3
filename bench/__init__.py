"""The performance benchmark (see README, Performance): `python -m bench.run`."""
