-- Images the organisation's certificates print (its logo, its signatory's
-- signature): pieces folded from `asset_chunk` ops, each small enough to
-- cross a bad link. The organisation's `logo` and `signature` name an asset.
ALTER TABLE org ADD COLUMN logo TEXT;
ALTER TABLE org ADD COLUMN signature TEXT;

CREATE TABLE asset_chunk (
    asset_id BLOB NOT NULL,
    idx INTEGER NOT NULL,
    op_id BLOB NOT NULL,
    count INTEGER NOT NULL,
    mime TEXT NOT NULL,
    data TEXT NOT NULL,              -- base64url, as the op carries it
    PRIMARY KEY (asset_id, idx)
) WITHOUT ROWID;
