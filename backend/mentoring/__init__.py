"""Peer mentoring: mentor profiles, mentee requests, matching and the match lifecycle."""
