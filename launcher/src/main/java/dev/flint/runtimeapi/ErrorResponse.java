package dev.flint.runtimeapi;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The Runtime API's own error body, {@code {"errorMessage":"…","errorType":"…"}} (RIE {@code model.ErrorResponse}). */
@JsonPropertyOrder({"errorMessage", "errorType"})
record ErrorResponse(String errorMessage, String errorType) {}
