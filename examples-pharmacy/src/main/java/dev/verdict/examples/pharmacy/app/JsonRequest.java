package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.store.EntityId;
import dev.verdict.store.InvalidIdentifier;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A request body, parsed and validated field by field. Every problem becomes a 400 {@link ApiError} naming the
 * field and what is wrong with it, so a client never sees a stack trace or a 500 for bad input.
 */
final class JsonRequest {
    private final JsonNode body;

    private JsonRequest(JsonNode body) {
        this.body = body;
    }

    /** Parses a body that must be a JSON object; an empty body counts as {@code {}}. */
    static JsonRequest parse(ObjectMapper json, byte[] bytes) {
        if (bytes.length == 0) {
            return new JsonRequest(json.createObjectNode());
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("unreadable body: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            return new JsonRequest(json.createObjectNode());
        }
        if (!node.isObject()) {
            throw ApiError.badRequest("the body must be a JSON object, was "
                    + node.getNodeType().name().toLowerCase());
        }
        return new JsonRequest(node);
    }

    /** A non-blank string field. */
    String text(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiError.badRequest("field '" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("field '" + field + "' must be a string");
        }
        String text = value.asText();
        if (text.isBlank()) {
            throw ApiError.badRequest("field '" + field + "' must not be blank");
        }
        if (text.length() > 1000) {
            throw ApiError.badRequest("field '" + field + "' is longer than 1000 characters");
        }
        return text;
    }

    /** A string field that must be a single NATS subject token, because it names an entity. */
    String token(String field) {
        return requireToken(field, text(field));
    }

    /** An integer field of at least {@code min} and at most {@link Integer#MAX_VALUE}. */
    int integer(String field, int min) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiError.badRequest("field '" + field + "' is required");
        }
        if (!value.isIntegralNumber()) {
            throw ApiError.badRequest("field '" + field + "' must be an integer");
        }
        if (!value.canConvertToInt()) {
            throw ApiError.badRequest("field '" + field + "' must be between " + min + " and " + Integer.MAX_VALUE
                    + ", was " + value.asText());
        }
        int number = value.intValue();
        if (number < min) {
            throw ApiError.badRequest("field '" + field + "' must be at least " + min + ", was " + number);
        }
        return number;
    }

    /**
     * An optional ISO-8601 instant field ({@code 2027-01-31T00:00:00Z}, an offset such as {@code +01:00} is
     * converted), which must lie after {@code notBefore}: empty when absent or {@code null}.
     */
    Optional<Instant> instantAfter(String field, Instant notBefore) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("field '" + field + "' must be an ISO-8601 instant string");
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("field '" + field + "' must be an ISO-8601 instant such as"
                    + " 2027-01-31T00:00:00Z, was '" + value.asText() + "'");
        }
        if (!instant.isAfter(notBefore)) {
            throw ApiError.badRequest("field '" + field + "' must be in the future, was " + instant);
        }
        return Optional.of(instant);
    }

    /** Validates an id taken from the path or the body: one subject token, or a 400 saying why not. */
    static String requireToken(String what, String value) {
        try {
            return EntityId.of(value).value();
        } catch (InvalidIdentifier e) {
            throw ApiError.badRequest(what + ": " + e.getMessage());
        }
    }
}
