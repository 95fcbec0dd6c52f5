package dev.verdict.store;

import java.util.Objects;

/**
 * What became of one command id, as a {@link CommandIndex} remembers it: enough to answer a re-send of the command
 * with its original outcome without deciding it again.
 *
 * <pre>{@code
 * String stream = store.streamIdentity();
 * CommandRecord appended = new CommandRecord.Appended("cmd-7", rx, stream, 1042, 1043);
 * CommandRecord rejected =
 *         new CommandRecord.Rejected("cmd-8", rx, stream, 1043, "prescription.over-dispense", "only 2 left");
 * }</pre>
 */
public sealed interface CommandRecord permits CommandRecord.Appended, CommandRecord.Unchanged, CommandRecord.Rejected {

    /** The command id. */
    String commandId();

    /** The entity the command was for. */
    EntityRef entity();

    /**
     * The {@link EventStore#streamIdentity()} of the stream the command was decided on; a record of another identity
     * (the stream was deleted and recreated since) does not describe the current stream. {@code ""} = unknown.
     */
    String streamIdentity();

    /**
     * The command's events are stored at stream sequences {@code firstSequence..lastSequence} of the entity (other
     * entities' events may sit in between).
     */
    record Appended(String commandId, EntityRef entity, String streamIdentity, long firstSequence, long lastSequence)
            implements CommandRecord {
        public Appended {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(streamIdentity, "streamIdentity");
            if (firstSequence < 1 || lastSequence < firstSequence) {
                throw new IllegalArgumentException(
                        "sequences must satisfy 1 <= first <= last, were " + firstSequence + ".." + lastSequence);
            }
        }
    }

    /** The decider had nothing to do at {@code version}; nothing was stored. */
    record Unchanged(String commandId, EntityRef entity, String streamIdentity, long version) implements CommandRecord {
        public Unchanged {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(streamIdentity, "streamIdentity");
        }
    }

    /** The decider refused the command at {@code version} with this code and message; nothing was stored. */
    record Rejected(
            String commandId, EntityRef entity, String streamIdentity, long version, String code, String message)
            implements CommandRecord {
        public Rejected {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(streamIdentity, "streamIdentity");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
