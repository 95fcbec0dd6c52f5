package dev.verdict.store;

/**
 * Why an event became a dead letter.
 *
 * <pre>{@code
 * deadLetters.list("prescription-list").stream().filter(l -> l.reason() == PoisonReason.HANDLER_FAILED)...
 * }</pre>
 */
public enum PoisonReason {
    /** The message is not a Verdict event: missing or malformed headers. */
    UNREADABLE_MESSAGE,
    /** The codec refused it: unknown event type, unsupported schema version or a payload that does not parse. */
    UNDECODABLE_EVENT,
    /** The projection threw while applying it. */
    HANDLER_FAILED
}
