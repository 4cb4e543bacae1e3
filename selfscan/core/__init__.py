"""The product's heart: what every number means and what may be shown, as pure functions.

Plain data in, plain data out: no Flask, no database session, no ORM objects, so every rule can
be read, recomputed by hand and tested without an app. `vocabulary` (principles, sectors, tags),
`questionnaire` (the questionnaire files), `scoring` (DESIGN's scoring and privacy rules 1-8),
`charts` (chart specifications), `overview` (the programme overview's tables) and `texts`
(numbers and sentences in the reader's language). tests/test_core_is_pure.py imports every
module here with Flask and the database made unavailable, and `lint-imports` (pyproject.toml)
checks the layers.
"""
