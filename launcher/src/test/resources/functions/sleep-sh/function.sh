# For ServeLoadIT: sourced by examples/custom-runtime/bootstrap (a "provided" runtime in sh + curl).
# Sleeps the event's "sleep" seconds (default 2), then answers {"slept":N}. No subshells, so an
# invoke costs one fork+exec of sleep on top of the bootstrap's two curls.
handler() {
    SECONDS_TO_SLEEP=2
    case "$1" in
        *'"sleep":'*) s=${1#*\"sleep\":}; s=${s# }; s=${s%%[!0-9]*}; [ -n "$s" ] && SECONDS_TO_SLEEP=$s ;;
    esac
    sleep "$SECONDS_TO_SLEEP"
    printf '{"slept":%s}' "$SECONDS_TO_SLEEP"
}
