-- Anonymisation bookkeeping (issue 14), ids only, like erasure's: the
-- anonymised set is the closure of anonymise requests over every merge
-- edge; the bodies of the ops about those people are kept anonymised
-- (escale_protocol::op::OpBody::anonymised_text).
CREATE TABLE anonymise_requests (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    visitor_id TEXT NOT NULL,
    PRIMARY KEY (org_id, visitor_id)
) WITHOUT ROWID;

CREATE TABLE anonymised (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    visitor_id TEXT NOT NULL,
    anonymised_ms INTEGER NOT NULL,
    PRIMARY KEY (org_id, visitor_id)
) WITHOUT ROWID;
