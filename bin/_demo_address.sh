# Sourced by bin/demo: where the demo web server listens, and whether it may show debug pages.
# The demo has published passwords (demo12345) and, with DEBUG, pages that show tracebacks and
# settings: by default it listens on this computer only. HOST=0.0.0.0 (or a LAN address) opens it to
# the network, and then DEBUG is off unless DEBUG is set explicitly.
DEMO_HOST="${HOST:-127.0.0.1}"
DEMO_PORT="${PORT:-8000}"
case "$DEMO_HOST" in
  127.*|localhost|::1|\[::1\]) DEMO_LOCAL=1 ;;
  *) DEMO_LOCAL=0 ;;
esac
if [ "$DEMO_LOCAL" = 0 ]; then
  export DEBUG="${DEBUG:-false}"
  echo "Chú ý: cổng demo mở cho cả mạng ($DEMO_HOST:$DEMO_PORT), với mật khẩu demo ai cũng biết." >&2
  echo "Warning: the demo is open to the network ($DEMO_HOST:$DEMO_PORT) with publicly known demo passwords." >&2
  echo "DEBUG=$DEBUG; ALLOWED_HOSTS must name the address the others type (ALLOWED_HOSTS=$DEMO_HOST)." >&2
fi
case "$DEMO_HOST" in
  *:*) DEMO_ADDRESS="[${DEMO_HOST#[}" ; DEMO_ADDRESS="${DEMO_ADDRESS%]}]:$DEMO_PORT" ;;
  *) DEMO_ADDRESS="$DEMO_HOST:$DEMO_PORT" ;;
esac
