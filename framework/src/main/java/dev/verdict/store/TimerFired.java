package dev.verdict.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A timer that fell due, as its owner receives it: the event of a fired timer. A {@link
 * dev.verdict.store.Timers store of timers} delivers it on the subject of its owner and instance ({@link
 * EventSubject#timerFired}), in stream order, to a runner that turns it into commands.
 *
 * <p>{@link #commandId()} is deterministic – the same for every delivery of the same firing – so that commands sent
 * for it are stored once however often it is delivered (a redelivery, two instances during a take-over): give it
 * to the command as its {@link CommandContext#commandId()}.
 *
 * <pre>{@code
 * void onTimer(TimerFired fired) {
 *     CommandContext ctx = CommandContext.withCommandId(fired.commandId());
 *     prescriptions.handle(fired.ref().instance(), new ExpirePrescription(fired.dueAt()), ctx);
 * }
 * }</pre>
 *
 * @param ref the timer
 * @param dueAt when it was due, as it was asked for (it fires at or after this instant, never before)
 * @param scheduledAt when it was scheduled
 */
public record TimerFired(TimerRef ref, Instant dueAt, Instant scheduledAt) {
    /** The stored event type of a fired timer. */
    public static final String TYPE = "TimerFired";

    private static final String PREFIX = "timer.";

    public TimerFired {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(scheduledAt, "scheduledAt");
    }

    /**
     * The command id for the (first) command caused by this firing: {@code timer.<owner>.<instance>.<name>@<dueAt>}
     * – the timer's id and its due instant in epoch milliseconds – or, when that would leave no room for an index
     * within {@link CommandContext#MAX_ID_LENGTH}, {@code timer.} and the SHA-256 of it in hex. The same timer rescheduled to another
     * instant gets another id; the same firing delivered twice gets the same.
     */
    public String commandId() {
        String id = PREFIX + ref.id() + "@" + dueAt.toEpochMilli();
        if (id.length() <= CommandContext.MAX_ID_LENGTH - 8) { // room for commandId(index)
            return id;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The command id of the {@code index}-th command (0-based) caused by this firing; index 0 is {@link #commandId()}. */
    public String commandId(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be 0 or more, was " + index);
        }
        return index == 0 ? commandId() : commandId() + "-" + index;
    }
}
