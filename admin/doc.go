// Package admin is the staff's HTTP front end: a session-authenticated admin
// that keeps the addresses, pages, words and safety of Django's admin. It
// builds on package app and its sub-packages and never imports package public.
package admin
