"""Progress pages: community progress, "双创" progress, coverage, findings."""
