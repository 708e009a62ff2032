"""Help now: who to call at this moment (the citizen's contacts that are open, the
region's 24/7 emergency line, 112), and the crisis card kept on the phone."""
