-- Fair-share claims walk the queue per account: the accounts with pending runs (one probe each),
-- each account's oldest due runs, in order. Without it a claim sorts every pending run (hundreds of
-- milliseconds at 50,000 queued); with it a claim reads a few index pages per account.
CREATE INDEX runs_account_pending_idx ON runs (account_id, available_at, seq) WHERE status = 'pending';
