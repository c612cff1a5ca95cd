# Wellness records are deliberately not in the Django admin: administrators must never read them.
