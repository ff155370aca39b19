-- How long the audit log keeps its entries (days; issue 14).
ALTER TABLE org ADD COLUMN audit_retention_days INTEGER;
