-- Sessions for scs, in the database so any instance can serve any request.
-- token holds a hash of the cookie's token, never the token itself.
CREATE TABLE sessions (
    token VARCHAR(64) PRIMARY KEY,
    data {{.Bytes}} NOT NULL,
    expiry {{.Timestamp}} NOT NULL
);
--bun:split
CREATE INDEX sessions_expiry ON sessions (expiry);
