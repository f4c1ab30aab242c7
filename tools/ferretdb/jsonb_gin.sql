-- GIN companions of FerretDB's btree indexes (see jsonb_gin.go). Idempotent.

-- The top-level field an index leads with when its first column is _jsonb -> 'k' and its access
-- method is am; null otherwise.
CREATE OR REPLACE FUNCTION cg_jsonb_gin_field(idx oid, am text) RETURNS text LANGUAGE sql STABLE AS $f$
  SELECT replace(substring(pg_get_indexdef(idx, 1, false) FROM $re$^\(?\(_jsonb -> '((?:[^']|'')*)'::text\)\)?$$re$), '''''', '''')
  FROM pg_class c JOIN pg_am a ON a.oid = c.relam
  WHERE c.oid = idx AND a.amname = am
$f$;

-- The companion's name: one per table and field, within the 63 characters PostgreSQL allows.
CREATE OR REPLACE FUNCTION cg_jsonb_gin_name(tbl oid, field text) RETURNS text LANGUAGE sql STABLE AS $f$
  SELECT left(c.relname, 24) || '_' || left(md5(c.relname || '.' || field), 10) || '_gin' FROM pg_class c WHERE c.oid = tbl
$f$;

-- Gives a FerretDB btree index its companion unless the table has it already; true if created.
CREATE OR REPLACE FUNCTION cg_jsonb_gin_create(idx oid) RETURNS boolean LANGUAGE plpgsql AS $f$
DECLARE
  field text := cg_jsonb_gin_field(idx, 'btree');
  tbl oid;
  gin_name text;
BEGIN
  IF field IS NULL THEN RETURN false; END IF;
  SELECT indrelid INTO tbl FROM pg_index WHERE indexrelid = idx;
  gin_name := cg_jsonb_gin_name(tbl, field);
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = gin_name AND relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = tbl)) THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE INDEX %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops)', gin_name, tbl::regclass, field);
  RETURN true;
END
$f$;

CREATE OR REPLACE FUNCTION cg_jsonb_gin_on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $f$
DECLARE cmd record;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM cg_jsonb_gin_create(cmd.objid);
  END LOOP;
END
$f$;

-- Creates each missing companion and drops each companion whose field no longer leads a btree
-- index of its table (FerretDB dropped that index). Returns how many indexes it changed.
CREATE OR REPLACE FUNCTION cg_jsonb_gin_reconcile() RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
  r record;
  n integer := 0;
BEGIN
  FOR r IN SELECT indexrelid FROM pg_index WHERE cg_jsonb_gin_field(indexrelid, 'btree') IS NOT NULL LOOP
    IF cg_jsonb_gin_create(r.indexrelid) THEN n := n + 1; END IF;
  END LOOP;
  FOR r IN
    SELECT g.indexrelid, g.indrelid, cg_jsonb_gin_field(g.indexrelid, 'gin') AS field FROM pg_index g
    WHERE cg_jsonb_gin_field(g.indexrelid, 'gin') IS NOT NULL
  LOOP
    IF (SELECT relname FROM pg_class WHERE oid = r.indexrelid) = cg_jsonb_gin_name(r.indrelid, r.field)
      AND NOT EXISTS (SELECT 1 FROM pg_index b WHERE b.indrelid = r.indrelid AND cg_jsonb_gin_field(b.indexrelid, 'btree') = r.field)
    THEN
      EXECUTE format('DROP INDEX %s', r.indexrelid::regclass);
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END
$f$;

DO $d$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'cg_jsonb_gin') THEN
    CREATE EVENT TRIGGER cg_jsonb_gin ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION cg_jsonb_gin_on_ddl();
  END IF;
END
$d$;
