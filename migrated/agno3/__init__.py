"""The Financial Assistant example (legacy/: before migration, migrated/: after)."""
