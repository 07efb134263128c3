"""The doctor's judgements on the services: database, schema, Redis and the running server."""

from __future__ import annotations

from sqlalchemy import make_url

from facilitator.ops.checks import CheckResult, Verdict
from facilitator.ops.probes import DatabaseFacts, ServerFacts, redact

UPGRADE = "run facilitator db upgrade (facilitator serve also does it when it starts)"


def check_database(url: str, facts: DatabaseFacts, processes: int) -> CheckResult:
    verdict = Verdict("database")
    shown = redact(url)
    if facts.error:
        return verdict.fail(
            f"cannot open {shown}: {facts.error}",
            "start the database server, or correct DATABASE_URL",
        )
    if processes > 1 and make_url(url).get_backend_name() == "sqlite":
        return verdict.warn(
            f"{processes} processes on SQLite take turns at one file's write lock ({shown})",
            "give several processes PostgreSQL as DATABASE_URL",
        )
    return verdict.ok(f"reachable at {shown}")


def check_migrations(
    facts: DatabaseFacts, heads: tuple[str, ...], known: frozenset[str]
) -> CheckResult:
    """The schema must be the one this code expects: Alembic's current revision is the head."""
    verdict = Verdict("migrations")
    if facts.error:
        return verdict.skip("no database to read")
    current = ", ".join(facts.revisions) or "none"
    if facts.revisions == heads:
        return verdict.ok(f"at head ({current})")
    if not facts.revisions:
        return verdict.fail("the database has no schema yet", UPGRADE)
    if not set(facts.revisions) <= known:
        return verdict.fail(
            f"at {current}, a revision this code does not know",
            "run the newer code that migrated it, or restore a backup made for this version",
        )
    return verdict.fail(f"at {current}, this code expects {', '.join(heads)}", UPGRADE)


def check_redis(url: str | None, processes: int, error: str | None) -> CheckResult:
    """Several processes share live rooms, sign-in throttles and disconnects through Redis."""
    verdict = Verdict("redis")
    if not url:
        if processes > 1:
            return verdict.fail(
                f"{processes} processes but no REDIS_URL: a live room's messages would not "
                "reach members connected to another process",
                "set REDIS_URL for every process",
            )
        return verdict.ok("not configured (one process)")
    if error:
        return verdict.fail(
            f"cannot reach {redact(url)}: {error}", "start Redis, or correct REDIS_URL"
        )
    return verdict.ok(f"answers at {redact(url)}")


def check_server(url: str, facts: ServerFacts) -> CheckResult:
    verdict = Verdict("server")
    if facts.error:
        return verdict.fail(
            f"no answer from {url}: {facts.error}",
            "start the server, give --url the address it answers at, "
            "or use --no-server to check the configuration alone",
        )
    return verdict.ok(f"answers at {url}")
