// Package auth hashes and checks passwords the way Django does, so that the
// hashes already stored by the Django site keep working, and ports Django's
// four default password validators with their exact messages.
//
// New hashes are Argon2id in Django's "argon2$…" encoding. Django's
// pbkdf2_sha256 and pbkdf2_sha1 hashes, and its older argon2i hashes, still
// verify; Hasher.Check reports that they need rehashing so that a successful
// login can upgrade them.
package auth
