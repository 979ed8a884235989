-- Number 0006 belongs to the bulk rerun jobs change; until it is merged this file keeps the
-- migration numbers contiguous and changes nothing. The bulk rerun jobs file replaces it.
SELECT 1;
