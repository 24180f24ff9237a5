package auth

import (
	"slices"
	"strings"
	"testing"
)

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	const (
		tooShort   = "This password is too short. It must contain at least 8 characters."
		tooCommon  = "This password is too common."
		allNumeric = "This password is entirely numeric."
	)
	tests := []struct {
		name     string
		password string
		user     UserAttributes
		want     []string
	}{
		{"fine", "vT9#qLx2!mZr8@Kd", UserAttributes{Username: "admin", Email: "admin@example.com"}, nil},
		{"7 characters", "vT9#qLx", UserAttributes{}, []string{tooShort}},
		{"8 characters", "vT9#qLx2", UserAttributes{}, nil},
		{"7 multibyte characters in 14 bytes", "ééééééé", UserAttributes{}, []string{tooShort}},
		{"8 multibyte characters", "éàüöçñøå", UserAttributes{}, nil},
		{"8 characters of 4 bytes", strings.Repeat("🔑", 8), UserAttributes{}, nil},
		{"empty", "", UserAttributes{}, []string{tooShort}},
		{"numeric and common", "12345678", UserAttributes{}, []string{tooCommon, allNumeric}},
		{"numeric, not common", "90417263", UserAttributes{}, []string{allNumeric}},
		{"short numeric", "7294", UserAttributes{}, []string{tooShort, allNumeric}},
		{"short, common, numeric", "123456", UserAttributes{}, []string{tooShort, tooCommon, allNumeric}},
		{"common", "Password", UserAttributes{}, []string{tooCommon}},
		{"similar to username", "ocadmin1", UserAttributes{Username: "ocadmin1"}, []string{"The password is too similar to the username."}},
		{
			"all four, in Django's order", "1234567",
			UserAttributes{Username: "1234567"},
			[]string{"The password is too similar to the username.", tooShort, tooCommon, allNumeric},
		},
		{
			"similar, short and common", "admin", UserAttributes{Username: "admin"},
			[]string{"The password is too similar to the username.", tooShort, tooCommon},
		},
		{
			"similar to email", "dupont1985", UserAttributes{Email: "jean.dupont@example.com"},
			[]string{"The password is too similar to the email address."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ValidatePassword(tt.password, tt.user); !slices.Equal(got, tt.want) {
				t.Errorf("ValidatePassword(%q) = %q, want %q", tt.password, got, tt.want)
			}
		})
	}
}
