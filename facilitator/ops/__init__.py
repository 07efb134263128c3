"""Running a server: ``facilitator doctor`` and the migration lock several processes share."""
