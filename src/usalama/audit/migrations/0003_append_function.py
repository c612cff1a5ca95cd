"""PostgreSQL: the chain's append as one server-side function (issue 22).

``usalama_audit_append`` takes the chain's advisory lock, reads the tip, hashes and inserts
the event, all inside the server, so an append is one round trip and the lock is never held
while the server waits for the client. The hash is the one ``usalama audit verify`` checks:
SHA-256 over the canonical JSON (``audit/chain.py``; Python sends it cut where the sequence
number and time go, ``canonical_parts``) followed by the previous event's hash. Each statement
of a VOLATILE function takes a fresh snapshot, so the tip read after the lock is the last
committed one, as when Python read it.

``p_defer_flush`` (only for a statement that is its own transaction, ``insert_and_record``):
the commit does not wait for the WAL flush, so the lock is released without holding an fsync
(appends were serialised on the disk: about 3.4 ms each here). The caller then commits a
one-record transaction that does wait for the flush (``pg_logical_emit_message``), which
covers the earlier commit, since WAL is flushed in order, and answers only after it. A
crash in between loses only appends nobody was told about, and the chain after recovery is a
prefix of the one before: a later event's commit is always after the earlier one's in WAL.
Nothing on SQLite: there the append stays in Python,
under SQLite's write lock.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION usalama_audit_append(
    p_lock bigint, p_head text, p_object_id_json text, p_mid text,
    p_actor varchar, p_actor_id bigint, p_agency varchar, p_action varchar,
    p_object_type varchar, p_object_id varchar, p_query text, p_details jsonb,
    p_defer_flush boolean
) RETURNS TABLE (event_id bigint, event_time timestamptz, event_prev_hash varchar,
                 event_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    tip_id bigint;
    tip_hash varchar;
    new_id bigint;
    stamp timestamptz;
    new_hash varchar;
BEGIN
    IF p_defer_flush THEN
        -- the caller's own one-statement transaction: commit without waiting for the disk,
        -- so the lock is not held across an fsync; the caller waits for the flush after
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    PERFORM pg_advisory_xact_lock(p_lock);
    SELECT e.id, e.hash INTO tip_id, tip_hash FROM audit_auditevent e ORDER BY e.id DESC LIMIT 1;
    IF tip_id IS NULL THEN
        tip_id := 0;
        tip_hash := repeat('0', 64);
    END IF;
    new_id := tip_id + 1;
    stamp := clock_timestamp();
    new_hash := encode(sha256(convert_to(
        p_head || p_object_id_json || p_mid || new_id::text || ',"time":"'
        || to_char(stamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00"}'
        || tip_hash, 'UTF8')), 'hex');
    INSERT INTO audit_auditevent ("id", "time", "actor", "actor_id", "agency", "action",
        "object_type", "object_id", "query", "details", "prev_hash", "hash")
    VALUES (new_id, stamp, p_actor, p_actor_id, p_agency, p_action, p_object_type,
        p_object_id, p_query, p_details, tip_hash, new_hash);
    RETURN QUERY SELECT new_id, stamp, tip_hash, new_hash;
END;
$$;
"""
BACKWARD = (
    "DROP FUNCTION IF EXISTS usalama_audit_append(bigint, text, text, text, varchar, bigint, "
    "varchar, varchar, varchar, varchar, text, jsonb, boolean);"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forward, backward)]
