package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One stored event in {@code GET /prescriptions/{id}/events}: its stream sequence, its stable type name, when it
 * happened and its payload exactly as stored.
 */
@JsonPropertyOrder({"sequence", "type", "time", "data"})
public record EventResource(long sequence, String type, Instant time, JsonNode data) {}
