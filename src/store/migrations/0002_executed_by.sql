-- Which worker did the work, for operators of several processes on one database: the worker that
-- ended a run (for an abandoned run, the last one that held it), and the worker that wrote each node log (NULL for outputs copied by resume-from-node).
-- A worker id names its host and PID (see src/server.ts), so a run can be traced to a process.
ALTER TABLE runs ADD COLUMN executed_by text;
ALTER TABLE node_logs ADD COLUMN executed_by text;
