-- A visitor's town (the registry's `commune` field): its name as typed or
-- as INSEE spells it, and for a French commune its INSEE code, by which
-- partners' reports count people per commune.
ALTER TABLE visitor ADD COLUMN commune TEXT;
ALTER TABLE visitor ADD COLUMN commune_code TEXT;
