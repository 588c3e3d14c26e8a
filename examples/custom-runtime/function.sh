# The function for examples/custom-runtime: sourced by ./bootstrap, which calls handler "$EVENT".
# Prints a greeting that embeds the event (which must be JSON); fails for an event containing "fail".

handler() {
    EVENT="$1"
    echo "handling: $EVENT" >&2
    case "$EVENT" in
        *'"fail"'*) return 3 ;;
    esac
    printf '{"message":"Hello from a custom runtime!","event":%s}' "${EVENT:-null}"
}
