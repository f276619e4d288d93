"""Running the app as a service: the first admin, backups, readiness, proxies, logs."""
