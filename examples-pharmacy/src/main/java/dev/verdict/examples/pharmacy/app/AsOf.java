package dev.verdict.examples.pharmacy.app;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code ?asOf=} query parameter: a stream sequence ({@code 17}) or an ISO-8601 instant ({@code
 * 2026-01-05T09:00:00Z}, an offset such as {@code +01:00} is accepted too).
 *
 * @param sequence the sequence, when given as a number
 * @param instant the instant, when given as a time
 */
record AsOf(Optional<Long> sequence, Optional<Instant> instant) {

    static AsOf parse(String raw) {
        String value = raw.trim();
        if (value.isEmpty()) {
            throw ApiError.badRequest("asOf must be a stream sequence or an ISO-8601 instant, was empty");
        }
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return new AsOf(Optional.of(Long.parseLong(value)), Optional.empty());
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("asOf sequence " + value + " is too large");
            }
        }
        try {
            return new AsOf(Optional.empty(), Optional.of(Instant.parse(value)));
        } catch (DateTimeParseException notUtc) {
            try {
                return new AsOf(
                        Optional.empty(),
                        Optional.of(OffsetDateTime.parse(value).toInstant()));
            } catch (DateTimeParseException e) {
                throw ApiError.badRequest("asOf must be a stream sequence (e.g. 17) or an ISO-8601 instant (e.g."
                        + " 2026-01-05T09:00:00Z), was '" + value + "'");
            }
        }
    }
}
