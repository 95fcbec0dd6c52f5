package dev.verdict.store;

/**
 * A stored message could not be turned into an event: missing headers, an unknown type, an unsupported schema
 * version or a payload that does not parse. Reads fail with this rather than skip the message, because deriving
 * state from an incomplete history would be silently wrong. The message names stream, subject, sequence and type.
 */
public final class EventDecodingFailed extends EventStoreException {
    private static final long serialVersionUID = 1L;

    private final String subject;
    private final long sequence;
    private final String type;

    public EventDecodingFailed(String stream, String subject, long sequence, String type, String reason) {
        this(stream, subject, sequence, type, reason, null);
    }

    public EventDecodingFailed(
            String stream, String subject, long sequence, String type, String reason, Throwable cause) {
        super(
                "cannot decode event at stream '" + stream + "' subject '" + subject + "' sequence " + sequence
                        + " (type " + (type == null ? "<missing>" : "'" + type + "'") + "): " + reason,
                cause);
        this.subject = subject;
        this.sequence = sequence;
        this.type = type == null ? "" : type;
    }

    public String subject() {
        return subject;
    }

    public long sequence() {
        return sequence;
    }

    /** The type header of the message, or the empty string when it had none. */
    public String type() {
        return type;
    }
}
