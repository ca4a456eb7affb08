"""Projects: gap-bridging projects, their members and team rules."""
