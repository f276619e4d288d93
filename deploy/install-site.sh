#!/bin/sh
# Install deploy/nginx.conf as the nginx site of this server (docs/deploy.md: step 8,
# "HTTPS" and "Upgrading" all run this, so an upgraded server gets the release's site):
#   /srv/tracker/app/deploy/install-site.sh HOST            plain HTTP (step 8)
#   /srv/tracker/app/deploy/install-site.sh HOST --https    HTTPS on (step 8, "HTTPS")
# HOST replaces the example server_name. --https switches on every line marked
# "# HTTPS: " and deletes those ending "# HTTP-only" (deploy/nginx.conf explains them).
# Without --https it refuses to overwrite an installed site that has HTTPS on (an
# upgrade must not turn it off). Then: nginx -t && systemctl reload nginx.
# TRACKER_SITE_FILE changes where the site goes (tests/ops/test_install_site.py).
set -eu
site=${TRACKER_SITE_FILE:-/etc/nginx/sites-available/tracker}
usage="usage: install-site.sh HOST [--https]"
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "$usage" >&2; exit 2; }
host=$1
https=${2:-}
case $host in
    ''|*[!A-Za-z0-9.-]*) echo "install-site.sh: not a host name: '$host'" >&2; exit 2 ;;
esac
case $https in
    ''|--https) ;;
    *) echo "$usage" >&2; exit 2 ;;
esac
if [ -z "$https" ] && [ -f "$site" ] && grep -Eq '^[[:space:]]*listen[^#]*443' "$site"; then
    echo "install-site.sh: $site has HTTPS on: run it with --https" >&2
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
new="$site.new"
sed "s|gongjian.example.gov.cn|$host|g" "$here/nginx.conf" > "$new"
if [ -n "$https" ]; then
    sed -i -e 's|^\(\s*\)# HTTPS: |\1|' -e '/# HTTP-only$/d' "$new"
fi
mv "$new" "$site"
echo "installed $site for $host${https:+ (HTTPS)}"
