-- Anonymisation bookkeeping (issue 14), ids only, like erasure's: the
-- anonymised set is the closure of anonymise requests over every merge
-- edge; the bodies of the ops about those people are kept anonymised
-- (escale_protocol::op::OpBody::anonymised_text).
CREATE TABLE anonymise_requests (
    org_id UUID NOT NULL,
    visitor_id UUID NOT NULL,
    PRIMARY KEY (org_id, visitor_id)
);

CREATE TABLE anonymised (
    org_id UUID NOT NULL,
    visitor_id UUID NOT NULL,
    anonymised_ms BIGINT NOT NULL,
    PRIMARY KEY (org_id, visitor_id)
);
