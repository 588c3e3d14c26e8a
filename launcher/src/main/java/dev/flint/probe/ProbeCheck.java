package dev.flint.probe;

/**
 * One check of the battery.
 *
 * @param id stable short name ("mount", "egress", "host-uid")
 * @param check what was tried
 * @param expected what an isolated env should see
 * @param seen what was seen
 * @param pass whether seen matches expected
 */
public record ProbeCheck(String id, String check, String expected, String seen, boolean pass) {}
