"""Operating an installation: backups, ``facilitator doctor`` and the migration lock."""
