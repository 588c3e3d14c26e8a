package dev.flint.runtimeapi;

/** {@code {"status":"OK"}}, the body of every 202. */
record StatusResponse(String status) {
    static final StatusResponse OK = new StatusResponse("OK");
}
