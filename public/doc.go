// Package public is the visitors' HTTP front end: the home page, lettings and
// member profiles. It builds on package app and its sub-packages and never
// imports package admin.
package public
