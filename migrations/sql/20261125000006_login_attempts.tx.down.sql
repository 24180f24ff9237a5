DROP TABLE auth_login_attempt;
