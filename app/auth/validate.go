package auth

import "unicode/utf8"

// UserAttributes are the user fields a password must not resemble.
type UserAttributes struct {
	Username, FirstName, LastName, Email string
}

// Django's messages, word for word, so that forms read as they did.
const (
	msgTooShort    = "This password is too short. It must contain at least 8 characters."
	msgTooCommon   = "This password is too common."
	msgAllNumeric  = "This password is entirely numeric."
	msgTooSimilarF = "The password is too similar to the %s."
)

// minPasswordLength is MinimumLengthValidator's default; msgTooShort names it.
const minPasswordLength = 8

// ValidatePassword runs Django's four default password validators and returns
// the message of each one that fails, or nil. The order is that of the
// AUTH_PASSWORD_VALIDATORS setting in Django's project template, which the
// Django site used: user attribute similarity, minimum length, common
// password, entirely numeric.
func ValidatePassword(password string, user UserAttributes) []string {
	var problems []string
	if msg, ok := tooSimilar(password, user); ok {
		problems = append(problems, msg)
	}
	// Django counts characters (code points), not bytes.
	if utf8.RuneCountInString(password) < minPasswordLength {
		problems = append(problems, msgTooShort)
	}
	if isCommonPassword(password) {
		problems = append(problems, msgTooCommon)
	}
	if isNumeric(password) {
		problems = append(problems, msgAllNumeric)
	}
	return problems
}
