-- Cancelling a run a worker holds is a request the worker carries out at the run's next node boundary:
-- the store, shared by every process, records it, and the claim, the lease renewal and the settle
-- statement tell the worker holding the run. A run no worker holds is failed by the cancel itself.
ALTER TABLE runs ADD COLUMN cancel_requested_at timestamptz;
