"""Referrals: a counseling service refers a person to a circle, and learns what the person
agrees to share (whether they joined or said no thanks; which meetings they attended)."""
