-- An Idempotency-Key is scoped to the caller (the account), not to one operation: the same key sent
-- to another operation is another request with that key, refused with 422 (the IETF httpapi draft's
-- rule for a key reused with a different request). `operation` stays, recording what the key was used for.
-- A key used by several operations before this change keeps its newest record.
DELETE FROM idempotency_keys k
USING idempotency_keys newer
WHERE newer.account_id = k.account_id
  AND newer.key = k.key
  AND (newer.created_at, newer.operation) > (k.created_at, k.operation);
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (account_id, key);
