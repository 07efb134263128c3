"""Mediator-team accounts: first convener, invitations, password + TOTP sign-in, sessions."""
