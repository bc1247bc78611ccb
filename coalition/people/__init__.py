"""The people of a coalition: invitations, roles, removals (the "Personnes" page)."""
