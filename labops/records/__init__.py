"""Records of every kind as people look at and edit them: listings, details, forms."""
