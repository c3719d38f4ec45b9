"""The storage layer: schema, migrations, backups and record queries (SQLite)."""
