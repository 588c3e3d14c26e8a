# A provided-runtime function without a bootstrap: Init fails with Runtime.InvalidEntrypoint.
handler() {
    echo '{"unreachable":true}'
}
