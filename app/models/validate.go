package models

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Django's messages, word for word, so staff see what they are used to.
const (
	msgRequired      = "This field is required."
	msgInvalidChoice = "Select a valid choice. That choice is not one of the available choices."
	msgNullCharacter = "Null characters are not allowed."
)

func msgMaxLength(limit, got int) string {
	return fmt.Sprintf("Ensure this value has at most %d characters (it has %d).", limit, got)
}

func msgMinLength(limit, got int) string {
	return fmt.Sprintf("Ensure this value has at least %d characters (it has %d).", limit, got)
}

func msgMaxValue(limit int) string {
	return fmt.Sprintf("Ensure this value is less than or equal to %d.", limit)
}

func msgMinValue(limit int) string {
	return fmt.Sprintf("Ensure this value is greater than or equal to %d.", limit)
}

// text checks a string field the way a Django CharField does: a blank
// required value gets only "required"; otherwise the length bounds apply,
// counted in characters, not bytes.
func text(errs FieldErrors, field, value string, required bool, minLen, maxLen int) {
	// Django refuses NUL too: PostgreSQL cannot store it, and it has no
	// business in a title or a name.
	if strings.IndexByte(value, 0) >= 0 {
		errs.Add(field, msgNullCharacter)
		return
	}
	n := utf8.RuneCountInString(value)
	if n == 0 {
		if required {
			errs.Add(field, msgRequired)
		}
		return
	}
	if minLen > 0 && n < minLen {
		errs.Add(field, msgMinLength(minLen, n))
	}
	if maxLen > 0 && n > maxLen {
		errs.Add(field, msgMaxLength(maxLen, n))
	}
}

// integer checks an integer field's inclusive bounds.
func integer(errs FieldErrors, field string, value, minValue, maxValue int) {
	if value < minValue {
		errs.Add(field, msgMinValue(minValue))
	}
	if value > maxValue {
		errs.Add(field, msgMaxValue(maxValue))
	}
}

// reference checks a required foreign key has been chosen.
func reference(errs FieldErrors, field string, id int64) {
	if id <= 0 {
		errs.Add(field, msgRequired)
	}
}

// Django's EmailValidator, less the quoted-string local part nobody uses.
var (
	emailUser   = regexp.MustCompile(`^[-!#$%&'*+/=?^_` + "`" + `{}|~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_` + "`" + `{}|~0-9A-Za-z]+)*$`)
	emailDomain = regexp.MustCompile(`^((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+)(?:[\p{L}\p{N}-]{2,63})$`)
	emailIP     = regexp.MustCompile(`^\[[0-9A-Fa-f:.]+\]$`)
)

const msgInvalidEmail = "Enter a valid email address."

func email(errs FieldErrors, field, value string, maxLen int) {
	if value == "" {
		return
	}
	text(errs, field, value, false, 0, maxLen)
	if len(errs[field]) > 0 {
		return
	}
	at := strings.LastIndexByte(value, '@')
	if at <= 0 || at == len(value)-1 {
		errs.Add(field, msgInvalidEmail)
		return
	}
	user, domain := value[:at], value[at+1:]
	domainOK := domain == "localhost" || emailIP.MatchString(domain) ||
		(emailDomain.MatchString(domain) && !strings.HasSuffix(domain, "-"))
	if !emailUser.MatchString(user) || !domainOK {
		errs.Add(field, msgInvalidEmail)
	}
}

// normalizeEmail lowercases the domain part, as Django's normalize_email does:
// domains are case-insensitive, local parts might not be.
func normalizeEmail(value string) string {
	value = strings.TrimSpace(value)
	at := strings.LastIndexByte(value, '@')
	if at < 0 {
		return value
	}
	return value[:at+1] + strings.ToLower(value[at+1:])
}
