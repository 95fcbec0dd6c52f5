package dev.verdict.store;

import dev.verdict.store.internal.Ascii;
import dev.verdict.store.internal.RandomIds;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who asked for a change and why: travels with a command into the headers of every event it causes.
 *
 * <ul>
 *   <li>{@code commandId} – unique per command. Each event gets {@code Nats-Msg-Id = <commandId>:<index>}, so a
 *       re-sent command (same id) is deduplicated by the server inside the stream's duplicate window. Use an
 *       idempotency key from your client, or let {@link #create()} generate a UUID.
 *   <li>{@code correlationId} – ties together everything caused by one original request (defaults to the command
 *       id).
 *   <li>{@code causationId} – the id of the event or command that caused this command, if any.
 *   <li>{@code metadata} – your own key/value pairs (keys: letters, digits, {@code -}; values: printable ASCII).
 * </ul>
 *
 * <pre>{@code
 * CommandContext ctx = CommandContext.withCommandId(idempotencyKey)
 *         .correlatedWith(requestId)
 *         .withMetadata("user", "pharmacist-7");
 * }</pre>
 */
public record CommandContext(
        String commandId, String correlationId, Optional<String> causationId, Map<String, String> metadata) {

    /** Longest command id: the message id {@code <commandId>:<index>} must stay a short header value. */
    public static final int MAX_ID_LENGTH = 200;

    public CommandContext {
        requireId("command id", commandId);
        if (correlationId != commandId) { // the same instance (the usual case) was just checked
            requireId("correlation id", correlationId);
        }
        Objects.requireNonNull(causationId, "causationId (use Optional.empty())");
        causationId.ifPresent(id -> requireId("causation id", id));
        Objects.requireNonNull(metadata, "metadata");
        metadata.forEach((k, v) -> {
            if (k == null || !Ascii.isMetadataKey(k)) {
                throw new IllegalArgumentException("metadata key '" + k
                        + "' must be 1-64 ASCII letters, digits or '-', starting with a letter or digit");
            }
            if (v == null || !Ascii.allBetween(v, 0, 1024, ' ', '~')) {
                throw new IllegalArgumentException(
                        "metadata value of '" + k + "' must be at most 1024 printable ASCII characters");
            }
        });
        metadata = Map.copyOf(metadata);
    }

    private static void requireId(String what, String id) {
        if (id == null || !Ascii.isToken(id, MAX_ID_LENGTH)) {
            throw new IllegalArgumentException(
                    what + " '" + id + "' must be 1-" + MAX_ID_LENGTH + " printable ASCII characters without spaces");
        }
    }

    /**
     * A new context with a random command id (a version-4 UUID from a cryptographically strong generator, so it cannot
     * be guessed from earlier ones), correlated with itself.
     */
    public static CommandContext create() {
        return withCommandId(RandomIds.next());
    }

    /** A context for the given command id (e.g. an idempotency key), correlated with itself. */
    public static CommandContext withCommandId(String commandId) {
        return new CommandContext(commandId, commandId, Optional.empty(), Map.of());
    }

    /** The same context, correlated with another request. */
    public CommandContext correlatedWith(String correlationId) {
        return new CommandContext(commandId, correlationId, causationId, metadata);
    }

    /** The same context, caused by the given event or command id. */
    public CommandContext causedBy(String causationId) {
        return new CommandContext(commandId, correlationId, Optional.of(causationId), metadata);
    }

    /** The same context with one more metadata entry. */
    public CommandContext withMetadata(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(key, value);
        return new CommandContext(commandId, correlationId, causationId, m);
    }

    /** The {@code Nats-Msg-Id} of the event at {@code index} (0-based) of this command's decision. */
    public String messageId(int index) {
        return commandId + ":" + index;
    }
}
