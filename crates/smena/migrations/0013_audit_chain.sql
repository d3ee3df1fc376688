-- The audit log becomes a hash chain (store/chain.rs): each entry has its
-- place in the chain and the SHA-256 of the previous hash and its own
-- contents; audit_chain holds the head. Its sequence number starts at -1:
-- the service chains the entries of earlier versions once, then sets it.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL,
    head TEXT NOT NULL
);
INSERT INTO audit_chain (id, seq, head)
VALUES (1, -1, '0000000000000000000000000000000000000000000000000000000000000000');
