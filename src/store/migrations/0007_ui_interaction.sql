-- A run parked at a ui_interaction node waits for a person without holding a worker: the store
-- records which node it waits at and until when, so a delivery (from any process) can check and
-- resume it in one conditional update, and every worker's sweep can fail the runs whose wait ran out.
ALTER TABLE runs ADD COLUMN awaiting_node text;
ALTER TABLE runs ADD COLUMN input_deadline timestamptz;
CREATE INDEX runs_input_deadline_idx ON runs (input_deadline) WHERE status = 'awaiting_ui_interaction';
