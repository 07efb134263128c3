"""Encrypted dialogues: members and their keys, the signed epoch chain, invitations and knocks,
and the ``meta`` envelopes (titles, agenda, display names) that only browsers can open."""
