package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One tool (API) definition as a dialog declares it. Fields are kept as found, not normalised, so
 * the API rules can judge a definition exactly as a model would see it.
 *
 * @param name the function name; {@code null} when the definition has none
 * @param description what the function does; {@code null} when absent
 * @param parameters the argument schema (JSON Schema or the BFCL/ToolACE dialect); {@code null} when absent
 * @param response the result schema, or {@code null} when the definition declares none
 */
public record ToolSpec(String name, String description, JsonNode parameters, JsonNode response) {}
