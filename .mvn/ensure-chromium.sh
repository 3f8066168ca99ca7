#!/bin/sh
# Browser tests (*BrowserIT) drive Debian's chromium through Debian's chromedriver; Selenium downloads nothing.
# Installs both when missing and we are root (CI); otherwise does nothing and the browser tests skip themselves.
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing chromium and chromium-driver"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "ensure-chromium: could not install chromium; browser tests will be skipped"
else
  echo "ensure-chromium: chromium/chromedriver missing and not root; browser tests will be skipped"
fi
exit 0
