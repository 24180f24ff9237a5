-- Failed sign-ins, counted per username and per client address to throttle
-- guessing across every instance of the app.
CREATE TABLE auth_login_attempt (
    id {{.ID}},
    username_key VARCHAR(600) NOT NULL,
    client_addr VARCHAR(64) NOT NULL,
    attempted_at {{.Timestamp}} NOT NULL
);
--bun:split
CREATE INDEX auth_login_attempt_username ON auth_login_attempt (username_key, attempted_at);
--bun:split
CREATE INDEX auth_login_attempt_addr ON auth_login_attempt (client_addr, attempted_at);
