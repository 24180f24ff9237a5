package admin

import (
	"encoding/json"
	"net/http"
)

// message is a one-time notice shown on the next page, as Django's messages.
type message struct {
	Level string `json:"level"` // "success", "warning", "error" or "info"
	Text  string `json:"text"`
}

const messagesKey = "_messages"

// popMessages returns and forgets the queued messages.
func (s *Site) popMessages(r *http.Request) []message {
	raw := s.sessions.PopString(r.Context(), messagesKey)
	if raw == "" {
		return nil
	}
	var queued []message
	_ = json.Unmarshal([]byte(raw), &queued) // only addMessage writes it
	return queued
}
