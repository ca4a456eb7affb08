"""Planning: the plans committed, and the requests each left out."""
