"""The people in a drill: the responder's panel and keys, blind drills, the game master and its
channel."""
