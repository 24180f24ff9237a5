package admin

import (
	"encoding/json"
	"html/template"
	"net/http"
)

// message is a one-time notice shown on the next page, as Django's messages.
type message struct {
	Level string `json:"level"` // "success", "warning", "error" or "info"
	// HTML is the message, escaped where it quotes data: a message may link
	// to the object it speaks of, as Django's do.
	HTML string `json:"html"`
}

// Content is the message as markup; only addMessage writes it, from
// escaped parts.
func (m message) Content() template.HTML { return template.HTML(m.HTML) } //nolint:gosec

// addMessage queues a message for the next page this session sees. html
// must already be escaped (see escape).
func (s *Site) addMessage(r *http.Request, level, html string) {
	var queued []message
	if raw := s.sessions.GetString(r.Context(), messagesKey); raw != "" {
		_ = json.Unmarshal([]byte(raw), &queued)
	}
	queued = append(queued, message{Level: level, HTML: html})
	b, _ := json.Marshal(queued) // a slice of strings always marshals
	s.sessions.Put(r.Context(), messagesKey, string(b))
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
