"""Sign-ups for workshops: passers-by who answered a consultation leave a first name and a way to
reach them, kept apart from their answers and deleted after the coalition's retention period."""
