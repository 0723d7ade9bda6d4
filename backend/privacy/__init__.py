"""A member's own data: everything held about them as one export, and erasure."""
