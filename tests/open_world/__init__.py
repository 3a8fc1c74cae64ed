"""Open-world differential fuzzing of agno-migrate.

:mod:`tests.open_world.generator` draws legacy agno 1.x workflows in spellings
the rules handle *and* in spellings they do not (other event-loop bridges,
other helper names and placements, callers outside the class, semantic
traps); :mod:`tests.open_world.oracle` decides, for one case directory,
whether what the codemods make of it is acceptable.  See
``docs/open-world-fuzz.md``.
"""
