-- A bulk rerun is a durable job: its filter, its pacing and a keyset cursor over the source runs it has
-- walked (created_at, seq). Each page of reruns is queued in the transaction that advances the cursor
-- and the counters while it holds the job row locked, so a process that dies between pages leaves the
-- job exactly where its last committed page ended, and any process takes it up from there.
CREATE TABLE rerun_jobs (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  workflow_id text NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
  state text NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'cancelled', 'failed')),
  statuses text[],
  trigger_types text[],
  end_user_id text,
  created_from timestamptz,
  -- Never after the job's own creation: the reruns it queues are not walked again.
  created_to timestamptz NOT NULL,
  rate_per_second integer NOT NULL CHECK (rate_per_second > 0),
  cursor_created_at timestamptz,
  cursor_seq bigint,
  matched integer NOT NULL DEFAULT 0,
  queued integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  error_message text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  completed_at timestamptz,
  -- When the next page may be queued (the pacing).
  available_at timestamptz NOT NULL
);
CREATE INDEX rerun_jobs_due_idx ON rerun_jobs (available_at) WHERE state IN ('pending', 'running');
CREATE INDEX rerun_jobs_account_idx ON rerun_jobs (account_id, state);
