"""On PostgreSQL, a trigger keeps the audit log append-only whatever writes to it (a shell, a
raw statement): no row is deleted, and an update may only blank who did it and the details
(erasure). SQLite has no such guard; the model and its queryset refuse there."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit log is append-only';
    END IF;
    IF NEW.id <> OLD.id OR NEW.at <> OLD.at OR NEW.action <> OLD.action OR NEW.outcome <> OLD.outcome
       OR NEW.target_type <> OLD.target_type OR NEW.target_id IS DISTINCT FROM OLD.target_id
       OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id)
       OR (NEW.details <> OLD.details AND NEW.details <> '{}'::jsonb) THEN
        RAISE EXCEPTION 'the audit log is append-only: only erasure may blank an entry''s actor and details';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_append_only BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry;
DROP FUNCTION IF EXISTS accounts_auditentry_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_entry")]

    operations = [migrations.RunPython(create, drop)]
