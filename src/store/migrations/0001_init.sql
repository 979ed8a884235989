-- Reprise schema: accounts, keys, workflows (versioned), runs (the run row is the job), node logs, idempotency.
-- Times are written by the engine from its injected clock, so no column defaults to now().

CREATE TABLE accounts (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name        text,
  key_hash    text NOT NULL UNIQUE,          -- sha256 hex of the plaintext; the plaintext is never stored
  key_prefix  text NOT NULL,                 -- first characters, to recognise a key in listings
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX api_keys_account_idx ON api_keys (account_id);

CREATE TABLE workflows (
  id             text PRIMARY KEY,
  account_id     text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  id_style       text NOT NULL CHECK (id_style IN ('altostrat', 'alloy')),
  name           text NOT NULL,
  description    text,
  version        integer NOT NULL CHECK (version >= 1),
  definition     jsonb NOT NULL,
  webhook_token  text UNIQUE,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX workflows_account_idx ON workflows (account_id, created_at DESC);
CREATE INDEX workflows_account_name_idx ON workflows (account_id, name);

-- Every version a run may have recorded, so a run executes the definition it started with.
CREATE TABLE workflow_versions (
  workflow_id  text NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  version      integer NOT NULL,
  definition   jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (workflow_id, version)
);

CREATE TABLE runs (
  id                text PRIMARY KEY,
  seq               bigint GENERATED ALWAYS AS IDENTITY,  -- tie-break for runs created in one clock tick
  account_id        text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  end_user_id       text,
  workflow_id       text NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  workflow_version  integer NOT NULL,
  status            text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'awaiting_ui_interaction')),
  trigger_type      text NOT NULL CHECK (trigger_type IN ('manual', 'webhook', 'event', 'rerun', 'resume')),
  trigger_payload   jsonb NOT NULL,
  rerun_of          text,            -- lineage only: the source may be purged before its reruns
  root_run_id       text,
  resume_from_node  text,
  error_message     text,
  created_at        timestamptz NOT NULL,
  started_at        timestamptz,
  completed_at      timestamptz,
  available_at      timestamptz NOT NULL,
  lease_owner       text,
  lease_expires_at  timestamptz,
  attempts          integer NOT NULL DEFAULT 0
);
-- Claims: pending runs due now, and running runs whose lease expired.
CREATE INDEX runs_pending_idx ON runs (available_at) WHERE status = 'pending';
CREATE INDEX runs_lease_idx ON runs (lease_expires_at) WHERE status = 'running';
-- Listings (newest first), per end user for Alloy, lineage, retention.
CREATE INDEX runs_workflow_idx ON runs (workflow_id, created_at DESC, seq DESC);
CREATE INDEX runs_workflow_user_idx ON runs (workflow_id, end_user_id, created_at DESC, seq DESC);
CREATE INDEX runs_root_idx ON runs (root_run_id);
CREATE INDEX runs_created_idx ON runs (created_at);

CREATE TABLE node_logs (
  id            text PRIMARY KEY,
  seq           bigint GENERATED ALWAYS AS IDENTITY,
  run_id        text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  workflow_id   text NOT NULL,
  account_id    text NOT NULL,
  node_id       text NOT NULL,
  component_id  text NOT NULL,
  status        text NOT NULL CHECK (status IN ('success', 'error', 'warning')),
  output        jsonb,
  copied_from   text,                -- set when a resumed run inherited this output from its source
  started_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL
);
CREATE INDEX node_logs_run_idx ON node_logs (run_id, seq);
CREATE INDEX node_logs_workflow_idx ON node_logs (workflow_id, created_at DESC, seq DESC);
CREATE INDEX node_logs_created_idx ON node_logs (created_at);

CREATE TABLE idempotency_keys (
  account_id    text NOT NULL,
  operation     text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  state         text NOT NULL CHECK (state IN ('in_flight', 'done')),
  run_id        text,
  response      jsonb,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (account_id, operation, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
