#!/bin/sh
# The alert rules test (AlertRulesTests) runs `promtool test rules ops/payrecon-alerts.test.yml`; promtool comes with
# Debian's prometheus package. Installs it when missing and we are root (CI); otherwise the test skips itself.
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-promtool: installing prometheus (for promtool)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null) \
    || echo "ensure-promtool: could not install prometheus; the alert rules test will be skipped"
else
  echo "ensure-promtool: promtool missing and not root; the alert rules test will be skipped"
fi
exit 0
