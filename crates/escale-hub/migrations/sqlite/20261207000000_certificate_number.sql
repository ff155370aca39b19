-- The public verification page looks certificates up by number, across
-- organisations: an index on the number in the body of certificate ops only
-- (the same expression as the queries, `json_extract(body, '$.number')`),
-- instead of a scan of every op's body.
CREATE INDEX ops_certificate_number ON ops (json_extract(body, '$.number'))
    WHERE kind IN ('certificate_issued', 'certificate_revoked');
