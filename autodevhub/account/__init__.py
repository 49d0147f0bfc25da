"""The signed-in user's own account: profile, password and personal API tokens."""
