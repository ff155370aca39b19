-- Derived from `not_duplicate` ops: pairs of visitor records staff checked
-- are two different people (smaller id first), never proposed as duplicates
-- again. Ids only (PII-free), kept like merge edges.
CREATE TABLE duplicate_dismissal (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
