"""Movie night: /movienight (/group), /history, the roster, the picks, the poll."""
