"""Benchmarks of agno-migrate: codemod throughput and migrated-workflow runtime.

Run ``bash scripts/bench`` (or ``--smoke`` for a quick end-to-end check); see
:mod:`bench.run`.
"""
